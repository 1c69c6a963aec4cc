"""Documentation generated from the code stays in step with it."""

from __future__ import annotations

import re

from conftest import ROOT

from generator.diagnostics.catalogue import CATALOGUE
from generator.diagnostics.reference import CODES_PAGE, codes_markdown


def test_codes_page_is_up_to_date() -> None:
    assert CODES_PAGE.read_text(encoding="utf-8") == codes_markdown(), (
        "docs/问题代码.md is stale: run python -m generator.diagnostics.reference"
    )


def test_every_code_is_documented_with_text() -> None:
    page = CODES_PAGE.read_text(encoding="utf-8")
    for code in CATALOGUE.values():
        assert f"| {code.code} |" in page
        assert code.title and code.description and code.message


def test_every_emitted_code_is_in_the_catalogue() -> None:
    emitted = set()
    for path in (ROOT / "generator").rglob("*.py"):
        emitted |= set(re.findall(r'"([A-Z]\d{3})"', path.read_text(encoding="utf-8")))
    assert emitted <= set(CATALOGUE), f"codes used but not catalogued: {sorted(emitted - set(CATALOGUE))}"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.+?)\n```", readme)
    assert "jixiao" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
