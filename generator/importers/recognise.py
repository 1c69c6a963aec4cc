"""Recognising the tables of a source: which form each table is, and the lines around it.

Works on the neutral representation only. The steps:

1. Tables separated by nothing but empty paragraphs are one table (Word often splits a form in
   two); a table holding two forms one after the other is cut where the second starts.
2. Lines that belong to the form but were extracted as table rows (a "763001单位名称 | 单位：万元"
   row) are lifted out of the table, like paragraphs.
3. Each paragraph is classified by what it says: a title (with the budget year, and the project
   name where the title prints it), a year alone ("（2021年）"), 填报单位, an organisation name alone,
   金额单位, a footer (单位财务负责人, 填表人, 审核意见, 签字, 日期, 盖章), the narrative 部门整体绩效目标
   and its headings, or a heading of the document's structure. The paragraphs before a table are its
   context.
4. Each table is identified by its labels against the tables every layout folder declares
   (``forms``: a layout's 识别, else the labels it prints): a project table, the 部门整体 table, the
   汇总表, or a sheet of every project's indicators. The layout whose table fits best is the one it
   is read with. A table with none of these is reported with the labels that were found (I010).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.data import fields as F
from generator.importers import forms
from generator.importers import vocabulary as vocab
from generator.importers.cleaning import clean, strip_number
from generator.importers.forms import Profile
from generator.importers.indicators import find_header
from generator.importers.source import Cell, Item, Paragraph, Source, Table, excerpt
from generator.render.compose import FOOTNOTE
from generator.render.layout import DERIVED_NOTE

ORG_SUFFIXES = (
    "部",
    "局",
    "委",
    "办",
    "室",
    "委员会",
    "中心",
    "院",
    "所",
    "站",
    "队",
    "处",
    "厅",
    "会",
    "社",
    "馆",
    "校",
    "政府",
    "街道",
    "镇",
    "乡",
    "公司",
    "团",
    "台",
    "场",
    "署",
    "庭",
    "园",
)
ORG = re.compile(r"^(?:(?P<code>\d{3,12})\s*)?(?P<name>[\u3400-\u9fff（）()“”]{3,60})$")
UNIT_LINE = re.compile(r"^(?:填报单位|单位名称|部门名称|填报部门)(?:[(（]盖章[)）])?[:：]\s*(?P<name>.*)$")
FOOTER = re.compile(
    r"^(?P<key>单位财务负责人|财务负责人|填表人|制表人|填报人|经办人|单位负责人签字|单位负责人|"
    r"负责人签字|填报日期|填表日期|日期)[:：]\s*(?P<value>.*)$"
)
YEAR_LINE = re.compile(r"^[(（]?((?:19|20)\d{2})\s*年度?[)）]?$")
NARRATIVE_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*(?P<key>总体绩效目标|分项绩效目标|工作保障措施)$")
STRUCTURE = re.compile(r"^(第[一二三四五六七八九十\d]+部分|目录|预算项目绩效目标|项目支出绩效目标|部门预算项目绩效目标)$")
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
GENERIC_TITLE_NAMES = {"", F.PROJECT_SPENDING, "项目", "部门整体支出", "部门整体", "部门", "单位整体支出", "预算项目"}


@dataclass
class Title:
    kind: str  # project | department | summary
    year: int | None
    name: str | None
    number: int | None = None  # "1.常态化…绩效目标表": the project's place in the list


@dataclass
class Line:
    """A classified paragraph (or a form line extracted as a table row)."""

    item: Item
    kind: str  # title money unit org footer correction narrative heading structure other
    value: object = None


@dataclass
class Found:
    """One recognised table with the lines printed above it."""

    kind: str  # project | department | summary | rows | unknown
    profile: Profile | None  # the layout's table it fits best
    rows: list[list[Cell]]
    number: int
    context: list[Line] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)  # jixiao's 更正说明 printed under the table

    @property
    def layout(self) -> str | None:
        return self.profile.layout if self.profile is not None else None

    def lines(self, kind: str) -> list[Line]:
        return [line for line in self.context if line.kind == kind]

    @property
    def title(self) -> Title | None:
        titles = self.lines("title")
        return titles[-1].value if titles and isinstance(titles[-1].value, Title) else None

    @property
    def first(self) -> Cell:
        return next((c for row in self.rows for c in row if not c.blank), self.rows[0][0])


@dataclass
class Recognised:
    source: Source
    tables: list[Found] = field(default_factory=list)
    footers: list[Line] = field(default_factory=list)
    narrative: dict[str, list[Item]] = field(default_factory=dict)
    narrative_heading: Item | None = None
    narrative_lines: list[Line] = field(default_factory=list)  # the unit's name printed above it


def _plain(text: str) -> str:
    cleaned, _ = clean(text)
    return vocab.squash(vocab.halfwidth(cleaned)) if cleaned else ""


def title_of(text: str) -> Title | None:
    flat = _plain(text)
    bracketed = re.search(r"[(（]((?:19|20)\d{2})\s*年度?[)）]$", flat)
    if bracketed:  # "部门预算项目绩效目标申报表（2023年度）"
        flat = flat[: bracketed.start()]
    cycle = vocab.CYCLE_TITLE.search(flat) is not None  # a 绩效自评表 or 运行监控表: a project's too
    if ("绩效目标" not in flat and not cycle) or not flat.endswith("表"):
        return None
    if bracketed:
        flat = bracketed.group(1) + "年" + flat
    kind = "summary" if "汇总" in flat else "department" if "整体" in flat else "project"
    year = YEAR_IN_TITLE.search(flat)
    numbered = re.match(r"^(\d{1,3})[.、．]", flat)
    name = strip_number(flat)
    name = YEAR_IN_TITLE.sub("", name, count=1) if year and name.startswith(year.group(0)) else name
    name = re.sub(r"(方向)?绩效目标(汇总|申报)?表$", "", name)
    if cycle:
        name = re.sub(r"^部门预算", "", re.sub(r"(项目支出)?绩效(目标执行监控|运行监控|执行监控|监控|自评)表$", "", name))
    return Title(
        kind,
        int(year.group(1)) if year else None,
        None if name in GENERIC_TITLE_NAMES else name,
        int(numbered.group(1)) if numbered else None,
    )


def org_name(text: str) -> tuple[str | None, str] | None:
    """(unit code, name) when ``text`` is nothing but an organisation's name, else None."""
    flat = _plain(text)
    found = ORG.match(flat)
    if found is None or not found.group("name").endswith(ORG_SUFFIXES):
        return None
    return found.group("code"), found.group("name")


