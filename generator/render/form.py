"""What a printed form is made of, whatever the format: a title, heading lines, tables, text.

The composer (``compose.py``) builds these from a layout and the data; the writers (web page,
Word, Excel) only lay them out. So the three formats cannot disagree about a single cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from generator.errors import BuildError

LABEL = "label"  # a printed caption of the form, e.g. 项目名称
HEAD = "head"  # a column heading of a table, e.g. 一级指标
VALUE = "value"  # data

LEFT = "left"
CENTER = "center"

# How a table prints, the same in every format: the composer fits text to columns with these, and the
# writers print with them. The line height is fixed (Word: exact line spacing), not the font's own, so
# that a page holds the same rows whichever Chinese font a computer has (宋体, 仿宋 or Noto CJK).
PT_MM = 0.3528
LINE = 1.3  # line height as a multiple of the font size
PADDING_MM = 1.5  # a cell's padding left and right
PADDING_TOP_MM = 0.8  # and above and below its text
BORDER_MM = 0.3  # what the lines around a cell take of its width


class LayoutError(BuildError):
    """A layout (layout.yaml) that cannot be printed: its spans do not fit its columns, etc. ``row`` is the
    row of the grid (0-based) where placing the cells failed, when that is where."""

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


@dataclass(frozen=True)
class Cell:
    """One cell as the form prints it. ``lines`` are its paragraphs (a numbered list has several).

    A cell holding a number keeps it in ``number`` so that Excel stores a number, with
    ``number_format`` showing it exactly as the text does (e.g. ``0.00``, ``0%``).
    """

    lines: tuple[str, ...] = ()
    role: str = VALUE
    colspan: int = 1
    rowspan: int = 1
    number: Decimal | None = None
    number_format: str = ""
    align: str = ""  # LEFT or CENTER; empty: centred when short, left when it wraps
    joined: bool = False  # goes on from the cell above without a line between: one long text over several rows

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Placed:
    """A cell at its place in the table grid (0-based), with its spans as printed."""

    row: int
    col: int
    rowspan: int
    colspan: int
    cell: Cell


@dataclass
class Grid:
    """A bordered table: column widths in millimetres, and rows of cells as HTML would list them.

    Rows omit the places covered by a cell spanning from above, exactly as in HTML; ``placed``
    resolves every cell to its row and column once, for the writers that need coordinates.

    ``head`` is the number of rows at the top that are column headings: printed again at the top
    of every page the grid runs onto, and never left alone at the foot of a page. ``bound`` rows stay
    on the page of the row after them: the rows of one 二级指标 are not parted when they are few, so
    that a page breaks where a new 二级指标 begins and prints its name. A ``joined`` grid
    is printed right under the grid before it, as one table to the eye (the indicator grid under
    the header block of a form: its own table, so that its headings can repeat).
    """

    widths: tuple[float, ...]
    rows: list[list[Cell]]
    head: int = 0
    joined: bool = False
    bound: frozenset[int] = frozenset()  # rows kept on the page of the row after them (a short group of rows)
    kind: str = field(default="grid", init=False)

    @property
    def width_mm(self) -> float:
        return sum(self.widths)

    @property
    def percentages(self) -> list[str]:
        """Column widths for HTML, as percentages of the table width."""
        total = self.width_mm
        return [f"{100 * w / total:.2f}%" for w in self.widths]

    @cached_property
    def placed_rows(self) -> list[list[Placed]]:
        return place(self.widths, self.rows)

    def known(self, placed_rows: list[list[Placed]]) -> Grid:
        """This grid, its cells' places given: ``placed_rows`` must be what ``place`` finds for its rows (a grid
        made from another's placed cells, their spans unchanged), which then need not be placed again."""
        self.__dict__["placed_rows"] = placed_rows
        return self

    @property
    def placed(self) -> list[Placed]:
        return [p for row in self.placed_rows for p in row]

    @cached_property
    def open_below(self) -> frozenset[tuple[int, int]]:
        """(row, col) of the cells whose bottom line is left out: a ``joined`` cell goes on under them."""
        starts = {(p.row, p.col): p for p in self.placed}
        found = set()
        for p in self.placed:
            below = starts.get((p.row + p.rowspan, p.col))
            if below is not None and below.cell.joined and below.colspan == p.colspan:
                found.add((p.row, p.col))
        return frozenset(found)


