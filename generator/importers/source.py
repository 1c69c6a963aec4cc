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

from generator.diagnostics import Diagnostic, make


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


@dataclass
class Source:
    """One input file in the neutral representation, with the problems met while reading it."""

    path: Path
    shown: str
    kind: str  # "text" | "docx" | "xlsx"
    blocks: list[Block] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(self, code: str, item: Item | None = None, **params: Any) -> None:
        """A diagnostic pointing into this source (at ``item`` when given)."""
        if item is None:
            self.diagnostics.append(make(code, self.shown, **params))
            return
        place = item.place
        self.diagnostics.append(make(code, self.shown, place.line, place.column, (place.where,), **params))

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
