"""A unit's booklet as PDF, typeset by Typst from the booklet's model (no Word file, no LibreOffice).

The same model the web page, Word and Excel files are written from (form.py) goes to Typst as JSON;
the template ``templates/official/_共用/汇编.typ`` lays it out as the Word booklet is laid out: a cover,
the contents with page numbers, each table on pages of its own orientation with its heading rows
repeated, rows never split across pages, the short groups of rows (``Grid.bound``) kept together.

Typst is a Python package (a compiled typesetter, no other program), so a PDF can be made wherever
jixiao is installed, for about a quarter of the CPU time LibreOffice takes to convert the Word booklet
(tests/benchmarks/bench.py measures ``jixiao build`` against ``jixiao build --pdf-engine libreoffice``).

Fonts: the layout's (仿宋, 宋体, 黑体 …) when the computer has them, else Noto Serif/Sans CJK SC (the fonts
the README asks for), else any font that prints Chinese; with none, no booklet (``missing_fonts``).

The PDF depends only on the booklet, the template, Typst's version and the fonts, so it is kept in the
cache by those (``write``); the same input gives the same bytes (no date, no random document ID).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

from generator import cache
from generator.errors import ToolError
from generator.render.fonts import FONT_DIRS, SANS
from generator.render.form import LEFT, Booklet, Entry, Form, Grid, Heading, Style
from generator.render.word import FONTS, NOT_XML

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "official" / "_共用" / "汇编.typ"
EMPTY = TEMPLATE.with_name("空白.typ")
MEMO_AGE = 10  # typst-py evicts what went unused for this many compilations (comemo::evict(10))
PDF_KIND = "typst-pdf"
SERIF_FALLBACK = ("Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC")
SANS_FALLBACK = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
CHINESE_FAMILY = re.compile(r"CJK|Source Han|SimSun|Song|Hei|Kai|Fang|Ming|WenQuanYi|YaHei|\b[ST]C\b|[宋黑楷仿明]", re.IGNORECASE)


class TypesetError(ToolError):
    """Typst could not typeset a booklet (a fault of jixiao's, not of the data: the data is only text)."""


def fonts(name: str) -> list[str]:
    """A font as the layout names it, then its English name, then the CJK font that stands in for it."""
    alt = FONTS.get(name, ("",))[0]
    fallback = SANS_FALLBACK if name in SANS or alt in SANS else SERIF_FALLBACK
    return list(dict.fromkeys(n for n in (name, alt, *fallback) if n))


def _style(style: Style) -> dict[str, Any]:
    return {
        "title_font": fonts(style.title_font),
        "body_font": fonts(style.body_font),
        "heading_font": fonts(style.heading_font),
        "title_size": style.title_size,
        "heading_line_size": style.heading_line_size,
        "table_size": style.table_size,
        "text_size": style.text_size,
    }


def _clean(text: str) -> str:
    return NOT_XML.sub("", text)


def _grid(grid: Grid) -> dict[str, Any]:
    """A grid's cells with their places. Rows never split across pages; a short group of rows (``bound``)
    stays together through the cell that spans exactly that group (the group's 二级指标), where one does."""
    placed = grid.placed
    bound_groups: set[tuple[int, int]] = set()
    start = None
    for r in range(len(grid.rows)):
        if r in grid.bound:
            start = r if start is None else start
        elif start is not None:
            bound_groups.add((start, r))
            start = None
    # A cell as a list rather than an object: a booklet of 100 tables has some 10,000 cells, and their keys
    # were most of its JSON (made, written and read again by Typst). The template names the items in turn.
    cells = [
        [
            p.row,
            p.col,
            p.rowspan,
            p.colspan,
            [_clean(line) for line in p.cell.lines],
            p.cell.align == LEFT,
            p.cell.joined,
            (p.row, p.col) in grid.open_below,
            p.rowspan > 1 and (p.row, p.row + p.rowspan - 1) not in bound_groups,
        ]
        for p in placed
    ]
    return {
        "kind": "grid",
        "widths": list(grid.widths),
        "head": grid.head,
        "head_cells": sum(1 for p in placed if p.row < grid.head),
        "joined": grid.joined,
        "cells": cells,
    }


def _form(form: Form, booklet: Booklet, index: int, marks: list[Entry]) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for block in form.blocks:
        if isinstance(block, Grid):
            blocks.append(_grid(block))
        elif isinstance(block, Heading):
            blocks.append({"kind": "heading", "text": _clean(block.text)})
        else:
            blocks.append({"kind": "paragraphs", "lines": [_clean(line) for line in block.lines]})
    part = booklet.parts.get(index)
    return {
        "title": _clean(form.title),
        "note": _clean(form.note),
        "heading": [_clean(item) for item in form.heading],
        "footer": [_clean(item) for item in form.footer],
        "footnotes": [_clean(line) for line in form.footnotes],
        "landscape": form.landscape,
        "style": _style(form.style),
        "part": None
        if part is None
        else {"title": _clean(part.title), "name": _clean(part.name if part.name != form.title else "")},
        "marks": [{"depth": e.depth, "text": _clean(e.text)} for e in marks],
        "blocks": blocks,
    }


def booklet_json(booklet: Booklet) -> str:
    """The booklet as the template reads it."""
    style = booklet.forms[0].style if booklet.forms else Style()
    contents = booklet.contents  # made anew each time it is asked for: once here, not once for each table
    marks: dict[int, list[Entry]] = {}
    for entry in contents:
        marks.setdefault(entry.form, []).append(entry)
    data = {
        "title": _clean(booklet.title),
        "cover": [_clean(line) for line in booklet.cover],
        "style": _style(style),
        "fonts": {"body": fonts(style.body_font)},
        "contents": [{"depth": e.depth, "text": _clean(e.text), "form": e.form} for e in contents],
        "forms": [_form(form, booklet, i, marks.get(i, [])) for i, form in enumerate(booklet.forms)],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@functools.cache
def _fonts() -> Any:
    """The fonts Typst finds on this computer (its own and the system's), looked for once per process."""
    import typst  # imported here: a check or a build without tables never needs it

    return typst.Fonts()


def chinese_families(families: list[str]) -> list[str]:
    """The font families that print Chinese, by their names (Noto/Source Han CJK, 宋体/SimSun, 仿宋/FangSong,
    黑体/SimHei, 楷体/KaiTi, 微软雅黑, WenQuanYi, …)."""
    return [family for family in families if CHINESE_FAMILY.search(family)]


def missing_fonts() -> str:
    """Why no booklet can be typeset here ("" when it can): without a font that prints Chinese, every
    character of a table would print as an empty box."""
    if chinese_families(list(_fonts().families())):
        return ""
    return (
        "未找到中文字体（如 Noto Serif CJK SC、宋体、仿宋），未生成 PDF 汇编；安装中文字体后再运行即可生成"
        "（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk；Windows、macOS 自带中文字体）"
    )


@functools.cache
def _compilers() -> tuple[Any, Any]:
    """One Typst compiler per process for the booklets, and one for an empty document (``_forget``), both
    with the fonts found once."""
    import typst

    fonts = _fonts()
    return (
        typst.Compiler(str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=fonts),
        typst.Compiler(str(EMPTY), root=str(EMPTY.parent), font_paths=fonts),
    )


def _forget() -> None:
    """Let Typst drop what it remembered of the last booklet. Its memo (comemo) is kept for the last ten
    compilations, about 100 MB for a booklet of 100 tables, which another booklet never reuses: each
    compilation of the empty document ages it by one (measured: 16 booklets grew a process to 1.3 GB;
    with this it stays near 350 MB, for 0.06 s a booklet)."""
    empty = _compilers()[1]
    for _ in range(MEMO_AGE):
        empty.compile(format="pdf", pdf_tags=False)


def pdf_bytes(booklet: Booklet, source: str | None = None) -> bytes:
    """The booklet typeset as PDF; ``source`` is its ``booklet_json`` when the caller made it already."""
    source = booklet_json(booklet) if source is None else source
    try:
        return bytes(_compilers()[0].compile(format="pdf", sys_inputs={"booklet": source}, pdf_tags=False))
    except Exception as exc:  # typst raises its own TypstError; nothing the data holds should cause one
        raise TypesetError(f"Typst 未能排版 PDF 汇编：{exc}") from exc
    finally:
        _forget()


def write(booklet: Booklet, target: Path) -> Path:
    """Typeset ``booklet`` into ``target`` (a .pdf), from the cache when the same booklet was typeset before
    with the same template, Typst and fonts."""
    source = booklet_json(booklet)
    key = cache.key(PDF_KIND, [environment_key().encode(), source.encode()]) if cache.folder() else None
    if cache.files_out(PDF_KIND, key, [target.name], target.parent):
        return target
    target.write_bytes(pdf_bytes(booklet, source))
    cache.files_in(PDF_KIND, key, [target])
    return target


@functools.cache
def environment_key() -> str:
    """What a PDF depends on besides its booklet: the template, Typst's version, the fonts installed
    (each font file's path, size and modification time)."""
    digest = hashlib.sha256()
    digest.update(TEMPLATE.read_bytes())
    digest.update(version("typst").encode())
    for root in FONT_DIRS:
        for folder, _, names in sorted(os.walk(os.path.expanduser(root))):
            for name in sorted(n for n in names if n.lower().endswith(FONT_SUFFIXES)):
                try:
                    status = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                digest.update(os.fsencode(os.path.join(folder, name)) + b"%d:%d" % (status.st_size, status.st_mtime_ns))
    return digest.hexdigest()
