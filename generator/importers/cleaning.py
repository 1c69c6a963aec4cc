"""Repairing the text of a cell: what extraction from Word, web pages and PDF leaves behind.

Each function returns the repaired text and the list of repairs it made (in Chinese, for the
diagnostic that reports them): HTML tags and entities, Word bookmarks, invisible characters,
full-width digits, and spaces left by line wraps inside Chinese words. Punctuation is left as the
author wrote it (a half-width comma in Chinese text stays: it is not extraction damage).

Lists are split where the source clearly numbered them or made paragraphs of them (``<p>`` blocks,
lines, "1. … 2. …" in one cell); the numbers themselves are dropped, because the order of the
list keeps them.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata

from generator.check.rules.hygiene import BOOKMARK, CJK, HTML_TAG, ZERO_WIDTH
from generator.data.fmt import halfwidth_digits

WRAP = re.compile(rf"(?<={CJK})[ \t\u00a0\u3000]+(?={CJK})")
PARAGRAPH = re.compile(r"<p(?:\s[^<>]*)?>(.*?)</p>", re.IGNORECASE | re.DOTALL)
BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
NUMBERING = re.compile(r"^\s*(?:\d{1,2}\s*[.、．。:：)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}\s*[、.．])\s*")
INLINE_NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,2})\s*[.、．。](?!\d)")


def _invisible(text: str) -> str:
    return "".join(c for c in text if c == "\n" or not (c in ZERO_WIDTH or unicodedata.category(c) == "Cc"))


def clean(text: str, fixes: list[str] | None = None) -> tuple[str, list[str]]:
    """One piece of text repaired; ``fixes`` (appended to) names each kind of repair made."""
    fixes = [] if fixes is None else fixes
    out = text
    if BOOKMARK.search(out):
        out = BOOKMARK.sub("", out)
        fixes.append("删除了书签标记")
    if HTML_TAG.search(out):
        out = html.unescape(HTML_TAG.sub("", BREAK.sub("\n", out)))
        fixes.append("删除了 HTML 标签")
    if (visible := _invisible(out)) != out:
        out = visible
        fixes.append("删除了不可见字符")
    if (digits := halfwidth_digits(out)) != out:
        out = digits
        fixes.append("全角数字改为半角")
    out = "\n".join(line.strip() for line in out.strip().split("\n"))
    if WRAP.search(out):
        out = WRAP.sub("", out)
        fixes.append("删除了换行留下的空格")
    return out, list(dict.fromkeys(fixes))


def _numbered_parts(text: str) -> list[str] | None:
    """ "1. 甲。 2. 乙。" → ["1. 甲。", "2. 乙。"] when the numbers run 1, 2, 3… from the start."""
    chosen: list[re.Match[str]] = []
    for match in INLINE_NUMBER.finditer(text):
        if int(match.group(1)) == len(chosen) + 1:
            chosen.append(match)
    if len(chosen) < 2 or chosen[0].start() != len(text) - len(text.lstrip()):
        return None
    bounds = [m.start() for m in chosen] + [len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def paragraphs(text: str) -> tuple[list[str], list[str]]:
    """The items of a cell that holds a list, each repaired and without its number."""
    fixes: list[str] = []
    blocks = [m.group(1) for m in PARAGRAPH.finditer(text)]
    if len(blocks) >= 2:
        parts = blocks
        fixes.append("按 <p> 段落分条")
    elif "\n" in text.strip():
        parts = text.split("\n")
    else:
        parts = _numbered_parts(text) or [text]
    items = []
    for part in parts:
        cleaned, _ = clean(part, fixes)
        cleaned = NUMBERING.sub("", cleaned, count=1) if len(parts) > 1 or NUMBERING.match(cleaned) else cleaned
        if cleaned:
            items.append(cleaned)
    return items, list(dict.fromkeys(fixes))


def strip_number(text: str) -> str:
    return NUMBERING.sub("", text, count=1)
