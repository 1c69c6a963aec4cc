"""Official tables as Excel workbooks (XlsxWriter): one sheet per table, printable on A4.

Merged cells as on the form, borders, column widths, numbers stored as numbers (shown exactly as
in the data), a print area fitted to the page width. Text is always text: a value that starts
with = + - @ is stored as a string with Excel's quote prefix, never as a formula.

A form may hold several tables with different columns (a header table and an indicator table
below it); the sheet's columns are the union of their column edges, so each keeps its own widths.
Rows and columns are counted from 0, as XlsxWriter does.

XlsxWriter makes the package: the workbook, its formats and styles, shared strings, rows, columns,
print setup, panes and defined names. The cells are written as SpreadsheetML text (``_Sheet``), in
row and column order, byte for byte as XlsxWriter's own write methods would write them. Through
those, each cell was an object checked and stored, and merge_range filled every cell a merge covers
with one more (Excel draws a merged cell's borders from them: with a form's header merged across
the indicator table's narrower columns, three cells in four), all written at the end through
XlsxWriter's general XML writer: a third of the time of a workbook, and Excel workbooks are the
largest part of a build (docs/performance.md).

No text is ever cut. An Excel cell holds at most 32,767 characters (XlsxWriter, like Excel, would
silently drop the rest), so a longer text is split into pieces that fit (``excel_pieces``: after a
line break where there is one near the end of a piece) and the pieces go down the same column in
rows added below the row the text belongs to: a table cell's continuation rows sit under it, with
the other cells of its row merged down over them, so the row still reads as one row; a title or
paragraph continues in the full-width rows below. Reading down the column gives the whole text,
every character in order, and it prints in the same place as the rest of the row. (A text that
long cannot be shown whole in one printed row anyway: Excel's tallest row is 409 points.)
"""

from __future__ import annotations

import math
from bisect import bisect_left
from decimal import Decimal
from functools import cache
from io import BytesIO
from typing import Any, NamedTuple

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name, xl_range, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from generator.render.cells import width_em
from generator.render.form import CENTER, PADDING_TOP_MM, PT_MM, Form, Grid, Heading, Paragraphs, Placed
from generator.render.reproducible import FIXED_TIME, deflating_once

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PORTRAIT_WIDTH_MM = 180.0
LANDSCAPE_WIDTH_MM = 267.0
MM_PER_INCH = 25.4
# A spreadsheet cell's lines take the font's own height (no exact line spacing as in Word): that of the
# tallest Chinese font a computer may print with (Noto CJK: 1.448 em), so that no text overflows its row.
LINE = 1.45
CJK_CHARSET = 134  # GB2312: tells Excel the font is a Chinese one
A4 = 9
# Excel measures column widths in digits of the workbook's default font: the body font (仿宋) at 10.5 pt,
# whose digits are 7 pixels wide like XlsxWriter's default (Calibri 11) — and like those of the Chinese
# font any computer substitutes for it. With Calibri as the default, a computer without it (LibreOffice
# on Linux) measured the columns in a wider Latin font and printed the table cut off on both sides.
DEFAULT_FONT_SIZE = 10.5
TEXT_COLUMNS = 6  # a form of text only still gets columns: LibreOffice never shrinks one wider than the page
PAGE_NUMBERS = "&C&9第 &P 页 共 &N 页"
FREEZE_MOST_PT = 240  # freeze the rows above a table's headings only when they leave room on a screen
EXCEL_CELL_UNITS = 32_767  # what one cell holds, in UTF-16 code units (a character beyond U+FFFF takes 2)
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


class Font(NamedTuple):
    name: str
    size: float
    bold: bool = False


