"""Excel (.xlsx) workbooks, read with openpyxl: every sheet, several tables per sheet.

A merged range keeps its value in its top-left cell and is empty elsewhere, which is how a text
extraction shows it. Within a sheet, a row whose only content is one cell in the sheet's first used
column is a paragraph (a title, 填报单位, a footer); other rows with content are table rows, and
consecutive table rows form a table (blank rows do not end it, a paragraph does). A form label
alone in its row (a label whose value is still blank) stays in its table.

Numbering (see source.py): ``line`` is the row number in the sheet, ``column`` the column number,
and ``where`` names the sheet and the cell.

Cells show what Excel shows: numbers without float noise (22.95, not 22.950000000000003), a
percentage format as "25%", dates as 2026-06-30. A formula cell shows the value Excel saved with
it; a formula never calculated (written by a program) has none, and that is reported.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.importers.source import Cell, Paragraph, Place, Source, Table
from generator.importers.vocabulary import ALL_LABELS, match

MAX_ROWS = 20_000
MAX_COLUMNS = 200


def _number_text(value: int | float, number_format: str) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if "%" in (number_format or ""):
        number *= 100
    text = format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + ("%" if "%" in (number_format or "") else "")


def cell_text(value: Any, number_format: str = "General") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number_text(value, number_format)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def is_form_label(text: str) -> bool:
    """A form's label alone in a row ("绩效目标" not yet filled in) is a table row, not a paragraph."""
    return match(text, ALL_LABELS) is not None


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


class _SavedValues:
    """The values Excel saved for formula cells: a second reading, made only if a formula is met."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.book: Any = None

    def get(self, sheet: str, coordinate: str) -> Any:
        if self.book is None:
            import openpyxl

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.book = openpyxl.load_workbook(io.BytesIO(self.raw), data_only=True)
        return self.book[sheet][coordinate].value


class _Sheet:
    def __init__(self, sheet: Any, values: _SavedValues, source: Source, tables: list[int]) -> None:
        self.sheet, self.values, self.source, self.tables = sheet, values, source, tables

    def place(self, row: int, col: int) -> Place:
        return Place(row, col, f"工作表“{self.sheet.title}” {_letter(col)}{row}")

    def text(self, cell: Any) -> tuple[str, bool]:
        """The shown text of a cell, and whether it is a formula without a saved value."""
        if cell.data_type == "f":
            saved = self.values.get(self.sheet.title, cell.coordinate)
            return cell_text(saved, cell.number_format), saved is None
        return cell_text(cell.value, cell.number_format), False

    def read(self) -> None:
        rows: dict[int, dict[int, str]] = {}
        # Only the cells the file holds: iter_rows() would create every cell up to max_row, which a
        # formatted empty column pushes to a million.
        stored = sorted(self.sheet._cells.items())
        if any(r > MAX_ROWS or c > MAX_COLUMNS for (r, c), _ in stored):
            self.source.report("I004", None, size=f"工作表“{self.sheet.title}”超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列",
                               limit="只读取了前面的部分")
        for (r, c), cell in stored:
            if cell.value is None or r > MAX_ROWS or c > MAX_COLUMNS:
                continue
            text, uncalculated = self.text(cell)
            if uncalculated:
                self.source.report("I015", Paragraph("", self.place(r, c)), formula=str(cell.value)[:40])
            if text:
                rows.setdefault(r, {})[c] = text
        if not rows:
            return
        first_col = min(min(cols) for cols in rows.values())
        table: list[int] = []
        for number in sorted(rows):
            cols = rows[number]
            if len(cols) == 1 and first_col in cols and not is_form_label(cols[first_col]):
                self.table(rows, table)
                table = []
                self.source.blocks.append(Paragraph(cols[first_col], self.place(number, first_col)))
            else:
                table.append(number)
        self.table(rows, table)

    def table(self, rows: dict[int, dict[int, str]], numbers: list[int]) -> None:
        """Consecutive table rows as one table, its columns counted from its own first column."""
        if not numbers:
            return
        first = min(min(rows[n]) for n in numbers)
        last = max(max(rows[n]) for n in numbers)
        self.tables[0] += 1
        table = Table([], self.tables[0])
        for number in numbers:
            cols = rows[number]
            table.rows.append([Cell(cols.get(c, ""), self.place(number, c), col=c - first)
                               for c in range(first, last + 1)])
        self.source.blocks.append(table)


def read_xlsx(raw: bytes, path: Path, shown: str) -> Source:
    """Read an .xlsx already known to be a sound zip; raises on a damaged workbook."""
    import openpyxl

    source = Source(path=path, shown=shown, kind="xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
        values = _SavedValues(raw)
        tables = [0]
        for sheet in book.worksheets:
            _Sheet(sheet, values, source, tables).read()
    return source