def classify(item: Item) -> Line:
    # jixiao's footnote of a correction is read as printed: _plain would change its text (spaces, brackets).
    if found := FOOTNOTE.match(clean(item.text)[0].strip()):
        return Line(item, "correction", found.group("text").strip())
    text = _plain(item.text)
    if not text:
        return Line(item, "other")
    if (unit := vocab.money_unit(text)) is not None:
        return Line(item, "money", unit)
    if (found := UNIT_LINE.match(text)) and (name := vocab.without_seal(found.group("name"))):
        return Line(item, "unit", name)
    if found := UNIT_LINE.match(text):
        return Line(item, "footer", (found.group(0).split("：")[0].split(":")[0], ""))  # "填报单位（盖章）：" left blank
    if found := FOOTER.match(text):
        return Line(item, "footer", (found.group("key"), found.group("value")))
    if vocab.SIGN.match(text):
        return Line(item, "footer", (text, ""))
    if found := YEAR_LINE.match(text):
        return Line(item, "year", int(found.group(1)))
    if (title := title_of(text)) is not None:
        return Line(item, "title", title)
    if text == F.DEPARTMENT_NARRATIVE:
        return Line(item, "narrative")
    if text.strip("（）()") == DERIVED_NOTE:
        return Line(item, "derived")
    if found := NARRATIVE_HEADING.match(text):
        return Line(item, "heading", found.group("key"))
    if STRUCTURE.match(text):
        return Line(item, "structure")
    if (org := org_name(text)) is not None:
        return Line(item, "org", org)
    return Line(item, "other")


# --- tables -------------------------------------------------------------------------------------

START_LABELS = {F.PROJECT_NAME, F.PROJECT_CODE}


def _row_label(row: list[Cell]) -> str | None:
    first = next((cell for cell in row if not cell.blank), None)
    if first is None:
        return None
    return vocab.match(first.text, vocab.PROJECT_LABELS) or vocab.match(first.text, vocab.DEPARTMENT_LABELS)


LEVELS = frozenset({F.LEVEL1, F.LEVEL2, F.LEVEL3})


def _grid_header(row: list[Cell]) -> bool:
    """A row of an indicator grid's column titles, in any layout: two of the three levels at least."""
    return len({vocab.match(cell.text, vocab.GRID_LABELS, cut=False) for cell in row if not cell.blank} & LEVELS) >= 2


