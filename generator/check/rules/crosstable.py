"""Cross-table: the department budget adds up, and a unit's tables agree with each other (X codes)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from generator.check.rules.common import amount, department_table
from generator.check.rules.money import cost_amounts, cost_total
from generator.check.rules.registry import Scope, project_rule, unit_rule
from generator.data import fields as F
from generator.data.load import Document
from generator.data.model import MISSING_PROJECTS, DepartmentTable, Project, Unit, to_decimal
from generator.diagnostics import Diagnostic, FieldPath

BUDGET: FieldPath = (*DepartmentTable.BASE, F.BUDGET)
# Similarity above which a printed name is called a likely typo: "株洲市株洲市娄口" for "株洲市渌口"
# scores 0.81, a dropped "委" 0.96. A sibling office ("宣传部" for "组织部") also scores 0.83, which
# is why the note only says "可能".
TYPO_RATIO = 0.8
# The pieces a layout's 项目编码 rule may name (layout.yaml: 项目编码: {位数: 21, 开头: [行政区划代码, 年份, P]}).
REGION_CODE_PIECE = F.REGION_CODE
YEAR_PIECE = "年份"


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
            yield unit.doc.diagnostic(code, (*BUDGET, key), total=amount(parts_total), budget=amount(total))
    table = department_table(unit)
    costs = cost_amounts(table) if table is not None else []
    if costs and (costs_total := cost_total(costs)) != total and not table_incomplete(unit):
        yield unit.doc.diagnostic("X004", (*BUDGET, F.BUDGET_TOTAL), total=amount(costs_total), budget=amount(total))


def table_incomplete(unit: Unit) -> bool:
    return F.INDICATORS in unit.missing


def check_project_total(unit: Unit, department: DepartmentTable) -> Iterator[Diagnostic]:
    spending = department.budget.get(F.BY_USE)
    declared = to_decimal(spending.get(F.PROJECT_SPENDING)) if isinstance(spending, dict) else None
    # One project without an amount makes any sum meaningless; F010 reports that project.
    if declared is None or any(p.budget is None for p in unit.projects) or MISSING_PROJECTS in unit.missing:
        return
    total = unit.project_total
    if total != declared:
        yield unit.doc.diagnostic(
            "X003",
            (*BUDGET, F.BY_USE, F.PROJECT_SPENDING),
            declared=amount(declared),
            count=len(unit.projects),
            total=amount(total),
        )


def check_stated_total(unit: Unit) -> Iterator[Diagnostic]:
    """X007 when the total the form printed for the unit's projects is not their sum (a complete source)."""
    stated = unit.stated_total
    if stated is None or MISSING_PROJECTS in unit.missing or any(p.budget is None for p in unit.projects):
        return
    if unit.project_total != stated:
        yield unit.doc.diagnostic(
            "X007", (F.STATED_PROJECT_TOTAL,), stated=amount(stated), count=len(unit.projects), total=amount(unit.project_total)
        )


def check_printed_name(doc: Document, field_path: FieldPath, printed: str | None, unit: Unit) -> Iterator[Diagnostic]:
    if printed is None or printed.strip() == unit.name.strip():
        return
    import difflib  # here: only a finding needs it, and a one-file check is spared the import

    ratio = difflib.SequenceMatcher(None, printed.strip(), unit.name.strip()).ratio()
    typo = "（可能是笔误）" if ratio >= TYPO_RATIO else ""
    yield doc.diagnostic("X005", field_path, printed=printed, name=unit.name, typo=typo)


def code_problems(code: str, region_code: str | None, year: int, rule: dict[str, Any]) -> list[str]:
    """What is wrong with a 项目编码 by the region's layout (项目编码: 位数 and 开头, the pieces it starts with:
    行政区划代码, 年份 (two digits) or a letter such as P); nothing when the layout sets no rule."""
    problems = []
    length = rule.get("位数")
    if isinstance(length, int) and len(code) != length:
        problems.append(f"有 {len(code)} 位，应为 {length} 位")
    place = 0
    for piece in rule.get("开头") or []:
        if piece == REGION_CODE_PIECE:
            if region_code and code[place : place + 6] != region_code:
                problems.append(f"第 {place + 1}–{place + 6} 位应为行政区划代码 {region_code}")
            place += 6
        elif piece == YEAR_PIECE:
            if code[place : place + 2] != f"{year % 100:02d}":
                problems.append(f"第 {place + 1}–{place + 2} 位应为年份 {year % 100:02d}")
            place += 2
        else:
            text = str(piece)
            if code[place : place + len(text)] != text:
                where = f"第 {place + 1} 位" if len(text) == 1 else f"第 {place + 1}–{place + len(text)} 位"
                problems.append(f"{where}应为 {text}")
            place += len(text)
    return problems


@project_rule
def project_crosstable(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    if scope.unit is not None:
        yield from check_printed_name(project.doc, (F.FILLED_BY,), project.printed_unit_name, scope.unit)
    rule = scope.region.regional.entry_code
    if project.code is not None and rule:
        problems = code_problems(project.code, scope.region.code, scope.year, rule)
        if problems:
            yield project.doc.diagnostic("X006", (F.PROJECT_CODE,), value=project.code, problem="：" + "；".join(problems))


@unit_rule
def unit_crosstable(unit: Unit) -> Iterator[Diagnostic]:
    yield from check_stated_total(unit)
    department = unit.department
    if department is None:
        return
    yield from check_budget(unit, department)
    yield from check_project_total(unit, department)
    yield from check_printed_name(unit.doc, (*DepartmentTable.BASE, F.FILLED_BY), department.printed_unit_name, unit)