def xlsx_bytes(form: Form) -> bytes:
    out = BytesIO()
    # in_memory: no temporary files, and every member stamped 1980-01-01 (the bytes depend on the data only).
    workbook = Workbook(
        out,
        {
            "in_memory": True,
            "default_format_properties": {
                "font_name": form.style.body_font,
                "font_size": DEFAULT_FONT_SIZE,
                "font_charset": CJK_CHARSET,
            },
        },
    )
    workbook.set_properties({"title": form.title, "author": "jixiao", "created": FIXED_TIME})  # also "modified"
    _Writer(workbook, form).write()
    with deflating_once():  # the parts every workbook shares are compressed once
        workbook.close()
    return out.getvalue()


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def excel_pieces(text: str, limit: int = EXCEL_CELL_UNITS) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-16 units, in order; joined, they are ``text``.

    A piece ends after a line break when there is one in its last quarter, so that a long list
    is not cut in the middle of an item; otherwise it is cut where the cell is full.
    """
    if len(text) <= limit // 2 or len(text.encode("utf-16-le")) <= 2 * limit:
        return [text]
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end, used = start, 0
        while end < len(text) and used + _units(text[end]) <= limit:
            used += _units(text[end])
            end += 1
        if end < len(text):
            brk = text.rfind("\n", start, end)
            if brk >= start + (end - start) * 3 // 4:
                end = brk + 1
        pieces.append(text[start:end])
        start = end
    return pieces


def sheet_name(kind: str) -> str:
    """Excel's rules: none of []:*?/\\, at most 31 UTF-16 units, no apostrophe at either end."""
    name = kind.translate(INVALID_SHEET_CHARS)
    while len(name.encode("utf-16-le")) > 62:
        name = name[:-1]
    return name.strip("'") or "表格"


