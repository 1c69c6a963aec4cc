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
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import UPDATE_GOLDEN

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


def read_expected(name: str) -> tuple[str, set[Finding]]:
    spec = json.loads((INVALID / (name + EXPECTED_SUFFIX)).read_text(encoding="utf-8"))
    return spec["place"], {(file, line, code) for file, line, code in spec["findings"]}


def write_expected(name: str, place: str, findings: set[Finding]) -> None:
    rows = ",\n".join("    " + json.dumps(list(f), ensure_ascii=False) for f in sorted(findings))
    text = f'{{\n  "place": {json.dumps(place, ensure_ascii=False)},\n  "findings": [\n{rows}\n  ]\n}}\n'
    (INVALID / (name + EXPECTED_SUFFIX)).write_text(text, encoding="utf-8")


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
    return {(relative(d.path, root), d.line, d.code) for d in diagnostics
            if d.code.startswith(COMPARED_FAMILIES)}


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
    assert findings, f"{name}: an invalid case must expect at least one finding"
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
    assert {item["code"] for item in items} >= {code for _, _, code in expected}


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
    copy = tmp_path / "valid"
    shutil.copytree(VALID, copy)
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

