"""mkdocs hooks of the site (``hooks:`` in mkdocs.yml): no page may load anything from another host.

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
    return output