class _Writer:
    def __init__(self, workbook: Any, form: Form) -> None:
        self.workbook = workbook
        self.sheet: _Sheet = workbook.add_worksheet(sheet_name(form.caption), worksheet_class=_Sheet)
        self.form = form
        self.style = form.style
        total = LANDSCAPE_WIDTH_MM if form.landscape else PORTRAIT_WIDTH_MM
        right = max([total, *(g.width_mm for g in form.grids)])
        edges = {0.0, right}
        for grid in form.grids:
            position = 0.0
            for width in grid.widths:
                position += width
                edges.add(round(position, 1))
        if not form.grids:
            edges.update(round(right * i / TEXT_COLUMNS, 1) for i in range(TEXT_COLUMNS))
        self.edges = sorted(edges)
        self.ncols = len(self.edges) - 1
        self.row = 0
        self.formats: dict[tuple[object, ...], Any] = {}
        self.titles: tuple[int, int] | None = None  # the sheet rows of the headings to repeat on every page
        self.heights: list[float] = []  # of the rows written, in points

    def format(
        self,
        font: Font,
        horizontal: str,
        border: bool,
        number_format: str = "",
        quoted: bool = False,
        open_sides: tuple[str, ...] = (),
    ) -> Any:
        """The workbook's format for this combination, made once. ``open_sides`` ("top", "bottom") have no
        line: a text that goes on in the cell below."""
        key = (font, horizontal, border, number_format, quoted, open_sides)
        if key not in self.formats:
            properties: dict[str, object] = {
                "font_name": font.name,
                "font_size": font.size,
                "bold": font.bold,
                "font_charset": CJK_CHARSET,
                "font_family": 0,  # XlsxWriter's default says "sans-serif", wrong for 仿宋 and 宋体
                "align": horizontal,
                "valign": "vcenter",
                "text_wrap": True,
            }
            if border:
                properties |= {"border": 1, "border_color": "#000000"}  # thin
                properties |= {side: 0 for side in open_sides}
            if number_format:
                properties["num_format"] = number_format
            if quoted:
                properties["quote_prefix"] = True  # Excel keeps it text when someone edits the cell
            self.formats[key] = self.workbook.add_format(properties)
        return self.formats[key]

    def font(self, size: float, name: str | None = None, bold: bool = False) -> Font:
        return Font(name or self.style.body_font, size, bold)

    def height(self, row: int, points: float) -> None:
        self.sheet.set_row_pixels(row, points * 4 / 3)  # set_row() would round the height to whole pixels
        self.heights.extend([0.0] * (row + 1 - len(self.heights)))
        self.heights[row] = points

    def write(self) -> None:
        for i in range(self.ncols):
            width_mm = self.edges[i + 1] - self.edges[i]
            self.sheet.set_column_pixels(i, i, max(3.5, width_mm * 3.78 - 5))
        style = self.style
        self.text_row(
            self.form.title, self.font(style.title_size, style.title_font, bold=True), CENTER, height=style.title_size * 2
        )
        if self.form.note:
            self.text_row(f"（{self.form.note}）", self.font(style.heading_line_size), CENTER)
        if self.form.heading:
            self.spread_row(self.form.heading)
        blocks = self.form.blocks
        for n, block in enumerate(blocks):
            if isinstance(block, Grid):
                self.grid(block)
                after = blocks[n + 1] if n + 1 < len(blocks) else None
                if not (isinstance(after, Grid) and after.joined):
                    self.row += 1  # a blank row after each table, as on the printed form
            elif isinstance(block, Heading):
                self.text_row(block.text, self.font(style.text_size, style.heading_font), "left")
            elif isinstance(block, Paragraphs):
                for line in block.lines:
                    self.text_row(line, self.font(style.text_size), "left")
        if self.form.footer:
            self.spread_row(self.form.footer)
        for line in self.form.footnotes:
            self.text_row(line, self.font(style.table_size), "left")
        self.print_setup()

    def put(
        self,
        top: int,
        left: int,
        bottom: int,
        right: int,
        text: str,
        font: Font,
        horizontal: str,
        border: bool = False,
        open_sides: tuple[str, ...] = (),
    ) -> None:
        """Text in a cell, merged with the cells to ``bottom``, ``right`` when there are any.

        The text is one piece of ``excel_pieces``: longer, XlsxWriter would cut it without a word.
        """
        if len(excel_pieces(text)) > 1:
            raise ValueError(f"{len(text)} characters do not fit in one Excel cell: split them with excel_pieces")
        quoted = is_formula_like(text)
        cell_format = self.format(font, horizontal, border, quoted=quoted, open_sides=open_sides)
        self.sheet.put(top, left, bottom, right, text, cell_format)  # a string, never a formula

    def text_row(self, text: str, font: Font, horizontal: str, height: float | None = None) -> None:
        """A full-width row; a text too long for one cell goes on in the rows below."""
        for piece in excel_pieces(text):
            self.put(self.row, 0, self.row, self.ncols - 1, piece, font, horizontal)
            lines = _lines_needed(piece, self.edges[-1], font.size)
            self.height(self.row, height or lines * font.size * LINE + 4)
            self.row += 1

    def spread_row(self, items: tuple[str, ...]) -> None:
        """Items across the width: the first from the left, the last to the right (an item too long
        for one cell goes on below itself). More items than the sheet has columns go on in the rows
        below, as many to a row as there are columns."""
        for start in range(0, len(items), self.ncols):
            self._spread(items[start : start + self.ncols])

    def _spread(self, items: tuple[str, ...]) -> None:
        font = self.font(self.style.heading_line_size)
        bounds = [round(i * self.ncols / len(items)) for i in range(len(items) + 1)]
        pieces = [excel_pieces(item) for item in items]
        for depth in range(max(len(p) for p in pieces)):
            for i, item in enumerate(pieces):
                first, last = bounds[i], max(bounds[i], bounds[i + 1] - 1)
                horizontal = "left" if i == 0 else ("right" if i == len(items) - 1 else "center")
                self.put(self.row, first, self.row, last, item[depth] if depth < len(item) else "", font, horizontal)
            self.height(self.row, self.style.heading_line_size * 1.8)
            self.row += 1

    def grid(self, grid: Grid) -> None:
        size = self.style.table_size
        font = self.font(size)
        starts = [0.0]
        for width in grid.widths:
            starts.append(round(starts[-1] + width, 1))
        column = [bisect_left(self.edges, s) for s in starts]  # sheet column of each grid edge
        rows = _Rows(grid)
        padding = 2 * PADDING_TOP_MM / PT_MM  # points
        needed = [size * LINE + padding] * rows.count
        spanned = []
        if grid.head and self.titles is None:
            self.titles = (
                self.row,
                self.row + rows.start[grid.head] - 1 if grid.head < len(rows.start) else self.row + rows.count - 1,
            )
        for p in grid.placed:
            first, last = column[p.col], column[p.col + p.colspan] - 1
            cell = p.cell
            width_mm = sum(grid.widths[p.col : p.col + p.colspan])
            open_sides = (("top",) if cell.joined else ()) + (("bottom",) if (p.row, p.col) in grid.open_below else ())
            if cell.number is not None:
                top, bottom = rows.span(p)
                cell_format = self.format(font, cell.align or CENTER, True, cell.number_format, open_sides=open_sides)
                self.sheet.put(self.row + top, first, self.row + bottom, last, cell.number, cell_format)
                placed = [(top, bottom, "")]
            else:
                placed = rows.pieces(p)
                for top, bottom, piece in placed:
                    self.put(
                        self.row + top,
                        first,
                        self.row + bottom,
                        last,
                        piece,
                        font,
                        cell.align or CENTER,
                        border=True,
                        open_sides=open_sides,
                    )
            for top, bottom, piece in placed:
                lines = piece.split("\n") if len(placed) > 1 else cell.lines or ("",)
                height = sum(_lines_needed(line, width_mm, size) for line in lines) * size * LINE + padding
                if bottom == top:
                    needed[top] = max(needed[top], height)
                else:
                    spanned.append((top, bottom - top + 1, height))
        for start, span, height in spanned:  # a tall merged cell makes its last row taller
            have = sum(needed[start : start + span])
            if have < height:
                needed[start + span - 1] += height - have
        for i, height in enumerate(needed):
            self.height(self.row + i, round(height, 1))
        self.row += rows.count

    def print_setup(self) -> None:
        sheet = self.sheet
        sheet.print_area(0, 0, self.row - 1, self.ncols - 1)
        sheet.set_paper(A4)
        if self.form.landscape:
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.fit_to_pages(1, 0)  # one page wide, as many high as needed
        landscape = self.form.landscape
        sheet.set_margins(
            left=15 / MM_PER_INCH,
            right=15 / MM_PER_INCH,
            top=(15 if landscape else 20) / MM_PER_INCH,
            bottom=(15 if landscape else 18) / MM_PER_INCH,
        )
        sheet.center_horizontally()
        sheet.hide_gridlines(2)  # on screen too
        sheet.set_footer(PAGE_NUMBERS)
        if self.titles is not None:
            first, last = self.titles
            sheet.repeat_rows(first, last)  # the table's headings at the top of every page
            if sum(self.heights[: last + 1]) <= FREEZE_MOST_PT:
                sheet.freeze_panes(last + 1, 0)  # and on screen, above the rows as they scroll


