"""Word (.docx) files, read with python-docx: body paragraphs and tables, in document order.

A merged cell appears once per grid column it spans in python-docx's ``row.cells`` (and a
vertically merged one again in every row below). Each underlying ``<w:tc>`` is read once, at its
first grid position; the positions it also covers become empty cells, which is exactly how a
text extraction shows a merged cell, so recognition does not care which format it came from.

Numbering (see source.py): ``line`` counts body paragraphs and table rows in document order.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

from generator.importers.source import Cell, Paragraph, Place, Source, Table

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _Reader:
    def __init__(self, document: Any, source: Source) -> None:
        self.document = document
        self.source = source
        self.line = 0
        self.tables = 0

    def body(self, element: Any) -> None:
        for child in element.iterchildren():
            if child.tag == W_NS + "p":
                self.paragraph(child)
            elif child.tag == W_NS + "tbl":
                self.table(child)
            elif child.tag == W_NS + "sdt":  # a content control wraps ordinary paragraphs and tables
                for content in child.iterchildren(W_NS + "sdtContent"):
                    self.body(content)

    def paragraph(self, element: Any) -> None:
        from docx.text.paragraph import Paragraph as DocxParagraph

        self.line += 1
        # A tab separates what the form prints side by side ("填报单位：…<tab>金额单位：万元"),
        # as it separates cells in extracted text: each part is read on its own.
        parts = DocxParagraph(element, self.document).text.split("\t")
        for number, part in enumerate(parts, start=1):
            if part.strip():
                where = f"第{self.line}段" + (f" 第{number}部分" if len(parts) > 1 else "")
                self.source.blocks.append(Paragraph(part.strip(), Place(self.line, number, where)))

    def table(self, element: Any) -> None:
        from docx.table import Table as DocxTable

        self.tables += 1
        table = Table([], self.tables)
        seen: dict[int, Any] = {}  # id → element: holding the element keeps its id from being reused
        for number, row in enumerate(DocxTable(element, self.document).rows, start=1):
            self.line += 1
            cells: list[Cell] = []
            grid = [None] * row.grid_cols_before + list(row.cells)
            for col, cell in enumerate(grid):
                first = cell is not None and id(cell._tc) not in seen
                text = _cell_text(cell) if first and cell is not None else ""
                if cell is not None:
                    seen[id(cell._tc)] = cell._tc
                where = f"表{self.tables} 第{number}行 第{col + 1}列"
                cells.append(Cell(text, Place(self.line, col + 1, where), col=col))
            table.rows.append(cells)
        self.source.blocks.append(table)


def _cell_text(cell: Any) -> str:
    """The cell's paragraphs, one per line; a table nested in the cell adds its rows as lines."""
    lines = [p.text for p in cell.paragraphs]
    for nested in cell.tables:
        for row in nested.rows:
            lines.append(" ".join(dict.fromkeys(c.text for c in row.cells)))
    return "\n".join(lines).strip()


def read_docx(raw: bytes, path: Path, shown: str) -> Source:
    """Read a .docx already known to be a sound zip; raises on a damaged document."""
    import docx

    source = Source(path=path, shown=shown, kind="docx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = docx.Document(io.BytesIO(raw))
    root = document.element
    body = root.find(W_NS + "body") if root.tag == W_NS + "document" else None
    if body is None:  # the main part is XML, but not a Word document's body
        source.report("I002", None, kind="Word", problem="文件的正文部分（word/document.xml）不是 Word 文档")
        return source
    _Reader(document, source).body(body)
    return source
