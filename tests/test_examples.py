"""Golden example folders: a data tree that checks clean, and one case for each way a file can
fail to load, fail the schema or sit in the wrong place, with the exact (file, line, code) found.

``examples/valid/`` is a small complete tree (a Hunan region on the 2021 framework, a Hebei region
on the 2015 framework). ``examples/invalid/<case>.yaml`` is one bad file and
``<case>.expected.json`` beside it says where the file goes in the minimal tree ``_tree/`` and
what ``check`` must report. Binary and large cases are written by ``GENERATED`` below instead of
being committed. Only the loader, schema and placement families (Y, S, P) are compared: the
domain rules may add findings of their own to a bad file.

``JIXIAO_UPDATE_GOLDEN=1`` rewrites the expected files from the actual output; review the diff.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, UPDATE_GOLDEN

from generator.check.run import check
from generator.cli import cli
from generator.data.load import MAX_BYTES, Document, load
from generator.diagnostics import Diagnostic

EXAMPLES = Path(__file__).resolve().parent / "examples"
VALID = EXAMPLES / "valid"
INVALID = EXAMPLES / "invalid"
SKELETON = INVALID / "_tree"
EXPECTED_SUFFIX = ".expected.json"
COMPARED_FAMILIES = ("Y", "S", "P")
CJK = re.compile(r"[\u4e00-\u9fff]")

Finding = tuple[str, int, str]
Exact = tuple[int, int, str, str]

PROJECT_TEXT = """\
# yaml-language-server: $schema=../../../../schema/project.schema.json
项目名称: 志愿服务活动专项
项目金额: 10
本年度绩效目标: 组织指导志愿者开展志愿服务活动。
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 开展志愿服务活动次数
    指标值类型: ≥
    指标值: 12
    度量单位: 次
"""


def _zip_archive() -> bytes:
    """A Word document renamed to .yaml: a zip archive (its header holds NUL bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>项目支出绩效目标表</w:document>")
    return buffer.getvalue()


def _over_size_limit() -> bytes:
    """A well-formed project padded with a comment to one byte over the limit."""
    head = PROJECT_TEXT.encode("utf-8") + b"# "
    return head + b"x" * (MAX_BYTES + 1 - len(head))


GENERATED: dict[str, Callable[[], bytes]] = {
    # The first line is ASCII, so the first byte that is not UTF-8 is on line 2.
    "encoding-gbk": lambda: PROJECT_TEXT.encode("gbk"),
    "encoding-utf16": lambda: PROJECT_TEXT.encode("utf-16"),  # with its byte order mark
    "binary-zip": _zip_archive,
    "deep-nesting": lambda: ("绩效指标: " + "[" * 100_000 + "\n").encode("utf-8"),
    "too-large": _over_size_limit,
}


def case_names() -> list[str]:
    return sorted(p.name.removesuffix(EXPECTED_SUFFIX) for p in INVALID.glob("*" + EXPECTED_SUFFIX))


def _spec(name: str) -> dict[str, Any]:
    return dict(json.loads((INVALID / (name + EXPECTED_SUFFIX)).read_text(encoding="utf-8")))


def read_expected(name: str) -> tuple[str, set[Finding]]:
    spec = _spec(name)
    return spec["place"], {(file, line, code) for file, line, code in spec["findings"]}


def read_exact(name: str) -> list[Exact]:
    """The findings in the case's own file that must be exactly so: line, column, code and words."""
    return sorted((line, column, code, message) for line, column, code, message in _spec(name).get("exact", []))


def _rows(items: Iterable[Sequence[object]]) -> str:
    return ",\n".join("    " + json.dumps(list(item), ensure_ascii=False) for item in items)


def write_expected(name: str, place: str, findings: set[Finding], exact: list[Exact] | None = None) -> None:
    exact = read_exact(name) if exact is None else exact
    rows = f"[\n{_rows(sorted(findings))}\n  ]" if findings else "[]"
    text = f'{{\n  "place": {json.dumps(place, ensure_ascii=False)},\n  "findings": {rows}'
    if exact:
        text += f',\n  "exact": [\n{_rows(exact)}\n  ]'
    (INVALID / (name + EXPECTED_SUFFIX)).write_text(text + "\n}\n", encoding="utf-8")


def case_content(name: str) -> bytes:
    if name in GENERATED:
        return GENERATED[name]()
    return (INVALID / f"{name}.yaml").read_bytes()


def build_case(name: str, root: Path) -> Path:
    """The minimal tree with the case's file put in its place; returns the tree's root."""
    place, _ = read_expected(name)
    shutil.copytree(SKELETON, root)
    target = root / place
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case_content(name))
    return root


