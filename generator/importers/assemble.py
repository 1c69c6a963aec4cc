"""From recognised tables to a data tree: the unit, the region, the year, and the cross-checks.

What a single table cannot decide is decided here, from everything the sources say:

- the unit: the name most tables print (the 部门整体 table's 单位名称 counts too); a table that
  prints it differently keeps its printed name in 填报单位, as the form showed it;
- the region: ``--region`` or an existing tree that already holds the unit, else the place name
  at the start of the unit's name ("中共某某市某某区委宣传部" → 某某市某某区, reported as an
  assumption); its code from ``--code``, the existing 地区.yaml or the projects' 项目编码;
- the budget year: the titles and the 项目编码 year segment, else the 实施期;
- the layout: the one whose tables the source's tables fit (``forms``), the framework (2021 when
  成本指标 is a 一级, else the layout's), the money unit (the forms' 金额单位 line, else the layout's);
- the 汇总表 against the project tables: names matched by similarity, amount and position;
  differences are reported, a missing project amount is filled from the summary with an
  更正说明, the summary's 备注 goes to the project.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.data import fields as F
from generator.data import regional as regionals
from generator.data import schemas
from generator.data.load import REGION_FILE, UNIT_FILE, load
from generator.importers import forms
from generator.importers import vocabulary as vocab
from generator.importers.department import DepartmentDraft, build_department, build_narrative
from generator.importers.project import Draft, Hint, ProjectDraft, build_project
from generator.importers.recognise import Found, Recognised, org_name, recognised_labels
from generator.importers.selfeval import ResultsDraft, build_results
from generator.importers.sheet import build_sheet
from generator.importers.source import Item, Source, excerpt
from generator.importers.summary import SummaryDraft, SummaryRow, build_summary, derived_note
from generator.names import safe_filename, unique_names

PLACE = re.compile(
    r"^(?:中共)?(?P<region>(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?[\u4e00-\u9fff]{2,8}?(?:市|州|盟|地区)"
    r"[\u4e00-\u9fff]{1,8}?(?:区|县|旗|市))"
)
PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|州|盟|地区|县|区|旗))+$")
MATCH_SCORE = 0.6
OTHER_UNIT_RATIO = 0.5
FUZZY_PAIRS = 2_000  # name comparisons per summary table, at most (a real one needs a few dozen)


@dataclass
class Options:
    out: Path
    region: str | None = None
    code: str | None = None
    year: int | None = None
    force: bool = False
    unit: str | None = None  # the unit's name, when the forms do not print it


@dataclass
class UnitPlan:
    """One unit's data, gathered from one or more sources."""

    name: str
    region: str
    year: int
    code: str | None = None
    folder: str = ""
    sources: list[Source] = field(default_factory=list)
    projects: list[ProjectDraft] = field(default_factory=list)
    departments: list[DepartmentDraft] = field(default_factory=list)
    summaries: list[SummaryDraft] = field(default_factory=list)
    narrative: dict[str, Any] = field(default_factory=dict)
    footers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)  # other 单位.yaml fields a form prints (主管部门)


@dataclass
class RegionPlan:
    name: str
    folder: str
    layout: str | None = None
    framework: int | None = None
    money_unit: str | None = None
    code: str | None = None
    existing: dict[str, Any] | None = None


@dataclass
class Planned:
    """A file to write: its data, and the source that said it (for messages)."""

    path: Path
    kind: str
    data: dict[str, Any]
    source: Source
    anchor: Item | None = None
    keep: bool = False  # the file already says all this: leave it as it is (comments and all)
    results: ResultsDraft | None = None  # a self-evaluation: merged into the project's file when it exists (merge.py)


# --- what exists already ------------------------------------------------------------------------


@dataclass
class ExistingUnit:
    region_dir: Path
    folder: str


def existing_units(out: Path) -> dict[str, list[tuple[int, ExistingUnit]]]:
    """Unit names already in the tree at ``out``: name → [(year, where)]."""
    index: dict[str, list[tuple[int, ExistingUnit]]] = {}
    if not out.is_dir():
        return index
    for region_file in sorted(out.glob(f"*/{REGION_FILE}")):
        if region_file.parent.is_symlink() or region_file.is_symlink():
            continue  # links are not followed (tree.py): they may point out of the data
        for unit_file in sorted(region_file.parent.glob(f"*/*/{UNIT_FILE}")):
            if any(p.is_symlink() for p in (unit_file, unit_file.parent, unit_file.parent.parent)):
                continue
            year_name = unit_file.parent.parent.name
            loaded = load(unit_file)
            name = getattr(loaded, "data", {}).get(F.UNIT_NAME) if not isinstance(loaded, Exception) else None
            if isinstance(name, str) and year_name.isdigit():
                index.setdefault(vocab.squash(name), []).append(
                    (int(year_name), ExistingUnit(region_file.parent, unit_file.parent.name))
                )
    return index