class _Sheet(Worksheet):  # type: ignore[misc]  # XlsxWriter has no type information
    """XlsxWriter's worksheet whose cells are written as SpreadsheetML text (see the module's docstring).

    ``put`` keeps a cell's format and value (a string's index in the shared strings) by row and
    column; when the workbook closes, XlsxWriter asks for the sheet's data and merges, and they are
    written in row and column order, each row opened by XlsxWriter's own row writer (its height,
    its spans): byte for byte what XlsxWriter's merge_range and write methods would have written
    (tests/test_library_contracts.py). A merged cell's covered cells get a formatted blank each, as
    Excel wants. Two cells in one place are an error, never one written over the other.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[int, dict[int, tuple[Any, str]]] = {}  # row -> column -> (format, what the <c> holds)
        self.merged: list[tuple[int, int, int, int]] = []

    def put(self, top: int, left: int, bottom: int, right: int, value: str | Decimal | None, cell_format: Any) -> None:
        """``value`` in the cell at ``top``, ``left``, merged down to ``bottom`` and across to ``right``.

        A string is stored as a string whatever it starts with, a number as a number (as XlsxWriter's
        write_number writes it), None or "" as a formatted blank.
        """
        if self._check_dimensions(bottom, right) or self._check_dimensions(top, left):
            raise ValueError(f"{xl_range(top, left, bottom, right)} is beyond the last row or column of a sheet")
        if isinstance(value, Decimal):
            content = f"><v>{value:.16G}</v></c>"
        elif value:
            content = f' t="s"><v>{self.str_table._get_shared_string_index(value)}</v></c>'
        else:
            content = "/>"
        if bottom > top or right > left:
            for row in range(top, bottom + 1):
                for column in range(left, right + 1):
                    self._cell(row, column, cell_format, "/>")
            self.cells[top][left] = (cell_format, content)  # over its own blank
            self.merged.append((top, left, bottom, right))
        else:
            self._cell(top, left, cell_format, content)

    def _cell(self, row: int, column: int, cell_format: Any, content: str) -> None:
        cells = self.cells.setdefault(row, {})
        if column in cells:
            raise ValueError(f"two cells at {xl_rowcol_to_cell(row, column)}: the form's cells overlap")
        cells[column] = (cell_format, content)

    def _write_sheet_data(self) -> None:  # XlsxWriter's hook, called when the workbook closes
        if not self.cells:
            self._xml_empty_tag("sheetData")
            return
        self._xml_start_tag("sheetData")
        blocks: dict[int, tuple[int, int]] = {}  # each block of 16 rows: its first and last column, as XlsxWriter
        for row, columns in self.cells.items():
            first, last = blocks.get(row // 16, (min(columns), max(columns)))
            blocks[row // 16] = (min(first, *columns), max(last, *columns))
        spans = {block: f"{first + 1}:{last + 1}" for block, (first, last) in blocks.items()}
        write = self.fh.write
        for row in sorted(self.cells.keys() | self.row_info.keys()):
            cells = self.cells.get(row)
            if not cells:
                self._write_empty_row(row, spans.get(row // 16), self.row_info.get(row))
                continue
            self._write_row(row, spans.get(row // 16), self.row_info.get(row))
            number = row + 1
            for column in sorted(cells):
                cell_format, content = cells[column]
                write(f'<c r="{_column(column)}{number}" s="{cell_format._get_xf_index()}"{content}')
            self._xml_end_tag("row")
        self._xml_end_tag("sheetData")

    def _write_merge_cells(self) -> None:  # XlsxWriter's hook, after the sheet's data
        if self.merged:
            refs = "".join(f'<mergeCell ref="{xl_range(*merged)}"/>' for merged in self.merged)
            self.fh.write(f'<mergeCells count="{len(self.merged)}">{refs}</mergeCells>')


@cache
def _column(column: int) -> str:
    """A column's letters, as XlsxWriter names it ("B" for 1), made once: every cell of every sheet needs one."""
    return str(xl_col_to_name(column))


