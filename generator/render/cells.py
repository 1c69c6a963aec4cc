"""How values print: numbers exactly as in the data, lists numbered, indicator values with operators.

Amounts are Decimals from the loader and stay Decimals: 10 prints 10, 22.95 prints 22.95, and a
layout that prints two decimals (金额小数位: 2, 10.00) pads without ever rounding a digit away.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Any

from generator.data import fields as F
from generator.render import units
from generator.render.form import Cell
from generator.render.layout import MONEY, PERCENT, PLACEHOLDER

OPERATORS_PRINTED = ("≥", "≤", ">", "<")  # "=" and 定性 print the value alone, as the forms do
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """Text safe for XML (Word, Excel): characters XML cannot hold become U+FFFD, visibly.

    ``jixiao check`` refuses such characters (H004), so this only matters for unchecked input.
    """
    return _ILLEGAL.sub("\ufffd", text)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def plain(value: Decimal | int) -> str:
    """A number as written, never in exponent notation (Decimal("1E+2") prints 100)."""
    return format(Decimal(value), "f")


def money(value: Decimal | int, places: int | None) -> Decimal:
    """Pad to ``places`` decimals (10 → 10.00); a value with more decimals keeps them all."""
    number = Decimal(value)
    if places is None or _decimals(number) >= places:
        return number
    return number.quantize(Decimal(1).scaleb(-places))


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def decimals(value: Any) -> int:
    """How many decimals a number is written with (0 for what is not a number)."""
    return _decimals(Decimal(value)) if is_number(value) else 0


def excel_format(value: Decimal, percent: bool = False, thousands: bool = False) -> str:
    """An Excel number format that shows ``value`` with exactly its decimals (and thousands separators)."""
    places = _decimals(value)
    if percent:
        places = max(0, places - 2)
    whole = "#,##0" if thousands else "0"
    return (whole + "." + "0" * places if places else whole) + ("%" if percent else "")


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path (预算情况.按收入性质分.一般公共预算), or None when absent."""
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if is_number(value):
        return plain(value)
    if isinstance(value, list):
        return "；".join(text_of(v) for v in value)
    return clean(str(value))


def fill(template: str, context: dict[str, Any]) -> str:
    """Replace each {路径} of a layout text with the value from the data."""
    return PLACEHOLDER.sub(lambda m: text_of(lookup(context, m.group(1))), template)


def lines_of(text: str) -> tuple[str, ...]:
    body = clean(text).rstrip("\n")
    return tuple(body.split("\n")) if body else ()


def numbered(items: list[Any], pattern: str) -> tuple[str, ...]:
    return tuple(pattern.replace("{n}", str(i)) + text_of(item) for i, item in enumerate(items, start=1))


def value_cell(
    value: Any,
    *,
    fmt: str = "",
    places: int | None = None,
    numbering: str = "{n}.",
    colspan: int = 1,
    rowspan: int = 1,
    align: str = "",
    thousands: bool = False,
) -> Cell:
    """The cell that prints ``value``: text, a numbered list, or a number Excel keeps as a number (an
    amount with thousands separators when the layout prints them so)."""
    lines: tuple[str, ...] = ()
    number: Decimal | None = None
    number_format = ""
    if is_number(value):
        shown = money(value, places) if fmt == MONEY else Decimal(value)
        # a percentage keeps the decimals it is shown with (92.00% stays 0.9200, not 0.92 shown as 92%)
        number = (shown / 100).quantize(Decimal(1).scaleb(-_decimals(shown) - 2)) if fmt == PERCENT else shown
        separated = thousands and fmt == MONEY
        lines = ((format(shown, ",f") if separated else plain(shown)) + ("%" if fmt == PERCENT else ""),)
        number_format = excel_format(number, percent=fmt == PERCENT, thousands=separated)
    elif isinstance(value, list):
        lines = numbered(value, numbering)
    elif value is not None:
        lines = lines_of(str(value))
    return Cell(lines, colspan=colspan, rowspan=rowspan, number=number, number_format=number_format, align=align)


def with_operator(row: dict[str, Any]) -> str:
    """指标值 as the Hebei form prints it: operator, value and unit in one cell ("≥85%"; the unit 百分比 as %)."""
    value = row.get(F.VALUE)
    if value is None:
        return ""
    operator = row.get(F.OPERATOR)
    if operator == "定性":
        return text_of(value)
    prefix = operator if operator in OPERATORS_PRINTED else ""
    return f"{prefix}{text_of(value)}{clean(units.printed(str(row.get(F.MEASURE) or '')))}"


@lru_cache(maxsize=1 << 16)  # the same labels and values come back in every table
def width_em(text: str) -> float:
    """The printed width of a line in ems: Chinese characters are one em, Latin letters and digits half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)