def existing_region(region_dir: Path) -> dict[str, Any] | None:
    if region_dir.is_symlink() or (region_dir / REGION_FILE).is_symlink():
        return None
    loaded = load(region_dir / REGION_FILE)
    data = getattr(loaded, "data", None)
    return data if isinstance(data, dict) else None


# --- one source: its unit, year and layout ----------------------------------------------------------


@dataclass
class SourceUnit:
    source: Source
    projects: list[ProjectDraft] = field(default_factory=list)
    departments: list[DepartmentDraft] = field(default_factory=list)
    summaries: list[SummaryDraft] = field(default_factory=list)
    narrative: dict[str, Any] = field(default_factory=dict)
    narrative_item: Item | None = None
    narrative_printed: list[Hint] = field(default_factory=list)
    footers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)

    def drafts(self) -> list[Draft]:
        return [*self.departments, *self.projects, *self.summaries]


def build(recognised: Recognised) -> SourceUnit:
    source = recognised.source
    unit = SourceUnit(source)
    for found in recognised.tables:
        if found.kind == "project":
            cycle = found.profile is not None and found.profile.requires
            project = build_results(source, found) if cycle else build_project(source, found)
            project.corrections.extend(c for c in found.corrections if c not in project.corrections)
            unit.projects.append(project)
        elif found.kind == "rows":
            unit.projects.extend(build_sheet(source, found, unit.fields))
            _unit_corrections(unit, found)
        elif found.kind == "department":
            unit.departments.append(build_department(source, found))
            _unit_corrections(unit, found)
        elif found.kind == "summary":
            summary = build_summary(source, found)
            derived_note(source, summary)
            unit.summaries.append(summary)
            _unit_corrections(unit, found)
        else:
            labels = "、".join(recognised_labels(found.rows)[:8]) or "没有认出任何标签"
            source.report("I010", found.first, number=found.number, labels=labels)
            for row in found.rows:
                for cell in row:
                    cell.use()
    if recognised.narrative:
        unit.narrative = build_narrative(source, recognised.narrative)
        unit.narrative_item = recognised.narrative_heading
        for line in recognised.narrative_lines:
            if line.kind in ("unit", "org"):
                line.item.use()
                value = line.value
                text = "".join(part or "" for part in value) if isinstance(value, tuple) else str(value)
                unit.narrative_printed.append(Hint(text, line.item, line.kind))
    for line in recognised.footers:
        key, value = line.value if isinstance(line.value, tuple) else ("", "")
        line.item.use()
        canonical = vocab.match(str(key), vocab.FOOTER_LABELS)
        if value and canonical is not None:
            unit.footers[canonical] = str(value).strip()
        elif value:  # 填报日期：2023-10-13, 单位负责人签字：… are no field of the data
            source.report(
                "I012", line.item, text=excerpt(line.item.text), reason="是表格的落款（签字、日期），数据中没有这一栏，没有导入"
            )
    return unit


def _unit_corrections(unit: SourceUnit, found: Found) -> None:
    """The 更正说明 printed under a unit's table (jixiao prints the unit's own under each of them): once each."""
    listed = unit.fields.setdefault(F.CORRECTIONS, []) if found.corrections else []
    listed.extend(c for c in found.corrections if c not in listed)


def _printed(hint: Hint) -> tuple[str | None, str]:
    """(unit code, name) of a printed unit line: "763001中共…" carries the code in front."""
    text = str(hint.value).strip()
    split = org_name(text)
    if split is not None:
        return split
    return None, vocab.squash(text)


