"""The official tables' web pages as the site serves them: a way back to the site, and the page fitted to a screen.

The tables' HTML (render/webpage.py) is a sheet of A4 paper, 794 px wide, made to be printed. In the
site each one gets a line at its top linking back to its project's (or unit's) page, and on a screen
narrower than the paper the sheet gives up its paper size and margins so the table fits the screen.
Neither shows when printed. The page is adapted as it is written (render/tables.py's ``adapt_page``),
so the file is written once.
"""

from __future__ import annotations

from markupsafe import escape

STYLE = (
    "<style>/* 本站添加：返回链接；窄屏上表格适应屏幕宽度（打印时不显示、不改变） */"
    ".jixiao-back{font:14px/1.6 sans-serif;margin:0;padding:8px 12px;background:#fff;border-bottom:1px solid #999}"
    ".jixiao-back a{color:#1f3f99}"
    "@media screen and (max-width:820px){html{background:#fff}.form,.form.landscape{width:auto;min-height:0;"
    "margin:0;padding:12px 8px;box-shadow:none}}"
    "@media print{.jixiao-back{display:none}}</style>"
)


def adapt(html: str, back_href: str, back_text: str) -> str:
    """The table's page with its way back (``back_href``, relative to the table) and the screen fitting."""
    nav = (
        f'<nav class="jixiao-back" aria-label="返回"><a href="{escape(back_href)}">← 返回：{escape(back_text)}</a>'
        "（本页为官方格式的表格，可直接打印）</nav>"
    )
    head_end = html.find("</head>")
    body = html.find("<body>")
    if head_end < 0 or body < 0:
        return html
    html = html[:head_end] + STYLE + html[head_end:]
    body = html.find("<body>") + len("<body>")
    return html[:body] + nav + html[body:]
