"""Official tables as Excel workbooks (XlsxWriter): one sheet per table, printable on A4.

Merged cells as on the form, borders, column widths, numbers stored as numbers (shown exactly as
in the data), a print area fitted to the page width. Text is always text: a value that starts
with = + - @ is stored as a string with Excel's quote prefix, never as a formula.

A form may hold several tables with different columns (河北: the header table and the indicator
table); the sheet's columns are the union of their column edges, so each keeps its own widths.
Rows and columns are counted from 0, as XlsxWriter does.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from io import BytesIO
from typing import Any, NamedTuple

from xlsxwriter import Workbook

from generator.render.form import CENTER, Form, Grid, Heading, Paragraphs
from generator.render.reproducible import FIXED_TIME
from generator.render.values import width_em

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PORTRAIT_WIDTH_MM = 180.0
LANDSCAPE_WIDTH_MM = 267.0
MM_PER_INCH = 25.4
PT_MM = 0.3528
LINE = 1.3  # line height as a multiple of the font size
CJK_CHARSET = 134  # GB2312: tells Excel the font is a Chinese one
A4 = 9
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


class Font(NamedTuple):
    name: str
    size: float
    bold: bool = False


def xlsx_bytes(form: Form) -> bytes:
    out = BytesIO()
    # in_memory: no temporary files, and every member stamped 1980-01-01 (the bytes depend on the data only).
    workbook = Workbook(out, {"in_memory": True})
    workbook.set_properties({"title": form.title, "author": "jixiao", "created": FIXED_TIME})  # also "modified"
    _Writer(workbook, form).write()
    workbook.close()
    return out.getvalue()


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def sheet_name(kind: str) -> str:
    """Excel's rules: none of []:*?/\\, at most 31 UTF-16 units, no apostrophe at either end."""
    name = kind.translate(INVALID_SHEET_CHARS)
    while len(name.encode("utf-16-le")) > 62:
        name = name[:-1]
    return name.strip("'") or "表格"


class _Writer:
    def __init__(self, workbook: Any, form: Form) -> None:
        self.workbook = workbook
        self.sheet = workbook.add_worksheet(sheet_name(form.kind))
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
        self.row = 0
        self.formats: dict[tuple[object, ...], Any] = {}

    def format(self, font: Font, horizontal: str, border: bool, number_format: str = "", quoted: bool = False) -> Any:
        """The workbook's format for this combination, made once."""
        key = (font, horizontal, border, number_format, quoted)
        if key not in self.formats:
            properties: dict[str, object] = {
                "font_name": font.name, "font_size": font.size, "bold": font.bold, "font_charset": CJK_CHARSET,
                "font_family": 0,  # XlsxWriter's default says "sans-serif", wrong for 仿宋 and 宋体
                "align": horizontal, "valign": "vcenter", "text_wrap": True}
            if border:
                properties |= {"border": 1, "border_color": "#000000"}  # thin
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

    def write(self) -> None:
        for i in range(self.ncols):
            width_mm = self.edges[i + 1] - self.edges[i]
            self.sheet.set_column_pixels(i, i, max(3.5, width_mm * 3.78 - 5))
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

    def put(self, top: int, left: int, bottom: int, right: int, text: str, font: Font, horizontal: str,
            border: bool = False) -> None:
        """Text in a cell, merged with the cells to ``bottom``, ``right`` when there are any."""
        quoted = is_formula_like(text)
        cell_format = self.format(font, horizontal, border, quoted=quoted)
        if bottom > top or right > left:
            # Formatted blanks in every covered cell: Excel draws a merged cell's borders from them.
            self.sheet.merge_range(top, left, bottom, right, None, cell_format)
        if text:
            self.sheet.write_string(top, left, text, cell_format)  # never a formula, whatever it begins with
        else:
            self.sheet.write_blank(top, left, None, cell_format)

    def text_row(self, text: str, font: Font, horizontal: str, height: float | None = None) -> None:
        self.put(self.row, 0, self.row, self.ncols - 1, text, font, horizontal)
        lines = _lines_needed(text, self.edges[-1], font.size)
        self.height(self.row, height or lines * font.size * LINE + 4)
        self.row += 1

    def spread_row(self, items: tuple[str, ...]) -> None:
        """Items across the width: the first from the left, the last to the right."""
        font = self.font(self.style.heading_line_size)
        bounds = [round(i * self.ncols / len(items)) for i in range(len(items) + 1)]
        for i, item in enumerate(items):
            first, last = bounds[i], max(bounds[i], bounds[i + 1] - 1)
            horizontal = "left" if i == 0 else ("right" if i == len(items) - 1 else "center")
            self.put(self.row, first, self.row, last, item, font, horizontal)
        self.height(self.row, self.style.heading_line_size * 1.8)
        self.row += 1

    def grid(self, grid: Grid) -> None:
        size = self.style.table_size
        font = self.font(size)
        starts = [0.0]
        for width in grid.widths:
            starts.append(round(starts[-1] + width, 1))
        column = [bisect_left(self.edges, s) for s in starts]  # sheet column of each grid edge
        needed = [size * LINE + 6.0] * len(grid.rows)
        spanned = []
        for p in grid.placed:
            first, last = column[p.col], column[p.col + p.colspan] - 1
            top, bottom = self.row + p.row, self.row + p.row + p.rowspan - 1
            cell = p.cell
            if cell.number is not None:
                cell_format = self.format(font, cell.align or CENTER, True, cell.number_format)
                if last > first or bottom > top:
                    self.sheet.merge_range(top, first, bottom, last, None, cell_format)
                self.sheet.write_number(top, first, cell.number, cell_format)
            else:
                self.put(top, first, bottom, last, cell.text, font, cell.align or CENTER, border=True)
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
            self.height(self.row + i, round(height, 1))
        self.row += len(grid.rows)

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
        sheet.set_margins(left=15 / MM_PER_INCH, right=15 / MM_PER_INCH,
                          top=(15 if landscape else 20) / MM_PER_INCH, bottom=(15 if landscape else 18) / MM_PER_INCH)
        sheet.center_horizontally()
        sheet.hide_gridlines(2)  # on screen too


def _lines_needed(text: str, width_mm: float, size: float) -> int:
    room = max(1.0, width_mm - 3.0)
    return max(1, math.ceil(width_em(text) * size * PT_MM / room)) if text else 1