class _Rows:
    """A grid's rows on the sheet: each grid row, then the continuation rows its long texts need.

    A cell whose text takes k pieces needs k - 1 rows after the last grid row it spans; every other
    cell ending on that row is merged down over them, so the grid row still reads as one row.
    """

    def __init__(self, grid: Grid) -> None:
        self.texts = {id(p): excel_pieces(p.cell.text) if p.cell.number is None else [""] for p in grid.placed}
        extra = [0] * len(grid.rows)
        for p in grid.placed:
            last = p.row + p.rowspan - 1
            extra[last] = max(extra[last], len(self.texts[id(p)]) - 1)
        self.start: list[int] = []
        self.extra = extra
        for r in range(len(grid.rows)):
            self.start.append(self.start[-1] + 1 + extra[r - 1] if r else 0)
        self.count = (self.start[-1] + 1 + extra[-1]) if grid.rows else 0

    def span(self, p: Placed) -> tuple[int, int]:
        """The sheet rows (from the grid's first) a cell covers, its row's continuation rows included."""
        last = p.row + p.rowspan - 1
        return self.start[p.row], self.start[last] + self.extra[last]

    def pieces(self, p: Placed) -> list[tuple[int, int, str]]:
        """(top, bottom, text) for each piece of a cell's text: the first in the cell's own rows, the
        others one row each below it, the last down to the end of the continuation rows."""
        top, bottom = self.span(p)
        texts = self.texts[id(p)]
        if len(texts) == 1:
            return [(top, bottom, texts[0])]
        own = self.start[p.row + p.rowspan - 1]
        out = [(top, own, texts[0])]
        for i, text in enumerate(texts[1:], start=1):
            out.append((own + i, bottom if i == len(texts) - 1 else own + i, text))
        return out


def _lines_needed(text: str, width_mm: float, size: float) -> int:
    room = max(1.0, width_mm - 3.0)
    return max(1, math.ceil(width_em(text) * size * PT_MM / room)) if text else 1
