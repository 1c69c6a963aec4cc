"""What changed inside one table, field by field, in the words of the official form.

The comparison works on the parsed data (not on YAML lines), so reindenting, quoting or moving a
field changes nothing here. Indicators are matched by their 三级指标 name: a reordered or
re-grouped indicator is reported as such, never as one removed and one added.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.data import fields as F

EMPTY = "（无）"
SAME_NAME_RATIO = 0.75  # 三级指标 names this similar (群众满意度 → 群众满意度指标: 0.83), in one 二级, are one renamed

LABELS = {F.DEPARTMENT_TABLE: "部门整体表"}
STRUCTURE = (F.LEVEL1, F.LEVEL2, F.LEVEL3)


@dataclass(frozen=True)
class Change:
    """One line of a change report. ``kind`` is one of KINDS; old/new are shown values."""

    kind: str
    label: str
    old: str | None = None
    new: str | None = None
    old_unit: str = ""
    new_unit: str = ""

    def _side(self, value: str | None, unit: str) -> str:
        return EMPTY if value is None else value + (f" {unit}" if unit else "")

    def cells(self) -> tuple[str, str]:
        """(old, new) as shown in a table, each with its unit."""
        return (
            self._side(self.old, self.old_unit) if self.old is not None else "",
            self._side(self.new, self.new_unit) if self.new is not None else "",
        )

    @property
    def what(self) -> str:
        """The first column of a table row."""
        return {
            "added": f"新增{self.label}",
            "removed": f"删除{self.label}",
            "moved": f"{self.label}的位置",
            "renamed": f"{self.label}改名",
            "reordered": f"{self.label}顺序调整",
            "item-added": f"{self.label}新增一条",
            "item-removed": f"{self.label}删除一条",
        }.get(self.kind, self.label)

    @property
    def text(self) -> str:
        """The change as one sentence."""
        old, new = self.cells()
        if self.kind == "changed":
            if self.old is not None and self.new is not None and self.old_unit == self.new_unit:
                return f"{self.label}：{self.old} → {self.new}" + (f" {self.new_unit}" if self.new_unit else "")
            return f"{self.label}：{self._side(self.old, self.old_unit)} → {self._side(self.new, self.new_unit)}"
        if self.kind == "value":
            return f"{self.label}：{new}" if self.new is not None else f"{self.label}（原来）：{old}"
        if self.kind == "moved":
            return f"{self.label}移到 {new}（原在 {old}）"
        if self.kind == "renamed":
            return f"{self.label}改名为“{self.new}”"
        if self.kind in ("reordered", "note"):
            return self.what
        detail = new if self.kind in ("added", "item-added") else old
        return self.what + (f"：{detail}" if detail else "")

    def as_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "old_unit": self.old_unit,
            "new_unit": self.new_unit,
            "text": self.text,
        }


KINDS = ("changed", "added", "removed", "moved", "renamed", "reordered", "item-added", "item-removed", "value", "note")


def show(value: Any) -> str | None:
    """A value as the printed form shows it; None for an absent or empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "；".join(s for s in (show(v) for v in value) if s is not None)
    if isinstance(value, dict):
        return "，".join(f"{k}：{show(v) or EMPTY}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class Context:
    """What the labels need from outside the table: the money units of the two sides."""

    old_money: str
    new_money: str


def table_changes(old: dict[str, Any], new: dict[str, Any], context: Context) -> list[Change]:
    return _mapping((), old, new, context)


def _keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys([*new, *old]))


def label_of(path: tuple[Any, ...]) -> str:
    return " / ".join(LABELS.get(str(p), str(p)) for p in path)


def _unit(path: tuple[Any, ...], money: str) -> str:
    if path == (F.AMOUNT,) or path[:1] == (F.FUNDING,) or path[:2] == (F.DEPARTMENT_TABLE, F.BUDGET):
        return money
    if path[:1] == (F.EXECUTION,) and F.MONITORING not in path:  # 年初预算数, 全年预算数, 全年执行数
        return money
    return "%" if path[:1] == (F.SPENDING_PLAN,) else ""


def _mapping(path: tuple[Any, ...], old: dict[str, Any], new: dict[str, Any], context: Context) -> list[Change]:
    out: list[Change] = []
    for key in _keys(old, new):
        a, b = old.get(key), new.get(key)
        if a != b:
            out += _value(path + (key,), a, b, context)
    return out