def _split(rows: list[list[Cell]]) -> list[list[list[Cell]]]:
    """Cut a table where a second form starts after the first one's indicator grid: at a row that starts a
    form (项目名称, 项目编码, 单位名称), or at any row after the first form's closing rows (审核意见, 签字,
    日期), which end a form whatever comes next."""
    pieces: list[list[list[Cell]]] = [[]]
    seen_grid = closed = False
    for row in rows:
        label = _row_label(row)
        first = next((cell for cell in row if not cell.blank), None)
        sign = first is not None and bool(vocab.SIGN.match(vocab.norm(first.text)))
        if seen_grid and (label in (START_LABELS | {F.UNIT_NAME}) or (closed and not sign and first is not None)):
            pieces.append([])
            seen_grid = closed = False
        pieces[-1].append(row)
        if _grid_header(row):
            seen_grid = True
        elif seen_grid and sign:
            closed = True
    return [piece for piece in pieces if piece]


def _form_line_row(row: list[Cell]) -> list[Line] | None:
    """The row's cells as form lines (金额单位, 填报单位, title…) when that is all the row holds."""
    filled = [cell for cell in row if not cell.blank]
    if not filled or len(filled) > 3:
        return None
    lines = [classify(cell) for cell in filled]
    if all(line.kind in ("money", "unit", "org", "title", "footer", "year", "correction") for line in lines):
        return lines
    return None


def _structure(rows: list[list[Cell]]) -> str:
    """What a table is by the labels every form shares; "unknown" rather than a guess."""
    starts = {_row_label(row) for row in rows}
    anywhere = {vocab.norm(cell.text) for row in rows for cell in row if not cell.blank}
    header = find_header(rows)
    columns = header[1] if header else {}
    if {F.DUTIES, F.BUDGET, F.TASKS, F.UNIT_NAME} & starts:
        return forms.DEPARTMENT
    shaped = {F.PROJECT_CODE, F.SPENDING_PLAN} & starts or {F.BASIS, F.OPERATOR, F.MEASURE} & columns.keys()
    if header and {F.PROJECT_NAME, F.PROJECT_CODE} & anywhere and shaped:
        return forms.PROJECT
    for row in rows:
        keys = {vocab.match(cell.text, vocab.SUMMARY_LABELS) for cell in row if not cell.blank}
        if {F.ORDER, F.PROJECT_NAME} <= keys and not header:
            return forms.SUMMARY
    return "unknown"


MIN_FIT = 0.5  # of a layout's identifying labels, found in a table that nothing else identifies


def kind_of(rows: list[list[Cell]], titles: list[str] | None = None, out: Path | None = None) -> tuple[str, Profile | None]:
    """What a table is, and the layout's table it fits best, by the labels it holds and the title above it;
    ("unknown", None) rather than a guess."""
    texts = {forms.norm(cell.text) for row in rows for cell in row if not cell.blank}
    texts |= {forms.norm(part) for row in rows for cell in row for part in re.split(r"[:：]", cell.text)[:1]}
    titles = [forms.norm(title) for title in titles or []]
    if (cycle := cycle_profile(texts, titles, out)) is not None:
        return forms.PROJECT, cycle
    kind = _structure(rows)
    overall = forms.best(texts, titles, forms.KINDS, out, MIN_FIT)  # the best of those it fits well enough
    fits = overall is not None
    if kind != "unknown":
        own = forms.best(texts, titles, (kind, forms.ROWS) if kind == forms.PROJECT else (kind,), out)
        # A layout's table that fits better than the one the shared labels suggest wins (a sheet of every
        # project's indicators starts with 单位名称, like a 部门整体 table).
        if overall is not None and fits and (own is None or overall.score(texts, titles) > own.score(texts, titles)):
            return overall.kind, overall
        return (own.kind if own is not None else kind), own
    return (overall.kind, overall) if overall is not None and fits else ("unknown", None)


def cycle_profile(texts: set[str], titles: list[str], out: Path | None = None) -> Profile | None:
    """The self-evaluation or monitoring table (a layout's, 需要: 自评 or 监控) a table is, when its title names one
    or it prints two of the headings only those tables print (全年执行数, 实际完成值, 1-6月执行数…); None otherwise."""
    named = [title for title in titles if vocab.CYCLE_TITLE.search(title)]
    months = {text for text in texts if vocab.MONTHS_TO_DATE.match(text)}
    if not named and len(texts & vocab.CYCLE_MARKS) + len(months) < 2:
        return None
    candidates = forms.cycle_profiles(out)
    monitoring = any("监控" in title for title in named) if named else not texts & SELF_EVALUATION_MARKS
    wanted = [p for p in candidates if (p.requires == MONITOR) == monitoring] or list(candidates)
    if not wanted:
        return None
    return forms.fittest(wanted, texts, titles)


