"""A self-evaluation or monitoring table merged into the project file that already holds its targets.

The file is edited in place through ruamel's round trip, so its comments, order and every field the table does
not print stay as they are; ``jixiao fmt``'s canonical form is applied after. Only the results are written:
per indicator 运行监控 (by date), 实际完成值, 偏差原因, 改进措施; per project 预算执行 and 自评结论, each new key
at its place in the schema's order. An indicator is found by its 一级, 二级 and 三级 names (else by its 三级
name alone, when that is unique).

The targets the table prints are compared, never written: a difference is reported (I058). A result the file
already holds with another value is reported (I059) and kept, unless ``--force`` is given.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.data import fields as F
from generator.data import schemas
from generator.data.fmt import ExactNumber, format_text, round_trip_yaml
from generator.data.load import display_path
from generator.data.model import to_decimal
from generator.importers import vocabulary as vocab
from generator.importers.selfeval import SOURCE_AMOUNTS, ResultsDraft
from generator.importers.source import Item, excerpt

TARGET_KEYS = (F.OPERATOR, F.VALUE, F.MEASURE)
RESULT_KEYS = (F.ACTUAL, F.DEVIATION, F.IMPROVEMENT)


def _value(value: Any) -> Any:
    """Plain YAML types: exact numbers stay exact."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else ExactNumber(format(value.normalize(), "f"))
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _same(a: Any, b: Any) -> bool:
    numbers = to_decimal(a), to_decimal(b)
    if numbers[0] is not None and numbers[1] is not None and not isinstance(a, str) and not isinstance(b, str):
        return numbers[0] == numbers[1]
    return vocab.squash(str(a)) == vocab.squash(str(b))


def _shown(value: Any) -> str:
    number = to_decimal(value)
    if number is not None and not isinstance(value, str):
        return format(number.normalize(), "f")
    return f"“{excerpt(str(value), 30)}”"


