"""Progress of a long build: on a terminal, one line rewritten in place, cleared before the summary;
never in piped output."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

CLEAR = "\r\x1b[K"


def on_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run jixiao with stderr on a real terminal and stdout a pipe (as when piped to a log):
    (exit code, what the terminal showed, stdout)."""
    primary, secondary = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "generator", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=secondary,
            check=False,
            timeout=600,
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal is closed once everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    return process.returncode, b"".join(chunks).decode("utf-8"), process.stdout.decode("utf-8")


def test_a_build_on_a_terminal_says_what_it_is_doing(data_copy: Path) -> None:
    code, terminal, summary = on_terminal(["build", "--no-pdf"], data_copy.parent)
    assert code == 0, terminal
    shown = [part for part in terminal.split(CLEAR) if part]
    assert shown[0] == "检查数据……"
    assert {"检查数据：4/4 个单位", "生成说明页面……", "读取修订记录……", "建立搜索索引……"} <= set(shown)
    assert "生成页面和官方表格：4/4 个单位" in shown
    assert terminal.endswith(CLEAR)  # nothing left on the line for the summary
    assert "检查通过" in summary and "\x1b" not in summary and "\r" not in summary


def test_a_check_on_a_terminal_counts_units_then_clears_the_line(data_copy: Path) -> None:
    code, terminal, report = on_terminal(["check", "--format", "json", "data"], data_copy.parent)
    assert code == 0, terminal
    assert "检查数据：4/4 个单位" in terminal and terminal.endswith(CLEAR)
    assert report.startswith("[") and "\x1b" not in report


def test_piped_output_has_no_progress(data_copy: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--no-pdf"],
        cwd=data_copy.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert process.returncode == 0
    assert process.stderr == "" and "\x1b" not in process.stdout and "检查数据" not in process.stdout
