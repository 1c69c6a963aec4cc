"""Indicator values: operator, value and unit agree, and fit what the indicator measures (V codes)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from generator.check.rules.common import (
    COST_LEVEL2,
    COUNT_UNITS,
    KNOWN_UNITS,
    MONEY_SPELLINGS,
    OPERATOR_LIKE,
    OPERATORS,
    PERCENT_UNITS,
    TIME_UNITS,
    Table,
    amount,
    department_table,
    has_value,
    is_money_unit,
    is_percent,
    is_satisfaction,
    money_rate,
    number,
    placed_as_form_has_it,
    project_table,
    shown_value,
)
from generator.check.rules.registry import Scope, project_rule, unit_rule
from generator.data import fields as F
from generator.data.model import Indicator, Project, Unit
from generator.data.normalize import OPERATOR_ALIASES, as_number, halfwidth, squash
from generator.diagnostics import Diagnostic

GROWTH_WORDS = ("增长", "增幅", "提高率", "上升")
RATE_WORDS = ("合规率", "到位率", "完成率", "覆盖率", "达标率", "及时率", "准确率", "使用率", "执行率", "知晓率", "参与率")
PROPER_UNITS = {"万": "万元", "％": "%"}
STANDARDS = frozenset({"计划标准", "行业标准", "历史标准", "其他标准"})
PLAN = "应为“计划标准”（预先制定的目标、计划、预算、定额）。"
BASIS_SUGGESTIONS = {
    "预算指标": PLAN,
    "市级标准": PLAN,
    "相关文件要求": PLAN,
    "部内标准": "一般为“计划标准”或“其他标准”。",
    "部内指标": "一般为“计划标准”或“其他标准”。",
    "问卷调查": "问卷调查是数据来源，不是绩效标准；一般为 历史标准 或 其他标准。",
}
GENERIC_BASIS = "从 计划标准、行业标准、历史标准、其他标准 中选择。"
# Scales of grades a qualitative target picks one level of; a target that lists three or more levels of
# one scale ("高中低", "优、良、中、差") names no target. Two levels ("优良") are one grade band, as the
# air-quality 优良 is, and pass.
GRADE_SCALES = (
    ("高", "中", "低"),
    ("优", "良", "中", "差"),
    ("优秀", "良好", "合格", "不合格"),
    ("好", "较好", "一般", "较差", "差"),
    ("显著", "较显著", "一般"),
)
GRADE_SEPARATORS = re.compile(r"[、/／,，;；\s]+")
# Units of people, counts and time: never the unit of a cost, which is an amount.
PEOPLE_TIME = COUNT_UNITS | TIME_UNITS
DIRECTION_HINTS = {
    "反向": "反向指标（越小越好）的目标写成 ≤ 或 <；不是反向指标时改正指标方向。",
    "正向": "正向指标（越大越好）的目标写成 ≥、> 或 =；不是正向指标时改正指标方向。",
}
CONTRARY = {"反向": ("≥", ">", "="), "正向": ("≤", "<")}
BOILERPLATE_KIND = "效益指标"  # benefits differ by their nature; the same target on each is copied
BOILERPLATE_ROWS = 3


def _misplaced(text: str) -> str:
    """Why a cell probably belongs to a neighbouring column, for the swap note of V001/V003."""
    if text in OPERATOR_LIKE:
        return "（是比较符号，可能几列错位了）"
    if text in KNOWN_UNITS:
        return "（像是度量单位，可能几列错位了）"
    if as_number(text) is not None:
        return "（是数字，可能几列错位了）"
    return ""


_NUMERIC_TARGET = re.compile(
    r"(?P<op>[≥≤≧≦=<>]{1,2}|大于等于|不低于|小于等于|不高于|不超过|等于|大于|小于)?"
    r"\s*(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>\S*)"
)
TARGET_UNITS = PERCENT_UNITS | set(MONEY_SPELLINGS) | COUNT_UNITS  # not years or months: "2026年" is a date


def numeric_target(text: str) -> tuple[str, str, str] | None:
    """(operator, number, unit) of a target that is a comparison or an amount (``≥90%``, ``不低于 85 %``,
    ``10万元``), None for a text target; a bare number is V004's, a date such as 2026年 is a text target."""
    match = _NUMERIC_TARGET.fullmatch(squash(halfwidth(text)))
    if match is None or as_number(match["number"]) is None:
        return None
    op, unit = match["op"] or "", match["unit"]
    if (unit and unit not in TARGET_UNITS) or not (op or unit):
        return None
    operator = OPERATOR_ALIASES.get(op, op)
    return (operator if operator in OPERATORS else "", match["number"].replace(",", ""), unit)


