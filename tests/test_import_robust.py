"""``jixiao import``: repairs and doubts, broken and hostile inputs, unknown layouts, overwriting, the CLI."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import cli
from generator.data.load import Document, load
from generator.importers import Options, import_sources
from generator.importers import read as read_module
from generator.importers.run import ImportResult

HEADER = """\
2026年项目支出绩效目标表
填报单位（盖章）：中共某某市某某区委宣传部
金额单位：万元
项目名称\t宣传经费\t\t\t\t\t\t
项目金额\t10\t项目类别\t特定目标类\t\t\t\t
项目支出实施期\t2026年度\t\t\t\t\t\t
本年度绩效目标\t做好宣传。\t\t\t\t\t\t
本年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t度量单位\t指标值类型\t备注
"""
GOOD_ROWS = [
    "\t成本指标\t经济成本指标\t宣传经费\t10\t万元\t≤\t",
    "\t产出指标\t数量指标\t宣传次数\t3\t次\t≥\t",
    "\t效益指标\t社会效益指标\t宣传效果\t明显提升\t无\t定性\t",
    "\t满意度指标\t服务对象满意度指标\t群众满意度\t90\t%\t≥\t",
]
PROJECT = "区委宣传部/宣传经费.yaml"


def run(tmp_path: Path, text: str, name: str = "表.txt", **options: Any) -> tuple[ImportResult, Path]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "data"
    return import_sources([source], Options(out=out, **options)), out


def data_of(path: Path) -> dict[str, Any]:
    loaded = load(path)
    assert isinstance(loaded, Document), loaded
    return loaded.data


def project(out: Path) -> dict[str, Any]:
    return data_of(out / "某某市某某区" / "2026" / PROJECT)


def indicators(out: Path) -> list[dict[str, Any]]:
    return [{k: str(v) for k, v in row.items()} for row in project(out)["绩效指标"]]


def codes(result: ImportResult) -> list[str]:
    return [d.code for d in result.report.diagnostics]


def test_a_clean_table_imports_without_importer_findings(tmp_path: Path) -> None:
    result, out = run(tmp_path, HEADER + "\n".join(GOOD_ROWS) + "\n")
    assert [c for c in codes(result) if c.startswith("I") and c != "I040"] == ["I014"]  # "无" of the 定性 row
    assert indicators(out)[2] == {
        "一级指标": "效益指标",
        "二级指标": "社会效益指标",
        "三级指标": "宣传效果",
        "指标值类型": "定性",
        "指标值": "明显提升",
    }
    assert (out / "某某市某某区" / "地区.yaml").read_text(encoding="utf-8").count("版式: 湖南") == 1


@pytest.mark.parametrize(
    ("row", "code", "expected"),
    [
        # operator, number and unit rotated
        ("\t成本指标\t经济成本指标\t宣传经费\t≤\t10\t万元\t", "I020", {"指标值类型": "≤", "指标值": "10", "度量单位": "万元"}),
        # everything one cell to the right, the operator in 备注
        ("\t成本指标\t经济成本指标\t宣传经费\t\t10\t万元\t≤", "I020", {"指标值类型": "≤", "指标值": "10", "度量单位": "万元"}),
        # a 定性 value in 备注
        ("\t成本指标\t经济成本指标\t宣传经费\t定性\t\t\t效果好", "I020", {"指标值类型": "定性", "指标值": "效果好"}),
        # the operator written into the value
        ("\t成本指标\t经济成本指标\t宣传经费\t≤10万元\t\t\t", "I023", {"指标值类型": "≤", "指标值": "10", "度量单位": "万元"}),
        # full-width digits and a line-wrap space in the unit
        (
            "\t成本指标\t经济成本 指标\t宣传经费\t１０\t万 元\t≤\t",
            "I022",
            {"二级指标": "经济成本指标", "指标值": "10", "度量单位": "万元"},
        ),
    ],
)
def test_repairs_are_made_and_reported(tmp_path: Path, row: str, code: str, expected: dict[str, str]) -> None:
    result, out = run(tmp_path, HEADER + row + "\n" + "\n".join(GOOD_ROWS[1:]) + "\n")
    assert code in codes(result)
    first = indicators(out)[0]
    assert {k: first.get(k) for k in expected} == expected


def test_labels_that_slid_left_are_realigned(tmp_path: Path) -> None:
    rows = [
        GOOD_ROWS[0],
        GOOD_ROWS[1],
        "\t质量指标\t合格率\t100\t%\t=\t\t",
        "满意度指标\t服务对象满意度指标\t满意度\t90\t%\t≥\t\t",
    ]
    result, out = run(tmp_path, HEADER + "\n".join(rows) + "\n")
    assert codes(result).count("I021") == 2
    found = indicators(out)
    assert (found[2]["一级指标"], found[2]["二级指标"], found[2]["三级指标"]) == ("产出指标", "质量指标", "合格率")
    assert found[3]["一级指标"] == "满意度指标" and found[3]["指标值"] == "90"


def test_a_missing_level2_is_inferred_only_when_there_is_one(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:3], "\t满意度指标\t\t群众满意度\t90\t%\t≥\t"]
    result, out = run(tmp_path, HEADER + "\n".join(rows) + "\n")
    assert "I026" in codes(result)
    assert indicators(out)[3]["二级指标"] == "服务对象满意度指标"


def test_an_ambiguous_row_is_kept_as_found_and_reported(tmp_path: Path) -> None:
    rows = [GOOD_ROWS[0], "\t产出指标\t数量指标\t宣传次数\t3\t5\t≥\t", *GOOD_ROWS[2:]]
    result, out = run(tmp_path, HEADER + "\n".join(rows) + "\n")
    doubt = next(d for d in result.report.diagnostics if d.code == "I025")
    assert doubt.severity.value == "error" and doubt.line == 10 and "“3”" in doubt.message
    assert indicators(out)[1]["度量单位"] == "5"
    assert "V003" in codes(result)  # and check reports the unit that is a number


def test_html_and_numbered_lists(tmp_path: Path) -> None:
    text = HEADER.replace("做好宣传。", "<p>1、做好宣传。</p> <p>2、办好活动。</p>")
    result, out = run(tmp_path, text + "\n".join(GOOD_ROWS) + "\n")
    assert project(out)["本年度绩效目标"] == ["做好宣传。", "办好活动。"]
    assert "I022" in codes(result)


def test_summary_cross_checks(tmp_path: Path) -> None:
    summary = (
        "2026年项目支出方向绩效目标汇总表\n填报单位（盖章）：中共某某市某某区委宣传部\n"
        "序号\t项目名称\t项目金额（万元）\t备注\n1\t宣传专项经费\t12\t新增\n2\t没有表的项目\t5\t\n合计金额\t\t18\t\n"
    )
    result, out = run(tmp_path, summary + HEADER.replace("项目金额\t10", "项目金额\t") + "\n".join(GOOD_ROWS) + "\n")
    found = {d.code: d.message for d in result.report.diagnostics}
    assert "宣传专项经费" in found["I030"] and "没有表的项目" in found["I032"]
    assert "17" in found["I035"]  # 合计 18 ≠ 12 + 5
    data = project(out)
    assert data["项目金额"] == 12 and data["备注"] == "新增" and data["序号"] == 1
    assert data["更正说明"] == ["原表未填项目金额，按同一文件汇总表（宣传专项经费 12 万元）补为 12。"]


def test_printed_unit_names(tmp_path: Path) -> None:
    second = HEADER.replace("宣传经费", "第二项").replace("中共某某市某某区委宣传部", "中共某某市某某区宣传部")
    third = HEADER.replace("宣传经费", "第三项")
    rows = "\n".join(GOOD_ROWS) + "\n"
    result, out = run(tmp_path, HEADER + rows + second + rows + third + rows)
    printed = data_of(out / "某某市某某区" / "2026" / "区委宣传部" / "第二项.yaml")
    assert printed["填报单位"] == "中共某某市某某区宣传部"
    assert "填报单位" not in project(out)
    assert "X005" in codes(result) and "I037" not in codes(result)


def test_tables_of_another_unit_in_the_same_file_are_a_doubt(tmp_path: Path) -> None:
    rows = "\n".join(GOOD_ROWS) + "\n"
    other = HEADER.replace("中共某某市某某区委宣传部", "某某市某某区档案馆")
    text = (
        HEADER
        + rows
        + HEADER.replace("宣传经费", "二")
        + rows
        + other.replace("宣传经费", "三")
        + rows
        + other.replace("宣传经费", "四")
        + rows
    )
    result, _ = run(tmp_path, text)
    doubts = [d for d in result.report.diagnostics if d.code == "I037"]
    assert len(doubts) == 2 and "档案馆" in doubts[0].message


def test_unknown_layout_names_what_it_recognised(tmp_path: Path) -> None:
    text = "某某表\n序号\t一级指标\t二级指标\t三级指标\t指标值\t评分标准\n1\t产出指标\t数量指标\t次数\t3\t按次计分\n"
    result, out = run(tmp_path, text)
    unknown = next(d for d in result.report.diagnostics if d.code == "I010")
    assert "一级指标" in unknown.message and "三级指标" in unknown.message
    assert not out.exists() or not list(out.rglob("*.yaml"))


def test_text_that_holds_no_table(tmp_path: Path) -> None:
    result, _ = run(tmp_path, "这是一封信。\n没有任何表格。\n")
    assert "I011" in codes(result)
    assert result.report.exit_code() == 1


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("空.txt", b"", "I003"),
        ("空白.txt", b"  \n\t\n", "I003"),
        ("二进制.txt", b"\x00\x01\x02binary\xff", "I001"),
        ("假的.docx", "项目名称\t甲\n".encode(), "I002"),
        ("假的.xlsx", b"PK\x03\x04 not really a zip", "I002"),
        ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "I001"),
        ("乱码.txt", b"abc\x80\xff\x80", "I001"),
        ("半个字.txt", b"\xff\xfe\x00\xd8", "I002"),
    ],
)
def test_broken_files_give_diagnostics_not_tracebacks(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = import_sources([path], Options(out=tmp_path / "data"))
    assert code in codes(result)
    assert result.report.exit_code() == 1


def test_a_zip_that_is_not_office_or_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "其他.docx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    bomb = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "0" * 100_000)
    broken = tmp_path / "坏的.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
        archive.writestr("[Content_Types].xml", "<also not")
    monkeypatch.setattr(read_module, "MAX_UNPACKED_BYTES", 50_000)
    result = import_sources([other, bomb, broken], Options(out=tmp_path / "data"))
    by_file = {Path(d.path).name: d.code for d in result.report.diagnostics}
    assert by_file == {"其他.docx": "I001", "炸弹.docx": "I004", "坏的.docx": "I002"}


def test_a_sheet_with_far_away_cells_is_read_quickly(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"], sheet["C900000"] = "标题", "很远的一格"
    path = tmp_path / "大.xlsx"
    book.save(str(path))
    result = import_sources([path], Options(out=tmp_path / "data"))
    assert [(d.code, d.line, d.column, d.field) for d in result.report.diagnostics] == [
        ("I006", 900000, 3, "工作表“Sheet” C900000")
    ]


def test_huge_text_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_module, "MAX_TEXT_BYTES", 1000)
    result, _ = run(tmp_path, "项目名称\t甲\n" * 200)
    assert "I004" in codes(result)


def test_gbk_text_is_read_with_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "表.txt"
    source.write_bytes((HEADER + "\n".join(GOOD_ROWS) + "\n").encode("gb18030"))
    result = import_sources([source], Options(out=tmp_path / "data"))
    assert "I005" in codes(result)
    assert project(tmp_path / "data")["项目名称"] == "宣传经费"


def test_a_gbk_text_without_a_table_imports_nothing_and_says_so(tmp_path: Path) -> None:
    source = tmp_path / "信.txt"
    source.write_bytes("这是一封信。\n没有任何表格。\n".encode("gb18030"))
    result = CliRunner().invoke(cli, ["import", str(source), "--out", str(tmp_path / "data"), "--format", "json"])
    assert result.exit_code == 1, result.output
    found = {item["code"]: item for item in json.loads(result.stdout)}
    assert sorted(found) == ["I005", "I011", "I012"]
    assert "猜测" in found["I005"]["message"] and "GBK" in found["I005"]["message"]
    assert "什么也没有导入" in found["I011"]["message"] and "按猜测的 GBK（GB18030）读取" in found["I011"]["message"]
    assert not (tmp_path / "data").exists()


def _office_bytes(kind: str, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    if kind == "docx":
        import docx

        docx.Document().save(out)
    else:
        from openpyxl import Workbook

        Workbook().save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        original = {info.filename: archive.read(info) for info in archive.infolist()}
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w") as archive:
        for name, content in {**original, **parts}.items():
            archive.writestr(name, content)
    return result.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("空白文档.docx", lambda: _office_bytes("docx", {})),
        (
            "只有图片的文档.docx",
            lambda: _office_bytes(
                "docx",
                {
                    "word/document.xml": (
                        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
                        b"<w:drawing/></w:r></w:p><w:sectPr/></w:body></w:document>"
                    )
                },
            ),
        ),
        ("空白工作簿.xlsx", lambda: _office_bytes("xlsx", {})),
        ("全角空格.txt", lambda: "\u3000\n\u3000\u3000\n".encode()),
    ],
)
def test_a_file_with_nothing_to_import_is_never_silent(tmp_path: Path, name: str, content: Any) -> None:
    source = tmp_path / name
    source.write_bytes(content())
    result = CliRunner().invoke(cli, ["import", str(source), "--out", str(tmp_path / "data"), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert [item["code"] for item in json.loads(result.stdout)] == ["I011"]


@pytest.mark.parametrize("number", ["第一", "1.5", "1e400", "nan"])
def test_a_sheet_row_numbered_with_no_whole_number_is_a_damaged_file(tmp_path: Path, number: str) -> None:
    sheet = (
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="{number}"><c t="inlineStr"><is><t>项目名称</t></is></c></row></sheetData></worksheet>'
    )
    source = tmp_path / "表.xlsx"
    source.write_bytes(_office_bytes("xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()}))
    result = import_sources([source], Options(out=tmp_path / "data"))
    assert [(d.code, d.message) for d in result.report.diagnostics] == [
        ("I002", f"Excel文件无法打开：工作表“Sheet”中的行号“{number}”不是整数")
    ]


def test_a_formula_without_a_saved_value(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r, line in enumerate((HEADER + "\n".join(GOOD_ROWS)).split("\n"), start=1):
        for c, text in enumerate(line.split("\t"), start=1):
            if text:
                sheet.cell(row=r, column=c, value=text)
    sheet["B5"] = "=5+5"  # 项目金额 as a formula that was never calculated
    path = tmp_path / "表.xlsx"
    book.save(str(path))
    result = import_sources([path], Options(out=tmp_path / "data"))
    assert "I015" in codes(result)


ALPHABET = st.sampled_from(
    [
        "\t",
        "\n",
        " ",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "项目名称",
        "产出指标",
        "数量指标",
        "≥",
        "10",
        "万元",
        "/",
        "定性",
        "<p>",
        "合计",
        "序号",
        "填报单位：",
        "甲",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ALPHABET, max_size=60))
def test_random_tables_never_raise(tmp_path: Path, parts: list[str]) -> None:
    target = tmp_path / "fuzz"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    result, _ = run(target, HEADER + "".join(parts))
    assert result.report.exit_code() in (0, 1)
    assert "I053" not in codes(result)


# --- existing files ---------------------------------------------------------------------------------


def test_existing_files_are_never_overwritten_silently(tmp_path: Path) -> None:
    text = HEADER + "\n".join(GOOD_ROWS) + "\n"
    _, out = run(tmp_path, text)
    target = out / "某某市某某区" / "2026" / PROJECT
    again, _ = run(tmp_path, text)
    assert {o.status for o in again.outcomes} == {"unchanged"}
    edited = target.read_text(encoding="utf-8").replace("做好宣传。", "做好宣传工作。")
    target.write_text(edited, encoding="utf-8")
    conflict, _ = run(tmp_path, text)
    assert next(d for d in conflict.report.diagnostics if d.code == "I050").path.endswith("宣传经费.yaml")
    assert target.read_text(encoding="utf-8") == edited
    assert conflict.report.exit_code() == 1
    forced, _ = run(tmp_path, text, force=True)
    assert "做好宣传工作" not in target.read_text(encoding="utf-8")
    assert "I050" not in codes(forced)


def test_reviewers_acknowledgements_are_kept(tmp_path: Path) -> None:
    text = HEADER + "\n".join(GOOD_ROWS) + "\n"
    _, out = run(tmp_path, text)
    target = out / "某某市某某区" / "2026" / PROJECT
    reviewed = target.read_text(encoding="utf-8") + "已确认问题:\n  - 代码: F008\n    理由: 原表如此。\n"
    target.write_text(reviewed, encoding="utf-8")
    again, _ = run(tmp_path, text)
    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert target.read_text(encoding="utf-8") == reviewed


def test_region_and_year_options(tmp_path: Path) -> None:
    text = (HEADER + "\n".join(GOOD_ROWS) + "\n").replace("中共某某市某某区委宣传部", "宣传部").replace("2026年", "")
    result, out = run(tmp_path, text.replace("2026年度", "全年"))
    assert {"I041", "I043"} & set(codes(result))
    result, out = run(tmp_path, text.replace("2026年度", "全年"), region="某某县", year=2027, code="123456")
    region = (out / "某某县" / "地区.yaml").read_text(encoding="utf-8")
    assert "名称: 某某县" in region and "'123456'" in region
    assert (out / "某某县" / "2027" / "宣传部" / "宣传经费.yaml").is_file()


# --- the command line --------------------------------------------------------------------------------


def test_cli_import_reports_and_writes(tmp_path: Path) -> None:
    source = tmp_path / "表.txt"
    source.write_text(HEADER + "\n".join(GOOD_ROWS) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(source), "--out", str(tmp_path / "data"), "--format", "json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert {"code", "severity", "path", "line", "column", "message"} <= items[0].keys()
    assert "已写入" in result.stderr
    again = runner.invoke(cli, ["import", str(source), "--out", str(tmp_path / "data")])
    assert "未改变" in again.output and again.exit_code == 0


def test_cli_import_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(tmp_path / "没有")]).exit_code == 2
    bad = runner.invoke(cli, ["import", str(tmp_path), "--code", "12"])
    assert bad.exit_code == 2 and "--code" in bad.output


def test_no_importer_code_names_a_seed() -> None:
    names: set[str] = set()
    for path in DATA.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"^(?:项目名称|单位名称|名称): (.+)$", text, re.M))
    names |= {path.name for path in DATA.iterdir()}
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "generator" / "importers").glob("*.py"))
    assert not sorted(name for name in names if name in code)


# --- the Excel editing form ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["湖南", "河北"])
def test_the_xlsx_form_round_trip(tmp_path: Path, layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)  # new project --xlsx writes the form in the current folder, never in data/
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    data = tmp_path / "data"
    runner = CliRunner()
    framework = "2021" if layout == "湖南" else "2015"
    for args in (
        [
            "new",
            "region",
            str(data / "某区"),
            "--name",
            "某某市某某区",
            "--layout",
            layout,
            "--framework",
            framework,
            "--code",
            "130000",
        ],
        ["new", "unit", str(data / "某区" / "2026" / "某局"), "--name", "某某市某某区某局"],
        ["new", "project", str(data / "某区" / "2026" / "某局"), "宣传经费", "--amount", "10", "--xlsx"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    form = tmp_path / "宣传经费.xlsx"
    book = load_workbook(form)
    sheet = book.active
    assert sheet is not None
    rows = {sheet.cell(r, c).value: r for r in range(1, sheet.max_row + 1) for c in (1, 2, 3) if sheet.cell(r, c).value}
    first = 2 if layout == "湖南" else 1  # the 一级指标 column
    values = (
        {"三级指标": 4, "指标值": 5, "度量单位": 6, "指标值类型": 7}
        if layout == "湖南"
        else {"三级指标": 3, "指标说明": 4, "指标值": 5, "确定依据": 6}
    )
    filled = {
        "数量指标": ("宣传次数", "3", "次", "≥"),
        "社会效益指标": ("宣传效果", "明显提升", "", "定性"),
        "服务对象满意度指标": ("群众满意度", "90", "%", "≥"),
    }
    for level2, (name, value, unit, operator) in filled.items():
        r = rows[level2]
        sheet.cell(r, first + 2).value = name
        if layout == "湖南":
            sheet.cell(r, values["指标值"]).value = value
            sheet.cell(r, values["度量单位"]).value = unit or None
            sheet.cell(r, values["指标值类型"]).value = operator
        else:
            sheet.cell(r, values["指标值"]).value = value if operator == "定性" else f"{operator}{value}{unit}"
            sheet.cell(r, values["确定依据"]).value = "计划标准"
    if layout == "湖南":
        sheet.cell(rows["本年度绩效目标"], 2).value = "做好宣传。"
    else:
        sheet.cell(rows["绩效目标"], 2).value = "1.做好宣传。"
        sheet.cell(rows["项目编码"], 2).value = "13000026P000000000001"
    book.save(form)
    result = runner.invoke(cli, ["import", str(form), "--out", str(data), "--force"])
    assert "I050" not in result.output and "Traceback" not in result.output, result.output
    rows_out = data_of(data / "某区" / "2026" / "某局" / "宣传经费.yaml")["绩效指标"]
    live = [row for row in rows_out if "三级指标" in row]
    assert [row["三级指标"] for row in live] == ["宣传次数", "宣传效果", "群众满意度"]
    assert live[2]["指标值类型"] == "≥" and live[2]["指标值"] == 90 and live[2]["度量单位"] == "%"
    check = runner.invoke(cli, ["check", str(data)])
    assert not re.search(r"\[(I0|S0|Y0)\d\d\]", check.output), check.output


def test_the_xlsx_form_keeps_a_unit_name_longer_than_a_cell(tmp_path: Path) -> None:
    """openpyxl cuts a text at 32,767 characters without a word: the form carries the rest below it."""
    from openpyxl import load_workbook

    from generator.importers.xlsx_template import template_bytes

    data = tmp_path / "data"
    runner = CliRunner()
    for args in (
        ["new", "region", str(data / "某区"), "--name", "某某市某某区", "--layout", "湖南", "--code", "130000"],
        ["new", "unit", str(data / "某区" / "2026" / "某局"), "--name", "某某市某某区某局"],
        ["new", "project", str(data / "某区" / "2026" / "某局"), "宣传经费", "--amount", "10"],
    ):
        assert runner.invoke(cli, args).exit_code == 0
    unit_file = data / "某区" / "2026" / "某局" / "单位.yaml"
    name = "某" * 40_000 + "局"
    unit_file.write_text(unit_file.read_text(encoding="utf-8").replace("某某市某某区某局", name), encoding="utf-8")
    sheet = load_workbook(io.BytesIO(template_bytes(data / "某区" / "2026" / "某局" / "宣传经费.yaml"))).active
    assert sheet is not None
    column = [sheet.cell(r, 1).value or "" for r in range(1, sheet.max_row + 1)]
    first = next(r for r, value in enumerate(column) if str(value).startswith("填报单位（盖章）："))
    assert column[first] + column[first + 1] == f"填报单位（盖章）：{name}"
    assert sheet.cell(first + 1, 6).value == "金额单位：万元" and sheet.cell(first + 3, 1).value == "项目名称"
