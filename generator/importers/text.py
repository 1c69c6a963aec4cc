"""Text extracted from Word or Excel, in either of the two styles the seeds show.

- Tab-separated rows (the Hunan seeds): a line with a tab is a table row, one cell per tab-separated
  field; a line without a tab is a paragraph. Blank lines do not end a table (extractors put them
  between a header row and the rows below it); a paragraph does.
- One cell per line (the Hebei seed): a line that starts with a tab is a cell, the lines after it
  that do not start with a tab continue it (a cell with line breaks), and a blank line ends the
  row. After a blank line, a line without a tab is a paragraph and ends the table.

The style is decided per file: when nearly every line with a tab has exactly one, at its start,
the file is one cell per line.

The caps of ``limits`` are checked before the text is split (its length, its number of lines) and
then line by line before a line's cells are made (fields, characters of each cell and paragraph,
cells in all): a line of eight million tabs is refused by counting them, not by splitting it.
"""

from __future__ import annotations

from pathlib import Path

from generator.importers.limits import MAX_LINES, MAX_TEXT_CHARS, Budget, OverLimit
from generator.importers.source import Cell, Paragraph, Place, Refusal, Source, Table

ONE_CELL_SHARE = 0.8


def _is_one_cell_line(line: str) -> bool:
    return line.startswith("\t") and line.count("\t") == 1


def one_cell_per_line(lines: list[str]) -> bool:
    tabbed = [line for line in lines if "\t" in line]
    if not tabbed:
        return False
    return sum(_is_one_cell_line(line) for line in tabbed) >= ONE_CELL_SHARE * len(tabbed)


def _paragraph(line: str, number: int, budget: Budget) -> Paragraph:
    stripped = line.strip()
    column = line.index(stripped[0]) + 1
    place = Place(number, column, f"第{number}行")
    budget.text(len(stripped), place)
    return Paragraph(stripped, place)


def _cell(text: str, number: int, column: int, table: Table, col: int, budget: Budget) -> Cell:
    where = f"表{table.number} 第{len(table.rows)}行 第{col + 1}格"
    place = Place(number, column, where)
    budget.text(len(text), place)
    budget.cell(place)
    return Cell(text, place, col=col)


def _fields(line: str, number: int, budget: Budget) -> list[str]:
    """The tab-separated fields of ``line``, counted before they are split off."""
    count = line.count("\t") + 1
    budget.columns(count, Place(number, 1, f"第{number}行"), f"这一行用制表符分成了 {count} 格")
    return line.split("\t")


def _split_cells(line: str, number: int, table: Table, budget: Budget) -> list[Cell]:
    """The tab-separated fields of ``line`` as the cells of the table's last row."""
    cells: list[Cell] = []
    column = 1
    for text in _fields(line, number, budget):
        cells.append(_cell(text, number, column, table, len(cells), budget))
        column += len(text) + 1
    return cells


def _tab_separated(lines: list[str], source: Source, budget: Budget) -> None:
    table: Table | None = None
    tables = 0
    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            if table is None:
                tables += 1
                table = Table([], tables)
                source.blocks.append(table)
            table.rows.append([])
            table.rows[-1] = _split_cells(line, number, table, budget)
        elif line.strip():
            table = None
            source.blocks.append(_paragraph(line, number, budget))


def _one_cell_per_line(lines: list[str], source: Source, budget: Budget) -> None:
    table: Table | None = None
    row: list[Cell] | None = None
    last: Cell | None = None
    tables = 0
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            if table is None:
                tables += 1
                table = Table([], tables)
                source.blocks.append(table)
            if row is None:
                row = []
                table.rows.append(row)
            for text in _fields(line, number, budget)[1:]:
                row.append(_cell(text, number, 2, table, len(row), budget))
                budget.columns(len(row), row[-1].place, f"这一行已有 {len(row)} 格")
            last = row[-1]
        elif not line.strip():
            row = last = None
        elif last is not None:  # a line break inside the cell above
            last.text += "\n" + line
            budget.text(len(last.text), last.place)
        else:
            table = None
            source.blocks.append(_paragraph(line, number, budget))


def read_text(text: str, path: Path, shown: str) -> Source:
    """The text as a source; at the first cap it crosses (see ``limits``), a source refused."""
    source = Source(path=path, shown=shown, kind="text")
    try:
        _read(text, source)
    except Refusal as refusal:
        source.refuse(refusal)
    return source


def _read(text: str, source: Source) -> None:
    budget = Budget()
    if len(text) > MAX_TEXT_CHARS:
        budget.total(len(text), Place(1, 1, "全文"))
    count = text.count("\n") + (not text.endswith("\n"))
    if count > MAX_LINES:
        raise OverLimit(
            "I006", Place(MAX_LINES + 1, 1, f"第{MAX_LINES + 1}行"), what=f"文件的行数（{count} 行）", limit=str(MAX_LINES)
        )
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if one_cell_per_line(lines):
        _one_cell_per_line(lines, source, budget)
    else:
        _tab_separated(lines, source, budget)
