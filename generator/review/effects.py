"""What a change does beyond its own lines: unit totals, the derived 汇总表, and check findings.

Findings come from ``jixiao check`` itself, run on a copy of the affected units at each side, and
are compared by (file, code, field) after following renames, so a moved project does not show
its old findings as resolved and the same ones as new. An indicator in a field path is named by
its 三级指标 rather than its row number, so reordering indicators changes no finding.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.check.run import check
from generator.data import fields as F
from generator.data import schemas
from generator.data.model import DepartmentTable, Project, to_decimal
from generator.diagnostics import Diagnostic
from generator.review.changes import Change, show
from generator.review.sides import Table, UnitSide

TOTAL = "项目金额合计（汇总表合计金额）"
DECLARED = "部门整体表的项目支出"


@dataclass(frozen=True)
class SummaryRow:
    """One row of the derived 项目支出绩效目标汇总表."""

    name: str
    budget: Decimal | None
    remark: str
    order: str | None  # 序号, when the project file gives one

    def fields(self) -> dict[str, str | None]:
        return {F.ORDER: self.order, F.PROJECT_NAME: self.name, F.AMOUNT: show(self.budget), F.REMARK: self.remark or None}


@dataclass(frozen=True)
class Totals:
    """A unit's 汇总表 as derived from its valid project files, and its declared 项目支出."""

    rows: dict[str, SummaryRow]  # by the project's identity (its file on the new side)
    total: Decimal
    complete: bool
    declared: Decimal | None
    # Projects whose file cannot be read or fails the schema: their rows and amounts are unknown, not gone.
    unknown: frozenset[str] = frozenset()


def totals(side: UnitSide, identity: Callable[[str], str]) -> Totals:
    rows: dict[str, SummaryRow] = {}
    unknown: set[str] = set()
    complete = True
    for key, table in sorted(side.projects.items()):
        if not table.valid or table.doc is None:
            complete = False
            unknown.add(identity(key))
            continue
        project = Project.from_doc(table.doc)
        complete = complete and project.budget is not None
        rows[identity(key)] = SummaryRow(project.name, project.budget, project.remark, show(table.data.get(F.ORDER)))
    total = sum((row.budget for row in rows.values() if row.budget is not None), Decimal(0))
    return Totals(rows, total, complete, _declared(side.unit), frozenset(unknown))


UNKNOWN_TOTAL = "有项目文件无法读取或未通过结构检查：改正之前，项目金额合计和汇总表无法得出（它们没有算作删除）"
UNKNOWN_BEFORE = "原来有项目文件无法读取或未通过结构检查，当时的项目金额合计无法得出"


def _declared(unit: Table | None) -> Decimal | None:
    table = unit.data.get(F.DEPARTMENT_TABLE) if unit is not None and unit.valid else None
    if not isinstance(table, dict):
        return None
    spending = DepartmentTable.from_yaml(table).budget.get(F.BY_USE)
    return to_decimal(spending.get(F.PROJECT_SPENDING)) if isinstance(spending, dict) else None


def total_changes(old: Totals | None, new: Totals | None, old_money: str, new_money: str) -> list[Change]:
    if (old is not None and old.unknown) or (new is not None and new.unknown):
        return _unknown_total(old, new, old_money, new_money)
    out: list[Change] = []
    before, after = (old.total if old else None), (new.total if new else None)
    if before != after:
        out.append(Change("changed", TOTAL, show(before), show(after), old_money, new_money))
    declared_before, declared_after = (old.declared if old else None), (new.declared if new else None)
    if declared_before != declared_after:
        out.append(Change("changed", DECLARED, show(declared_before), show(declared_after), old_money, new_money))
    if out and (declared_before is not None or declared_after is not None):
        out.append(Change("note", _agreement(before, after, declared_before, declared_after, new_money)))
    if out and not ((old is None or old.complete) and (new is None or new.complete)):
        out.append(Change("note", "有项目文件未通过结构检查或没有项目金额，未计入合计"))
    return out


