"""Official tables: every file written for data/ opens and has the form's structure; data is escaped,
formula-safe and printed exactly; identical input gives identical bytes; templates use their contexts."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT, GoldenCheck
from docx import Document
from docx.oxml.ns import qn
from jinja2 import meta
from openpyxl import load_workbook
from render_helpers import as_text, parse_page

from generator.build import BuildResult, build, describe
from generator.cli import cli
from generator.render.cells import money, plain, value_cell
from generator.render.excel import EXCEL_CELL_UNITS, excel_pieces, xlsx_bytes
from generator.render.form import LABEL, Cell, Form, Grid, Heading, LayoutError, Paragraphs
from generator.render.layout import COMMON, OFFICIAL, available, load_layout
from generator.render.pdf import soffice
from generator.render.webpage import PAGE_CONTEXTS, booklet_page, environment

GOLDEN = ROOT / "tests" / "golden" / "tables"
HOSTILE = ["<script>alert(1)</script>", "{{ 7*7 }}", '=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "a & b \"c\" 'd'"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("site")
    result = build(DATA, out, make_pdf=False, site=False)
    assert result.written, describe(result)
    return result


def tables_of(result: BuildResult, suffix: str) -> list[Path]:
    return sorted(result.out.rglob(f"*{suffix}"))


def test_every_table_is_written_in_three_formats_with_a_booklet_per_unit(built: BuildResult) -> None:
    units = sorted({p.parent for p in built.out.rglob("*.html")})
    assert [u.relative_to(built.out).as_posix() for u in units] == [
        "唐山市路南区/2025/区委社会工作部",
        "株洲市渌口区/2026/区人民政府办公室",
        "株洲市渌口区/2026/区委社会工作部",
        "株洲市渌口区/2026/区委组织部",
    ]
    projects = sorted(p for p in DATA.rglob("*.yaml") if p.name not in ("单位.yaml", "地区.yaml"))
    for project in projects:
        folder = built.out / project.parent.relative_to(DATA)
        for suffix in (".html", ".docx", ".xlsx"):
            assert (folder / f"{project.stem}{suffix}").is_file()
    for unit in units:
        assert {"单位汇编.html", "单位汇编.docx"} <= {p.name for p in unit.iterdir()}
        # Hebei's layout leaves out a 汇总表 its units did not publish (印刷.汇编.未公开的汇总表: 不印)
        assert (unit / "汇总表.html").is_file() == (unit.parts[-3] != "唐山市路南区"), unit
    assert built.tables == len(projects) + 3 + 3  # projects, 3 Hunan summaries, 3 部门整体 (组织部 has none)
    assert built.files == built.tables * 3 + 2 * len(units)


def _merged_down(table: object, row: int, col: int) -> bool:
    return table.cell(row, col)._tc is table.cell(row + 1, col)._tc  # type: ignore[attr-defined]


def test_every_docx_opens_with_the_form_structure(built: BuildResult) -> None:
    for path in tables_of(built, ".docx"):
        document = Document(str(path))
        section = document.sections[0]
        assert {round(section.page_width.mm), round(section.page_height.mm)} == {210, 297}, path
        fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "仿宋"
        title = document.paragraphs[0]
        assert title.text and title.runs[0].font.bold
        assert title.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
        if path.stem in ("部门整体", "单位汇编") and "唐山" in str(path):
            continue  # the Hebei 部门整体 is text
        assert document.tables, path
        for table in document.tables:
            borders = table._tbl.tblPr.find(qn("w:tblBorders"))
            assert borders is not None and borders.find(qn("w:insideH")).get(qn("w:val")) == "single"


def test_docx_merges_level_1_and_level_2_like_the_form(built: BuildResult) -> None:
    path = built.out / "株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.docx"
    above, table = Document(str(path)).tables  # the indicator grid is a table of its own, right under the first
    assert [c.text for c in above.rows[0].cells][:2] == ["项目名称", "志愿服务活动专项"]
    texts = [[c.text.replace("\n", "") for c in row.cells] for row in table.rows]  # labels break between words
    header = 0
    assert texts[header] == ["本年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型", "备注"]
    # its heading row repeats on every page, and no row splits across pages
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert _merged_down(table, header + 1, 0)  # the column under 本年度绩效指标 spans the indicator rows
    first = header + 1
    assert texts[first][1:7] == ["产出指标", "数量指标", "志愿者人数", "500", "人", "≥"]
    assert _merged_down(table, first, 1) and _merged_down(table, first, 2)  # 产出指标, 数量指标
    assert not _merged_down(table, first, 3)
    assert "/" in [row[3] for row in texts]  # placeholder rows printed with "/"


def test_every_xlsx_opens_with_merges_numbers_and_print_setup(built: BuildResult) -> None:
    for path in tables_of(built, ".xlsx"):
        sheet = load_workbook(path).active
        text_form = path.stem == "部门整体" and "唐山" in str(path)  # the Hebei 部门整体 is one column of text
        merges = sheet.merged_cells.ranges
        assert merges, path
        if text_form:  # its paragraphs span the page's columns, one row each
            assert all(m.min_row == m.max_row for m in merges), path
        else:  # a table's headings repeat on every page, frozen on screen
            assert sheet.print_title_rows, path
        assert "第 &P 页 共 &N 页" in sheet.oddFooter.center.text, path
        assert sheet.print_area, path
        setup = sheet.page_setup  # one page wide, any height; a missing fitToWidth means 1 (XlsxWriter omits it)
        assert setup.fitToWidth in (None, 1) and int(setup.fitToHeight) == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(sheet.page_setup.paperSize) == 9  # A4
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path}:{cell.coordinate} is a formula"


def _cells(path: Path) -> dict[str, object]:
    sheet = load_workbook(path).active
    return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None}


def test_xlsx_keeps_numbers_as_numbers_shown_as_in_the_data(built: BuildResult) -> None:
    summary = built.out / "株洲市渌口区/2026/区委组织部/汇总表.xlsx"
    sheet = load_workbook(summary).active
    numbers = {
        cell.value: cell.number_format for row in sheet.iter_rows() for cell in row if isinstance(cell.value, (int, float))
    }
    # 原样 (the Hunan layout): each amount with the decimals it is written with, as the published table prints it
    assert numbers[22.95] == "0.00" and numbers[4613.6] == "0.0" and numbers[5117.65] == "0.00"
    assert numbers[10] == "0"  # 10 stays 10
    hebei = built.out / "唐山市路南区/2025/区委社会工作部/常态化宣传及开展志愿服务活动.xlsx"
    sheet = load_workbook(hebei).active
    formats = {
        (cell.value, cell.number_format) for row in sheet.iter_rows() for cell in row if isinstance(cell.value, (int, float))
    }
    assert (10, "0.00") in formats  # 河北 prints 10.00
    assert (0.25, "0%") in formats and (1, "0%") in formats  # 资金支出计划 25%, 100%


def test_money_prints_exactly() -> None:
    assert plain(Decimal("22.95")) == "22.95" and plain(Decimal("1E+2")) == "100" and plain(10) == "10"
    assert str(money(Decimal("10"), 2)) == "10.00" and str(money(Decimal("0.125"), 2)) == "0.125"
    assert value_cell(Decimal("0.1") + Decimal("0.2")).lines == ("0.3",)


def _hostile_tree(make_tree: object) -> Path:
    text = (ROOT / "tests/examples/valid/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^项目名称: .*$", "项目名称: '<script>alert(1)</script>'", text, count=1, flags=re.M)
    text = re.sub(r"^本年度绩效目标: .*$", "本年度绩效目标: '{{ 7*7 }} =HYPERLINK(\"http://x\")'", text, count=1, flags=re.M)
    text = text.replace("三级指标: 项目总成本", "三级指标: '=1+1'", 1)
    unit_dir = make_tree(
        {"志愿服务活动专项.yaml": text},  # type: ignore[operator]
        unit="单位名称: '@SUM(A1) & <b>局</b>'\n单位财务负责人: '-2+3'\n填表人: '+cmd'\n",
    )
    return unit_dir.parent.parent.parent


def test_hostile_text_is_escaped_in_html_and_never_a_formula_in_xlsx(make_tree: object, tmp_path: Path) -> None:
    data = _hostile_tree(make_tree)
    result = build(data, tmp_path / "site", make_pdf=False, site=False)
    assert result.written, describe(result)
    folder = result.out / "测试区/2026/测试局"
    html = (folder / "志愿服务活动专项.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html
    assert "<b>局</b>" not in (folder / "汇总表.html").read_text(encoding="utf-8")
    assert "default-src 'none'" in html and "http" not in html.replace("http://x", "").split("<body>")[0].replace(
        "http-equiv", ""
    )
    for path in (folder / "志愿服务活动专项.xlsx", folder / "汇总表.xlsx"):
        sheet = load_workbook(path).active
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.data_type == "s" and cell.quotePrefix, (path, cell.coordinate, cell.value)
    values = set(_cells(folder / "志愿服务活动专项.xlsx").values())
    assert "=1+1" in values and "<script>alert(1)</script>" in values
    assert {"单位财务负责人：-2+3", "填表人：+cmd"} <= set(_cells(folder / "汇总表.xlsx").values())
    document = Document(str(folder / "志愿服务活动专项.docx"))
    assert "<script>alert(1)</script>" in document.tables[0].rows[0].cells[1].text


def test_build_twice_gives_identical_bytes(built: BuildResult, tmp_path: Path) -> None:
    again = build(DATA, tmp_path / "again", make_pdf=False, site=False)
    first = sorted(p.relative_to(built.out) for p in built.out.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again.out) for p in again.out.rglob("*") if p.is_file())
    assert first == second
    for relative in first:
        assert (built.out / relative).read_bytes() == (again.out / relative).read_bytes(), relative


def _templates() -> list[Path]:
    return sorted(p for p in OFFICIAL.rglob("*.html.j2"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: p.relative_to(OFFICIAL).as_posix())
def test_templates_use_exactly_the_documented_context(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    used = meta.find_undeclared_variables(environment().parse(source))
    if path.name.startswith("_"):
        assert used == set(), "a macro file takes everything as parameters"
    else:
        context = PAGE_CONTEXTS[path.name]
        assert used == set(context.__dataclass_fields__), context.__name__
        assert context.__doc__ and all(f"``{name}``" in context.__doc__ for name in used)


def test_every_layout_folder_loads_and_prints_each_project() -> None:
    """Every built-in layout loads and has one table per project; a region's forms decide whether there are
    unit tables too (the published 湖南申报表, 湖北 and 内蒙古 forms have none)."""
    assert {"湖南", "河北", "通用", "湖南申报表", "四川", "湖北", "内蒙古"} <= set(available())
    assert COMMON not in available()
    for name in available():
        layout = load_layout(name)
        # one table named after each project; its further tables (自评表, 运行监控表) carry their own 文件名
        assert [f.subject for f in layout.forms if not f.stem].count("项目") == 1, name
    assert {f.subject for f in load_layout("通用").forms} == {"单位", "项目"}


@pytest.mark.parametrize("tree", [DATA, ROOT / "tests" / "regions"], ids=["data", "regions"])
def test_every_grid_knows_the_places_its_cells_take(tree: Path) -> None:
    """Composing a table hands each grid its cells' places, found once for the first version of the grid
    (``Grid.known``); they are the places ``place`` finds for the grid's rows, in every layout."""
    from generator.data.model import load_unit
    from generator.data.tree import collect
    from generator.render.compose import compose_unit
    from generator.render.form import place

    grids = 0
    for folder in collect([tree]).units.values():
        unit = load_unit(folder)
        for form in compose_unit(load_layout(unit.region.layout, unit.region.folder), unit).forms:
            for grid in form.grids:
                assert grid.placed_rows == place(grid.widths, grid.rows), form.stem
                grids += 1
    assert grids > 10


