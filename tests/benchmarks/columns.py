"""Columns of the benchmarks' printed tables that stay aligned with Chinese labels.

A terminal gives a wide character (汉字, full-width punctuation such as （）and ，) two places, where
``str.ljust`` and an f-string's ``:<26`` count one: a label of Chinese text pushed the columns to its
right out of line. These pad by the width a terminal shows (Unicode's East Asian Width: W and F are two).
"""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """How many places ``text`` takes in a terminal."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def left(text: object, places: int) -> str:
    """``text`` then spaces, ``places`` wide in all (never cut: a longer text is left as it is)."""
    shown = str(text)
    return shown + " " * max(0, places - width(shown))


def right(text: object, places: int) -> str:
    """Spaces then ``text``, ``places`` wide in all."""
    shown = str(text)
    return " " * max(0, places - width(shown)) + shown
