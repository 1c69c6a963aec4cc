"""Official tables as printable web pages: one Jinja environment, one documented context per page.

Templates live in generator/templates/official/: ``_共用/`` holds the pages every layout uses, and
a layout folder may hold its own to override them: ``_表单.html.j2`` (how one table prints, on its
page and in the booklet alike), ``表格.html.j2`` and ``汇编.html.j2`` (the pages around it). Data is
never trusted: autoescape is on, and a missing value fails the build instead of printing blank.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from generator.render.form import Booklet, Form
from generator.render.layout import COMMON, OFFICIAL, Layout


@dataclass(frozen=True)
class TablePage:
    """The context of ``表格.html.j2``: one official table on its own page(s).

    - ``page_title``: the page's <title>, e.g. "2026年项目支出绩效目标表：志愿服务活动专项";
    - ``section``: the table as HTML, printed by ``render_form`` of ``_表单.html.j2`` (``section``).
    """

    page_title: str
    section: Markup


@dataclass(frozen=True)
class ContentsLine:
    """A line of a booklet's contents: its depth (0 a part, 1 a title, 2 a project), text and anchor."""

    depth: int
    text: str
    anchor: str


@dataclass(frozen=True)
class BookletItem:
    """A table of a booklet: its anchor, orientation, the heading of the part it opens (if it does, with
    its size in points), and the table as HTML (``section``)."""

    anchor: str
    landscape: bool
    part_title: str
    part_name: str
    part_size: float
    section: Markup


@dataclass(frozen=True)
class BookletPage:
    """The context of ``汇编.html.j2``: all tables of one unit, each from a new page.

    - ``page_title``: the page's <title>, e.g. "中共株洲市渌口区委组织部 2026年绩效目标表汇编";
    - ``cover``: the lines of the cover page (the booklet's title, the unit, the region, the date);
    - ``contents``: the lines of the contents (ContentsLine), each a link to its table;
    - ``items``: the unit's tables in booklet order (BookletItem), each exactly as on its own page
      (``section`` of TablePage), a part's heading above its first table.
    """

    page_title: str
    cover: tuple[str, ...]
    contents: tuple[ContentsLine, ...]
    items: tuple[BookletItem, ...]


FORM_MACROS = "_表单.html.j2"  # render_form(form): one table as HTML

# Which context each page template is rendered with; a test checks the names match the template.
PAGE_CONTEXTS: dict[str, type[TablePage] | type[BookletPage]] = {"表格.html.j2": TablePage, "汇编.html.j2": BookletPage}


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(OFFICIAL)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _template(layout: Layout, name: str) -> Template:
    return environment().select_template([f"{layout.name}/{name}", f"{COMMON}/{name}"])


def _context(page: TablePage | BookletPage) -> dict[str, Any]:
    return {f.name: getattr(page, f.name) for f in fields(page)}


def section(layout: Layout, form: Form) -> Markup:
    """One table as HTML (``render_form`` of the layout's ``_表单.html.j2``, else the common one): the
    same for its own page and for the booklet, so a build prints each table once."""
    printed: Markup = _template(layout, FORM_MACROS).module.render_form(form)  # type: ignore[attr-defined]
    return printed


def table_page(layout: Layout, form: Form, printed: Markup | None = None) -> str:
    """The page of one table; ``printed`` is its ``section`` when the caller has it already."""
    title = form.title if form.caption in form.title else f"{form.title}：{form.caption}"
    page = TablePage(title, printed if printed is not None else section(layout, form))
    return _template(layout, "表格.html.j2").render(_context(page))


def booklet_page(layout: Layout, booklet: Booklet, sections: list[Markup] | None = None) -> str:
    """All tables of a unit on one page; ``sections`` are theirs when the caller has them already."""
    printed = sections if sections is not None else [section(layout, form) for form in booklet.forms]
    items = []
    for i, (form, html) in enumerate(zip(booklet.forms, printed, strict=True)):
        part = booklet.parts.get(i)
        items.append(
            BookletItem(
                anchor=anchor(i),
                landscape=form.landscape,
                part_title=part.title if part else "",
                part_name=part.name if part and part.name != form.title else "",
                part_size=form.style.title_size + 4,
                section=html,
            )
        )
    contents = tuple(ContentsLine(e.depth, e.text, anchor(e.form)) for e in booklet.contents)
    page = BookletPage(booklet.title, booklet.cover, contents, tuple(items))
    return _template(layout, "汇编.html.j2").render(_context(page))


def anchor(index: int) -> str:
    """The id of the booklet's ``index``-th table (from 0): 表1, 表2 …"""
    return f"表{index + 1}"
