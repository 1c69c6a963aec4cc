"""Cross-table: the department budget adds up, and a unit's tables agree with each other (X codes)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from generator.check.rules.common import amount, department_table
from generator.check.rules.money import cost_amounts
from generator.check.rules.registry import Scope, project_rule, unit_rule
from generator.data import fields as F
from generator.data.load import Document
from generator.data.model import DepartmentTable, Project, Unit, to_decimal
from generator.diagnostics import Diagnostic, FieldPath

BUDGET: FieldPath = (*DepartmentTable.BASE, F.BUDGET)
# Similarity above which a printed name is called a likely typo: "株洲市株洲市娄口" for "株洲市渌口"
# scores 0.81, a dropped "委" 0.96. A sibling office ("宣传部" for "组织部") also scores 0.83, which
# is why the note only says "可能".
TYPO_RATIO = 0.8
CODE_LENGTH = 21


def _parts(section: Any) -> list[Decimal]:
    if not isinstance(section, dict):
        return []
    values = (to_decimal(v) for v in section.values())
    return [v for v in values if v is not None]


def check_budget(unit: Unit, department: DepartmentTable) -> Iterator[Diagnostic]:
    budget = department.budget
    total = to_decimal(budget.get(F.BUDGET_TOTAL))
    if total is None:
        return
    # A blank cell on the form is left out of the YAML, so absent parts count as zero.
    for key, code in ((F.BY_SOURCE, "X001"), (F.BY_USE, "X002")):
        parts = _parts(budget.get(key))
        if parts and (parts_total := sum(parts, Decimal(0))) != total:
            yield unit.doc.diagnostic(code, (*BUDGET, key), total=amount(parts_total),
                                      budget=amount(total))
    table = department_table(unit)
    costs = cost_amounts(table) if table is not None else []
    if costs and (cost_total := sum(costs, Decimal(0))) != total:
        yield unit.doc.diagnostic("X004", (*BUDGET, F.BUDGET_TOTAL), total=amount(cost_total),
                                  budget=amount(total))


def check_project_total(unit: Unit, department: DepartmentTable) -> Iterator[Diagnostic]:
    spending = department.budget.get(F.BY_USE)
    declared = to_decimal(spending.get(F.PROJECT_SPENDING)) if isinstance(spending, dict) else None
    # One project without an amount makes any sum meaningless; F010 reports that project.
    if declared is None or any(p.budget is None for p in unit.projects):
        return
    total = unit.project_total
    if total != declared:
        yield unit.doc.diagnostic("X003", (*BUDGET, F.BY_USE, F.PROJECT_SPENDING), declared=amount(declared),
                                  count=len(unit.projects), total=amount(total))


def check_printed_name(doc: Document, field_path: FieldPath, printed: str | None,
                       unit: Unit) -> Iterator[Diagnostic]:
    if printed is None or printed.strip() == unit.name.strip():
        return
    ratio = difflib.SequenceMatcher(None, printed.strip(), unit.name.strip()).ratio()
    typo = "（可能是笔误）" if ratio >= TYPO_RATIO else ""
    yield doc.diagnostic("X005", field_path, printed=printed, name=unit.name, typo=typo)


def code_problems(code: str, region_code: str | None, year: int) -> list[str]:
    problems = []
    if len(code) != CODE_LENGTH:
        problems.append(f"有 {len(code)} 位，应为 {CODE_LENGTH} 位")
    if region_code and not code.startswith(region_code):
        problems.append(f"前 6 位应为行政区划代码 {region_code}")
    if code[6:8] != f"{year % 100:02d}":
        problems.append(f"第 7–8 位应为年份 {year % 100:02d}")
    if code[8:9] != "P":
        problems.append("第 9 位应为 P")
    return problems


@project_rule
def project_crosstable(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    if scope.unit is not None:
        yield from check_printed_name(project.doc, (F.FILLED_BY,), project.printed_unit_name, scope.unit)
    if project.code is not None:
        problems = code_problems(project.code, scope.region.code, scope.year)
        if problems:
            yield project.doc.diagnostic("X006", (F.PROJECT_CODE,), value=project.code,
                                         problem="：" + "；".join(problems))


@unit_rule
def unit_crosstable(unit: Unit) -> Iterator[Diagnostic]:
    department = unit.department
    if department is None:
        return
    yield from check_budget(unit, department)
    yield from check_project_total(unit, department)
    yield from check_printed_name(unit.doc, (*DepartmentTable.BASE, F.FILLED_BY),
                                  department.printed_unit_name, unit)
