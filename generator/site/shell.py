"""The theme around the data pages: one page that mkdocs renders, reused for thousands of pages.

mkdocs renders every page with the whole navigation, which is what made one mkdocs page per
project cost 29 s and 305 MB per 1,000 projects (design.md §7). The data pages only need the
theme's frame — header, navigation drawer, footer, stylesheets and scripts — around their own
content. So mkdocs renders one hidden page, ``_壳/``, and this module cuts it at its <article>:
each data page is the frame's head, its own content (from the autoescaped templates in pages.py)
and the frame's tail. mkdocs writes every link of a page relative to the page, so the frame's
links are rebased to each page's depth; the frame holds no text from the data, only the page title,
which is escaped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from markupsafe import escape

from generator import atomic
from generator.errors import SiteError
from generator.site.addresses import depth

MARK = "JIXIAOSHELLTITLE"
DESCRIPTION = "JIXIAOSHELLDESCRIPTION"  # the page's <meta name="description">
FOLDER = "_壳"
PAGE = f"""---
title: {MARK}
description: {DESCRIPTION}
hide:
  - navigation
  - toc
---

<div id="jixiao-shell"></div>
"""
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)
_UP = re.compile(r'(?<=")\.\.(?=[/"])')


class ShellError(SiteError):
    """The theme's page does not have the expected shape (a theme upgrade changed it)."""


def _rebase(text: str, to_depth: int) -> str:
    if to_depth == 0:
        return _UP.sub(".", text).replace('"./', '"')
    return _UP.sub("/".join([".."] * to_depth), text)


@dataclass
class Shell:
    head: str
    tail: str
    _by_depth: dict[int, tuple[list[str], str]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_page(cls, html: str) -> Shell:
        match = _ARTICLE.search(html)
        if match is None or html.count(MARK) < 2:
            raise ShellError("主题生成的页面中找不到正文（<article>）或标题：请检查 mkdocs.yml 的主题设置")
        head, tail = html[: match.end(1)], html[match.start(3) :]
        if MARK in tail or DESCRIPTION in tail or head.count(DESCRIPTION) != 1:
            raise ShellError("主题在正文之后又写了页面标题，或页面说明不止一处，无法套用")
        return cls(head, tail)

    @classmethod
    def read(cls, path: Path) -> Shell:
        return cls.from_page(path.read_text(encoding="utf-8"))

    def page(self, title: str, folder: PurePosixPath, body: str, description: str = "") -> str:
        """The complete page at ``folder``/index.html around ``body`` (already escaped HTML), with its title
        and the description that search engines and shared links show."""
        level = depth(folder)
        if level not in self._by_depth:
            self._by_depth[level] = (_rebase(self.head, level).split(MARK), _rebase(self.tail, level))
        pieces, tail = self._by_depth[level]
        described = [piece.replace(DESCRIPTION, str(escape(description or title))) for piece in pieces]  # before the
        return str(escape(title)).join(described) + body + tail  # data's title goes in, which might hold the mark


def write_page(root: Path, folder: PurePosixPath, html: str, earlier: Path | None = None) -> Path:
    """Write the page at ``folder`` of the site in ``root``, as a new file (the home page replaces mkdocs's,
    which may be linked to the cache); linked from the site ``earlier`` when it holds the same page."""
    target = root.joinpath(*folder.parts, "index.html")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_staged(target, html.encode("utf-8"), None if earlier is None else earlier.joinpath(*folder.parts, "index.html"))
    return target