def _quantify(operator: str, value: str, unit: str) -> str:
    how = f"把指标值类型改为“{operator}”" if operator else "把指标值类型改为 ≥、≤ 或 =（按目标的方向）"
    proper = "%" if unit in PERCENT_UNITS else unit
    return f"{how}，指标值写 {value}" + (f"，度量单位写“{proper}”" if proper else "，并写明度量单位") + "。"


def check_columns(table: Table, ind: Indicator) -> Iterator[Diagnostic]:
    doc, value = table.doc, ind.value
    quantitative = not ind.is_qualitative
    if quantitative and number(ind) is None:
        text = "" if value is None else str(value).strip()
        swap = "" if as_number(text) is not None else _misplaced(text)
        yield doc.diagnostic("V001", ind.field(F.VALUE), operator=ind.operator, value=text, swap=swap)
    if quantitative and ind.unit in ("", "无"):
        yield doc.diagnostic("V002", ind.field(F.MEASURE), name=ind.name)
    if ind.unit and (ind.unit in OPERATOR_LIKE or as_number(ind.unit) is not None):
        yield doc.diagnostic("V003", ind.field(F.MEASURE), unit=ind.unit, swap=_misplaced(ind.unit))
    if ind.is_qualitative:
        yield from check_qualitative(table, ind)


def check_qualitative(table: Table, ind: Indicator) -> Iterator[Diagnostic]:
    text = "" if ind.value is None else str(ind.value).strip()
    if not text:
        problem = "为空"
    elif text == "定性":
        problem = "只写了“定性”"
    elif text in OPERATOR_LIKE:
        problem = "是比较符号"
    elif number(ind) is not None:
        problem = "是数字，不是文字目标"
    else:
        target = numeric_target(text)
        if target is not None:
            yield table.doc.diagnostic("V020", ind.field(F.VALUE), name=ind.name, value=text, fix=_quantify(*target))
        elif squash(text) == squash(ind.name or ""):
            yield table.doc.diagnostic("V005", ind.field(F.VALUE), name=ind.name)
        return
    yield table.doc.diagnostic("V004", ind.field(F.VALUE), name=ind.name, value=text, problem=problem)


def check_meaning(table: Table, ind: Indicator) -> Iterator[Diagnostic]:
    doc, name, value = table.doc, ind.name or "", number(ind)
    if (
        value is not None
        and is_percent(ind.unit)
        and not ind.is_qualitative
        and not 0 <= value <= 100
        and not any(word in name for word in GROWTH_WORDS)
    ):
        yield doc.diagnostic("V006", ind.field(F.VALUE), value=amount(value))
    if ind.operator in ("≤", "<") and any(word in name for word in RATE_WORDS):
        yield doc.diagnostic("V010", ind.field(F.OPERATOR), name=name, operator=ind.operator)
    if ind.unit in PROPER_UNITS:
        yield doc.diagnostic("V011", ind.field(F.MEASURE), unit=ind.unit, proper=PROPER_UNITS[ind.unit])
    if value is not None and ind.unit in COUNT_UNITS and value != value.to_integral_value():
        yield doc.diagnostic("V012", ind.field(F.VALUE), value=amount(value), unit=ind.unit)
    if "人数" in name and ind.unit == "个":
        yield doc.diagnostic("V013", ind.field(F.MEASURE), name=name, problem="是人数，度量单位却是“个”", proper="人")
    elif "人次" in name and ind.unit == "人":
        yield doc.diagnostic("V013", ind.field(F.MEASURE), name=name, problem="是人次，度量单位却是“人”", proper="人次")


