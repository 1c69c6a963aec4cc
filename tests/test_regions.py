"""Regions nobody coded: four layouts made from real published forms (湖南申报表, 四川, 湖北, 内蒙古), each with a
sample region under tests/regions/ transcribed from the published table.

- ``check`` reports no error a careful reader of the form would not confirm: the only errors are the real
  mistakes of the published tables, each acknowledged in its file with the reason, and listed here;
- the official tables print what the published forms print, compared cell by cell with the transcription
  of each form (tests/regions/原表/): the same rows, the same cells in the same order, after the repairs
  named in ``normal`` (spaces from line wraps, full-width and half-width punctuation) and the differences
  listed in ``KNOWN`` with their reason;
- the Excel file of each table holds the same cells.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT
from openpyxl import load_workbook
from render_helpers import parse_page, unique_cells

from generator.build import BuildResult, build, describe
from generator.check.run import check
from generator.data.normalize import as_number, halfwidth, squash
from generator.data.regional import find
from generator.diagnostics import Severity

REGIONS = ROOT / "tests" / "regions"
PUBLISHED = REGIONS / "原表"
# The mistakes of the published tables that check reports, each confirmed by reading the form (and
# acknowledged in the data file with the reason): (file, code, field).
CONFIRMED = {
    ("再生资源回收市场管理经费.yaml", "V002", "绩效指标[1].度量单位"),  # 出差人数 has no unit
    ("再生资源回收市场管理经费.yaml", "T003", "绩效指标[4].指标值"),  # 44,561: an Excel date serial
    ("再生资源回收市场管理经费.yaml", "T003", "绩效指标[6].指标值"),
    ("再生资源回收市场管理经费.yaml", "V003", "绩效指标[4].度量单位"),  # the unit is 44,561 too
    ("再生资源回收市场管理经费.yaml", "V003", "绩效指标[6].度量单位"),
    ("再生资源回收市场管理经费.yaml", "M007", "绩效指标[7].指标值"),  # a cost of 0 万元/人
    ("再生资源回收市场管理经费.yaml", "M007", "绩效指标[10].指标值"),  # a cost of 0 万元
    ("再生资源回收市场管理经费.yaml", "V018", "绩效指标[7].指标值类型"),  # 反向 with "="
    ("再生资源回收市场管理经费.yaml", "V018", "绩效指标[8].指标值类型"),
    ("再生资源回收市场管理经费.yaml", "V018", "绩效指标[9].指标值类型"),
    ("再生资源回收市场管理经费.yaml", "V018", "绩效指标[10].指标值类型"),
    ("再生资源回收市场管理经费.yaml", "V018", "绩效指标[11].指标值类型"),
    ("滨湖大胆办公大楼运行保障.yaml", "V006", "绩效指标[4].指标值"),  # a rate of 292%
}
# The published tables' cells that the printed tables print otherwise, and why: {(transcription, cell): printed}.
KNOWN = {
    # The form's amount cell holds "250万", a number and a unit typed together; the data holds the amount
    # in the region's money unit and prints 250 under the heading "单位：万元".
    ("湘潭市-雾炮车降尘抑尘服务.txt", "250万", 0): "250",
    # The published 合计 of the 2020 actuals is 662.98; its three rows add up to 662.88. Totals are derived.
    ("鄂州市-滨湖大胆办公大楼运行保障.txt", "662.98", 0): "662.88",
    # The form's 目标值 "44,561" is a number shown with the spreadsheet's thousands separator; the data
    # holds the number (jixiao fmt writes it so), printed 44561. The 计量单位 "44,561" is text and prints as is.
    ("乌海市-再生资源回收市场管理经费.txt", "44,561", 0): "44561",
    ("乌海市-再生资源回收市场管理经费.txt", "44,561", 2): "44561",
    # The caption adds the weights up; the published table shows only its 产出 rows (原表不全).
    (
        "乌海市-再生资源回收市场管理经费.txt",
        "绩效指标(权重分值90分,其中产出指标权重分值50分,效益指标权重分值30分,满意度指标权重分值10分)",
        0,
    ): "绩效指标(权重分值50分,其中产出指标权重分值50分,效益指标权重分值分,满意度指标权重分值分)",
}
TABLES = {
    "湘潭市-雾炮车降尘抑尘服务.txt": "湘潭市/2023/湘潭市环境卫生管理处/雾炮车降尘抑尘服务",
    "乌海市-再生资源回收市场管理经费.txt": "乌海市/2021/乌海市供销合作社联合社/再生资源回收市场管理经费",
    "井研县-部门预算项目绩效目标申报表.txt": "井研县/2023/井研县马踏镇人民政府/项目绩效目标申报表",
    "鄂州市-滨湖大胆办公大楼运行保障.txt": "鄂州市/2022/鄂州市机关事务服务中心/滨湖大胆办公大楼运行保障",
}


def normal(cell: str) -> str:
    """A cell as compared: spaces (line wraps in the published form) and the width of punctuation aside."""
    return squash(halfwidth(cell)).replace("：", ":").replace("，", ",")


def published(name: str) -> tuple[str, list[list[str]], bool]:
    """The title, the rows and whether the published table is complete, from its transcription."""
    lines = (PUBLISHED / name).read_text(encoding="utf-8").splitlines()
    title = lines[0].removeprefix("标题: ")
    rows = [[normal(c) for c in line.split(" | ")] for line in lines[1:] if line and not line.startswith("#")]
    return normal(title), rows, not any(line.startswith("# 原表不全") for line in lines)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    result = build(REGIONS, tmp_path_factory.mktemp("regions"), make_pdf=False, site=False)
    assert result.written, describe(result)
    return result


def test_every_sample_region_uses_a_layout_folder() -> None:
    for region in sorted(REGIONS.glob("*/地区.yaml")):
        name = re.search(r"^版式: (\S+)$", region.read_text(encoding="utf-8"), re.M)
        assert name and find(name.group(1)) is not None, region


def test_check_reports_only_the_mistakes_a_reader_of_the_form_confirms() -> None:
    report = check([REGIONS])
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert [d for d in errors if not d.acknowledged] == []
    assert {(Path(d.path).name, d.code, d.field) for d in errors} == CONFIRMED


@pytest.mark.parametrize("name", sorted(TABLES))
def test_printed_tables_match_the_published_forms_cell_by_cell(built: BuildResult, name: str) -> None:
    title, rows, complete = published(name)
    page = parse_page(built.out / f"{TABLES[name]}.html")
    assert normal(page.title) == title
    printed = [[normal(c) for c in unique_cells(row)] for table in page.tables for row in table]
    printed = [row for row in printed if row]
    if complete:
        assert len(printed) == len(rows)
    seen: dict[str, int] = {}
    for n, (want, got) in enumerate(zip(rows, printed, strict=False), start=1):
        expected = []
        for cell in want:
            occurrence = seen.get(cell, 0)
            seen[cell] = occurrence + 1
            expected.append(normal(KNOWN.get((name, cell, occurrence), cell)))
        assert got == expected, f"第 {n} 行"
    assert len(printed) >= len(rows)


def _value(cell: str) -> object:
    """A cell's value: a number as a number (the workbook keeps 3,309,840.00 as 3309840), text as text."""
    number = as_number(cell)
    return number if number is not None else normal(cell)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_the_excel_file_holds_the_same_cells(built: BuildResult, name: str) -> None:
    """The workbook prints the same table: its cells, read row by row, are the web page's, in order."""
    page = parse_page(built.out / f"{TABLES[name]}.html")
    printed = [_value(c) for table in page.tables for row in table for c in unique_cells(row)]
    sheet = load_workbook(built.out / f"{TABLES[name]}.xlsx").active
    assert sheet is not None
    cells = [
        v if isinstance(v, (int, float)) else _value(str(v))
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v not in (None, "")
    ]
    cells = [Decimal(str(v)) if isinstance(v, (int, float)) else v for v in cells]
    # Title and heading lines come before the table in the workbook, the footer after it.
    starts = [i for i in range(len(cells)) if cells[i : i + len(printed)] == printed]
    assert starts, (printed, cells)


