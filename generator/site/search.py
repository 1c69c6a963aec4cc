"""Search in Chinese with no server and no program to install: an index of character pairs made with the site.

Why pairs. Chinese has no spaces, and a dictionary that cuts text into words cuts names the way its
dictionary says, not the way readers type them: Pagefind, measured on the sample site (49 everyday
queries, docs/搜索.md), found the right page in its first three results 35 times (1.5.2, as the site
used it), 38 (1.5.2, one index) and 49 (1.4.0, one index), and none of them finds a part of a name
that crosses its words (作经 in 工作经费). Here every run of Chinese text is cut into its overlapping
pairs of characters (村干部意外保险 → 村干 干部 部意 意外 外保 保险), the text and the query alike, so
any part of two characters or more is found, and a page matches when it has every pair of the query.
Letters and digits are words (2026, V007). Punctuation inside Chinese text is left out (村（社区）
→ 村社区); spaces separate.

What is indexed, with the weight of where it stands: the page's name (title), the names above it
(its unit, region and year: context) and its text (goals, indicators, duties …: body). The browser
ranks every page by one rule over the whole index (search.js): the name itself, then names that
contain the query, then pages whose unit or region does, then the rest; guides only under their own
filter.

The files (``search-index/``), all loaded as plain scripts, so search works from a web server at any
path and from a page opened from disk:

- ``entry.js``: the groups of pages (a unit and its projects, a region with its years, the guides),
  the choices of the filters, and how many token files there are;
- ``t/<n>.js``: the postings of the tokens whose hash is n: per group, the pages that have the token
  and where (title, context, body);
- ``d/<group>-<block>.js``: what a result shows (name, address, category, amount, a line of text),
  8 pages a file.

A reader's first search loads entry.js, a token file for every other pair typed (at most six, and not
the few large files of pairs most pages have while the query has enough others: ``heavy`` in entry.js),
and the blocks of the results shown; at 10,000 projects well under 150 KB (docs/搜索.md has the figures).
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from dataclasses import astuple, dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from generator import atomic, cache, held

FOLDER = "search-index"
BLOCK = 8  # pages per results file: a page of results needs a few small files
SHARD_BYTES = 4000  # about this many bytes of postings per token file
# A token file above this size holds a pair most pages have (经费, 工作): a query looks such pairs up only
# when its words have too few others (search.js spread()), so that a first search stays small.
HEAVY_BYTES = 12000
TITLE, CONTEXT, BODY = 1, 2, 4
# A token of a project's monitoring and self-evaluation (得分, 未完成, a 偏差原因): a query found there opens the
# page at that section (search.js), and the result shows the project's score rather than its goals.
RESULTS = 8
CATEGORY_TOKEN = "类别="  # + a 项目类别: the pages of that category, for the filter
KINDS = ("地区", "年度", "单位", "项目", "说明")
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_SPLIT = re.compile(r"(\s+|[0-9a-z]+)")
_NOT_CJK = re.compile(f"[^{CJK}]+")
_WORD = re.compile(r"[0-9a-z]+")
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def tokens(text: str) -> list[str]:
    """The tokens of ``text``, in order: pairs of Chinese characters, words of letters or digits. A Chinese
    character standing alone makes no token: search needs two.

    docs/assets/jixiao/search.js cuts a query by exactly this rule; tests/test_search_index.py runs
    both on the same texts.
    """
    out: list[str] = []
    for piece in _SPLIT.split(unicodedata.normalize("NFKC", text).lower()):
        if not piece or piece.isspace():
            continue
        if _WORD.fullmatch(piece):
            out.append(piece)
            continue
        run = _NOT_CJK.sub("", piece)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


@dataclass(frozen=True)
class Doc:
    """One page as search sees it: where it is indexed from, and what a result shows."""

    kind: str  # one of KINDS
    title: str
    slug: str  # the page's folder below its group's folder ("" for the group's own page)
    context: str = ""
    body: str = ""
    category: str = ""
    amount: str = ""
    line: str = ""  # a line of text shown under the result
    year: int = 0  # for a year page inside a region's group
    results: str = ""  # a project's monitoring and self-evaluation (indexed as RESULTS)
    results_line: str = ""  # the line shown instead of ``line`` when a query is found in ``results`` only


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = DIGITS[r] + out
        if n == 0:
            return out


def group_postings(docs: list[Doc]) -> dict[str, str]:
    """token → the pages of one group that have it, as the entries of search.js:
    ``start[-end][FLAGS[titlelength.titlehash]]`` separated by commas (FLAGS a letter: A + the bits of
    TITLE, CONTEXT, BODY and RESULTS; left out for body only). For a token of the title, the title's number of
    distinct tokens (shorter names first) and a hash of its tokens, which tells a page whose name is
    exactly the query although the browser looks up only some of the query's tokens."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for number, doc in enumerate(docs):
        flags, mark = _flags.get(doc, partial(_doc_flags, doc))
        for token, bits in flags.items():
            found.setdefault(token, []).append((number, bits, mark if bits & TITLE else ""))
    return {token: _entries(items) for token, items in sorted(found.items())}


