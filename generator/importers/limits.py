"""The caps on what one import source may hold, declared once, enforced while it is read.

Real published tables are small. The largest holds a few hundred rows, a handful of columns (Word
allows 63 at most) and a few KB of text in a cell; the four seed documents have at most 26 rows in
a table, 9 columns, 605 characters in a cell and 481 lines in a file, and a whole unit's budget
disclosure runs to a few thousand lines. Each cap below is far above anything real and far below
what would cost noticeable memory or time (figures in docs/security.md).

The readers (``text``, ``docx``, ``xlsx``) count as they go and stop at the first cap crossed,
before they build anything bigger: a .docx cell declaring a span of 2,000,000,000 columns costs
one comparison, not a list of that length. A source over a cap is not imported at all (half a
table would be worse than none); the finding names the file and the place where the cap was
crossed, and says how to fix it. The byte limits on the file itself (50 MB, 8 MB of text, what a
zip unpacks to) are in ``read``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from generator.importers.source import Place, Refusal

# Paragraphs and table rows of a document (nested tables' rows too), lines of a text, the row
# number of a sheet's content. A unit's whole disclosure has a few thousand; the importer's work
# and its report grow with this, and at the cap a file still imports in a few seconds.
MAX_LINES = 20_000

# Grid columns of one row: a Word row's cells with their spans (gridSpan) and the columns skipped
# before them (gridBefore), tab-separated fields of a text line, a sheet's column number (GR is
# column 200). Real forms have up to a dozen; Word cannot make more than 63.
MAX_COLUMNS = 200

# Cells of a whole source, blank ones included (a Word row of 10 columns is 10 cells). 200,000 is
# a hundred times the seeds' largest document; each cell costs about 600 bytes and a little
# recognition time, so this bounds the neutral representation to ~120 MB.
MAX_CELLS = 200_000

# Characters in one cell or paragraph: what one Excel cell can hold. Real cells hold a few hundred
# (605 in the seeds); a longer one is a paste gone wrong, and the text repairs are linear in it.
MAX_CELL_CHARS = 32_767

# Characters of a whole source: about 500 pages of Chinese text, ten times a whole unit's budget
# disclosure. Recognition and repairs cost a few microseconds per character, so ~8 s at the cap.
MAX_TEXT_CHARS = 1_000_000

# Tables inside table cells, counted from the outermost table: Word forms nest at most one table
# in a cell; each level's rows become lines of the cell that holds it.
MAX_NESTING = 3

# XML elements read from a document's body or from a workbook's sheets and shared strings. Every
# element costs a callback while streaming (~1 µs) and, inside one cell or paragraph, ~100 bytes
# until it ends. A real 100-page document has about half a million.
MAX_XML_ELEMENTS = 1_000_000

# XML elements of the other parts of a workbook (styles, the workbook part with its sheet list and
# defined names, relationships, properties), which openpyxl turns into Python objects at ~50 µs
# each when it opens the file. A real workbook's styles have a few thousand.
MAX_WORKBOOK_ELEMENTS = 200_000

# Sheets of a workbook: each is opened and streamed even when empty. Real workbooks have a sheet
# per table at most, a few dozen.
MAX_SHEETS = 255

# Entries of a workbook's shared-string table: each one is at most one cell of the workbook.
MAX_SHARED_STRINGS = MAX_CELLS


class OverLimit(Refusal):
    """A cap crossed while reading: the finding to report, where it was crossed."""


@dataclass
class Budget:
    """What one source has used of the caps so far; every method raises OverLimit past a cap."""

    lines: int = 0
    cells: int = 0
    chars: int = 0
    elements: int = 0
    counted: dict[str, int] = field(default_factory=dict)

    def line(self, place: Place) -> None:
        """A paragraph or a table row of a document."""
        self.lines += 1
        if self.lines > MAX_LINES:
            raise OverLimit("I006", place, what="文件的段落和表格行", limit=str(MAX_LINES))

    def row_number(self, number: int, place: Place) -> None:
        """A sheet's content at row ``number``: the sheet is as long as that."""
        if number > MAX_LINES:
            raise OverLimit("I006", place, what=f"有内容的行（第 {number} 行）", limit=str(MAX_LINES))

    def columns(self, width: int, place: Place, what: str) -> None:
        if width > MAX_COLUMNS:
            raise OverLimit("I007", place, what=what, limit=str(MAX_COLUMNS))

    def cell(self, place: Place, count: int = 1) -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise OverLimit("I009", place, what="单元格的总数", limit=f"{MAX_CELLS} 个")

    def text(self, length: int, place: Place) -> None:
        """One cell or paragraph holds ``length`` characters (called as it grows)."""
        if length > MAX_CELL_CHARS:
            raise OverLimit("I008", place, limit=str(MAX_CELL_CHARS))

    def total(self, added: int, place: Place) -> None:
        self.chars += added
        if self.chars > MAX_TEXT_CHARS:
            raise OverLimit("I009", place, what="文字的总字数", limit=f"{MAX_TEXT_CHARS} 个字符")

    def element(self, where: Callable[[], Place]) -> None:
        """One more XML element; ``where`` gives the place, worked out only for the finding."""
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise OverLimit("I009", where(), what="XML 元素的个数", limit=f"{MAX_XML_ELEMENTS} 个")

    def count(self, what: str, limit: int, place: Place) -> None:
        """Anything else counted against ``limit``: ``what`` names it ("工作表的个数")."""
        self.counted[what] = self.counted.get(what, 0) + 1
        if self.counted[what] > limit:
            raise OverLimit("I009", place, what=what, limit=f"{limit} 个")

    def nesting(self, depth: int, place: Place) -> None:
        if depth > MAX_NESTING:
            raise OverLimit("I016", place, depth=depth, limit=MAX_NESTING)