def test_rendered_pages_match_the_golden_grids(built: BuildResult, golden: GoldenCheck) -> None:
    """The golden files were checked by eye against the seeds (tests/seeds/); see test_render_seeds.py."""
    pages = [p for p in tables_of(built, ".html") if p.stem != "单位汇编"]
    for page in pages:
        relative = page.relative_to(built.out).with_suffix(".txt")
        target = GOLDEN / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        golden(as_text(parse_page(page)), target)
    expected = {p.relative_to(GOLDEN) for p in GOLDEN.rglob("*.txt")}
    assert expected == {p.relative_to(built.out).with_suffix(".txt") for p in pages}, "stale golden files"


def test_booklet_holds_all_tables_in_order(built: BuildResult) -> None:
    folder = built.out / "株洲市渌口区/2026/区委社会工作部"
    booklet = parse_page(folder / "单位汇编.html")
    # contents, then the projects first as the unit's published document (单位.yaml 印刷.顺序), then the
    # rest in the layout's order; the 汇总表 it never published marked as derived
    assert booklet.titles == [
        "目录",
        "2026年项目支出绩效目标表",
        "2026年项目支出绩效目标表",
        "2026年部门整体支出绩效目标表",
        "2026年项目支出绩效目标汇总表",
    ]
    assert booklet.tables[0][0][:2] == ["项目名称", "志愿服务活动专项"]  # 序号 1 comes first
    page = (folder / "单位汇编.html").read_text(encoding="utf-8")
    assert page.count("（根据项目表生成）") == 2 and '<section class="cover">' not in page
    document = Document(str(folder / "单位汇编.docx"))
    # a cover, the contents, a section per table; the indicator grid a table of its own (not the 汇总表's)
    assert len(document.sections) == 6 and len(document.tables) == 7
    hebei = Document(str(built.out / "唐山市路南区/2025/区委社会工作部/单位汇编.docx"))
    landscape = [s.page_width > s.page_height for s in hebei.sections]
    assert landscape == [False] * 8  # cover, contents, 部门整体, 5 projects: no 汇总表 (Hebei prints none unpublished)
    organisation = (built.out / "株洲市渌口区/2026/区委组织部/单位汇编.html").read_text(encoding="utf-8")
    contents = re.findall(r'<li class="depth-(\d)"><a href="#表(\d+)">([^<]*)</a>', organisation)
    # the summary it published first (印刷.顺序), its title as 乙式 prints it and no line of its own name;
    # the projects under the title they share, each by its name
    assert contents[:3] == [
        ("1", "1", "2026年项目支出方向绩效目标汇总表"),
        ("1", "2", "2026年项目支出绩效目标表"),
        ("2", "2", "村干部基本报酬和离任村干部补贴经费"),
    ]
    headings = [p.text for p in hebei.paragraphs if p.text in ("第一部分", "第二部分")]
    assert headings == ["第一部分", "第二部分"]  # the parts of the published document (contents list them too)


