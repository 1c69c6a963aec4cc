"""The same unit in other years, and what a continued project changed since the year before.

A unit is the same in two years when its folder has the same name in both year folders of its
region (data/<地区>/<年度>/<单位>/): folder names are what addresses are made of, and they stay when
a unit's printed name changes slightly. A project continues one of the previous year when both have
the same 项目编码, or else the same 项目名称 in that unit. What changed is said with the sentences of
``jixiao diff`` (review/changes.py), both values side by side; fields that only order the tables
(序号) and the editors' records (已确认问题) are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from generator.data import fields as F
from generator.data.model import Project
from generator.data.tree import UnitFolder
from generator.review.changes import Change, Context, table_changes

HOUSEKEEPING = (F.ORDER,)  # only orders the tables: hidden in 修订记录 and comparisons
NOT_TARGETS = (*HOUSEKEEPING, F.ACKNOWLEDGED, F.CORRECTIONS)  # records of the editors, not targets


@dataclass(frozen=True)
class Years:
    """A unit's folder in its other years: the year before (the latest earlier one), and every year."""

    earlier: UnitFolder | None
    years: tuple[tuple[int, UnitFolder], ...]  # every year of the unit, newest first, this one included


def neighbours(folders: list[UnitFolder]) -> dict[str, Years]:
    """For each unit folder (by its path), the same unit in the other years of its region."""
    by_unit: dict[tuple[str, str], list[UnitFolder]] = defaultdict(list)
    for folder in folders:
        by_unit[(str(folder.region_dir), folder.path.name)].append(folder)
    out: dict[str, Years] = {}
    for same in by_unit.values():
        ordered = sorted(same, key=lambda f: -f.year)
        for folder in ordered:
            earlier = next((f for f in ordered if f.year < folder.year), None)
            out[str(folder.path)] = Years(earlier, tuple((f.year, f) for f in ordered))
    return out


def continued(project: Project, earlier: list[Project]) -> int | None:
    """The index in ``earlier`` of the project ``project`` continues: same 项目编码, else same 项目名称."""
    if project.code:
        for n, old in enumerate(earlier):
            if old.code == project.code:
                return n
    for n, old in enumerate(earlier):
        if old.name == project.name:
            return n
    return None


def public(change: Change, hidden: tuple[str, ...] = HOUSEKEEPING) -> bool:
    """Whether a change is one readers care about (not of a housekeeping field such as 序号): a change's
    label starts with its field's name."""
    return change.label.split(" ")[0] not in hidden


def compared(old: Project, new: Project, money_unit: str) -> list[Change]:
    """What changed from last year's targets to this year's, as ``jixiao diff`` says it."""
    return [c for c in table_changes(old.doc.data, new.doc.data, Context(money_unit, money_unit)) if public(c, NOT_TARGETS)]
