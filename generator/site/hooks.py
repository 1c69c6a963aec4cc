"""mkdocs hooks of the site (``hooks:`` in mkdocs.yml): no page may load anything from another host, every
link to a page names its index.html, and the foot of every page links the guides (``extra.guides``).

The guides for editors, reviewers and developers are kept out of the public menu (``not_in_nav``) and
linked at the foot instead, where readers who look for them find them.

Links end in index.html so that the site works opened from disk (file://), where a link to a folder
shows the folder's files instead of its page; a web server serves the same pages (jixiao's own data
pages are written the same way, site/addresses.py).

Many readers sit behind networks that block foreign hosts, and a page that waits for a font or a
script from one of them never finishes loading. Each built page is scanned for stylesheets,
scripts, images, frames and fonts with an absolute address; any found is a warning, which
``mkdocs build --strict`` (and ``jixiao build``) turns into a failed build. Plain links (<a href>)
are not requests and are allowed.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger("mkdocs.hooks.jixiao")

_FETCHING = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed|object|track)\b[^>]*?\s(?:src|data|srcset)\s*=\s*[\"']?\s*"
    r"(?:https?:)?//"
    r"|<link\b(?![^>]*\brel=[\"']?(?:canonical|alternate)\b)[^>]*?\shref\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|@import\s+(?:url\()?\s*[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//",
    re.I,
)


_FOLDER_LINK = re.compile(r'(\shref=")((?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)[^"?#]*)(?<![^/".])(/|\.|\.\.)?(?=["?#])')


def _index_html(match: re.Match[str]) -> str:
    attribute, path, tail = match.group(1), match.group(2), match.group(3) or ""
    whole = path + tail
    if whole in ("", "."):
        return f"{attribute}index.html"
    if whole.endswith("/"):
        return f"{attribute}{whole}index.html"
    if whole == ".." or whole.endswith(("/.", "/..")):
        return f"{attribute}{whole}/index.html"
    return match.group(0)


def folder_links_to_index(html: str) -> str:
    """Every relative link to a folder (``../编辑指南/``, ``.``, ``..``) as a link to its index.html."""
    return _FOLDER_LINK.sub(_index_html, html)


def outside_requests(html: str) -> list[str]:
    """The places in ``html`` that would make a browser fetch from another host."""
    return [html[m.start() : m.start() + 120] for m in _FETCHING.finditer(html)]


def on_config(config: Any) -> Any:
    if config["theme"].get("font") is not False:
        log.warning("mkdocs.yml：theme.font 应为 false，否则每个页面都会从 Google Fonts 加载字体")
    return config


_COPYRIGHT = '<div class="md-copyright">'


def guides_at_the_foot(html: str, guides: Any, up: str) -> str:
    """The foot of a page with a line of links to the guides (each {title, path}, relative to the site's
    root; ``up`` leads from the page to the root)."""
    from markupsafe import escape

    if not isinstance(guides, list) or not guides or _COPYRIGHT not in html:
        return html
    links = "".join(
        f'<a href="{escape(up + str(g.get("path", "")))}">{escape(str(g.get("title", "")))}</a>'
        for g in guides
        if isinstance(g, dict)
    )
    line = f'<nav class="jixiao-guides" aria-label="说明文档"><span>说明文档：</span>{links}</nav>'
    return html.replace(_COPYRIGHT, _COPYRIGHT + line, 1)


def on_post_page(output: str, page: Any, config: Any) -> str:
    for place in outside_requests(output):
        log.warning("页面 %s 引用了外部网站的资源：%s", page.file.src_uri, place)
    up = "../" * page.url.count("/")  # mkdocs's directory addresses: 编辑指南/ is one folder down
    return folder_links_to_index(guides_at_the_foot(output, (config.get("extra") or {}).get("guides"), up))
