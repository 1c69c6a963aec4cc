"""Every table printed the three ways an official prints them, read back page by page (tests/printing.py).

The sample (data/), the new regions' samples (tests/regions/) and two made-up long units
(tests/print_samples.py: 40 indicators, a 年度履职目标 longer than a page) are built, then each table's
Word file and workbook are printed through LibreOffice and its web page through Chromium, and the unit
booklets through both. A page must not be blank, a page of a table's rows must carry its heading row,
no heading row, title or heading may end a page, no row may split over two pages, no cell may be cut
off, and no table may take more pages in the browser than in Word. Set JIXIAO_PRINT_PICTURES to a
folder to keep a PNG of every page for a person to look at.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import browser
import pytest
from conftest import DATA, ROOT
from print_samples import MADE_UP, write_long_samples
from printing import EXCEL, TYPST, WEB, WORD, Printed, longer_in_the_browser, page_counts, pictures, print_all, problems

from generator.build import build
from generator.render.pdf import soffice

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None or browser.available() is not None,
    reason="LibreOffice, poppler or Chromium is not installed",
)

REGIONS = ROOT / "tests" / "regions"
LONG = "测试市长表区/2026/长表测试局"  # made up (tests/print_samples.py)
LONG_HEBEI = "测试市长表县/2025/长表测试局"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[Printed]:
    root = tmp_path_factory.mktemp("print")
    data = root / "data"
    shutil.copytree(DATA, data)
    for region in sorted(REGIONS.iterdir()):
        if region.is_dir() and (region / "地区.yaml").is_file():
            shutil.copytree(region, data / region.name)
    write_long_samples(data)
    result = build(data, root / "out", make_pdf=False, site=False)
    assert result.written
    return print_all(result.out, data, root / "pdf")


def test_the_long_samples_are_marked_made_up(tmp_path: Path) -> None:
    for unit in write_long_samples(tmp_path):
        for path in unit.glob("*.yaml"):
            assert MADE_UP in path.read_text(encoding="utf-8"), path


def test_every_table_is_printed_in_the_three_ways(printed: list[Printed]) -> None:
    ways = {(item.name.rsplit(".", 1)[0], item.way) for item in printed}
    tables = {name for name, way in ways if way == EXCEL}
    assert len(tables) >= 35  # the sample's 26 tables, the regions' and the long ones
    for name in tables:
        assert {(name, WORD), (name, WEB)} <= ways, name
    booklets = {name for name, _ in ways if name.endswith("单位汇编")}
    assert len(booklets) == 10 and all({(b, WORD), (b, WEB), (b, TYPST)} <= ways for b in booklets)


def test_every_printed_page_is_clean(printed: list[Printed]) -> None:
    """No blank page, no page of rows without the heading row, nothing left at a page's foot, no row
    split over two pages, no cell cut off."""
    found = [line for item in printed for line in problems(item)]
    assert found == []


def test_no_table_takes_more_pages_in_the_browser_than_in_word(printed: list[Printed]) -> None:
    assert longer_in_the_browser(printed) == []


def test_the_long_tables_run_over_pages_with_their_headings_on_each(printed: list[Printed]) -> None:
    counts = page_counts(printed)
    for way in (WORD, WEB, EXCEL):
        assert counts[(f"{LONG}/部门整体", way)] >= 3, way  # 40 indicators under a long 年度履职目标
        assert counts[(f"{LONG}/四十项指标项目", way)] >= 2, way
        assert counts[(f"{LONG_HEBEI}/四十项指标项目", way)] >= 3, way
    for item in printed:
        if item.name.startswith(f"{LONG}/部门整体."):
            with_rows = [page.text for page in item.pages if "第39项" in page.text or "第40项" in page.text]
            assert with_rows and all("一级指标" in text and "三级指标" in text for text in with_rows), item.way
    typeset = [item for item in printed if item.way == TYPST and item.name.startswith(f"{LONG}/")]
    assert len(typeset) == 1 and len(typeset[0].pages) >= 7, [len(item.pages) for item in typeset]
    with_rows = [page.text for page in typeset[0].pages if "第39项" in page.text or "第40项" in page.text]
    assert len(with_rows) >= 2 and all("一级指标" in text and "三级指标" in text for text in with_rows)


def _footers(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        " ".join(re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", page)[-1]) if "页" in page else ""
        for page in text.split("\f")[:-1]
    ]


def test_every_page_is_numbered_and_a_booklet_has_a_cover_and_bookmarks(printed: list[Printed]) -> None:
    for item in printed:
        count = len(item.pages)
        numbers = _footers(item.pdf)
        booklet = item.booklet is not None
        expected = [f"{n} {count}" for n in range(1, count + 1)]
        # a booklet's cover is its first page, without a number
        assert numbers[1:] == expected[1:] if booklet else numbers == expected, (item.name, item.way, numbers)
        if booklet and item.way in (WORD, TYPST):
            outline = subprocess.run(
                ["pdftohtml", "-xml", "-i", "-q", "-stdout", str(item.pdf)], capture_output=True, text=True, check=True
            ).stdout
            titles = [html.unescape(t) for t in re.findall(r"<item[^>]*>([^<]*)</item>", outline)]
            if item.way == TYPST:  # the bookmarks are the booklet's contents, line for line
                assert titles == [entry.text for entry in item.booklet.contents], (item.name, titles)
            assert titles and titles[0].split("\u3000")[0] in (item.forms[0].title, "第一部分"), (item.name, titles)
            assert len(titles) >= len({form.title for form in item.forms}), (item.name, titles)


def test_a_picture_of_every_page_for_a_person_to_look_at(printed: list[Printed], tmp_path: Path) -> None:
    folder = Path(os.environ.get("JIXIAO_PRINT_PICTURES", tmp_path / "pictures"))
    made = pictures(printed, folder)
    assert len(made) == sum(len(item.pages) for item in printed)
    assert all(path.stat().st_size > 0 for path in made)