# --- a data repository's own layouts --------------------------------------------------------------------------


def _repository(tmp_path: Path) -> Path:
    """A data repository whose region names a layout jixiao does not have, carried in its 版式/ folder: a copy of
    the 乌海 sample, its layout renamed 某省 (made up for this test)."""
    data = tmp_path / "data"
    shutil.copytree(REGIONS / "乌海市", data / "乌海市")
    own = data / "版式" / "某省"
    own.mkdir(parents=True)
    text = (ROOT / "generator/templates/official/内蒙古/layout.yaml").read_text(encoding="utf-8")
    (own / "layout.yaml").write_text(
        text.replace("名称: 内蒙古", "名称: 某省").replace("项目绩效目标表", "某省项目绩效目标表"), encoding="utf-8"
    )
    region = data / "乌海市" / "地区.yaml"
    region.write_text(region.read_text(encoding="utf-8").replace("版式: 内蒙古", "版式: 某省"), encoding="utf-8")
    return data


def test_a_region_with_a_layout_nobody_coded_is_added_with_a_folder(tmp_path: Path) -> None:
    data = _repository(tmp_path)
    report = check([data])
    assert [d for d in report.diagnostics if d.severity is Severity.ERROR and not d.acknowledged] == []
    result = build(data, tmp_path / "out", make_pdf=False, site=False)
    assert result.written, describe(result)
    page = parse_page(result.out / "乌海市/2021/乌海市供销合作社联合社/再生资源回收市场管理经费.html")
    assert page.title == "再生资源回收市场管理经费某省项目绩效目标表"


