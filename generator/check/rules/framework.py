"""Indicator framework (2015 / 2021) and the content every table must have (F codes)."""

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
from generator.data.model import Project, Unit
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

# Header fields the region's printed form has a cell for; other layouts require nothing extra.
LAYOUT_REQUIRED: dict[str, tuple[str, ...]] = {
    "湖南": (F.CATEGORY, F.PERIOD),
    "河北": (F.PROJECT_CODE, F.SPENDING_PLAN),
}

OUTPUT_KINDS = ("数量指标", "质量指标", "时效指标")


def check_framework(table: Table) -> Iterator[Diagnostic]:
    framework = FRAMEWORKS[table.region.framework]
    for ind in table.indicators:  # placeholder rows are printed too, so their labels must fit
        allowed = framework.get(ind.level1)
        if allowed is None:
            yield table.doc.diagnostic("F002", ind.field(F.LEVEL1), level1=ind.level1,
                                       framework=table.region.framework, allowed="、".join(framework))
        elif ind.level2 not in allowed:
            yield table.doc.diagnostic("F001", ind.field(F.LEVEL2), level1=ind.level1,
                                       level2=ind.level2, framework=table.region.framework,
                                       allowed="、".join(allowed))
        elif (table.region.framework == 2021 and ind.level2 == "可持续影响指标"
              and not ind.is_placeholder):
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


def check_header(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    doc = project.doc
    for name in LAYOUT_REQUIRED.get(scope.region.layout, ()):
        if doc.data.get(name) in (None, "", {}, []):
            yield doc.diagnostic("F009", (name,), layout=scope.region.layout, name=name)
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


@unit_rule
def department_framework(unit: Unit) -> Iterator[Diagnostic]:
    table = department_table(unit)
    if table is None:
        return
    yield from check_framework(table)
    if not table.live:
        yield table.doc.diagnostic("F012", table.rows_path)
    yield from check_names(table)