def unit_name(unit: SourceUnit) -> tuple[str | None, str | None]:
    """The unit's name and code: the most printed name; the 单位名称 cell wins a tie."""
    votes: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for department in unit.departments:
        if department.name:
            votes[department.name] += 1
    printed = [draft.printed[:1] for draft in unit.drafts()] + [unit.narrative_printed[:1]]
    for hints in printed:
        for hint in hints:
            code, name = _printed(hint)
            votes[name] += 1
            if code:
                codes[code] += 1
    for project in unit.projects:
        if project.unit_code:
            codes[project.unit_code] += 1
    if not votes:  # no 填报单位 line: the unit that carries the project out, as its header states
        for project in unit.projects:
            for key in UNIT_FIELDS:
                text = project.data.get(key)
                stated = _stated_unit(text) if isinstance(text, str) else None
                if stated:
                    votes[stated] += 1
                    break
    if not votes:
        return None, None
    best = max(votes.values())
    leaders = [name for name, count in votes.items() if count == best]
    preferred = next((d.name for d in unit.departments if d.name in leaders), leaders[0])
    return preferred, (codes.most_common(1)[0][0] if codes else None)


def _years(unit: SourceUnit) -> list[Hint]:
    strong: list[Hint] = []
    weak: list[Hint] = []
    for draft in unit.drafts():
        strong.extend(draft.years)
        if isinstance(draft, ProjectDraft):
            for hint in draft.codes:
                code = str(hint.value)
                if re.match(r"^\d{8}", code):
                    strong.append(Hint(2000 + int(code[6:8]), hint.item, F.PROJECT_CODE))
            period = str(draft.data.get(F.PERIOD, ""))
            if found := re.search(r"(19|20)\d{2}", period):
                weak.append(Hint(int(found.group(0)), draft.anchor, F.PERIOD))
    return strong or weak


def decide_year(unit: SourceUnit, options: Options, others: list[Hint]) -> int | None:
    """The budget year the source's tables state, else the one other sources of the unit state."""
    if options.year is not None:
        return options.year
    hints = _years(unit) or others
    if not hints:
        unit.source.report("I043", None)
        return None
    counts = Counter(int(h.value) for h in hints)
    year = counts.most_common(1)[0][0]
    for hint in hints:
        if int(hint.value) != year and hint not in others:
            unit.source.report("I042", hint.item, year=hint.value, why=hint.why, chosen=year)
    return year


UNIT_FIELDS = (F.IMPLEMENTER, F.BUDGET_DEPARTMENT, F.SUPERVISOR)  # the header fields that name a unit
CODED = re.compile(r"^[(（]\d+[)）]|^\d{3,12}\s*[-－—]\s*|[(（][^()（）]*[)）]$")  # "(433001)…", "219001-…"


def _stated_unit(text: str) -> str | None:
    """ "(433001)乌海市供销合作社联合社" → 乌海市供销合作社联合社: a unit's name in a header field, codes aside."""
    name = vocab.without_seal(CODED.sub("", CODED.sub("", vocab.squash(text))))
    return name if org_name(name) is not None else None


def layout_of(unit: SourceUnit, out: Path | None = None) -> str | None:
    """The layout most of the source's tables fit; the narrative 部门整体绩效目标 votes for a layout that prints
    one (among those the tables fit, if any)."""
    votes = Counter(d.found.layout for d in unit.drafts() if d.found.layout)
    if unit.narrative:
        printing = forms.narrative_layouts(out)
        among = [name for name in printing if name in votes] or printing[:1]
        votes.update(among[:1])
    return votes.most_common(1)[0][0] if votes else None


CITY = re.compile(r"^(?:中共)?(?P<region>(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?[\u4e00-\u9fff]{2,8}?(?:市|州|盟|地区))")
COUNTY = re.compile(r"^(?:中共)?(?P<region>[\u4e00-\u9fff]{2,6}?(?:县|旗|区))")


def region_of(name: str) -> str | None:
    """The place at the start of a unit's name: "中共某某市某某区委宣传部" → 某某市某某区, "某某市某某处" → 某某市,
    "某某县某某镇人民政府" → 某某县."""
    flat = vocab.squash(name)
    for pattern in (PLACE, CITY, COUNTY):
        if found := pattern.match(flat):
            return found.group("region")
    return None


def unit_folder(name: str, region: str) -> str:
    """ "中共某某市某某区委宣传部" in 某某市某某区 → 区委宣传部: the name without the place."""
    short = name.removeprefix("中共")
    if short.startswith(region) and len(short) > len(region):
        short = region[-1] + short[len(region) :]
    return safe_filename(short)


# --- the unit's tables against each other -------------------------------------------------------------


def same_name(printed: str, name: str) -> bool:
    return vocab.squash(printed) == vocab.squash(name)


def place_prefixed(printed: str, name: str) -> str | None:
    """The place names in front of ``name`` ("某某省某某市"), when that is all that differs."""
    flat, target = vocab.squash(printed), vocab.squash(name)
    if flat.endswith(target) and len(flat) > len(target) and PLACE_PREFIX.match(flat[: -len(target)]):
        return flat[: -len(target)]
    return None


