"""The data model: regions, units, projects and indicators, with English names.

The YAML keys are the Chinese column names of the official tables; this module is the one place
where they are mapped to English attributes. Objects are built only from documents that passed
the schema, so the types here can be trusted by the rules and the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.data import fields as F
from generator.data import regional as regionals
from generator.data import remembered
from generator.data.load import REGION_FILE, Document, by_content
from generator.data.normalize import as_number
from generator.data.tree import UnitFolder
from generator.diagnostics import FieldPath
from generator.errors import BuildError

MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
# What a published table may lack (原表不全.缺少), besides F.INDICATORS (some indicator rows) and F.BREAKDOWN.
MISSING_HEADER = "表头"
MISSING_PROJECTS = "项目"


def to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):  # only from hand-built data; files give Decimal
        return Decimal(str(value))
    return None


@dataclass(frozen=True)
class Acknowledgement:
    code: str
    field: str
    reason: str
    index: int


@dataclass
class Indicator:
    """One row of a 绩效指标 table."""

    index: int
    level1: str
    level2: str
    name: str | None
    operator: str | None
    value: Any
    unit: str
    note: str
    basis: str
    remark: str
    weight: Decimal | None
    direction: str | None
    path: FieldPath
    nature: str | None = None  # 定量 / 定性, where the form has the column
    scoring: str = ""
    medium_value: Any = None  # 中期指标值, beside the year's value
    actual: Any = None  # 实际完成值 of the self-evaluation; None before the year's end
    monitoring: list[tuple[str, Any]] = field(default_factory=list)  # (日期, 完成值) in the order written
    deviation: str = ""
    improvement: str = ""
    row: dict[str, Any] = field(default_factory=dict, repr=False)  # the row as written, for the layout's 必填

    @classmethod
    def from_yaml(cls, index: int, row: dict[str, Any], base: FieldPath) -> Indicator:
        return cls(
            index=index,
            level1=row[F.LEVEL1],
            level2=row[F.LEVEL2],
            name=row.get(F.LEVEL3),
            operator=row.get(F.OPERATOR),
            value=row.get(F.VALUE),
            unit=(row.get(F.MEASURE) or "").strip(),
            note=row.get(F.NOTE, ""),
            basis=row.get(F.BASIS, ""),
            remark=row.get(F.REMARK, ""),
            weight=to_decimal(row.get(F.WEIGHT)),
            direction=row.get(F.DIRECTION),
            path=base + (index,),
            nature=row.get(F.NATURE_OF_VALUE),
            scoring=row.get(F.SCORING, ""),
            medium_value=row.get(F.MEDIUM_TERM_VALUE),
            actual=row.get(F.ACTUAL),
            monitoring=[(m[F.COVER_DATE], m[F.MONITOR_VALUE]) for m in row.get(F.MONITORING) or []],
            deviation=row.get(F.DEVIATION, ""),
            improvement=row.get(F.IMPROVEMENT, ""),
            row=row,
        )

    @property
    def is_placeholder(self) -> bool:
        """A printed row for an unused 二级指标 ("/" or blank on the form)."""
        return self.name is None

    @property
    def is_qualitative(self) -> bool:
        """A target in words: 定性 as its type or nature, or a value with no sign that is no number (a form
        that prints "优良" or "2023.07-2024.01" in its 指标值及单位 column)."""
        if self.operator == "定性" or self.nature == "定性":
            return True
        return (
            self.operator is None
            and self.nature is None
            and isinstance(self.value, str)
            and to_decimal(self.value) is None
            and not _numeric_text(self.value)
        )

    @property
    def has_sign(self) -> bool:
        """Whether the form printed a comparison sign (or 定性) for this row."""
        return self.operator is not None

    @property
    def number(self) -> Decimal | None:
        return to_decimal(self.value)

    def field(self, key: str) -> FieldPath:
        return self.path + (key,)


def _numeric_text(text: str) -> bool:
    return as_number(text) is not None


def _missing(data: dict[str, Any]) -> frozenset[str]:
    """What the published table lacks (原表不全.缺少), as the editor declared it."""
    marker = data.get(F.INCOMPLETE)
    return frozenset(marker.get(F.MISSING) or ()) if isinstance(marker, dict) else frozenset()


def _indicators(rows: list[dict[str, Any]] | None, base: FieldPath) -> list[Indicator]:
    return [Indicator.from_yaml(i, row, base) for i, row in enumerate(rows or [])]


def _acknowledgements(data: dict[str, Any]) -> list[Acknowledgement]:
    return [
        Acknowledgement(code=a[F.ACK_CODE], field=a.get(F.ACK_WHERE, ""), reason=a[F.ACK_REASON], index=i)
        for i, a in enumerate(data.get(F.ACKNOWLEDGED) or [])
    ]


@dataclass
class Region:
    doc: Document
    name: str
    code: str | None
    layout: str
    framework: int
    money_unit: str
    satisfaction_floor: Decimal
    # What the region's layout folder declares (generator.data.regional); the national defaults when the
    # layout does not exist (L001 reports that).
    regional: regionals.Regional = field(default=regionals.NATIONAL)

    @classmethod
    def from_doc(cls, doc: Document) -> Region:
        d = doc.data
        layout = d.get(F.LAYOUT) or regionals.DEFAULT_LAYOUT
        declared = regionals.regional(layout, doc.path.parent) or regionals.NATIONAL
        return cls(
            doc=doc,
            name=d[F.REGION_NAME],
            code=d.get(F.REGION_CODE),
            layout=layout,
            framework=d.get(F.FRAMEWORK) or declared.framework or 2021,
            money_unit=d.get(F.MONEY_UNIT) or declared.money_unit or "万元",
            satisfaction_floor=to_decimal(d.get(F.SATISFACTION_FLOOR)) or Decimal(85),
            regional=declared,
        )

    @property
    def folder(self) -> Path:
        return self.doc.path.parent

    def to_money_unit(self, value: Decimal, unit: str) -> Decimal:
        """Convert an amount in ``unit`` (元/万元/亿元) to the region's money unit."""
        return value * MONEY_UNITS[unit] / MONEY_UNITS[self.money_unit]


