"""A bar chart of budget by unit, written as HTML when the site is built.

No script and no request: the chart is part of the page, a list whose items are a unit's full name
(a link to its page, wrapping on a phone instead of being cut), a bar and the amount. Names are
escaped like any data text; numbers are the exact Decimals of the data, only the bar lengths are
rounded. The same figures are in the table of the page.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from generator.render.cells import plain

MAX_BARS = 15


def budget_chart(items: list[tuple[str, str, Decimal]], money_unit: str, title: str, ident: str) -> Markup:
    """Bars for the largest amounts (name, link, amount); the rest are summed into one bar (其他 N 个单位)."""
    ranked = sorted(items, key=lambda item: (-item[2], item[0]))
    shown = ranked[:MAX_BARS]
    rest = ranked[MAX_BARS:]
    if rest:
        shown.append((f"其他 {len(rest)} 个单位", "", sum((v for _, _, v in rest), Decimal(0))))
    if not shown:
        return Markup("<p>没有项目。</p>")
    top = max((v for _, _, v in shown), default=Decimal(0)) or Decimal(1)
    parts = [
        f'<figure class="jixiao-chart" aria-labelledby="{ident}"><figcaption id="{ident}">{escape(title)}'
        f"（{escape(money_unit)}）</figcaption><ol>"
    ]
    for name, link, value in shown:
        share = max(0.5, round(float(value / top) * 100, 1)) if value > 0 else 0
        label = f'<a href="{escape(link)}">{escape(name)}</a>' if link else str(escape(name))
        parts.append(
            f'<li><span class="jixiao-bar-name">{label}</span><span class="jixiao-bar">'
            f'<span style="width:{share}%"></span></span><span class="jixiao-bar-value">'
            f"{escape(plain(value))}</span></li>"
        )
    parts.append("</ol></figure>")
    return Markup("".join(parts))
