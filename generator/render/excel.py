"""Official tables as Excel workbooks (openpyxl): one sheet per table, printable on A4.

Merged cells as on the form, borders, column widths, numbers stored as numbers (shown exactly as
in the data), a print area fitted to the page width. Text is always text: a value that starts
with = + - @ is stored as a string with Excel's quote prefix, never as a formula.

A form may hold several tables with different columns (河北: the header table and the indicator
table); the sheet's columns are the union of their column edges, so each keeps its own widths.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from copy import copy
from io import BytesIO
from zipfile import ZIP_DEFLATED

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.render.form import CENTER, Form, Grid, Heading, Paragraphs
from generator.render.reproducible import FIXED_TIME, FixedTimeZipFile
from generator.render.values import width_em

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PORTRAIT_WIDTH_MM = 180.0
LANDSCAPE_WIDTH_MM = 267.0
MM_PER_INCH = 25.4
PT_MM = 0.3528
LINE = 1.3  # line height as a multiple of the font size
CJK_CHARSET = 134  # GB2312: tells Excel the font is a Chinese one
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def xlsx_bytes(form: Form) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = form.kind.translate(INVALID_SHEET_CHARS)[:31] or "表格"
    _Writer(sheet, form).write()
    props = workbook.properties
    props.title = form.title
    props.creator = props.lastModifiedBy = "jixiao"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    out = BytesIO()
    # ExcelWriter rather than workbook.save(): save() would stamp "modified" with the time of writing.
    with FixedTimeZipFile(out, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).write_data()
    return out.getvalue()


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


class _Writer:
    def __init__(self, sheet: Worksheet, form: Form) -> None:
        self.sheet = sheet
        self.form = form
        self.style = form.style
        total = LANDSCAPE_WIDTH_MM if form.landscape else PORTRAIT_WIDTH_MM
        edges = {0.0, max([total, *(g.width_mm for g in form.grids)])}
        for grid in form.grids:
            position = 0.0
            for width in grid.widths:
                position += width
                edges.add(round(position, 1))
            edges.add(0.0)
        self.edges = sorted(edges)
        self.ncols = len(self.edges) - 1
        self.row = 1
        self.styles: dict[tuple[object, ...], StyleArray] = {}

    def apply_style(self, cell: Cell, font: Font, horizontal: str, border: bool, number_format: str = "") -> None:
        """Style a cell; each combination is built once and copied (assigning styles one by one is slow)."""
        key = (font.name, font.sz, font.b, horizontal, border, number_format)
        cached = self.styles.get(key)
        if cached is None:
            cell.font = font
            cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
            if border:
                cell.border = BOX
            if number_format:
                cell.number_format = number_format
            self.styles[key] = copy(cell._style)
        else:
            cell._style = copy(cached)

    def merge(self, top: int, left: int, bottom: int, right: int) -> None:
        # The borders of the covered cells are already set: skip openpyxl's slow re-formatting of them.
        self.sheet.merged_cells.add(CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom))

    def font(self, size: float, name: str | None = None, bold: bool = False) -> Font:
        return Font(name=name or self.style.body_font, size=size, bold=bold, charset=CJK_CHARSET)

    def write(self) -> None:
        for i in range(self.ncols):
            width_mm = self.edges[i + 1] - self.edges[i]
            self.sheet.column_dimensions[get_column_letter(i + 1)].width = max(0.5, (width_mm * 3.78 - 5) / 7)
        style = self.style
        self.text_row(self.form.title, self.font(style.title_size, style.title_font, bold=True), CENTER,
                      height=style.title_size * 2)
        if self.form.heading:
            self.spread_row(self.form.heading)
        for block in self.form.blocks:
            if isinstance(block, Grid):
                self.grid(block)
                self.row += 1  # a blank row after each table, as on the printed form
            elif isinstance(block, Heading):
                self.text_row(block.text, self.font(style.text_size, style.heading_font), "left")
            elif isinstance(block, Paragraphs):
                for line in block.lines:
                    self.text_row(line, self.font(style.text_size), "left")
        if self.form.footer:
            self.spread_row(self.form.footer)
        self.print_setup()

    def put(self, row: int, col: int, text: str, font: Font, horizontal: str, border: bool = False) -> None:
        cell = self.sheet.cell(row=row, column=col)
        self.apply_style(cell, font, horizontal, border)
        if text:
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the text begins with
            if is_formula_like(text):
                cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell

    def text_row(self, text: str, font: Font, horizontal: str, height: float | None = None) -> None:
        self.put(self.row, 1, text, font, horizontal)
        if self.ncols > 1:
            self.merge(self.row, 1, self.row, self.ncols)
        size = font.sz or self.style.text_size
        lines = _lines_needed(text, self.edges[-1], size)
        self.sheet.row_dimensions[self.row].height = height or lines * size * LINE + 4
        self.row += 1

    def spread_row(self, items: tuple[str, ...]) -> None:
        """Items across the width: the first from the left, the last to the right."""
        font = self.font(self.style.heading_line_size)
        bounds = [round(i * self.ncols / len(items)) for i in range(len(items) + 1)]
        for i, item in enumerate(items):
            first, last = bounds[i] + 1, max(bounds[i] + 1, bounds[i + 1])
            horizontal = "left" if i == 0 else ("right" if i == len(items) - 1 else "center")
            self.put(self.row, first, item, font, horizontal)
            if last > first:
                self.merge(self.row, first, self.row, last)
        self.sheet.row_dimensions[self.row].height = self.style.heading_line_size * 1.8
        self.row += 1

    def grid(self, grid: Grid) -> None:
        size = self.style.table_size
        font = self.font(size)
        starts = [0.0]
        for width in grid.widths:
            starts.append(round(starts[-1] + width, 1))
        column = [bisect_left(self.edges, s) + 1 for s in starts]  # sheet column of each grid edge
        needed = [size * LINE + 6.0] * len(grid.rows)
        spanned = []
        for p in grid.placed:
            first, last = column[p.col], column[p.col + p.colspan] - 1
            top, bottom = self.row + p.row, self.row + p.row + p.rowspan - 1
            cell = p.cell
            if cell.number is not None:
                target = self.sheet.cell(row=top, column=first)
                self.apply_style(target, font, cell.align or CENTER, True, cell.number_format)
                target.value = cell.number
            else:
                self.put(top, first, cell.text, font, cell.align or CENTER, border=True)
            for r in range(top, bottom + 1):  # Excel draws a merged cell's borders from the covered cells
                for c in range(first, last + 1):
                    if (r, c) != (top, first):
                        self.apply_style(self.sheet.cell(row=r, column=c), font, CENTER, True)
            if last > first or bottom > top:
                self.merge(top, first, bottom, last)
            width_mm = sum(grid.widths[p.col:p.col + p.colspan])
            height = sum(_lines_needed(line, width_mm, size) for line in cell.lines or ("",)) * size * LINE + 6
            if p.rowspan == 1:
                needed[p.row] = max(needed[p.row], height)
            else:
                spanned.append((p.row, p.rowspan, height))
        for start, span, height in spanned:  # a tall merged cell makes its last row taller
            have = sum(needed[start:start + span])
            if have < height:
                needed[start + span - 1] += height - have
        for i, height in enumerate(needed):
            self.sheet.row_dimensions[self.row + i].height = round(height, 1)
        self.row += len(grid.rows)

    def print_setup(self) -> None:
        sheet = self.sheet
        last = get_column_letter(self.ncols)
        sheet.print_area = f"A1:{last}{self.row - 1}"
        setup = sheet.page_setup
        setup.paperSize = sheet.PAPERSIZE_A4
        setup.orientation = "landscape" if self.form.landscape else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        margins = sheet.page_margins
        margins.left = margins.right = 15 / MM_PER_INCH
        margins.top = (15 if self.form.landscape else 20) / MM_PER_INCH
        margins.bottom = (15 if self.form.landscape else 18) / MM_PER_INCH
        sheet.print_options.horizontalCentered = True
        sheet.sheet_view.showGridLines = False


def _lines_needed(text: str, width_mm: float, size: float) -> int:
    room = max(1.0, width_mm - 3.0)
    return max(1, math.ceil(width_em(text) * size * PT_MM / room)) if text else 1

