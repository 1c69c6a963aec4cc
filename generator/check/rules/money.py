"""Money: cost indicators against the project amount, and amounts in the right place (M codes).

Amounts are compared as Decimal in the region's money unit; nothing here touches float.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from generator.check.rules.common import (
    COST_LEVEL2,
    Table,
    amount,
    department_table,
    is_economic_cost,
    is_money_unit,
    money,
    project_table,
)
from generator.check.rules.registry import Scope, project_rule, unit_rule
from generator.data import fields as F
from generator.data.model import Project, Unit
from generator.diagnostics import Diagnostic

COST_PLACE = {2021: "成本指标 / 经济成本指标", 2015: "产出指标 / 成本指标"}


def check_rows(table: Table) -> Iterator[Diagnostic]:
    doc, region = table.doc, table.region
    for ind in table.live:
        economic = is_economic_cost(ind, region.framework)
        is_amount = money(ind, region) is not None
        if economic and is_amount and ind.operator not in ("≤", "="):
            yield doc.diagnostic("M001", ind.field(F.OPERATOR), name=ind.name, operator=ind.operator)
        if is_amount and ind.level1 != "成本指标" and ind.level2 not in COST_LEVEL2:
            yield doc.diagnostic("M004", ind.field(F.LEVEL1), name=ind.name, level1=ind.level1,
                                 level2=ind.level2, cost_place=COST_PLACE[region.framework])
        # 2015 lumps all costs into one 成本指标, where rates and counts are common; only 2021's
        # 经济成本指标 is defined as money.
        if region.framework == 2021 and ind.level2 == "经济成本指标" and not is_money_unit(ind.unit):
            yield doc.diagnostic("M006", ind.field(F.MEASURE), name=ind.name, unit=ind.unit or "无",
                                 money_unit=region.money_unit)


def cost_amounts(table: Table) -> list[Decimal]:
    """The money-valued 经济成本 rows of a table, in the region's money unit."""
    amounts = [money(ind, table.region) for ind in table.live
               if is_economic_cost(ind, table.region.framework)]
    return [value for value in amounts if value is not None]


def check_budget(project: Project, table: Table) -> Iterator[Diagnostic]:
    doc, unit, budget = project.doc, table.region.money_unit, project.budget
    costs = cost_amounts(table)
    if budget is not None and costs:
        total = sum(costs, Decimal(0))
        if total > budget:
            yield doc.diagnostic("M002", (F.AMOUNT,), total=amount(total), budget=amount(budget),
                                 money_unit=unit)
        # Below the amount, no row can equal it. Split costs that add up to the amount
        # (101号 "分项成本控制数") need no separate total row, so equality is fine.
        elif total < budget:
            yield doc.diagnostic("M003", (F.AMOUNT,), budget=amount(budget), money_unit=unit,
                                 total=amount(total))
    if budget is not None and project.funding:
        funded = sum(project.funding.values(), Decimal(0))
        if funded != budget:
            yield doc.diagnostic("M005", (F.FUNDING,), total=amount(funded), budget=amount(budget))


@project_rule
def project_money(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    table = project_table(project, scope)
    yield from check_rows(table)
    yield from check_budget(project, table)


@unit_rule
def department_money(unit: Unit) -> Iterator[Diagnostic]:
    table = department_table(unit)
    if table is not None:
        yield from check_rows(table)
