"""Print official tables the three ways an official prints them, and read each printed page back.

- the Word files (each table, and the unit's booklet) through LibreOffice (generator.render.pdf.convert);
- each table's web page, and the booklet's, through headless Chromium's own print (DevTools
  ``Page.printToPDF``, the page's CSS page sizes, as "打印 → 另存为 PDF" does);
- each table's workbook through LibreOffice;
- each unit's booklet typeset by Typst from its model (generator.render.typeset), as ``jixiao build`` makes it.

Each PDF is read page by page with ``pdftotext -raw`` (the text in the order it is drawn, so a cell's
lines stay together) and checked against the composed tables (generator.render.compose) it prints:
``problems`` lists a blank page, a page of rows of a table without its heading row, a heading row, a
title or a heading that ends a page, a row of a table that is split across two pages (no page holds
all of its cells), a cell that is cut off (its text is on no page), and a table that takes more pages in
the browser than in Word. ``pictures`` writes a PNG of every page for a person to look at.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.data.model import load_unit
from generator.data.tree import collect
from generator.render import typeset
from generator.render.compose import BOOKLET, compose_unit
from generator.render.form import Booklet, Form, Grid
from generator.render.layout import load_layout
from generator.render.pdf import convert

WORD, WEB, EXCEL, TYPST = "Word→LibreOffice", "网页→Chromium", "Excel→LibreOffice", "Typst"
PROBE = 6  # characters at each end of a cell's text that must be on the row's page


@dataclass
class Printed:
    """One printed PDF: what it is (the table's file, relative to the tables folder), the way it was
    printed, the tables it prints in order (a booklet: all of the unit's), and its pages' text."""

    name: str
    way: str
    pdf: Path
    forms: list[Form]
    booklet: Booklet | None = None
    pages: list[Page] = field(default_factory=list)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Page:
    """A printed page: its words in drawing order with where they are (top and bottom, in points), the
    page number at its foot left out."""

    words: list[tuple[str, float, float]]

    @property
    def text(self) -> str:
        return "".join(flat(w) for w, _, _ in self.words)

    def ends_with(self, text: str) -> bool:
        """Whether ``text`` is on the page with nothing printed below it."""
        target = flat(text)
        starts, joined = [], ""
        for word, _, _ in self.words:
            starts.append(len(joined))
            joined += flat(word)
        at = joined.find(target)
        if not target or at < 0:
            return False
        bottom = max(
            b
            for start, (w, _, b) in zip(starts, self.words, strict=True)
            if start < at + len(target) and start + len(flat(w)) > at
        )
        return not any(top > bottom for _, top, _ in self.words)


WORD_BOX = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
PAGE_BOX = re.compile(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', re.S)
FOOT_PT = 40  # the page number prints in the last 14 mm of a page; a table never does (margins ≥ 15 mm)


def read_pages(pdf: Path) -> list[Page]:
    """Each page's words, as pdftotext draws them out (a cell's lines stay together), without the page number."""
    out = subprocess.run(["pdftotext", "-raw", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for height, body in PAGE_BOX.findall(out):
        words = [(html.unescape(text), float(top), float(bottom)) for top, bottom, text in WORD_BOX.findall(body)]
        pages.append(Page([w for w in words if w[1] < float(height) - FOOT_PT]))
    return pages


def composed(data: Path) -> dict[str, tuple[dict[str, Form], Booklet]]:
    """Every unit's tables (by file name) and booklet, by the unit's folder relative to ``data``."""
    out = {}
    data = data.resolve()
    for folder in collect([data]).units.values():
        unit = load_unit(folder)
        tables = compose_unit(load_layout(unit.region.layout), unit)
        out[folder.path.relative_to(data).as_posix()] = ({f.stem: f for f in tables.forms}, tables.booklet)
    return out


def print_all(tables: Path, data: Path, work: Path, jobs: int = 2) -> list[Printed]:
    """Print every table and booklet under ``tables`` (a build's tables folder, from ``data``) the three ways."""
    from browser import chromium

    work.mkdir(parents=True, exist_ok=True)
    units = composed(data)
    printed: list[Printed] = []
    office: list[tuple[Path, Printed]] = []
    pages: list[tuple[Path, Printed]] = []
    for n, path in enumerate(sorted(tables.rglob("*"))):
        if path.suffix not in (".docx", ".xlsx", ".html"):
            continue
        unit = path.parent.relative_to(tables).as_posix()
        forms, booklet = units[unit]
        is_booklet = path.stem == BOOKLET
        if (path.suffix == ".xlsx" and is_booklet) or not (is_booklet or path.stem in forms):
            continue  # no workbook of a booklet; a file of a table nothing composes is not a table of the data
        item = Printed(
            path.relative_to(tables).as_posix(),
            {".docx": WORD, ".html": WEB, ".xlsx": EXCEL}[path.suffix],
            work / f"{n:04d}.pdf",
            booklet.forms if is_booklet else [forms[path.stem]],
            booklet if is_booklet else None,
        )
        printed.append(item)
        if is_booklet and path.suffix == ".docx" and booklet is not None:
            typeset_item = Printed(item.name, TYPST, work / f"{n:04d}.typst.pdf", booklet.forms, booklet)
            typeset_item.pdf.write_bytes(typeset.pdf_bytes(booklet))
            printed.append(typeset_item)
        if path.suffix == ".html":
            pages.append((path, item))
        else:
            copy = work / f"{n:04d}{path.suffix}"
            shutil.copyfile(path, copy)
            office.append((copy, item))
    convert([copy for copy, _ in office], jobs=jobs)
    with chromium() as driver:
        for path, item in pages:
            driver.get(path.as_uri())
            result = driver.execute_cdp_cmd(
                "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False, "generateDocumentOutline": True}
            )
            item.pdf.write_bytes(base64.b64decode(result["data"]))
    for item in printed:
        item.pages = read_pages(item.pdf)
    return printed


def _row_probes(grid: Grid, row: int) -> list[str]:
    """Texts that all print on the page where the grid's ``row`` prints: both ends of each of its cells
    (cells merged down over several rows excepted: those go on over pages by nature)."""
    probes = []
    for p in grid.placed_rows[row]:
        text = flat(p.cell.text)
        if p.rowspan == 1 and text:
            probes += [text[:PROBE], text[-PROBE:]]
    return probes


def _spans(item: Printed) -> list[tuple[int, int]]:
    """The pages (first, end) each of the PDF's tables prints on: each starts on a new page, the first
    after the previous table's start that has its title and the first cells of its first table below the
    headings (a booklet's projects share their titles and headings)."""
    starts = []
    page = 0
    for form in item.forms:
        grid = form.grids[0] if form.grids else None
        first = [] if grid is None else _row_probes(grid, min(grid.head, len(grid.rows) - 1))
        marks = [flat(form.title)] + first  # every cell of the first row: a contents page has the title and names too
        while page < len(item.pages) and not all(m in item.pages[page].text for m in marks):
            page += 1
        starts.append(page)
        page += 1
    return [(start, end) for start, end in zip(starts, [*starts[1:], len(item.pages)], strict=True)]


def problems(item: Printed) -> list[str]:
    """What is wrong with the printed pages of ``item``, each as a sentence naming the page."""
    found = []
    where = f"{item.name}（{item.way}）"
    for number, page in enumerate(item.pages, start=1):
        if not page.text:
            found.append(f"{where} 第 {number} 页是空白页")
    for form, (first, end) in zip(item.forms, _spans(item), strict=True):
        if first >= len(item.pages):
            found.append(f"{where}：没有找到“{form.caption}”")
            continue
        own = item.pages[first:end]
        endings = [form.title, form.note, *form.heading] + [b.text for b in form.blocks if b.kind == "heading"]
        for number, page in enumerate(own, start=first + 1):
            for ending in filter(None, endings):
                if page.ends_with(ending):
                    found.append(f"{where} 第 {number} 页：“{ending}”在页末，与后面的内容分开了")
        texts = [page.text for page in own]
        for grid in form.grids:
            found += _grid_problems(where, grid, texts, first)
        for block in form.blocks:
            for line in block.lines if block.kind == "paragraphs" else ():
                ends = [flat(line)[:PROBE], flat(line)[-PROBE:]]
                if not any(all(e in text for e in ends) for text in texts):
                    found.append(f"{where}：一段文字没有印全（被截去或分在两页）：{ends[0]}…{ends[1]}")
    return found


def _grid_problems(where: str, grid: Grid, pages: list[str], first: int) -> list[str]:
    found = []
    head = [flat(p.cell.text) for row in grid.placed_rows[: grid.head] for p in row if flat(p.cell.text)]
    with_rows: set[int] = set()
    for row in range(grid.head, len(grid.rows)):
        probes = _row_probes(grid, row)
        if not probes:
            continue
        on = [n for n, text in enumerate(pages) if all(p in text for p in probes)]
        if not on:
            parts = [n + first + 1 for n, text in enumerate(pages) if any(p in text for p in probes)]
            what = "分在了两页上" if len(parts) > 1 else "没有印出（被截去）"
            found.append(f"{where} 第 {', '.join(map(str, parts)) or '?'} 页：表格的一行{what}：{probes[0]}…")
        with_rows.update(on)
    if not head:
        return found
    for n, text in enumerate(pages):
        has_head = all(h in text for h in head)
        if n in with_rows and not has_head:
            found.append(f"{where} 第 {n + first + 1} 页：有表格的行，但没有表头（{head[0]}…）")
        if has_head and n not in with_rows and len(grid.rows) > grid.head:
            found.append(f"{where} 第 {n + first + 1} 页：表头（{head[0]}…）在页末，下面没有行")
    return found


def page_counts(printed: list[Printed]) -> dict[tuple[str, str], int]:
    """(the table's file without its suffix, the way) → pages."""
    return {(item.name.rsplit(".", 1)[0], item.way): len(item.pages) for item in printed}


def longer_in_the_browser(printed: list[Printed]) -> list[str]:
    """Tables that take more pages printed from the browser than from Word."""
    counts = page_counts(printed)
    return [
        f"{name}：网页打印 {pages} 页，Word 打印 {counts[(name, WORD)]} 页"
        for (name, way), pages in sorted(counts.items())
        if way == WEB and (name, WORD) in counts and pages > counts[(name, WORD)]
    ]


def pictures(printed: list[Printed], folder: Path, dpi: int = 50) -> list[Path]:
    """A PNG of every page of every PDF in ``folder``, named after the table and the way it was printed."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for item in printed:
        stem = (
            re.sub(r"[/\\\\]", "_", item.name.rsplit(".", 1)[0])
            + "_"
            + {WORD: "word", WEB: "web", EXCEL: "excel", TYPST: "typst"}[item.way]
        )
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(item.pdf), str(folder / stem)], check=True)
        made += sorted(folder.glob(f"{stem}-*.png"))
    return made