def check_printed(unit: SourceUnit, name: str) -> None:
    """Record 填报单位 where a table prints the unit's name differently (X005 then reports it).

    A name that differs a lot, or that several tables print, may be another unit's: one file is
    read as one unit's tables, so that doubt is reported (I037) rather than resolved.
    """
    tables: list[tuple[Draft | None, Hint]] = [(d, d.printed[0]) for d in unit.drafts() if d.printed]
    tables += [(None, hint) for hint in unit.narrative_printed[:1]]
    counts = Counter(_printed(hint)[1] for _, hint in tables)
    for draft, hint in tables:
        _, printed = _printed(hint)
        if same_name(printed, name):
            continue
        if (prefix := place_prefixed(printed, name)) is not None:
            unit.source.report("I036", hint.item, printed=excerpt(str(hint.value), 40), name=name, prefix=prefix)
            continue
        if isinstance(draft, DepartmentDraft) and draft.name and not same_name(printed, draft.name):
            draft.data = {F.FILLED_BY: printed, **draft.data}
        elif isinstance(draft, ProjectDraft):
            draft.data[F.FILLED_BY] = printed
        else:
            where = "汇总表" if isinstance(draft, SummaryDraft) else F.DEPARTMENT_NARRATIVE
            unit.source.report("I038", hint.item, where=where, printed=printed, name=name)
        ratio = difflib.SequenceMatcher(None, printed, name).ratio()
        if ratio < OTHER_UNIT_RATIO or counts[printed] > 1:
            unit.source.report("I037", hint.item, printed=printed, name=name, count=counts[printed])


def match_summary(rows: list[SummaryRow], projects: list[ProjectDraft]) -> dict[int, int]:
    """Summary row index → project index: equal names first, then by similarity, amount, position.

    Equal names are paired through an index, and only what is left is compared pair by pair; when
    even that is more than FUZZY_PAIRS comparisons (a hostile or enormous file), only equal names
    are paired and the rest is reported (I032, I033), so the time stays bounded.
    """
    pairs: dict[int, int] = {}
    by_name: dict[str, list[int]] = {}
    for p, project in enumerate(projects):
        by_name.setdefault(vocab.squash(project.name), []).append(p)
    for r, row in enumerate(rows):
        waiting = by_name.get(vocab.squash(row.name))
        if waiting:
            pairs[r] = waiting.pop(0)
    taken = set(pairs.values())
    left_rows = [r for r in range(len(rows)) if r not in pairs]
    left_projects = [p for p in range(len(projects)) if p not in taken]
    compare = len(left_rows) * len(left_projects) <= FUZZY_PAIRS
    scores = []
    for r in left_rows:
        row = rows[r]
        for p in left_projects:
            project = projects[p]
            bonus = (0.3 if row.amount is not None and row.amount == project.amount else 0) + (
                0.2 if r == p and len(rows) == len(projects) else 0
            )
            score = bonus + (_similarity(row.name, project.name, MATCH_SCORE - bonus) if compare else 0.0)
            if score >= MATCH_SCORE:
                scores.append((score, r, p))
    for _score, r, p in sorted(scores, key=lambda s: (-s[0], s[1], s[2])):
        if r not in pairs and p not in taken:
            pairs[r] = p
            taken.add(p)
    return pairs


def _similarity(a: str, b: str, needed: float) -> float:
    """difflib's ratio of the two names, or 0 as soon as a cheap upper bound shows it is below ``needed``."""
    matcher = difflib.SequenceMatcher(None, vocab.squash(a), vocab.squash(b))
    if matcher.real_quick_ratio() < needed or matcher.quick_ratio() < needed:
        return 0.0
    return matcher.ratio()


def _amount(value: Decimal | None) -> str:
    return "未填" if value is None else format(value, "f")


