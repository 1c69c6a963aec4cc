"""``jixiao diff``: what a change does to the tables, in plain Chinese, for the reviewers of a pull request.

The pipeline: the files that differ between the two sides (git's object ids decide, so nothing
else is read) → the unit folders they belong to, read whole at both sides as context → which file
is which (pairing.py) → field by field (changes.py) → totals, 汇总表 and findings (effects.py) →
a DiffReport (report.py), shown by formats.py as text, Markdown or JSON.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TextIO

from generator.data import fields as F
from generator.data.load import REGION_FILE, UNIT_FILE
from generator.review.changes import Change, Context, indicator_renames, table_changes
from generator.review.effects import (
    Finding,
    Totals,
    compare_findings,
    rows_at,
    run_check,
    stable_field,
    summary_changes,
    total_changes,
    totals,
)
from generator.review.formats import FORMATS
from generator.review.pairing import pair_projects, pair_units
from generator.review.report import DiffReport, FileChange, UnitEffect
from generator.review.selfeval import derived_changes
from generator.review.sides import Place, Table, UnitSide, group_units, place, read_tables
from generator.review.snapshot import Content, Snapshot, changed_files, open_sides

KIND_ORDER = {"region": 0, "unit": 1, "project": 2, "other": 3}
HEADINGS = {
    ("project", "added"): "新增项目“{name}”",
    ("project", "removed"): "删除项目“{name}”",
    ("project", "modified"): "修改项目“{name}”",
    ("project", "renamed"): "项目“{name}”的文件改名：{old_file} → {new_file}",
    ("project", "moved"): "项目“{name}”从 {old_unit} 移到 {new_unit}",
    ("unit", "added"): "新增单位“{name}”",
    ("unit", "removed"): "删除单位“{name}”",
    ("unit", "modified"): "修改单位“{name}”的单位表",
    ("unit", "renamed"): "单位“{name}”的文件夹改名：{old_unit} → {new_unit}",
    ("region", "added"): "新增地区设置“{name}”",
    ("region", "removed"): "删除地区设置“{name}”",
    ("region", "modified"): "修改地区设置“{name}”",
    ("other", "added"): "新增文件（不在 data/<地区>/<年度>/<单位>/ 规定的位置）",
    ("other", "removed"): "删除文件（不在规定的位置）",
    ("other", "modified"): "修改文件（不在规定的位置）",
    ("project", "unreadable"): "项目“{name}”的文件无法读取",
    ("unit", "unreadable"): "单位“{name}”的单位表无法读取",
    ("region", "unreadable"): "地区设置“{name}”无法读取",
    ("other", "unreadable"): "文件无法读取（不在规定的位置）",
}
FORMAT_ONLY = "只改了格式或注释，内容不变"
HIDDEN_NOTE = "有文件无法读取或未通过结构检查：改正之前，无法得出它和本单位合计的其他检查结果（这些结果没有算作已解决）"
REGION_NOTE = (
    "地区设置影响本地区的全部单位：本地区超过 {limit} 个文件，检查结果的变化只列出了本次改动涉及的单位，"
    "请用 jixiao check 检查全部数据"
)
REGION_LIMIT = 2000  # a region this small is checked whole when its 地区.yaml changes (about 2 s per 1,000 files)


# --- the comparison -----------------------------------------------------------------------------


def _unit_labels(old_folder: str, new_folder: str) -> tuple[str, str]:
    """Two unit folders, shortened to the unit's folder name when region and year are the same."""
    if old_folder.rsplit("/", 1)[0] == new_folder.rsplit("/", 1)[0]:
        return PurePosixPath(old_folder).name, PurePosixPath(new_folder).name
    return old_folder, new_folder


def describe(table: Table, context: Context) -> list[Change]:
    """A table seen for the first time: every filled field as a value line."""
    out = []
    for change in table_changes({}, table.data, context):
        if change.label in (F.PROJECT_NAME, F.UNIT_NAME, F.REGION_NAME) or change.new is None:
            continue
        out.append(Change("value", change.label, new=change.new, new_unit=change.new_unit))
    return out


def _problem(table: Table, when: str) -> str:
    diag = table.problem
    if diag is None:
        return ""
    where = f"（第 {diag.line} 行第 {diag.column} 列）" if table.opened else ""
    return f"{when}无法读取：[{diag.code}] {diag.message}{where}"