def _value(path: tuple[Any, ...], a: Any, b: Any, context: Context) -> list[Change]:
    special = SPECIAL.get(str(path[-1]))
    both = (a, b)
    if special and all(v is None or isinstance(v, list) for v in both):
        return special(path, a or [], b or [], context)
    if all(v is None or isinstance(v, dict) for v in both):
        return _mapping(path, a or {}, b or {}, context)
    if all(isinstance(v, list) and not any(isinstance(i, (dict, list)) for i in v) for v in both):
        return _items(path, a, b)
    return [Change("changed", label_of(path), show(a), show(b), _unit(path, context.old_money), _unit(path, context.new_money))]


def _items(path: tuple[Any, ...], old: list[Any], new: list[Any]) -> list[Change]:
    """A list of texts (本年度绩效目标, 年度履职目标, 更正说明): items added, removed, edited, reordered."""
    label = label_of(path)
    a, b = [show(v) or "" for v in old], [show(v) or "" for v in new]
    if sorted(a) == sorted(b):
        return [Change("reordered", label)]
    out: list[Change] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            out += [Change("changed", f"{label}第 {j1 + k + 1} 条", a[i1 + k], b[j1 + k]) for k in range(i2 - i1)]
            continue
        if op in ("replace", "delete"):
            out += [Change("item-removed", label, old=item) for item in a[i1:i2]]
        if op in ("replace", "insert"):
            out += [Change("item-added", label, new=item) for item in b[j1:j2]]
    return out


# --- indicators ---------------------------------------------------------------------------------

Row = dict[str, Any]


def _row(item: Any) -> Row:
    return item if isinstance(item, dict) else {F.LEVEL3: json.dumps(item, ensure_ascii=False, default=str)}


def _name(row: Row) -> str | None:
    name = row.get(F.LEVEL3)
    return name.strip() if isinstance(name, str) and name.strip() else None


def group_of(row: Row) -> str:
    return f"{show(row.get(F.LEVEL1)) or EMPTY} / {show(row.get(F.LEVEL2)) or EMPTY}"


def describe_indicator(row: Row) -> str:
    """Where an indicator sits and its target: ``产出指标 / 数量指标，≥ 500 人``."""
    if _name(row) is None:
        return ""
    operator, value, unit = show(row.get(F.OPERATOR)), show(row.get(F.VALUE)), show(row.get(F.MEASURE))
    if operator == "定性":
        return f"{group_of(row)}，定性：{value or EMPTY}"
    target = " ".join(s for s in (operator, value, unit) if s)
    return f"{group_of(row)}，{target or EMPTY}"


def _keyed(rows: list[Any]) -> dict[tuple[str, ...], Row]:
    """Rows by identity: the 三级指标 name (and its rank among equal names); placeholders by group."""
    seen: dict[tuple[str, ...], int] = {}
    out: dict[tuple[str, ...], Row] = {}
    for item in rows:
        row = _row(item)
        name = _name(row)
        base = ("名称", name) if name else ("占位", group_of(row))
        rank = seen[base] = seen.get(base, -1) + 1
        out[(*base, str(rank))] = row
    return out


def _row_label(prefix: str, key: tuple[str, ...]) -> str:
    kind, name, rank = key
    suffix = f"（第 {int(rank) + 1} 条同名）" if rank != "0" else ""
    return f"{prefix}“{name}”{suffix}" if kind == "名称" else f"{prefix}占位行“{name}”"


def _similar(a: Row, b: Row) -> bool:
    if group_of(a) != group_of(b):
        return False
    target = (F.OPERATOR, F.VALUE, F.MEASURE)
    if all(a.get(k) == b.get(k) for k in target):
        return True
    return difflib.SequenceMatcher(None, _name(a) or "", _name(b) or "").ratio() >= SAME_NAME_RATIO


