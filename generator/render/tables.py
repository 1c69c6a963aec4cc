"""One unit's official tables, written into a folder: each table as .html (print), .docx and .xlsx, and the
unit's booklet 单位汇编.html/.docx, and its PDF when asked (typeset by Typst, render/typeset.py; the
LibreOffice engine converts all booklets at once later, render/pdf.py).

The tables are the unit's tables (部门整体, 汇总表) and one per project, named after its data file. A
table is printed once, as HTML and as a Word body, for its own files and the booklet alike; a table
already made (the same layout-neutral model, printed in the same layout by the same code) comes from
the cache (generator.cache), its three files and its two printings for the booklet alike: after one
edit only the edited table is printed again, the booklet joined from the others as they were.

This module knows the model and the layouts, nothing of the website or of where the folder is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from generator import atomic, cache
from generator.data.model import Unit
from generator.render import typeset, webpage, word
from generator.render.compose import BOOKLET, compose_unit
from generator.render.excel import xlsx_bytes
from generator.render.form import Form
from generator.render.layout import Layout, load_layout

SUFFIXES = (".html", ".docx", ".xlsx")


@dataclass
class WrittenTables:
    """What ``write_unit_tables`` wrote: the folder, how many tables and files, the data fields no table
    prints ((file, field)), the booklet's Word file (None when the unit has no table) and its PDF when made."""

    folder: Path
    tables: int
    files: int
    unprinted: list[tuple[str, str]]
    booklet: Path | None
    pdf: Path | None = None
    pdf_error: str = ""  # why Typst could not typeset the booklet (the unit's page then links no PDF)


PageAdapter = Callable[[str, str], str]  # (a web page's stem, its HTML) → the HTML to write


def _as_printed(stem: str, page: str) -> str:
    return page


def write_unit_tables(
    unit: Unit, target: Path, pdf: bool = False, adapt_page: PageAdapter = _as_printed, earlier: Path | None = None
) -> WrittenTables:
    """Write all tables of ``unit`` and its booklet into ``target``; with ``pdf``, the booklet's PDF too.
    Each web page (a table's, the booklet's) is written as ``adapt_page`` makes it from its stem and HTML:
    a site adds its way back (site/official.py) before the file is written, not by writing it twice.
    The cache keeps the pages as printed. ``earlier``: a folder of the same tables as made before, which
    ``target`` will replace; a file that comes out as it was there is linked, not written again."""
    layout = load_layout(unit.region.layout, unit.region.folder)
    composed = compose_unit(layout, unit)
    target.mkdir(parents=True, exist_ok=True)

    def put(name: str, data: bytes) -> None:
        atomic.write_staged(target / name, data, None if earlier is None else earlier / name)

    printed = [_write_form(layout, form, put, adapt_page) for form in composed.forms]
    files = len(SUFFIXES) * len(composed.forms)
    booklet = made = None
    failed = ""
    if composed.forms:
        page = webpage.booklet_page(layout, composed.booklet, [html for html, _ in printed])
        put(f"{BOOKLET}.html", adapt_page(BOOKLET, page).encode())
        booklet = target / f"{BOOKLET}.docx"
        put(booklet.name, word.booklet_bytes(composed.booklet, [body for _, body in printed]))
        files += 2
        if pdf:
            try:
                made = typeset.write(composed.booklet, booklet.with_suffix(".pdf"))  # counted as the build's pdfs
            except typeset.TypesetError as exc:  # a fault of jixiao's: the other units' booklets still come
                failed = str(exc)
    return WrittenTables(target, len(composed.forms), files, composed.unprinted, booklet, made, failed)


def pdf_failures(written: Iterable[WrittenTables | None]) -> str:
    """The end of the build's note on the PDF booklets: those Typst could not typeset, and why ("" if none)."""
    failed = [w for w in written if w is not None and w.pdf_error]
    if not failed:
        return ""
    return f"；{len(failed)} 份未能生成，这些单位的页面不链接 PDF（{failed[0].folder.name}：{failed[0].pdf_error}）"


TABLE = "table"  # the cache's kind for a made table: its three files and its two printings, in one entry
_SECTION, _BODY = "section.html", "body.xml"  # the printings' names in the entry (no file is so named)


def _write_form(layout: Layout, form: Form, put: Callable[[str, bytes], None], adapt_page: PageAdapter) -> tuple[Markup, str]:
    """One table as a web page, a Word and an Excel file, from the cache when it was made before.
    Returns the table as printed in HTML and its Word body (for the booklet), from the cache too."""
    names = [f"{form.stem}{suffix}" for suffix in SUFFIXES]
    # The layout's name picks its page templates, its file's bytes (a data repository's own layout is no
    # part of jixiao's fingerprint) the rest of how the table prints.
    parts = [layout.name.encode(), layout.fingerprint.encode(), repr(form).encode()]
    key = cache.key(TABLE, parts) if cache.folder() else None
    stored = cache.get_parts(TABLE, key)
    if stored is not None and all(name in stored for name in [*names, _SECTION, _BODY]):
        put(names[0], _adapted(adapt_page, form.stem, stored[names[0]]))
        for name in names[1:]:
            put(name, stored[name])
        return Markup(stored[_SECTION].decode()), stored[_BODY].decode()
    html, body = webpage.section(layout, form), word.fragment(form)
    files = [
        webpage.table_page(layout, form, html).encode(),
        word.docx_bytes([form], form.title, [body]),
        xlsx_bytes(form),
    ]
    put(names[0], _adapted(adapt_page, form.stem, files[0]))
    for name, data in zip(names[1:], files[1:], strict=True):
        put(name, data)
    made = [*zip(names, files, strict=True), (_SECTION, str(html).encode()), (_BODY, body.encode())]
    cache.put_parts(TABLE, key, made)
    return html, body


def _adapted(adapt_page: PageAdapter, stem: str, page: bytes) -> bytes:
    return page if adapt_page is _as_printed else adapt_page(stem, page.decode()).encode()
