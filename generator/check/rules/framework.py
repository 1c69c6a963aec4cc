"""Indicator framework (2015 / 2021) and the content every table must have (F codes).

What differs by region comes from the region's layout folder (generator.data.regional), never from code:
the fields its forms require (必填) and the placements they add to the national framework (增设二级指标).
What the published table lacks (原表不全) is never reported as missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.rules.common import (
    Table,
    amount,
    department_table,
    has_value,
    is_satisfaction,
    money,
    project_table,
)
from generator.check.rules.registry import Scope, project_rule, unit_rule
from generator.data import fields as F
from generator.data import regional as regionals
from generator.data.load import Document
from generator.data.model import MISSING_HEADER, Indicator, Project, Unit
from generator.diagnostics import Diagnostic

FRAMEWORKS: dict[int, dict[str, tuple[str, ...]]] = {
    2015: {
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
    2021: {
        "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
        "产出指标": ("数量指标", "质量指标", "时效指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
}

OUTPUT_KINDS = ("数量指标", "质量指标", "时效指标")


def check_framework(table: Table) -> Iterator[Diagnostic]:
    framework = FRAMEWORKS[table.region.framework]
    for ind in table.indicators:  # placeholder rows are printed too, so their labels must fit
        allowed = framework.get(ind.level1)
        if allowed is not None and table.region.regional.allows(ind.level1, ind.level2):
            continue  # the region's form has this placement (增设二级指标)
        if allowed is None:
            yield table.doc.diagnostic(
                "F002", ind.field(F.LEVEL1), level1=ind.level1, framework=table.region.framework, allowed="、".join(framework)
            )
        elif ind.level2 not in allowed:
            yield table.doc.diagnostic(
                "F001",
                ind.field(F.LEVEL2),
                level1=ind.level1,
                level2=ind.level2,
                framework=table.region.framework,
                allowed="、".join(allowed),
            )
        elif table.region.framework == 2021 and ind.level2 == "可持续影响指标" and not ind.is_placeholder:
            yield table.doc.diagnostic("F003", ind.field(F.LEVEL2))


def check_names(table: Table) -> Iterator[Diagnostic]:
    for ind in table.live:
        name = (ind.name or "").strip()
        if name in (ind.level2, ind.level2.removesuffix("指标")):
            yield table.doc.diagnostic("F011", ind.field(F.LEVEL3), name=name, other="二级指标名称")
        elif table.project_name is not None and name == table.project_name.strip():
            yield table.doc.diagnostic("F011", ind.field(F.LEVEL3), name=name, other=F.PROJECT_NAME)


def check_content(project: Project, table: Table) -> Iterator[Diagnostic]:
    """Which kinds of indicator a project has; an empty table is reported once, as F012."""
    doc, rows = table.doc, table.rows_path
    filled = [ind for ind in table.live if has_value(ind)]
    if table.rows_incomplete:  # the published table shows only some of its rows: what it lacks is unknown
        return
    if not table.live:
        yield doc.diagnostic("F012", rows)
        return
    outputs = [ind for ind in filled if ind.level1 == "产出指标"]
    if not outputs:
        yield doc.diagnostic("F004", rows)
    else:
        missing = [kind for kind in OUTPUT_KINDS if not any(ind.level2 == kind for ind in outputs)]
        if missing:
            yield doc.diagnostic("F008", rows, missing="、".join(missing))
    if not any(ind.level1 == "效益指标" for ind in filled):
        yield doc.diagnostic("F005", rows)
    if not any(ind.level1 == "满意度指标" or is_satisfaction(ind) for ind in filled):
        yield doc.diagnostic("F006", rows)
    if table.region.framework == 2021 and not any(
        ind.level2 == "经济成本指标" and money(ind, table.region) is not None for ind in filled
    ):
        budget = amount(project.budget) if project.budget is not None else "（项目金额）"
        yield doc.diagnostic("F007", rows, money_unit=table.region.money_unit, budget=budget)


def check_required(doc: Document, subject: str, layout: str, regional: regionals.Regional) -> Iterator[Diagnostic]:
    """F009 for each field the region's forms require (必填) that ``doc`` leaves empty."""
    for name in regional.requires(subject):
        if doc.data.get(name) in (None, "", {}, []):
            yield doc.diagnostic("F009", (name,), layout=layout, name=name)


def check_required_columns(table: Table) -> Iterator[Diagnostic]:
    """F013 for each indicator row that leaves empty a column the region's forms require (必填: 指标)."""
    region = table.region
    if table.rows_incomplete:  # a row the published table cuts off lacks cells for that reason
        return
    for ind in table.live:
        for name in region.regional.requires(regionals.INDICATOR):
            if _cell(ind, name) in (None, ""):
                yield table.doc.diagnostic("F013", ind.field(name), layout=region.layout, name=name)


def _cell(ind: Indicator, name: str) -> object:
    return ind.row.get(name)


def check_header(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    doc = project.doc
    if MISSING_HEADER not in project.missing:
        yield from check_required(doc, regionals.PROJECT, scope.region.layout, scope.region.regional)
    if project.budget is None or project.budget <= 0:
        problem = "未填" if project.budget is None else "为 0"
        yield doc.diagnostic("F010", (F.AMOUNT,), problem=problem, money_unit=scope.region.money_unit)


@project_rule
def project_framework(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    table = project_table(project, scope)
    yield from check_header(project, scope)
    yield from check_framework(table)
    yield from check_content(project, table)
    yield from check_names(table)
    yield from check_required_columns(table)


@unit_rule
def department_framework(unit: Unit) -> Iterator[Diagnostic]:
    yield from check_required(unit.doc, regionals.UNIT, unit.region.layout, unit.region.regional)
    table = department_table(unit)
    if table is None:
        return
    yield from check_framework(table)
    if not table.live and not table.rows_incomplete:
        yield table.doc.diagnostic("F012", table.rows_path)
    yield from check_names(table)
    yield from check_required_columns(table)
