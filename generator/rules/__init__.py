"""Domain rules: what a JSON Schema cannot say. One module per family (see catalogue.py).

A rule is a function that takes a model object and its scope and yields diagnostics, built with
``doc.diagnostic(code, field_path, **params)`` so that every finding points at its line. Rules
see only files that passed the schema, so they can trust the types of the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.diagnostics import Diagnostic
from generator.model import Project, Region, Unit


@dataclass(frozen=True)
class Scope:
    """What a table is checked against: its region's settings, the budget year, its unit."""

    region: Region
    year: int
    unit: Unit | None = None


ProjectRule = Callable[[Project, Scope], Iterator[Diagnostic]]
UnitRule = Callable[[Unit], Iterator[Diagnostic]]

PROJECT_RULES: list[ProjectRule] = []
UNIT_RULES: list[UnitRule] = []


def project_rule(func: ProjectRule) -> ProjectRule:
    PROJECT_RULES.append(func)
    return func


def unit_rule(func: UnitRule) -> UnitRule:
    UNIT_RULES.append(func)
    return func


def load_rules() -> None:
    """Import every rule module so that its rules register themselves."""
    from generator.rules import (  # noqa: F401
        crosstable,
        duplicates,
        framework,
        hygiene,
        money,
        timing,
        values,
    )


def run_project_rules(project: Project, scope: Scope) -> list[Diagnostic]:
    load_rules()
    return [d for rule in PROJECT_RULES for d in rule(project, scope)]


def run_unit_rules(unit: Unit) -> list[Diagnostic]:
    load_rules()
    return [d for rule in UNIT_RULES for d in rule(unit)]