def relative(diag_path: str, root: Path) -> str:
    return Path(diag_path).resolve().relative_to(root.resolve()).as_posix()


def compared(diagnostics: list[Diagnostic], root: Path) -> set[Finding]:
    return {(relative(d.path, root), d.line, d.code) for d in diagnostics if d.code.startswith(COMPARED_FAMILIES)}


def run_cli(path: Path) -> Result:
    return CliRunner().invoke(cli, ["check", "--format", "json", str(path)])


def assert_clean_json_report(result: Result, exit_code: int) -> list[dict[str, object]]:
    """Exit status as given, a JSON array of complete Chinese diagnostics, no traceback."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code == exit_code, result.output
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    for item in items:
        for key in ("code", "severity", "path", "line", "column", "message"):
            assert key in item, (key, item)
        assert isinstance(item["line"], int) and item["line"] >= 1
        assert isinstance(item["column"], int) and item["column"] >= 1
        assert CJK.search(item["message"]), item
    return items


# --- the cases are complete ------------------------------------------------------------------


def test_every_case_has_one_source_and_expectations() -> None:
    committed = {p.stem for p in INVALID.glob("*.yaml")}
    assert not committed & set(GENERATED), "a case is both committed and generated"
    assert committed | set(GENERATED) == set(case_names())


@pytest.mark.parametrize("name", case_names())
def test_expected_findings_are_not_empty(name: str) -> None:
    place, findings = read_expected(name)
    assert findings or read_exact(name), f"{name}: an invalid case must expect at least one finding"
    assert not place.startswith(("/", "..")), place


# --- invalid cases -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", case_names())
def test_invalid_case_findings(name: str, tmp_path: Path) -> None:
    root = build_case(name, tmp_path / name)
    actual = compared(check([root], jobs=1).diagnostics, root)
    place, expected = read_expected(name)
    if UPDATE_GOLDEN:
        write_expected(name, place, actual)
        expected = actual
    assert actual == expected


@pytest.mark.parametrize("name", case_names())
def test_invalid_case_through_cli(name: str, tmp_path: Path) -> None:
    root = build_case(name, tmp_path / name)
    items = assert_clean_json_report(run_cli(root), exit_code=1)
    _, expected = read_expected(name)
    assert {item["code"] for item in items} >= {code for _, _, code in expected} | {e[2] for e in read_exact(name)}


def exact_cases() -> list[str]:
    return [name for name in case_names() if read_exact(name)]


def file_findings(root: Path, place: str, codes: set[str]) -> list[Exact]:
    return sorted(
        (d.line, d.column, d.code, d.message)
        for d in check([root], jobs=1).diagnostics
        if relative(d.path, root) == place and d.code in codes
    )


@pytest.mark.parametrize("name", exact_cases())
def test_invalid_case_names_the_cause_where_it_is(name: str, tmp_path: Path) -> None:
    """Where a mistake is not where the parser stopped (an unclosed quote, a full-width colon, a repeated
    key in an indicator row), the finding points at the mistake, column too, and says what it is."""
    root = build_case(name, tmp_path / name)
    place, findings = read_expected(name)
    expected = read_exact(name)
    actual = file_findings(root, place, {code for _, _, code, _ in expected})
    if UPDATE_GOLDEN:
        write_expected(name, place, findings, actual)
        expected = actual
    assert actual == expected


@pytest.mark.parametrize("name", [n for n in exact_cases() if any(e[2].startswith("Y") for e in read_exact(n))])
def test_fmt_refuses_a_file_check_refuses_with_the_same_finding(name: str, tmp_path: Path) -> None:
    from generator.data.fmt import format_file

    root = build_case(name, tmp_path / name)
    place, _ = read_expected(name)
    before = (root / place).read_bytes()
    result = format_file(root / place, check_only=False)
    problem = result.problem
    assert problem is not None and not result.changed
    assert [(problem.line, problem.column, problem.code, problem.message)] == [
        e for e in read_exact(name) if e[2].startswith("Y")
    ]
    assert (root / place).read_bytes() == before


# --- the valid tree ------------------------------------------------------------------------------


def valid_files() -> list[Path]:
    return sorted(VALID.rglob("*.yaml"))


def test_valid_tree_checks_clean() -> None:
    report = check([VALID], jobs=1)
    assert report.files_checked == len(valid_files()) == 7
    assert [d for d in report.diagnostics if not d.acknowledged] == []


def test_valid_tree_through_cli() -> None:
    assert assert_clean_json_report(run_cli(VALID), exit_code=0) == []


def test_valid_tree_saved_with_bom_and_crlf_checks_clean(tmp_path: Path) -> None:
    """Windows Notepad writes a UTF-8 byte order mark and CRLF line ends: both are fine."""
    copy = tmp_path / VALID.relative_to(ROOT)  # where the files' editor lines find schema/ (else P008)
    shutil.copytree(VALID, copy)
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    for path in copy.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    report = check([copy], jobs=1)
    assert [d for d in report.diagnostics if not d.acknowledged] == []
    for original in valid_files():
        before, after = load(original), load(copy / original.relative_to(VALID))
        assert isinstance(before, Document) and isinstance(after, Document)
        assert after.data == before.data


@pytest.mark.parametrize("path", valid_files(), ids=lambda p: p.relative_to(VALID).as_posix())
def test_valid_tree_is_in_canonical_form(path: Path) -> None:
    from generator.data.fmt import format_text

    text = path.read_text(encoding="utf-8")
    assert format_text(text, path) == text


# --- what fmt mends ------------------------------------------------------------------------------

FMT_CASES = EXAMPLES / "fmt"
FORMATTED_SUFFIX = ".formatted.yaml"
FMT_PLACE = "2026/区委社会工作部/志愿服务活动专项.yaml"


def fmt_case_names() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in FMT_CASES.glob("*.yaml") if not p.name.endswith(FORMATTED_SUFFIX))


def findings_of(root: Path) -> set[tuple[str, str]]:
    return {(d.code, d.field) for d in check([root], jobs=1).diagnostics}


@pytest.mark.parametrize("name", fmt_case_names())
def test_fmt_mends_what_needs_no_guess(name: str, tmp_path: Path) -> None:
    """A file check reads, fmt reads too, and mends what has one meaning only (a tab after a colon, ％ and
    full-width digits): ``<case>.yaml`` becomes ``<case>.formatted.yaml``, which reads and passes the schema."""
    from generator.data.fmt import format_file

    root = shutil.copytree(SKELETON, tmp_path / name)
    target = root / FMT_PLACE
    target.write_bytes((FMT_CASES / f"{name}.yaml").read_bytes())
    before = findings_of(root)
    assert not [code for code, _ in before if code.startswith("Y")], before
    result = format_file(target, check_only=False)
    assert result.problem is None and result.changed
    golden = FMT_CASES / f"{name}{FORMATTED_SUFFIX}"
    if UPDATE_GOLDEN:
        golden.write_bytes(target.read_bytes())
    assert target.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")
    mended = {"V011"}  # ％ as a 度量单位; full-width digits where a number belongs are S003 (text, not a number)
    assert not {code for code, _ in findings_of(root) if code.startswith(("Y", "S")) or code in mended}
    assert not format_file(target, check_only=True).changed
