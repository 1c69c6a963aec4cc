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

from generator.data import bounds
from generator.data.load import MAX_BYTES, Document, load
from generator.importers import read as read_module

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


def run_bounded(memory_mb: int, *args: str, cwd: Path, exit_code: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run jixiao with at most ``memory_mb`` of address space and a timeout; it must not crash, and must exit
    with ``exit_code`` when one is given."""
    done = subprocess.run(
        [sys.executable, "-c", BOUNDED, str(memory_mb), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    assert done.returncode in ((0, 1) if exit_code is None else (exit_code,)), (
        done.returncode,
        done.stdout[-2000:],
        done.stderr[-2000:],
    )
    return done


def bounded(memory_mb: int, *args: str, cwd: Path, exit_code: int | None = None) -> list[dict[str, object]]:
    """Run jixiao with at most ``memory_mb`` of address space; its JSON findings (it must not crash)."""
    done = run_bounded(memory_mb, *args, "--format", "json", cwd=cwd, exit_code=exit_code)
    findings: list[dict[str, object]] = json.loads(done.stdout)
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
    "50,000 nested lists of mappings": (lambda: ("项目名称: " + "[{a: " * 50_000 + "}]" * 50_000).encode()[:MAX_BYTES], "Y010"),
    "deep block nesting": (lambda: ("项目名称:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400))).encode(), "Y010"),
    "deep list nesting": (lambda: ("项目名称: \n" + "- " * 5000 + "甲\n").encode(), "Y010"),
    "billion laughs": (lambda: _billion_laughs().encode(), "Y008"),
    "many aliases": (lambda: ("x: &a 甲\n项目名称: [" + ", ".join(["*a"] * 40_000) + "]\n").encode(), "Y008"),
    "many keys": (lambda: (PROJECT_HEAD + "".join(f"字段{i}: {i}\n" for i in range(20_000))).encode()[:MAX_BYTES], "S"),
    "many rows": (
        lambda: (
            PROJECT_HEAD
            + "".join(
                "  - 一级指标: 产出指标\n    二级指标: 数量指标\n    三级指标: 次数\n"
                "    指标值类型: ≥\n    指标值: 1\n    度量单位: 次\n"
                for _ in range(1_000)
            )
        ).encode(),
        "D",
    ),  # duplicates: a warning for each row
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
# One value beyond the declared bounds (generator/data/bounds.py) once cost gigabytes and minutes: check formatted
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
    "amount 10^26, printed with two places": (
        HEBEI,
        {"项目金额: 5": "项目金额: 100000000000000000000000000", "  财政资金: 5": "  财政资金: 100000000000000000000000000"},
        "S010",
    ),
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
    done = run_bounded(CHECK_MB, "diff", str(tmp_path / "旧"), str(tmp_path / "新" / "data"), "--format", "json", cwd=tmp_path)
    report = json.loads(done.stdout)
    written = next(iter(VALUE_CASES[case][1].values())).split(": ", 1)[1]
    if len(written) < 100:  # shown as written, never expanded (5e999999999 is 10^9 characters in full)
        assert written.strip("'") in done.stdout
    assert report["files"], report
    assert len(done.stdout) < 1_000_000


@pytest.mark.parametrize("case", ["amount 5e999999999", "amount 10^26, printed with two places", "text of 40,000 characters"])
def test_build_refuses_a_value_beyond_the_bounds_within_bounds(case: str, tmp_path: Path) -> None:
    path, lines = _with_value(case, tmp_path)
    done = run_bounded(BUILD_MB, "build", str(tmp_path / "data"), "--out", str(tmp_path / "site"), "--no-pdf", cwd=tmp_path)
    assert done.returncode == 1
    assert f"{path.name}:{lines[0]}:" in done.stdout and f"[{VALUE_CASES[case][2]}]" in done.stdout, done.stdout[-2000:]
    assert not (tmp_path / "site").exists()


def test_values_at_the_bounds_pass_check_and_build(tmp_path: Path) -> None:
    """The largest amount, the most places and the longest text that check accepts are built, in every format."""
    shutil.copytree(EXAMPLES, tmp_path / "data")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    edits = {
        HEBEI: {"项目金额: 5": "项目金额: 999999999999.99", "  财政资金: 5": "  财政资金: 999999999999.99"},
        HUNAN: {
            "    指标值: 500": "    指标值: 123456789.123456",
            "    指标值: 12": "    指标值: -999999999999",
            "实施期: 2026.01-2026.12": "实施期: " + "长" * bounds.MAX_TEXT,
        },
    }
    for name, lines in edits.items():
        path = tmp_path / "data" / name
        text = path.read_text(encoding="utf-8")
        for old, new in lines.items():
            text = text.replace(old + "\n", new + "\n", 1)
        path.write_text(text, encoding="utf-8")
    errors = [
        f
        for f in bounded(CHECK_MB, "check", "-j", "1", str(tmp_path / "data"), cwd=tmp_path)
        if f["severity"] == "error" and not f.get("acknowledged")
    ]
    assert not any(str(f["code"]).startswith("S") for f in errors), errors
    done = run_bounded(
        BUILD_MB, "build", str(tmp_path / "data"), "--out", str(tmp_path / "site"), "--no-pdf", "-j", "1", cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout[-3000:]
    tables = tmp_path / "site" / "tables"
    pages = {p: p.read_text(encoding="utf-8") for p in tables.rglob("*.html")}
    assert any("999999999999.99" in page for page in pages.values())
    assert any("123456789.123456" in page for page in pages.values())
    # A text taller than a page prints on in the rows below (render/compose.py): none of its characters is lost,
    # in the project's own table and again in the booklet.
    whole = [p.name for p, page in pages.items() if page.count("长") == bounds.MAX_TEXT]
    assert len(whole) == 2 and any(name.startswith("单位汇编") for name in whole), whole


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
    return (
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def _entity_bomb(root: str) -> bytes:
    entities = '<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}]><{root}>&a9;</{root}>'.encode()


SOURCE_CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "text over the limit": (".txt", lambda: ("项目名称\t甲\n" * (read_module.MAX_TEXT_BYTES // 10)).encode(), "I004"),
    "zip bomb declared": (".docx", lambda: _declaring(_zip({"word/document.xml": b"<w/>"}), (4 << 30) - 1), "I004"),
    "zip bomb lying": (".docx", lambda: _declaring(_zip({"word/document.xml": b"\0" * (300 << 20)}), 100), "I002"),
    "too many parts": (
        ".xlsx",
        lambda: _zip({f"xl/{i}.xml": b"" for i in range(read_module.MAX_ZIP_ENTRIES + 1)} | {"xl/workbook.xml": b""}, level=1),
        "I004",
    ),
    "a million rows": (".xlsx", lambda: _office("xlsx", _rows(1_000_000)), "I004"),
    "more rows than read": (".xlsx", lambda: _office("xlsx", _rows(300_000)), "I006"),
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


# --- the caps of generator/importers/limits.py, one case (or more) each ------------------------------------
#
# Each file is small (at most a few MB, most a few KB zipped) and claims or holds far more than a
# real table: the import must stop at the cap, in bounded memory, with the cap's code at the place
# where it was crossed, import nothing and exit 1. Before the caps, the first of these ran
# ``jixiao import`` to 24 GB until the kernel killed it.

W_DOCUMENT = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}</w:body></w:document>'


def _docx(body: str) -> bytes:
    return _office("docx", W_DOCUMENT.format(body).encode())


def _w_cell(text: str = "", properties: str = "") -> str:
    return f"<w:tc>{properties}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def _sheet(rows: str, after: str = "", before: str = "") -> bytes:
    return (
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{before}<sheetData>{rows}'
        f"</sheetData>{after}</worksheet>"
    ).encode()


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _xlsx_parts(replaced: dict[str, bytes]) -> bytes:
    """An empty workbook from openpyxl with parts replaced or added (a shared-string table is declared)."""
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    if "xl/sharedStrings.xml" in replaced:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            (
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                b'spreadsheetml.sharedStrings+xml"/></Types>'
            ),
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            (
                b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
            ),
        )
    return _zip({**parts, **replaced}, level=1)


def _sst(strings: str) -> bytes:
    return f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'.encode()


RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _many_sheets(count: int) -> bytes:
    """A workbook listing ``count`` sheets, all of them the same part."""
    base = _xlsx_parts({})
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    workbook = parts["xl/workbook.xml"].decode()
    start, end = workbook.index("<sheets>"), workbook.index("</sheets>")
    workbook = (
        workbook[:start]
        + "<sheets>"
        + "".join(f'<sheet xmlns:r="{RELATIONSHIPS}" name="表{i}" sheetId="{i}" r:id="rIdW{i}"/>' for i in range(1, count + 1))
        + workbook[end:]
    )
    rels = (
        parts["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            "".join(
                f'<Relationship Id="rIdW{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                f'worksheet" Target="/xl/worksheets/sheet1.xml"/>'
                for i in range(1, count + 1)
            )
            + "</Relationships>",
        )
    )
    return _zip({**parts, "xl/workbook.xml": workbook.encode(), "xl/_rels/workbook.xml.rels": rels.encode()}, level=1)


def _styles(xfs: int) -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        styles = archive.read("xl/styles.xml").decode()
    head, tail = styles.split("<cellXfs", 1)
    tail = tail[tail.index(">") + 1 :]
    return _xlsx_parts(
        {
            "xl/styles.xml": (
                head + f'<cellXfs count="{xfs}">' + '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * xfs + tail
            ).encode()
        }
    )


CAP_CASES: dict[str, tuple[str, Callable[[], bytes], str, str]] = {
    # name: (suffix, content, code, where the finding points: its field)
    "docx: a cell spanning 2,000,000,000 columns": (
        ".docx",
        lambda: _docx(
            "<w:tbl><w:tr>" + _w_cell("项目名称", '<w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr>') + "</w:tr></w:tbl>"
        ),
        "I007",
        "表1 第1行 第1列",
    ),
    "docx: a row starting 2,000,000,000 columns in": (
        ".docx",
        lambda: _docx('<w:tbl><w:tr><w:trPr><w:gridBefore w:val="2000000000"/></w:trPr>' + _w_cell("甲") + "</w:tr></w:tbl>"),
        "I007",
        "表1 第1行",
    ),
    "docx: a row of 300 cells": (
        ".docx",
        lambda: _docx("<w:tbl><w:tr>" + _w_cell() * 300 + "</w:tr></w:tbl>"),
        "I007",
        "表1 第1行 第201列",
    ),
    "docx: 541,000 one-cell rows": (
        ".docx",
        lambda: _docx("<w:tbl>" + "<w:tr><w:tc><w:p/></w:tc></w:tr>" * 541_000 + "</w:tbl>"),
        "I006",
        "表1 第20001行",
    ),
    "docx: 900,000 paragraphs": (".docx", lambda: _docx("<w:p><w:r><w:t>甲</w:t></w:r></w:p>" * 900_000), "I006", "第20001段"),
    "docx: a vertical merge down 30,000 rows": (
        ".docx",
        lambda: _docx(
            "<w:tbl><w:tr>"
            + _w_cell("项目名称", '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>')
            + "</w:tr>"
            + "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>" * 30_000
            + "</w:tbl>"
        ),
        "I006",
        "表1 第20001行",
    ),
    "docx: tables nested 3000 deep": (
        ".docx",
        lambda: _docx("<w:tbl><w:tr><w:tc>" * 3000 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 3000),
        "I016",
        "表1 第1行 第1列 中的表格 第1行 第1列 中的表格 第1行 第1列",
    ),
    "docx: a paragraph of 10,000,000 characters": (
        ".docx",
        lambda: _docx("<w:p><w:r><w:t>" + "甲" * 10_000_000 + "</w:t></w:r></w:p>"),
        "I008",
        "第1段",
    ),
    "docx: a cell of a million one-character runs": (
        ".docx",
        lambda: _docx("<w:tbl><w:tr><w:tc><w:p>" + "<w:r><w:t>甲</w:t></w:r>" * 1_000_000 + "</w:p></w:tc></w:tr></w:tbl>"),
        "I008",
        "表1 第1行 第1列",
    ),
    "docx: 210,000 cells": (
        ".docx",
        lambda: _docx("<w:tbl>" + ("<w:tr>" + "<w:tc/>" * 200 + "</w:tr>") * 1050 + "</w:tbl>"),
        "I009",
        "表1 第1001行 第1列",
    ),
    "docx: 1,200,000 characters": (
        ".docx",
        lambda: _docx(("<w:p><w:r><w:t>" + "甲" * 30_000 + "</w:t></w:r></w:p>") * 40),
        "I009",
        "第34段",
    ),
    "docx: 1,100,000 elements": (".docx", lambda: _docx("<w:p>" + "<w:bookmarkEnd/>" * 1_100_000 + "</w:p>"), "I009", "第1段"),
    "xlsx: a value at XFD1048576": (
        ".xlsx",
        lambda: _office(
            "xlsx",
            _sheet(
                '<row r="1">'
                + _text_cell("A1", "项目名称")
                + '</row><row r="1048576">'
                + _text_cell("XFD1048576", "甲")
                + "</row>"
            ),
        ),
        "I006",
        "工作表“Sheet” XFD1048576",
    ),
    "xlsx: a value at XFD1": (
        ".xlsx",
        lambda: _office("xlsx", _sheet('<row r="1">' + _text_cell("A1", "项目名称") + _text_cell("XFD1", "甲") + "</row>")),
        "I007",
        "工作表“Sheet” XFD1",
    ),
    "xlsx: a row of 16,384 numbers": (
        ".xlsx",
        lambda: _office("xlsx", _sheet('<row r="1">' + "".join(f"<c><v>{i}</v></c>" for i in range(16_384)) + "</row>")),
        "I007",
        "工作表“Sheet” GS1",
    ),
    "xlsx: 440,000 rows": (
        ".xlsx",
        lambda: _office("xlsx", _sheet("".join(f'<row r="{r}">{_text_cell(f"A{r}", "甲")}</row>' for r in range(1, 440_000)))),
        "I006",
        "工作表“Sheet” A20001",
    ),
    "xlsx: 210,000 cells": (
        ".xlsx",
        lambda: _office("xlsx", _sheet("".join(f'<row r="{r}">' + "<c><v>1</v></c>" * 200 + "</row>" for r in range(1, 1051)))),
        "I009",
        "工作表“Sheet” A1001",
    ),
    "xlsx: a cell of 10,000,000 characters": (
        ".xlsx",
        lambda: _office("xlsx", _sheet('<row r="1">' + _text_cell("A1", "甲" * 10_000_000) + "</row>")),
        "I008",
        "工作表“Sheet” A1",
    ),
    "xlsx: a shared string of 10,000,000 characters": (
        ".xlsx",
        lambda: _xlsx_parts(
            {
                "xl/sharedStrings.xml": _sst("<si><t>" + "甲" * 10_000_000 + "</t></si>"),
                "xl/worksheets/sheet1.xml": _sheet('<row r="1"><c r="B1" t="s"><v>0</v></c></row>'),
            }
        ),
        "I008",
        "工作表“Sheet” B1",
    ),
    "xlsx: 1,700,000 shared strings": (
        ".xlsx",
        lambda: _xlsx_parts(
            {
                "xl/sharedStrings.xml": _sst("<si><t>甲</t></si>" * 1_700_000),
                "xl/worksheets/sheet1.xml": _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
            }
        ),
        "I009",
        "共享字符串表",
    ),
    "xlsx: 1,200,000 characters": (
        ".xlsx",
        lambda: _office(
            "xlsx", _sheet("".join(f'<row r="{r}">{_text_cell(f"A{r}", "甲" * 30_000)}</row>' for r in range(1, 41)))
        ),
        "I009",
        "工作表“Sheet” A34",
    ),
    "xlsx: 750,000 formatted blanks": (
        ".xlsx",
        lambda: _office("xlsx", _sheet("".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(1, 750_000)))),
        "I009",
        "工作表“Sheet” 第499999行",
    ),
    "xlsx: 500,000 cell formats": (".xlsx", lambda: _styles(500_000), "I009", "部件 xl/styles.xml"),
    "xlsx: 600,000 defined names": (
        ".xlsx",
        lambda: _xlsx_parts(
            {
                "xl/workbook.xml": (
                    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxml'
                    'formats.org/officeDocument/2006/relationships"><sheets>'
                    '<sheet name="Sheet" sheetId="1" r:id="rId1"/></sheets>'
                    "<definedNames>"
                    + "".join(f'<definedName name="n{i}">Sheet!$A$1</definedName>' for i in range(600_000))
                    + "</definedNames></workbook>"
                ).encode()
            }
        ),
        "I009",
        "部件 xl/workbook.xml",
    ),
    "xlsx: 300 sheets": (".xlsx", lambda: _many_sheets(300), "I009", "工作表“表256”"),
    "text: 30,000 lines": (".txt", lambda: "甲\n".encode() * 30_000, "I006", "第20001行"),
    "text: a line of 40,000 characters": (".txt", lambda: ("甲" * 40_000).encode(), "I008", "第1行"),
    "text: a cell of 40,000 characters": (".txt", lambda: ("项目名称\t" + "甲" * 40_000).encode(), "I008", "表1 第1行 第2格"),
    "text: a line of 300 tabs": (".txt", lambda: ("项目名称" + "\t" * 300).encode(), "I007", "第1行"),
    "text: 8,000,000 tabs": (".txt", lambda: b"a" + b"\t" * 8_000_000, "I009", "全文"),
    "text: 225,000 cells": (".txt", lambda: ("甲" + "\t甲" * 14 + "\n").encode() * 15_000, "I009", "表1 第13334行 第6格"),
    "text: a cell continued over 20,000 lines": (
        ".txt",
        lambda: ("\t项目名称\n" + "甲甲\n" * 15_000).encode(),
        "I008",
        "表1 第1行 第1格",
    ),
    "text: 2,700,000 characters": (".txt", lambda: "甲".encode() * 2_700_000, "I009", "全文"),
}


@pytest.mark.parametrize("case", sorted(CAP_CASES))
def test_each_import_cap_stops_the_reading_with_its_code(case: str, tmp_path: Path) -> None:
    suffix, content, code, where = CAP_CASES[case]
    source = tmp_path / f"来源{suffix}"
    source.write_bytes(content())
    findings = bounded(IMPORT_MB, "import", str(source), "--out", str(tmp_path / "data"), cwd=tmp_path, exit_code=1)
    assert [(f["code"], f["field"]) for f in findings] == [(code, where)], findings[:5]
    assert "没有导入这个文件" in str(findings[0]["message"]) and findings[0]["hint"]
    assert not (tmp_path / "data").exists()


UNCAPPED_CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    # What a file may claim or hold without a cap, because the reader never acts on it: each is read
    # at once, and is not a form (I010 names the table it found, or I011 says nothing was found).
    "docx: a vertical merge down 19,000 rows": (
        ".docx",
        lambda: _docx(
            "<w:tbl><w:tr>"
            + _w_cell("项目名称", '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>')
            + "</w:tr>"
            + "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>" * 19_000
            + "</w:tbl>"
        ),
    ),
    "xlsx: a range merged over the whole sheet": (
        ".xlsx",
        lambda: _office(
            "xlsx",
            _sheet(
                '<row r="1">' + _text_cell("A1", "项目名称") + "</row>",
                after='<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
            ),
        ),
    ),
    "xlsx: 950,000 merged ranges": (
        ".xlsx",
        lambda: _office(
            "xlsx",
            _sheet(
                '<row r="1">' + _text_cell("A1", "项目名称") + "</row>",
                after="<mergeCells>" + "".join(f'<mergeCell ref="A{i}:B{i}"/>' for i in range(2, 950_000)) + "</mergeCells>",
            ),
        ),
    ),
    "xlsx: a sheet claiming to span A1:XFD1048576": (
        ".xlsx",
        lambda: _office(
            "xlsx", _sheet('<row r="1">' + _text_cell("A1", "项目名称") + "</row>", before='<dimension ref="A1:XFD1048576"/>')
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(UNCAPPED_CASES))
def test_what_the_reader_never_acts_on_costs_nothing(case: str, tmp_path: Path) -> None:
    suffix, content = UNCAPPED_CASES[case]
    source = tmp_path / f"来源{suffix}"
    source.write_bytes(content())
    findings = bounded(IMPORT_MB, "import", str(source), "--out", str(tmp_path / "data"), cwd=tmp_path, exit_code=1)
    assert {str(f["code"]) for f in findings} <= {"I010", "I011"} and findings, findings[:5]