def _renames(old: dict[tuple[str, ...], Row], new: dict[tuple[str, ...], Row]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Unmatched named rows that are one indicator whose 三级指标 was renamed: old key → new key."""
    spare_new = [k for k in new if k not in old and k[0] == "名称"]
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in (k for k in old if k not in new and k[0] == "名称"):
        match = next((k for k in spare_new if _similar(old[key], new[k])), None)
        if match is not None:
            found[key] = match
            spare_new.remove(match)
    return found


def indicator_renames(old_rows: list[Any], new_rows: list[Any]) -> dict[str, str]:
    """{old 三级指标: new 三级指标} of the indicators that this change renamed."""
    return {old[1]: new[1] for old, new in _renames(_keyed(old_rows), _keyed(new_rows)).items()}


def _indicators(path: tuple[Any, ...], old_rows: list[Any], new_rows: list[Any], context: Context) -> list[Change]:
    prefix = label_of(path)
    old, new = _keyed(old_rows), _keyed(new_rows)
    renamed = _renames(old, new)
    pairs = {key: key for key in old if key in new} | renamed
    paired_new = {v: k for k, v in pairs.items()}
    out: list[Change] = []
    moved: set[tuple[str, ...]] = set()
    for key, row in new.items():
        if key not in paired_new:
            out.append(Change("added", _row_label(prefix, key), new=describe_indicator(row) or None))
            continue
        before = old[paired_new[key]]
        label = _row_label(prefix, key)
        if paired_new[key] != key:
            out.append(Change("renamed", _row_label(prefix, paired_new[key]), _name(before), _name(row)))
        if group_of(before) != group_of(row):
            moved.add(key)
            out.append(Change("moved", label, group_of(before), group_of(row)))
        out += _row_fields(label, before, row)
    out += [
        Change("removed", _row_label(prefix, key), old=describe_indicator(row) or None)
        for key, row in old.items()
        if key not in pairs
    ]
    kept = [k for k in new if k in paired_new and k not in moved]
    if [pairs[k] for k in old if k in pairs and pairs[k] in kept] != kept:
        out.append(Change("reordered", prefix))
    return out


def _row_fields(label: str, before: Row, after: Row) -> list[Change]:
    out = []
    for field in _keys(before, after):
        if field in STRUCTURE or before.get(field) == after.get(field):
            continue
        units = (
            (show(before.get(F.MEASURE)) or "", show(after.get(F.MEASURE)) or "") if field in (F.VALUE, F.ACTUAL) else ("", "")
        )
        out.append(Change("changed", f"{label}的{field}", show(before.get(field)), show(after.get(field)), *units))
    return out


# --- other lists of records ----------------------------------------------------------------------


def _records(
    key_of: Callable[[Row], str], detail: str, path: tuple[Any, ...], old_items: list[Any], new_items: list[Any]
) -> list[Change]:
    """Records matched by a key (任务名称; 代码 and 位置): added, removed, or fields changed."""
    prefix = label_of(path)
    old = {key_of(_row(r)): _row(r) for r in old_items}
    new = {key_of(_row(r)): _row(r) for r in new_items}
    out: list[Change] = []
    for key, row in new.items():
        label = f"{prefix}{key}"
        if key not in old:
            out.append(Change("added", label, new=show(row.get(detail))))
            continue
        out += [
            Change("changed", f"{label}的{f}", show(old[key].get(f)), show(row.get(f)))
            for f in _keys(old[key], row)
            if old[key].get(f) != row.get(f)
        ]
    out += [Change("removed", f"{prefix}{key}", old=show(row.get(detail))) for key, row in old.items() if key not in new]
    return out


def _task_key(row: Row) -> str:
    return f"“{show(row.get(F.TASK_NAME)) or EMPTY}”"


def _acknowledgement_key(row: Row) -> str:
    where = show(row.get(F.ACK_WHERE))
    return f" {show(row.get('代码')) or EMPTY}" + (f"（{where}）" if where else "")


def _tasks(path: tuple[Any, ...], old: list[Any], new: list[Any], context: Context) -> list[Change]:
    return _records(_task_key, F.TASK_CONTENT, path, old, new)


def _acknowledgements(path: tuple[Any, ...], old: list[Any], new: list[Any], context: Context) -> list[Change]:
    return _records(_acknowledgement_key, F.ACK_REASON, path, old, new)


Special = Callable[[tuple[Any, ...], list[Any], list[Any], Context], list[Change]]
SPECIAL: dict[str, Special] = {F.INDICATORS: _indicators, F.TASKS: _tasks, F.ACKNOWLEDGED: _acknowledgements}
