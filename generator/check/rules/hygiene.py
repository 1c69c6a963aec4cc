"""Text hygiene: leftovers of copying from web pages, Word and PDF (H codes).

Every text value of a project or unit file is checked, wherever it sits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.rules.common import texts
from generator.check.rules.registry import Scope, project_rule, unit_rule
from generator.data.load import Document
from generator.data.model import Project, Unit
from generator.diagnostics import Diagnostic

HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
# A line wrap turned into a space splits a word: "经济成本指 标". Newlines are kept out: in a
# block scalar they are the author's own line breaks. Spaces are found by a regular expression, the
# characters around them are compared by hand: a pattern with the ranges of Chinese characters takes
# 8 ms to compile, which every check of one file would pay.
SPACES = re.compile("[ \t\u00a0\u3000]+")
CJK = r"[\u3400-\u9fff\uf900-\ufaff]"  # the characters _chinese accepts, for patterns compiled only where needed


def _chinese(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _wrap_space(text: str) -> tuple[int, int] | None:
    """Where the first run of spaces between two Chinese characters is, with those characters."""
    for found in SPACES.finditer(text):
        start, end = found.span()
        if start > 0 and end < len(text) and _chinese(text[start - 1]) and _chinese(text[end]):
            return start - 1, end + 1
    return None


ZERO_WIDTH = frozenset("\u200b\u200c\u200d\ufeff")
# The characters that change the order in which text is shown (Unicode's Bidi_Control property):
# U+202E makes "甲乙丙" show as "丙乙甲", so a reviewer would read something else than the data holds.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Zero-width characters, direction controls and control characters but the newline. The control
# characters (Unicode category Cc) are U+0000–U+001F and U+007F–U+009F, a set Unicode never changes;
# one search of a text is much faster than asking unicodedata about each character.
INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x09\x0b-\x1f\x7f-\x9f]")
CONTEXT = 6  # characters shown on each side of a split word


def _invisible(text: str) -> str | None:
    found = INVISIBLE.search(text)
    return found.group(0) if found else None


def _excerpt(text: str, start: int, end: int) -> str:
    return text[max(0, start - CONTEXT) : end + CONTEXT]


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def check_texts(doc: Document) -> Iterator[Diagnostic]:
    for field_path, text in texts(doc.data):
        if tag := HTML_TAG.search(text):
            yield doc.diagnostic("H001", field_path, tag=tag.group(0))
        if mark := BOOKMARK.search(text):
            yield doc.diagnostic("H002", field_path, mark=mark.group(0))
        if split := _wrap_space(text):
            yield doc.diagnostic("H003", field_path, text=_excerpt(text, *split))
        if (char := _invisible(text)) is not None:
            yield doc.diagnostic("H004", field_path, char=f"U+{ord(char):04X}")
        # A block scalar ("|") ends in a newline by YAML's rules; that is not the author's space.
        body = text.rstrip("\n")
        if body != body.strip():
            yield doc.diagnostic("H005", field_path, text=_short(body))


@project_rule
def project_hygiene(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    yield from check_texts(project.doc)


@unit_rule
def unit_hygiene(unit: Unit) -> Iterator[Diagnostic]:
    yield from check_texts(unit.doc)
