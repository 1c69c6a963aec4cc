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

Bounded whatever the file claims (the caps are in ``limits``):

- Before openpyxl opens the workbook, every XML part other than the sheets and the shared strings
  (styles, the workbook part with its sheets and defined names, relationships, properties) is
  streamed once and its elements counted, since openpyxl turns each into a Python object; a
  document type declaration is refused, so no entity is declared or expanded anywhere.
- The shared strings are read by a streaming reader of ours that counts them as they come.
- Sheets are never sized or parsed by openpyxl (it would parse a whole sheet to size it when the
  sheet has no ``dimension``); each is streamed with lxml's target parser, one ``<c>`` at a time
  built into an element for openpyxl's own cell conversion, and reading stops at the end of
  ``sheetData``: what follows (merged ranges, even A1:XFD1048576 or a million of them,
  conditional formats…) is never read, and the ``dimension`` a sheet claims is never used. Only
  cells holding a value count against the row and column caps, so formatting far away costs
  only its XML elements.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS as MAIN

from generator.importers.limits import MAX_SHARED_STRINGS, MAX_SHEETS, MAX_WORKBOOK_ELEMENTS, Budget
from generator.importers.source import Cell, Paragraph, Place, Refusal, Source, Table
from generator.importers.vocabulary import ALL_LABELS, match

SHEET_MAIN_NS = "{" + MAIN + "}"
ROW, CELL, DATA = SHEET_MAIN_NS + "row", SHEET_MAIN_NS + "c", SHEET_MAIN_NS + "sheetData"
SI, T, RUN = SHEET_MAIN_NS + "si", SHEET_MAIN_NS + "t", SHEET_MAIN_NS + "r"
CHUNK = 1 << 20


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
    return str(get_column_letter(col)) if 1 <= col <= 18278 else f"第{col}列"


class _Stop(Exception):
    """Nothing more of this part is wanted."""


class _DocumentType(Refusal):
    def __init__(self) -> None:
        super().__init__("I002", None, kind="Excel", problem="文件中有文档类型声明（DTD），Excel 文件不会有")