def test_a_repository_layout_is_checked_at_its_line_used_or_not(tmp_path: Path) -> None:
    data = _repository(tmp_path)
    layout = data / "版式" / "某省" / "layout.yaml"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("纸张: 纵向", "纸张: 竖向"), encoding="utf-8")
    line = text[: text.index("纸张: 纵向")].count("\n") + 1
    (data / "乌海市" / "地区.yaml").write_text("名称: 乌海市\n版式: 内蒙古\n", encoding="utf-8")  # not used now
    found = [
        (Path(d.path).relative_to(data).as_posix(), d.line, d.code)
        for d in check([data]).diagnostics
        if d.severity is Severity.ERROR and not d.acknowledged
    ]
    assert found == [("版式/某省/layout.yaml", line, "S004")]


# --- the general layout ----------------------------------------------------------------------------------------

GENERAL_PROJECT = """\
# 编造的数据，只供测试通用版式。
项目名称: 测试项目
主管部门: 测试局（101）
实施单位: 测试中心
项目性质: 延续
实施期: 2026年—2028年
项目金额: 30
资金来源: {财政资金: 25, 其他资金: 5}
中期资金: {资金总额: 90, 财政资金: 75, 其他资金: 15}
实施期绩效目标: 三年内建成测试平台。
本年度绩效目标: 完成平台一期。
绩效指标:
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 平台建设成本, 指标值类型: ≤, 指标值: 30, 度量单位: 万元,
     中期指标值: ≤90万元}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 建成模块, 指标值类型: ≥, 指标值: 2, 度量单位: 个, 中期指标值: ≥6个}
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 办事时间, 指标值类型: 定性, 指标值: 缩短, 中期指标值: 缩短一半}
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 用户满意度, 指标值类型: ≥, 指标值: 90, 度量单位: '%'}
"""
GENERAL_UNIT = """\
单位名称: 测试局
部门整体支出绩效目标表:
  年度总体目标: 完成年度各项任务。
  年度主要任务:
    - {任务名称: 平台建设, 主要内容: 建成测试平台一期, 预算: 30}
    - {任务名称: 日常运转, 主要内容: 保障机关运转, 预算: 70}
  绩效指标:
    - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 完成任务数, 指标值类型: ≥, 指标值: 2, 度量单位: 项}
"""


def test_a_region_that_names_no_layout_prints_the_national_forms(make_tree: object, tmp_path: Path) -> None:
    unit_dir = make_tree(
        {"测试项目.yaml": GENERAL_PROJECT},
        region="名称: 测试市测试区\n",  # type: ignore[operator]
        unit=GENERAL_UNIT,
    )
    result = build(unit_dir.parent.parent.parent, tmp_path / "out", make_pdf=False, site=False)
    assert result.written, describe(result)
    folder = result.out / "测试区/2026/测试局"
    project = parse_page(folder / "测试项目.html")
    assert project.title == "项目支出绩效目标申报表" and project.heading == ["（2026年度）", "金额单位：万元"]
    # every table of the form (the indicator grid is one of its own), labels as read (not broken in lines)
    rows = [[c.replace("\n", "") for c in unique_cells(row)] for table in project.tables for row in table]
    assert ["项目资金（万元）", "中期资金总额", "90", "年度资金总额", "30"] in rows
    assert ["绩效指标", "一级指标", "二级指标", "三级指标", "中期指标值", "年度指标值"] in rows
    assert ["成本指标", "经济成本指标", "平台建设成本", "≤90万元", "≤30万元"] in rows
    department = parse_page(folder / "部门整体.html")
    assert ["金额合计", "100"] in [unique_cells(row) for row in department.tables[0]]