def test_fields_without_a_column_are_reported_not_dropped(make_tree: object, tmp_path: Path) -> None:
    text = (ROOT / "tests/examples/valid/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml").read_text(encoding="utf-8")
    text = text.replace("    度量单位: 人\n", "    度量单位: 人\n    权重: 10\n", 1) + "实施期绩效目标: 三年内完成。\n"
    unit_dir = make_tree({"志愿服务活动专项.yaml": text})  # type: ignore[operator]
    result = build(unit_dir.parent.parent.parent, tmp_path / "site", make_pdf=False, site=False)
    assert {field for _, field in result.unprinted} == {"绩效指标.权重", "实施期绩效目标"}
    assert any("没有印在官方表格上" in line for line in describe(result))


def test_a_missing_layout_keeps_only_its_region_out_of_the_build(make_tree: object, tmp_path: Path) -> None:
    region = "名称: 测试市测试区\n版式: 没有这个版式\n指标体系: 2021\n金额单位: 万元\n"
    unit_dir = make_tree({}, region=region)  # type: ignore[operator]
    data = unit_dir.parent.parent.parent
    result = build(data, tmp_path / "site", make_pdf=False, site=False)
    assert not result.written and not (tmp_path / "site" / "tables").exists()  # no other region: nothing to build
    assert [(d.code, d.field) for d in result.report.diagnostics if d.code.startswith("L")] == [("L001", "版式")]
    assert "没有“没有这个版式”版式" in result.report.diagnostics[0].message
    shutil.copytree(ROOT / "tests/examples/valid/株洲市渌口区", data / "株洲市渌口区")
    result = build(data, tmp_path / "site", make_pdf=False, site=False)
    assert result.written and result.excluded == ["测试市测试区"] and result.report.exit_code() == 1
    assert sorted(p.name for p in (tmp_path / "site" / "tables").iterdir()) == ["株洲市渌口区"]
    assert describe(result)[0].startswith("以下地区的版式有错误（见上面的检查报告），没有生成：测试市测试区")


