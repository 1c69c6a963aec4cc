"""Time: years against the budget year, concrete deadlines, spending plans (T codes)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal

from generator.check.rules.common import (
    Table,
    amount,
    department_table,
    number,
    project_table,
    shown_value,
)
from generator.check.rules.registry import Scope, project_rule, unit_rule
from generator.data import fields as F
from generator.data.model import Indicator, Project, Unit
from generator.data.normalize import as_number, halfwidth
from generator.diagnostics import Diagnostic, FieldPath

# A year is followed by 年, a month (2026.01, 2026-6, 2026/6), a second year (2026-2027) or the
# end of the text; so counts such as "2000本" or "2000人次" are not years, and neither is the
# year in a document number "〔2024〕3号".
YEAR = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})"
    r"(?=年|[./-](?:0?[1-9]|1[0-2])(?!\d)|[-—–~至](?:19|20)\d{2}|$)"
)
DURATION_UNITS = frozenset({"年", "月", "个月", "天", "日"})
# "1年", "≤1年", "3个月内"; at most three digits, so that "2026年" is a year, not a duration.
DURATION_TEXT = re.compile(r"^[≥≤<>=]?\s*(?:\d{1,3}(?:\.\d+)?|[一二两三四五六七八九十半]+)\s*个?(?:年|月|天|日)(?:内|以内)?$")
# "年底前" / "年内" without a year in front say nothing; "2026年底前" is a deadline.
VAGUE_TEXT = re.compile(r"(?<!\d)年(?:底前|内)|^(?:及时|按时|按期)(?:完成|开展|发放|到位|拨付)?$")
# Excel shows dates as day numbers; 40000–60000 are the years 2009–2064.
SERIAL = re.compile(r"(?<![\d.])\d{5}(?![\d.])")


def years_in(text: str) -> list[int]:
    return [int(match.group(1)) for match in YEAR.finditer(halfwidth(text))]


def serials_in(text: str) -> list[str]:
    return [m.group(0) for m in SERIAL.finditer(halfwidth(text)) if 40000 <= int(m.group(0)) <= 60000]


def allowed_years(period: str | None, year: int) -> set[int]:
    """The budget year, and every year of a 实施期 that spans several years."""
    years = years_in(period or "")
    if len(set(years)) > 1:
        return {year, *range(min(years), max(years) + 1)}
    return {year}


def check_period(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    doc, period = project.doc, project.period or ""
    years = years_in(period)
    if years and not min(years) <= scope.year <= max(years):
        wrong = next(y for y in years if y != scope.year)
        yield doc.diagnostic("T001", (F.PERIOD,), where=F.PERIOD, year=wrong, budget_year=scope.year)
    for serial in serials_in(period)[:1]:
        yield doc.diagnostic("T003", (F.PERIOD,), value=serial)


def _texts(ind: Indicator) -> Iterator[tuple[FieldPath, str, str]]:
    """(field, where, text) of the cells of a row that may mention a date."""
    yield ind.field(F.LEVEL3), f"指标“{ind.name}”的名称", ind.name or ""
    if isinstance(ind.value, str) and as_number(ind.value) is None:
        yield ind.field(F.VALUE), f"指标“{ind.name}”的指标值", ind.value


def check_years(table: Table, allowed: set[int]) -> Iterator[Diagnostic]:
    for ind in table.live:
        for field_path, where, text in _texts(ind):
            wrong = [y for y in years_in(text) if y not in allowed]
            if wrong:
                yield table.doc.diagnostic("T001", field_path, where=where, year=wrong[0], budget_year=table.year)


def check_deadlines(table: Table) -> Iterator[Diagnostic]:
    for ind in table.live:
        if ind.level2 != "时效指标":
            continue
        text = str(ind.value).strip() if isinstance(ind.value, str) else ""
        duration = not ind.is_qualitative and ind.unit in DURATION_UNITS
        if duration or DURATION_TEXT.match(text) or VAGUE_TEXT.search(text):
            yield table.doc.diagnostic("T002", ind.field(F.VALUE), name=ind.name, value=shown_value(ind), budget_year=table.year)
        value = number(ind)
        if value is not None and value == value.to_integral_value() and 40000 <= value <= 60000:
            yield table.doc.diagnostic("T003", ind.field(F.VALUE), value=amount(value))
        else:
            for field_path, _, cell in _texts(ind):
                for serial in serials_in(cell)[:1]:
                    yield table.doc.diagnostic("T003", field_path, value=serial)


def check_spending_plan(project: Project) -> Iterator[Diagnostic]:
    plan = project.spending_plan
    if not plan:
        return
    doc, keys = project.doc, list(plan)

    def month(key: str) -> int:
        return int(key.removesuffix("月底"))

    for before, after in itertools.pairwise(keys):
        if month(after) <= month(before):
            yield doc.diagnostic("T004", (F.SPENDING_PLAN, after), problem=(f"的时点顺序不对：“{after}”写在了“{before}”之后"))
    ordered = sorted(keys, key=month)
    previous: tuple[str, Decimal] | None = None
    for key in ordered:
        if previous is not None and plan[key] < previous[1]:
            yield doc.diagnostic(
                "T004",
                (F.SPENDING_PLAN, key),
                problem=(f"在“{key}”是 {amount(plan[key])}，比“{previous[0]}”的 {amount(previous[1])} 少（应为累计百分比）"),
            )
        previous = (key, plan[key])
    last = ordered[-1]
    if plan[last] != 100:
        yield doc.diagnostic("T004", (F.SPENDING_PLAN, last), problem=f"最后一期“{last}”是 {amount(plan[last])}，应为 100")


@project_rule
def project_timing(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    table = project_table(project, scope)
    yield from check_period(project, scope)
    yield from check_years(table, allowed_years(project.period, scope.year))
    yield from check_deadlines(table)
    yield from check_spending_plan(project)


@unit_rule
def department_timing(unit: Unit) -> Iterator[Diagnostic]:
    table = department_table(unit)
    if table is not None:
        yield from check_years(table, {unit.year})
        yield from check_deadlines(table)
