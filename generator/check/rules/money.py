"""Money: cost indicators against the project amount, and amounts in the right place (M codes).

Amounts are compared as Decimal in the region's money unit; nothing here touches float. How a form's
资金来源 add up (parts, "其中" subsets, sources apart) comes from the region's layout folder; a cost row
that is the total of the others (年度预算总成本 beside 出差、劳务、办公费) is not added to them.
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
    money_rate,
    number,
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
        # No sign at all is the amount as stated (a form that prints "250万"), as "=" is.
        if economic and is_amount and ind.operator not in ("≤", "=", None):
            yield doc.diagnostic("M001", ind.field(F.OPERATOR), name=ind.name, operator=ind.operator)
        if is_amount and ind.level1 != "成本指标" and ind.level2 not in COST_LEVEL2:
            yield doc.diagnostic(
                "M004",
                ind.field(F.LEVEL1),
                name=ind.name,
                level1=ind.level1,
                level2=ind.level2,
                cost_place=COST_PLACE[region.framework],
            )
        # 2015 lumps all costs into one 成本指标, where rates and counts are common; only 2021's
        # 经济成本指标 is defined as money.
        if region.framework == 2021 and ind.level2 == "经济成本指标" and not is_money_unit(ind.unit):
            yield doc.diagnostic("M006", ind.field(F.MEASURE), name=ind.name, unit=ind.unit or "无", money_unit=region.money_unit)
        if (
            ind.level2 in COST_LEVEL2
            and number(ind) == 0
            and not ind.is_qualitative
            and (is_money_unit(ind.unit) or money_rate(ind.unit))
        ):
            yield doc.diagnostic("M007", ind.field(F.VALUE), name=ind.name, unit=ind.unit)


def cost_amounts(table: Table) -> list[Decimal]:
    """The money-valued 经济成本 rows of a table, in the region's money unit."""
    amounts = [money(ind, table.region) for ind in table.live if is_economic_cost(ind, table.region.framework)]
    return [value for value in amounts if value is not None]


def cost_total(amounts: list[Decimal]) -> Decimal:
    """What the cost rows add up to: their sum, or, when one row is the sum of all the others (a total
    row printed with its parts), that row."""
    if len(amounts) >= 3:
        largest = max(amounts)
        if sum(amounts, Decimal(0)) - largest == largest:
            return largest
    return sum(amounts, Decimal(0))


def check_budget(project: Project, table: Table) -> Iterator[Diagnostic]:
    doc, unit, budget = project.doc, table.region.money_unit, project.budget
    costs = cost_amounts(table)
    if budget is not None and costs:
        total = cost_total(costs)
        if total > budget:
            yield doc.diagnostic("M002", (F.AMOUNT,), total=amount(total), budget=amount(budget), money_unit=unit)
        # Below the amount, no row can equal it. Split costs that add up to the amount
        # (101号 "分项成本控制数") need no separate total row, so equality is fine. A published table
        # that shows only some of its rows may have the others.
        elif total < budget and not table.rows_incomplete:
            yield doc.diagnostic("M003", (F.AMOUNT,), budget=amount(budget), money_unit=unit, total=amount(total))
    yield from check_funding(project, table)
    yield from check_breakdown(project)


def check_funding(project: Project, table: Table) -> Iterator[Diagnostic]:
    """The parts of 资金来源 add up to the amount (M005); a "其中" is no more than its whole (M008)."""
    doc, budget, rule = project.doc, project.budget, table.region.regional.funding
    adding = rule.adding(project.funding)
    if budget is not None and adding:
        funded = sum((project.funding[k] for k in adding), Decimal(0))
        if funded != budget:
            yield doc.diagnostic("M005", (F.FUNDING,), total=amount(funded), budget=amount(budget))
    for part, whole in rule.subsets.items():
        if part in project.funding and whole in project.funding and project.funding[part] > project.funding[whole]:
            yield doc.diagnostic(
                "M008",
                (F.FUNDING, part),
                part=part,
                amount=amount(project.funding[part]),
                whole=whole,
                total=amount(project.funding[whole]),
            )


def check_breakdown(project: Project) -> Iterator[Diagnostic]:
    """The rows of the budget breakdown add up to the amount (M009), unless the published one is partial."""
    amounts = [item.get(F.BREAKDOWN_AMOUNT) for item in project.breakdown]
    figures = [Decimal(a) for a in amounts if isinstance(a, (int, Decimal)) and not isinstance(a, bool)]
    if project.budget is None or not figures or F.BREAKDOWN in project.missing:
        return
    total = sum(figures, Decimal(0))
    if total != project.budget:
        yield project.doc.diagnostic("M009", (F.BREAKDOWN,), total=amount(total), budget=amount(project.budget))


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
