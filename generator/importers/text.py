"""Text extracted from Word or Excel, in either of the two styles the seeds show.

- Tab-separated rows (the Hunan seeds): a line with a tab is a table row, one cell per tab-separated
  field; a line without a tab is a paragraph. Blank lines do not end a table (extractors put them
  between a header row and the rows below it); a paragraph does.
- One cell per line (the Hebei seed): a line that starts with a tab is a cell, the lines after it
  that do not start with a tab continue it (a cell with line breaks), and a blank line ends the
  row. After a blank line, a line without a tab is a paragraph and ends the table.

The style is decided per file: when nearly every line with a tab has exactly one, at its start,
the file is one cell per line.
"""

from __future__ import annotations

from pathlib import Path

from generator.importers.source import Cell, Paragraph, Place, Source, Table

ONE_CELL_SHARE = 0.8


def _is_one_cell_line(line: str) -> bool:
    return line.startswith("\t") and line.count("\t") == 1


def one_cell_per_line(lines: list[str]) -> bool:
    tabbed = [line for line in lines if "\t" in line]
    if not tabbed:
        return False
    return sum(_is_one_cell_line(line) for line in tabbed) >= ONE_CELL_SHARE * len(tabbed)


def _paragraph(line: str, number: int) -> Paragraph:
    stripped = line.strip()
    column = line.index(stripped[0]) + 1
    return Paragraph(stripped, Place(number, column, f"第{number}行"))


def _cell(text: str, number: int, column: int, table: Table, col: int) -> Cell:
    where = f"表{table.number} 第{len(table.rows)}行 第{col + 1}格"
    return Cell(text, Place(number, column, where), col=col)


def _split_cells(line: str, number: int, table: Table) -> list[Cell]:
    """The tab-separated fields of ``line`` as the cells of the table's last row."""
    cells: list[Cell] = []
    column = 1
    for text in line.split("\t"):
        cells.append(_cell(text, number, column, table, len(cells)))
        column += len(text) + 1
    return cells


def _tab_separated(lines: list[str], source: Source) -> None:
    table: Table | None = None
    tables = 0
    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            if table is None:
                tables += 1
                table = Table([], tables)
                source.blocks.append(table)
            table.rows.append([])
            table.rows[-1] = _split_cells(line, number, table)
        elif line.strip():
            table = None
            source.blocks.append(_paragraph(line, number))


def _one_cell_per_line(lines: list[str], source: Source) -> None:
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
            for text in line.split("\t")[1:]:
                row.append(_cell(text, number, 2, table, len(row)))
            last = row[-1]
        elif not line.strip():
            row = last = None
        elif last is not None:  # a line break inside the cell above
            last.text += "\n" + line
        else:
            table = None
            source.blocks.append(_paragraph(line, number))


def read_text(text: str, path: Path, shown: str) -> Source:
    source = Source(path=path, shown=shown, kind="text")
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if one_cell_per_line(lines):
        _one_cell_per_line(lines, source)
    else:
        _tab_separated(lines, source)
    return source
