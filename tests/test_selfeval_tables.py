"""The 项目支出绩效自评表 and 运行监控表 of the general layout, printed from the made-up sample of tests/selfeval/
only for the projects that carry the data, with the figures generator.data.scoring derives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
from conftest import ROOT

from generator.data.model import load_unit
from generator.data.tree import collect
from generator.render.compose import compose_unit
from generator.render.form import Form, Grid
from generator.render.layout import load_layout
from generator.render.tables import write_unit_tables

SAMPLE = ROOT / "tests" / "selfeval" / "示例县"


def forms() -> list[Form]:
    folder = next(iter(collect([SAMPLE]).units.values()))
    return compose_unit(load_layout("通用"), load_unit(folder)).forms


def texts(form: Form) -> list[list[str]]:
    return [[cell.text for cell in row] for grid in form.blocks if isinstance(grid, Grid) for row in grid.rows]


def test_only_the_projects_with_the_data_get_the_tables() -> None:
    stems = [f.stem for f in forms()]
    assert "志愿服务活动专项-自评表" in stems and "志愿服务活动专项-运行监控表" in stems
    assert "两新党组织党务工作者津贴-运行监控表" in stems  # monitored in June, not yet evaluated
    assert "两新党组织党务工作者津贴-自评表" not in stems


def test_the_self_evaluation_prints_the_derived_figures() -> None:
    form = next(f for f in forms() if f.stem == "志愿服务活动专项-自评表")
    rows = texts(form)
    assert ["年度资金总额", "10", "10", "9.2", "10.00", "92.00%", "9.20"] in rows
    # the rows by funding source (预算执行.资金来源), printed blank where the file has none
    assert ["其中：当年财政拨款", "8", "8", "7.2", "", "", ""] in rows
    assert ["上年结转资金", "2", "2", "2", "", "", ""] in rows
    assert ["其他资金", "", "", "", "", "", ""] in rows
    assert [
        "志愿服务人次",
        "≥5000人",
        "4000人",
        "部分完成",
        "8.33",
        "6.67",
        "原因：下半年两次集中活动因天气取消，服务人次少于计划。\n措施：提前制定雨天备选方案，把活动分散到各季度。",
    ] in rows
    assert ["总分", "91.52", "自评等级", "优"] in rows


def test_word_and_excel_carry_them_too(tmp_path: Path) -> None:
    folder = next(iter(collect([SAMPLE]).units.values()))
    written = write_unit_tables(load_unit(folder), tmp_path)
    docx = zipfile.ZipFile(written.folder / "志愿服务活动专项-自评表.docx").read("word/document.xml").decode()
    assert "91.52" in docx and "部分完成" in docx
    sheet = openpyxl.load_workbook(io.BytesIO((written.folder / "志愿服务活动专项-自评表.xlsx").read_bytes())).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "部分完成" in values and any(str(v) in ("91.52", "91.52%") for v in values)


REGIONAL = ROOT / "tests" / "selfeval"  # 示例湖南县, 示例河北县: made up (虚构), in the sample regions' layouts


def regional_forms(region: str, layout: str) -> list[Form]:
    folder = next(iter(collect([REGIONAL / region]).units.values()))
    return compose_unit(load_layout(layout), load_unit(folder)).forms


def test_hebei_prints_the_self_evaluation_as_its_published_form() -> None:
    """The rows and columns of 廊坊市食品工程学校's 项目支出绩效自评表 (2019年度): 年度资金总额 and its 其中 rows by
    source, 年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施, with Hebei's two decimals."""
    forms = regional_forms("示例河北县", "河北")
    assert [f.stem for f in forms] == ["老旧供水管网改造", "老旧供水管网改造-运行监控表", "老旧供水管网改造-自评表"]
    form = forms[-1]
    assert form.title == "项目支出绩效自评表" and form.heading == ("（2025年度）",)
    rows = texts(form)
    assert ["项目资金\n（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"] in rows
    assert ["年度资金总额", "480.00", "500.00", "455.50", "10.00", "91.10%", "9.11"] in rows
    assert ["其中：当年财政拨款", "400.00", "400.00", "380.00", "", "", ""] in rows
    assert ["上年结转资金", "80.00", "80.00", "60.50", "", "", ""] in rows
    assert ["其他资金", "", "20.00", "15.00", "", "", ""] in rows
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert header in rows
    assert ["第2片区老旧管网改造长度", "≥20公里", "20公里", "3.57", "3.57", ""] in rows
    assert ["总分", "94.86", "自评等级", "优"] in rows


def test_hunan_prints_the_general_self_evaluation_and_monitoring() -> None:
    forms = regional_forms("示例湖南县", "湖南")
    stems = [f.stem for f in forms]
    assert "老旧供水管网改造-自评表" in stems and "老旧供水管网改造-运行监控表" in stems
    rows = texts(next(f for f in forms if f.stem.endswith("-自评表")))
    assert ["年度资金总额", "480", "500", "455.5", "10.00", "91.10%", "9.11"] in rows  # Hunan prints amounts as written
    assert ["其中：当年财政拨款", "400", "400", "380", "", "", ""] in rows
    assert ["总分", "94.86", "自评等级", "优"] in rows
    monitoring = texts(next(f for f in forms if f.stem.endswith("-运行监控表")))
    assert ["2026-09-30", "310.2", "62.04%"] in monitoring


def test_a_rate_keeps_its_two_decimals_in_excel(tmp_path: Path) -> None:
    """执行率 91.10% is stored as 0.9110 with the format 0.00%, so that the workbook shows what Word and the web
    page show (it was shown as 91.1%)."""
    folder = next(iter(collect([REGIONAL / "示例河北县"]).units.values()))
    written = write_unit_tables(load_unit(folder), tmp_path)
    sheet = openpyxl.load_workbook(io.BytesIO((written.folder / "老旧供水管网改造-自评表.xlsx").read_bytes())).active
    rates = [(c.value, c.number_format) for row in sheet.iter_rows() for c in row if isinstance(c.value, float) and c.value < 1]
    assert (0.911, "0.00%") in rates
