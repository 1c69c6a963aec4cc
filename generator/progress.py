"""What a long command is doing, on one line of the terminal, rewritten in place.

A build of 10,000 projects takes a minute or two; without a word it looks stuck. The line goes to
stderr and only when it is a terminal that the command turned this on for (``jixiao build``), so
piped output, logs, tests and JSON reports never contain it. It is cleared before the command
prints its summary.
"""

from __future__ import annotations

import sys
import time

_enabled = False
_shown = False
_last = 0.0
INTERVAL = 0.1  # seconds between two updates of a counter


def enable() -> None:
    """Show progress from now on, when stderr is a terminal."""
    global _enabled
    _enabled = sys.stderr.isatty()


def step(text: str) -> None:
    """The work now under way, e.g. "检查数据……"."""
    global _shown
    if _enabled:
        sys.stderr.write(f"\r\x1b[K{text}")
        sys.stderr.flush()
        _shown = True


def count(text: str, done: int, total: int, unit: str = "") -> None:
    """``done`` of ``total`` pieces of work, e.g. "生成页面和官方表格：37/100 个单位"; shown at most every
    INTERVAL seconds, and at the end."""
    global _last
    now = time.monotonic()
    if _enabled and (done == total or now - _last >= INTERVAL):
        _last = now
        step(f"{text}：{done}/{total} {unit}".rstrip())


def clear() -> None:
    """Remove the line, before the command prints what it has to say."""
    global _shown
    if _enabled and _shown:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
        _shown = False
