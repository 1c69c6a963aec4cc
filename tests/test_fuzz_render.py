"""Property-based tests of the official tables: any project or unit that passes the schema renders as
HTML, Word and Excel without raising; its text never becomes markup in the HTML (rendered again
with ``< > & " '`` masked, the pages must have the same tags); no Excel cell is ever a formula; and
every Word and Excel part is well-formed XML.

The text is hostile on purpose: markup, template syntax, formula starts (= + - @ tab CR), entities,
right-to-left overrides, control characters and any Unicode. The checks are those of the
coverage-guided render fuzzer (tests/fuzz/fuzz_render.py), which this test calls.
"""

from __future__ import annotations

import io
import sys
from typing import Any

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

sys.path[:0] = [str(ROOT / "tests" / "fuzz")]
import fuzz_render  # noqa: E402  (tests/fuzz/fuzz_render.py)

from generator.data.load import Document, parse  # noqa: E402
from generator.data.schemas import common_defs, load_schema, validate  # noqa: E402

HOSTILE = [
    "<script>alert(1)</script>",
    "<td>",
    "</table>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "{% raw %}",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "&amp;",
    "&lt;b&gt;",
    "\"'",
    "javascript:alert(1)",
    "\u202e",
    "\x01",
    "\x7f",
    "\ufffe",
    "](http://x)",
    "| a |",
    "*强调*",
    "甲",
    "10",
    "/",
    "\n",
    "<!--",
    "]]>",
    "<![CDATA[",
    "\\",
]
hostile_text = st.one_of(
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map("".join),
    st.text(min_size=1, max_size=12),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=3)), min_size=1, max_size=6).map("".join),
).filter(lambda s: s.strip() != "")  # an empty text is a schema error (minLength), not a rendering


def _enum(name: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(common_defs()[name]["enum"])


# What check accepts, up to its bounds (generator.data.bounds): the largest amount, the most places, the most digits.
AT_THE_BOUNDS = [999_999_999_999, 999999999999.99, 0.000001, 123456789.123456, 99999999.999999, 100000000000.001]
AMOUNT = st.one_of(st.integers(0, 10**7), st.decimals(0, 10**7, places=2).map(str).map(float), st.sampled_from(AT_THE_BOUNDS))


@st.composite
def indicator(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {"一级指标": draw(_enum("一级指标")), "二级指标": draw(_enum("二级指标"))}
    if draw(st.booleans()):
        operator = draw(_enum("指标值类型"))
        row.update(
            {
                "三级指标": draw(hostile_text),
                "指标值类型": operator,
                "指标值": draw(hostile_text if operator == "定性" else st.one_of(AMOUNT, hostile_text)),
            }
        )
        for key in ("度量单位", "指标说明", "确定依据", "备注"):
            if draw(st.booleans()):
                row[key] = draw(hostile_text)
    return row


@st.composite
def project(draw: st.DrawFn) -> dict[str, Any]:
    table: dict[str, Any] = {
        "项目名称": draw(hostile_text),
        "项目金额": draw(AMOUNT),
        "本年度绩效目标": draw(st.one_of(hostile_text, st.lists(hostile_text, min_size=1, max_size=3))),
        "绩效指标": draw(st.lists(indicator(), max_size=5)),
    }
    for key, strategy in {
        "项目类别": st.sampled_from(load_schema("project")["properties"]["项目类别"]["enum"]),
        "实施期": hostile_text,
        "备注": hostile_text,
        "填报单位": hostile_text,
        "资金用途": hostile_text,
    }.items():
        if draw(st.booleans()):
            table[key] = draw(strategy)
    return table


@st.composite
def unit(draw: st.DrawFn) -> dict[str, Any]:
    table: dict[str, Any] = {"单位名称": draw(hostile_text), "单位财务负责人": draw(hostile_text), "填表人": draw(hostile_text)}
    if draw(st.booleans()):
        table["部门整体支出绩效目标表"] = {
            "年度履职目标": draw(st.lists(hostile_text, min_size=1, max_size=3)),
            "年度主要任务": draw(
                st.lists(st.fixed_dictionaries({"任务名称": hostile_text, "主要内容": hostile_text}), min_size=1, max_size=2)
            ),
            "绩效指标": draw(st.lists(indicator(), max_size=3)),
        }
    return table


def dump(table: dict[str, Any]) -> bytes:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(table, out)
    return out.getvalue().encode("utf-8")


def fuzz_input(which: int, is_unit: bool, table: dict[str, Any]) -> bytes:
    text = dump(table)
    name = "单位.yaml" if is_unit else "项目.yaml"
    doc = parse(text.decode("utf-8"), fuzz_render.UNITS[which] / name, name)
    assert isinstance(doc, Document), doc
    assert validate(doc) == [], [d.message for d in validate(doc)]  # the strategies build valid tables
    return bytes([which | (2 if is_unit else 0)]) + text


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(table=project(), which=st.integers(0, 1))
def test_any_valid_project_renders_safely(table: dict[str, Any], which: int) -> None:
    fuzz_render.test_one_input(fuzz_input(which, False, table))


@SETTINGS
@given(table=unit(), which=st.integers(0, 1))
def test_any_valid_unit_renders_safely(table: dict[str, Any], which: int) -> None:
    fuzz_render.test_one_input(fuzz_input(which, True, table))


def test_the_mask_check_would_see_markup() -> None:
    """The HTML check is not vacuous: a page with a tag from data differs from its masked twin."""
    page = "<td>甲<b>乙</b></td>"
    assert fuzz_render.tag_sequence(page) != fuzz_render.tag_sequence(
        page.translate(fuzz_render.MASK).replace("\ue000td\ue001", "<td>").replace("\ue000/td\ue001", "</td>")
    )
