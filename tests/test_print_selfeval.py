"""The 项目支出绩效自评表 and 运行监控表 printed the three ways an official prints them (tests/printing.py), in the
general layout and in the sample regions' (湖南, 河北), from the made-up samples of tests/selfeval/ (虚构): the
Hunan and Hebei projects have 22 indicators with long reasons, so that their 自评表 runs over pages.

Each table's Word file and workbook are printed through LibreOffice, its web page through Chromium, and the unit
booklets through both; a page must not be blank, a page of rows must carry the table's heading row, no row may split
over two pages, nothing may be cut off, and every page carries its number. Set JIXIAO_PRINT_PICTURES to a folder to
keep a PNG of every page for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import browser
import pytest
from conftest import ROOT
from printing import EXCEL, WEB, WORD, Printed, page_counts, pictures, print_all, problems

from generator.build import build
from generator.render.pdf import soffice

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None or browser.available() is not None,
    reason="LibreOffice, poppler or Chromium is not installed",
)

SAMPLE = ROOT / "tests" / "selfeval"
LONG = {"湖南": "示例湖南县/2026/示例水务局", "河北": "示例河北县/2025/示例水务局"}
PROJECT = "老旧供水管网改造"
INDICATOR_HEAD = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[Printed]:
    root = tmp_path_factory.mktemp("print-selfeval")
    data = root / "data"
    shutil.copytree(SAMPLE, data, ignore=shutil.ignore_patterns("README.md"))
    result = build(data, root / "out", make_pdf=False, site=False)
    assert result.written
    return print_all(result.out, data, root / "pdf")


def test_the_regional_tables_are_printed_the_three_ways(printed: list[Printed]) -> None:
    ways = {(item.name.rsplit(".", 1)[0], item.way) for item in printed}
    for unit in LONG.values():
        for table in ("自评表", "运行监控表"):
            assert {(f"{unit}/{PROJECT}-{table}", way) for way in (WORD, WEB, EXCEL)} <= ways, (unit, table)
        assert {(f"{unit}/单位汇编", WORD), (f"{unit}/单位汇编", WEB)} <= ways, unit
    assert ("示例县/2026/区委社会工作部/志愿服务活动专项-自评表", WORD) in ways  # the general layout's


def test_every_printed_page_is_clean(printed: list[Printed]) -> None:
    """No blank page, no page of rows without the heading row, nothing left at a page's foot, no row split over two
    pages, no cell cut off: in the tables and in the booklets that gather them."""
    found = [line for item in printed for line in problems(item)]
    assert found == []


def test_the_long_self_evaluation_runs_over_pages_with_its_heading_row_on_each(printed: list[Printed]) -> None:
    counts = page_counts(printed)
    for unit in LONG.values():
        name = f"{unit}/{PROJECT}-自评表"
        for way in (WORD, WEB, EXCEL):
            assert counts[(name, way)] >= 2, (name, way)
        for item in printed:
            if item.name.rsplit(".", 1)[0] == name:
                # every page after the first carries rows of indicators, under the indicators' heading row
                for page in item.pages[1:]:
                    assert all(label in page.text for label in INDICATOR_HEAD), (name, item.way)


def _footers(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        " ".join(re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", page)[-1]) if "页" in page else ""
        for page in text.split("\f")[:-1]
    ]


def test_every_page_is_numbered(printed: list[Printed]) -> None:
    for item in printed:
        count = len(item.pages)
        expected = [f"{n} {count}" for n in range(1, count + 1)]
        numbers = _footers(item.pdf)
        # a booklet's cover is its first page, without a number
        assert (numbers[1:] == expected[1:]) if item.booklet is not None else (numbers == expected), (item.name, item.way)


def test_a_picture_of_every_page_for_a_person_to_look_at(printed: list[Printed], tmp_path: Path) -> None:
    folder = Path(os.environ.get("JIXIAO_PRINT_PICTURES", tmp_path / "pictures"))
    made = pictures(printed, folder)
    assert len(made) == sum(len(item.pages) for item in printed)
    assert all(path.stat().st_size > 0 for path in made)