def check_summary(plan: UnitPlan, summary: SummaryDraft, money_unit: str) -> set[int]:
    """Compare a summary table with the project tables; returns the projects it does not list."""
    source = summary.source
    pairs = match_summary(summary.rows, plan.projects)
    for r, row in enumerate(summary.rows):
        if r not in pairs:
            number = f"序号 {row.number_cell.text.strip()}，" if row.number_cell is not None else ""
            source.report(
                "I032",
                row.name_cell,
                name=row.name,
                amount=number + "金额 " + _amount(row.amount),
                remark=f"，备注“{row.remark}”" if row.remark else "",
            )
            continue
        project = plan.projects[pairs[r]]
        if not same_name(row.name, project.name):
            source.report("I030", row.name_cell, summary=row.name, name=project.name)
        if row.amount is not None and project.amount is None:
            fill_amount(project, row, summary, money_unit)
        elif row.amount is not None and project.amount != row.amount:
            source.report(
                "I031",
                row.amount_cell or row.name_cell,
                name=project.name,
                what="金额",
                summary=_amount(row.amount),
                amount=_amount(project.amount),
            )
        compare_extra(source, row, project)
        if row.remark and F.REMARK not in project.data:
            project.data[F.REMARK] = row.remark
        if row.number is not None:
            project.data[F.ORDER] = row.number
    return set(range(len(plan.projects))) - set(pairs.values()) if summary.rows else set()


def compare_extra(source: Source, row: SummaryRow, project: ProjectDraft) -> None:
    """The Hebei summary also lists 项目编码 and the funding split: they must agree too."""
    funding = project.data.get(F.FUNDING) or {}
    for key, cell in row.extra.items():
        mine = project.data.get(F.PROJECT_CODE) if key == F.PROJECT_CODE else funding.get(key)
        theirs: Any = vocab.squash(cell.text) if key == F.PROJECT_CODE else vocab.number(cell.text)
        if theirs is None or (mine is not None and theirs == mine) or (mine is None and theirs == 0):
            continue
        shown = theirs if isinstance(theirs, str) else format(theirs, "f")
        source.report(
            "I031",
            cell,
            name=project.name,
            what=key,
            summary=shown,
            amount="未填" if mine is None else (mine if isinstance(mine, str) else format(mine, "f")),
        )


def fill_amount(project: ProjectDraft, row: SummaryRow, summary: SummaryDraft, money_unit: str) -> None:
    amount = row.amount
    assert amount is not None
    project.amount = amount
    project.data[F.AMOUNT] = amount
    same_file = summary.source is project.source
    where = "同一文件汇总表" if same_file else f"文件“{summary.source.shown}”中的汇总表"
    cost = any(
        ind.get(F.LEVEL2) in ("经济成本指标", "成本指标") and ind.get(F.MEASURE) == money_unit and ind.get(F.VALUE) == amount
        for ind in project.data.get(F.INDICATORS, [])
    )
    also = "及本表经济成本指标" if cost else ""
    text = format(amount, "f")
    project.corrections.append(f"原表未填项目金额，按{where}（{row.name} {text} {money_unit}）{also}补为 {text}。")
    project.source.report("I034", project.amount_item, name=project.name, amount=text, summary=row.name)


# --- the whole import: units, regions and the files to write ------------------------------------------


def _first_item(unit: SourceUnit) -> Item | None:
    for draft in unit.drafts():
        if draft.printed:
            return draft.printed[0].item
    if unit.narrative_printed:
        return unit.narrative_printed[0].item
    return unit.departments[0].name_item if unit.departments else None


@dataclass
class Named:
    """A source's tables with the unit they belong to."""

    unit: SourceUnit
    name: str
    code: str | None
    anchor: Item | None


