/* 本站的脚本（不访问其他网站）。
   搜索：页头的放大镜按钮指向本站的搜索页；搜索页载入 search.js，它只读取与所输入的词有关的几个索引文件。
   全部项目列表：点击表头排序，按名称、单位、类别筛选（没有脚本时是普通表格）。
   无障碍：能横向滚动的代码块可以用键盘聚焦（Tab）后滚动。 */
(function () {
  "use strict";
  function base() {
    var config = document.getElementById("__config");
    var value = ".";
    try { value = JSON.parse(config.textContent).base || "."; } catch (e) { /* keep "." */ }
    return new URL(value.replace(/\/?$/, "/"), document.location.href);
  }
  function addButton(root) {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".jixiao-search-button")) return;
    var link = document.createElement("a");
    link.className = "md-header__button md-icon jixiao-search-button";
    link.href = new URL("搜索/index.html", root).href;
    link.title = "搜索";
    link.setAttribute("aria-label", "搜索");
    link.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">' +
      '<path d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5Z"/></svg>';
    var source = header.querySelector(".md-header__source");
    header.insertBefore(link, source);
  }
  function mountSearch(root) {
    if (!document.getElementById("jixiao-search-form")) return;
    var script = document.createElement("script");
    script.src = new URL("assets/jixiao/search.js", root).href;
    script.onload = function () { window.jixiaoSearch.start(root.href); };
    script.onerror = function () {
      document.getElementById("jixiao-search-status").textContent = "搜索程序无法读取：请用 jixiao build 重新生成网站。";
    };
    document.body.appendChild(script);
  }
  /* The list of all projects: each column header sorts (a button, with aria-sort), the filter form hides
     rows by name, unit and category. Without script the list is a plain table. */
  function sortableLists() {
    var tables = document.querySelectorAll("table[data-sortable]");
    for (var t = 0; t < tables.length; t++) sortable(tables[t]);
    var forms = document.querySelectorAll("form[data-list-filter]");
    for (var f = 0; f < forms.length; f++) filtering(forms[f]);
  }
  function sortable(table) {
    var heads = table.querySelectorAll("thead th[data-sort]");
    var body = table.tBodies[0];
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.getAttribute("data-sort") === "number";
        function key(row) {
          var cell = row.cells[column];
          var text = cell.getAttribute("data-value");
          if (text === null) text = cell.textContent.trim();
          return numeric ? (text === "" ? -Infinity : parseFloat(text)) : text;
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = numeric ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return up ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  function filtering(form) {
    var table = form.parentNode.querySelector("table[data-sortable]");
    if (!table) return;
    var count = form.querySelector(".jixiao-list-count");
    form.hidden = false;
    function apply() {
      var text = form.elements.text.value.trim(), unit = form.elements.unit.value, category = form.elements.category.value;
      var shown = 0, rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        var ok = (!unit || row.getAttribute("data-unit") === unit) && (!category || row.getAttribute("data-category") === category)
          && (!text || row.cells[1].textContent.indexOf(text) >= 0);
        row.hidden = !ok;
        if (ok) shown++;
      }
      count.textContent = "显示 " + shown + " 个项目，共 " + rows.length + " 个";
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
  function focusableCode() {
    var blocks = document.querySelectorAll(".md-typeset pre > code");
    for (var i = 0; i < blocks.length; i++) blocks[i].tabIndex = 0;
  }
  function start() {
    var root = base();
    addButton(root);
    mountSearch(root);
    sortableLists();
    focusableCode();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
