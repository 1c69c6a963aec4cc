"""Reading data files (generator/data/load.py): nesting is measured exactly, and only nesting refuses a file.

The loader bounds nesting before the (recursive) composer sees a file: a cheap upper bound clears most
files, and the parser's event stream decides the rest. Brackets, dashes, indentation, ``&``, ``*`` and
``!`` inside texts must never refuse a valid file; a file nested deeper than the limit is refused at
its first collection too deep, without reading on (test_limits.py runs the hostile cases in a child
process with capped memory and a timeout).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import typed
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.data.load import MAX_BYTES, MAX_DEPTH, Document, parse
from generator.diagnostics import Diagnostic

PUNCTUATION = "&*![]{}#|>'\"%@`,?:-"


def _load(text: str) -> Document | Diagnostic:
    return parse(text, Path("项目.yaml"), "项目.yaml")


def _ruamels(text: str) -> Any:
    """ruamel's own safe loading, in pure Python: a reader independent of the C parser the loader uses."""
    return YAML(typ="safe", pure=True).load(text)


def _nested(levels: int) -> str:
    """A file whose deepest collection is at ``levels``: the top mapping, a list, then flow lists."""
    return "项目名称: R&D\n绩效指标:\n  - " + "[" * (levels - 2) + "甲" + "]" * (levels - 2) + "\n"


@pytest.mark.parametrize("marker", ["", "说明: R&D*!\n"], ids=["bound only", "with & * !"])
def test_nesting_up_to_the_limit_loads_and_one_level_more_is_refused_where_it_starts(marker: str) -> None:
    deepest = _load(marker + _nested(MAX_DEPTH))
    assert isinstance(deepest, Document), deepest
    too_deep = _load(marker + _nested(MAX_DEPTH + 1))
    assert isinstance(too_deep, Diagnostic) and too_deep.code == "Y010", too_deep
    # The first list too deep: line 3 (4 with the marker), at its "[", after "  - " and 62 other brackets.
    assert (too_deep.line, too_deep.column) == (3 + bool(marker), 5 + MAX_DEPTH - 2)


def test_a_file_of_more_collections_than_the_limit_with_an_ampersand_in_a_text_loads() -> None:
    """Each collection that ends gives its level back: 70 indicators are 70 mappings side by side."""
    rows = "".join(f"  - 三级指标: 第{i}项 R&D\n    指标值: {i}\n" for i in range(70))
    loaded = _load("项目名称: 研发*项目!\n绩效指标:\n" + rows)
    assert isinstance(loaded, Document), loaded
    assert loaded.data["项目名称"] == "研发*项目!"
    assert [row["指标值"] for row in loaded.data["绩效指标"]] == list(range(70))


@pytest.mark.parametrize(
    "value",
    [
        "'" + "[" * 300 + "'",
        '"' + "{[" * 300 + '"',
        "甲" + "[" * 300,
        "甲" + "[{" * 150 + " & *a !b",
        "|\n" + "".join(f"  {' ' * n}- 第{n}行\n" for n in range(300)),
    ],
    ids=["single-quoted", "double-quoted", "plain", "plain with & * !", "indented block text"],
)
def test_brackets_dashes_and_indentation_inside_texts_never_refuse_a_file(value: str) -> None:
    text = f"项目名称: 甲\n本年度绩效目标: {value}\n"
    loaded = _load(text)
    assert isinstance(loaded, Document), loaded
    assert loaded.data == _ruamels(text)


# --- any long valid file loads, as ruamel reads it ----------------------------------------------------------


def _plain(text: str) -> str:
    """``text`` made a plain (unquoted) YAML text: no ": " or " #" inside, nothing to trim at the end."""
    while ": " in text or " #" in text:
        text = text.replace(": ", ":").replace(" #", "#")
    return "甲" + text.rstrip(" :")


_TEXT = st.text(alphabet=PUNCTUATION + " 甲乙丙指标RD01", min_size=1, max_size=24)


@st.composite
def _texts(draw: st.DrawFn) -> tuple[str, str, str]:
    """(the text, how it is written in block context, how it is written in a flow collection)."""
    text = draw(_TEXT)
    style = draw(st.sampled_from(["plain", "single", "double"]))
    single = "'" + text.replace("'", "''") + "'"
    double = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style == "plain":  # in a flow collection, where "[]{}," end a plain text, it is quoted
        text = _plain(text)
        return text, text, "'" + text.replace("'", "''") + "'"
    written = single if style == "single" else double
    return text, written, written


@st.composite
def long_files(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A project file of hundreds of indicators (some written as flow mappings), every YAML punctuation
    character inside its texts, a block text indented up to 300 columns and flow lists nested up to the
    limit; with the data it holds."""
    texts = draw(st.lists(_texts(), min_size=5, max_size=30))
    count = draw(st.integers(min_value=100, max_value=250))
    depth = draw(st.integers(min_value=0, max_value=MAX_DEPTH - 3))  # under the top mapping, the list, a row
    indents = draw(st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=8))
    lines = ["项目名称: R&D*项目!", "说明: |2-", *(f"  {' ' * n}{PUNCTUATION}{n}" for n in indents), "绩效指标:"]
    data: dict[str, Any] = {"项目名称": "R&D*项目!", "说明": "\n".join(f"{' ' * n}{PUNCTUATION}{n}" for n in indents)}
    rows = []
    for i in range(count):
        first, second = texts[i % len(texts)], texts[(i * 7 + 3) % len(texts)]
        if i % 5 == 4:
            lines.append(f"  - {{一级指标: {first[2]}, 三级指标: {second[2]}, 指标值: {i}}}")
            rows.append({"一级指标": first[0], "三级指标": second[0], "指标值": i})
        else:
            lines += [f"  - 一级指标: {first[1]}", f"    三级指标: {second[1]}", f"    指标值: {i}"]
            rows.append({"一级指标": first[0], "三级指标": second[0], "指标值": i})
        if i == count // 10 * 5:  # a row written as a block mapping
            lines.append("    嵌套: " + "[" * depth + first[2] + "]" * depth)
            inner: Any = first[0]
            for _ in range(depth):
                inner = [inner]
            rows[-1]["嵌套"] = inner
    data["绩效指标"] = rows
    return "\n".join(lines) + "\n", data


@settings(max_examples=25, deadline=None)
@given(long_files())
def test_long_valid_files_with_every_punctuation_mark_in_their_texts_load_as_ruamel_reads_them(
    case: tuple[str, dict[str, Any]],
) -> None:
    text, data = case
    assert len(text.encode()) <= MAX_BYTES
    loaded = _load(text)
    assert isinstance(loaded, Document), (loaded, text[:2000])
    assert typed(loaded.data) == typed(data)
    assert typed(loaded.data) == typed(_ruamels(text))
    assert re.search(r"[&*!]", text)