def _unknown_total(old: Totals | None, new: Totals | None, old_money: str, new_money: str) -> list[Change]:
    """A side with a file that cannot be read has no known total: never a falling one, never rows deleted."""
    out: list[Change] = []
    declared_before, declared_after = (old.declared if old else None), (new.declared if new else None)
    if declared_before != declared_after:
        out.append(Change("changed", DECLARED, show(declared_before), show(declared_after), old_money, new_money))
    if new is not None and new.unknown:
        out.append(Change("note", UNKNOWN_TOTAL))
    elif new is not None:
        out += [Change("value", TOTAL, new=show(new.total), new_unit=new_money), Change("note", UNKNOWN_BEFORE)]
    return out


def _agreement(
    before: Decimal | None, after: Decimal | None, declared_before: Decimal | None, declared_after: Decimal | None, money: str
) -> str:
    agreed_before = declared_before is not None and declared_before == before
    if declared_after is None:
        return f"{DECLARED}已删除"
    if declared_after == after:
        return f"{DECLARED}与项目金额合计{'仍' if agreed_before else '现在'}相符"
    amounts = f"（{show(declared_after)} 与 {show(after)} {money}）".replace("  ", " ")
    return f"{DECLARED}与项目金额合计{'现在' if agreed_before else '仍'}不相符{amounts}"


def summary_changes(old: Totals | None, new: Totals | None, old_money: str, new_money: str) -> list[Change]:
    """Rows of the derived 汇总表 added, removed or changed (the 合计 is in total_changes)."""
    before, after = (old.rows if old else {}), (new.rows if new else {})
    unknown = (old.unknown if old else frozenset()) | (new.unknown if new else frozenset())
    out: list[Change] = []
    for identity, row in after.items():
        if identity in unknown:
            continue  # its other side cannot be read: the file's own change says so
        if identity not in before:
            out.append(Change("added", f"汇总表行“{row.name}”", new=show(row.budget), new_unit=new_money))
            continue
        was = before[identity].fields()
        for name, value in row.fields().items():
            if was[name] != value:
                units = (old_money, new_money) if name == F.AMOUNT else ("", "")
                out.append(Change("changed", f"汇总表行“{row.name}”的{name}", was[name], value, *units))
    out += [
        Change("removed", f"汇总表行“{row.name}”", old=show(row.budget), old_unit=old_money)
        for identity, row in before.items()
        if identity not in after and identity not in unknown
    ]
    return out


# --- findings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A check result that the change introduces, acknowledges, or resolves."""

    status: str  # introduced | acknowledged | changed | resolved
    diagnostic: Diagnostic
    key: str  # the file below data/, on the new side when it has one
    folder: str  # the unit folder (or region folder) it belongs to
    # For "changed": the acknowledged finding as it was. An acknowledgement names a code and a field, not
    # the numbers: X003 acknowledged at 14.4 against 32 would silently accept 14.4 against 42.
    before: Diagnostic | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"status": self.status, **self.diagnostic.as_dict()}
        if self.before is not None:
            data["before"] = self.before.message
        return data


FINDING_ORDER = {"introduced": 0, "acknowledged": 1, "changed": 2, "resolved": 3}
Located = tuple[str, Diagnostic]  # (file key below data/, diagnostic)


