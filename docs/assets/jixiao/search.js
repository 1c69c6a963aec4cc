/* 本站的搜索（不访问其他网站，不需要服务器程序）：索引在 search-index/，由 jixiao build 生成（generator/site/search.py）。
   中文按相邻的两个字切分（“村干部意外保险”→ 村干 干部 部意 意外 外保 保险），查询词也一样切分，页面包含全部切分才算找到，
   所以名称中任意两个字以上的部分都能找到。索引文件都是普通脚本，网站放在任何路径下、或直接从磁盘打开都能搜索。
   排序对整个索引用同一规则：名称与查询词相同 → 名称包含查询词 → 所属单位、地区的名称包含 → 正文包含。 */
(function () {
  "use strict";
  var CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af";
  var SPLIT = /(\s+|[0-9a-z]+)/;
  var WORD = /^[0-9a-z]+$/;
  var SPACE = /^\s+$/;
  var NOT_CJK = new RegExp("[^" + CJK + "]+", "g");
  var ENTRY = /^([0-9a-z]+)(?:-([0-9a-z]+))?(?:([A-Z])(?:([0-9a-z]+)\.([0-9a-z]+))?)?$/;
  var TITLE = 1, CONTEXT = 2, BODY = 4;
  /* A token of a project's monitoring and self-evaluation: a query found there opens that section of the page. */
  var RESULTS = 8, RESULTS_SECTION = "#self-evaluation";
  var PAGE = 10;

  /* The same rule as generator/site/search.py tokens(). */
  function tokens(text) {
    var out = [];
    var pieces = text.normalize("NFKC").toLowerCase().split(SPLIT);
    for (var i = 0; i < pieces.length; i++) {
      var piece = pieces[i];
      if (!piece || SPACE.test(piece)) continue;
      if (WORD.test(piece)) { out.push(piece); continue; }
      var run = piece.replace(NOT_CJK, "");
      var chars = Array.from(run);
      for (var j = 0; j + 1 < chars.length; j++) out.push(chars[j] + chars[j + 1]);
    }
    return out;
  }

  /* The tokens a query is looked up by: of each run of pairs every other one and the last (村干 部意 外保 保险
     for 村干部意外保险), which still covers every character, at most MAX_LOOKUPS in all, evenly spread:
     each token costs a file to fetch. */
  var MAX_LOOKUPS = 6;
  /* A pair in one of the large token files (entry.heavy: pairs most pages have, 经费, 工作) is looked up only
     when its word has fewer than two other pairs: the others find the same pages for far fewer bytes. */
  function light(word) {
    var all = tokens(word), e = state.entry, heavy = {};
    if (!e || !e.heavy || !e.heavy.length) return all;
    e.heavy.forEach(function (n) { heavy[n] = true; });
    var kept = all.filter(function (t) { return !heavy[fnv(t) % e.shards]; });
    return kept.length >= 2 ? kept : all;
  }
  function spread(query) {
    var words = [], seen = {}, total = 0;
    query.split(/\s+/).forEach(function (word) {
      var run = light(word).filter(function (t, i, all) {
        return (i % 2 === 0 || i === all.length - 1) && !seen[t] && (seen[t] = true);
      });
      if (run.length) { words.push(run); total += run.length; }
    });
    if (total <= MAX_LOOKUPS) return [].concat.apply([], words);
    /* Too many: each word keeps its first and last token, then the others in turn while there is room. */
    var kept = words.map(function (run) { return run.length > 1 ? [run[0], run[run.length - 1]] : [run[0]]; });
    var room = MAX_LOOKUPS - kept.reduce(function (n, run) { return n + run.length; }, 0);
    for (var i = 1; room > 0; i++) {
      var added = false;
      words.forEach(function (run, w) {
        if (room > 0 && i < run.length - 1) { kept[w].splice(kept[w].length - 1, 0, run[i]); room--; added = true; }
      });
      if (!added) break;
    }
    return [].concat.apply([], kept);
  }

  /* One Chinese character standing alone makes no token; after a word that ends in Chinese it is read as part of
     it: "自评 优" is searched as 自评优 (a grade is one character), "村 干部" as 村干部. */
  var SINGLE = new RegExp("^[" + CJK + "]$");
  var ENDS_CJK = new RegExp("[" + CJK + "]$");
  function joinSingles(query) {
    var out = [];
    query.trim().split(/\s+/).forEach(function (word) {
      var normal = word.normalize("NFKC");
      if (out.length && SINGLE.test(normal) && ENDS_CJK.test(out[out.length - 1])) out[out.length - 1] += normal;
      else out.push(normal);
    });
    return out.join(" ");
  }

  function fnv(token) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) {
      h = (h ^ token.charCodeAt(i)) >>> 0;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  var state = { root: null, entry: undefined, shards: {}, blocks: {}, loading: {} };

  function load(name, key, store) {
    if (store[key] !== undefined) return Promise.resolve(store[key]);
    if (state.loading[name]) return state.loading[name];
    state.loading[name] = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = state.root + "search-index/" + name + ".js";
      script.onload = function () { resolve(store[key]); script.remove(); };
      script.onerror = function () { delete state.loading[name]; reject(new Error(name)); script.remove(); };
      document.head.appendChild(script);
    });
    return state.loading[name];
  }

  var api = window.jixiaoSearch = {
    tokens: tokens,
    fnv: fnv,
    entry: function (value) { state.entry = value; },
    t: function (number, value) { state.shards[number] = value; },
    d: function (key, value) { state.blocks[key] = value; }
  };

  function entry() { return load("entry", "entry", state); }

  function groupKind(group) {
    if (group[3]) return "unit";
    return group[1] >= 0 ? "region" : "guides";
  }

  /* The kind of page (index into entry.kinds) a place in a group holds. */
  function kindOf(group, local) {
    var kind = groupKind(group);
    if (kind === "unit") return local === 0 ? 2 : 3;
    if (kind === "region") return local === 0 ? 0 : 1;
    return 4;
  }

  function postings(token) {
    var e = state.entry;
    var shard = fnv(token) % e.shards;
    return load("t/" + shard, shard, state.shards).then(function (found) {
      var map = new Map();
      var text = found && Object.prototype.hasOwnProperty.call(found, token) ? found[token] : "";
      if (!text) return map;
      text.split(";").forEach(function (chunk) {
        var colon = chunk.indexOf(":");
        var group = parseInt(chunk.slice(0, colon), 36);
        chunk.slice(colon + 1).split(",").forEach(function (item) {
          var m = ENTRY.exec(item);
          if (!m) return;
          var start = parseInt(m[1], 36), end = m[2] ? parseInt(m[2], 36) : start;
          var bits = m[3] ? m[3].charCodeAt(0) - 65 : BODY;
          var length = m[4] ? parseInt(m[4], 36) : 0, hash = m[5] ? parseInt(m[5], 36) : -1;
          for (var local = start; local <= end; local++) map.set(group + "." + local, [bits, length, hash]);
        });
      });
      return map;
    });
  }

  function allowed(group, local, filters) {
    var kind = kindOf(group, local);
    var guides = filters.kind === "说明";
    if ((kind === 4) !== guides) return false;
    if (filters.region && (group[1] < 0 || state.entry.regions[group[1]] !== filters.region)) return false;
    if (filters.year) {
      var year = group[2] || (group[5] && group[5][local]) || 0;
      if (String(year) !== String(filters.year)) return false;
    }
    if (filters.unit && group[3] !== filters.unit) return false;
    if (filters.kind && filters.kind !== "说明" && state.entry.kinds[kind] !== filters.kind) return false;
    return true;
  }

  /* Search: resolves to {total, results: [{group, local, rank}], tooShort}. */
  api.search = function (query, filters) {
    filters = filters || {};
    query = joinSingles(query || "");
    return entry().then(function (e) {
      var all = tokens(query || "");
      var seen = {};
      var wanted = all.filter(function (t) { return seen[t] ? false : (seen[t] = true); });
      if (!wanted.length) return { total: 0, results: [], tooShort: !!(query || "").trim(), empty: !(query || "").trim() };
      var strong = spread(query);
      var needed = strong.slice();
      if (filters.category) needed.push("类别=" + filters.category);
      return Promise.all(needed.map(postings)).then(function (maps) {
        var scored = maps.slice(0, strong.length);
        var order = maps.map(function (m, i) { return i; }).sort(function (a, b) { return maps[a].size - maps[b].size; });
        var offsets = [], total = 0, named = {};
        e.groups.forEach(function (g) { offsets.push(total); total += g[4]; });
        var exact = fnv(all.join(" ")) % 1296;
        /* How many of all the query's tokens the names above a group's pages have (its unit, region and
           year), known without fetching anything: of the pages found, those of the unit named come first. */
        function inNames(g) {
          if (named[g] === undefined) {
            var group = e.groups[g];
            var own = {};
            tokens([group[3], group[1] >= 0 ? e.regions[group[1]] : "", group[2] ? group[2] + "年" : ""].join(" "))
              .forEach(function (t) { own[t] = true; });
            named[g] = wanted.filter(function (t) { return own[t]; }).length;
          }
          return named[g];
        }
        var results = [];
        maps[order[0]].forEach(function (value, key) {
          for (var i = 1; i < order.length; i++) if (!maps[order[i]].has(key)) return;
          var dot = key.indexOf(".");
          var g = +key.slice(0, dot), local = +key.slice(dot + 1);
          var group = e.groups[g];
          if (!group || !allowed(group, local, filters)) return;
          var inTitle = 0, inName = 0, length = 0, hash = -1, section = false;
          scored.forEach(function (map) {
            var v = map.get(key);
            if (v[0] & TITLE) { inTitle++; length = v[1]; hash = v[2]; }
            if (v[0] & (TITLE | CONTEXT)) inName++;
            if (!(v[0] & (TITLE | CONTEXT | BODY))) section = true;  /* found in the self-evaluation only */
          });
          var n = strong.length;
          var rank = inTitle === n ? (length === wanted.length && hash === exact ? 0 : 1) : inName === n ? 2 : 3;
          results.push({ group: g, local: local, rank: rank, partial: inNames(g) * 4 + inTitle * 2 + inName,
                         length: length || 999, section: section,
                         kind: kindOf(group, local), order: offsets[g] + local });
        });
        results.sort(function (a, b) {
          return a.rank - b.rank || b.partial - a.partial || a.length - b.length || a.kind - b.kind || a.order - b.order;
        });
        return { total: results.length, results: results, tooShort: false };
      });
    });
  };

  /* What a result shows, and its address relative to the site's root. */
  api.describe = function (result) {
    var group = state.entry.groups[result.group];
    var block = result.group + "-" + Math.floor(result.local / state.entry.block);
    return load("d/" + block, block, state.blocks).then(function (docs) {
      var d = docs[result.local % state.entry.block];
      var folder = group[0] + (d[2] ? d[2] + "/" : "");
      return {
        kind: state.entry.kinds[d[0]], title: d[1], path: folder, category: d[3], amount: d[4],
        line: result.section && d.length > 7 ? d[7] : d[5], anchor: result.section ? RESULTS_SECTION : "",
        unit: result.kind === 3 ? group[3] : "", region: group[1] >= 0 ? state.entry.regions[group[1]] : "",
        year: group[2] || d[6] || 0
      };
    });
  };

  /* Addresses of the first ``count`` results of ``query`` (the tests' and the benchmark's way in). */
  api.find = function (query, filters, count) {
    return api.search(query, filters).then(function (found) {
      return Promise.all(found.results.slice(0, count || 10).map(api.describe));
    }).then(function (items) { return items.map(function (item) { return item.path + item.anchor; }); });
  };

  api.start = function (root) {
    state.root = root;
    var form = document.getElementById("jixiao-search-form");
    if (!form) return;
    var input = form.elements.q;
    var status = document.getElementById("jixiao-search-status");
    var list = document.getElementById("jixiao-search-results");
    var more = document.getElementById("jixiao-search-more");
    var shown = 0, current = null, serial = 0, timer = null;
    var names = ["region", "year", "unit", "category", "kind"];

    function filters() {
      var out = {};
      names.forEach(function (name) { if (form.elements[name] && form.elements[name].value) out[name] = form.elements[name].value; });
      return out;
    }

    function option(select, value, text) {
      var o = document.createElement("option");
      o.value = value;
      o.textContent = text;
      select.appendChild(o);
    }

    function fillUnits() {
      var select = form.elements.unit, chosen = select.value, region = form.elements.region.value, year = form.elements.year.value;
      while (select.options.length > 1) select.remove(1);
      var seenUnits = {};
      state.entry.groups.forEach(function (g) {
        if (!g[3] || seenUnits[g[3]]) return;
        if (region && state.entry.regions[g[1]] !== region) return;
        if (year && String(g[2]) !== year) return;
        seenUnits[g[3]] = true;
        option(select, g[3], g[3]);
      });
      select.value = seenUnits[chosen] ? chosen : "";
    }

    function address() {
      var params = new URLSearchParams();
      if (input.value.trim()) params.set("q", input.value.trim());
      var f = filters();
      names.forEach(function (name) { if (f[name]) params.set(name, f[name]); });
      var text = params.toString();
      try { history.replaceState(null, "", location.pathname + (text ? "?" + text : "")); } catch (err) { /* some browsers refuse it for files */ }
    }

    function item(d) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = state.root + d.path + "index.html" + d.anchor;  /* as every link of the site: works from disk too */
      link.textContent = d.title;
      var kind = document.createElement("span");
      kind.className = "jixiao-result-kind";
      kind.textContent = d.kind;
      var head = document.createElement("p");
      head.className = "jixiao-result-title";
      head.appendChild(kind);
      head.appendChild(link);
      li.appendChild(head);
      var facts = [d.unit, d.region && d.year ? d.region + " " + d.year + "年" : d.region, d.category, d.amount]
        .filter(Boolean);
      if (facts.length) {
        var meta = document.createElement("p");
        meta.className = "jixiao-result-meta";
        meta.textContent = facts.join(" · ");
        li.appendChild(meta);
      }
      if (d.line) {
        var line = document.createElement("p");
        line.className = "jixiao-result-line";
        line.textContent = d.line;
        li.appendChild(line);
      }
      return li;
    }

    function showMore() {
      var mine = serial;
      var page = current.results.slice(shown, shown + PAGE);
      shown += page.length;
      return Promise.all(page.map(api.describe)).then(function (items) {
        if (mine !== serial) return;
        items.forEach(function (d) { list.appendChild(item(d)); });
        more.hidden = shown >= current.total;
      });
    }

    function run() {
      address();
      var mine = ++serial;
      var query = input.value;
      var started = performance.now();
      return api.search(query, filters()).then(function (found) {
        if (mine !== serial) return;
        current = found;
        shown = 0;
        list.textContent = "";
        more.hidden = true;
        if (found.empty) { status.textContent = "输入项目、单位或指标的名称（两个字以上），如“志愿服务”“组织部”。"; return; }
        if (found.tooShort) { status.textContent = "请至少输入两个字。"; return; }
        var where = filters().kind === "说明" ? "说明文档中" : "";
        status.textContent = found.total ? where + "找到 " + found.total + " 个页面" : where + "没有找到包含“" + query.trim() + "”的页面。";
        return showMore().then(function () { api.shownAt = performance.now(); api.lastTime = api.shownAt - started; });
      }).catch(function () {
        if (mine !== serial) return;
        status.textContent = "搜索索引无法读取：请用 jixiao build 重新生成网站，并确认 search-index/ 文件夹与网页一同发布。";
      });
    }

    entry().then(function (e) {
      e.regions.forEach(function (r) { option(form.elements.region, r, r); });
      e.years.forEach(function (y) { option(form.elements.year, String(y), y + "年"); });
      e.categories.forEach(function (c) { option(form.elements.category, c, c); });
      var params = new URLSearchParams(location.search);
      input.value = params.get("q") || "";
      names.forEach(function (name) { if (params.get(name) && form.elements[name]) form.elements[name].value = params.get(name); });
      fillUnits();
      if (params.get("unit")) form.elements.unit.value = params.get("unit");
      // The filters take a phone's first screen: there they stay folded unless the address chose one.
      var box = document.getElementById("jixiao-search-filters");
      if (box && (window.matchMedia("(min-width: 600px)").matches || Object.keys(filters()).length)) box.open = true;
      form.hidden = false;
      form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
      names.forEach(function (name) {
        form.elements[name].addEventListener("change", function () { if (name !== "unit") fillUnits(); run(); });
      });
      more.addEventListener("click", function () { showMore(); });
      api.ready = run();
    }).catch(function () {
      status.textContent = "搜索索引无法读取：请用 jixiao build 重新生成网站，并确认 search-index/ 文件夹与网页一同发布。";
    });
  };
})();
