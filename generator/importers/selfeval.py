"""A 项目支出绩效自评表 or 运行监控表 (of any layout, 需要: 自评 or 监控) → a project's results, beside its targets.

The table is read in three parts, by the words it prints (vocabulary: RESULT_GRID_LABELS, EXECUTION_LABELS,
GOAL_LABELS, CLOSING_LABELS, after the layout's own headings and 栏目别名):

- above the indicators: the "label | value" rows (项目名称, 主管部门, 实施单位…, read as a project table's are),
  the 项目资金 block (a row of column titles — 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 — over the
  rows 年度资金总额 and 其中：当年财政拨款…), and the 年度总体目标 block (预期目标 | 实际完成情况);
- the indicators: the targets (read by ``indicators.GridReader`` as on a target table), and per row the
  实际完成值, 偏差原因 and 改进措施 (one column "偏差原因分析及改进措施" or two), the monitored value with its date;
- below them: 总分, 自评等级, 存在问题, 改进措施.

What the form prints that jixiao derives (分值, 得分, 执行率, 完成情况, 总分, 等级) is never stored: it is
kept in ``ResultsDraft.typed`` and compared with what generator.data.scoring computes (I057). What has no
field (the split of the execution by funding source, 全年预计完成情况) is reported (I061).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.data import fields as F
from generator.data import scoring
from generator.data.load import Document
from generator.data.model import Project, to_decimal
from generator.data.regional import NATIONAL
from generator.importers import forms
from generator.importers import vocabulary as vocab
from generator.importers.cleaning import clean
from generator.importers.header import read_fields
from generator.importers.indicators import GridReader, find_header, header_columns, yaml_number
from generator.importers.project import Hint, ProjectDraft, amount_field, context_hints, text_field
from generator.importers.recognise import Found
from generator.importers.source import Cell, Item, Source, excerpt
from generator.render.selfeval import ACTUAL_WITH_UNIT, MONITORED, REASONS, STATUS

# A layout's column (render.selfeval's names) → the name the importer reads it by.
OWN_COLUMNS = {ACTUAL_WITH_UNIT: F.ACTUAL, STATUS: vocab.STATUS, MONITORED: vocab.MONITORED, REASONS: vocab.REASONS}
TARGET_COLUMNS = (F.LEVEL1, F.LEVEL2, F.LEVEL3, F.VALUE, F.OPERATOR, F.MEASURE)
SOURCE_AMOUNTS = (F.INITIAL_BUDGET, F.FULL_YEAR_BUDGET, F.EXECUTED)  # the 项目资金 columns of the total and of each source
RESULT_KEYS = (F.MONITORING, F.ACTUAL, F.DEVIATION, F.IMPROVEMENT)  # what the importer places per indicator
SCORED = re.compile(r"^(?P<label>.+?)\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")  # "产出指标(50分)": the 一级 and its points
NUMBERED = re.compile(r"^指标\s*\d+\s*[:：、.．]?\s*")  # a blank form's "指标1" in front of the name a unit wrote
EMPTY_SLOT = re.compile(r"^(?:指标\s*\d+|…+|\.{3,})$")  # a blank form's unfilled row
INSTRUCTION = re.compile(r"[(（]\s*\d+\s*字以内\s*[)）]\s*$")  # a blank form's note on what to write
DATED = re.compile(r"^(?P<date>(?:19|20)\d{2}[-./年]\d{1,2}[-./月]\d{1,2}日?)\s*[:：]\s*(?P<value>.+)$")
CUT_REASON = re.compile(r"^(?:偏差|未完成)?原因(?:分析)?[:：]\s*")
CUT_MEASURE = re.compile(r"(?:^|\n|(?<=[；;。]))\s*(?:改进)?措施[:：]\s*")
SIGNATURE = re.compile(r"^[\u4e00-\u9fff]{0,8}(?:负责人|填表人|联系人|联系电话|审核人)(?:[:：].*)?$")  # the form's last line
FORM_NAMES = ("绩效自评表", "绩效运行监控表")  # the table a 项目金额 was taken from, by whether it is a monitoring
NO_DATE = "没有写监控日期（写作“2026-06-30：260人”）"
NOTHING = frozenset({"无", "暂无", "没有", "0"})


@dataclass
class Typed:
    """A figure the form prints that jixiao derives: compared once the data is read."""

    what: str
    cell: Cell
    key: tuple[Any, ...]  # ("indicator", index, 得分) | ("execution", 执行率) | ("total",) | ("grade",)


@dataclass(kw_only=True)
class ResultsDraft(ProjectDraft):
    requires: str = "自评"
    anchors: list[Item] = field(default_factory=list)  # per indicator (data[绩效指标][i]), for messages
    typed: list[Typed] = field(default_factory=list)


_TABLES: dict[int, dict[str, tuple[str, ...]]] = {}


def _grid_labels(profile: forms.Profile | None) -> Mapping[str, tuple[str, ...]]:
    if profile is None:
        return vocab.RESULT_GRID_LABELS
    own: dict[str, tuple[str, ...]] = {}
    for column, headings in profile.columns.items():
        key = OWN_COLUMNS.get(column, column)
        own[key] = tuple(dict.fromkeys((*own.get(key, ()), *headings)))
    # The layout's 栏目别名 of the results (实际完成值: [本年实际完成]), whether or not its table prints that column.
    for name, key in (
        (F.ACTUAL, F.ACTUAL),
        (F.DEVIATION, F.DEVIATION),
        (F.IMPROVEMENT, F.IMPROVEMENT),
        (F.MONITORING, vocab.MONITORED),
    ):
        declared = tuple(forms.norm(alias) for alias in profile.regional.label_aliases.get(name, ()))
        own[key] = tuple(dict.fromkeys((*own.get(key, ()), *declared)))
    return forms.merged({k: v for k, v in own.items() if v}, vocab.RESULT_GRID_LABELS, profile)


def _execution_labels(profile: forms.Profile | None) -> Mapping[str, tuple[str, ...]]:
    """The column titles of the 项目资金 block: the layout's own (预算执行.全年执行数 and its 栏目别名) first."""
    if profile is None:
        return vocab.EXECUTION_LABELS
    own: dict[str, tuple[str, ...]] = {}
    for name in (F.INITIAL_BUDGET, F.FULL_YEAR_BUDGET, F.EXECUTED, F.MONITOR_EXECUTED):
        path = f"{F.EXECUTION}.{name}"
        declared = (*profile.fields.get(path, ()), *profile.regional.label_aliases.get(path, ()))
        if declared:
            own[name] = tuple(dict.fromkeys(forms.norm(label) for label in declared))
    return forms.merged(own, vocab.EXECUTION_LABELS, profile) if own else vocab.EXECUTION_LABELS


