"""The ``jixiao`` command's entry point (``python -m generator`` too).

``jixiao check --hook FILE...`` runs at every commit (the pre-commit hook), and ``jixiao check FILE...``
is what an editor runs after changing a file. Loading the command-line library (click) and the
definitions of all of jixiao's commands was a sixth of the check of one file (about 30 ms of 0.19 s at
10,000 projects). These two forms, with no option but ``--hook``, run here without them, through the
very functions the ``check`` command calls (generator/check/command.py), and stop the same way on an
error (generator.errors.stopped): same output, same exit status (tests/test_entry.py runs each both
ways and compares). Every other command line, any argument that begins with "-" (``--help``,
``--format json``, a path written as ``-x``), and every command line on Windows go to generator.cli.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    from generator.workers import fewer_collections

    fewer_collections()
    args = sys.argv[1:]
    # On Windows click expands wildcards, ~ and %VARIABLES% in the arguments itself (no shell does there):
    # all forms go to it.
    if args[:1] == ["check"] and os.name != "nt":
        hook = args[1:2] == ["--hook"]
        paths = args[2:] if hook else args[1:]
        if not any(arg.startswith("-") for arg in paths):
            _check(paths, hook)
    from generator.cli import main as command

    command()


def _check(paths: list[str], hook: bool) -> None:
    from pathlib import Path

    from generator import progress
    from generator.check import command
    from generator.errors import stopped

    try:
        command.check([Path(p) for p in paths], "text", False, None, None, hook)
    except (Exception, KeyboardInterrupt) as exc:
        error = stopped(exc, "check", command.DOING)
        if error is None:
            raise
        progress.clear()
        print(error.show(), file=sys.stderr, flush=True)
        sys.exit(error.status)
