"""What several rule families share: the indicator table being checked, and reading its cells.

A project table and a unit's 部门整体支出绩效目标表 hold the same kind of indicator rows, so the
row rules are written once against ``Table`` and registered for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.check.rules.registry import Scope
from generator.data import fields as F
from generator.data.load import Document
from generator.data.model import MONEY_UNITS, DepartmentTable, Indicator, Project, Region, Unit
from generator.data.normalize import as_number
from generator.diagnostics import FieldPath

OPERATORS = ("≥", "≤", "=", ">", "<")
# Operator spellings a misplaced cell may hold; the schema only lets the canonical ones into 指标值类型.
OPERATOR_LIKE = frozenset(OPERATORS) | {">=", "<=", "＞", "＜", "＝", "≧", "≦", "定性"}
PERCENT_UNITS = frozenset({"%", "％", "百分比"})
# "万" is a misspelling of 万元 (V011 says so); money sums still count it rather than drop it.
MONEY_SPELLINGS = {**{unit: unit for unit in MONEY_UNITS}, "万": "万元"}
COUNT_UNITS = frozenset({"人", "个", "次", "场", "本", "条", "户", "项", "家", "所", "期", "人次"})
TIME_UNITS = frozenset({"年", "月", "个月", "天", "日", "周", "小时"})
KNOWN_UNITS = PERCENT_UNITS | set(MONEY_SPELLINGS) | COUNT_UNITS | TIME_UNITS

COST_LEVEL2 = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})
SATISFACTION_LEVEL2 = "服务对象满意度指标"
SATISFACTION_LEVEL1 = "满意度指标"


@dataclass(frozen=True)
class Table:
    """The indicator rows of one table, and what they are checked against."""

    doc: Document
    indicators: list[Indicator]
    region: Region
    year: int
    rows_path: FieldPath
    project_name: str | None = None  # None for the department table
    # The published table lacks some of its rows (原表不全: 绩效指标): what is missing is not reported.
    rows_incomplete: bool = False
    execution_weight: Decimal | None = None  # 预算执行率权重, kept apart from the indicators' weights

    @property
    def live(self) -> list[Indicator]:
        """Rows that carry an indicator; placeholder rows of the printed form are not indicators."""
        return [ind for ind in self.indicators if not ind.is_placeholder]


def project_table(project: Project, scope: Scope) -> Table:
    weight = project.doc.data.get(F.EXECUTION_WEIGHT)
    return Table(
        project.doc,
        project.indicators,
        scope.region,
        scope.year,
        (F.INDICATORS,),
        project.name,
        rows_incomplete=F.INDICATORS in project.missing,
        execution_weight=Decimal(weight) if isinstance(weight, (int, Decimal)) else None,
    )


def department_table(unit: Unit) -> Table | None:
    if unit.department is None:
        return None
    return Table(
        unit.doc,
        unit.department.indicators,
        unit.region,
        unit.year,
        (*DepartmentTable.BASE, F.INDICATORS),
        rows_incomplete=F.INDICATORS in unit.missing,
    )


def number(ind: Indicator) -> Decimal | None:
    """The numeric value of a row; numbers typed as text ("１００") count too."""
    if ind.number is not None:
        return ind.number
    return as_number(ind.value) if isinstance(ind.value, str) else None


def amount(value: Decimal) -> str:
    """A Decimal as people write it: 5000, 22.95, 0.5 (never 5E+3)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_money_unit(unit: str) -> bool:
    return unit in MONEY_SPELLINGS


def money_rate(unit: str) -> bool:
    """A money unit per something (万元/人, 元/次): an amount, though not one that adds up."""
    head, slash, _ = unit.partition("/")
    return bool(slash) and head in MONEY_SPELLINGS


def money(ind: Indicator, region: Region) -> Decimal | None:
    """The row's value in the region's money unit, or None when it is not an amount."""
    value = number(ind)
    if value is None or not is_money_unit(ind.unit) or ind.is_qualitative:
        return None
    return region.to_money_unit(value, MONEY_SPELLINGS[ind.unit])


def is_economic_cost(ind: Indicator, framework: int) -> bool:
    # The 2015 framework has one 成本指标 under 产出; 2021 splits it and only 经济成本 is money.
    return ind.level2 == "经济成本指标" or (framework == 2015 and ind.level2 == "成本指标")


def is_satisfaction(ind: Indicator) -> bool:
    return ind.level2 == SATISFACTION_LEVEL2 or "满意" in (ind.name or "")


def placed_as_form_has_it(ind: Indicator, region: Region) -> bool:
    """A satisfaction row under the 一级 where the region's form lists satisfaction (a 2015-style form puts
    服务对象满意度指标 under 效益指标): where the form has it, not misplaced."""
    if ind.level1 == SATISFACTION_LEVEL1:
        return True
    return ind.level2 == SATISFACTION_LEVEL2 and region.regional.allows(ind.level1, SATISFACTION_LEVEL2)


def is_percent(unit: str) -> bool:
    return unit in PERCENT_UNITS


def has_value(ind: Indicator) -> bool:
    return not ind.is_placeholder and ind.value is not None and str(ind.value).strip() != ""


def shown_value(ind: Indicator) -> str:
    """The target as the reader sees it on the form: "≤1年", "90%", "及时"."""
    if ind.is_qualitative or ind.value is None:
        return "" if ind.value is None else str(ind.value)
    value = number(ind)
    text = amount(value) if value is not None else str(ind.value)
    operator = "" if ind.operator in (None, "=") else ind.operator
    return f"{operator}{text}{ind.unit}"


def texts(data: object, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every text value of a YAML tree, with its field path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, child in data.items():
            yield from texts(child, (*path, key))
    elif isinstance(data, list):
        for index, child in enumerate(data):
            yield from texts(child, (*path, index))