def _field_labels(profile: forms.Profile | None) -> Mapping[str, tuple[str, ...]]:
    key = id(profile)
    if key not in _TABLES:
        table = dict(forms.field_labels(profile, vocab.PROJECT_LABELS))
        for name in (F.INITIAL_BUDGET, F.FULL_YEAR_BUDGET, F.EXECUTED):
            table[name] = _execution_labels(profile)[name]
        table[vocab.MONITOR_DATE] = vocab.EXECUTION_LABELS[vocab.MONITOR_DATE]
        table[F.IMPLEMENTER] = (*table.get(F.IMPLEMENTER, ()), "项目执行单位", "执行单位")
        # the same words as the 部门整体 table's heading: here the caption of a project's 本年度绩效目标
        table[F.GOALS] = (*table.get(F.GOALS, ()), F.OVERALL_DEPARTMENT_GOAL, "总体目标")
        _TABLES[key] = table
    return _TABLES[key]


def _first(row: list[Cell]) -> Cell | None:
    return next((cell for cell in row if not cell.blank), None)


def _between(row: list[Cell], columns: list[int], at: int) -> Cell | None:
    """The filled cell of ``row`` under the column title at ``columns[at]`` (up to the next title's column)."""
    start = columns[at]
    end = columns[at + 1] if at + 1 < len(columns) else 10**6
    return next((cell for cell in row if start <= cell.col < end and not cell.blank), None)


def grid_row(row: list[Cell]) -> bool:
    """Whether ``row`` is the indicator grid's row of column titles (it ends the blocks above it)."""
    found = {vocab.match(c.text, vocab.RESULT_GRID_LABELS, cut=False) for c in row if not c.blank}
    return len(found & {F.LEVEL1, F.LEVEL2, F.LEVEL3, F.VALUE}) >= 2


