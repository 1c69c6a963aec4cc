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

Sheets are streamed (openpyxl's read-only mode) and only the cells the file stores are looked at:
memory does not grow with the sheet, and reading stops after MAX_ROWS rows (a sheet with a
million rows, or one far-away formatted cell, costs no more than one of MAX_ROWS).
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

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


def _stored_cells(sheet: Any, data_only: bool) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The rows the sheet's XML holds, as openpyxl's parser gives them: only stored cells.

    ``iter_rows()`` would pad every row to the sheet's declared width and fill the gaps between
    rows, which a formatted empty column or a far-away cell pushes to a million.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    with sheet._get_source() as part:
        parser = WorkSheetParser(part, sheet._shared_strings, data_only=data_only, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        yield from parser.parse()


class _Sheet:
    """One sheet, streamed (openpyxl's read-only mode): memory stays bounded whatever its size."""

    def __init__(self, sheet: Any, raw: bytes, source: Source, tables: list[int]) -> None:
        self.sheet, self.raw, self.source, self.tables = sheet, raw, source, tables

    def place(self, row: int, col: int) -> Place:
        return Place(row, col, f"工作表“{self.sheet.title}” {_letter(col)}{row}")

    def cells(self) -> Iterator[ReadOnlyCell]:
        """The stored cells with a value, within MAX_ROWS × MAX_COLUMNS (the rest is reported)."""
        beyond = False
        for number, row in _stored_cells(self.sheet, data_only=False):
            if number > MAX_ROWS:
                beyond = True
                break  # rows are stored in order: nothing further is read
            for cell in row:
                if cell["column"] > MAX_COLUMNS:
                    beyond = True
                elif cell["value"] is not None:
                    yield ReadOnlyCell(self.sheet, **cell)
        if beyond:
            self.source.report("I004", None, size=f"工作表“{self.sheet.title}”超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列",
                               limit="只读取了前面的部分")

    def saved_values(self, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        """The values Excel saved for formula cells: a second reading, made only if a formula is met."""
        import openpyxl

        found: dict[tuple[int, int], Any] = {}
        book = openpyxl.load_workbook(io.BytesIO(self.raw), read_only=True, data_only=True)
        try:
            last = max(r for r, _ in wanted)
            for number, row in _stored_cells(book[self.sheet.title], data_only=True):
                if number > last:
                    break
                for cell in row:
                    if (number, cell["column"]) in wanted:
                        found[number, cell["column"]] = ReadOnlyCell(self.sheet, **cell)
        finally:
            book.close()
        return found

    def read(self) -> None:
        rows: dict[int, dict[int, str]] = {}
        formulas: dict[tuple[int, int], str] = {}
        for cell in self.cells():
            if cell.data_type == "f":
                formulas[cell.row, cell.column] = str(cell.value)
                continue
            text = cell_text(cell.value, cell.number_format)
            if text:
                rows.setdefault(cell.row, {})[cell.column] = text
        saved = self.saved_values(set(formulas)) if formulas else {}
        for (r, c), formula in sorted(formulas.items()):
            value = saved.get((r, c))
            if value is None or value.value is None:
                self.source.report("I015", Paragraph("", self.place(r, c)), formula=formula[:40])
                continue
            text = cell_text(value.value, value.number_format)
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
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        try:
            tables = [0]
            for sheet in book.worksheets:
                if isinstance(sheet, ReadOnlyWorksheet):  # chart sheets hold no cells
                    _Sheet(sheet, raw, source, tables).read()
        finally:
            book.close()
    return source