def run_check(units: list[UnitSide], extra: list[Table], shown: Callable[[str], str], with_schema: bool) -> list[Located]:
    """``jixiao check`` on a copy of these unit folders (with their regions) written to a temporary folder.

    With ``with_schema``, schema/ is copied beside the data, as it sits in the repository, so that
    the editors' schema line is checked (P005) as ``jixiao check`` checks it there.
    """
    if not units and not extra:
        return []
    with tempfile.TemporaryDirectory(prefix="jixiao-diff-") as tmp:
        root = Path(tmp).absolute() / "data"
        if with_schema:
            shutil.copytree(schemas.schema_dir(), root.parent / "schema")
        tables = [t for side in units for t in (side.region, *side.tables()) if t is not None] + extra
        # A file that could not be read is written empty, so that the check treats its unit as it would
        # (no totals from a unit with a broken file); its finding is the reason it could not be read.
        unopened = {t.key: t.problem for t in tables if not t.opened and t.problem is not None}
        for table in tables:
            target = root / table.key
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(table.raw)
        report = check([root / side.folder for side in units] + [root / t.key for t in extra], jobs=1)
        out = [(key, replace(problem, path=shown(key))) for key, problem in unopened.items()]
        for diag in report.diagnostics:
            path = Path(diag.path)
            key = (path if path.is_absolute() else Path.cwd() / path).relative_to(root).as_posix()
            if key not in unopened:
                out.append((key, replace(diag, path=shown(key))))
    return out


_INDEXED = re.compile(r"^((?:部门整体支出绩效目标表\.)?绩效指标)\[(\d+)\]")


def rows_at(table: Table | None, prefix: str) -> list[Any]:
    """The indicator rows of a table at ``绩效指标`` or ``部门整体支出绩效目标表.绩效指标``."""
    rows: Any = table.data if table is not None else None
    for part in prefix.split("."):
        rows = rows.get(part) if isinstance(rows, dict) else None
    return rows if isinstance(rows, list) else []


Renamer = Callable[[str, str], str]  # (prefix, 三级指标 name) → the name on the new side


def stable_field(field: str, table: Table | None, rename: Renamer | None = None) -> str:
    """``绩效指标[3].指标值`` → ``绩效指标“群众满意度”.指标值``: stable when rows are reordered or renamed."""
    match = _INDEXED.match(field)
    if match is None or table is None:
        return field
    rows, index = rows_at(table, match.group(1)), int(match.group(2)) - 1
    row = rows[index] if 0 <= index < len(rows) else None
    name = row.get(F.LEVEL3) if isinstance(row, dict) else None
    if not isinstance(name, str) or not name:
        return field
    name = rename(match.group(1), name.strip()) if rename else name.strip()
    return f"{match.group(1)}“{name}”{field[match.end() :]}"


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers(message: str) -> list[str]:
    """The figures a finding states: what an acknowledgement accepted (a renamed indicator changes none)."""
    return _NUMBER.findall(message)


FieldKey = Callable[[str, str], str]  # (file key, diagnostic field) → a field name stable across the change


def compare_findings(
    old: list[Located],
    new: list[Located],
    identity: Callable[[str], str],
    folder_of: Callable[[str], str],
    old_field: FieldKey,
    new_field: FieldKey,
) -> list[Finding]:
    def keyed(
        found: list[Located], field_key: FieldKey, to_new: Callable[[str], str]
    ) -> dict[tuple[str, ...], tuple[str, Diagnostic]]:
        out: dict[tuple[str, ...], tuple[str, Diagnostic]] = {}
        ranks: Counter[tuple[str, ...]] = Counter()
        for key, diag in sorted(found, key=lambda kd: kd[1]):
            base = (to_new(key), diag.code, field_key(key, diag.field))
            out[(*base, str(ranks[base]))] = (to_new(key), diag)
            ranks[base] += 1
        return out

    before = keyed(old, old_field, identity)
    after = keyed(new, new_field, lambda k: k)
    found = []
    for k, (key, diag) in after.items():
        was = before.get(k)
        if diag.acknowledged and (was is None or not was[1].acknowledged):
            found.append(Finding("acknowledged", diag, key, folder_of(key)))
        elif diag.acknowledged and was is not None and _numbers(was[1].message) != _numbers(diag.message):
            found.append(Finding("changed", diag, key, folder_of(key), before=was[1]))
        elif not diag.acknowledged and (was is None or was[1].acknowledged):
            found.append(Finding("introduced", diag, key, folder_of(key)))
    found += [Finding("resolved", diag, key, folder_of(key)) for k, (key, diag) in before.items() if k not in after]
    return sorted(found, key=lambda f: (FINDING_ORDER[f.status], f.diagnostic))
