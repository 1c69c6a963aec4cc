"""Reporters: exact output against committed golden files."""

from __future__ import annotations

import io
import json
import re

from conftest import ROOT, GoldenCheck

from generator.diagnostics import Report, make
from generator.diagnostics.reporters import REPORTERS

GOLDEN = ROOT / "tests" / "golden"


def sample_report() -> Report:
    report = Report(files_checked=3)
    report.diagnostics = [
        make("V007", "data/区/2026/局/甲项目.yaml", 12, 18, ("绩效指标", 3, "指标值类型"), name="群众满意度", operator="≤"),
        make("Y001", "data/区/2026/局/乙项目.yaml", 2, 1, encoding="GBK（GB18030）"),
        make(
            "X003",
            "data/区/2026/局/单位.yaml",
            30,
            14,
            ("部门整体支出绩效目标表", "预算情况", "按支出性质分", "项目支出"),
            declared="14.4",
            count=2,
            total="32",
        ).acknowledge("原表如此公开，待单位核实。"),
        make("H005", "data/区/2026/局/甲项目.yaml", 3, 7, ("项目名称",), text=" 甲项目,含逗号:冒号 "),
    ]
    return report


def render(name: str) -> str:
    out = io.StringIO()
    REPORTERS[name](sample_report(), out)
    return out.getvalue()


def test_text_reporter(golden: GoldenCheck) -> None:
    golden(render("text"), GOLDEN / "report.txt")


def test_github_reporter(golden: GoldenCheck) -> None:
    golden(render("github"), GOLDEN / "report.github")


def test_json_reporter(golden: GoldenCheck) -> None:
    text = render("json")
    golden(text, GOLDEN / "report.json")
    items = json.loads(text)
    for item in items:
        assert {"code", "severity", "path", "line", "column", "message"} <= item.keys()
    assert [i["code"] for i in items if i.get("acknowledged")] == ["X003"]


def test_exit_codes() -> None:
    report = sample_report()
    assert report.exit_code() == 1
    warnings_only = Report(diagnostics=[d for d in report.diagnostics if d.code in ("H005", "X003")])
    assert warnings_only.exit_code() == 0
    assert warnings_only.exit_code(strict=True) == 1
    acknowledged_only = Report(diagnostics=[d for d in report.diagnostics if d.acknowledged])
    assert acknowledged_only.exit_code(strict=True) == 0
    unreadable = Report(diagnostics=[make("Y013", "x.yaml", error="Permission denied")])
    assert unreadable.exit_code() == 2


def test_data_in_messages_cannot_start_a_line_or_send_escape_codes() -> None:
    """A value quoted in a message may hold line breaks and escape sequences; CI systems read a line
    that starts with ``::`` as a command, and a terminal obeys escape codes. Neither gets through."""
    hostile = "甲\n::error file=x::伪造\r::add-mask::秘密\x1b[2J\x1b]0;标题\x07\u2028::warning::乙"
    report = Report(files_checked=1)
    report.diagnostics = [
        make("H005", "data/区/2026/局/甲\n::error::.yaml", 3, 7, ("项目名称",), text=hostile),
        make("X003", "data/区/2026/局/单位.yaml", 1, 1, (), declared="1", count=1, total="2").acknowledge(hostile),
    ]
    for name in ("text", "github"):
        out = io.StringIO()
        REPORTERS[name](report, out)
        lines = out.getvalue().splitlines()
        assert all(
            not line.startswith("::") or re.match(r"::(error|warning|notice) file=data/区/2026/局/", line) for line in lines
        ), lines
        # A line break in the data never adds a line: a finding and its hint or reason, the headings, the summary.
        assert len(lines) == (2 if name == "github" else 8), lines  # github: one command per finding
        assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
    out = io.StringIO()
    REPORTERS["json"](report, out)
    quoted = next(item for item in json.loads(out.getvalue()) if item["code"] == "H005")
    assert hostile in quoted["message"]  # JSON keeps the data exactly: its readers escape it themselves


BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_direction_controls_in_data_are_shown_as_marks_and_escaped_in_json() -> None:
    """U+202E in a quoted value would show "甲\u202e乙丙" as "甲丙乙": the reader would see another order."""
    hostile = "".join(f"甲{char}乙" for char in BIDI)
    report = Report(files_checked=1)
    report.diagnostics = [
        make("H005", f"data/区/2026/局/{hostile}.yaml", 3, 7, ("项目名称", hostile), text=hostile),
        make("X003", "data/区/2026/局/单位.yaml", 1, 1, (), declared="1", count=1, total="2").acknowledge(hostile),
    ]
    marked = "".join(f"甲⟪U+{ord(char):04X}⟫乙" for char in BIDI)
    for name in ("text", "github", "json"):
        out = io.StringIO()
        REPORTERS[name](report, out)
        assert not set(out.getvalue()) & set(BIDI), name
        if name == "json":
            quoted, acknowledged = sorted(json.loads(out.getvalue()), key=lambda item: str(item["code"]))
            assert quoted["message"] == f"“{hostile}”首尾有空格" and quoted["field"] == f"项目名称.{hostile}"
            assert quoted["path"] == f"data/区/2026/局/{hostile}.yaml" and acknowledged["reason"] == hostile
        else:  # in the path, the message, the field and the reason
            assert out.getvalue().count(marked) == 4, (name, out.getvalue())