class Planner:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.index = existing_units(options.out)
        self.regions: dict[str, RegionPlan] = {}
        self.units: dict[tuple[str, int, str], UnitPlan] = {}
        self.money: dict[str, Counter[str]] = {}
        self.named: list[Named] = []
        self.layouts: dict[str, str] = {}  # region folder → a layout the tables fit

    def add(self, recognised: Recognised) -> None:
        unit = build(recognised)
        source = unit.source
        if not unit.drafts() and not unit.narrative:
            # A warning (I005: the encoding was a guess) explains nothing: only a reading error does.
            if not source.unreadable():
                source.nothing_found()
            return
        name, code = unit_name(unit)
        if self.options.unit:
            name = self.options.unit
        anchor = _first_item(unit)
        if name is None and unit.projects and all(isinstance(p, ResultsDraft) for p in unit.projects):
            name = self.unit_of_project(unit)
        if name is None:
            source.report("I047", anchor)
            return
        self.named.append(Named(unit, name, code, anchor))

    def unit_of_project(self, unit: SourceUnit) -> str | None:
        """The unit whose files hold the project of a self-evaluation that names no unit (I062), when only one does."""
        project = unit.projects[0]
        found: set[str] = set()
        stem = safe_filename(project.name) + ".yaml" if project.name else None
        for folder in sorted({path.parent for path in self.options.out.glob(f"*/*/*/{UNIT_FILE}")}):
            if not folder.parent.name.isdigit():
                continue
            if not project.data.get(F.PROJECT_CODE) and (stem is None or not (folder / stem).is_file()):
                continue  # without a code, the project's file is named after it: read no other unit's files
            if same_project(existing_projects(folder), project.data) is not None:
                loaded = load(folder / UNIT_FILE)
                name = getattr(loaded, "data", {}).get(F.UNIT_NAME) if not isinstance(loaded, Exception) else None
                if isinstance(name, str):
                    found.add(name)
        if len(found) != 1:
            return None
        name = found.pop()
        unit.source.report("I062", project.anchor, name=project.name, unit=name)
        return name

    def place_all(self) -> None:
        """Give every source's tables their unit folder, once all sources are read.

        A source that states no year (a sheet holding only the narrative) takes the year the
        other sources of the same unit state.
        """
        by_unit: dict[str, list[Hint]] = {}
        for named in self.named:
            by_unit.setdefault(vocab.squash(named.name), []).extend(_years(named.unit))
        for named in self.named:
            others = by_unit[vocab.squash(named.name)]
            if not others and self.options.year is None:
                others = self.year_in_tree(named)
            self.place(named, decide_year(named.unit, self.options, others))

    def year_in_tree(self, named: Named) -> list[Hint]:
        """A unit the tree holds for one year only: a form without a year belongs to it."""
        years = {year for year, _ in self.index.get(vocab.squash(named.name), [])}
        if len(years) != 1:
            return []
        year = years.pop()
        named.unit.source.report("I049", named.anchor, unit=named.name, year=year)
        anchor = named.anchor or next(named.unit.source.items())
        return [Hint(year, anchor, "已有数据")]

    def place(self, named: Named, year: int | None) -> None:
        unit, name, code, anchor = named.unit, named.name, named.code, named.anchor
        source = unit.source
        if year is None:
            return
        region = self.region_for(name, year, unit, anchor)
        if region is None:
            return
        check_printed(unit, name)
        self.merge_settings(region, unit, anchor)
        known = self.known_unit(name, year)
        folder = known.folder if known is not None else unit_folder(name, region.name)
        plan = self.units.setdefault((region.folder, year, folder), UnitPlan(name, region.name, year, folder=folder))
        plan.code = plan.code or code
        plan.sources.append(source)
        plan.projects.extend(unit.projects)
        plan.departments.extend(unit.departments)
        plan.summaries.extend(unit.summaries)
        plan.narrative = plan.narrative or unit.narrative
        plan.fields.update({k: v for k, v in unit.fields.items() if k not in plan.fields})
        plan.footers.update({k: v for k, v in unit.footers.items() if k not in plan.footers})

    def known_unit(self, name: str, year: int) -> ExistingUnit | None:
        found = self.index.get(vocab.squash(name), [])
        same_year = [unit for y, unit in found if y == year]
        candidates = same_year or [unit for _, unit in found]
        return candidates[0] if candidates else None

    def region_for(self, name: str, year: int, unit: SourceUnit, anchor: Item | None) -> RegionPlan | None:
        known = self.known_unit(name, year)
        if self.options.region:
            region_name, folder = self.options.region, safe_filename(self.options.region)
        elif known is not None:
            existing = existing_region(known.region_dir) or {}
            region_name, folder = str(existing.get(F.REGION_NAME) or known.region_dir.name), known.region_dir.name
        elif titled := next((p.region for p in unit.projects if p.region), None):
            region_name, folder = titled, safe_filename(titled)  # the title states it: no assumption
        else:
            found = region_of(name)
            if found is None:
                unit.source.report("I041", anchor, name=name)
                return None
            region_name, folder = found, safe_filename(found)
            if folder not in self.regions:
                unit.source.report("I040", anchor, region=found, name=name)
        if folder not in self.regions:
            self.regions[folder] = RegionPlan(region_name, folder, existing=existing_region(self.options.out / folder))
        return self.regions[folder]

    def merge_settings(self, region: RegionPlan, unit: SourceUnit, anchor: Item | None) -> None:
        layout = layout_of(unit, self.options.out)
        drafts = unit.drafts()
        has_grid = any(d.data.get(F.INDICATORS) for d in drafts if not isinstance(d, SummaryDraft))
        framework = 2021 if any(d.cost_level1 for d in drafts) else (2015 if has_grid else None)
        for key, value in (("layout", layout), ("framework", framework)):
            if value is None:
                continue
            current = getattr(region, key)
            if current is None:
                setattr(region, key, value)
            elif current != value:
                unit.source.report("I045", anchor, what=F.LAYOUT if key == "layout" else F.FRAMEWORK, value=value, chosen=current)
        votes = self.money.setdefault(region.folder, Counter())
        for draft in drafts:
            votes.update(str(hint.value) for hint in draft.money_units)
        for project in unit.projects:
            for hint in project.codes:
                code = str(hint.value)[:6]
                if code.isdigit() and len(code) == 6 and region.code is None:
                    region.code = code
                elif code.isdigit() and region.code not in (None, code):
                    unit.source.report("I048", hint.item, found=code, chosen=region.code)

    # --- the files ---------------------------------------------------------------------------------

    def files(self) -> list[Planned]:
        planned: list[Planned] = []
        for folder, region in self.regions.items():
            planned.extend(self.region_file(folder, region))
        for (region_folder, year, folder), unit in self.units.items():
            base = self.options.out / region_folder / str(year) / folder
            planned.extend(self.unit_files(base, unit, self.regions[region_folder]))
        return planned

    def region_file(self, folder: str, region: RegionPlan) -> list[Planned]:
        sources = [s for (f, _, _), u in self.units.items() if f == folder for s in u.sources]
        if not sources:
            return []
        votes = self.money.get(folder, Counter())
        money_unit = votes.most_common(1)[0][0] if votes else None
        declared = regionals.regional(region.layout, self.options.out / folder) if region.layout else None
        if money_unit is None and declared is not None and declared.money_unit:
            money_unit = declared.money_unit  # the layout's forms print their amounts in it
        if money_unit is None:
            sources[0].report("I044", None)
            money_unit = "万元"
        region.money_unit = money_unit
        data: dict[str, Any] = {F.REGION_NAME: region.name}
        code = self.options.code or region.code or (region.existing or {}).get(F.REGION_CODE)
        if code:
            data[F.REGION_CODE] = str(code)
        existing = region.existing or {}
        layout = region.layout or existing.get(F.LAYOUT)
        framework = region.framework or existing.get(F.FRAMEWORK)
        if layout is None or framework is None:
            sources[0].report(
                "I045",
                None,
                what=F.LAYOUT if layout is None else F.FRAMEWORK,
                value="无法判断",
                chosen="请用 jixiao new region 先建好 地区.yaml",
            )
            return []
        data.update({F.LAYOUT: layout, F.FRAMEWORK: framework, F.MONEY_UNIT: money_unit})
        # Self-evaluations alone say nothing new of the region: its existing file stays as it is.
        results_only = all(
            isinstance(p, ResultsDraft) for (f, _, _), u in self.units.items() if f == folder for p in u.projects
        ) and not any(u.departments or u.summaries or u.narrative for (f, _, _), u in self.units.items() if f == folder)
        keep = bool(existing) and (
            results_only
            or (
                all(existing.get(k) == v for k, v in data.items() if k != F.REGION_CODE)
                and (not self.options.code or existing.get(F.REGION_CODE) == self.options.code)
            )
        )
        return [Planned(self.options.out / folder / REGION_FILE, "region", data, sources[0], keep=keep)]

    def unit_files(self, base: Path, unit: UnitPlan, region: RegionPlan) -> list[Planned]:
        money_unit = region.money_unit or "万元"
        unlisted: set[int] = set()
        for summary in unit.summaries:
            unlisted |= check_summary(unit, summary, money_unit)
        for p in sorted(unlisted):  # once per project, however many summaries leave it out
            unit.projects[p].source.report("I033", unit.projects[p].anchor, name=unit.projects[p].name)
        data: dict[str, Any] = {F.UNIT_NAME: unit.name}
        if unit.code:
            data[F.UNIT_CODE] = unit.code
        for key in (F.FINANCE_OFFICER, F.PREPARER):
            if key in unit.footers:
                data[key] = unit.footers[key]
        unit_keys = set(schemas.keys("unit"))
        data.update({k: v for k, v in unit.fields.items() if k in unit_keys and k not in data})
        if unit.departments:
            first = unit.departments[0]
            data[F.DEPARTMENT_TABLE] = schemas.ordered(first.data, "unit", F.DEPARTMENT_TABLE)
            for extra in unit.departments[1:]:
                extra.source.report("I039", extra.name_item)
        if unit.narrative:
            data[F.DEPARTMENT_NARRATIVE] = unit.narrative
        # A project form alone says nothing about its unit beyond the name: an existing 单位.yaml
        # is then left alone rather than rewritten with less than it holds.
        data = schemas.ordered(data, "unit")
        says_more = bool(unit.departments or unit.narrative or unit.footers or unit.code or unit.fields)
        out = [Planned(base / UNIT_FILE, "unit", data, unit.sources[0])] if says_more or not (base / UNIT_FILE).exists() else []
        # File names from 项目名称, made safe and unique (also apart from 单位.yaml and 地区.yaml, which
        # would not be read as projects), in the order of the tables: the same names on every import.
        has_results = any(isinstance(project, ResultsDraft) for project in unit.projects)
        existing = existing_projects(base) if has_results else []  # read only when a self-evaluation may go into one
        targets = [project for project in unit.projects if not isinstance(project, ResultsDraft)]
        wanted = [project.name or f"表{project.found.number}" for project in targets]
        names = unique_names(wanted, taken=(UNIT_FILE.removesuffix(".yaml"), REGION_FILE.removesuffix(".yaml")))
        for position, (project, name) in enumerate(zip(targets, names, strict=True), start=1):
            title = project.found.title
            # The summary's 序号, else the title's number, else the order of several tables.
            if F.ORDER not in project.data and title is not None and title.number:
                project.data[F.ORDER] = title.number
            elif F.ORDER not in project.data and len(targets) > 1:
                project.data[F.ORDER] = position
            if name != safe_filename(project.name or f"表{project.found.number}"):
                project.source.report("I051", project.anchor, name=project.name, file=f"{name}.yaml")
            if project.corrections:
                project.data[F.CORRECTIONS] = project.corrections
            out.append(
                Planned(
                    base / f"{name}.yaml", "project", schemas.ordered(project.data, "project"), project.source, project.anchor
                )
            )
        # A self-evaluation or monitoring goes into its project's file: the one the tree holds, else the one this
        # import writes for it (from its target table, or from the first of its self-evaluations).
        planned_here = [(p.path, vocab.squash(str(p.data.get(F.PROJECT_NAME, ""))), p.data.get(F.PROJECT_CODE)) for p in out]
        for project in unit.projects:
            if not isinstance(project, ResultsDraft):
                continue
            if project.corrections:
                project.data[F.CORRECTIONS] = project.corrections
            known = existing + [(path, name, vocab.squash(str(code)) if code else None) for path, name, code in planned_here]
            path = (
                same_project(known, project.data) or base / f"{safe_filename(project.name or f'表{project.found.number}')}.yaml"
            )
            planned = Planned(
                path, "project", schemas.ordered(project.data, "project"), project.source, project.anchor, results=project
            )
            out.append(planned)
            planned_here.append((path, vocab.squash(project.name), project.data.get(F.PROJECT_CODE)))
        return out