def test_a_layout_whose_spans_do_not_fit_is_explained(official: Path) -> None:
    broken = official / "湖南" / "layout.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("{值: 项目名称, 跨列: 7}", "{值: 项目名称, 跨列: 9}"), encoding="utf-8"
    )
    layout = load_layout("湖南")
    from generator.render.compose import compose_form

    spec = next(f for f in layout.forms if f.subject == "项目")
    with pytest.raises(LayoutError, match="超出了表格的 8 列"):
        compose_form(spec, layout, {"项目名称": "甲"}, "甲")


def test_cli_build_writes_and_summarises(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(data_copy.parent)
    result = CliRunner().invoke(cli, ["build", "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert "已生成 26 张表格 → site/tables/" in result.output
    assert (data_copy.parent / "site/tables/株洲市渌口区/2026/区委组织部/汇总表.docx").is_file()


def test_cli_build_with_errors_writes_nothing(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = next(data_copy.rglob("援助泸溪资金.yaml"))
    project.write_text(project.read_text(encoding="utf-8").replace("项目金额: 30", "项目金额: 三十"), encoding="utf-8")
    monkeypatch.chdir(data_copy.parent)
    result = CliRunner().invoke(cli, ["build", "--no-pdf"])
    assert result.exit_code == 1
    assert "未生成表格" in result.output and "援助泸溪资金.yaml" in result.output
    assert not (data_copy.parent / "site").exists()


def test_rebuild_replaces_old_tables(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(data_copy, out, make_pdf=False, site=False)
    renamed = next(data_copy.rglob("援助泸溪资金.yaml"))
    renamed.rename(renamed.with_name("援助资金.yaml"))
    build(data_copy, out, make_pdf=False, site=False)
    assert not list(out.rglob("援助泸溪资金.*")) and list(out.rglob("援助资金.docx"))
    assert [p.name for p in out.iterdir()] == ["tables"]  # no staging folder left behind


def test_a_table_does_not_depend_on_what_was_written_before(built: BuildResult) -> None:
    from generator.data.model import load_unit
    from generator.data.tree import collect
    from generator.render.compose import compose_unit
    from generator.render.tables import write_unit_tables
    from generator.render.word import booklet_bytes, docx_bytes

    folder = next(f for f in collect([DATA]).units.values() if f.path.name == "区委社会工作部" and "唐山" in str(f.path))
    unit_result = write_unit_tables(load_unit(folder), built.out.parent / "again")
    first = (unit_result.folder / "劳务费.docx").read_bytes()
    assert first == (built.out / "唐山市路南区/2025/区委社会工作部/劳务费.docx").read_bytes()
    unit = load_unit(folder)
    composed = compose_unit(load_layout("河北"), unit)
    booklet = booklet_bytes(composed.booklet)
    # The build makes the booklet from the bodies it wrote for the tables; the same bytes as from scratch.
    assert booklet == (built.out / "唐山市路南区/2025/区委社会工作部/单位汇编.docx").read_bytes()
    page = booklet_page(load_layout("河北"), composed.booklet)  # its web page likewise
    assert page == (built.out / "唐山市路南区/2025/区委社会工作部/单位汇编.html").read_text(encoding="utf-8")
    single = next(f for f in composed.forms if f.stem == "劳务费")
    assert docx_bytes([single], single.title) == first  # a single table again, after the booklet


def test_docx_carries_only_the_styles_it_uses(built: BuildResult) -> None:
    """python-docx's template defines 164 styles in 350 KB; a table keeps the defaults it needs."""
    import zipfile

    from lxml import etree

    for path in tables_of(built, ".docx"):
        with zipfile.ZipFile(path) as archive:
            styles = etree.fromstring(archive.read("word/styles.xml"))
            body = etree.fromstring(archive.read("word/document.xml"))
            assert not [n for n in archive.namelist() if "stylesWithEffects" in n or "thumbnail" in n]
        defined = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
        used = {e.get(qn("w:val")) for tag in ("w:pStyle", "w:rStyle", "w:tblStyle") for e in body.iter(qn(tag))}
        assert used <= defined, path
        assert {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"} <= defined
        assert len(defined) < 10 and styles.find(qn("w:latentStyles")) is not None
        for style in styles.iter(qn("w:style")):  # what a kept style is based on is kept too
            based = style.find(qn("w:basedOn"))
            assert based is None or based.get(qn("w:val")) in defined


def test_docx_text_keeps_breaks_and_drops_what_xml_cannot_hold(built: BuildResult) -> None:
    from dataclasses import replace

    from generator.render.form import Heading, Paragraphs
    from generator.render.word import docx_bytes

    folder = built.out.parent
    form = _forms_of("株洲市渌口区/2026/区委社会工作部")[0]
    odd = replace(
        form,
        title="标题\x01\x0b一\t二\n三",
        heading=(" 甲 & <乙> ", "丙\ud800"),
        blocks=[Heading("标题\x1f"), Paragraphs(("段落\x00一", "二")), *form.blocks],
    )
    path = folder / "odd.docx"
    path.write_bytes(docx_bytes([odd], odd.title))
    document = Document(str(path))  # the file opens: nothing XML cannot hold was written
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "标题一\t二\n三"  # a tab and a line break, as python-docx writes them
    assert texts[1] == " 甲 & <乙> \t丙"
    assert "标题" in texts and "段落一" in texts


def _forms_of(unit_path: str) -> list:  # type: ignore[type-arg]
    from generator.data.model import load_unit
    from generator.data.tree import collect
    from generator.render.compose import compose_unit

    folder = next(f for f in collect([DATA]).units.values() if f.path.as_posix().endswith(unit_path))
    unit = load_unit(folder)
    return compose_unit(load_layout(unit.region.layout), unit).forms


def test_a_layout_may_print_a_table_its_own_way(tmp_path: Path, official: Path) -> None:
    """A layout's own _表单.html.j2 prints its tables, on their own pages and in the booklet alike."""
    from generator.data.model import load_unit
    from generator.data.tree import collect
    from generator.render.tables import write_unit_tables

    (official / "河北" / "_表单.html.j2").write_text(
        '{% macro render_form(form) %}<section class="own">{{ form.title }}</section>{% endmacro %}\n', encoding="utf-8"
    )
    hebei = next(f for f in collect([DATA]).units.values() if "唐山" in str(f.path))
    done = write_unit_tables(load_unit(hebei), tmp_path / "out")
    pages = sorted(done.folder.glob("*.html"))
    assert len(pages) == done.tables + 1
    for page in pages:
        text = page.read_text(encoding="utf-8")
        sections = re.findall(r'<section class="([^"]*)"', text)
        assert sections and set(sections) == {"own"}, page.name
    booklet = (done.folder / "单位汇编.html").read_text(encoding="utf-8")
    assert booklet.count('<section class="own">') == done.tables


# --- texts longer than an Excel cell ---------------------------------------------------------------------------

NOT_BMP = "\U00020000"  # 𠀀: a CJK character beyond U+FFFF takes two of the 32,767 units of a cell


def _long_texts() -> dict[str, str]:
    return {
        "goal": "\n".join(f"{i}. 提高服务质量{NOT_BMP}，完成第 {i} 项任务。" for i in range(1, 3001)),  # ~70,000 units
        "line": "甲" * 40_000 + "尾",  # one line, no break to cut at
        "unit": "填报单位：" + "乙" * 35_000,
        "text": "丙" * 33_000,
        "title": "丁" * 32_768,
    }


def _long_form() -> Form:
    texts = _long_texts()
    grid = Grid(
        (30.0, 60.0, 60.0),
        [
            [Cell(("项目名称",), LABEL), Cell(("测试项目",), colspan=2)],
            [Cell(("本年度绩效目标",), LABEL, rowspan=2), Cell((texts["goal"],)), Cell(("旁边",))],
            [Cell((texts["line"],)), Cell(("下一行",))],
            [Cell(("末行",), colspan=3)],
        ],
    )
    return Form(
        kind="项目支出绩效目标表",
        stem="长",
        caption="长",
        title=texts["title"],
        heading=(texts["unit"], "金额单位：万元"),
        footer=("填表人：某", "日期"),
        blocks=[grid, Heading("一、总体绩效目标"), Paragraphs((texts["text"], "短段"))],
    )


def _column_text(rows: list[list[str]], first: str, length: int) -> str:
    """The text that starts with the cell ``first`` and goes on down its column, ``length`` characters."""
    row, col = next((r, c) for r, cells in enumerate(rows) for c, value in enumerate(cells) if value == first)
    text = ""
    while len(text) < length and row < len(rows):
        text += rows[row][col]
        row += 1
    return text


def _assert_every_text_is_whole(rows: list[list[str]]) -> None:
    for name, text in _long_texts().items():
        pieces = excel_pieces(text)
        assert len(pieces) > 1, name
        assert _column_text(rows, pieces[0], len(text)) == text, name


def test_xlsx_splits_a_text_longer_than_a_cell_down_its_column() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(_long_form()))).active
    assert sheet is not None
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert all(len(value.encode("utf-16-le")) <= 2 * EXCEL_CELL_UNITS for row in rows for value in row)
    _assert_every_text_is_whole(rows)
    # The goal's continuation rows belong to its grid row: the label beside it and the cell after it
    # are merged down over them, so the row reads as one; the next grid row starts after them.
    goal = excel_pieces(_long_texts()["goal"])
    top = next(r for r, row in enumerate(rows, start=1) if row[1] == goal[0])
    merged = {str(m) for m in sheet.merged_cells.ranges}
    line = excel_pieces(_long_texts()["line"])
    after = top + len(goal)  # the second grid row of the label, with the 40,001-character line
    assert rows[after - 1][1] == line[0] and rows[after][1] == line[1]
    assert f"A{top}:A{after + len(line) - 1}" in merged  # the label spans both rows and all their continuations
    assert f"C{top}:C{after - 1}" in merged  # 旁边, down over the goal's continuation rows
    assert f"C{after}:C{after + len(line) - 1}" in merged
    assert rows[after + len(line) - 1][0] == "末行"  # the next grid row, after the continuations


def test_excel_pieces_are_whole_characters_joined_back_exactly() -> None:
    for text in (*_long_texts().values(), NOT_BMP * 20_000, "a" * 32_767, "a" * 32_768, "甲\n" * 20_000):
        pieces = excel_pieces(text)
        assert "".join(pieces) == text
        assert all(0 < len(p.encode("utf-16-le")) <= 2 * EXCEL_CELL_UNITS for p in pieces)
    assert excel_pieces("a" * 32_767) == ["a" * 32_767]
    assert [len(p) for p in excel_pieces("甲\n" * 20_000)] == [32_766, 7_234]  # cut after a line break


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) 未安装")
def test_libreoffice_reads_every_character_of_a_split_text(tmp_path: Path) -> None:
    book = tmp_path / "长.xlsx"
    book.write_bytes(xlsx_bytes(_long_form()))
    program = soffice()
    assert program is not None
    done = subprocess.run(
        [
            program,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path / "out"),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out = tmp_path / "out" / "长.csv"
    assert out.is_file(), done.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    width = max(len(row) for row in rows)
    _assert_every_text_is_whole([row + [""] * (width - len(row)) for row in rows])


# Made-up corrections (not from any published table) on a copy of an example project.
CORRECTIONS = ["原表未填项目金额，按汇总表补为 20。", "原表“<附表> & 指标”的单位漏填，按 =1+1 补全。"]
UNIT_CORRECTION = "原表未填单位财务负责人，按封面补全。"


def _corrected_tree(make_tree: object) -> Path:
    example = ROOT / "tests/examples/valid/株洲市渌口区/2026/区委社会工作部"
    corrected = (
        (example / "志愿服务活动专项.yaml").read_text(encoding="utf-8")
        + "更正说明:\n"
        + "".join(f"  - '{text}'\n" for text in CORRECTIONS)
    )
    other = (example / "两新组织党建工作经费.yaml").read_text(encoding="utf-8")
    unit_dir = make_tree(
        {"志愿服务活动专项.yaml": corrected, "两新组织党建工作经费.yaml": other},  # type: ignore[operator]
        unit=f"单位名称: 测试区测试局\n更正说明:\n  - {UNIT_CORRECTION}\n",
    )
    return unit_dir.parent.parent.parent


def _footnotes(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("更正说明")]


def _docx_lines(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_corrections_print_as_footnotes_under_their_table_in_every_format(make_tree: object, tmp_path: Path) -> None:
    result = build(_corrected_tree(make_tree), tmp_path / "site", make_pdf=False, site=False)
    assert result.written, describe(result)
    folder = result.out / "测试区/2026/测试局"
    expected = [f"更正说明（{n}）：{text}" for n, text in enumerate(CORRECTIONS, start=1)]
    html = (folder / "志愿服务活动专项.html").read_text(encoding="utf-8")
    assert "<附表>" not in html and "&lt;附表&gt; &amp; 指标" in html
    assert _footnotes(parse_page(html).texts) == expected
    assert _footnotes(_docx_lines(folder / "志愿服务活动专项.docx")) == expected
    assert _footnotes([str(v) for v in _cells(folder / "志愿服务活动专项.xlsx").values()]) == expected
    # the unit's own correction under its tables; a table without corrections has no footnote
    assert _footnotes(parse_page((folder / "汇总表.html").read_text(encoding="utf-8")).texts) == [f"更正说明：{UNIT_CORRECTION}"]
    other = folder / "两新组织党建工作经费"
    for text in (
        other.with_suffix(".html").read_text(encoding="utf-8"),
        "\n".join(_docx_lines(other.with_suffix(".docx"))),
        "\n".join(str(v) for v in _cells(other.with_suffix(".xlsx")).values()),
    ):
        assert "项目支出绩效目标表" in text and "更正说明" not in text
    booklet = parse_page((folder / "单位汇编.html").read_text(encoding="utf-8")).texts
    assert expected[0] in booklet and f"更正说明：{UNIT_CORRECTION}" in booklet
    assert expected[1] in _docx_lines(folder / "单位汇编.docx")


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_imported_footnotes_give_the_corrections_back(make_tree: object, tmp_path: Path, suffix: str) -> None:
    from ruamel.yaml import YAML

    from generator.importers import Options, import_sources

    load_yaml_text = YAML(typ="safe").load

    result = build(_corrected_tree(make_tree), tmp_path / "site", make_pdf=False, site=False)
    folder = result.out / "测试区/2026/测试局"
    out = tmp_path / "imported"
    imported = import_sources(
        [folder / f"志愿服务活动专项.{suffix}", folder / f"汇总表.{suffix}"], Options(out=out, code="430000")
    )
    assert not [d for d in imported.report.diagnostics if d.code in ("I012", "I013")]
    unit_dir = next(out.rglob("单位.yaml")).parent
    project = load_yaml_text((unit_dir / "志愿服务活动专项.yaml").read_text(encoding="utf-8"))
    assert project["更正说明"] == CORRECTIONS
    unit = load_yaml_text((unit_dir / "单位.yaml").read_text(encoding="utf-8"))
    assert unit["更正说明"] == [UNIT_CORRECTION]


def test_xlsx_keeps_every_heading_item_control_character_and_number() -> None:
    """More footer items than the sheet has columns go on below (none written over another); a
    control character is kept in Excel's escape (_x0001_), a number stays a number."""
    from dataclasses import replace

    form = _long_form()
    grid = Grid((90.0, 90.0), [[Cell(("金额\x01",)), Cell(("12.50",), number=Decimal("12.50"), number_format="0.00")]])
    footer = tuple(f"签字{i}" for i in range(9))
    odd = replace(form, title="标题\x0b一\t二", heading=(" 甲 & <乙> ", "=1+1"), footer=footer, blocks=[grid])
    sheet = load_workbook(io.BytesIO(xlsx_bytes(odd))).active
    assert sheet is not None
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert values[:3] == ["标题_x000B_一\t二", " 甲 & <乙> ", "=1+1"]  # openpyxl does not undo the escape
    assert Decimal(str(values[values.index("金额_x0001_") + 1])) == Decimal("12.5")
    assert [v for v in values if str(v).startswith("签字")] == list(footer)
    formula = next(c for row in sheet.iter_rows() for c in row if c.value == "=1+1")
    assert formula.data_type == "s" and formula.quotePrefix


def test_xlsx_refuses_cells_that_overlap() -> None:
    """Two cells in one place would be a form the program composed wrong: an error, never one text
    silently written over another."""
    from xlsxwriter import Workbook

    from generator.render.excel import _Sheet

    book = Workbook(io.BytesIO(), {"in_memory": True})
    sheet = book.add_worksheet("表", worksheet_class=_Sheet)
    plain_format = book.add_format()
    sheet.put(0, 0, 1, 2, "甲", plain_format)  # A1:C2
    sheet.put(2, 0, 2, 0, "乙", plain_format)
    with pytest.raises(ValueError, match="two cells at B2"):
        sheet.put(1, 1, 1, 1, "丙", plain_format)
    with pytest.raises(ValueError, match="two cells at A3"):
        sheet.put(2, 0, 3, 0, "丁", plain_format)
    book.close()