class _PartCounter:
    """A parser target counting a workbook part's elements; a sheet or shared strings is skipped."""

    def __init__(self, name: str, budget: Budget) -> None:
        self.place = Place(1, 1, f"部件 {name}")
        self.budget = budget
        self.root = True

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DocumentType

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.root and tag in (SHEET_MAIN_NS + "worksheet", SHEET_MAIN_NS + "sst"):
            raise _Stop  # streamed and counted by the readers below
        self.root = False
        self.budget.count("工作簿中样式、工作表目录、名称等部分的 XML 元素", MAX_WORKBOOK_ELEMENTS, self.place)

    def end(self, tag: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def _parser(target: object) -> Any:
    return etree.XMLParser(
        target=target, resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )


def _stream(part: Any, target: object) -> None:
    """Feed a part to a parser with ``target`` until the part ends or the target stops it."""
    parser = _parser(target)
    try:
        while chunk := part.read(CHUNK):
            parser.feed(chunk)
        parser.close()
    except _Stop:
        pass


def _count_parts(raw: bytes, budget: Budget) -> None:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels", ".vml")) and not info.is_dir():
                with archive.open(info) as part:
                    _stream(part, _PartCounter(info.filename, budget))


class _SharedStrings:
    """A parser target reading the shared strings as openpyxl does (plain text and rich-text runs,
    phonetic runs left out), counting them as they come."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.strings: list[str] = []
        self.path: list[str] = []
        self.parts: list[str] = []
        self.place = Place(1, 1, "共享字符串表")

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DocumentType

    def where(self) -> Place:
        return self.place

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.budget.element(self.where)
        self.path.append(tag)
        if tag == SI and len(self.path) == 2:
            self.budget.count("共享字符串的个数", MAX_SHARED_STRINGS, self.place)
            self.parts = []

    def data(self, text: str) -> None:
        if self._in_text():
            self.parts.append(text)

    def _in_text(self) -> bool:
        path = self.path
        return len(path) >= 3 and path[-1] == T and path[1] == SI and (len(path) == 3 or (len(path) == 4 and path[2] == RUN))

    def end(self, tag: str) -> None:
        if tag == SI and len(self.path) == 2:
            self.strings.append("".join(self.parts).replace("x005F_", ""))
        self.path.pop()

    def close(self) -> None:
        pass


class _Workbook(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader with the shared strings read by ``_SharedStrings`` and sheets made without
    sizing them (ReadOnlyWorksheet would parse a whole sheet to find its size)."""

    def __init__(self, raw: bytes, budget: Budget) -> None:
        super().__init__(io.BytesIO(raw), read_only=True, keep_vba=False, data_only=False, keep_links=False)
        self.budget = budget

    def read_strings(self) -> None:
        from openpyxl.xml.constants import SHARED_STRINGS

        found = self.package.find(SHARED_STRINGS)
        if found is not None:
            reader = _SharedStrings(self.budget)
            with self.archive.open(found.PartName[1:]) as part:
                _stream(part, reader)
            self.shared_strings = reader.strings

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue  # a chart sheet holds no cells
            self.budget.count("工作表的个数", MAX_SHEETS, Place(1, 1, f"工作表“{sheet.name}”"))
            worksheet = _Worksheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


class _Worksheet(ReadOnlyWorksheet):  # type: ignore[misc]
    def _get_size(self) -> None:
        pass  # the size a sheet claims, or one found by parsing it all, is never used here


class _SheetCells:
    """A parser target streaming a sheet's stored cells: each ``<c>`` that holds anything is built
    into a small element and converted by openpyxl's own code; ``cell`` gets each with a value.

    Most of a big sheet can be formatted blanks (``<c r="A9" s="1"/>``): they are passed over with
    no element built, keeping openpyxl's count of columns for cells that do not say theirs.
    """

    def __init__(self, sheet: _Sheet, data_only: bool, budget: Budget, last_row: int | None = None) -> None:
        book = sheet.sheet.parent
        self.sheet, self.budget, self.last_row = sheet, budget, last_row
        self.convert = WorkSheetParser(
            None,
            sheet.sheet._shared_strings,
            data_only=data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        self.depth = 0
        self.in_data = False
        self.opened: dict[str, str] | None = None  # the attributes of a <c> begun, nothing in it yet
        self.builder: Any = None  # the <c> being built, once something is in it
        self.length = 0
        self.blank_ref: str | None = None  # the last blank <c> passed over that said its place…
        self.blanks_after = 0  # …and those after it that did not
        self.found: list[ReadOnlyCell] = []

    def where(self) -> Place:
        """The place being read, for a finding (worked out only then)."""
        row = self.convert.row_counter
        if self.opened is not None and "r" in self.opened:
            try:
                row, col = coordinate_to_tuple(self.opened["r"])
                return self.sheet.place(row, col)
            except (ValueError, TypeError):
                pass
        return Place(row, 1, f"工作表“{self.sheet.sheet.title}” 第{row}行")

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DocumentType

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.budget.element(self.where)
        self.depth += 1
        if self.opened is not None:  # the first thing inside a <c>: it may hold a value
            if self.builder is None:
                self.builder = etree.TreeBuilder()
                self.builder.start(CELL, self.opened)
            self.builder.start(tag, attrib)
        elif tag == DATA and self.depth == 2:
            self.in_data = True
        elif tag == ROW and self.depth == 3 and self.in_data:
            self.row(attrib)
        elif tag == CELL and self.depth == 4 and self.in_data:
            self.opened = dict(attrib)
            self.length = 0

    def row(self, attrib: dict[str, str]) -> None:
        convert = self.convert
        number = attrib.get("r")
        convert.row_counter = self.row_number(number) if number is not None else convert.row_counter + 1
        convert.col_counter = 0
        self.blank_ref, self.blanks_after = None, 0
        if self.last_row is not None and convert.row_counter > self.last_row:
            raise _Stop  # rows are stored in order: the cells wanted are all behind

    def row_number(self, text: str) -> int:
        """A row's ``r``, read as openpyxl reads it (a whole number, perhaps written 7.0), and 1 or more."""
        number: int | None = None
        try:
            number = int(text)
        except ValueError:
            try:
                value = float(text)
                if value.is_integer():
                    number = int(value)
            except (ValueError, OverflowError):
                pass
        title = self.sheet.sheet.title
        if number is None:
            raise Refusal("I002", None, kind="Excel", problem=f"工作表“{title}”中的行号“{text[:20]}”不是整数")
        if number < 1:
            raise Refusal("I002", None, kind="Excel", problem=f"工作表“{title}”中有第 {number} 行（行号从 1 起）")
        return number

    def data(self, text: str) -> None:
        if self.builder is not None:
            self.length += len(text)
            self.budget.text(self.length, self.where())
            self.builder.data(text)

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.builder is not None and self.depth > 3:
            self.builder.end(tag)
        elif self.opened is not None and self.depth == 3:
            self.end_cell()
        elif tag == DATA and self.depth == 1:
            raise _Stop  # what follows the cells (merged ranges, formats…) is not read

    def end_cell(self) -> None:
        opened, builder = self.opened, self.builder
        assert opened is not None
        if builder is None:  # a blank: only its place counts, for the cells after it
            if "r" in opened:
                self.blank_ref, self.blanks_after = opened["r"], 0
            else:
                self.blanks_after += 1
            self.opened = None
            return
        builder.end(CELL)
        element = builder.close()
        convert = self.convert
        if "r" not in opened:
            column = coordinate_to_tuple(self.blank_ref)[1] if self.blank_ref else convert.col_counter
            convert.col_counter = column + self.blanks_after
        self.blank_ref, self.blanks_after = None, 0
        self.cell(convert.parse_cell(element))
        self.opened = self.builder = None

    def cell(self, cell: dict[str, Any]) -> None:
        if cell["value"] is None:
            return  # a formatted blank: nothing to read, whatever its place
        if cell["row"] < 1 or cell["column"] < 1:  # "C0": no such cell in Excel, a damaged file
            where = f"{_letter(cell['column']) if cell['column'] >= 1 else '?'}{cell['row']}"
            problem = f"工作表“{self.sheet.sheet.title}”中有单元格“{where}”（行号、列号从 1 起）"
            raise Refusal("I002", None, kind="Excel", problem=problem)
        place = self.sheet.place(cell["row"], cell["column"])
        self.budget.row_number(cell["row"], place)
        self.budget.columns(cell["column"], place, f"内容在第 {cell['column']} 列（{_letter(cell['column'])} 列）")
        self.budget.cell(place)
        if isinstance(cell["value"], str):
            self.budget.text(len(cell["value"]), place)  # a shared string is counted here
            self.budget.total(len(cell["value"]), place)
        self.found.append(ReadOnlyCell(self.sheet.sheet, **cell))

    def close(self) -> None:
        pass


class _Sheet:
    """One sheet, streamed: memory stays bounded whatever its size."""

    def __init__(self, sheet: Any, source: Source, tables: list[int], budget: Budget) -> None:
        self.sheet, self.source, self.tables, self.budget = sheet, source, tables, budget

    def place(self, row: int, col: int) -> Place:
        return Place(row, col, f"工作表“{self.sheet.title}” {_letter(col)}{row}")

    def cells(self, data_only: bool = False, budget: Budget | None = None, last_row: int | None = None) -> list[ReadOnlyCell]:
        """The stored cells with a value, in the order the sheet stores them."""
        reader = _SheetCells(self, data_only, budget or self.budget, last_row)
        with self.sheet._get_source() as part:
            _stream(part, reader)
        return reader.found

    def saved_values(self, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        """The values Excel saved for formula cells: a second reading, made only if a formula is met.

        It reads no more than the first did (same part, same caps), so it is counted apart.
        """
        last = max(r for r, _ in wanted)
        return {(cell.row, cell.column): cell for cell in self.cells(True, Budget(), last) if (cell.row, cell.column) in wanted}

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
            table.rows.append([Cell(cols.get(c, ""), self.place(number, c), col=c - first) for c in range(first, last + 1)])
        self.source.blocks.append(table)


def read_xlsx(raw: bytes, path: Path, shown: str) -> Source:
    """Read an .xlsx already known to be a sound zip.

    A cap crossed is the source's finding (nothing of it is imported); a damaged workbook raises
    almost anything from inside openpyxl or lxml (reported as I002).
    """
    source = Source(path=path, shown=shown, kind="xlsx")
    budget = Budget()
    try:
        _count_parts(raw, budget)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = _Workbook(raw, budget)
            reader.read()
            book = reader.wb
            try:
                tables = [0]
                for sheet in book.worksheets:
                    if isinstance(sheet, ReadOnlyWorksheet):
                        _Sheet(sheet, source, tables, budget).read()
            finally:
                book.close()
    except Refusal as refusal:
        source.refuse(refusal)
    return source