MONITOR = "监控"
# Headings a self-evaluation prints and a monitoring table does not: the year's result and its score.
SELF_EVALUATION_MARKS = frozenset(
    forms.norm(label) for label in (F.ACTUAL, "全年实际完成值", F.MONITOR_VALUE, "得分", "总分", F.STATED_GRADE, "实际完成情况")
)


def recognised_labels(rows: list[list[Cell]]) -> list[str]:
    found: list[str] = []
    for row in rows:
        for cell in row:
            if not cell.blank and (key := vocab.match(cell.text, vocab.ALL_LABELS)) and key not in found:
                found.append(key)
    return found


# --- the walk over a source -------------------------------------------------------------------


def _logical_tables(blocks: list[Paragraph | Table]) -> list[Paragraph | list[list[Cell]]]:
    out: list[Paragraph | list[list[Cell]]] = []
    for block in blocks:
        if isinstance(block, Table):
            if out and not isinstance(out[-1], Paragraph):
                out[-1].extend(block.rows)
            else:
                out.append(list(block.rows))
        else:
            out.append(block)
    return out


class _Walk:
    def __init__(self, source: Source, out: Path | None) -> None:
        self.out = out
        self.result = Recognised(source)
        self.pending: list[Line] = []
        self.narrative_key: str | None = None
        self.count = 0

    def paragraph(self, line: Line) -> None:
        if line.kind == "narrative":
            line.item.use()
            self.result.narrative_heading = line.item
            self.narrative_key = ""
            return
        if line.kind == "heading" and self.narrative_key is not None:
            line.item.use()
            self.narrative_key = str(line.value)
            self.result.narrative.setdefault(self.narrative_key, [])
            return
        if line.kind in ("structure", "title"):
            self.narrative_key = None
        if self.narrative_key and line.kind in ("other", "org"):
            self.result.narrative[self.narrative_key].append(line.item)
            return
        if self.narrative_key == "" and line.kind in ("unit", "org", "money"):
            self.result.narrative_lines.append(line)
            return
        if line.kind == "footer":
            self.result.footers.append(line)
            return
        if line.kind == "correction" and self.result.tables:  # printed under the table it is about
            line.item.use()
            self.result.tables[-1].corrections.append(str(line.value))
            return
        self.pending.append(line)

    def table(self, rows: list[list[Cell]]) -> None:
        self.narrative_key = None
        titles: list[str] = []
        for piece in _split(rows):
            while piece and (lines := _form_line_row(piece[0])) is not None:
                self.result.footers.extend(line for line in lines if line.kind == "footer")
                for line in (line for line in lines if line.kind == "correction"):
                    self.paragraph(line)  # the form's above, read as a row of the same sheet
                self.pending.extend(line for line in lines if line.kind not in ("footer", "correction"))
                piece = piece[1:]
            trailing: list[Line] = []
            while piece and (lines := _form_line_row(piece[-1])) is not None:
                trailing = lines + trailing
                piece = piece[:-1]
            if piece:
                self.count += 1
                # A form cut from the one above it in the same table shares its title.
                titles = [line.item.text for line in self.pending] or titles
                kind, fitting = kind_of(piece, titles, self.out)
                found = Found(kind, fitting, piece, self.count, self.pending)
                self.pending = []
                self.result.tables.append(found)
            for line in trailing:
                self.paragraph(line) if line.kind != "footer" else self.result.footers.append(line)

    def finish(self) -> Recognised:
        for line in self.pending:  # lines after the last table (a title without a table…)
            if line.kind != "other":
                self.result.source.report(
                    "I012", line.item, text=excerpt(line.item.text), reason="后面没有表格，不知道它属于哪张表"
                )
                line.item.use()
        return self.result


def recognise(source: Source, out: Path | None = None) -> Recognised:
    """The forms of ``source``, read with the layouts of the data repository at ``out`` and the built-in ones."""
    walk = _Walk(source, out)
    for block in _logical_tables(source.blocks):
        if isinstance(block, Paragraph):
            walk.paragraph(classify(block))
        else:
            walk.table(block)
    return walk.finish()