def existing_projects(folder: Path) -> list[tuple[Path, str, str | None]]:
    """The project files of a unit folder already written: (path, 项目名称, 项目编码)."""
    found: list[tuple[Path, str, str | None]] = []
    if not folder.is_dir() or folder.is_symlink():
        return found
    for path in sorted(folder.glob("*.yaml")):
        if path.name in (UNIT_FILE, REGION_FILE) or path.is_symlink():
            continue
        loaded = load(path)
        data = getattr(loaded, "data", None)
        if isinstance(data, dict) and isinstance(data.get(F.PROJECT_NAME), str):
            code = data.get(F.PROJECT_CODE)
            found.append((path, vocab.squash(data[F.PROJECT_NAME]), vocab.squash(str(code)) if code else None))
    return found


def same_project(existing: list[tuple[Path, str, str | None]], data: dict[str, Any]) -> Path | None:
    """The file of the project a self-evaluation is about: the same 项目编码 where both have one, else the same name."""
    code = data.get(F.PROJECT_CODE)
    name = vocab.squash(str(data.get(F.PROJECT_NAME) or ""))
    if code:
        by_code = [path for path, _, other in existing if other == vocab.squash(str(code))]
        if by_code:
            return by_code[0]
    by_name = [path for path, other, _ in existing if other == name and name]
    return by_name[0] if by_name else None


def plan_tree(recognised: list[Recognised], options: Options) -> list[Planned]:
    planner = Planner(options)
    for item in recognised:
        try:
            planner.add(item)
        except Exception as exc:  # a defect met on one source must not lose the others
            item.source.report("I053", None, error=f"{type(exc).__name__}: {str(exc)[:120]}")
    planner.place_all()
    return planner.files()
