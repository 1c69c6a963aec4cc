"""Syntax errors named where they are, and ``check`` and ``fmt`` agreeing on what is valid.

The golden cases in tests/examples/invalid/ show each cause once; here every line of real tables
gets each mistake in turn, and random damage to real tables must leave check and fmt of one mind:
a file check reads, fmt reads (and mends) too.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import DATA

from generator.data.fmt import CannotFormat, format_text
from generator.data.load import Document, parse
from generator.diagnostics import Diagnostic

SAMPLES = sorted(DATA.rglob("*.yaml"))
SWEPT = [p for p in SAMPLES if p.name != "单位.yaml"][:3] + [p for p in SAMPLES if p.name == "单位.yaml"][:1]


def mistakes(line: str) -> list[tuple[str, str, str]]:
    """(what, the line with the mistake, the code that must name it) for a ``字段: 值`` line."""
    at = line.index(": ")
    key, value = line[:at], line[at + 2 :]
    out = [
        ("全角冒号", f"{key}：{value}", "Y016"),
        ("全角冒号和空格", f"{key}： {value}", "Y016"),
        ("冒号后全角空格", f"{key}:\u3000{value}", "Y016"),
    ]
    if value[:1] not in ("'", '"'):
        out += [("单引号没有成对", f"{key}: '{value}", "Y015"), ("双引号没有成对", f'{key}: "{value}', "Y015")]
    return out


@pytest.mark.parametrize("path", SWEPT, ids=lambda p: p.relative_to(DATA).as_posix())
def test_each_mistake_on_each_line_is_named_at_its_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    tried = 0
    for number, line in enumerate(lines):
        if ": " not in line or line.lstrip().startswith("#") or not line.split(": ", 1)[1].strip():
            continue
        for what, damaged, code in mistakes(line):
            result = parse("\n".join([*lines[:number], damaged, *lines[number + 1 :]]), path, "x.yaml")
            if isinstance(result, Document):
                continue  # still YAML (a text that happens to hold the mark): the schema's to judge
            tried += 1
            assert (result.code, result.line) == (code, number + 1), (what, number + 1, result.message)
    assert tried >= 10


DAMAGE = [
    "\t",
    " \t",
    "\t# 注释",
    "\u3000",
    "：",
    " ",
    "'",
    '"',
    "#",
    "- ",
    ": ",
    "\u00a0",
    "\ufeff",
    "\r",
    "\u2028",
    "\x85",
    "\u2029",
    "%",
    "@",
    "`",
    "|",
    ">",
    "&",
    "*",
    "!",
    "{",
    "}",
    "[",
    "]",
    ",",
    "a\tb",
]


def test_fmt_reads_every_file_check_reads() -> None:
    """Random damage to the sample tables (seeded): whenever check reads the file, fmt formats it without
    a syntax error of its own (a tab after a colon used to be read by one and refused by the other)."""
    rnd = random.Random(18)
    read = 0
    for _ in range(300):
        path = rnd.choice(SAMPLES)
        text = path.read_text(encoding="utf-8")
        for _ in range(rnd.choice((1, 1, 2, 3))):
            at = rnd.randrange(len(text))
            text = text[:at] + rnd.choice(DAMAGE) + text[at:]
        loaded = parse(text, path, "x.yaml")
        if isinstance(loaded, Diagnostic):
            continue
        read += 1
        try:
            format_text(text, Path("/nonexistent/数据/地区/2026/单位") / path.name, loaded)
        except CannotFormat as exc:
            assert exc.diagnostic.code == "Y014", (text, exc.diagnostic.message)  # the documented refusal only
    assert read > 80