def place(widths: tuple[float, ...], rows: list[list[Cell]]) -> list[list[Placed]]:
    """Resolve spans like an HTML table does; the last cell of a short row stretches to the end."""
    ncols = len(widths)
    taken: list[list[bool]] = [[False] * ncols for _ in rows]
    out: list[list[Placed]] = []
    for r, cells in enumerate(rows):
        placed: list[Placed] = []
        col = 0
        for i, cell in enumerate(cells):
            while col < ncols and taken[r][col]:
                col += 1
            colspan = cell.colspan
            if i == len(cells) - 1:  # stretch over the free places that follow, if any
                end = col + colspan
                while end < ncols and not taken[r][end]:
                    end += 1
                colspan = end - col
            if col + colspan > ncols:
                raise LayoutError(f"第 {r + 1} 行的单元格超出了表格的 {ncols} 列（请检查“跨列”和“列宽”）", row=r)
            rowspan = cell.rowspan
            if r + rowspan > len(rows):
                raise LayoutError(f"第 {r + 1} 行的单元格跨行超出了表格的最后一行", row=r)
            for rr in range(r, r + rowspan):
                for cc in range(col, col + colspan):
                    if taken[rr][cc]:
                        raise LayoutError(f"第 {rr + 1} 行第 {cc + 1} 列被两个单元格同时占用", row=r)
                    taken[rr][cc] = True
            placed.append(Placed(r, col, rowspan, colspan, cell))
            col += colspan
        out.append(placed)
    for r, row in enumerate(taken):
        if not all(row):
            raise LayoutError(f"第 {r + 1} 行没有填满表格的 {ncols} 列", row=r)
    return out


@dataclass(frozen=True)
class Heading:
    """A heading inside a text form, e.g. 一、总体绩效目标."""

    text: str
    kind: str = field(default="heading", init=False)


@dataclass(frozen=True)
class Paragraphs:
    """Running text: one or more paragraphs (the items of a numbered list come numbered)."""

    lines: tuple[str, ...]
    kind: str = field(default="paragraphs", init=False)


Block = Grid | Heading | Paragraphs


@dataclass(frozen=True)
class Style:
    """Fonts (names as Word and WPS know them) and sizes in points, from the layout."""

    title_font: str = "宋体"
    body_font: str = "仿宋"
    heading_font: str = "黑体"
    title_size: float = 18
    heading_line_size: float = 12
    table_size: float = 10.5
    text_size: float = 16


@dataclass
class Form:
    """One official table (or text form) ready to be written in any format.

    ``heading`` and ``footer`` are lines of items spread across the width, e.g.
    ("填报单位（盖章）：…", "金额单位：万元") or ("单位财务负责人：…", "填表人：…"). ``note`` is printed
    under the title: a table the unit did not publish says so ("根据项目表生成"). ``footnotes`` are printed
    under the table, after its footer, one paragraph each: what the editors corrected in the published
    table (更正说明), so that a value filled from elsewhere carries its note wherever the table goes.
    """

    kind: str  # the layout's name for the table, e.g. 项目支出绩效目标表
    stem: str  # the output file name without suffix
    caption: str  # what the table is about: the project's name, or the unit table's name
    title: str
    heading: tuple[str, ...]
    blocks: list[Block]
    footer: tuple[str, ...] = ()
    landscape: bool = False
    style: Style = field(default_factory=Style)
    note: str = ""
    footnotes: tuple[str, ...] = ()

    @property
    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]


@dataclass(frozen=True)
class Part:
    """A part of a booklet, e.g. 第二部分 预算项目绩效目标: its heading is printed above its first table."""

    title: str  # 第二部分
    name: str  # 预算项目绩效目标


@dataclass(frozen=True)
class Entry:
    """A line of a booklet's contents (and a bookmark of its PDF): ``depth`` 0 for a part, 1 for a
    table's title, 2 for a project under a title that several tables share."""

    depth: int
    text: str
    form: int  # the index of the table it leads to


@dataclass
class Booklet:
    """One unit's tables as one document: a cover, contents, then the tables in the booklet's order.

    ``parts`` maps the index of a table to the part whose heading is printed above it.
    """

    title: str
    cover: tuple[str, ...]  # the cover's lines, the first the largest: title, unit, region, date
    forms: list[Form]
    parts: dict[int, Part] = field(default_factory=dict)

    @property
    def contents(self) -> list[Entry]:
        """Parts, then each table by its title; tables that share a title (the projects' tables of a
        layout whose title does not name the project) are listed once under it, by their names."""
        out: list[Entry] = []
        shared = ""
        for i, form in enumerate(self.forms):
            part = self.parts.get(i)
            if part is not None:
                out.append(Entry(0, f"{part.title}　{part.name}" if part.name else part.title, i))
                shared = ""
            title = f"{form.title}（{form.note}）" if form.note else form.title
            if form.caption in form.title or form.caption == form.kind:  # a unit's table: its name is its caption
                out.append(Entry(1, title, i))
                shared = ""
                continue
            if title != shared:
                out.append(Entry(1, title, i))
                shared = title
            out.append(Entry(2, form.caption, i))
        return out
