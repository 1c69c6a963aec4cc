"""ruff and mypy over the code, as part of the test command (so CI runs them too)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff() -> None:
    result = run("ruff", "check", "generator", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = run("mypy", "generator")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    """The code is as `ruff format` writes it (the code hook in .pre-commit-config.yaml keeps it so on each commit)."""
    result = run("ruff", "format", "--check", "generator", "tests")
    assert result.returncode == 0, result.stdout + result.stderr
