"""The search index (generator/site/search.py) and its reader (docs/assets/jixiao/search.js) in headless Chromium:
the same cutting of text into tokens on both sides, and a query that keeps away from the large token files.

The pages indexed here are made up for the test.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser
import pytest
from conftest import ROOT

from generator.site import search

pytestmark = pytest.mark.skipif(browser.available() is not None, reason=str(browser.available()))

SEARCH_JS = ROOT / "docs" / "assets" / "jixiao" / "search.js"
TEXTS = [
    "村干部意外保险",
    "新一届村（社区）两委干部履职能力提升培训",
    "2026年 V007 ≥95%",
    "ＡＢＣ１２３全角",
    "志愿服务 活动",
    "单",
    "",
    "  空格  分开  ",
    "村（社区）主职养老保险补贴",
    "한국어 日本語のテキスト",
    "a-b_c.d/e",
]


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


def open_index(driver: Any, site: Path) -> None:
    """A page beside ``site/search-index/`` that loads search.js from disk, ready to search."""
    (site / "assets").mkdir(exist_ok=True)
    shutil.copy(SEARCH_JS, site / "assets" / "search.js")
    (site / "page.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>t</title><script src="assets/search.js"></script>', encoding="utf-8"
    )
    driver.get((site / "page.html").as_uri())
    driver.execute_script("window.jixiaoSearch.start('');")


def test_python_and_the_browser_cut_text_into_the_same_tokens(driver: Any, tmp_path: Path) -> None:
    open_index(driver, tmp_path)
    cut = driver.execute_script("return arguments[0].map(t => window.jixiaoSearch.tokens(t))", TEXTS)
    assert cut == [search.tokens(text) for text in TEXTS]
    assert cut[0] == ["村干", "干部", "部意", "意外", "外保", "保险"]
    assert "村社" in cut[1] and "两委" in cut[1]  # punctuation inside Chinese text left out
    every = sorted({t for tokens in cut for t in tokens})
    assert driver.execute_script("return arguments[0].map(t => window.jixiaoSearch.fnv(t))", every) == [
        search.fnv(t) for t in every
    ]


def test_the_token_hash_is_fnv_1a_over_utf_16_code_units() -> None:
    """What the browser's hash reads (JavaScript strings are UTF-16): every code unit of the text's UTF-16
    encoding, surrogate pairs for characters beyond the Basic Multilingual Plane."""

    def reference(text: str) -> int:
        raw = text.encode("utf-16-le", "surrogatepass")
        value = 0x811C9DC5
        for n in range(0, len(raw), 2):
            value = ((value ^ (raw[n] | raw[n + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
        return value

    rng = random.Random(5)
    pools = ["经费村干部", "ab1 ", "\U00020000\U0002a6d6𠀀😀", "\uffff\U00010000\ud7ff\ue000"]
    texts = ["", "经费", *("".join(rng.choice(rng.choice(pools)) for _ in range(rng.randrange(1, 6))) for _ in range(5000))]
    assert [search.fnv(t) for t in texts] == [reference(t) for t in texts]
    assert search.fnv("𠀀") == reference("\ud840\udc00")  # the pair JavaScript sees


# The token files a search loads are the calls of jixiaoSearch.t(number, …) they make.
FIND = """
const done = arguments[arguments.length - 1];
const api = window.jixiaoSearch, loaded = [], t = api.t;
api.t = (number, value) => { loaded.push(number); t(number, value); };
api.find(arguments[0], {}, 5).then(found => { api.t = t; done({found: found, loaded: loaded}); });
"""


def test_a_query_with_enough_other_pairs_does_not_load_the_large_token_files(driver: Any, tmp_path: Path) -> None:
    """A pair most pages have (经费) fills a large file; 关心下一代工作经费 finds its page without it."""
    index = search.Index()
    names = [
        f"{a}{b}{c}{d}经费"
        for a in "甲乙丙丁戊己庚辛壬癸"
        for b in "子丑寅卯辰巳午未申酉戌亥"
        for c in "东南西北中"
        for d in "上中下"
    ]
    names.append("关心下一代工作经费")
    for number in range(0, len(names), 100):  # units of 100 projects, as generated data has them
        unit = f"测试单位{number // 100 + 1}"
        docs = [search.Doc("单位", unit, "")] + [
            search.Doc("项目", name, name, context=unit, body=f"{name}的绩效目标（编造）")
            for name in names[number : number + 100]
        ]
        index.add(f"地区/测试/2026/{unit}/", "测试", 2026, unit, docs)
    search.write(tmp_path, index)
    entry = (tmp_path / "search-index" / "entry.js").read_text(encoding="utf-8")
    expensive = search.fnv("经费") % int(entry.split('"shards":')[1].split(",")[0])
    size = (tmp_path / "search-index" / "t" / f"{expensive}.js").stat().st_size
    assert size > search.HEAVY_BYTES and f'"heavy":[{expensive}]' in entry
    open_index(driver, tmp_path)
    first = driver.execute_async_script(FIND, "关心下一代工作经费")
    assert first["found"] == ["地区/测试/2026/测试单位19/关心下一代工作经费/"]
    assert first["loaded"] and expensive not in first["loaded"]
    alone = driver.execute_async_script(FIND, "经费")  # nothing else to look up: the large file it is
    assert len(alone["found"]) == 5 and expensive in alone["loaded"]


def test_an_update_writes_only_the_index_files_that_changed(tmp_path: Path) -> None:
    """search.write with the site being updated: the files that site holds byte for byte are named, not
    written; the others are written; together they are exactly what a write from nothing makes."""

    def index(body: str) -> search.Index:
        made = search.Index()
        for unit in ("甲单位", "乙单位"):
            docs = [search.Doc("单位", unit, "")] + [
                search.Doc(
                    "项目",
                    f"{unit}项目{n}",
                    f"项目{n}",
                    context=unit,
                    body=f"编造的绩效目标{n}{body if unit == '乙单位' else ''}",
                )
                for n in range(30)
            ]
            made.add(f"地区/测试/2026/{unit}/", "测试", 2026, unit, docs)
        return made

    def tree(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert search.write(tmp_path / "old", index("")) == []
    old = tree(tmp_path / "old")
    assert sorted(search.write(tmp_path / "same", index(""), tmp_path / "old")) == sorted(old)
    assert tree(tmp_path / "same") == {}  # nothing written: the old site holds all of it

    kept = search.write(tmp_path / "new", index("，已修订"), tmp_path / "old")
    search.write(tmp_path / "whole", index("，已修订"))
    written, whole = tree(tmp_path / "new"), tree(tmp_path / "whole")
    assert written and kept and not set(written) & set(kept)
    assert {**written, **{name: old[name] for name in kept}} == whole
