"""Domain rules: what a JSON Schema cannot say. One module per family (see catalogue.py).

A rule is a function that takes a model object and its scope and yields diagnostics, built with
``doc.diagnostic(code, field_path, **params)`` so that every finding points at its line. Rules
see only files that passed the schema, so they can trust the types of the model. Each rule module
enters its rules in the registry (registry.py) when it is imported.
"""

from __future__ import annotations

from generator.check.rules.registry import PROJECT_RULES, UNIT_RULES, Scope
from generator.data.model import Project, Unit
from generator.diagnostics import Diagnostic

__all__ = ["Scope", "load_rules", "run_project_rules", "run_unit_rules"]


def load_rules() -> None:
    """Import every rule module so that its rules register themselves."""
    from generator.check.rules import (  # noqa: F401
        crosstable,
        duplicates,
        framework,
        hygiene,
        money,
        selfeval,
        timing,
        values,
    )


def run_project_rules(project: Project, scope: Scope) -> list[Diagnostic]:
    load_rules()
    return [d for rule in PROJECT_RULES for d in rule(project, scope)]


def run_unit_rules(unit: Unit) -> list[Diagnostic]:
    load_rules()
    return [d for rule in UNIT_RULES for d in rule(unit)]
