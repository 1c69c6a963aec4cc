"""``jixiao fmt`` never changes meaning: the data the loader (generator.data.load) reads from a file after fmt are
the data it read before, types included, but for fmt's documented normalisations, and nothing else.

The normalisations allowed, each stated once here (``expected``) and documented in generator/data/fmt.py:

1. text: white space at either end removed, full-width digits ０–９ and ％ made ordinary;
2. in an indicator row (a table with 一级指标 and 二级指标): an alias of 一级指标, 二级指标 or 指标值类型
   replaced by the option it stands for (``满意度`` → ``满意度指标``, ``>=`` → ``≥``), and a 指标值 written as
   text made the number it is when the row's 指标值类型 is quantitative;
3. under NUMERIC_KEYS (项目金额, 权重, …): a number written as text made that number, when it is within the
   declared bounds (generator.data.bounds);
4. under CODE_KEYS (单位编码, 项目编码, 行政区划代码): an integer written plainly made the text exactly as it
   was written: ``007630`` is the code "007630", never 7630 nor "7630"; ``0x1F`` is "0x1F".

Keys, their order, list lengths and every other value and type stay as they were. What fmt cannot format
that way it leaves alone and says why (CannotFormat with a Y diagnostic, Y014 when the result would read
differently). Checked on every sample and example file, every saved fuzzing input, and on generated files
full of what YAML reads in surprising ways: leading zeros, octal- and hex-looking codes, exponents,
``.nan``/``.inf``, huge integers, dates, yes/no/on, full-width digits, tabs, comments, CR and CRLF line ends.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, typed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from generator.data import bounds
from generator.data.bounds import OutOfRange
from generator.data.fmt import CODE_KEYS, NUMERIC_KEYS, CannotFormat, format_text, halfwidth_figures
from generator.data.load import Document, parse
from generator.data.normalize import as_number, canonical_enum_value
from generator.data.schemas import common_defs
from generator.diagnostics.catalogue import CATALOGUE

ROW_ENUMS = ("一级指标", "二级指标", "指标值类型")
PATH = ROOT / "data" / "某某区" / "2026" / "某某局" / "项目.yaml"  # where schema/ is found: fmt adds the editor line
NO_SCHEMA = Path("/nonexistent-jixiao/项目.yaml")  # no schema/ above it: fmt adds no editor line


class Unaligned(Exception):
    """The node tree does not line up with the data (a ``<<`` merge key): compared by another test."""


def expected(doc: Document) -> Any:
    """The data fmt must leave: ``doc``'s data with the allowed normalisations applied, using how each
    value was written (its node: the text, and whether it was quoted)."""
    return _expected(doc.data, doc.node_tree(), None)


def _expected(value: Any, node: Any, key: Any) -> Any:
    if isinstance(value, dict):
        if not isinstance(node, MappingNode) or len(node.value) != len(value):
            raise Unaligned
        out = {k: _expected(v, value_node, k) for (k, v), (_, value_node) in zip(value.items(), node.value, strict=True)}
        if "一级指标" in out and "二级指标" in out:  # 2.
            for name in ROW_ENUMS:
                fixed = canonical_enum_value(out.get(name), common_defs()[name]["enum"])
                if fixed is not None:
                    out[name] = fixed
            if out.get("指标值类型") not in (None, "定性") and type(out.get("指标值")) is str:
                out["指标值"] = _number_or_text(out["指标值"])
        return out
    if isinstance(value, list):
        if not isinstance(node, SequenceNode) or len(node.value) != len(value):
            raise Unaligned
        return [_expected(v, n, None) for v, n in zip(value, node.value, strict=True)]
    assert isinstance(node, ScalarNode), node
    if type(value) is str:  # text, not a number kept as text (OutOfRange)
        cleaned = halfwidth_figures(value.strip())  # 1.
        return _number_or_text(cleaned) if key in NUMERIC_KEYS else cleaned  # 3.
    written_integer = node.tag == "tag:yaml.org,2002:int" and not node.style  # an int, or one kept as text
    if key in CODE_KEYS and written_integer and (type(value) is int or isinstance(value, OutOfRange)):
        return node.value  # 4.
    return value


def _number_or_text(text: str) -> Any:
    number = as_number(text)
    if number is None or not bounds.within(number):
        return text
    return int(number) if number == number.to_integral_value() and "." not in str(number) else number


def assert_keeps_meaning(text: str, path: Path = PATH) -> str | None:
    """fmt on ``text`` keeps its meaning and is idempotent; the formatted text, or None when fmt (rightly)
    left it alone."""
    before = parse(text, path)
    if not isinstance(before, Document):
        return None  # fmt reports the loader's finding and leaves such a file alone (test_fmt.py)
    try:
        once = format_text(text, path)
    except CannotFormat as exc:
        diag = exc.diagnostic  # left alone, saying why and where
        assert diag.code in CATALOGUE and diag.code.startswith("Y"), diag
        assert diag.line >= 1 and diag.column >= 1 and re.search("[\u4e00-\u9fff]", diag.message), diag
        return None
    after = parse(once, path)
    assert isinstance(after, Document), (after, once)
    try:
        wanted = expected(before)
    except Unaligned:
        wanted = before.data if once == text else None
    if wanted is not None:
        assert typed(after.data) == typed(wanted), (text, once)
    assert format_text(once, path) == once, once
    return once


# --- every file at hand ------------------------------------------------------------------------------------

CORPUS = sorted(
    p
    for folder in ("data", "tests/examples", "tests/fuzz/regressions/fuzz_fmt", "tests/fuzz/regressions/fuzz_load")
    for p in (ROOT / folder).rglob("*")
    if p.is_file() and not p.is_symlink() and (p.suffix in (".yaml", ".yml") or "regressions" in p.parts)
)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fmt_keeps_the_meaning_of_every_file_at_hand(path: Path) -> None:
    raw = path.read_bytes()
    if "regressions" in path.parts:  # a harness's input: its first byte picks the kind of file
        raw = raw[1:]
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return
    once = assert_keeps_meaning(text, path if path.is_relative_to(ROOT / "data") else PATH)
    if path.is_relative_to(ROOT / "data"):
        assert once == text, "every sample file is in canonical form, and fmt can format it"


# --- generated files -----------------------------------------------------------------------------------------

# Plain scalars YAML reads in surprising ways, as an editor might write them.
PLAIN = [
    "007630",
    "0076",
    "00",
    "0",
    "-0",
    "+5",
    "010",
    "0o17",
    "0x1F",
    "0xff",
    "0b101",
    "1_000",
    "1e3",
    "1E+3",
    "1.5e-7",
    "5e999999999",
    "-1e999999",
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "+.inf",
    "12345678901234567890",
    "1" + "0" * 5000,
    "999999999999",
    "1000000000000",
    "0.000001",
    "0.0000001",
    "22.95",
    "10.50",
    "1.0",
    "2026-01-01",
    "2026-01-01 10:00:00",
    "2026-1-1",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "true",
    "False",
    "TRUE",
    "~",
    "null",
    "Null",
    "",
    "1:30",
    "=",
    "≥",
    "≤",
    "满意度",
    "数量",
    "定性指标",
    "产出",
    "１２",
    "１２.５",
    "０７６３０",
    "甲",
    "万元",
    "2026.01-2026.12",
    "13020225P008911100023",
    "763001",
    "430212",
    "项目 名称",
    "１，０００",
]
QUOTED = [
    "'  甲 '",
    "' １２ '",
    "'1,000'",
    "'007630'",
    "'1e3'",
    "'.nan'",
    "'１２'",
    "'>='",
    "'<='",
    "' 满意度 '",
    "'１２３４５６７８９０１２３４５'",
    "'yes'",
    "'2026-01-01'",
    "'%'",
    "'0x1F'",
    '"\\t甲\\t"',
    "'甲\t乙'",
    "'=1+1'",
    "' 22.95 '",
    "'１０.５'",
    "'1" + "0" * 5000 + "'",
    "'00.50'",
    "'-3'",
    "'+5'",
    "'.5'",
]


def double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: what YAML cannot hold as it is, escaped."""

    def escaped(c: str) -> str:
        if c in '\\"':
            return "\\" + c
        printable = c in "\t" or " " <= c <= "~" or "\xa0" <= c <= "\ud7ff" or ("\ue000" <= c <= "\ufffd" and c != "\ufeff")
        if printable or ord(c) > 0xFFFF:
            return c
        return f"\\u{ord(c):04x}"

    return '"' + "".join(map(escaped, text)) + '"'


