"""mkdocs hooks of the site (``hooks:`` in mkdocs.yml): no page may load anything from another host, and every
link to a page names its index.html.

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
    return [html[m.start(): m.start() + 120] for m in _FETCHING.finditer(html)]


def on_config(config: Any) -> Any:
    if config["theme"].get("font") is not False:
        log.warning("mkdocs.yml：theme.font 应为 false，否则每个页面都会从 Google Fonts 加载字体")
    return config


def on_post_page(output: str, page: Any, config: Any) -> str:
    for place in outside_requests(output):
        log.warning("页面 %s 引用了外部网站的资源：%s", page.file.src_uri, place)
    return folder_links_to_index(output)