def two_level_header(rows: list[list[Cell]], labels: Mapping[str, tuple[str, ...]]) -> tuple[int, dict[str, int]] | None:
    """A grid with one level column beside the indicator's name ("一级指标 | 指标名称 | 指标值" whose level column
    holds 质量, 时效, 社会效益: 二级 names, the 一级 printed in the caption column at the left): read as a two-level
    grid, the 一级 taken from each 二级."""
    for index, row in enumerate(rows):
        columns = header_columns(row, labels)
        levels = [key for key in (F.LEVEL1, F.LEVEL2) if key in columns]
        if F.LEVEL3 in columns and F.VALUE in columns and len(levels) == 1:
            columns[F.LEVEL2] = columns.pop(levels[0])
            return index, columns
    return None


def _plain(text: str) -> str:
    return clean(text)[0].strip()


def _year(found: Found) -> int | None:
    title = found.title
    if title is not None and title.year:
        return title.year
    return next((int(line.value) for line in found.lines("year") if isinstance(line.value, int)), None)


def month_end(year: int | None, month: int) -> str | None:
    if year is None:
        return None
    days = (31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return f"{year:04d}-{month:02d}-{days[month - 1]:02d}"


def as_date(text: str) -> str | None:
    """ "2026-06-30", "2026年6月30日", "2026.6.30" → 2026-06-30; None for anything else."""
    found = re.fullmatch(r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})日?", vocab.norm(text))
    if found is None:
        return None
    year, month, day = (int(g) for g in found.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


class Reader:
    def __init__(self, source: Source, found: Found) -> None:
        self.source = source
        self.found = found
        self.profile = found.profile
        self.year = _year(found)
        self.execution: dict[str, Any] = {}
        self.monitored: list[dict[str, Any]] = []
        self.conclusion: dict[str, Any] = {}
        self.goals: str = ""
        self.typed: list[Typed] = []
        self.execution_labels = _execution_labels(self.profile)

    def unplaced(self, cells: list[Cell], what: str, why: str) -> None:
        """Each filled cell of ``cells`` reported as not imported (a dash or slash is no content)."""
        for cell in cells:
            if cell.blank or cell.used:
                continue
            cell.use()
            if not vocab.is_placeholder(cell.text):
                self.source.report("I061", cell, what=f"{what}的“{excerpt(cell.text, 16)}”", why=why)

    # --- above the indicators -------------------------------------------------------------------

    def execution_titles(self, row: list[Cell]) -> dict[int, str]:
        """Column → what, when ``row`` is a row of the 项目资金 block's column titles (two at least, and no figure)."""
        titles: dict[int, str] = {}
        for cell in row:
            if cell.blank:
                continue
            key = vocab.match(cell.text, self.execution_labels, cut=False)
            months = vocab.MONTHS_TO_DATE.match(vocab.norm(cell.text))
            if months and months.group("what") in (F.MONITOR_EXECUTED, "执行率"):
                executed = months.group("what") == F.MONITOR_EXECUTED
                key = f"{F.MONITOR_EXECUTED}@{vocab.months_covered(months)}" if executed else vocab.RATE
            if key is not None:
                titles[cell.col] = key
            elif vocab.number(cell.text) is not None:
                return {}
        return titles if len(titles) >= 2 else {}

    def execution_block(self, rows: list[list[Cell]], index: int, titles: dict[int, str]) -> int:
        """Reads the 项目资金 block whose column titles are at ``rows[index]``; the index after it."""
        for cell in rows[index]:
            cell.use()  # the titles, and the block's caption (项目资金（万元）) beside them
        end = index + 1
        while end < len(rows) and (more := self.execution_titles(rows[end])):
            titles.update(more)  # titles on two rows (年度预算数 over 年初预算 | 调整后预算数 | 预算执行数)
            for cell in rows[end]:
                cell.use()
            end += 1
        columns = sorted(titles)
        first_title = columns[0]
        total_read = False
        while end < len(rows):
            row = rows[end]
            label_cells = [c for c in row if not c.blank and c.col < first_title]
            label = vocab.norm("".join(c.text for c in label_cells))
            bare = re.sub(r"^其中[:：]?", "", label)
            values = {titles[col]: _between(row, columns, i) for i, col in enumerate(columns)}
            funding = bare in vocab.FUNDING_ROWS
            if (
                label
                and not funding
                and bare not in vocab.EXECUTION_TOTAL_ROWS
                and (
                    vocab.match(label, vocab.GOAL_LABELS, cut=False)
                    or vocab.match(label, vocab.PROJECT_LABELS, cut=False)
                    or vocab.match(label, vocab.CLOSING_LABELS, cut=False)
                    or self.execution_titles(row)
                    or self.goal_titles(row)
                )
            ) or grid_row(row):
                break
            if not label and not any(values.values()):
                break
            for cell in label_cells:
                cell.use()
            source = next((key for key, labels in vocab.FUNDING_SOURCE_ROWS.items() if bare in labels), None)
            if source is not None:
                self.source_row(source, values)
                self.unplaced(
                    [c for c in row if c.col >= first_title],
                    f"项目资金“{bare}”一行",
                    f"按资金来源只记{'、'.join(SOURCE_AMOUNTS)}",
                )
            elif funding or (total_read and bare not in vocab.EXECUTION_TOTAL_ROWS):
                self.unplaced(
                    [c for c in row if c.col >= first_title],
                    f"项目资金“{bare or '（无名称）'}”一行",
                    f"数据按来源只分{'、'.join(vocab.FUNDING_SOURCE_ROWS)}三项，这一行无法确定属于哪一项",
                )
            elif titles.get(first_title) == vocab.MONITOR_DATE:
                self.monitor_row(values)
            else:
                self.total_row(values)
                total_read = True
            end += 1
        return end

    def amounts(self, values: dict[str, Cell | None]) -> tuple[dict[str, Any], dict[str, Cell]]:
        """The 项目资金 amounts of a row (SOURCE_AMOUNTS), and its other filled cells by column; a dash or slash is
        no content."""
        amounts: dict[str, Any] = {}
        others: dict[str, Cell] = {}
        for key, cell in values.items():
            if cell is None:
                continue
            if vocab.is_placeholder(cell.text):
                cell.use()
            elif key in SOURCE_AMOUNTS:
                amount = amount_field(self.source, cell, key)
                if amount is not None:
                    amounts[key] = amount
            else:
                others[key] = cell
        return amounts, others

    def source_row(self, source: str, values: dict[str, Cell | None]) -> None:
        """A row under 年度资金总额 (其中：当年财政拨款 …): its three amounts go to 预算执行.资金来源; the columns
        printed on the total's row only (分值, 执行率, 得分) are empty here or placeholders; any other figure is
        reported by the caller as not placed."""
        amounts, _ = self.amounts(values)
        if amounts:
            self.execution.setdefault(F.FUNDING, {})[source] = amounts

    def total_row(self, values: dict[str, Cell | None]) -> None:
        amounts, others = self.amounts(values)
        self.execution.update(amounts)
        for key, cell in others.items():
            if key.startswith(F.MONITOR_EXECUTED + "@"):
                self.monitor_amount(cell, month_end(self.year, int(key.split("@")[1])))
            elif key == F.MONITOR_EXECUTED:
                self.unplaced([cell], "累计执行数", "没有写监控日期")
            elif key in (vocab.POINTS, vocab.RATE, vocab.SCORE):
                cell.use()
                self.typed.append(Typed(f"预算执行率的{key}", cell, ("execution", key)))
            else:
                self.unplaced([cell], key, "数据中没有这一栏（预计数、说明不导入）")

    def monitor_row(self, values: dict[str, Cell | None]) -> None:
        date_cell = values.get(vocab.MONITOR_DATE)
        date = as_date(date_cell.text) if date_cell is not None else None
        if date_cell is not None:
            date_cell.use()
        for key, cell in values.items():
            if cell is None or key == vocab.MONITOR_DATE:
                continue
            if key == F.MONITOR_EXECUTED:
                self.monitor_amount(cell, date)
            elif key == vocab.RATE:
                cell.use()
                if date is not None:
                    self.typed.append(Typed(f"{date} 的执行率", cell, ("monitored", date)))
            else:
                self.total_row({key: cell})

    def monitor_amount(self, cell: Cell, date: str | None) -> None:
        if date is None:
            self.unplaced([cell], "累计执行数", "不知道监控日期（原表的标题或栏目中没有写年度和日期）")
            return
        amount = amount_field(self.source, cell, F.MONITOR_EXECUTED)
        if amount is not None:
            self.monitored.append({F.COVER_DATE: date, F.MONITOR_EXECUTED: amount})

    def goal_titles(self, row: list[Cell]) -> dict[int, str]:
        titles = {c.col: vocab.match(c.text, vocab.GOAL_LABELS, cut=False) for c in row if not c.blank}
        found = {col: key for col, key in titles.items() if key is not None}
        return found if F.ACHIEVEMENT in found.values() else {}

    def goals_block(self, rows: list[list[Cell]], index: int, titles: dict[int, str]) -> int:
        for cell in rows[index]:
            cell.use()  # the titles and the block's caption (年度总体目标)
        if index + 1 >= len(rows):
            return index + 1
        columns = sorted(titles)
        row = rows[index + 1]
        for i, col in enumerate(columns):
            under = _between(row, columns, i)
            if under is None:
                continue
            text = self.written(under)
            if text and titles[col] == F.GOALS:
                self.goals = text
            elif text:
                self.conclusion[F.ACHIEVEMENT] = text
        for cell in row:
            if cell.col < columns[0] and not cell.blank:
                cell.use()  # the block's caption, merged down
        return index + 2

    def written(self, cell: Cell) -> str:
        """A cell's text as a unit wrote it; "" (reported) for a blank form's note on what to write there."""
        text = text_field(self.source, cell)
        if INSTRUCTION.search(text):
            self.source.report("I061", cell, what=f"“{excerpt(text)}”", why="是空白表格的填写说明，单位没有填写")
            return ""
        return "" if vocab.is_placeholder(text) else text

    # --- the indicators ---------------------------------------------------------------------------

    def indicators(
        self, rows: list[list[Cell]], header: tuple[int, dict[str, int]], labels: Mapping[str, tuple[str, ...]]
    ) -> tuple[list[dict[str, Any]], list[Item]]:
        head, columns = header
        for cell in rows[head]:
            if cell.blank:
                continue
            months = vocab.MONTHS_TO_DATE.match(vocab.norm(cell.text))
            if months and months.group("what") in ("执行情况", "指标执行情况", F.ACHIEVEMENT, F.MONITOR_VALUE):
                columns[f"{vocab.MONITORED}@{vocab.months_covered(months)}"] = cell.col
            if (
                vocab.match(cell.text, labels)
                or vocab.match(cell.text, vocab.PROJECT_LABELS, cut=False) == F.INDICATORS
                or months
            ):
                cell.use()
        targets = {k: v for k, v in columns.items() if k in TARGET_COLUMNS}
        last = max(targets.values())
        regional = self.profile.regional if self.profile is not None else NATIONAL
        reader = GridReader(self.source, targets, regional, labels)
        out: list[dict[str, Any]] = []
        anchors: list[Item] = []
        body = rows[head + 1 :]
        closed = False  # after 总分 and the conclusion, no indicator comes
        for number, row in enumerate(body):
            first = _first(row)
            if first is None:
                continue
            if find_header([row], labels) is not None:
                for cell in row:
                    cell.use()
                continue
            if vocab.match(first.text, vocab.CLOSING_LABELS, cut=False):
                self.closing(row, columns)
                closed = True
                continue
            if closed or vocab.SIGN.match(vocab.norm(first.text)) or SIGNATURE.match(vocab.norm(first.text)):
                reader.footer(body[number:])
                break
            if F.LEVEL1 not in targets:  # a two-level grid: the 一级 printed in the caption column is derived from the 二级
                for cell in row:
                    if cell.col < targets[F.LEVEL2] and not cell.blank and vocab.level1(vocab.squash(cell.text)):
                        cell.use()
            target_cells = [self.relabel(cell) if cell.col <= last else cell for cell in row if cell.col <= last]
            name_cell = next((c for c in target_cells if c.col == targets.get(F.LEVEL3)), None)
            if (
                name_cell is not None
                and EMPTY_SLOT.match(vocab.norm(name_cell.text))
                and not any(not c.blank for c in row if c.col > targets.get(F.LEVEL3, last))
            ):
                for cell in row:  # "指标2 | | |": a row the blank form offered and the unit left empty
                    cell.use()
                continue
            indicator = reader.row(target_cells)
            for original in row:
                if original.col <= last and any(c is not original and c.place == original.place and c.used for c in target_cells):
                    original.use()
            if indicator is None:
                continue
            self.results(indicator, row, columns, len(out))
            out.append(indicator)
            anchors.append(name_cell if name_cell is not None and not name_cell.blank else first)
        return out, anchors

    def relabel(self, cell: Cell) -> Cell:
        """A cell as the grid reader should read it: "产出指标(50分)" → 产出指标, "指标1工程完工率" → 工程完工率."""
        text = vocab.norm(cell.text)
        if found := SCORED.match(text):
            return Cell(found.group("label"), cell.place, col=cell.col)
        if NUMBERED.match(text) and not EMPTY_SLOT.match(text):
            return Cell(NUMBERED.sub("", text), cell.place, col=cell.col)
        return cell

    def results(self, indicator: dict[str, Any], row: list[Cell], columns: dict[str, int], index: int) -> None:
        by_col = {cell.col: cell for cell in row}
        monitoring: list[dict[str, Any]] = []
        for key, col in columns.items():
            cell = by_col.get(col)
            if key in TARGET_COLUMNS or cell is None or cell.blank:
                continue
            if vocab.is_placeholder(cell.text):
                cell.use()
                continue
            if key == F.ACTUAL:
                cell.use()
                indicator[F.ACTUAL] = self.actual(cell.text, indicator)
            elif key in (vocab.POINTS, vocab.SCORE, vocab.STATUS):
                cell.use()
                self.typed.append(Typed(f"指标“{indicator.get(F.LEVEL3, '')}”的{key}", cell, ("indicator", index, key)))
            elif key in (vocab.REASONS, F.DEVIATION, F.IMPROVEMENT):
                text = self.written(cell)
                if text and vocab.norm(text) not in NOTHING:
                    self.reasons(indicator, key, text)
            elif key == vocab.MONITORED or key.startswith(vocab.MONITORED + "@"):
                cell.use()
                monitoring.extend(self.monitored_values(cell, key, indicator))
            elif key == F.REMARK:
                indicator[F.REMARK] = text_field(self.source, cell)
            else:
                self.unplaced([cell], key, "数据中没有这一栏（预计完成情况、完成的可能性不导入）")
        if monitoring:
            indicator[F.MONITORING] = monitoring

    def actual(self, text: str, indicator: dict[str, Any]) -> Any:
        """A result as data: a number in the target's unit ("520人", "95%" → 520, 95), else the words as written."""
        plain = _plain(text)
        number = vocab.number(plain)
        if number is not None:
            return yaml_number(number)
        parsed = vocab.split_value(plain)
        unit = str(indicator.get(F.MEASURE, ""))
        if parsed is not None and parsed[0] is None:
            tail = vocab.unit(parsed[2]) or parsed[2]
            if tail == unit or (tail in ("%", "％") and unit in ("%", "百分比")):
                return yaml_number(parsed[1])
        return plain

    def reasons(self, indicator: dict[str, Any], key: str, text: str) -> None:
        if key != vocab.REASONS:
            indicator[key] = text
            return
        parts = CUT_MEASURE.split(text, maxsplit=1)
        reason = CUT_REASON.sub("", parts[0]).strip(" ；;\n")
        if reason and vocab.norm(reason) not in NOTHING:
            indicator[F.DEVIATION] = reason
        if len(parts) > 1 and parts[1].strip():
            indicator[F.IMPROVEMENT] = parts[1].strip()

    def monitored_values(self, cell: Cell, key: str, indicator: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        if "@" in key:
            date = month_end(self.year, int(key.split("@")[1]))
            if date is None:
                self.source.report("I061", cell, what=f"监控完成值“{excerpt(cell.text)}”", why="不知道监控日期（原表没有写年度）")
                return []
            return [{F.COVER_DATE: date, F.MONITOR_VALUE: self.actual(cell.text, indicator)}]
        for line in _plain(cell.text).splitlines():
            found = DATED.match(line.strip())
            date = as_date(found.group("date")) if found else None
            if found is None or date is None:
                if line.strip():
                    self.source.report("I061", cell, what=f"监控完成值“{excerpt(line)}”", why=NO_DATE)
                continue
            out.append({F.COVER_DATE: date, F.MONITOR_VALUE: self.actual(found.group("value"), indicator)})
        return out

    # --- below the indicators ---------------------------------------------------------------------

    def closing(self, row: list[Cell], columns: dict[str, int]) -> None:
        """总分 | 91.52 | 自评等级 | 优, 存在问题 | …, 改进措施 | …: pairs of a label and what follows it."""
        filled = [c for c in row if not c.blank]
        key: str | None = None
        taken: list[Cell] = []
        pairs: list[tuple[str, list[Cell]]] = []
        for cell in filled:
            found = vocab.match(cell.text, vocab.CLOSING_LABELS, cut=False)
            if found is not None:
                cell.use()
                if key is not None:
                    pairs.append((key, taken))
                key, taken = found, []
            elif key is not None:
                taken.append(cell)
        if key is not None:
            pairs.append((key, taken))
        for key, cells in pairs:
            if key == vocab.TOTAL:
                at_score = [c for c in cells if c.col == columns.get(vocab.SCORE)]
                numbers = [c for c in cells if vocab.number(c.text) is not None]
                chosen = at_score[0] if at_score else (numbers[-1] if numbers else None)
                for cell in cells:
                    cell.use()
                if chosen is not None:
                    self.typed.append(Typed("总分", chosen, ("total",)))
            elif key == vocab.GRADE:
                for cell in cells:
                    cell.use()
                if cells and not vocab.is_placeholder(cells[0].text):
                    self.typed.append(Typed(F.STATED_GRADE, cells[0], ("grade",)))
            else:
                text = "\n".join(t for t in (self.written(c) for c in cells) if t)
                if not text:
                    continue
                if key == F.ACHIEVEMENT and F.ACHIEVEMENT in self.conclusion:
                    self.source.report("I061", cells[0], what=f"“{excerpt(text)}”", why="实际完成情况已经写在年度总体目标一栏")
                    continue
                self.conclusion[key] = text


def build_results(source: Source, found: Found) -> ResultsDraft:
    """A self-evaluation or monitoring table as a project draft: its targets and its results."""
    profile = found.profile
    reader = Reader(source, found)
    labels = _grid_labels(profile)
    header = find_header(found.rows, labels) or two_level_header(found.rows, labels)
    top = found.rows[: header[0]] if header else found.rows
    rest: list[list[Cell]] = []
    index = 0
    while index < len(top):
        row = top[index]
        if titles := reader.execution_titles(row):
            index = reader.execution_block(top, index, titles)
        elif titles := reader.goal_titles(row):
            index = reader.goals_block(top, index, titles)
        else:
            rest.append(row)
            index += 1
    fields = read_fields(rest, _field_labels(profile))
    anchor: Item = fields.labels.get(F.PROJECT_NAME) or found.first
    name = text_field(source, fields.cell(F.PROJECT_NAME))
    if not name and found.title is not None and found.title.name:
        name = found.title.name
    data: dict[str, Any] = {F.PROJECT_NAME: name}
    if code := text_field(source, fields.cell(F.PROJECT_CODE)):
        data[F.PROJECT_CODE] = vocab.squash(code)
    for key in (F.SUPERVISOR, F.IMPLEMENTER):
        if text := text_field(source, fields.cell(key)):
            data[key] = text
    for key in (F.INITIAL_BUDGET, F.FULL_YEAR_BUDGET, F.EXECUTED):
        if (amount := amount_field(source, fields.cell(key), key)) is not None:
            reader.execution.setdefault(key, amount)
    if (date_cell := fields.cell(vocab.MONITOR_DATE)) is not None:
        date_cell.use()
    goals = reader.goals or text_field(source, fields.cell(F.GOALS))
    budget_key = F.INITIAL_BUDGET if reader.execution.get(F.INITIAL_BUDGET) is not None else F.FULL_YEAR_BUDGET
    amount = reader.execution.get(budget_key)
    data[F.AMOUNT] = amount
    if goals:
        data[F.GOALS] = goals
    indicators, anchors = reader.indicators(found.rows, header, labels) if header else ([], [])
    data[F.INDICATORS] = indicators
    execution = dict(reader.execution)
    if reader.monitored:
        execution[F.MONITORING] = sorted(reader.monitored, key=lambda m: m[F.COVER_DATE])
    if execution:
        data[F.EXECUTION] = execution
    if reader.conclusion:
        data[F.CONCLUSION] = reader.conclusion
    draft = ResultsDraft(
        source=source,
        found=found,
        layout=found.layout,
        data=data,
        name=name,
        anchor=anchor,
        amount=amount,
        amount_item=anchor,
        requires=profile.requires if profile is not None and profile.requires else "自评",
        anchors=anchors,
        typed=reader.typed,
    )
    if code:
        draft.codes.append(Hint(data[F.PROJECT_CODE], fields.cell(F.PROJECT_CODE) or anchor, F.PROJECT_CODE))
    if amount is not None:
        form = FORM_NAMES[draft.requires == "监控"]
        draft.corrections.append(f"原表是{form}，没有单独的项目金额一栏，{format(amount, 'f')} 取自项目资金的{budget_key}。")
    context_hints(found, draft)
    draft.cost_level1 = any(row.get(F.LEVEL1) == "成本指标" for row in indicators)
    compare_derived(draft)
    return draft


# --- what the form prints that jixiao derives -------------------------------------------------------------


def _shown(value: Any) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _agrees(typed: str, computed: Any) -> bool:
    """Whether the form's figure is the computed one, to the places the form writes ("86%" for 86.20%)."""
    if isinstance(computed, str):
        return vocab.norm(typed) == computed
    number = vocab.number(typed.replace("%", "").replace("％", ""))
    if number is None or computed is None:
        return False
    exponent = number.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    step = Decimal(1).scaleb(-places)
    return bool(Decimal(computed).quantize(step, rounding=ROUND_HALF_UP) == number.quantize(step, rounding=ROUND_HALF_UP))


def compare_derived(draft: ResultsDraft) -> None:
    """Report (I057) each derived figure the form prints that differs from what jixiao computes from the data read."""
    if not draft.typed:
        return
    rules = draft.found.profile.regional.scoring if draft.found.profile is not None else NATIONAL.scoring
    data = {k: v for k, v in draft.data.items() if v is not None}
    try:
        project = Project.from_doc(Document(draft.source.path, draft.source.shown, "", data))
        result = scoring.evaluate(project, rules)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return  # a table too broken to score: the check of the written file says what is wrong
    by_index = {s.indicator.index: s for s in result.indicators}
    e = result.execution
    points_off: list[Typed] = []
    for typed in draft.typed:
        kind = typed.key[0]
        computed: Any = None
        if kind == "indicator":
            s = by_index.get(typed.key[1])
            if s is not None:
                computed = {vocab.POINTS: scoring.cents(s.points), vocab.SCORE: s.score, vocab.STATUS: s.status}[typed.key[2]]
        elif kind == "execution":
            rate = None if e.rate is None else scoring.cents(e.rate * 100)
            computed = {vocab.POINTS: scoring.cents(e.points), vocab.RATE: rate, vocab.SCORE: e.score}[typed.key[1]]
        elif kind == "monitored":
            executed = next(
                (
                    to_decimal(m.get(F.MONITOR_EXECUTED))
                    for m in draft.data.get(F.EXECUTION, {}).get(F.MONITORING, [])
                    if m.get(F.COVER_DATE) == typed.key[1]
                ),
                None,
            )
            computed = scoring.cents(executed / e.budget * 100) if executed is not None and e.budget else None
        elif kind == "total":
            computed = result.total
        elif kind == "grade":
            computed = result.grade
        if computed is None or _agrees(typed.cell.text, computed):
            continue
        if kind == "indicator" and typed.key[2] == vocab.POINTS:
            points_off.append(typed)  # the unit's own weights: once per table, not once per indicator
            continue
        draft.source.report("I057", typed.cell, what=typed.what, typed=excerpt(typed.cell.text), computed=_shown(computed))
    if points_off:
        first = points_off[0]
        s = by_index[first.key[1]]
        draft.source.report(
            "I057",
            first.cell,
            what=f"本表 {len(points_off)} 个指标的分值（如{first.what}）",
            typed=excerpt(first.cell.text),
            computed=_shown(scoring.cents(s.points)),
        )
