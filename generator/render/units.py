"""How a 度量单位 prints after a number, for the tables and the site alike."""

from __future__ import annotations

NO_UNIT = ("", "无")  # nothing printed after the number
PERCENT_WORD = "百分比"  # a unit that forms write as a word and that prints after a number as %


def printed(unit: str) -> str:
    """The unit as printed after a number: "" for none, "%" for 百分比, else as written."""
    unit = unit.strip()
    return "" if unit in NO_UNIT else "%" if unit == PERCENT_WORD else unit
