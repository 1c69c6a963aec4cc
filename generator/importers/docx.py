"""Word (.docx) files: body paragraphs and tables, in document order, streamed.

The document part (word/document.xml) is parsed with lxml's target parser: no tree is built, each
element is seen once as it starts and ends, and the caps of ``limits`` are checked as it starts,
before anything is kept. A cell declaring a span of 2,000,000,000 columns is refused when its
``gridSpan`` is met; a table of half a million rows when its 20,001st line starts. A document type
declaration (a DTD, which Word never writes) is refused, so no entity is ever declared or expanded.

What is read, as python-docx reads it: a paragraph's text is that of its runs (``w:t``; a tab,
``w:ptab`` → a tab; ``w:br`` of a line, ``w:cr`` → a line break; ``w:noBreakHyphen`` → "-"),
including runs inside hyperlinks and, unlike python-docx, inside the wrappers that only mark them
(tracked insertions, content controls, smart tags, custom XML, simple fields); deleted text
(``w:del``, ``w:moveFrom``), drawings and field codes are not text. Content controls and custom
XML around paragraphs, tables, rows and cells are read through.

Merged cells: a cell spanning columns (``gridSpan``) is read once, at its first grid column, and
the columns it also covers are empty cells; the continuation of a vertical merge (``vMerge``) is
empty too (unless it holds text of its own, which is kept); columns skipped before a row's first
cell (``gridBefore``) are empty. That is exactly how a text extraction shows merged cells, so
recognition does not care which format a table came from. A table in a cell adds one line to the
cell's text per row (its non-empty cells joined by spaces), where it stands among the paragraphs.

Numbering (see source.py): ``line`` counts body paragraphs and table rows in document order.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from generator.importers.limits import Budget
from generator.importers.source import Cell, Paragraph, Place, Refusal, Source, Table

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT_PART = "word/document.xml"
CHUNK = 1 << 20
NOT_A_DOCUMENT = "文件的正文部分（word/document.xml）不是 Word 文档"

# Elements that only wrap the content of their parent, read through (their tag without W_NS).
BLOCK_WRAPPERS = {"customXml"}  # around paragraphs and tables; w:sdt is handled with its w:sdtContent
RUN_WRAPPERS = {"hyperlink", "ins", "smartTag", "customXml", "fldSimple", "moveTo", "dir", "bdo"}
RUN_CHARACTERS = {"tab": "\t", "ptab": "\t", "cr": "\n", "noBreakHyphen": "-"}


class DocumentProblem(Refusal):
    """The document part is not what a Word document's is (reported as a damaged file, I002)."""

    def __init__(self, problem: str) -> None:
        super().__init__("I002", None, kind="Word", problem=problem)


@dataclass
class _Table:
    depth: int  # 1 for a table in the body
    label: str  # "表3", or "表3 第2行 第1列 中的表格"
    holder: _Cell | None  # the cell a nested table stands in
    rows: list[list[Cell]] = field(default_factory=list)
    count: int = 0


@dataclass
class _Row:
    table: _Table
    number: int
    place: Place
    width: int = 0
    cells: list[_Cell] = field(default_factory=list)


@dataclass
class _Cell:
    row: _Row
    col: int
    place: Place
    span: int = 1
    continued: bool = False  # the continuation of a vertical merge
    lines: list[str] = field(default_factory=list)
    length: int = 0


@dataclass
class _Paragraph:
    holder: _Cell | None  # None: a body paragraph
    place: Place
    parts: list[str] = field(default_factory=list)
    length: int = 0


Owner = _Cell | _Row | _Table | _Paragraph | None


class _Frame(NamedTuple):
    """An open element: what kind of content it holds, the object that content goes to, and
    whether it is that object's own element (False for a wrapper read through)."""

    kind: str
    owner: Owner
    own: bool = True


SKIP = _Frame("skip", None, False)


