"""The declared bounds of a value in a data file: how large a number, how many digits, how long a text.

Whatever ``jixiao check`` accepts, ``build``, ``diff``, ``fmt`` and every export must handle exactly, in
bounded time and memory. A number is one YAML scalar, and "5e999999999" is one too: written out plainly
it is a billion characters, and Decimal arithmetic on it overflows. So the bounds are declared here,
once, and chosen far beyond any real table:

- MAX_MAGNITUDE: every number is smaller than 10^12 in absolute value. A whole province's budget is
  about 10^8 万元 (10^12 元: a region keeping its amounts in 元 still fits), and no count, rate or
  weight of an indicator comes near it.
- MAX_PLACES: at most 6 decimal places. In 万元, the sixth place is one 分; nothing finer is meant.
- MAX_SIGNIFICANT: at most 15 significant digits, what a binary double (an Excel cell, a JSON number
  read by a spreadsheet or JavaScript) holds exactly: the exports never round a digit away.
- MAX_TEXT: a text has at most 32,767 characters, what an Excel cell holds (the official tables'
  XLSX files). jixiao never truncates a text silently; it refuses it here.

Within these bounds every sum a unit or region needs (10^4 amounts < 10^16, 6 places) stays exact in
Decimal's default 28 digits, so quantizing to the two places a layout prints never fails.

How they hold (generator.data.parser): the loader keeps a number beyond them as the text it was written
as (``OutOfRange``), so nothing downstream (rules, reports, diff, the cache, the renderers) ever meets
one as a number; the schema check (generator.data.schemas) reports each, and each over-long text, with a
code (S010, S011, S012) at its line and column, as errors of the file.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_MAGNITUDE_DIGITS = 12
MAX_MAGNITUDE = 10**MAX_MAGNITUDE_DIGITS
MAX_PLACES = 6
MAX_SIGNIFICANT = 15
MAX_TEXT = 32_767
SHOWN = 24  # characters of an out-of-range number a message quotes


class OutOfRange(str):
    """A number beyond the bounds, kept as the text it was written as (``5e999999999``).

    A ``str``: whatever handles text handles it in bounded time, and the schema refuses it where a
    number belongs (``findings`` says why; generator.data.schemas leaves the type error out).
    """

    __slots__ = ()
    made = 0  # in this process, so far: the loader compares the count before and after reading a file

    def __new__(cls, text: str) -> OutOfRange:
        OutOfRange.made += 1
        return super().__new__(cls, text)


def within(number: int | Decimal) -> bool:
    """Whether a number read from a file is inside the bounds (computed without expanding it)."""
    if isinstance(number, int):  # 12 digits at most: fewer than MAX_SIGNIFICANT
        return bool(-MAX_MAGNITUDE < number < MAX_MAGNITUDE)
    if not number.is_finite():
        return False
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if number.adjusted() >= MAX_MAGNITUDE_DIGITS or exponent < -MAX_PLACES:
        return False  # checked first: it bounds the digits counted next
    return _significant("".join(map(str, number.as_tuple().digits))) <= MAX_SIGNIFICANT


def _significant(digits: str) -> int:
    return len(digits.strip("0")) or 1


_HUGE_DECIMAL = re.compile(r"[-+]?[0-9_]*[0-9][0-9_]*")


def is_number_text(text: str) -> bool:
    """Decimal digits (as YAML's integer pattern admits them) that int() refuses to read: too many of them."""
    return bool(_HUGE_DECIMAL.fullmatch(text))


def problem(text: str) -> tuple[str, dict[str, object]]:
    """The code and message parameters for an out-of-range number written as ``text``."""
    try:
        number = Decimal(text.replace("_", ""))
    except (InvalidOperation, ValueError):  # 0x…, 0o…, 0b…: integers, out of range by their size
        return "S010", {"limit": _limit()}
    if not number.is_finite() or number.adjusted() >= MAX_MAGNITUDE_DIGITS:
        return "S010", {"limit": _limit()}
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -MAX_PLACES:
        return "S011", {"problem": f"小数点后有 {-exponent} 位，最多 {MAX_PLACES} 位"}
    digits = _significant("".join(map(str, number.as_tuple().digits)))
    return "S011", {"problem": f"有 {digits} 位有效数字，最多 {MAX_SIGNIFICANT} 位"}


def _limit() -> str:
    return f"1 万亿（10^{MAX_MAGNITUDE_DIGITS}）"


def shown(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + f"…（共 {len(text)} 个字符）"
