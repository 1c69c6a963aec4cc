"""The forms an import can recognise: every table of every layout folder, as the layout declares it.

Nothing here names a region. Each table of each layout (a data repository's 版式/ first, then the built-in
ones: generator.data.regional) becomes a ``Profile``: what kind of table it is (a project's table, a unit's
部门整体 table, the 汇总表, or a sheet of every project's indicators, one row each), the words of its title,
the labels that identify it (its ``识别`` declaration, else every label it prints), and, for reading it,
the labels of each field and of each indicator column, with the layout's 栏目别名. A table of a source is
matched against every profile by the labels it holds (``best``); the reader then reads it with that
profile's labels, so that a column headed 指标方向 is 指标值类型 in one layout and 指标方向 in another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from generator.data import fields as F
from generator.data import regional as regionals
from generator.data.normalize import halfwidth, squash
from generator.data.regional import Regional
from generator.render.form import LayoutError
from generator.render.layout import (
    MONEY,
    PLACEHOLDER,
    PROJECTS,
    VALUE_WITH_OPERATOR,
    DetailSpec,
    FormSpec,
    GridSpec,
    IndicatorSpec,
    ParagraphSpec,
    ProjectIndicatorSpec,
    RowSpec,
    load_folder,
)
from generator.render.layout import (
    PROJECT as LAYOUT_PROJECT,
)

PROJECT = "project"
DEPARTMENT = "department"
SUMMARY = "summary"
ROWS = "rows"  # every project's indicators on one sheet, one row each
KINDS = (PROJECT, ROWS, DEPARTMENT, SUMMARY)
YEARS = frozenset({"年度", "上年", "前年"})  # placeholders that print a year: four digits
TITLE_MATCH = 2.0  # a title that names the form weighs as much as two of its labels


def norm(text: str) -> str:
    """A label as compared: no white space, half-width, without a trailing colon or a bracketed unit."""
    flat = squash(halfwidth(text)).rstrip(":")
    return re.sub(r"\([^()]*\)$", "", flat) or flat


@dataclass(frozen=True)
class Detail:
    """A list field of a project printed as rows under a row of column titles (湖北's 项目预算成本构成)."""

    path: str
    columns: tuple[tuple[str, str, bool], ...]  # (title as printed, may hold {前年}; field; an amount)
    total: str | None = None  # the label of its 合计 row


@dataclass(frozen=True)
class Profile:
    """One table of one layout, as an import reads it."""

    layout: str
    form: str
    kind: str
    titles: tuple[str, ...]
    marks: tuple[str, ...]
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # data path → labels
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # indicator column → headings
    templates: dict[str, str] = field(default_factory=dict)  # label → the text a cell is printed from
    regional: Regional = regionals.NATIONAL
    lists: tuple[str, ...] = ()  # fields imported as a list even when the form writes one item (识别.逐条)
    total: tuple[str, str] | None = None  # a sheet's 合计 row: its label's text and the field of its figure
    narrative: bool = False  # the table is the 部门整体绩效目标 text, paragraphs under headings
    details: tuple[Detail, ...] = ()  # a project's list fields printed as rows (预算明细)
    title: str = ""  # as the layout writes it: "{项目名称}项目绩效目标表"
    requires: str | None = None  # 需要: 自评 or 监控 — a self-evaluation or monitoring table (selfeval.py reads it)

    def score(self, texts: set[str], titles: list[str]) -> float:
        """How well a table holding the labels ``texts`` (normalised) under ``titles`` fits this form."""
        if not self.marks:
            return 0.0
        found = sum(1 for mark in self.marks if mark in texts)
        named = any(word in title for word in self.titles for title in titles)
        return float(found / len(self.marks) * len(self.marks) ** 0.5 + (TITLE_MATCH if named else 0.0))

    def share(self, texts: set[str]) -> float:
        """The part of this form's identifying labels that a table holding ``texts`` shows."""
        return sum(1 for mark in self.marks if mark in texts) / len(self.marks) if self.marks else 0.0

    def column_of(self, heading: str) -> str | None:
        key = norm(heading)
        for column, headings in self.columns.items():
            if key in headings:
                return column
        return None


def _kind(form: FormSpec) -> str:
    rows = [row for block in form.blocks if isinstance(block, GridSpec) for row in block.rows]
    if any(isinstance(row, ProjectIndicatorSpec) for row in rows):
        return ROWS  # a project's own table of that shape is read the same way
    if form.subject == LAYOUT_PROJECT:
        return PROJECT
    if any(isinstance(row, DetailSpec) and row.source == PROJECTS for row in rows):
        return SUMMARY
    return DEPARTMENT


def _title_words(form: FormSpec) -> tuple[str, ...]:
    declared = form.recognition.get("标题")
    if declared:
        return tuple(norm(word) for word in declared)
    pieces = [norm(piece) for piece in PLACEHOLDER.split(form.title)]
    longest = max(pieces, key=len, default="")
    return (longest,) if len(longest) >= 4 else ()


def _indicator_columns(form: FormSpec) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in form.blocks:
        for row in block.rows if isinstance(block, GridSpec) else ():
            if isinstance(row, IndicatorSpec | ProjectIndicatorSpec):
                for column in row.columns:
                    if isinstance(row, IndicatorSpec) or column.indicator:
                        key = F.VALUE if column.path == VALUE_WITH_OPERATOR else column.path
                        found.setdefault(key, []).append(norm(column.title) if column.title else "")
    return found


def _templates(form: FormSpec) -> dict[str, str]:
    """Label → a value cell printed from several fields ("({项目类别编码}){项目类别}")."""
    found: dict[str, str] = {}
    for block in form.blocks:
        for row in block.rows if isinstance(block, GridSpec) else ():
            if isinstance(row, RowSpec):
                for before, cell in zip(row.cells, row.cells[1:], strict=False):
                    if cell.path and "{" in cell.path and before.text and "{" not in before.text:
                        found[norm(before.text)] = cell.path
            if isinstance(row, ProjectIndicatorSpec):
                for column in row.columns:
                    if not column.indicator and "{" in column.path:
                        found[norm(column.title)] = column.path
    return found


def _details(form: FormSpec) -> tuple[Detail, ...]:
    found = []
    for block in form.blocks:
        for row in block.rows if isinstance(block, GridSpec) else ():
            if isinstance(row, DetailSpec) and row.source != PROJECTS and form.subject == LAYOUT_PROJECT:
                found.append(
                    Detail(
                        row.source,
                        tuple((c.title, c.path, c.fmt == MONEY) for c in row.columns),
                        row.total.label if row.total is not None else None,
                    )
                )
    return tuple(found)


def _total(form: FormSpec) -> tuple[str, str] | None:
    for block in form.blocks:
        for row in block.rows if isinstance(block, GridSpec) else ():
            if isinstance(row, ProjectIndicatorSpec) and row.total is not None and row.total.stated:
                return row.total.label, row.total.stated
    return None


def profile(layout: str, form: FormSpec, regional: Regional) -> Profile:
    labels = {path: [norm(label) for label in found] for path, found in form.labels().items()}
    columns = _indicator_columns(form)
    for path in columns:
        labels.pop(path, None)
    for path, aliases in regional.label_aliases.items():
        if path in columns:
            continue  # an alias of a column name is a heading of that column below
        labels.setdefault(path, []).extend(norm(alias) for alias in aliases)
    for path, aliases in regional.label_aliases.items():
        if path in columns:
            columns[path].extend(norm(alias) for alias in aliases)
    declared = form.recognition.get("栏目")
    everything = [label for found in (*labels.values(), *columns.values()) for label in found]
    marks = [norm(mark) for mark in declared] if declared else everything
    templates = _templates(form)
    if not declared:
        marks += list(templates)
    return Profile(
        layout=layout,
        form=form.name,
        kind=_kind(form),
        titles=_title_words(form),
        marks=tuple(dict.fromkeys(m for m in marks if m)),
        fields={path: tuple(dict.fromkeys(v for v in found if v)) for path, found in labels.items()},
        columns={path: tuple(dict.fromkeys(v for v in found if v)) for path, found in columns.items()},
        templates=templates,
        regional=regional,
        lists=form.recognition.get("逐条", ()),
        total=_total(form),
        details=_details(form),
        title=form.title,
        requires=form.requires,
        narrative=any(isinstance(b, ParagraphSpec) and b.path.startswith(F.DEPARTMENT_NARRATIVE) for b in form.blocks),
    )


def roots(out: Path | None) -> list[Path]:
    """Where layouts are found for a data repository at ``out``: its 版式/ first, then the built-in ones."""
    return [*([out / regionals.REPOSITORY_FOLDER] if out is not None else []), regionals.BUILT_IN]


@cache
def profiles(out: Path | None = None) -> tuple[Profile, ...]:
    """Every table of every layout a data repository at ``out`` can use (a broken layout is left out:
    ``jixiao check`` reports it)."""
    found: dict[str, Path] = {}
    for root in roots(out):
        if root.is_dir():
            for folder in sorted(root.iterdir()):
                if regionals.valid_name(folder.name) and (folder / regionals.LAYOUT_FILE).is_file() and folder.name not in found:
                    found[folder.name] = folder
    out_profiles: list[Profile] = []
    for name, folder in sorted(found.items()):
        try:
            layout = load_folder(folder)
        except (LayoutError, OSError):
            continue
        out_profiles.extend(profile(name, form, layout.regional) for form in layout.forms)
    return tuple(out_profiles)


def best(
    texts: set[str], titles: list[str], kinds: tuple[str, ...], out: Path | None = None, share: float = 0.0
) -> Profile | None:
    """The profile of one of ``kinds`` that fits a table best, among those of which the table holds at least
    ``share`` of the identifying labels; None when none shares a label with it."""
    scored = [p for p in profiles(out) if p.kind in kinds and p.share(texts) >= share and p.score(texts, titles) > 0]
    return fittest(scored, texts, titles)


def fittest(candidates: list[Profile], texts: set[str], titles: list[str]) -> Profile | None:
    """The profile that fits best, the first of equals; but of the built-in layouts, the national (通用) one of
    the same kind wherever it accounts for every label the best one found. Many regions print the national
    forms with a label or two of their own; a table that shows none of those is the national form (the layout
    every region without one of its own uses, from which regional layouts inherit), whichever region declared
    it too."""
    if not candidates:
        return None
    best = max(enumerate(candidates), key=lambda item: (item[1].score(texts, titles), -item[0]))[1]
    if best.regional.folder is None or best.regional.folder.parent != regionals.BUILT_IN:
        return best  # a data repository's own layout: it is there for its forms
    found = set(best.marks) & texts
    for profile in candidates:
        if (
            profile.layout == regionals.DEFAULT_LAYOUT
            and (profile.kind, profile.requires) == (best.kind, best.requires)
            and found <= set(profile.marks)
            and profile.score(texts, titles) > 0
        ):
            return profile
    return best


def from_template(template: str, text: str) -> dict[str, str] | None:
    """The fields a cell printed from ``template`` holds: "({项目类别编码}){项目类别}" and "(31)部门预算项目"
    → {项目类别编码: 31, 项目类别: 部门预算项目}; None when the cell is not of that shape."""
    names = PLACEHOLDER.findall(template)
    pattern = "".join(
        (rf"(?P<g{i // 2}>\d{{4}})" if piece in YEARS else f"(?P<g{i // 2}>.*?)") if i % 2 else re.escape(norm_brackets(piece))
        for i, piece in enumerate(PLACEHOLDER.split(template))
    )
    found = re.fullmatch(pattern, norm_brackets(text.strip()), re.S)
    if found is None:
        return None
    values = {name: found.group(f"g{i}").strip() for i, name in enumerate(names)}
    return values if all(values.values()) else None


def norm_brackets(text: str) -> str:
    return text.replace("（", "(").replace("）", ")").replace("：", ":")


_TABLES: dict[tuple[int, int], dict[str, tuple[str, ...]]] = {}


def merged(own: dict[str, tuple[str, ...]], base: Mapping[str, tuple[str, ...]], keep: Profile) -> dict[str, tuple[str, ...]]:
    """A label table: a layout's own labels (``own``: key → labels) first, then the shared ones of ``base``
    that the layout does not give another meaning (内蒙古 heads its 指标值类型 column 指标方向). Cached by
    ``keep``, whose table ``own`` is (profiles live as long as the process, so their ids stay theirs)."""
    key = (id(keep), id(base))
    if key in _TABLES:
        return _TABLES[key]
    taken = {label: name for name, labels in own.items() for label in labels}
    table = {name: tuple(labels) for name, labels in own.items()}
    for name, labels in base.items():
        free = tuple(label for label in labels if taken.get(norm(label), name) == name)
        table[name] = tuple(dict.fromkeys((*table.get(name, ()), *free)))
    _TABLES[key] = table
    return table


def grid_labels(found: Profile | None, base: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    """The headings of the indicator columns of ``found``'s grid (the shared ones without a profile)."""
    return base if found is None else merged(found.columns, base, found)


def field_labels(found: Profile | None, base: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    """The labels of the header fields of ``found``'s table, keyed as ``base`` keys them (a path under
    资金来源 by the source's name), the shared ones after them."""
    if found is None:
        return base
    own: dict[str, tuple[str, ...]] = {}
    for path, labels in found.fields.items():
        key = path.split(".", 1)[1] if path.startswith(F.FUNDING + ".") else path
        own[key] = tuple(dict.fromkeys((*own.get(key, ()), *labels)))
    own.update({label: (label,) for label in found.templates})
    cached = (id(found), -id(base))
    if cached not in _TABLES:
        table = {name: tuple(labels) for name, labels in own.items()}
        taken = {label: name for name, labels in own.items() for label in labels}
        for name, labels in base.items():
            free = tuple(label for label in labels if taken.get(norm(label), name) == name)
            table[name] = tuple(dict.fromkeys((*table.get(name, ()), *free)))
        _TABLES[cached] = table
    return _TABLES[cached]


def needs(columns: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """The headings a grid must have to be found: a grid without a 一级指标 column needs none."""
    wanted = {F.LEVEL1, F.LEVEL2, F.LEVEL3, F.VALUE}
    return frozenset(wanted & set(columns)) if F.LEVEL1 not in columns and columns else frozenset(wanted)


def cycle_profiles(out: Path | None = None) -> tuple[Profile, ...]:
    """The tables of every layout that print a self-evaluation or monitoring (需要: 自评 or 监控)."""
    return tuple(p for p in profiles(out) if p.requires)


def narrative_layouts(out: Path | None = None) -> list[str]:
    """The layouts that print the 部门整体绩效目标 as text, in the order they are found."""
    return list(dict.fromkeys(p.layout for p in profiles(out) if p.narrative))


def title_fits(title: str, text: str) -> bool:
    """Whether a cell reads as a column title that may hold placeholders ("{前年}年实际执行数": 2020年实际执行数)."""
    if "{" not in title:
        return norm(title) == norm(text)
    return from_template(title, squash(text)) is not None  # a title wrapped in its cell ("2020年实\n际执行数")
