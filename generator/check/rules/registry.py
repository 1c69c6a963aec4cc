"""The rules' registry: what a rule is checked against (Scope), and the lists rules enter themselves in.

Rule modules import from here, never from the package, so that the package can import them all
(generator.check.rules.load_rules) without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.data.model import Project, Region, Unit
from generator.diagnostics import Diagnostic


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
