"""Showing a DiffReport: ``text`` for a terminal, ``md`` for a pull-request comment, ``json`` for programs,
``github`` for annotations of what the change brings (GitHub Actions workflow commands).

Data text is never trusted. In Markdown every character that could start markup is escaped (a
project named ``| <script> @someone`` stays text, breaks no table and pings nobody); in the terminal,
control characters are replaced so that data cannot move the cursor or change colours. In both, a
direction control (U+202E …) is shown as a mark such as ⟪U+202E⟫, so that it cannot reorder what the
reviewer reads; JSON keeps it, written as an escape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import TextIO

from generator.diagnostics import Severity
from generator.diagnostics.reporters import escaped_bidi, github_command, visible_bidi
from generator.review.changes import Change
from generator.review.effects import Finding
from generator.review.report import DiffReport, FileChange, UnitEffect

SEVERITY = {Severity.ERROR: "错误", Severity.WARNING: "警告"}
STATUS = {"introduced": "新问题", "acknowledged": "新确认", "changed": "已确认问题有变化", "resolved": "已解决"}
MARKER = "<!-- jixiao-diff -->"  # lets CI find and update its own comment
MAX_COMMENT = 60_000  # GitHub refuses comments over 65,536 characters


# --- text ---------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: str) -> str:
    """One terminal line: newlines become spaces, control characters a replacement mark, direction
    controls a visible mark."""
    return _CONTROL.sub("\ufffd", re.sub(r"\r\n|\r|\n", " ", visible_bidi(value)))


def _finding_line(finding: Finding) -> str:
    d = finding.diagnostic
    line = f"{STATUS[finding.status]}：{d.path}:{d.line}:{d.column}: {SEVERITY[d.severity]} [{d.code}] {d.message}"
    line += f" [{d.field}]" if d.field else ""
    if finding.before is not None:
        line += f"（原为：{finding.before.message}）"
    return line + (f"（理由：{d.reason}）" if finding.status in ("acknowledged", "changed") else "")


def _text_block(title: str, path: str, notes: list[str], changes: list[Change], extra: list[str]) -> list[str]:
    lines = [plain(title)]
    if path:
        lines.append(f"  {plain(path)}")
    lines += [f"  （{plain(note)}）" for note in notes]
    lines += [f"  - {plain(c.text)}" for c in changes]
    lines += [f"  - {plain(e)}" for e in extra]
    return lines


def text(report: DiffReport, out: TextIO) -> None:
    lines = [plain(f"jixiao diff：{report.base} → {report.head}"), plain(report.summary())]
    for change in report.files:
        lines += ["", *_text_block(change.heading, change.path, change.notes, change.changes, [])]
    for effect in report.effects:
        title = f"影响：{effect.name}" + (f"（{effect.path}）" if effect.path else "")
        lines += ["", *_text_block(title, "", [], effect.changes, [_finding_line(f) for f in effect.findings])]
    lines += ["", *(plain(f"说明：{n}") for n in report.notes)] if report.notes else []
    out.write("\n".join(lines) + "\n")


# --- Markdown -----------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"[\\`*_\[\]<>|~$&!{}()#^]")


def md(value: str) -> str:
    """Data text as literal Markdown: every markup character escaped, on one line, mentions defused,
    direction controls shown as marks."""
    escaped = _MD_INLINE.sub(lambda m: "\\" + m.group(0), visible_bidi(value))
    escaped = escaped.replace("@", "@&#8203;")  # a zero-width space after @ keeps GitHub from notifying
    escaped = re.sub(r"^(\s*)([-+=])(?=\s|$)", r"\1\\\2", escaped)  # a list item or heading line
    escaped = re.sub(r"^(\s*\d+)([.)])(?=\s|$)", r"\1\\\2", escaped)  # an ordered list item
    return re.sub(r"\r\n|\r|\n", "<br>", escaped)


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]


def _changes(header: str, changes: list[Change]) -> list[str]:
    """A table of old and new values; notes (sentences without values) as quoted lines below it."""
    rows = [(c.what, *c.cells()) for c in changes if c.kind != "note"]
    lines = [*_table((header, "原来", "现在"), rows), ""] if rows else []
    notes = [f"> {md(c.text)}" for c in changes if c.kind == "note"]
    return lines + notes + ([""] if notes else [])


def _file_block(change: FileChange) -> list[str]:
    lines = [f"#### {md(change.heading)}", "", f"文件：{md(change.path)}", ""]
    lines += [f"> {md(note)}" for note in change.notes] + ([""] if change.notes else [])
    lines += _changes("改动", change.changes)
    return lines


def _finding_row(finding: Finding) -> tuple[str, ...]:
    d = finding.diagnostic
    message = d.message + (f"（{d.field}）" if d.field else "")
    if finding.before is not None:
        message += f"。原为：{finding.before.message}"
    if finding.status in ("acknowledged", "changed"):
        message += f"。理由：{d.reason}"
    return (STATUS[finding.status], SEVERITY[d.severity], d.code, f"{d.path}:{d.line}", message)


def _effect_block(effect: UnitEffect) -> list[str]:
    lines = [f"#### 影响：{md(effect.name)}", ""]
    if effect.path:
        lines += [f"单位：{md(effect.path)}", ""]
    lines += _changes("合计和汇总表", effect.changes)
    if effect.findings:
        lines += ["检查结果的变化：", ""]
        lines += [*_table(("变化", "级别", "代码", "位置", "问题"), [_finding_row(f) for f in effect.findings]), ""]
    return lines


def markdown(report: DiffReport, out: TextIO) -> None:
    head = [
        MARKER,
        "### 绩效目标表的改动",
        "",
        f"比较：{md(report.base)} → {md(report.head)}",
        "",
        f"**{md(report.summary())}**",
        "",
    ]
    tail = [f"> {md(note)}" for note in report.notes] + ([""] if report.notes else [])
    effects = [line for effect in report.effects for line in _effect_block(effect)]
    budget = MAX_COMMENT - sum(len(line) + 1 for line in head + tail + effects)
    files: list[str] = []
    for index, change in enumerate(report.files):
        block = _file_block(change)
        size = sum(len(line) + 1 for line in block)
        if size > budget:
            left = len(report.files) - index
            files += [
                f"> 还有 {left} 个文件的改动没有列出（评论长度有限）：请在本地运行 jixiao diff，或查看持续集成日志中的完整输出。",
                "",
            ]
            break
        files += block
        budget -= size
    out.write("\n".join(head + files + effects + tail).rstrip("\n") + "\n")


# --- JSON ---------------------------------------------------------------------------------------


def json_(report: DiffReport, out: TextIO) -> None:
    out.write(escaped_bidi(json.dumps(report.as_dict(), ensure_ascii=False, indent=2)))
    out.write("\n")


# --- GitHub annotations -------------------------------------------------------------------------


def github(report: DiffReport, out: TextIO) -> None:
    """Annotations for what the change brings: findings it introduces and acknowledged findings whose numbers
    it changes. Findings that were there before the change, anywhere in the unit, are not annotated: they
    are not the author's to answer for, and would bury the new ones."""
    for effect in report.effects:
        for finding in effect.findings:
            d = finding.diagnostic
            if finding.status == "introduced":
                body = d.message + (f" [{d.field}]" if d.field else "") + (f"。提示：{d.hint}" if d.hint else "")
                out.write(github_command(d.severity.value, d, f"{d.code} {SEVERITY[d.severity]}（新问题）", body))
            elif finding.status == "changed" and finding.before is not None:
                body = f"{d.message}（原为：{finding.before.message}；已确认的理由：{d.reason}）"
                out.write(github_command("warning", d, f"{d.code} 已确认问题有变化", body))


FORMATS: dict[str, Callable[[DiffReport, TextIO], None]] = {"text": text, "md": markdown, "json": json_, "github": github}
