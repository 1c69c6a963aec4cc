"""A bar chart of budget by unit, drawn as inline SVG when the site is built.

No script and no request: the chart is part of the page. Names are escaped like any data text;
numbers are the exact Decimals of the data, only the bar lengths are rounded. The chart has a
title and a description for screen readers, and the same figures are in the table beside it.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from generator.render.cells import plain, width_em

MAX_BARS = 15
ROW = 26
LABEL_EM = 10  # the widest name shown in full, in ems
FONT = 13
BAR_COLOUR = "#1f5f99"  # 6.9:1 on white: the bar values sit beside it in the text colour
TEXT_COLOUR = "#222"


def _shorten(name: str, limit: float = LABEL_EM) -> str:
    """A name that fits the label column: its beginning and its end, the middle left out.

    Unit names of one region share their beginning (中共株洲市渌口区委…), so the end is what tells
    them apart (…组织部, …社会工作部).
    """
    if width_em(name) <= limit:
        return name
    head = name[:3]
    tail = ""
    for char in reversed(name[3:]):
        if width_em(head + "…" + char + tail) > limit:
            break
        tail = char + tail
    return f"{head}…{tail}"


def budget_chart(items: list[tuple[str, Decimal]], money_unit: str, title: str, ident: str) -> Markup:
    """Horizontal bars for the largest amounts; the rest are summed into one bar (其他 N 个单位)."""
    ranked = sorted(items, key=lambda item: (-item[1], item[0]))
    shown = ranked[:MAX_BARS]
    rest = ranked[MAX_BARS:]
    if rest:
        shown.append((f"其他 {len(rest)} 个单位", sum((v for _, v in rest), Decimal(0))))
    if not shown:
        return Markup("<p>没有项目。</p>")
    label_width = LABEL_EM * FONT + 8
    bar_room = 170
    value_room = 80
    width = label_width + bar_room + value_room
    height = ROW * len(shown) + 8
    top = max((v for _, v in shown), default=Decimal(0)) or Decimal(1)
    parts = [
        f'<figure class="jixiao-chart"><svg role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}">',
        f'<title id="{ident}-t">' + str(escape(title)) + "</title>",
        f'<desc id="{ident}-d">' + str(escape("；".join(f"{n}：{plain(v)} {money_unit}" for n, v in shown))) + "</desc>",
    ]
    for i, (name, value) in enumerate(shown):
        y = 4 + i * ROW
        length = max(1, round(float(value / top) * bar_room)) if value > 0 else 0
        parts.append(
            f"<g><title>{escape(name)}：{escape(plain(value))} {escape(money_unit)}</title>"
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="{TEXT_COLOUR}">{escape(_shorten(name))}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{ROW - 8}" fill="{BAR_COLOUR}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 17}" fill="{TEXT_COLOUR}">{escape(plain(value))}</text></g>'
        )
    parts.append(f"</svg><figcaption>{escape(title)}（{escape(money_unit)}）</figcaption></figure>")
    return Markup("".join(parts))

