"""Duplicates: indicator names within a table, project names and codes within a unit (D codes)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.rules.common import Table, department_table, project_table
from generator.check.rules.registry import Scope, project_rule, unit_rule
from generator.data import fields as F
from generator.data.model import Project, Unit
from generator.data.normalize import squash
from generator.diagnostics import Diagnostic


def check_indicator_names(table: Table) -> Iterator[Diagnostic]:
    first: dict[str, int] = {}
    for ind in table.live:
        key = squash(ind.name or "")
        if key in first:
            yield table.doc.diagnostic("D001", ind.field(F.LEVEL3), name=ind.name, other=f"第 {first[key] + 1} 条指标")
        else:
            first[key] = ind.index


def check_projects(unit: Unit) -> Iterator[Diagnostic]:
    names: dict[str, Project] = {}
    codes: dict[str, Project] = {}
    for project in unit.projects:
        name = squash(project.name)
        if name in names:
            yield project.doc.diagnostic("D002", (F.PROJECT_NAME,), name=project.name, other=names[name].doc.path.name)
        else:
            names[name] = project
        if project.code is None:
            continue
        if project.code in codes:
            yield project.doc.diagnostic("D003", (F.PROJECT_CODE,), value=project.code, other=codes[project.code].doc.path.name)
        else:
            codes[project.code] = project


@project_rule
def project_duplicates(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    yield from check_indicator_names(project_table(project, scope))


@unit_rule
def unit_duplicates(unit: Unit) -> Iterator[Diagnostic]:
    table = department_table(unit)
    if table is not None:
        yield from check_indicator_names(table)
    yield from check_projects(unit)