def figures(table: Table, money: str) -> list[Change]:
    """A deleted table's amounts, as they were: under 原来."""
    found = table_changes(table.data, {}, Context(money, ""))
    return [
        Change("value", c.label, old=c.old, old_unit=c.old_unit)
        for c in found
        if c.old is not None and money and c.old_unit == money
    ]


def _table_changes(old: Table | None, new: Table | None, context: Context) -> tuple[list[Change], list[str]]:
    if new is None:
        return [], []
    if new.doc is None:
        return [], [_problem(new, "现在")]
    if old is None or old.doc is None:
        return describe(new, context), ([_problem(old, "原来")] if old is not None else [])
    changes = table_changes(old.data, new.data, context)
    return changes, ([FORMAT_ONLY] if not changes and old.raw != new.raw else [])


class Comparison:
    """The state of one comparison: both sides read, files paired."""

    def __init__(self, old: Snapshot, new: Snapshot) -> None:
        self.old, self.new = old, new
        changed = changed_files(old, new)
        places = {k: place(k) for k in changed}
        folders = sorted({p.folder for p in places.values() if p.kind in ("unit", "project")} | self._region_units(places))
        regions = sorted({f.split("/")[0] for f in folders} | {p.folder for p in places.values() if p.kind == "region"})
        self.changed_regions = sorted(k for k, p in places.items() if p.kind == "region")
        self.others = sorted(k for k, p in places.items() if p.kind == "other")
        extra = [f"{r}/{REGION_FILE}" for r in regions] + self.others
        unchanged: dict[tuple[str, Content], Table] = {}  # the unit context is mostly the same on both sides
        self.old_tables = read_tables(old, old.files_in(folders) + extra, unchanged)
        self.new_tables = read_tables(new, new.files_in(folders) + extra, unchanged)
        self.old_units, self.new_units = group_units(self.old_tables), group_units(self.new_tables)
        self.unit_pairs = pair_units(self.old_units, self.new_units)
        self.project_pairs = pair_projects(self.old_units, self.new_units, self.unit_pairs)
        self._renames: dict[tuple[str, str], dict[str, str]] = {}

    def _region_units(self, places: dict[str, Place]) -> set[str]:
        """Every unit of a region whose 地区.yaml changed: its framework or money unit applies to them all."""
        self.large_regions: list[str] = []
        found: set[str] = set()
        for region in sorted({p.folder for p in places.values() if p.kind == "region"}):
            files = set(self.old.all_files(region)) | set(self.new.all_files(region))
            if len(files) > REGION_LIMIT:
                self.large_regions.append(region)
                continue
            found |= {place(k).folder for k in files if place(k).kind in ("unit", "project")}
        return found

    def context(self, old: UnitSide | None, new: UnitSide | None) -> Context:
        return Context(old.money_unit if old else "", new.money_unit if new else "")

    def identity(self, key: str) -> str:
        """An old file's key on the new side, when it is there (renamed, moved, or in a renamed unit)."""
        if key in self.project_pairs:
            return self.project_pairs[key]
        where = place(key)
        if where.kind == "unit" and where.folder in self.unit_pairs:
            return f"{self.unit_pairs[where.folder]}/{UNIT_FILE}"
        return key

    def old_field(self, key: str, name: str) -> str:
        """A finding's field on the old side, with indicators named as they are on the new side."""
        old, new = self.old_tables.get(key), self.new_tables.get(self.identity(key))

        def rename(prefix: str, indicator: str) -> str:
            if (key, prefix) not in self._renames:
                self._renames[(key, prefix)] = indicator_renames(rows_at(old, prefix), rows_at(new, prefix))
            return self._renames[(key, prefix)].get(indicator, indicator)

        return stable_field(name, old, rename)

    def folder_of(self, key: str) -> str:
        folder = place(key).folder
        return folder if folder in self.new_units else self.unit_pairs.get(folder, folder)

    # -- file changes --

    def file_changes(self) -> list[FileChange]:
        out = self._region_changes() + self._unit_changes() + self._project_changes() + self._other_changes()
        return sorted(out, key=lambda f: (f.folder, KIND_ORDER[f.kind], f.path))

    def _change(self, kind: str, status: str, old: Table | None, new: Table | None, context: Context, **names: str) -> FileChange:
        table = new or old
        assert table is not None
        shown = (self.new if new else self.old).shown(table.key)
        folder = place(table.key).folder
        unreadable = new is not None and new.doc is None
        if unreadable and status in ("modified", "added"):
            status = "unreadable"  # still there: never a deletion, nor a table whose fields all went
        name = (old if unreadable and old is not None and old.doc is not None else table).name
        changes, notes = _table_changes(old, new, context) if status != "removed" else ([], [])
        if kind == "project" and new is not None:  # completion, scores, total and grade of a self-evaluation
            changes += derived_changes(
                old, new, self._region_of(old, self.old_units), self._region_of(new, self.new_units), context
            )
        heading = HEADINGS[(kind, status)].format(name=name, **names)
        old_shown = self.old.shown(old.key) if old and (new is None or old.key != new.key) else None
        side = self.new if new else self.old
        return FileChange(kind, status, name, shown, old_shown, heading, side.shown(folder) if folder else "", changes, notes)

    @staticmethod
    def _region_of(table: Table | None, units: dict[str, UnitSide]) -> Table | None:
        side = units.get(place(table.key).folder) if table is not None else None
        return side.region if side is not None else None

    def _region_changes(self) -> list[FileChange]:
        out = []
        for key in self.changed_regions:
            old, new = self.old_tables.get(key), self.new_tables.get(key)
            status = "modified" if old and new else "added" if new else "removed"
            context = Context(*(str((t.data if t else {}).get(F.MONEY_UNIT, "")) for t in (old, new)))
            out.append(self._change("region", status, old, new, context))
        return out

    def _unit_changes(self) -> list[FileChange]:
        out = []
        for old_folder, new_folder in self.unit_pairs.items():
            old, new = self.old_units[old_folder], self.new_units[new_folder]
            context = self.context(old, new)
            if old_folder != new_folder:
                labels = _unit_labels(old_folder, new_folder)
                change = self._change("unit", "renamed", old.unit, new.unit, context, old_unit=labels[0], new_unit=labels[1])
                change.path = change.folder = self.new.shown(new_folder)
                out.append(change)
            elif old.unit is not None and new.unit is not None and old.unit.raw != new.unit.raw:
                out.append(self._change("unit", "modified", old.unit, new.unit, context))
            elif (old.unit is None) != (new.unit is None):
                out.append(self._change("unit", "added" if new.unit else "removed", old.unit, new.unit, context))
        paired_new = set(self.unit_pairs.values())
        for folder, side in self.old_units.items():
            if folder not in self.unit_pairs and side.unit is not None:
                out.append(self._change("unit", "removed", side.unit, None, self.context(side, None)))
        for folder, side in self.new_units.items():
            if folder not in paired_new and side.unit is not None:
                out.append(self._change("unit", "added", None, side.unit, self.context(None, side)))
        return out

    def _project_changes(self) -> list[FileChange]:
        out = []
        for old_key, new_key in self.project_pairs.items():
            old, new = self.old_tables[old_key], self.new_tables[new_key]
            old_folder, new_folder = place(old_key).folder, place(new_key).folder
            context = self.context(self.old_units[old_folder], self.new_units[new_folder])
            moved = self.unit_pairs.get(old_folder) != new_folder
            renamed = old.file_name != new.file_name
            if moved:
                labels = _unit_labels(old_folder, new_folder)
                change = self._change("project", "moved", old, new, context, old_unit=labels[0], new_unit=labels[1])
                if renamed:
                    change.notes.insert(0, f"文件改名：{old.file_name} → {new.file_name}")
            elif renamed:
                change = self._change("project", "renamed", old, new, context, old_file=old.file_name, new_file=new.file_name)
            elif old.raw != new.raw:
                change = self._change("project", "modified", old, new, context)
            else:
                continue
            out.append(change)
        paired_new = set(self.project_pairs.values())
        for key, table in self.old_tables.items():
            if place(key).kind == "project" and key not in self.project_pairs:
                change = self._change("project", "removed", table, None, Context("", ""))
                if table.valid:
                    change.changes = figures(table, self.old_units[place(key).folder].money_unit)
                out.append(change)
        for key, table in self.new_tables.items():
            if place(key).kind == "project" and key not in paired_new:
                context = self.context(None, self.new_units[place(key).folder])
                out.append(self._change("project", "added", None, table, context))
        return out

    def _other_changes(self) -> list[FileChange]:
        out = []
        for key in self.others:
            old, new = self.old_tables.get(key), self.new_tables.get(key)
            status = "modified" if old and new else "added" if new else "removed"
            change = self._change("other", status, old, new, Context("", ""))
            change.changes, change.notes = [], [n for n in change.notes if n != FORMAT_ONLY]
            out.append(change)
        return out

    # -- effects --

    def effects(self) -> list[UnitEffect]:
        old_found = run_check(list(self.old_units.values()), self._extra(self.old_tables), self.old.shown, self.old.has_schema())
        new_found = run_check(list(self.new_units.values()), self._extra(self.new_tables), self.new.shown, self.new.has_schema())
        findings = compare_findings(
            old_found,
            new_found,
            self.identity,
            self.folder_of,
            self.old_field,
            lambda key, name: stable_field(name, self.new_tables.get(key)),
        )
        hidden = {f.folder for f in findings if self._hidden(f)}
        findings = [f for f in findings if not self._hidden(f)]
        involved: list[tuple[UnitSide | None, UnitSide | None]] = [
            (self.old_units[a], self.new_units[b]) for a, b in self.unit_pairs.items()
        ]
        involved += [(side, None) for f, side in self.old_units.items() if f not in self.unit_pairs]
        paired_new = set(self.unit_pairs.values())
        involved += [(None, side) for f, side in self.new_units.items() if f not in paired_new]
        out = []
        for old, new in sorted(involved, key=lambda pair: (pair[1] or pair[0]).folder):  # type: ignore[union-attr]
            out += self._unit_effect(old, new, findings, hidden)
        covered = {e.folder for e in out}
        for folder in sorted({f.folder for f in findings} - covered):
            table = self.new_tables.get(f"{folder}/{REGION_FILE}") or self.old_tables.get(f"{folder}/{REGION_FILE}")
            name = table.name if table else "其他文件"
            mine = [f for f in findings if f.folder == folder]
            out.append(UnitEffect(folder, name, self.new.shown(folder) if folder else "", [], mine))
        return out

    def _extra(self, tables: dict[str, Table]) -> list[Table]:
        return [tables[k] for k in self.changed_regions + self.others if k in tables]

    def _hidden(self, finding: Finding) -> bool:
        """A finding that disappears only because a file can no longer be checked, not because it was fixed."""
        if finding.status != "resolved":
            return False
        table, side = self.new_tables.get(finding.key), self.new_units.get(finding.folder)
        if table is not None and not table.valid and not finding.diagnostic.code.startswith(("Y", "S")):
            return True  # rules run only on files that pass the schema
        # The unit's own rules (totals, duplicates, the 单位.yaml's table) do not run while a file of it is broken.
        unit_wide = finding.diagnostic.code.startswith(("X", "D")) or place(finding.key).kind == "unit"
        return unit_wide and side is not None and any(not t.valid for t in side.tables())

    def _unit_effect(
        self, old: UnitSide | None, new: UnitSide | None, findings: list[Finding], hidden: set[str]
    ) -> list[UnitEffect]:
        old_totals: Totals | None = totals(old, self.identity) if old else None
        new_totals: Totals | None = totals(new, lambda k: k) if new else None
        context = self.context(old, new)
        changes = total_changes(old_totals, new_totals, context.old_money, context.new_money) + summary_changes(
            old_totals, new_totals, context.old_money, context.new_money
        )
        side = new or old
        assert side is not None
        if side.folder in hidden:
            changes.append(Change("note", HIDDEN_NOTE))
        mine = [f for f in findings if f.folder == side.folder]
        if not changes and not mine:
            return []
        shown = (self.new if new else self.old).shown(side.folder)
        return [UnitEffect(side.folder, side.name, shown, changes, mine)]


def compare(old: Snapshot, new: Snapshot) -> DiffReport:
    comparison = Comparison(old, new)
    report = DiffReport(old.label, new.label, comparison.file_changes(), comparison.effects())
    if comparison.large_regions:
        report.notes.append(REGION_NOTE.format(limit=REGION_LIMIT))
    return report


def execute(base: str | None, head: str | None, fmt: str, out: TextIO, cwd: Path | None = None) -> DiffReport:
    report = compare(*open_sides(base, head, cwd or Path.cwd()))
    FORMATS[fmt](report, out)
    return report