def put(node: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """``node[key] = value``, a new key placed after the keys the schema puts before it."""
    if key in node or key not in order:
        node[key] = value
        return
    before = set(order[: order.index(key)])
    position = 0
    for index, existing in enumerate(node):
        if existing in before:
            position = index + 1
    node.insert(position, key, value)


class Merger:
    def __init__(self, draft: ResultsDraft, data: dict[str, Any], force: bool, path: Path) -> None:
        self.draft = draft
        self.data = data
        self.force = force
        self.shown = display_path(path)
        self.name = ""

    def report(self, code: str, item: Item | None, **params: Any) -> None:
        self.draft.source.report(code, item, name=self.name, **params)

    def result(self, node: Any, key: str, new: Any, order: tuple[str, ...], what: str, item: Item | None) -> None:
        """A result written where the file has none; where it has another one, reported and kept (replaced with --force)."""
        if key not in node or node[key] in (None, ""):
            put(node, key, _value(new), order)
            return
        if _same(node[key], new):
            return
        kept = "已改用原表上的" if self.force else "保留文件中的"
        self.report("I059", item, what=what, file=_shown(node[key]), form=_shown(new), kept=kept)
        if self.force:
            node[key] = _value(new)

    def monitoring(
        self, node: Any, new: list[dict[str, Any]], value_key: str, order: tuple[str, ...], what: str, item: Item | None
    ) -> None:
        """Monitored entries merged by date: a new date is added (in date order), a known one compared."""
        listed = node.get(F.MONITORING)
        if not isinstance(listed, list):
            put(node, F.MONITORING, CommentedSeq(_value(new)), order)
            return
        for entry in new:
            date = entry[F.COVER_DATE]
            same = next((e for e in listed if isinstance(e, dict) and str(e.get(F.COVER_DATE)) == date), None)
            if same is None:
                position = sum(1 for e in listed if isinstance(e, dict) and str(e.get(F.COVER_DATE, "")) < date)
                listed.insert(position, CommentedMap(_value(entry)))
            elif not _same(same.get(value_key), entry[value_key]):
                self.result(same, value_key, entry[value_key], (F.COVER_DATE, value_key), f"{what}{date} 的{value_key}", item)

    def indicators(self, doc: CommentedMap) -> None:
        rows = doc.get(F.INDICATORS)
        rows = rows if isinstance(rows, list) else []
        order = schemas.keys("project", F.INDICATORS)
        by_levels: dict[tuple[str, str, str], list[Any]] = {}
        by_name: dict[str, list[Any]] = {}
        for row in rows:
            if isinstance(row, dict) and row.get(F.LEVEL3):
                name = vocab.squash(str(row[F.LEVEL3]))
                by_levels.setdefault((str(row.get(F.LEVEL1)), str(row.get(F.LEVEL2)), name), []).append(row)
                by_name.setdefault(name, []).append(row)
        for index, new in enumerate(self.data.get(F.INDICATORS) or []):
            if not new.get(F.LEVEL3):
                continue
            item = self.draft.anchors[index] if index < len(self.draft.anchors) else self.draft.anchor
            name = vocab.squash(str(new[F.LEVEL3]))
            found = by_levels.get((str(new.get(F.LEVEL1)), str(new.get(F.LEVEL2)), name)) or by_name.get(name) or []
            if len(found) != 1:
                if any(key in new for key in (*RESULT_KEYS, F.MONITORING)):
                    self.draft.source.report("I060", item, name=new[F.LEVEL3], file=self.shown)
                continue
            row = found[0]
            what = f"指标“{excerpt(str(new[F.LEVEL3]), 20)}”的"
            for key in TARGET_KEYS:
                if key in new and key in row and not _same(row[key], new[key]):
                    self.report("I058", item, what=what + key, form=_shown(new[key]), file=_shown(row[key]))
            for key in RESULT_KEYS:
                if key in new:
                    self.result(row, key, new[key], order, what + key, item)
            if new.get(F.MONITORING):
                self.monitoring(row, new[F.MONITORING], F.MONITOR_VALUE, order, what, item)

    def project(self, doc: CommentedMap) -> None:
        order = schemas.keys("project")
        item = self.draft.anchor
        goals = self.data.get(F.GOALS)
        if goals and doc.get(F.GOALS):
            file_goals = doc[F.GOALS]
            written = "".join(file_goals) if isinstance(file_goals, list) else str(file_goals)
            if vocab.squash(written) != vocab.squash(str(goals)):
                self.report("I058", item, what=f"的{F.GOALS}", form=_shown(goals), file=_shown(written))
        for key, keys in ((F.EXECUTION, SOURCE_AMOUNTS), (F.CONCLUSION, schemas.keys("project", F.CONCLUSION))):
            new = self.data.get(key)
            if not new:
                continue
            node = doc.get(key)
            if not isinstance(node, dict):
                put(doc, key, CommentedMap(_value(new)), order)
                continue
            inner = schemas.keys("project", key)
            for sub in keys:
                if sub in new and sub != F.MONITORING:
                    self.result(node, sub, new[sub], inner, f"的{key}.{sub}", item)
            if key == F.EXECUTION and new.get(F.FUNDING):
                self.sources(node, new[F.FUNDING], inner, item)
            if key == F.EXECUTION and new.get(F.MONITORING):
                self.monitoring(node, new[F.MONITORING], F.MONITOR_EXECUTED, inner, f"的{key}", item)

    def sources(self, node: Any, new: dict[str, dict[str, Any]], order: tuple[str, ...], item: Item | None) -> None:
        """预算执行.资金来源 merged source by source, amount by amount, as the totals are."""
        funding = node.get(F.FUNDING)
        if not isinstance(funding, CommentedMap):
            put(node, F.FUNDING, CommentedMap(_value(new)), order)
            return
        for source, amounts in new.items():
            here = funding.get(source)
            if not isinstance(here, dict):
                put(funding, source, CommentedMap(_value(amounts)), schemas.keys("project", f"{F.EXECUTION}.{F.FUNDING}"))
                continue
            for sub, value in amounts.items():
                self.result(here, sub, value, SOURCE_AMOUNTS, f"的{F.EXECUTION}.{F.FUNDING}.{source}.{sub}", item)


def merge_text(path: Path, draft: ResultsDraft, data: dict[str, Any], force: bool) -> str | None:
    """The text of the project file at ``path`` with the results of ``data`` merged in; None when the file is
    not a project file that can be edited (the caller then reports the conflict as for any other file)."""
    yaml = round_trip_yaml()
    text = path.read_text(encoding="utf-8-sig")
    try:
        doc = yaml.load(text)
    except Exception:  # a file the loader cannot read: jixiao check reports it, the import does not touch it
        return None
    if not isinstance(doc, CommentedMap):
        return None
    merger = Merger(draft, data, force, path)
    merger.name = str(doc.get(F.PROJECT_NAME) or draft.name)
    merger.project(doc)
    merger.indicators(doc)
    out = io.StringIO()
    yaml.dump(doc, out)
    return format_text(out.getvalue(), path)
