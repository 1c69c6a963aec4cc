"""``jixiao import`` reads 项目支出绩效自评表 and 运行监控表 (issue 20) into the project files that hold the targets.

- round trip: the 通用 layout's own 自评表 and 运行监控表 of the made-up sample (tests/selfeval/示例县), printed as
  Word and Excel, read back give the sample's results, and the derived figures they print agree (no I057);
- merge: into an existing targets-only file, comments and order kept; a differing actual is reported and kept
  (replaced with --force), a differing target reported and never written;
- real published forms of three provinces (tests/importers/selfeval/原表, measured in docs/导入.md) through the
  real CLI: the results are placed, every cell not placed is reported where it is;
- a score typed on the form that disagrees with the computed one is reported (I057), the data still imported.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from decimal import Decimal
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROOT
from selfeval_forms import measure, real_forms, write_docx, write_xlsx

from generator.data import fields as F
from generator.data.load import load
from generator.data.model import load_unit
from generator.data.tree import collect
from generator.render.tables import write_unit_tables

SAMPLE = ROOT / "tests" / "selfeval" / "示例县"
PROJECT = "志愿服务活动专项"
UNIT = "中共株洲市渌口区委社会工作部"
RESULTS = (F.ACTUAL, F.DEVIATION, F.IMPROVEMENT, F.MONITORING)


def jixiao(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "import", *map(str, args)], capture_output=True, text=True, check=False, cwd=ROOT
    )


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample unit's tables as the 通用 layout prints them (HTML, Word, Excel)."""
    folder = next(iter(collect([SAMPLE]).units.values()))
    return write_unit_tables(load_unit(folder), tmp_path_factory.mktemp("printed")).folder


def data_of(path: Path) -> dict[str, Any]:
    loaded = load(path)
    assert not isinstance(loaded, Exception), loaded
    return loaded.data