# A page's tokens, kept by jixiao serve for the pages of the units it made last (generator/held.py): a Doc
# is made of texts and whole numbers, so equal Docs are the same page to index.
_flags: held.Memo[tuple[dict[str, int], str]] = held.Memo(512)


def _doc_flags(doc: Doc) -> tuple[dict[str, int], str]:
    """Each token of a page with the bits of where it is (TITLE, CONTEXT, BODY, RESULTS), and the mark of its
    title: its number of distinct tokens and their hash."""
    title_tokens = tokens(doc.title)
    title = set(title_tokens)
    mark = f"{_base36(len(title))}.{_base36(title_hash(title_tokens))}"
    flags: dict[str, int] = dict.fromkeys(title, TITLE)
    for token in tokens(doc.context):
        flags[token] = flags.get(token, 0) | CONTEXT
    for token in tokens(doc.body):
        flags[token] = flags.get(token, 0) | BODY
    for token in tokens(doc.results):
        flags[token] = flags.get(token, 0) | RESULTS
    if doc.category:
        flags[CATEGORY_TOKEN + doc.category] = BODY
    return flags, mark


POSTINGS = "search-postings"  # the cache's kind for a group's postings, keyed by its pages as indexed


def cached_postings(docs: list[Doc]) -> dict[str, str]:
    """``group_postings(docs)``, from the cache when these pages were indexed before."""
    entry = cache.key(POSTINGS, [json.dumps([astuple(d) for d in docs], ensure_ascii=False).encode()]) if cache.folder() else None
    stored = cache.get(POSTINGS, entry)
    if isinstance(stored, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in stored.items()):
        return stored
    postings = group_postings(docs)
    cache.put(POSTINGS, entry, postings)
    return postings


def title_hash(title_tokens: list[str]) -> int:
    """A name's tokens, hashed (search.js: the same for a query that is exactly the name)."""
    return fnv(" ".join(title_tokens)) % 1296


def _entries(items: list[tuple[int, int, str]]) -> str:
    """Consecutive pages with the same flags and no title length are written as one range."""
    out: list[str] = []
    run: list[int] = []  # start, end, bits

    def flush() -> None:
        if run:
            start, end, bits = run
            out.append(_run(start, end) + ("" if bits == BODY else chr(ord("A") + bits)))
            run.clear()

    for number, bits, length in items:
        if not length and run and run[2] == bits and run[1] == number - 1:
            run[1] = number
            continue
        flush()
        if length:
            out.append(_base36(number) + chr(ord("A") + bits) + length)
        else:
            run.extend((number, number, bits))
    flush()
    return ",".join(out)


def _run(start: int, end: int) -> str:
    return _base36(start) if start == end else f"{_base36(start)}-{_base36(end)}"


def shown(docs: list[Doc]) -> list[list[Any]]:
    """What the results show of each page: [kind, title, slug, category, amount, line, year], and the line of its
    self-evaluation after them where it has one."""
    return [
        [KINDS.index(d.kind), d.title, d.slug, d.category, d.amount, d.line, d.year, *([d.results_line] if d.results else [])]
        for d in docs
    ]


