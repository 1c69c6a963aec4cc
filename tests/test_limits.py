"""Limits: a file too large, too deep, with too many aliases, or an import source that would unpack
to gigabytes, is refused with a clear finding, in bounded time and memory.

Each case runs the command in a child process whose address space is capped (``RLIMIT_AS``) and
which is killed after a timeout: if a limit did not hold, the child would die of MemoryError or be
killed, and the test would fail. There are no timing asserts; the caps are generous (several times
what the refusal needs) and far below what the unbounded work would take.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, typed

from generator import bounds
from generator.importers import read as read_module
from generator.load import MAX_BYTES, Document, load

CHECK_MB, IMPORT_MB = 512, 1024
TIMEOUT = 120
BOUNDED = """
import resource, sys
limit = int(sys.argv[1]) << 20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from generator.cli import main
sys.argv = ["jixiao", *sys.argv[2:]]
main()
"""
PROJECT_HEAD = (ROOT / "tests/examples/valid/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml").read_text(encoding="utf-8")


def run_bounded(memory_mb: int, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run jixiao with at most ``memory_mb`` of address space and a timeout; it must not crash."""
    done = subprocess.run([sys.executable, "-c", BOUNDED, str(memory_mb), *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=TIMEOUT)
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    assert done.returncode in (0, 1), (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    return done


def bounded(memory_mb: int, *args: str, cwd: Path) -> list[dict[str, object]]:
    """Run jixiao with at most ``memory_mb`` of address space; its JSON findings (it must not crash)."""
    findings: list[dict[str, object]] = json.loads(run_bounded(memory_mb, *args, "--format", "json", cwd=cwd).stdout)
    return findings


# --- data files ---------------------------------------------------------------------------------------------


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["哈哈哈哈哈哈哈哈"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    return "\n".join(lines) + "\n项目名称: *a11\n"


DATA_CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "64 MB": (lambda: b"# " + b"x" * (64 << 20), "Y009"),
    "one byte over": (lambda: PROJECT_HEAD.encode() + b"#" * (MAX_BYTES + 1 - len(PROJECT_HEAD.encode())), "Y009"),
    "a million brackets": (lambda: ("项目名称: " + "[" * 1_000_000).encode(), "Y009"),
    "brackets within the size": (lambda: ("项目名称: " + "[{" * 100_000).encode(), "Y010"),
    # Closed, so that only the depth is wrong: the parser's scanner re-examines every open flow collection
    # at each token, and reading all of this would take minutes (load.py stops at level 65).
    "100,000 nested lists": (lambda: ("项目名称: " + "[" * 100_000 + "]" * 100_000).encode(), "Y010"),
    "50,000 nested lists of mappings": (lambda: ("项目名称: " + "[{a: " * 50_000 + "}]" * 50_000).encode()[:MAX_BYTES],
                                        "Y010"),
    "deep block nesting": (lambda: ("项目名称:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400))).encode(), "Y010"),
    "deep list nesting": (lambda: ("项目名称: \n" + "- " * 5000 + "甲\n").encode(), "Y010"),
    "billion laughs": (lambda: _billion_laughs().encode(), "Y008"),
    "many aliases": (lambda: ("x: &a 甲\n项目名称: [" + ", ".join(["*a"] * 40_000) + "]\n").encode(), "Y008"),
    "many keys": (lambda: (PROJECT_HEAD + "".join(f"字段{i}: {i}\n" for i in range(20_000))).encode()[:MAX_BYTES], "S"),
    "many rows": (lambda: (PROJECT_HEAD + "".join(
        "  - 一级指标: 产出指标\n    二级指标: 数量指标\n    三级指标: 次数\n    指标值类型: ≥\n    指标值: 1\n    度量单位: 次\n"
        for _ in range(1_000))).encode(), "D"),  # duplicates: a warning for each row
}


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_hostile_data_files_are_refused_within_bounds(case: str, make_tree: Callable[..., Path], tmp_path: Path) -> None:
    content, code = DATA_CASES[case]
    unit = make_tree({})
    (unit / "项目.yaml").write_bytes(content())
    findings = bounded(CHECK_MB, "check", "-j", "1", str(unit / "项目.yaml"), cwd=tmp_path)
    assert any(str(f["code"]).startswith(code) for f in findings), [f["code"] for f in findings][:20]


def test_a_huge_file_is_refused_unread(make_tree: Callable[..., Path], tmp_path: Path) -> None:
    """A 4 GB file (sparse: it takes no disk) is refused by the loader with 64 MB of memory to spare."""
    unit = make_tree({})
    with (unit / "项目.yaml").open("wb") as handle:
        handle.truncate(4 << 30)
    findings = bounded(CHECK_MB, "check", "-j", "1", str(unit / "项目.yaml"), cwd=tmp_path)
    assert [f["code"] for f in findings if f["path"] == "data/测试区/2026/测试局/项目.yaml"] == ["Y009"]
    assert str(4 << 30) in str(findings[0]["message"])


# --- values ------------------------------------------------------------------------------------------------
# One value beyond the declared bounds (generator/bounds.py) once cost gigabytes and minutes: check formatted
# 5e999999999 in full into a message (a 1 GB report and cache entry), diff and check summed it (decimal.Overflow),
# build quantized 10^26 (decimal.InvalidOperation after check had passed it), fmt wrote a 5000-digit amount
# through int() (ValueError). Every command must now meet each value within the caps and say what is wrong.

EXAMPLES = ROOT / "tests" / "examples" / "valid"
HUNAN = "株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml"
HEBEI = "唐山市路南区/2026/区委社会工作部/路南区两新组织党建工作.yaml"
BUILD_MB = 1536

# case → (file, {line in the example: line written instead}, the code check gives, at which of those lines)
VALUE_CASES: dict[str, tuple[str, dict[str, str], str]] = {
    "amount 5e999999999": (HUNAN, {"项目金额: 10": "项目金额: 5e999999999"}, "S010"),
    "amount 10^26, printed with two places": (HEBEI, {"项目金额: 5": "项目金额: 100000000000000000000000000",
                                                     "  财政资金: 5": "  财政资金: 100000000000000000000000000"}, "S010"),
    "amount of 5000 digits": (HUNAN, {"项目金额: 10": "项目金额: 1" + "0" * 5000}, "S010"),
    "amount of 5000 digits as text": (HUNAN, {"项目金额: 10": "项目金额: '1" + "0" * 5000 + "'"}, "S003"),
    "amount with seven places": (HUNAN, {"项目金额: 10": "项目金额: 10.1234567"}, "S011"),
    "amount of 16 digits": (HUNAN, {"项目金额: 10": "项目金额: 1234567890.123456"}, "S011"),
    "amount .inf": (HUNAN, {"项目金额: 10": "项目金额: .inf"}, "S003"),
    "indicator value 1e-400": (HUNAN, {"    指标值: 500": "    指标值: 1e-400"}, "S011"),
    "indicator value -1e999999": (HUNAN, {"    指标值: 500": "    指标值: -1e999999"}, "S010"),
    "indicator value .nan": (HUNAN, {"    指标值: 500": "    指标值: .nan"}, "V001"),
    "text of 40,000 characters": (HUNAN, {"实施期: 2026.01-2026.12": "实施期: " + "长" * 40_000}, "S012"),
}


def _with_value(case: str, root: Path) -> tuple[Path, list[int]]:
    """A copy of the valid examples with the case's values written in; the file and the lines they are on."""
    name, lines, _ = VALUE_CASES[case]
    shutil.copytree(EXAMPLES, root / "data")
    shutil.copytree(ROOT / "schema", root / "schema")
    path = root / "data" / name
    text = path.read_text(encoding="utf-8").split("\n")
    for old, new in lines.items():
        text[text.index(old)] = new
    path.write_text("\n".join(text), encoding="utf-8")
    return path, [text.index(new) + 1 for new in lines.values()]


@pytest.mark.parametrize("case", sorted(VALUE_CASES))
def test_check_reports_a_value_beyond_the_bounds_within_bounds(case: str, tmp_path: Path) -> None:
    path, lines = _with_value(case, tmp_path)
    findings = bounded(CHECK_MB, "check", "-j", "1", str(path), cwd=tmp_path)
    code = VALUE_CASES[case][2]
    assert [f["line"] for f in findings if f["code"] == code] == lines, findings
    assert sum(len(str(f["message"])) for f in findings) < 4000, "a message quotes a value in full"


@pytest.mark.parametrize("case", sorted(VALUE_CASES))
def test_fmt_leaves_a_value_beyond_the_bounds_as_it_was(case: str, tmp_path: Path) -> None:
    path, _ = _with_value(case, tmp_path)
    before = load(path)
    run_bounded(CHECK_MB, "fmt", str(path), cwd=tmp_path)
    after = load(path)
    assert isinstance(before, Document) and isinstance(after, Document)
    assert typed(after.data) == typed(before.data)


@pytest.mark.parametrize("case", sorted(VALUE_CASES))
def test_diff_shows_a_value_beyond_the_bounds_within_bounds(case: str, tmp_path: Path) -> None:
    _with_value(case, tmp_path / "新")
    shutil.copytree(EXAMPLES, tmp_path / "旧")
    done = run_bounded(CHECK_MB, "diff", str(tmp_path / "旧"), str(tmp_path / "新" / "data"), "--format", "json",
                       cwd=tmp_path)
    report = json.loads(done.stdout)
    written = next(iter(VALUE_CASES[case][1].values())).split(": ", 1)[1]
    if len(written) < 100:  # shown as written, never expanded (5e999999999 is 10^9 characters in full)
        assert written.strip("'") in done.stdout
    assert report["files"], report
    assert len(done.stdout) < 1_000_000


@pytest.mark.parametrize("case", ["amount 5e999999999", "amount 10^26, printed with two places",
                                  "text of 40,000 characters"])
def test_build_refuses_a_value_beyond_the_bounds_within_bounds(case: str, tmp_path: Path) -> None:
    path, lines = _with_value(case, tmp_path)
    done = run_bounded(BUILD_MB, "build", str(tmp_path / "data"), "--out", str(tmp_path / "site"), "--no-pdf",
                       cwd=tmp_path)
    assert done.returncode == 1
    assert f"{path.name}:{lines[0]}:" in done.stdout and f"[{VALUE_CASES[case][2]}]" in done.stdout, done.stdout[-2000:]
    assert not (tmp_path / "site").exists()


def test_values_at_the_bounds_pass_check_and_build(tmp_path: Path) -> None:
    """The largest amount, the most places and the longest text that check accepts are built, in every format."""
    shutil.copytree(EXAMPLES, tmp_path / "data")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    edits = {HEBEI: {"项目金额: 5": "项目金额: 999999999999.99", "  财政资金: 5": "  财政资金: 999999999999.99"},
             HUNAN: {"    指标值: 500": "    指标值: 123456789.123456", "    指标值: 12": "    指标值: -999999999999",
                     "实施期: 2026.01-2026.12": "实施期: " + "长" * bounds.MAX_TEXT}}
    for name, lines in edits.items():
        path = tmp_path / "data" / name
        text = path.read_text(encoding="utf-8")
        for old, new in lines.items():
            text = text.replace(old + "\n", new + "\n", 1)
        path.write_text(text, encoding="utf-8")
    errors = [f for f in bounded(CHECK_MB, "check", "-j", "1", str(tmp_path / "data"), cwd=tmp_path)
              if f["severity"] == "error" and not f.get("acknowledged")]
    assert not any(str(f["code"]).startswith("S") for f in errors), errors
    done = run_bounded(BUILD_MB, "build", str(tmp_path / "data"), "--out", str(tmp_path / "site"), "--no-pdf",
                       "-j", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    tables = tmp_path / "site" / "tables"
    pages = "".join(p.read_text(encoding="utf-8") for p in tables.rglob("*.html"))
    assert "999999999999.99" in pages and "123456789.123456" in pages and "长" * bounds.MAX_TEXT in pages


# --- import sources -------------------------------------------------------------------------------------------


def _zip(parts: dict[str, bytes], level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _declaring(raw: bytes, size: int) -> bytes:  # size < 4 GB: no zip64 fields
    """The same zip, its only member declaring ``size`` bytes unpacked (in both of the zip's headers)."""
    data = bytearray(raw)
    struct.pack_into("<I", data, 22, size)  # the local header of the first member
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, size)
    return bytes(data)


def _office(kind: str, part: bytes) -> bytes:
    """An empty document or workbook from python-docx / openpyxl with one part replaced."""
    out = io.BytesIO()
    if kind == "docx":
        import docx

        docx.Document().save(out)
        name = "word/document.xml"
    else:
        from openpyxl import Workbook

        Workbook().save(out)
        name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    return _zip({**parts, name: part}, level=1)


def _rows(count: int) -> bytes:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>项目名称</t></is></c></row>' for r in range(1, count + 1))
    return (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}'
            '</sheetData></worksheet>').encode()


def _entity_bomb(root: str) -> bytes:
    entities = '<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}]><{root}>&a9;</{root}>'.encode()


SOURCE_CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "text over the limit": (".txt", lambda: ("项目名称\t甲\n" * (read_module.MAX_TEXT_BYTES // 10)).encode(), "I004"),
    "zip bomb declared": (".docx", lambda: _declaring(_zip({"word/document.xml": b"<w/>"}), (4 << 30) - 1), "I004"),
    "zip bomb lying": (".docx", lambda: _declaring(_zip({"word/document.xml": b"\0" * (300 << 20)}), 100), "I002"),
    "too many parts": (".xlsx", lambda: _zip({f"xl/{i}.xml": b"" for i in range(read_module.MAX_ZIP_ENTRIES + 1)}
                                                | {"xl/workbook.xml": b""}, level=1), "I004"),
    "a million rows": (".xlsx", lambda: _office("xlsx", _rows(1_000_000)), "I004"),
    "more rows than read": (".xlsx", lambda: _office("xlsx", _rows(300_000)), "I004"),
    "entities in a sheet": (".xlsx", lambda: _office("xlsx", _entity_bomb("worksheet")), "I0"),
    "entities in a document": (".docx", lambda: _office("docx", _entity_bomb("w:document")), "I0"),
    "not a zip": (".docx", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 1000, "I00"),
}


@pytest.mark.parametrize("case", sorted(SOURCE_CASES))
def test_hostile_import_sources_are_refused_within_bounds(case: str, tmp_path: Path) -> None:
    suffix, content, code = SOURCE_CASES[case]
    source = tmp_path / f"来源{suffix}"
    source.write_bytes(content())
    findings = bounded(IMPORT_MB, "import", str(source), "--out", str(tmp_path / "data"), cwd=tmp_path)
    assert any(str(f["code"]).startswith(code) for f in findings), findings[:5]
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").rglob("*.yaml"))


def test_a_huge_source_is_refused_unread(tmp_path: Path) -> None:
    source = tmp_path / "巨大.txt"
    with source.open("wb") as handle:
        handle.truncate(4 << 30)
    findings = bounded(IMPORT_MB, "import", str(source), "--out", str(tmp_path / "data"), cwd=tmp_path)
    assert [f["code"] for f in findings] == ["I004"]