@dataclass
class Project:
    doc: Document
    name: str
    code: str | None
    category: str | None
    budget: Decimal | None
    period: str | None
    goals: list[str]
    printed_unit_name: str | None
    remark: str
    funding: dict[str, Decimal]
    spending_plan: dict[str, Decimal]
    indicators: list[Indicator]
    acknowledgements: list[Acknowledgement]
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    missing: frozenset[str] = frozenset()  # what the published table lacks (原表不全)
    execution: dict[str, Any] = field(default_factory=dict)  # 预算执行 as written (monitoring and self-evaluation)
    conclusion: dict[str, Any] = field(default_factory=dict)  # 自评结论 as written
    execution_weight: Decimal | None = None  # 预算执行率权重 as the table states it

    @property
    def evaluated(self) -> bool:
        """Whether the file carries a self-evaluation or monitoring, beside its targets."""
        return bool(self.execution or self.conclusion) or any(ind.actual is not None or ind.monitoring for ind in self.indicators)

    @classmethod
    def from_doc(cls, doc: Document) -> Project:
        d = doc.data
        goals = d.get(F.GOALS, [])
        return cls(
            doc=doc,
            name=d[F.PROJECT_NAME],
            code=d.get(F.PROJECT_CODE),
            category=d.get(F.CATEGORY),
            budget=to_decimal(d.get(F.AMOUNT)),
            period=d.get(F.PERIOD),
            goals=[goals] if isinstance(goals, str) else list(goals),
            printed_unit_name=d.get(F.FILLED_BY),
            remark=d.get(F.REMARK, ""),
            funding={k: Decimal(v) for k, v in (d.get(F.FUNDING) or {}).items()},
            spending_plan={k: Decimal(v) for k, v in (d.get(F.SPENDING_PLAN) or {}).items()},
            indicators=_indicators(d.get(F.INDICATORS), (F.INDICATORS,)),
            acknowledgements=_acknowledgements(d),
            breakdown=[item for item in d.get(F.BREAKDOWN) or [] if isinstance(item, dict)],
            missing=_missing(d),
            execution=dict(d.get(F.EXECUTION) or {}),
            conclusion=dict(d.get(F.CONCLUSION) or {}),
            execution_weight=to_decimal(d.get(F.EXECUTION_WEIGHT)),
        )


