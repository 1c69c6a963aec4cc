"""The neutral representation every source format is read into: paragraphs and tables of cells.

Text, DOCX and XLSX readers each turn a file into a ``Source``: a sequence of blocks, where a block
is a ``Paragraph`` or a ``Table`` (rows of ``Cell``), and every paragraph and cell knows where it
came from. Recognition and repair work only on this representation, so the three formats share
all of that code.

Positions (``Place``) are documented in docs/数据格式.md:

- text: ``line`` is the line in the file, ``column`` the character column where the cell starts;
- docx: ``line`` counts the document's paragraphs and table rows in order (as a text extraction
  would number them), ``column`` is the table column; ``where`` says "表3 第5行 第2列";
- xlsx: ``line`` is the row number in the sheet, ``column`` the column number; ``where`` names the
  sheet and the cell ("工作表“项目表” B5").

Every paragraph and cell carries a ``used`` flag. Recognition sets it when the content went into
the YAML or was explained by a diagnostic; what is left unset at the end is reported, so nothing
in a source is lost silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Severity, make


@dataclass(frozen=True)
class Place:
    line: int
    column: int
    where: str


@dataclass(eq=False)
class Item:
    """A paragraph or a cell: its text as extracted, where it came from, and whether it was used."""

    text: str
    place: Place
    used: bool = False

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    def use(self) -> str:
        self.used = True
        return self.text


@dataclass(eq=False)
class Paragraph(Item):
    pass


@dataclass(eq=False)
class Cell(Item):
    col: int = 0


@dataclass(eq=False)
class Table:
    rows: list[list[Cell]]
    number: int

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row


Block = Paragraph | Table


class Refusal(Exception):
    """Reading a source stops here: nothing of it is imported, and this finding says why.

    Raised by a reader where it meets the problem (a cap crossed, a part that is not what it must
    be), often from inside a parser's callback; the reader turns it into the source's finding.
    """

    def __init__(self, code: str, place: Place | None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.place, self.params = code, place, params


@dataclass
class Source:
    """One input file in the neutral representation, with the problems met while reading it."""

    path: Path
    shown: str
    kind: str  # "text" | "docx" | "xlsx"
    blocks: list[Block] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    guessed_encoding: str = ""  # a text that is not UTF-8 was read in this encoding, a guess (see I005)

    def report(self, code: str, item: Item | None = None, **params: Any) -> None:
        """A diagnostic pointing into this source (at ``item`` when given)."""
        if item is None:
            self.diagnostics.append(make(code, self.shown, **params))
            return
        self.report_at(code, item.place, **params)

    def report_at(self, code: str, place: Place | None, **params: Any) -> None:
        """A diagnostic at ``place`` (a place met while reading, before any item was made)."""
        if place is None:
            self.report(code, None, **params)
        else:
            self.diagnostics.append(make(code, self.shown, place.line, place.column, (place.where,), **params))

    def refuse(self, refusal: Refusal) -> Source:
        """Drop what was read so far and report why (see Refusal)."""
        self.blocks = []
        self.report_at(refusal.code, refusal.place, **refusal.params)
        return self

    def nothing_found(self) -> None:
        """I011: nothing of this source is imported, and whether its encoding was a guess."""
        tables = sum(1 for block in self.blocks if isinstance(block, Table))
        note = (
            f"；文件不是 UTF-8 编码，按猜测的 {self.guessed_encoding}读取，中文若是乱码，请把文件另存为 UTF-8 后重新导入"
            if self.guessed_encoding
            else ""
        )
        self.report("I011", None, tables=tables, paragraphs=len(self.blocks) - tables, note=note)

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def unreadable(self) -> bool:
        """An error reading the file (I00x, Y013) already says why nothing of it is imported."""
        return any(d.severity is Severity.ERROR and d.code.startswith(("I00", "Y")) for d in self.diagnostics)

    def items(self) -> Iterator[Item]:
        for block in self.blocks:
            if isinstance(block, Table):
                yield from block.cells()
            else:
                yield block

    def unused(self) -> list[Item]:
        return [item for item in self.items() if not item.used and not item.blank]


def excerpt(text: str, limit: int = 24) -> str:
    """A short quotation of a cell for a message: one line, at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"
