"""Word and Excel sources: the seeds written as .docx and .xlsx import to the same YAML as the text.

The files are built here with python-docx and openpyxl from the seeds' neutral representation,
with merged cells as Word and Excel make them: a label merged down over the rows it heads, a value
merged across the empty columns after it. Excel files put several tables on one sheet and spread
the tables over several sheets.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from test_import_seeds import SEED_FILES, region_code

from generator.importers import Options, import_sources
from generator.importers.read import read_source
from generator.importers.source import Paragraph, Table

pytestmark = pytest.mark.skipif(not SEED_FILES, reason="the seeds are not available")


def merges(table: Table) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """Where Word/Excel would merge: (row, col, last) across, (col, row, last) down."""
    across, down = [], []
    texts = [[cell.text.strip() for cell in row] for row in table.rows]
    width = max(len(row) for row in texts)
    grid = [row + [""] * (width - len(row)) for row in texts]
    for r, row in enumerate(grid):
        filled = [c for c, text in enumerate(row) if text]
        if len(filled) == 2 and filled == [0, 1] and width > 2:
            across.append((r, 1, width - 1))
    for col in (0, 1):
        r = 0
        while r < len(grid):
            if grid[r][col] and sum(1 for t in grid[r] if t) >= 3:
                last = r
                while (
                    last + 1 < len(grid)
                    and not grid[last + 1][col]
                    and (last + 1, 1, width - 1) not in across
                    and any(grid[last + 1])
                ):
                    last += 1
                if last > r:
                    down.append((col, r, last))
                r = last + 1
            else:
                r += 1
    return across, down


def write_docx(seed: Path, target: Path) -> Path:
    import docx

    document = docx.Document()
    for block in read_source(seed).blocks:
        if isinstance(block, Paragraph):
            document.add_paragraph(block.text)
            continue
        width = max(len(row) for row in block.rows)
        table = document.add_table(rows=len(block.rows), cols=width)
        for r, row in enumerate(block.rows):
            for cell in row:
                if cell.text.strip():
                    table.cell(r, cell.col).text = cell.text.strip()
        across, down = merges(block)
        for r, first, last in across:
            table.cell(r, first).merge(table.cell(r, last))
        for col, first, last in down:
            table.cell(first, col).merge(table.cell(last, col))
        document.add_paragraph("")
    document.save(str(target))
    return target


def write_xlsx(seed: Path, target: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheets = [book.active, book.create_sheet("第二页")]
    blocks = read_source(seed).blocks
    half = len(blocks) // 2
    rows = [0, 0]
    for index, block in enumerate(blocks):
        page = 0 if index < half else 1
        sheet = sheets[page]
        assert sheet is not None
        if isinstance(block, Paragraph):
            rows[page] += 1
            sheet.cell(row=rows[page], column=1, value=block.text)
            continue
        top = rows[page] + 1
        for r, row in enumerate(block.rows):  # tables start in column B, titles sit in column A
            for cell in row:
                if cell.text.strip():
                    sheet.cell(row=top + r, column=cell.col + 2, value=cell.text.strip())
        across, down = merges(block)
        for r, first, last in across:
            sheet.merge_cells(start_row=top + r, start_column=first + 2, end_row=top + r, end_column=last + 2)
        for col, first, last in down:
            sheet.merge_cells(start_row=top + first, start_column=col + 2, end_row=top + last, end_column=col + 2)
        rows[page] = top + len(block.rows)  # the next block follows with no blank row
    book.save(str(target))
    return target


def yaml_tree(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.yaml"))}


def imported(tmp_path: Path, name: str, source: Path, code: str | None) -> dict[str, str]:
    shutil.copytree(ROOT / "schema", tmp_path / name / "schema")
    out = tmp_path / name / "data"
    result = import_sources([source], Options(out=out, code=code))
    assert not [d for d in result.report.diagnostics if d.code in ("I001", "I002", "I010", "I011", "I013", "I025")]
    return yaml_tree(out)


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_office_files_import_like_the_text(seed: Path, fmt: str, tmp_path: Path) -> None:
    code = region_code(seed)
    text = imported(tmp_path, "text", seed, code)
    writer = write_docx if fmt == "docx" else write_xlsx
    office = writer(seed, tmp_path / f"{seed.stem}.{fmt}")
    assert imported(tmp_path, fmt, office, code) == text


def test_docx_merged_cells_are_read_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("x")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "标签"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "宽"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    source = read_source(path)
    grid = next(b for b in source.blocks if isinstance(b, Table))
    assert [[c.text for c in row] for row in grid.rows] == [["标签", "宽", ""], ["", "", ""], ["", "", ""]]
    assert grid.rows[0][1].place.where == "表1 第1行 第2列"


def test_xlsx_sheets_tables_and_positions(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "甲"
    sheet["A1"] = "标题一"
    sheet["A2"], sheet["B2"] = "项目名称", "一"
    sheet["A4"] = "标题二"
    sheet["B5"], sheet["C5"] = 0.25, 22.95
    sheet["B5"].number_format = "0%"
    sheet.merge_cells("C5:D6")
    book.create_sheet("乙")["C3"] = "另一页"
    path = tmp_path / "book.xlsx"
    book.save(str(path))
    blocks = read_source(path).blocks
    shown = [b.text if isinstance(b, Paragraph) else [[c.text for c in r] for r in b.rows] for b in blocks]
    assert shown == ["标题一", [["项目名称", "一"]], "标题二", [["25%", "22.95"]], "另一页"]
    cell = next(b for b in blocks if isinstance(b, Table)).rows[0][1]
    assert (cell.place.line, cell.place.column, cell.place.where) == (2, 2, "工作表“甲” B2")


# --- the official tables jixiao build writes read back ---------------------------------------------

# docs/数据格式.md: the official forms do not print them (印刷 says how they print). 更正说明 prints under
# its table as a footnote, and is read back.
NOT_PRINTED = ("已确认问题", "填报单位", "印刷")


def without_unprinted(text: str) -> str:
    """The YAML without the fields the official form does not print (and the editor line)."""
    lines, skipping = [], False
    for line in text.split("\n"):
        if line.startswith("# yaml-language-server"):
            continue
        top = line and not line.startswith((" ", "-"))
        if top:
            skipping = line.split(":")[0] in NOT_PRINTED
        if not skipping:
            lines.append(line)
    return "\n".join(lines).strip()


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_import_of_the_rendered_tables_gives_the_data_back(data_copy: Path, tmp_path: Path, fmt: str) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    site = tmp_path / "site"
    built = CliRunner().invoke(cli, ["build", str(data_copy), "--out", str(site), "--no-pdf", "-j", "1"])
    assert built.exit_code == 0, built.output
    out = tmp_path / "imported"
    for unit in sorted(p for p in (site / "tables").glob("*/*/*") if p.is_dir()):
        region = data_copy / unit.parent.parent.name / "地区.yaml"
        code = re.search(r"'(\d{6})'", region.read_text(encoding="utf-8"))
        tables = sorted(p for p in unit.glob(f"*.{fmt}") if not p.stem.startswith("单位汇编"))
        result = import_sources(tables, Options(out=out, code=code.group(1) if code else None))
        assert not [d for d in result.report.diagnostics if d.code in ("I010", "I011", "I012", "I013", "I025")], unit
    for path in sorted(out.rglob("*.yaml")):
        relative = path.relative_to(out)
        assert without_unprinted(path.read_text(encoding="utf-8")) == without_unprinted(
            (data_copy / relative).read_text(encoding="utf-8")
        ), relative
    assert sorted(p.relative_to(out) for p in out.rglob("*.yaml")) == sorted(
        p.relative_to(data_copy) for p in data_copy.rglob("*.yaml")
    )


def test_docx_text_inside_wrappers_is_read_and_deleted_text_is_not(tmp_path: Path) -> None:
    """Tracked insertions, content controls, hyperlinks and custom XML only wrap text: it is read
    (python-docx dropped the first two without a word); deleted text and field codes are not."""
    import zipfile

    import docx

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def run(text: str) -> str:
        return f"<w:r><w:t>{text}</w:t></w:r>"

    body = (
        f"<w:p>{run('填报')}<w:ins>{run('单位')}</w:ins><w:del><w:r><w:delText>删掉</w:delText></w:r></w:del>"
        f"<w:sdt><w:sdtContent>{run('：某局')}</w:sdtContent></w:sdt>"
        "<w:r><w:instrText>PAGE</w:instrText></w:r></w:p>"
        f"<w:sdt><w:sdtContent><w:tbl><w:tr><w:tc><w:p>{run('项目名称')}</w:p></w:tc>"
        f"<w:sdt><w:sdtContent><w:tc><w:p><w:hyperlink>{run('宣传')}</w:hyperlink><w:customXml>{run('经费')}</w:customXml>"
        "</w:p></w:tc></w:sdtContent></w:sdt></w:tr>"
        f"<w:tr><w:tc><w:p>{run('前')}</w:p><w:tbl><w:tr><w:tc><w:p>{run('甲')}</w:p></w:tc><w:tc><w:p/></w:tc>"
        f"<w:tc><w:p>{run('乙')}</w:p></w:tc></w:tr></w:tbl><w:p>{run('后')}</w:p></w:tc>"
        f"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:sdtContent></w:sdt>"
    )
    path = tmp_path / "wrapped.docx"
    docx.Document().save(str(path))
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["word/document.xml"] = f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    blocks = read_source(path).blocks
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["填报单位：某局"]
    table = next(b for b in blocks if isinstance(b, Table))
    assert [[c.text for c in row] for row in table.rows] == [["项目名称", "宣传经费"], ["前\n甲 乙\n后", ""]]
