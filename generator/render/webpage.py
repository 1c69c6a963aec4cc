"""Official tables as printable web pages: one Jinja environment, one documented context per page.

Templates live in generator/templates/official/: ``_共用/`` holds the pages every layout uses, and
a layout folder may hold its own ``表格.html.j2`` or ``汇编.html.j2`` to override them. Data is
never trusted: autoescape is on, and a missing value fails the build instead of printing blank.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from generator.render.form import Form
from generator.render.layout import COMMON, OFFICIAL, Layout


@dataclass(frozen=True)
class TablePage:
    """The context of ``表格.html.j2``: one official table on its own page(s).

    - ``page_title``: the page's <title>, e.g. "2026年项目支出绩效目标表：志愿服务活动专项";
    - ``form``: the table to print (generator.render.form.Form).
    """

    page_title: str
    form: Form


@dataclass(frozen=True)
class BookletPage:
    """The context of ``汇编.html.j2``: all tables of one unit, each from a new page.

    - ``page_title``: the page's <title>, e.g. "中共株洲市渌口区委组织部 2026年绩效目标表汇编";
    - ``forms``: the unit's tables in booklet order (部门整体, 汇总表, then the projects).
    """

    page_title: str
    forms: tuple[Form, ...]


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


def table_page(layout: Layout, form: Form) -> str:
    title = form.title if form.caption in form.title else f"{form.title}：{form.caption}"
    return _template(layout, "表格.html.j2").render(_context(TablePage(title, form)))


def booklet_page(layout: Layout, unit_name: str, year: int, forms: list[Form]) -> str:
    page = BookletPage(f"{unit_name} {year}年绩效目标表汇编", tuple(forms))
    return _template(layout, "汇编.html.j2").render(_context(page))
