"""Reporters, chosen by name, each writing a report to a given stream."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TextIO

from generator.diagnostics import Diagnostic, Report, Severity

_SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告"}


_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# The direction controls (Unicode's Bidi_Control characters, rules/hygiene.py BIDI_CONTROLS): U+202E
# shows "甲\u202e乙丙" as "甲丙乙", so a reviewer would read a report in another order than it is written.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible_bidi(value: str) -> str:
    """Each direction control as a visible mark, "⟪U+202E⟫": it no longer reorders what follows."""
    return _BIDI.sub(lambda m: f"⟪U+{ord(m.group(0)):04X}⟫", value)


def escaped_bidi(json_text: str) -> str:
    """JSON with each direction control written as an escape: the same strings, shown in their own order.

    Outside its strings JSON is ASCII, so every such character is inside a string.
    """
    return _BIDI.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)


def plain(value: str) -> str:
    """Data text on one terminal line: line breaks become "⏎", control characters "\ufffd", direction
    controls a visible mark.

    A message quotes the data, and the data is not trusted: a line break in it must not start a
    line of its own (CI systems read lines such as ``::error::`` as commands), nor an escape
    sequence move the cursor or hide text in a terminal or a CI log, nor a direction control
    reorder what the reader sees.
    """
    return _CONTROL.sub("\ufffd", _BREAKS.sub("⏎", visible_bidi(value)))


def _location(d: Diagnostic) -> str:
    return plain(f"{d.path}:{d.line}:{d.column}")


def _field(d: Diagnostic) -> str:
    return f" [{plain(d.field)}]" if d.field else ""


def text(report: Report, out: TextIO) -> None:
    """``file:line:col: error [CODE] message [field]`` and a hint line, then a summary."""
    open_items = [d for d in report.sorted() if not d.acknowledged]
    acknowledged = [d for d in report.sorted() if d.acknowledged]
    for d in open_items:
        out.write(f"{_location(d)}: {_SEVERITY_ZH[d.severity]} [{d.code}] {plain(d.message)}{_field(d)}\n")
        if d.hint:
            out.write(f"    提示：{plain(d.hint)}\n")
    if acknowledged:
        out.write(f"\n已确认的问题（{len(acknowledged)} 条，不影响检查结果）：\n")
        for d in acknowledged:
            out.write(f"{_location(d)}: 已确认 [{d.code}] {plain(d.message)}{_field(d)}\n")
            out.write(f"    理由：{plain(d.reason)}\n")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    out.write(f"\n检查了 {report.files_checked} 个文件：{errors} 个错误，{warnings} 个警告，{len(acknowledged)} 个已确认问题。\n")
    if not errors and not warnings:
        out.write("全部通过。\n")


def brief(report: Report, out: TextIO, see: str) -> None:
    """For a commit (the pre-commit hook): the errors in full, as ``text`` writes them, and one last line
    counting the warnings and saying how to see them (``see``: the command that shows them). A commit
    is stopped by errors only; its warnings, not shown one by one, are not forgotten either."""
    errors = [d for d in report.sorted() if not d.acknowledged and d.severity is Severity.ERROR]
    for d in errors:
        out.write(f"{_location(d)}: 错误 [{d.code}] {plain(d.message)}{_field(d)}\n")
        if d.hint:
            out.write(f"    提示：{plain(d.hint)}\n")
    warnings = report.count(Severity.WARNING)
    counted = f"另有 {warnings} 个警告（不影响提交），查看：{plain(see)}" if warnings else "没有警告。"
    if errors:
        out.write(f"\njixiao check：{len(errors)} 个错误，请改正后再提交；{counted}\n")
    else:
        out.write(f"jixiao check：通过（{report.files_checked} 个文件）；{counted}\n")


def json_(report: Report, out: TextIO) -> None:
    """A JSON array of diagnostics: code, severity, path, line, column, message (and more)."""
    out.write(escaped_bidi(json.dumps([d.as_dict() for d in report.sorted()], ensure_ascii=False, indent=2)))
    out.write("\n")


_OTHER_BREAKS = re.compile(r"[\x0b\x0c\x85\u2028\u2029]")


def _escape_data(value: str) -> str:
    """GitHub's escaping of a command's message, and no control character (see ``plain``)."""
    escaped = visible_bidi(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _CONTROL.sub("\ufffd", _OTHER_BREAKS.sub("⏎", escaped))


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_command(level: str, d: Diagnostic, title: str, body: str) -> str:
    """One GitHub Actions workflow command (an annotation at ``d``'s place), every part escaped."""
    return (
        f"::{level} file={_escape_property(d.path)},line={d.line},col={d.column},"
        f"title={_escape_property(title)}::{_escape_data(body)}\n"
    )


def github(report: Report, out: TextIO) -> None:
    """GitHub Actions workflow commands, so findings show as annotations on the pull request."""
    for d in report.sorted():
        level = "notice" if d.acknowledged else d.severity.value
        title = f"{d.code} {'已确认' if d.acknowledged else _SEVERITY_ZH[d.severity]}"
        body = d.message + _field(d) + (f"。提示：{d.hint}" if d.hint and not d.acknowledged else "")
        if d.acknowledged:
            body += f"（已确认：{d.reason}）"
        out.write(github_command(level, d, title, body))


REPORTERS: dict[str, Callable[[Report, TextIO], None]] = {"text": text, "json": json_, "github": github}
