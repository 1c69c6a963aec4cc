"""What ``jixiao check`` does once its options are read, without the command-line library.

generator/cli.py reads the options of every form of the command; generator/entry.py reads those of the
two everyday forms, ``jixiao check FILE...`` and ``jixiao check --hook FILE...`` (the pre-commit hook, at
every commit), without loading click and jixiao's other commands: that loading was a sixth of the check
of one file. Both call these functions, so the two ways print the same and end with the same status
(tests/test_entry.py runs each form both ways and compares).
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path
from typing import NoReturn

from generator import progress
from generator.diagnostics import Report
from generator.errors import UsageError

DEFAULT_DATA = Path("data")
SHOWN_TARGETS = 3  # the units named in the hook's "how to see the warnings"; beyond, all of data/
DOING = "检查数据"  # what was being done, in the message of an error of the operating system
_SHELL_SPECIAL = re.compile(r"[\s'\"\\$`!*?\[\]{}()<>|&;#~]")


def data_paths(paths: list[Path]) -> list[Path]:
    """The paths given, or data/ when none is (an error when there is no data/ here either)."""
    if paths:
        return list(paths)
    if not DEFAULT_DATA.is_dir():
        raise UsageError("当前文件夹下没有 data/。请在数据仓库的根目录运行，或写明要检查的文件或文件夹")
    return [DEFAULT_DATA]


def shell_word(text: str) -> str:
    """``text`` as one word of a command to copy: quoted only where the shell needs it (not for Chinese)."""
    return shlex.quote(text) if _SHELL_SPECIAL.search(text) else text


def check(paths: list[Path], fmt: str, strict: bool, jobs: int | None, changed: str | None, hook: bool) -> NoReturn:
    """Check, print the report in ``fmt`` (the hook's brief one with ``hook``) and exit with its status."""
    from generator.check.run import check as run_check
    from generator.diagnostics.reporters import REPORTERS

    progress.enable()  # on the terminal only: never in the report
    if hook:
        if changed is not None:
            raise UsageError("--hook 和 --changed 不能同时使用")
        _hook(paths, jobs, strict)
    if changed is not None:
        from generator.review.changed import changed_targets

        targets = changed_targets(changed, paths)
        report = run_check(targets, jobs=jobs) if targets else Report()
    else:
        report = run_check(data_paths(paths), jobs=jobs)
    progress.clear()
    REPORTERS[fmt](report, sys.stdout)
    sys.exit(report.exit_code(strict))


def _hook(paths: list[Path], jobs: int | None, strict: bool) -> NoReturn:
    from generator.check.run import check as run_check
    from generator.data.load import display_path
    from generator.diagnostics.reporters import brief
    from generator.review.changed import hook_targets

    targets = hook_targets(paths)
    report = run_check(targets, jobs=jobs) if targets else Report()
    progress.clear()
    shown = [shell_word(display_path(target)) for target in targets]
    brief(report, sys.stdout, "jixiao check " + " ".join(shown) if 0 < len(shown) <= SHOWN_TARGETS else "jixiao check")
    sys.exit(report.exit_code(strict))