@dataclass
class Group:
    """A run of pages that share a folder, a region and a year: a unit and its projects, a region and its
    year pages, or the guides."""

    folder: str  # site-relative, with a trailing "/" ("" for the guides)
    region: str
    year: int
    unit: str
    postings: dict[str, str]
    docs: list[list[Any]]


@dataclass
class Index:
    groups: list[Group] = field(default_factory=list)

    def add(self, folder: str, region: str, year: int, unit: str, docs: list[Doc]) -> None:
        """A group made in this process (the guides, a region's pages); its postings come from the cache
        when the same pages were indexed before (the guides' long texts: half a second per build)."""
        if docs:
            self.groups.append(Group(folder, region, year, unit, cached_postings(docs), shown(docs)))

    def add_stored(self, stored: dict[str, Any]) -> None:
        """A group as ``stored`` returns it (a unit's, from its worker or the cache)."""
        self.groups.append(
            Group(
                str(stored["folder"]),
                str(stored["region"]),
                int(stored["year"]),
                str(stored["unit"]),
                dict(stored["postings"]),
                list(stored["docs"]),
            )
        )


def stored(folder: str, region: str, year: int, unit: str, docs: list[Doc]) -> str:
    """A group as JSON, for the scratch file of a unit's worker (kept in the cache with the unit)."""
    return json.dumps(
        {"folder": folder, "region": region, "year": year, "unit": unit, "postings": group_postings(docs), "docs": shown(docs)},
        ensure_ascii=False,
    )


def fnv(token: str) -> int:
    """FNV-1a over the UTF-16 code units of ``token``: the same number in Python and in JavaScript. A
    character of the Basic Multilingual Plane is one code unit, its code point; one beyond is two, a
    surrogate pair (the index's hundreds of thousands of tokens are hashed at each build)."""
    value = 0x811C9DC5
    for char in token:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            value = ((value ^ (0xD800 | code >> 10)) * 0x01000193) & 0xFFFFFFFF
            code = 0xDC00 | code & 0x3FF
        value = ((value ^ code) * 0x01000193) & 0xFFFFFFFF
    return value


class Holdings:
    """What files were found to hold: in a process that keeps results (generator/held.py), a file whose status is as it was
    when it was found to hold some bytes is not read again to compare them (after an edit, ``jixiao serve``
    compares the thousands of files of the search index with what it would write, and keeps those that
    hold it already)."""

    def __init__(self) -> None:
        self.digests: held.ByStatus[bytes] = held.ByStatus()

    def holds(self, path: str, data: bytes) -> bool:
        """Whether ``path`` is a regular file (not a link) holding exactly ``data`` (generator.atomic.holds)."""
        if not held.kept():
            return atomic.holds(path, data)
        try:
            status = os.lstat(path)  # before the file is read: a change while it is read changes the status
        except OSError:
            return False
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        digest = _digest(data)
        if self.digests.get(path, status) == digest:
            return True
        if not atomic.holds(path, data):
            return False
        self.digests.put(path, status, digest)
        return True


