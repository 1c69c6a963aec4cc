"""What a change to a project's monitoring or self-evaluation does to the figures derived from it (issue 20): each
indicator's completion and score, the budget's execution rate, the total and the grade, in the words a reviewer
reads on the 自评表. The fields as written (实际完成值, 偏差原因, 预算执行 …) are compared by changes.py."""

from __future__ import annotations

from decimal import Decimal

from generator.data import fields as F
from generator.data import regional, scoring
from generator.data.model import Project
from generator.review.changes import Change, Context, label_of, show
from generator.review.sides import Table

TOTAL = "自评得分（算出）"
GRADE = "自评等级（算出）"
RATE = "预算执行率（算出）"


def _rules(region: Table | None) -> regional.SelfEvaluationRules:
    """The scoring rules of the region's layout (a built-in one: a repository's own layouts are read by the check)."""
    name = region.data.get(F.LAYOUT) if region is not None and region.valid else None
    declared = regional.regional(name if isinstance(name, str) else regional.DEFAULT_LAYOUT)
    return (declared or regional.NATIONAL).scoring


def _evaluation(table: Table | None, region: Table | None) -> scoring.SelfEvaluation | None:
    if table is None or table.doc is None or not table.valid:
        return None
    project = Project.from_doc(table.doc)
    return scoring.evaluate(project, _rules(region)) if project.evaluated else None


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else format(scoring.cents(value * scoring.HUNDRED), "f")


def _figure(value: Decimal | None) -> str | None:
    return None if value is None else show(value)


def _indicators(old: scoring.SelfEvaluation | None, new: scoring.SelfEvaluation) -> list[Change]:
    before = {s.indicator.name: s for s in old.indicators} if old else {}
    out = []
    for s in new.indicators:
        prior = before.get(s.indicator.name)
        label = f"{label_of((F.INDICATORS,))}“{s.indicator.name}”"
        status, score = (prior.status, prior.score) if prior else (None, None)
        if status != s.status:
            out.append(Change("changed", f"{label}的完成情况（算出）", status, s.status))
        if score != s.score:
            out.append(Change("changed", f"{label}的得分（算出）", _figure(score), _figure(s.score), "分", "分"))
    return out


def derived_changes(
    old: Table | None, new: Table | None, old_region: Table | None, new_region: Table | None, context: Context
) -> list[Change]:
    """The derived figures that differ between the two sides of a project file; nothing for targets only."""
    after = _evaluation(new, new_region)
    if after is None:
        return []
    before = _evaluation(old, old_region)
    out = _indicators(before, after)
    pairs = [
        (RATE, _percent(before.execution.rate) if before else None, _percent(after.execution.rate), "%"),
        (TOTAL, _figure(before.total) if before else None, _figure(after.total), "分"),
        (GRADE, before.grade if before else None, after.grade, ""),
    ]
    out += [Change("changed", label, a, b, unit, unit) for label, a, b, unit in pairs if a != b]
    return out