random_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=8).map(double_quoted)
scalar = st.one_of(st.sampled_from(PLAIN), st.sampled_from(QUOTED), random_text)

KEYS = [
    "项目名称",
    "项目金额",
    "单位编码",
    "项目编码",
    "行政区划代码",
    "备注",
    "序号",
    "实施期",
    "满意度下限",
    "资金用途",
    "预算",
    "其他",
]
ROW_KEYS = ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "度量单位", "权重", "备注"]


@st.composite
def row(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(ROW_KEYS[2:]), unique=True, max_size=6))
    rows = {
        "一级指标": draw(st.sampled_from(["产出指标", "满意度", "效益", " 成本指标 ", "'产出'"])),
        "二级指标": draw(st.sampled_from(["数量", "数量指标", "服务对象 满意度", "经济成本", "质量指标"])),
    }
    operators = st.sampled_from(["≥", "'>='", "'<='", "定性", "定性指标", "'='", "大于等于", "≤"])
    for key in keys:
        rows[key] = draw(operators if key == "指标值类型" else scalar)
    return rows


@st.composite
def document(draw: st.DrawFn) -> str:
    """A data file as an editor might write it: odd values, comments, tabs, indentation and line ends."""
    fields: dict[str, Any] = {
        key: draw(scalar) for key in draw(st.lists(st.sampled_from(KEYS), unique=True, min_size=1, max_size=6))
    }
    if draw(st.booleans()):
        fields["资金来源"] = {"财政资金": draw(scalar), "其他资金": draw(scalar)}
    if draw(st.booleans()):
        fields["本年度绩效目标"] = draw(st.lists(scalar, min_size=1, max_size=3))
    if draw(st.booleans()):
        fields["绩效指标"] = draw(st.lists(row(), min_size=1, max_size=3))
    indent = draw(st.sampled_from([2, 4]))
    nested_list = draw(st.booleans())  # "- " under its key, or indented below it
    comments = ["", "", "", "  # 注释", " #", "  # 注释: 甲"]
    if draw(st.integers(0, 9)) == 0:  # libyaml reads a tab before a comment, the round-trip parser does not
        comments.append("\t# 制表符后的注释")
    comment = st.sampled_from(comments)
    lines: list[str] = []
    if draw(st.integers(0, 5)) == 0:  # the round-trip parser honours %YAML 1.1 (yes, 010, 1:30); the loader does not
        lines += draw(st.sampled_from([["---"], ["%YAML 1.2", "---"], ["%YAML 1.1", "---"], ["--- # 注释"]]))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["# 文件开头的注释", "# yaml-language-server: $schema=../x.json"])))

    def mapping(items: dict[str, Any], pad: str, first: str | None = None) -> None:
        for i, (key, value) in enumerate(items.items()):
            lead = first if (first is not None and i == 0) else pad
            if isinstance(value, dict):
                lines.append(f"{lead}{key}:{draw(comment)}")
                mapping(value, pad + " " * indent)
            elif isinstance(value, list):
                lines.append(f"{lead}{key}:{draw(comment)}")
                dash = pad + (" " * indent if nested_list else "")
                for item in value:
                    if isinstance(item, dict):
                        mapping(item, dash + "  ", first=dash + "- ")
                    else:
                        lines.append(f"{dash}- {item}{draw(comment)}")
            else:
                lines.append(f"{lead}{key}: {value}{draw(comment)}".rstrip(" ") + draw(st.sampled_from(["", "", " "])))
            if draw(st.integers(0, 5)) == 0:
                lines.append(draw(st.sampled_from(["", "# 中间的注释", "  # 缩进的注释"])))

    mapping(fields, "")
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return newline.join(lines) + draw(st.sampled_from([newline, ""]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=document())
def test_fmt_keeps_the_meaning_of_generated_files(text: str) -> None:
    assert_keeps_meaning(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=document().filter(lambda t: "\t" not in t))
def test_fmt_formats_every_generated_file_without_tabs(text: str) -> None:
    """The safety net is not an excuse: files an editor writes are formatted, not refused; only a tab the
    round-trip parser does not read (Y005) is."""
    if isinstance(parse(text, PATH), Document):
        assert assert_keeps_meaning(text) is not None, text


# --- what generation found, and the item of the reliability issue ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("单位编码: 007630\n", "007630"),
        ("单位编码: 0x1F\n", "0x1F"),
        ("单位编码: 0o17\n", "0o17"),
        ("行政区划代码: 430212\n", "430212"),
        ("项目编码: 1302022500891110002\n", "1302022500891110002"),  # beyond the bounds: text all along
    ],
)
def test_a_code_written_as_a_number_becomes_the_text_as_written(text: str, want: str) -> None:
    out = format_text(text, NO_SCHEMA)
    after = parse(out, NO_SCHEMA)
    assert isinstance(after, Document)
    key = text.split(":")[0]
    assert typed(after.data[key]) == typed(want)
    assert re.search(rf"^{key}: '{want}'$", out, re.M), out


