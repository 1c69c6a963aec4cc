"""Property-based tests: nothing a user can put in a file makes jixiao raise, every finding is a
well-formed diagnostic from the catalogue, and ``fmt`` is idempotent and keeps the data.

Inputs are random text and bytes, text built from YAML's special tokens, and real files from
data/ after a few random edits (lines deleted, duplicated or swapped, tabs and characters
inserted, indentation changed, keys and values replaced, the file cut short).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.check.run import check
from generator.data.fmt import NUMERIC_KEYS, CannotFormat, format_text, halfwidth_digits
from generator.data.load import Document, load, parse
from generator.data.normalize import as_number
from generator.data.schemas import common_defs, load_schema, validate
from generator.diagnostics import Diagnostic, reporters
from generator.diagnostics.catalogue import CATALOGUE

CJK = re.compile(r"[\u4e00-\u9fff]")
DATA_FILES = sorted(DATA.rglob("*.yaml"))
DATA_TEXTS = {path: path.read_text(encoding="utf-8") for path in DATA_FILES}
FILE_NAMES = ("地区.yaml", "单位.yaml", "项目.yaml")


def fuzz(examples: int) -> settings:
    """A modest budget: the whole file runs in well under a minute."""
    # tmp_path is shared by the examples of one test; each example writes into a fresh folder in it.
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_well_formed(diag: Diagnostic) -> None:
    assert isinstance(diag, Diagnostic), diag
    assert diag.code in CATALOGUE, diag
    assert diag.line >= 1 and diag.column >= 1, diag
    assert CJK.search(diag.message), diag


# --- strategies ------------------------------------------------------------------------------------

YAML_TOKENS = [
    ": ",
    ":",
    "- ",
    "-",
    "? ",
    "#",
    " #",
    "&a ",
    "*a",
    "!!str ",
    "!!python/object ",
    "!x ",
    "|",
    ">",
    "'",
    '"',
    "\\",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "---",
    "...",
    "%YAML 1.2",
    "%TAG ! x",
    "~",
    "null",
    "true",
    "1e3",
    ".inf",
    ".nan",
    "0x1F",
    "0o17",
    "1_000",
    "2026-01-01",
    "-5",
    "10",
    "22.95",
    "\t",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\ufeff",
    "\x00",
    "\x85",
    "\u2028",
    "\u3000",
    "３",
    "≥",
    ">=",
    "万元",
    "项目名称",
    "项目金额",
    "本年度绩效目标",
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "满意度",
    "资金支出计划",
    "3月底",
    "已确认问题",
]
yamlish = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=3)), max_size=40).map("".join)
any_text = st.one_of(st.text(), yamlish)

BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]
any_bytes = st.one_of(
    st.binary(max_size=300),
    st.tuples(st.sampled_from(BOMS), yamlish).map(lambda t: t[0] + t[1].encode("utf-8")),
    yamlish.map(lambda s: s.encode("gb18030")),
)

VALUE_TOKENS = [
    "~",
    "null",
    "''",
    "' '",
    "-1",
    "0",
    "1e400",
    "1e-400",
    "100",
    "22.95",
    "'１００'",
    "'100'",
    "'  甲 '",
    "满意度",
    "'>='",
    "≥",
    "定性",
    "[]",
    "{}",
    "[甲, 乙]",
    "{甲: 1}",
    "'2026-01-01'",
    "2026-01-01",
    "2025年",
    "3月底",
    "true",
    "甲: 乙",
    "'#'",
    "&a 甲",
    "*a",
    "!!str 甲",
    "|",
    "46000",
]


def _index(draw: st.DrawFn, items: list[str]) -> int:
    return draw(st.integers(0, max(len(items) - 1, 0)))


def delete_line(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _index(draw, lines)
    return lines[:i] + lines[i + 1 :]


def duplicate_line(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _index(draw, lines)
    return lines[: i + 1] + lines[i:]


def swap_lines(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i, j = _index(draw, lines), _index(draw, lines)
    out = list(lines)
    out[i], out[j] = out[j], out[i]
    return out


def insert_text(draw: st.DrawFn, lines: list[str], text: str) -> list[str]:
    i = _index(draw, lines)
    j = draw(st.integers(0, len(lines[i])))
    out = list(lines)
    out[i] = lines[i][:j] + text + lines[i][j:]
    return out


def insert_tab(draw: st.DrawFn, lines: list[str]) -> list[str]:
    return insert_text(draw, lines, "\t")


def insert_characters(draw: st.DrawFn, lines: list[str]) -> list[str]:
    return insert_text(draw, lines, draw(st.one_of(st.text(min_size=1, max_size=3), st.sampled_from(YAML_TOKENS))))


def change_indentation(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _index(draw, lines)
    delta = draw(st.integers(-4, 4))
    out = list(lines)
    body = lines[i].lstrip(" ")
    out[i] = " " * max(0, len(lines[i]) - len(body) + delta) + body
    return out


def replace_value(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _index(draw, lines)
    key, sep, _ = lines[i].partition(": ")
    out = list(lines)
    if sep:
        out[i] = key + sep + draw(st.sampled_from(VALUE_TOKENS))
    return out


KEY_TOKENS = [
    "~",
    "3",
    "1.5",
    "true",
    "[1]",
    "''",
    "'3月底'",
    "13月底",
    "项目名",
    "年度本级预算金额",
    "2026-01-01",
]


def replace_key(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _index(draw, lines)
    key, sep, value = lines[i].partition(": ")
    out = list(lines)
    if sep:
        indent = key[: len(key) - len(key.lstrip(" -"))]
        out[i] = indent + draw(st.sampled_from(KEY_TOKENS)) + sep + value
    return out


def truncate(draw: st.DrawFn, lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    return text[: draw(st.integers(0, len(text)))].split("\n")


MUTATIONS: list[Callable[[st.DrawFn, list[str]], list[str]]] = [
    delete_line,
    duplicate_line,
    swap_lines,
    insert_tab,
    insert_characters,
    change_indentation,
    replace_value,
    replace_key,
    truncate,
]


@st.composite
def mutated_data_file(draw: st.DrawFn) -> tuple[Path, str]:
    """A real file from data/ after one to four random edits."""
    path = draw(st.sampled_from(DATA_FILES))
    lines = DATA_TEXTS[path].split("\n")
    for _ in range(draw(st.integers(1, 4))):
        lines = draw(st.sampled_from(MUTATIONS))(draw, lines) or [""]
    return path, "\n".join(lines)


# --- nothing raises ------------------------------------------------------------------------------


@fuzz(400)
@given(text=any_text, name=st.sampled_from(FILE_NAMES))
def test_parse_and_validate_never_raise(text: str, name: str) -> None:
    result = parse(text, Path(name), name)
    if isinstance(result, Diagnostic):
        assert_well_formed(result)
        return
    for diag in validate(result):
        assert_well_formed(diag)


@fuzz(200)
@given(raw=any_bytes, name=st.sampled_from(FILE_NAMES))
def test_load_never_raises_on_any_bytes(raw: bytes, name: str, tmp_path: Path) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / name
    path.write_bytes(raw)
    result = load(path)
    if isinstance(result, Diagnostic):
        assert_well_formed(result)
        return
    for diag in validate(result):
        assert_well_formed(diag)


@fuzz(300)
@given(case=mutated_data_file())
def test_parse_and_validate_never_raise_on_edited_data(case: tuple[Path, str]) -> None:
    path, text = case
    result = parse(text, path)
    if isinstance(result, Diagnostic):
        assert_well_formed(result)
        return
    for diag in validate(result):
        assert_well_formed(diag)


def _tree_for(path: Path, text: str, root: Path) -> Path:
    """The edited file in place, with its region, its unit and one other project of the unit."""
    relative = path.relative_to(DATA)
    region = DATA / relative.parts[0]
    unit = path.parent if len(relative.parts) == 4 else sorted(region.glob("*/*/单位.yaml"))[0].parent
    sibling = next((p for p in sorted(unit.glob("*.yaml")) if p.name != "单位.yaml"), None)
    for source in (region / "地区.yaml", unit / "单位.yaml", sibling):
        if source is None:
            continue
        target = root / source.relative_to(DATA)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (root / relative).write_bytes(text.encode("utf-8"))
    return root / relative.parts[0]


@fuzz(120)
@given(case=mutated_data_file())
def test_check_never_raises_on_edited_data(case: tuple[Path, str], tmp_path: Path) -> None:
    root = _tree_for(*case, Path(tempfile.mkdtemp(dir=tmp_path)))
    report = check([root], jobs=1)
    for diag in report.diagnostics:
        assert_well_formed(diag)
    assert report.exit_code() in (0, 1)
    for reporter in reporters.REPORTERS.values():
        reporter(report, io.StringIO())


# --- fmt: idempotent, and the data survive ---------------------------------------------------------


def comparable(node: Any) -> Any:
    """Data as fmt is allowed to leave it: text trimmed, full-width digits made ordinary, and
    numbers written as text made numbers where a number belongs (amounts, quantitative values)."""
    if isinstance(node, dict):
        out = {key: comparable(value) for key, value in node.items()}
        numeric = [k for k in out if k in NUMERIC_KEYS]
        if "一级指标" in out and "二级指标" in out and out.get("指标值类型") not in (None, "定性"):
            numeric.append("指标值")
        for key in numeric:
            number = as_number(out[key]) if isinstance(out.get(key), str) else None
            if number is not None:
                out[key] = number
        return out
    if isinstance(node, list):
        return [comparable(item) for item in node]
    if isinstance(node, str):
        return halfwidth_digits(node.strip())
    return node


@fuzz(250)
@given(case=mutated_data_file())
def test_format_is_idempotent_and_keeps_data_of_edited_valid_files(case: tuple[Path, str]) -> None:
    path, text = case
    doc = parse(text, path)
    if not isinstance(doc, Document) or validate(doc):
        return
    try:
        once = format_text(text, path)
    except CannotFormat as exc:  # libyaml accepts a few things the round-trip parser refuses
        assert_well_formed(exc.diagnostic)
        return
    assert format_text(once, path) == once
    again = parse(once, path)
    assert isinstance(again, Document), again
    assert comparable(again.data) == comparable(doc.data)


def _plain_text(min_size: int = 0) -> st.SearchStrategy[str]:
    """Text as it stands after fmt: no white space at either end, no full-width digits."""
    chars = st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn"), exclude_characters="０１２３４５６７８９")
    return st.text(chars, max_size=30).map(str.strip).filter(lambda s: len(s) >= min_size)


def _enum(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(schema["enum"])


AMOUNT = st.one_of(st.integers(0, 10**9), st.decimals(0, 10**9, places=2).map(float))


@st.composite
def indicator_row(draw: st.DrawFn) -> dict[str, Any]:
    defs = common_defs()
    row: dict[str, Any] = {key: draw(_enum(defs[key])) for key in ("一级指标", "二级指标")}
    if draw(st.booleans()):  # a placeholder row has no 三级指标
        return row
    operator = draw(_enum(defs["指标值类型"]))
    words = _plain_text(1)
    if operator != "定性":
        words = words.filter(lambda s: as_number(s) is None)  # fmt would make "90" a number
    row.update({"三级指标": draw(_plain_text(1)), "指标值类型": operator, "指标值": draw(st.one_of(AMOUNT, words))})
    for key in ("度量单位", "指标说明", "确定依据", "备注"):
        if draw(st.booleans()):
            row[key] = draw(_plain_text())
    return row


@st.composite
def canonical_project(draw: st.DrawFn) -> dict[str, Any]:
    """A project table that passes the schema and is already in fmt's canonical data form."""
    properties = load_schema("project")["properties"]
    table: dict[str, Any] = {
        "项目名称": draw(_plain_text(1)),
        "项目金额": draw(st.one_of(st.none(), AMOUNT)),
        "本年度绩效目标": draw(st.one_of(_plain_text(1), st.lists(_plain_text(1), min_size=1, max_size=3))),
        "绩效指标": draw(st.lists(indicator_row(), max_size=4)),
    }
    optional = {
        "项目类别": _enum(properties["项目类别"]),
        "实施期": _plain_text(1),
        "资金来源": st.fixed_dictionaries({}, optional={"财政资金": AMOUNT, "其他资金": AMOUNT}),
        "资金支出计划": st.dictionaries(st.integers(1, 12).map(lambda m: f"{m}月底"), st.integers(0, 100)),
        "备注": _plain_text(),
        "已确认问题": st.lists(
            st.fixed_dictionaries(
                {"代码": st.sampled_from(sorted(CATALOGUE)), "理由": _plain_text(2)}, optional={"位置": _plain_text(1)}
            ),
            max_size=2,
        ),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            table[key] = draw(strategy)
    return table


def dump(table: dict[str, Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.width = 1_000_000
    out = io.StringIO()
    yaml.dump(table, out)
    return out.getvalue()


CANONICAL_PATH = ROOT / "data" / "某某区" / "2026" / "某某局" / "项目.yaml"


@fuzz(150)
@given(table=canonical_project())
def test_format_keeps_canonical_data_exactly(table: dict[str, Any]) -> None:
    text = dump(table)
    doc = parse(text, CANONICAL_PATH)
    assert isinstance(doc, Document), doc
    assert validate(doc) == [], "the strategy must build valid tables"
    once = format_text(text, CANONICAL_PATH)
    assert format_text(once, CANONICAL_PATH) == once
    again = parse(once, CANONICAL_PATH)
    assert isinstance(again, Document), again
    assert again.data == doc.data
    assert comparable(doc.data) == doc.data, "the strategy must build canonical data"


def test_numbers_load_as_exact_decimals() -> None:
    """The comparisons above rely on amounts loading exactly (no binary floating point)."""
    doc = parse("项目金额: 22.95\n", Path("项目.yaml"))
    assert isinstance(doc, Document)
    assert doc.data["项目金额"] == Decimal("22.95")


# --- minimal reproductions of what fuzzing found -------------------------------------------------


def test_number_keys_in_spending_plan_are_reported_not_raised(make_tree: Callable[..., Path]) -> None:
    """``3: 25`` instead of ``3月底: 25``: the schema's key pattern ignores keys that are not text,
    so the file passed the schema and the spending-plan rule raised AttributeError."""
    unit = make_tree(
        {"甲.yaml": "项目名称: 甲\n项目金额: 10\n本年度绩效目标: 甲\n资金支出计划:\n  3: 25\n  12: 100\n绩效指标: []\n"}
    )
    report = check([unit.parent.parent], jobs=1)
    for diag in report.diagnostics:
        assert_well_formed(diag)
    assert any(d.field.startswith("资金支出计划") for d in report.diagnostics)


@pytest.mark.parametrize("number", ["1e400", "0.1000000000000000000001", "12345678901234567.5"])
def test_format_keeps_every_number_exactly(number: str) -> None:
    """The loader reads numbers as exact decimals; fmt must not round them through a float
    (1e400 became .inf, which the schema then refuses as text)."""
    text = f"项目名称: 甲\n项目金额: {number}\n"
    path = Path("项目.yaml")
    before, after = parse(text, path), parse(format_text(text, path), path)
    assert isinstance(before, Document) and isinstance(after, Document)
    assert after.data == before.data