def check_satisfaction(table: Table, ind: Indicator) -> Iterator[Diagnostic]:
    doc, name, value = table.doc, ind.name, number(ind)
    if ind.operator in ("≤", "<", "="):
        yield doc.diagnostic("V007", ind.field(F.OPERATOR), name=name, operator=ind.operator)
    if value is not None and is_percent(ind.unit) and not ind.is_qualitative:
        floor = table.region.satisfaction_floor
        if value < floor:
            yield doc.diagnostic("V008", ind.field(F.VALUE), name=name, value=amount(value), problem=f"低于下限 {amount(floor)}%")
        elif value == 100:
            yield doc.diagnostic("V008", ind.field(F.VALUE), name=name, value=amount(value), problem="难以达到")
    if not placed_as_form_has_it(ind, table.region):
        yield doc.diagnostic("V009", ind.field(F.LEVEL1), name=name, level1=ind.level1, level2=ind.level2)


def check_basis(table: Table, ind: Indicator) -> Iterator[Diagnostic]:
    basis = (ind.basis or "").strip()
    if basis and basis not in STANDARDS:
        suggestion = BASIS_SUGGESTIONS.get(basis, GENERIC_BASIS)
        yield table.doc.diagnostic("V014", ind.field(F.BASIS), basis=basis, suggestion=suggestion)


def check_weights(table: Table) -> Iterator[Diagnostic]:
    if table.rows_incomplete:  # weights of rows the published table does not show are unknown
        return
    weights = [ind.weight for ind in table.live if ind.weight is not None]
    if weights:
        total = sum(weights, Decimal(0))
        expected = (100 - table.execution_weight,) if table.execution_weight is not None else (90, 100)
        if total not in expected:
            yield table.doc.diagnostic("V015", table.rows_path, total=amount(total))


def grades_listed(text: str) -> bool:
    """Whether ``text`` lists three or more levels of one scale of grades ("高中低", "优、良、中、差")."""
    text = text.strip()
    for scale in GRADE_SCALES:
        words = [w for w in GRADE_SEPARATORS.split(text) if w]
        if len(words) > 1:
            if all(w in scale for w in words) and len(set(words)) >= 3:
                return True
        elif all(len(w) == 1 for w in scale) and len(text) >= 3 and set(text) <= set(scale) and len(set(text)) == len(text):
            return True
    return False


def unit_misfits(level2: str, unit: str) -> bool:
    """A cost counted in people, things or time ("人/天"), or a deadline counted in money."""
    money = is_money_unit(unit) or money_rate(unit)
    if level2 in COST_LEVEL2:
        return not money and any(part in PEOPLE_TIME for part in unit.split("/"))
    return level2 == "时效指标" and money


def check_target(table: Table, ind: Indicator) -> Iterator[Diagnostic]:
    """A target that lists grades (V016), a unit that does not fit the 二级 (V017), a direction that
    contradicts the sign (V018)."""
    if isinstance(ind.value, str) and grades_listed(ind.value):
        yield table.doc.diagnostic("V016", ind.field(F.VALUE), name=ind.name, value=ind.value.strip())
    unit = ind.unit
    if unit_misfits(ind.level2, unit):
        yield table.doc.diagnostic("V017", ind.field(F.MEASURE), name=ind.name, level2=ind.level2, unit=unit)
    if ind.direction in CONTRARY and ind.operator in CONTRARY[ind.direction]:
        yield table.doc.diagnostic(
            "V018",
            ind.field(F.OPERATOR),
            name=ind.name,
            direction=ind.direction,
            operator=ind.operator,
            hint=DIRECTION_HINTS[ind.direction],
        )


def check_boilerplate(table: Table) -> Iterator[Diagnostic]:
    """V019 when every benefit row (three or more) has the same target."""
    rows = [ind for ind in table.live if ind.level1 == BOILERPLATE_KIND and has_value(ind)]
    values = {shown_value(ind) for ind in rows}
    if len(rows) >= BOILERPLATE_ROWS and len(values) == 1:
        yield table.doc.diagnostic("V019", rows[0].field(F.VALUE), level1=BOILERPLATE_KIND, count=len(rows), value=values.pop())


def check_values(table: Table) -> Iterator[Diagnostic]:
    for ind in table.live:
        yield from check_columns(table, ind)
        yield from check_meaning(table, ind)
        if is_satisfaction(ind):
            yield from check_satisfaction(table, ind)
        yield from check_basis(table, ind)
        yield from check_target(table, ind)
    yield from check_weights(table)
    yield from check_boilerplate(table)


@project_rule
def project_values(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    yield from check_values(project_table(project, scope))


@unit_rule
def department_values(unit: Unit) -> Iterator[Diagnostic]:
    table = department_table(unit)
    if table is not None:
        yield from check_values(table)