def results_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each indicator's name and results, as comparable values."""
    return [
        {key: _plain(row[key]) for key in (F.LEVEL3, *RESULTS) if key in row} for row in data[F.INDICATORS] if row.get(F.LEVEL3)
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def codes(result: subprocess.CompletedProcess[str], code: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if f"[{code}]" in line]


# --- round trip of the 通用 layout -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_the_general_layouts_tables_read_back_give_the_same_results(printed: Path, tmp_path: Path, suffix: str) -> None:
    sources = [printed / f"{PROJECT}-自评表{suffix}", printed / f"{PROJECT}-运行监控表{suffix}"]
    done = jixiao(*sources, "--out", tmp_path, "--unit", UNIT, "--region", "示例县")
    assert done.returncode == 0, done.stdout + done.stderr
    for code in ("I057", "I013", "I012", "I061", "I053"):  # the figures agree; every cell placed
        assert not codes(done, code), done.stdout
    written = data_of(next(tmp_path.glob(f"示例县/2026/*/{PROJECT}.yaml")))
    original = data_of(SAMPLE / "2026" / "区委社会工作部" / f"{PROJECT}.yaml")
    assert results_of(written) == results_of(original)
    assert _plain(written[F.EXECUTION]) == _plain(original[F.EXECUTION])
    assert written[F.CONCLUSION] == original[F.CONCLUSION]
    assert [row.get(F.VALUE) for row in written[F.INDICATORS]] == [row.get(F.VALUE) for row in original[F.INDICATORS]]


# --- merge into the file that holds the targets --------------------------------------------------------------


def targets_only(tmp_path: Path) -> Path:
    """A copy of the sample whose project file holds the targets only, with an editor's comment in it."""
    tree = tmp_path / "data"
    shutil.copytree(SAMPLE, tree / "示例县")
    path = tree / "示例县" / "2026" / "区委社会工作部" / f"{PROJECT}.yaml"
    kept = []
    skipping = False
    for line in path.read_text(encoding="utf-8").splitlines():
        top = not line.startswith(" ")
        if top:
            skipping = line.startswith((F.EXECUTION + ":", F.CONCLUSION + ":"))
        elif any(line.strip().startswith((key + ":", "- {日期")) for key in RESULTS) or line.startswith("      - {"):
            continue
        if not skipping and not (line.startswith("    ") and line.strip().startswith(("偏差原因", "改进措施"))):
            kept.append(line)
    text = "\n".join(kept) + "\n"
    text = text.replace("    三级指标: 志愿服务人次\n", "    # 批复时核定的口径：按签到人次计\n    三级指标: 志愿服务人次\n")
    path.write_text(text, encoding="utf-8")
    loaded = data_of(path)
    assert not any(key in row for row in loaded[F.INDICATORS] for key in RESULTS)
    assert F.EXECUTION not in loaded
    return path


def test_a_self_evaluation_is_merged_into_the_projects_file_keeping_its_comments(printed: Path, tmp_path: Path) -> None:
    path = targets_only(tmp_path)
    before = path.read_text(encoding="utf-8")
    done = jixiao(printed / f"{PROJECT}-自评表.xlsx", printed / f"{PROJECT}-运行监控表.docx", "--out", tmp_path / "data")
    assert done.returncode == 0, done.stdout + done.stderr
    assert codes(done, "I062")  # the form names no unit: the one project of that name in the tree
    after = path.read_text(encoding="utf-8")
    assert "    # 批复时核定的口径：按签到人次计\n    三级指标: 志愿服务人次\n" in after
    # The editor's hint on line 1 points at ../../schema, which a copy under /tmp has not: jixiao fmt drops it there.
    assert [line for line in before.splitlines() if line.startswith("#") and "$schema" not in line] == [
        line for line in after.splitlines() if line.startswith("#")
    ]
    merged = data_of(path)
    original = data_of(SAMPLE / "2026" / "区委社会工作部" / f"{PROJECT}.yaml")
    assert results_of(merged) == results_of(original)
    assert list(merged) == list(original)  # 预算执行 and 自评结论 in the schema's place
    row = merged[F.INDICATORS][0]
    assert list(row)[-2:] == [F.MONITORING, F.ACTUAL]  # after the target, in the schema's order
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(p.name for p in (SAMPLE / "2026" / "区委社会工作部").iterdir())


def test_a_differing_actual_is_reported_and_kept_a_differing_target_never_written(printed: Path, tmp_path: Path) -> None:
    path = targets_only(tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("    指标值: 500\n    度量单位: 人\n", "    指标值: 600\n    度量单位: 人\n    实际完成值: 510\n", 1)
    path.write_text(text, encoding="utf-8")
    done = jixiao(printed / f"{PROJECT}-自评表.docx", "--out", tmp_path / "data")
    assert codes(done, "I059") and "文件中是 510，原表上是 520；保留文件中的" in codes(done, "I059")[0]
    assert codes(done, "I058") and "志愿者人数”的指标值：原表上是 500，文件中是 600" in codes(done, "I058")[0]
    first = data_of(path)[F.INDICATORS][0]
    assert (first[F.VALUE], first[F.ACTUAL]) == (600, 510)
    forced = jixiao(printed / f"{PROJECT}-自评表.docx", "--out", tmp_path / "data", "--force")
    assert "已改用原表上的" in codes(forced, "I059")[0]
    first = data_of(path)[F.INDICATORS][0]
    assert (first[F.VALUE], first[F.ACTUAL]) == (600, 520)  # --force replaces results, never targets


# --- the derived figures -----------------------------------------------------------------------------------


def test_a_typed_score_that_disagrees_is_reported_and_the_data_still_imported(printed: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(printed / f"{PROJECT}-自评表.xlsx")
    sheet = book.active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    total = next(cell for cell in cells if cell.value in ("91.52", 91.52))
    total.value = "95.00"
    edited = tmp_path / "自评表.xlsx"
    book.save(edited)
    done = jixiao(edited, "--out", tmp_path / "out", "--unit", UNIT, "--region", "示例县")
    assert done.returncode == 0, done.stdout + done.stderr
    found = codes(done, "I057")
    assert len(found) == 1 and "总分：表上写作 95.00，按数据算出为 91.52" in found[0]
    assert f"{total.coordinate}]" in found[0]  # where it is on the sheet
    written = data_of(next((tmp_path / "out").glob(f"示例县/2026/*/{PROJECT}.yaml")))
    assert written[F.INDICATORS][0][F.ACTUAL] == 520
    assert F.STATED_SCORE not in written.get(F.CONCLUSION, {})  # derived: never stored


# --- real published forms ------------------------------------------------------------------------------------

REAL = {form.name: form for form in real_forms()}


@pytest.mark.parametrize("write", [write_docx, write_xlsx], ids=["docx", "xlsx"])
def test_real_forms_through_the_cli(tmp_path: Path, write: Any) -> None:
    files = [write(form, tmp_path / f"{form.name}{'.docx' if write is write_docx else '.xlsx'}") for form in REAL.values()]
    done = jixiao(*files, "--out", tmp_path / "data")
    assert "[I053]" not in done.stdout and "Traceback" not in done.stderr, done.stdout + done.stderr
    written = {data_of(p)[F.PROJECT_NAME]: data_of(p) for p in (tmp_path / "data").glob("*/*/*/*.yaml") if p.name != "单位.yaml"}
    # 池州市贵池区棠溪镇 2022: 实施单位 "219001-…" names the unit; results per indicator.
    tangxi = written["委托业务项目"]
    rows = {row.get(F.LEVEL3): row for row in tangxi[F.INDICATORS]}
    assert rows["基建工程委托业务项目数量"][F.ACTUAL] == 50
    assert rows["经费支出合规性"][F.ACTUAL] == "达成预期指标"
    assert _plain(tangxi[F.EXECUTION]) == {  # as printed: the total row 0, the amounts on 其中：当年财政拨款
        F.INITIAL_BUDGET: 0,
        F.FULL_YEAR_BUDGET: 0,
        F.EXECUTED: 0,
        F.FUNDING: {F.CURRENT_APPROPRIATION: {F.INITIAL_BUDGET: 90, F.FULL_YEAR_BUDGET: D("89.974"), F.EXECUTED: D("89.974")}},
    }
    # 廊坊市食品工程学校 2019: the blank form's "指标1" prefixes and "指标2 / ……" rows.
    langfang = written["办公宿舍楼、食堂及餐厅暖通改造经费"]
    names = [row.get(F.LEVEL3) for row in langfang[F.INDICATORS] if row.get(F.LEVEL3)]
    assert names[:3] == ["工程资金金额", "工程完工率", "工程验收合格率"] and not any(n.startswith("指标") for n in names)
    amounts = {F.INITIAL_BUDGET: D("43.2"), F.FULL_YEAR_BUDGET: D("43.2"), F.EXECUTED: D("37.24")}
    assert _plain(langfang[F.EXECUTION]) == {**amounts, F.FUNDING: {F.CURRENT_APPROPRIATION: amounts}}
    assert langfang[F.INDICATORS][0][F.DEVIATION] == "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"
    assert langfang[F.CONCLUSION] == {F.ACHIEVEMENT: "37.24"}
    # 中江县水利局 2022: 全年预算数(A), 全年实际值, 年度总体目标完成情况综述.
    zhongjiang = next(data for name, data in written.items() if name.startswith("中江县农业水价"))
    amounts = {F.FULL_YEAR_BUDGET: 20, F.EXECUTED: 20}  # 其中：本年财政拨款 as 当年财政拨款
    assert zhongjiang[F.EXECUTION] == {**amounts, F.FUNDING: {F.CURRENT_APPROPRIATION: amounts}}
    assert zhongjiang[F.CONCLUSION][F.ACHIEVEMENT].startswith("对项目区农业用水计量")
    assert [row.get(F.ACTUAL) for row in zhongjiang[F.INDICATORS] if row.get(F.LEVEL3)][2] == 100
    # 青神县 2023: the unit left the results blank and the notes of the blank form in place: reported, not data.
    qingshen = written["51000021R000000019951-工资性支出"]
    assert F.CONCLUSION not in qingshen and not any(F.ACTUAL in row for row in qingshen[F.INDICATORS])
    assert _plain(qingshen[F.EXECUTION]) == {
        F.INITIAL_BUDGET: D("238.93"),
        F.FULL_YEAR_BUDGET: D("251.89"),
        F.EXECUTED: D("251.89"),
    }
    # 黄石市 2019, a monitoring table: 1-6月执行数 and 半年度指标执行情况 dated at the end of June of the title's year.
    huangshi = written["申遗经费"]
    assert _plain(huangshi[F.EXECUTION]) == {
        F.INITIAL_BUDGET: D(220),
        F.FUNDING: {F.CURRENT_APPROPRIATION: {F.INITIAL_BUDGET: D(220)}},  # 其中:当年一般公共预算拨款
        F.MONITORING: [{F.COVER_DATE: "2019-06-30", F.MONITOR_EXECUTED: D("87.57")}],
    }
    # Its 1-6月执行数 has no place by source: reported where it is, not dropped.
    assert any("当年一般公共预算拨款" in line and "“87.57”" in line for line in codes(done, "I061")), done.stdout
    cost = next(row for row in huangshi[F.INDICATORS] if row.get(F.VALUE) == "年度预算220万元")
    assert cost[F.MONITORING] == [{F.COVER_DATE: "2019-06-30", F.MONITOR_VALUE: "按进度执行,已使用约40%"}]
    assert (cost[F.LEVEL1], cost[F.LEVEL2]) == ("产出指标", "成本指标")  # a two-level grid: 一级 from the 二级
    notes = [line for line in codes(done, "I061") if "空白表格的填写说明" in line]
    assert len(notes) == 4  # 年度目标完成情况, 评价结论, 存在问题, 改进措施
    # A source the data has no place for (财政资金 may hold carried-over funds too) is reported cell by cell where it is
    # (line 11: two paragraphs above the table).
    funding = [line for line in codes(done, "I061") if "青神" in line and "财政资金”一行" in line]
    assert [re.search(r":(\d+):(\d+): 警告", line).groups() for line in funding] == [("11", str(c)) for c in (3, 4, 5, 6)]  # type: ignore[union-attr]


def test_every_cell_of_a_real_form_is_placed_or_reported(tmp_path: Path) -> None:
    """Cells placed / cells of the five real forms (docs/绩效自评.md): at least the share measured (415/451)."""
    placed = total = 0
    for form in REAL.values():
        got, cells, result = measure([write_docx(form, tmp_path / f"{form.name}.docx")], tmp_path / form.name)
        placed, total = placed + got, total + cells
        for source in result.sources:
            assert not source.unused()  # none left unreported
    assert total == 451
    assert placed >= 415


# --- a layout's own words ------------------------------------------------------------------------------------


def test_a_layouts_declared_column_aliases_are_read(printed: Path, tmp_path: Path) -> None:
    """A data repository's layout (made up for this test: the 通用 layout as 某市) declares in 栏目别名 the words
    its forms print for the results; a 自评表 headed so is read with them."""
    data = tmp_path / "data"
    own = data / "版式" / "某市"
    own.mkdir(parents=True)
    text = (ROOT / "generator/templates/official/通用/layout.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "名称: 通用\n", "名称: 某市\n栏目别名: {实际完成值: [本年实际完成], 预算执行.全年执行数: [累计支出数]}\n", 1
    )
    (own / "layout.yaml").write_text(text, encoding="utf-8")
    book = openpyxl.load_workbook(printed / f"{PROJECT}-自评表.xlsx")
    sheet = book.active
    assert sheet is not None
    renamed = {"实际完成值": "本年实际完成", "全年执行数": "累计支出数"}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value in renamed:
                cell.value = renamed[cell.value]
    edited = tmp_path / "自评表.xlsx"
    book.save(edited)
    done = jixiao(edited, "--out", data, "--unit", UNIT, "--region", "示例县")
    assert not codes(done, "I013") and not codes(done, "I061"), done.stdout
    written = data_of(next(data.glob(f"示例县/2026/*/{PROJECT}.yaml")))
    assert written[F.INDICATORS][0][F.ACTUAL] == 520
    assert written[F.EXECUTION][F.EXECUTED] == D("9.2")
    # Without the declaration the same headings are not known: the cells are reported, not guessed.
    plain = jixiao(edited, "--out", tmp_path / "plain", "--unit", UNIT, "--region", "示例县")
    assert any("本年实际完成" in line for line in codes(plain, "I013"))
