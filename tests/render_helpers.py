"""Reading rendered tables back for tests: an HTML page as title, lines and cell grids.

The grid of a table is what the form shows: one list per row, one string per column, the places a
merged cell covers left empty — the same shape as a table copied out of Word as text (the seeds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SKIP = "\x00"  # a place covered by a cell spanning from above: "same as above"
LEFT = "\x01"  # a place covered by a cell spanning from the left: not a column of its own


@dataclass
class Page:
    title: str = ""
    heading: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # h2 and p, in order ("## " marks a heading)
    titles: list[str] = field(default_factory=list)  # every h1 (a booklet has many)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.text: list[str] | None = None
        self.where = ""
        self.rows: list[list[tuple[str, int, int]]] = []
        self.span = (1, 1)
        self.line: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("h1", "h2", "p", "span") or tag in ("td", "th"):
            self.text = []
            self.where = tag
        if tag in ("td", "th"):
            self.span = (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))
        elif tag == "br" and self.text is not None:
            self.text.append("\n")
        elif tag == "tr":
            self.rows.append([])
        elif tag == "table":
            self.rows = []
        elif tag == "div":
            classes = (a.get("class") or "").split()
            self.line = self.page.heading if "heading" in classes else self.page.footer if "footer" in classes else None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self.where and self.text is not None:
            value = "".join(self.text)
            if tag == "h1":
                self.page.title = self.page.title or value
                self.page.titles.append(value)
            elif tag == "h2":
                self.page.texts.append("## " + value)
            elif tag == "p":
                self.page.texts.append(value)
            elif tag == "span" and self.line is not None:
                self.line.append(value)
            elif tag in ("td", "th"):
                self.rows[-1].append((value, *self.span))
            self.text = None
        if tag == "table":
            self.page.tables.append(expand(self.rows))
        if tag == "div":
            self.line = None


def expand(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Resolve rowspan/colspan into a full grid; covered places hold SKIP (from above) or LEFT."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else SKIP if dc == 0 else LEFT
            c += colspan
            width = max(width, c)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def parse_page(path: Path | str) -> Page:
    parser = _Parser()
    parser.feed(Path(path).read_text(encoding="utf-8") if isinstance(path, Path) else path)
    return parser.page


def as_text(page: Page) -> str:
    """A page as plain text for golden files: tables as tab-separated rows, merged places empty."""
    out = [f"# {page.title}"]
    if page.heading:
        out.append("> " + " | ".join(page.heading))
    for table in page.tables:
        out.append("")
        for row in table:
            cells = ["" if c in (SKIP, LEFT) else c.replace("\n", "⏎") for c in row]
            out.append("\t".join(cells).rstrip("\t"))
    if page.texts:
        out.append("")
        out.extend(page.texts)
    if page.footer:
        out.append("")
        out.append("< " + " | ".join(page.footer))
    return "\n".join(out) + "\n"


def unique_cells(row: list[str]) -> list[str]:
    """The cells of a row as a reader sees them: each merged cell once, blanks dropped."""
    return [c for c in row if c not in (SKIP, LEFT, "")]


def logical(row: list[str]) -> list[str]:
    """A row's own columns: places covered from the left dropped, SKIP kept for "same as above"."""
    return [c for c in row if c != LEFT]