@dataclass
class DepartmentTable:
    """The 部门整体支出绩效目标表 of a unit (Hunan and similar layouts)."""

    printed_unit_name: str | None
    duties: list[str]
    tasks: list[dict[str, Any]]
    budget: dict[str, Any]
    indicators: list[Indicator]

    BASE: FieldPath = (F.DEPARTMENT_TABLE,)

    @classmethod
    def from_yaml(cls, d: dict[str, Any]) -> DepartmentTable:
        return cls(
            printed_unit_name=d.get(F.FILLED_BY),
            duties=list(d.get(F.DUTIES) or []),
            tasks=list(d.get(F.TASKS) or []),
            budget=dict(d.get(F.BUDGET) or {}),
            indicators=_indicators(d.get(F.INDICATORS), cls.BASE + (F.INDICATORS,)),
        )


@dataclass
class Unit:
    doc: Document
    name: str
    code: str | None
    finance_officer: str
    preparer: str
    department: DepartmentTable | None
    narrative: dict[str, Any] | None
    acknowledgements: list[Acknowledgement]
    year: int
    region: Region
    projects: list[Project] = field(default_factory=list)
    stated_total: Decimal | None = None  # 项目支出合计 as the form printed it
    missing: frozenset[str] = frozenset()

    @classmethod
    def from_doc(cls, doc: Document, year: int, region: Region) -> Unit:
        d = doc.data
        table = d.get(F.DEPARTMENT_TABLE)
        return cls(
            doc=doc,
            name=d[F.UNIT_NAME],
            code=d.get(F.UNIT_CODE),
            finance_officer=d.get(F.FINANCE_OFFICER, ""),
            preparer=d.get(F.PREPARER, ""),
            department=DepartmentTable.from_yaml(table) if table is not None else None,
            narrative=d.get(F.DEPARTMENT_NARRATIVE),
            acknowledgements=_acknowledgements(d),
            year=year,
            region=region,
            stated_total=to_decimal(d.get(F.STATED_PROJECT_TOTAL)),
            missing=_missing(d),
        )

    @property
    def project_total(self) -> Decimal:
        return sum((p.budget for p in self.projects if p.budget is not None), Decimal(0))


def read_document(path: Path, raw: bytes | None = None) -> Document:
    """A data file that passed the check (its bytes ``raw`` when they were read already), read again to be
    published; BuildError when it no longer loads (changed since the check ran)."""
    from generator.data.load import display_path, load, load_bytes

    loaded = load(path) if raw is None else load_bytes(raw, path, display_path(path))
    if isinstance(loaded, Document):
        return loaded
    raise BuildError(f"{loaded.path}：{loaded.message}（文件在检查之后被改动了？请重新运行）")


@by_content
def read_region(path: Path, raw: bytes | None) -> Region:
    """A region's 地区.yaml as a Region, made once per process for each content of the file."""
    return Region.from_doc(read_document(path, raw))


def load_unit(folder: UnitFolder) -> Unit:
    """A unit folder that passed the check, as the model: its region, its unit file and its projects (in
    the order of their files)."""
    unit_doc, *project_docs = read_unit_documents([folder.unit_file, *folder.project_files])
    unit = Unit.from_doc(unit_doc, folder.year, read_region(folder.region_dir / REGION_FILE))
    unit.projects = [Project.from_doc(doc) for doc in project_docs]
    return unit


def read_unit_documents(paths: list[Path]) -> list[Document]:
    """The files of a unit folder that passed the check (its unit file, then its projects), read again to
    be published: their data as the check kept it (generator.data.remembered) when their bytes are the
    ones it checked, which spares parsing them a second time (a millisecond a file); else parsed."""
    from generator.data.load import decode, display_path, kind_of, read

    shown = [display_path(path) for path in paths]
    raws = [raw for path, name in zip(paths, shown, strict=True) if isinstance(raw := read(path, name), bytes)]
    if len(raws) != len(paths):  # a file gone or refused since the check: said by read_document
        return [read_document(path) for path in paths]
    kinds = [kind_of(path) for path in paths]
    data = remembered.recall_unit(remembered.unit_key(list(zip(kinds, raws, strict=True))), len(paths))
    texts = [text for raw, name in zip(raws, shown, strict=True) if isinstance(text := decode(raw, name), str)]
    if data is None or len(texts) != len(paths):
        return [read_document(path, raw) for path, raw in zip(paths, raws, strict=True)]
    return [
        Document(path=path, display=name, text=text, data=items, kind=kind)
        for path, name, text, items, kind in zip(paths, shown, texts, data, kinds, strict=True)
    ]