def test_a_file_with_cr_line_ends_keeps_every_line() -> None:
    """With CR alone between lines, the editor line swallowed the next one: 项目名称 was lost."""
    # A web address: a line naming a file that is not there would be removed (P008).
    text = "# yaml-language-server: $schema=https://example.invalid/x.json\r项目名称: 甲\r项目金额: 10\r"
    out = format_text(text, NO_SCHEMA)
    assert out == "# yaml-language-server: $schema=https://example.invalid/x.json\n项目名称: 甲\n项目金额: 10\n"
    assert assert_keeps_meaning(text, NO_SCHEMA) == out


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1" + "0" * 5000, "'1" + "0" * 5000 + "'", "5e999999999"])
def test_fmt_keeps_values_check_refuses(value: str) -> None:
    """fmt raised on these (float(".nan"), int() of 5000 digits); check reports each cleanly."""
    for key in ("项目金额", "备注"):
        text = f"项目名称: 甲\n{key}: {value}\n"
        assert assert_keeps_meaning(text, NO_SCHEMA) == text


def test_a_yaml_directive_goes_and_the_meaning_stays() -> None:
    """Found by the property above: the round-trip parser obeyed ``%YAML 1.1`` while jixiao's loader reads
    every file the one way, so 0o17 changed meaning on the way through fmt. The directive goes; the value
    is written so that it reads as it did."""
    text = "%YAML 1.1\n---\n项目名称: 007630\n\n项目金额: 007630\n单位编码: 0o17\n"
    once = assert_keeps_meaning(text)
    assert once is not None and "%YAML" not in once and "---" not in once
    assert "单位编码: '0o17'\n" in once
    assert format_text(once, PATH) == once


def test_a_comment_above_a_bare_document_start_is_kept() -> None:
    text = "# 说明：本表由某某局填报\n---\n项目名称: 甲\n"
    once = format_text(text, PATH)
    assert "# 说明：本表由某某局填报\n项目名称: 甲\n" in once
    assert format_text(once, PATH) == once