class _Reader:
    """The target of lxml's parser: a state machine over the elements as they start and end."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.budget = Budget()
        self.stack: list[_Frame] = []
        self.body = False
        self.line = 0
        self.tables = 0
        self.cells: list[_Cell] = []  # the open cells, outermost first
        self.here = Place(1, 1, "正文")  # the innermost place opened: where a cap is crossed

    # --- lxml's target interface ---------------------------------------------------------------

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise DocumentProblem("文件的正文部分带有文档类型声明（DTD），Word 文件不会有")

    def where(self) -> Place:
        return self.here

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.budget.element(self.where)
        if not self.stack:
            if tag != W_NS + "document":
                raise DocumentProblem(NOT_A_DOCUMENT)
            self.stack.append(_Frame("document", None))
            return
        name = tag[len(W_NS) :] if tag.startswith(W_NS) else ""
        self.stack.append(self.open(self.stack[-1], name, attrib))

    def data(self, text: str) -> None:
        frame = self.stack[-1] if self.stack else SKIP
        if frame.kind == "t" and isinstance(frame.owner, _Paragraph):
            self.add(frame.owner, text)

    def end(self, tag: str) -> None:
        kind, owner, own = self.stack.pop()
        if not own:
            return
        if isinstance(owner, _Paragraph) and kind == "p":
            self.close_paragraph(owner)
        elif isinstance(owner, _Cell):
            self.cells.pop()
        elif isinstance(owner, _Row):
            self.close_row(owner)
        elif isinstance(owner, _Table) and owner.holder is None:
            self.source.blocks.append(Table(owner.rows, self.tables))

    def close(self) -> None:
        if not self.body:
            raise DocumentProblem(NOT_A_DOCUMENT)

    # --- opening elements ----------------------------------------------------------------------

    def open(self, parent: _Frame, name: str, attrib: dict[str, str]) -> _Frame:
        """What a starting element holds, from its parent and its name."""
        kind, owner = parent.kind, parent.owner
        if kind == "document":
            self.body = self.body or name == "body"
            return _Frame("block", None, False) if name == "body" else SKIP
        if kind == "sdt":  # a content control: its content stands where the control does
            return parent._replace(kind=self.stack[-2].kind, own=False) if name == "sdtContent" else SKIP
        if name == "sdt" and kind in ("block", "tc", "tbl", "tr", "p"):
            return _Frame("sdt", owner, False)
        if kind in ("block", "tc"):
            return self.open_block(kind, owner, name)
        if kind == "tbl" and isinstance(owner, _Table):
            return self.open_row(owner) if name == "tr" else (parent._replace(own=False) if name in BLOCK_WRAPPERS else SKIP)
        if kind == "tr" and isinstance(owner, _Row):
            return self.open_in_row(parent, owner, name, attrib)
        if kind == "trPr" and isinstance(owner, _Row) and name == "gridBefore":
            before = _number(attrib.get(W_NS + "val"))
            self.budget.columns(before, owner.place, f"这一行前面空出了 {before} 列")
            self.widen(owner, before, owner.place)
        elif kind == "tcPr" and isinstance(owner, _Cell):
            self.cell_property(owner, name, attrib)
        elif kind == "p" and isinstance(owner, _Paragraph):
            if name == "r":
                return _Frame("r", owner, False)
            return parent._replace(own=False) if name in RUN_WRAPPERS else SKIP
        elif kind == "r" and isinstance(owner, _Paragraph):
            return self.open_in_run(owner, name, attrib)
        return SKIP

    def open_block(self, kind: str, owner: Owner, name: str) -> _Frame:
        holder = owner if isinstance(owner, _Cell) else None
        if name == "p":
            if holder is None:
                self.line += 1
                self.here = Place(self.line, 1, f"第{self.line}段")
                self.budget.line(self.here)
            return _Frame("p", _Paragraph(holder, self.here))
        if name == "tbl":
            return _Frame("tbl", self.open_table(holder))
        if name in BLOCK_WRAPPERS:
            return _Frame("block", owner, False)
        if kind == "tc" and name == "tcPr":
            return _Frame("tcPr", owner, False)
        return SKIP

    def open_table(self, holder: _Cell | None) -> _Table:
        if holder is None:
            self.tables += 1
            return _Table(1, f"表{self.tables}", None)
        table = _Table(holder.row.table.depth + 1, f"{holder.place.where} 中的表格", holder)
        self.budget.nesting(table.depth, holder.place)
        return table

    def open_row(self, table: _Table) -> _Frame:
        table.count += 1
        if table.holder is None:
            self.line += 1
        self.here = Place(self.line, 1, f"{table.label} 第{table.count}行")
        self.budget.line(self.here)
        return _Frame("tr", _Row(table, table.count, self.here))

    def open_in_row(self, parent: _Frame, row: _Row, name: str, attrib: dict[str, str]) -> _Frame:
        if name == "tc":
            where = f"{row.table.label} 第{row.number}行 第{row.width + 1}列"
            cell = _Cell(row, row.width, Place(row.place.line, row.width + 1, where))
            self.widen(row, 1, cell.place)
            row.cells.append(cell)
            self.cells.append(cell)
            self.here = cell.place
            return _Frame("tc", cell)
        if name == "trPr":
            return _Frame("trPr", row, False)
        return parent._replace(own=False) if name in BLOCK_WRAPPERS else SKIP

    def widen(self, row: _Row, columns: int, place: Place) -> None:
        """``columns`` more grid columns in ``row``, counted before any cell is made for them."""
        self.budget.columns(row.width + columns, place, f"这一行的单元格连同合并的列共占 {row.width + columns} 列")
        row.width += columns
        self.budget.cell(place, columns)

    def cell_property(self, cell: _Cell, name: str, attrib: dict[str, str]) -> None:
        if name == "gridSpan":
            span = _number(attrib.get(W_NS + "val"))
            if span > cell.span:
                self.budget.columns(span, cell.place, f"这一格合并了 {span} 列")
                self.widen(cell.row, span - cell.span, cell.place)
                cell.span = span
        elif name == "vMerge":
            cell.continued = attrib.get(W_NS + "val", "continue") != "restart"

    def open_in_run(self, paragraph: _Paragraph, name: str, attrib: dict[str, str]) -> _Frame:
        if name == "t":
            return _Frame("t", paragraph, False)
        if name in RUN_CHARACTERS:
            self.add(paragraph, RUN_CHARACTERS[name])
        elif name == "br" and attrib.get(W_NS + "type", "textWrapping") == "textWrapping":
            self.add(paragraph, "\n")
        return SKIP

    # --- what is kept ------------------------------------------------------------------------------

    def add(self, paragraph: _Paragraph, text: str) -> None:
        """Text of a paragraph, counted against the cap of the paragraph, or of every cell it is in."""
        paragraph.parts.append(text)
        self.budget.total(len(text), paragraph.place)
        if paragraph.holder is None:
            paragraph.length += len(text)
            self.budget.text(paragraph.length, paragraph.place)
        for cell in self.cells:
            cell.length += len(text)
            self.budget.text(cell.length, cell.place)

    def close_paragraph(self, paragraph: _Paragraph) -> None:
        text = "".join(paragraph.parts)
        if paragraph.holder is not None:
            paragraph.holder.lines.append(text)
            return
        # A tab separates what the form prints side by side ("填报单位：…<tab>金额单位：万元"),
        # as it separates cells in extracted text: each part is read on its own.
        parts = text.split("\t")
        line = paragraph.place.line
        for number, part in enumerate(parts, start=1):
            if part.strip():
                where = f"第{line}段" + (f" 第{number}部分" if len(parts) > 1 else "")
                self.source.blocks.append(Paragraph(part.strip(), Place(line, number, where)))

    def close_row(self, row: _Row) -> None:
        texts = [""] * row.width
        for cell in row.cells:
            text = "\n".join(cell.lines).strip()
            if not cell.continued or text:  # the continuation of a vertical merge is empty
                texts[cell.col] = text
        table = row.table
        if table.holder is not None:  # a row of a nested table: a line of the cell it stands in
            table.holder.lines.append(" ".join(text for text in texts if text))
            return
        table.rows.append(
            [
                Cell(text, Place(row.place.line, col + 1, f"{table.label} 第{row.number}行 第{col + 1}列"), col=col)
                for col, text in enumerate(texts)
            ]
        )


def _number(value: str | None) -> int:
    """A count such as gridSpan: what is not a whole number counts as 1, a number too long to
    convert as larger than any cap."""
    text = (value or "").strip()
    if not text.isdigit():
        return 1
    return int(text) if len(text) <= 12 else 10**12


def read_docx(raw: bytes, path: Path, shown: str) -> Source:
    """Read a .docx already known to be a sound zip holding word/document.xml.

    A cap crossed or a document part that is not one is the source's finding (nothing of it is
    imported); a part that is not well-formed XML raises lxml's XMLSyntaxError (reported as I002).
    """
    source = Source(path=path, shown=shown, kind="docx")
    reader = _Reader(source)
    parser = etree.XMLParser(
        target=reader, resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive, archive.open(DOCUMENT_PART) as part:
            while chunk := part.read(CHUNK):
                parser.feed(chunk)
        parser.close()
    except Refusal as refusal:
        source.refuse(refusal)
    return source