def _digest(data: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(data, digest_size=16).digest()


_holdings = Holdings()  # what the files of the site being updated hold


def write(site: Path, index: Index, old: Path | None = None) -> list[str]:
    """Write ``search-index/`` into ``site``; returns the files (site-relative) that were not written because
    the site in ``old`` (being updated) already holds them, byte for byte: after one edit most of the
    index's thousands of files are as they were, and writing a file costs more than reading it."""
    global _last
    root = site / FOLDER
    kept: list[str] = []
    written, previous = os.fspath(site), os.fspath(old) if old is not None else None

    def script(name: str, data: bytes) -> int:
        """Write the script ``name`` (site-relative; names are joined as text: thousands of them)."""
        if previous is not None and _holdings.holds(os.path.join(previous, name), data):
            kept.append(name)
        else:
            with open(os.path.join(written, name), "wb") as handle:
                handle.write(data)
        return len(data)

    (root / "t").mkdir(parents=True, exist_ok=True)
    (root / "d").mkdir(exist_ok=True)
    last = _last if held.kept() else None
    groups = [group.postings for group in index.groups]
    changed = _changed(last, groups)
    if last is None or changed is None:
        postings, touched = _merged(groups), None
    else:
        postings, touched = _patched(last, groups, changed)
    hashes = last.hashes if last is not None else {}
    for token in postings.keys() - hashes.keys() if touched is None else touched - hashes.keys():
        hashes[token] = fnv(token)
    total = sum(len(t.encode()) + len(p) + 6 for t, p in postings.items())
    count = 1
    while count * SHARD_BYTES < total:
        count *= 2
    redo = set(range(count)) if last is None or touched is None or count != last.count else {hashes[t] % count for t in touched}
    shards: dict[int, dict[str, str]] = {number: {} for number in redo}
    for token, posting in postings.items():
        shard = shards.get(hashes[token] % count)
        if shard is not None:
            shard[token] = posting
    made = Written(groups, postings, hashes, count, [], [group.docs for group in index.groups], []) if held.kept() else None
    heavy = []
    for number in range(count):
        data = (
            last.shards[number]
            if last is not None and number not in shards
            else _script_bytes(f"jixiaoSearch.t({number},", shards[number])
        )
        if made is not None:
            made.shards.append(data)
        if script(f"{FOLDER}/t/{number}.js", data) > HEAVY_BYTES:
            heavy.append(number)
    for number, group in enumerate(index.groups):
        if last is not None and number < len(last.docs) and last.docs[number] == group.docs:
            blocks = last.blocks[number]
        else:
            blocks = [
                _script_bytes(f'jixiaoSearch.d("{number}-{block // BLOCK}",', group.docs[block : block + BLOCK])
                for block in range(0, len(group.docs), BLOCK)
            ]
        if made is not None:
            made.blocks.append(blocks)
        for block, data in enumerate(blocks):
            script(f"{FOLDER}/d/{number}-{block}.js", data)
    regions = sorted({g.region for g in index.groups if g.region})
    units = [
        [
            g.folder,
            regions.index(g.region) if g.region else -1,
            g.year,
            g.unit,
            len(g.docs),
            [d[6] for d in g.docs] if not g.unit and g.region else [],
        ]
        for g in index.groups
    ]
    categories = sorted({d[3] for g in index.groups for d in g.docs if d[3]})
    entry = {
        "version": 1,
        "shards": count,
        "block": BLOCK,
        "kinds": list(KINDS),
        "regions": regions,
        "years": sorted(
            {g.year for g in index.groups if g.year} | {d[6] for g in index.groups for d in g.docs if d[6]}, reverse=True
        ),
        "categories": categories,
        "groups": units,
        "heavy": heavy,
    }
    script(f"{FOLDER}/entry.js", _script_bytes("jixiaoSearch.entry(", entry))
    if made is not None:
        _last = made
    return kept


@dataclass
class Written:
    """What ``write`` wrote last, in a process that keeps results (generator/held.py: ``jixiao serve``): each
    group's postings, the postings of every token (in the order of the tokens), the tokens' hashes, the
    number of token files, and the bytes of each token file and of each group's blocks of results. After
    one edit, one group's postings differ: only the tokens of that group are merged again (``_patched``),
    and only the token files that hold one of them, and that group's blocks, are encoded again. It holds
    the bytes of the index's files and the postings again as text: about twice the search-index folder
    (7 MB at 10,000 projects)."""

    groups: list[dict[str, str]]
    postings: dict[str, str]
    hashes: dict[str, int]
    count: int
    shards: list[bytes]
    docs: list[list[list[Any]]]
    blocks: list[list[bytes]]


_last: Written | None = None  # in a process that keeps results only


def _merged(groups: list[dict[str, str]]) -> dict[str, str]:
    """Every token's postings: each group's that has it (``n:entries``, n its number in base 36), in the
    order of the groups, joined by semicolons; the tokens in order."""
    merged: dict[str, list[str]] = {}
    for number, postings in enumerate(groups):
        prefix = _base36(number) + ":"
        for token, entries in postings.items():
            merged.setdefault(token, []).append(prefix + entries)
    return {token: ";".join(chunks) for token, chunks in sorted(merged.items())}


def _changed(last: Written | None, groups: list[dict[str, str]]) -> list[int] | None:
    """The numbers of the groups whose postings are not those written last, when they are few (a quarter at
    most) and the groups are as many as then; otherwise None: everything is merged again."""
    if last is None or len(last.groups) != len(groups):
        return None
    changed = [n for n, (old, new) in enumerate(zip(last.groups, groups, strict=True)) if old is not new and old != new]
    return changed if len(changed) * 4 <= len(groups) else None


def _patched(last: Written, groups: list[dict[str, str]], changed: list[int]) -> tuple[dict[str, str], set[str]]:
    """``_merged(groups)``, made from the postings written last by replacing the chunks of the ``changed``
    groups in the tokens they had or have; and those tokens. A chunk is found by its prefix: ``;n:`` (or
    ``n:`` at the start) can stand nowhere else, since entries hold neither colon nor semicolon."""
    postings = dict(last.postings)
    touched: set[str] = set()
    added = False
    for number in changed:
        old, new = last.groups[number], groups[number]
        prefix = _base36(number) + ":"
        for token in old.keys() | new.keys():
            entries = new.get(token)
            if old.get(token) == entries:
                continue
            chunk = None if entries is None else prefix + entries
            touched.add(token)
            posting = postings.get(token)
            if posting is None:
                added = True
            replaced = _replace_chunk(posting, number, prefix, chunk)
            if replaced is None:
                del postings[token]
            else:
                postings[token] = replaced
    if added:
        postings = dict(sorted(postings.items()))
    return postings, touched


def _replace_chunk(posting: str | None, number: int, prefix: str, chunk: str | None) -> str | None:
    """``posting`` with the chunk of group ``number`` (whose prefix is ``prefix``) made ``chunk`` (None: taken
    out), the chunks staying in the order of their groups; None when no chunk is left."""
    if posting is None:
        return chunk
    if posting.startswith(prefix):
        start = 0
    else:
        found = posting.find(";" + prefix)
        start = found + 1 if found >= 0 else -1
    if start < 0:  # the group had no chunk here: it goes in before the first of a later group
        chunks = posting.split(";")
        at = next((i for i, c in enumerate(chunks) if int(c[: c.index(":")], 36) > number), len(chunks))
        if chunk is not None:
            chunks.insert(at, chunk)
        return ";".join(chunks)
    end = posting.find(";", start)
    before, after = posting[: max(start - 1, 0)], "" if end < 0 else posting[end + 1 :]
    kept = [part for part in (before, chunk, after) if part]
    return ";".join(kept) if kept else None


def _script_bytes(call: str, value: Any) -> bytes:
    """``call(value);`` as a script."""
    return f"{call}{json.dumps(value, ensure_ascii=False, separators=(',', ':'))});\n".encode()


_ARTICLE = re.compile(r"<article\b[^>]*>(.*?)</article>", re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_DROP = re.compile(r"<(script|style)\b.*?</\1>|<a class=\"headerlink\".*?</a>", re.S)
_TAG = re.compile(r"<[^>]+>")


@lru_cache(maxsize=512)
def guide_doc(html: str, slug: str) -> Doc | None:
    """A guide page (made by mkdocs) as a Doc: its <h1> and the text of its <article>. Remembered for the
    builds of ``jixiao serve`` (the guides' texts are most of the index's words)."""
    from html import unescape

    article = _ARTICLE.search(html)
    if article is None:
        return None
    inner = _DROP.sub(" ", article.group(1))
    heading = _H1.search(inner)
    title = unescape(_TAG.sub("", heading.group(1))).strip() if heading else slug
    text = " ".join(unescape(_TAG.sub(" ", inner)).split())
    return Doc("说明", title, slug, body=text, line=text[len(title) :][:80].strip())
