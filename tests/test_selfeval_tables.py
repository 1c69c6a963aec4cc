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
