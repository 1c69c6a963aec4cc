"""Reporters, chosen by name, each writing a report to a given stream."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from generator.diagnostics import Diagnostic, Report, Severity

_SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告"}


def _location(d: Diagnostic) -> str:
    return f"{d.path}:{d.line}:{d.column}"


def _field(d: Diagnostic) -> str:
    return f" [{d.field}]" if d.field else ""


def text(report: Report, out: TextIO) -> None:
    """``file:line:col: error [CODE] message [field]`` and a hint line, then a summary."""
    open_items = [d for d in report.sorted() if not d.acknowledged]
    acknowledged = [d for d in report.sorted() if d.acknowledged]
    for d in open_items:
        out.write(f"{_location(d)}: {_SEVERITY_ZH[d.severity]} [{d.code}] {d.message}{_field(d)}\n")
        if d.hint:
            out.write(f"    提示：{d.hint}\n")
    if acknowledged:
        out.write(f"\n已确认的问题（{len(acknowledged)} 条，不影响检查结果）：\n")
        for d in acknowledged:
            out.write(f"{_location(d)}: 已确认 [{d.code}] {d.message}{_field(d)}\n")
            out.write(f"    理由：{d.reason}\n")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    out.write(
        f"\n检查了 {report.files_checked} 个文件：{errors} 个错误，{warnings} 个警告，"
        f"{len(acknowledged)} 个已确认问题。\n"
    )
    if not errors and not warnings:
        out.write("全部通过。\n")


def json_(report: Report, out: TextIO) -> None:
    """A JSON array of diagnostics: code, severity, path, line, column, message (and more)."""
    json.dump([d.as_dict() for d in report.sorted()], out, ensure_ascii=False, indent=2)
    out.write("\n")


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github(report: Report, out: TextIO) -> None:
    """GitHub Actions workflow commands, so findings show as annotations on the pull request."""
    for d in report.sorted():
        level = "notice" if d.acknowledged else d.severity.value
        title = _escape_property(f"{d.code} {'已确认' if d.acknowledged else _SEVERITY_ZH[d.severity]}")
        body = d.message + _field(d) + (f"。提示：{d.hint}" if d.hint and not d.acknowledged else "")
        if d.acknowledged:
            body += f"（已确认：{d.reason}）"
        out.write(
            f"::{level} file={_escape_property(d.path)},line={d.line},col={d.column},"
            f"title={title}::{_escape_data(body)}\n"
        )


REPORTERS: dict[str, Callable[[Report, TextIO], None]] = {"text": text, "json": json_, "github": github}
