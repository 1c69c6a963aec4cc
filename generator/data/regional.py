"""What a layout folder says about its region, beyond how its forms look: the layout folder is the region.

A layout (版式) is a folder with a ``layout.yaml``. The built-in ones are under generator/templates/official/;
a data repository may carry its own in a ``版式/`` folder beside its region folders (data/版式/<名称>/),
found first, so that a county with a form nobody coded adds a folder, not code. Besides the look of the
forms (generator.render.layout reads that part), a layout.yaml declares what the checks, the importer and
the entry template need to know about the region's forms:

- 金额单位, 指标体系: the defaults for a region that names the layout and leaves them out;
- 必填: the fields its forms require (项目, 单位, 指标: each indicator row);
- 增设二级指标: placements its forms have beyond the national framework (a 2015-style form lists
  服务对象满意度指标 under 效益指标);
- 印作: how its forms print a value (服务对象满意度指标 → 社会公众或服务对象满意度指标, 正向 → 正向指标);
- 栏目别名 and 取值别名: other spellings of labels and values an import accepts;
- 资金来源: which sources add up to the amount (部分), which are a part of another (其中), which stand apart
  (另列);
- 项目编码: how a project code is made (its length, and the pieces it starts with);
- 录入模板: the shape of the Excel entry template;
- 自评: how the region scores a self-evaluation (the points of each 一级指标 and of 预算执行率, and what share
  of its points a qualitative result earns), where it departs from 财预〔2020〕10号 (SelfEvaluationRules).

The file is validated by schema/layout.schema.json (generator.render.layout_check reports every mistake at
its line); this module reads what it can and never raises on a broken file, so that a check still runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator import cache
from generator.data import fields as F
from generator.data.load import by_content

BUILT_IN = Path(__file__).resolve().parent.parent / "templates" / "official"
REPOSITORY_FOLDER = F.LAYOUT  # a data repository's own layouts, beside its region folders
LAYOUT_FILE = "layout.yaml"
COMMON = "_共用"  # the built-in folder of templates shared by all layouts: not a layout
DEFAULT_LAYOUT = "通用"  # the national forms (财预〔2015〕88号), for a region that names no layout

PROJECT = "项目"
UNIT = "单位"
INDICATOR = "指标"


def valid_name(name: str) -> bool:
    """A layout name is a folder name, never a path out of the folder."""
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith((".", "_")) and name not in (".", "..")


def search_path(region_dir: Path | None = None) -> list[Path]:
    """Where layouts are looked for, first found first: the data repository's 版式/ beside the region
    folder, then the built-in ones."""
    roots = [region_dir.parent / REPOSITORY_FOLDER] if region_dir is not None else []
    return [*roots, BUILT_IN]


def find(name: str, region_dir: Path | None = None) -> Path | None:
    """The folder of the layout called ``name`` for a region in ``region_dir`` (None: built-in only)."""
    if not valid_name(name):
        return None
    for root in search_path(region_dir):
        folder = root / name
        if (folder / LAYOUT_FILE).is_file() and not (folder / LAYOUT_FILE).is_symlink():
            return folder
    return None


def available(region_dir: Path | None = None) -> list[str]:
    names: set[str] = set()
    for root in search_path(region_dir):
        if root.is_dir():
            names |= {p.name for p in root.iterdir() if valid_name(p.name) and (p / LAYOUT_FILE).is_file()}
    return sorted(names)


@dataclass(frozen=True)
class Funding:
    """How a form's 资金来源 add up: ``parts`` make the amount, each of ``subsets`` is a part of another source
    (其中), ``apart`` stand beside the amount and are never added."""

    parts: tuple[str, ...] | None = None  # None: every source but the subsets and those apart
    subsets: dict[str, str] = field(default_factory=lambda: {F.SUPERIOR_FUNDS: F.FINANCE_FUNDS})
    apart: tuple[str, ...] = ()

    def adding(self, sources: dict[str, Any]) -> list[str]:
        """The sources of ``sources`` that add up to the amount."""
        if self.parts is not None:
            return [k for k in sources if k in self.parts]
        return [k for k in sources if k not in self.subsets and k not in self.apart]


def _fractions(pairs: dict[str, int]) -> dict[str, Decimal]:
    return {k: Decimal(v) / 100 for k, v in pairs.items()}


# 财预〔2020〕10号《项目支出绩效评价管理办法》: a unit's self-evaluation gives 产出 50, 效益 30, 满意度 10 and
# 预算执行率 10 points unless the table states each indicator's weight. 成本指标 was a part of 产出指标 when the
# rule was written (the 2015 framework); under the 2021 framework its indicators share 产出指标's points.
DEFAULT_POINTS = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
DEFAULT_EXECUTION_POINTS = Decimal(10)
DEFAULT_POOLED = {"成本指标": "产出指标"}
# The share of its points a qualitative indicator earns from its result. 10号 grades a qualitative result in three
# tiers (达成年度指标 100–80%, 部分达成 80–60%, 未达成 60–0%): a tier scores its lower bound except 达成, which
# scores in full as the published tables do; 好/较好/一般/差 is the common four-step scale.
DEFAULT_GRADES = _fractions(
    {
        "达成年度指标": 100,
        "达成预期指标": 100,
        "达成": 100,
        "完成": 100,
        "部分达成年度指标": 60,
        "部分达成预期指标": 60,
        "部分达成": 60,
        "部分完成": 60,
        "未达成年度指标": 0,
        "未达成预期指标": 0,
        "未达成": 0,
        "未完成": 0,
        "好": 100,
        "较好": 80,
        "一般": 60,
        "较差": 0,
        "差": 0,
    }
)


@dataclass(frozen=True)
class SelfEvaluationRules:
    """How a self-evaluation is scored (layout.yaml's 自评: 分值, 合并计分, 定性档次)."""

    points: dict[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    execution_points: Decimal = DEFAULT_EXECUTION_POINTS
    pooled: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_POOLED))
    grades: dict[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_GRADES))

    def grade_share(self, text: str) -> Decimal | None:
        """The share of the points a qualitative result earns: the longest declared grade it starts with
        ("部分达成年度指标并具有一定效果" is 部分达成年度指标), None when it names none."""
        text = text.strip()
        for word in sorted(self.grades, key=len, reverse=True):
            if text.startswith(word):
                return self.grades[word]
        return None


EXECUTION_RATE = "预算执行率"


def _self_evaluation(data: dict[str, Any]) -> SelfEvaluationRules:
    points = {
        str(k): Decimal(str(v))
        for k, v in _mapping(data.get("分值")).items()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    }
    execution = points.pop(EXECUTION_RATE, DEFAULT_EXECUTION_POINTS)
    grades = {
        str(k): Decimal(str(v)) / 100
        for k, v in _mapping(data.get("定性档次")).items()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    }
    pooled = {str(k): str(v) for k, v in _mapping(data.get("合并计分", DEFAULT_POOLED)).items()}
    return SelfEvaluationRules(
        points=points or dict(DEFAULT_POINTS), execution_points=execution, pooled=pooled, grades=grades or dict(DEFAULT_GRADES)
    )


@dataclass(frozen=True)
class Regional:
    """The regional declarations of one layout folder (see the module's docstring)."""

    name: str
    folder: Path | None
    money_unit: str | None = None
    framework: int | None = None
    required: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_level2: dict[str, tuple[str, ...]] = field(default_factory=dict)
    printed: dict[str, dict[str, str]] = field(default_factory=dict)
    label_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    value_aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    funding: Funding = field(default_factory=Funding)
    entry: dict[str, Any] = field(default_factory=dict)
    entry_code: dict[str, Any] = field(default_factory=dict)  # 项目编码: its length and how it starts
    scoring: SelfEvaluationRules = field(default_factory=SelfEvaluationRules)

    def requires(self, subject: str) -> tuple[str, ...]:
        return self.required.get(subject, ())

    def allows(self, level1: str, level2: str) -> bool:
        """Whether this layout's forms place ``level2`` under ``level1`` beyond the national framework."""
        return level2 in self.extra_level2.get(level1, ())

    def printed_value(self, key: str, value: Any) -> Any:
        """``value`` of the field ``key`` as this layout's forms print it."""
        if isinstance(value, str):
            return self.printed.get(key, {}).get(value, value)
        return value

    def canonical_value(self, key: str, text: str) -> str | None:
        """The value an import reads from ``text`` in the column of ``key``: the value printed as ``text``, or
        one of whose aliases ``text`` is; None when this layout says nothing of it."""
        for value, printed in self.printed.get(key, {}).items():
            if printed == text:
                return value
        for value, spellings in self.value_aliases.get(key, {}).items():
            if text in spellings:
                return value
        return None


NATIONAL = Regional(name=DEFAULT_LAYOUT, folder=None)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def from_data(data: Any, folder: Path | None) -> Regional:
    """The declarations of a layout.yaml's data; what is not written (or not well written: layout_check
    reports it) takes the national default."""
    data = _mapping(data)
    funding = _mapping(data.get(F.FUNDING))
    entry = _mapping(data.get("录入模板"))
    framework = data.get(F.FRAMEWORK)
    money_unit = data.get(F.MONEY_UNIT)
    return Regional(
        name=str(data.get("名称") or (folder.name if folder else DEFAULT_LAYOUT)),
        folder=folder,
        money_unit=money_unit if isinstance(money_unit, str) else None,
        framework=framework if isinstance(framework, int) and not isinstance(framework, bool) else None,
        required={k: _strings(v) for k, v in _mapping(data.get("必填")).items()},
        extra_level2={k: _strings(v) for k, v in _mapping(data.get("增设二级指标")).items()},
        printed={k: {str(a): str(b) for a, b in _mapping(v).items()} for k, v in _mapping(data.get("印作")).items()},
        label_aliases={k: _strings(v) for k, v in _mapping(data.get("栏目别名")).items()},
        value_aliases={
            k: {str(a): _strings(b) for a, b in _mapping(v).items()} for k, v in _mapping(data.get("取值别名")).items()
        },
        funding=Funding(
            parts=_strings(funding["部分"]) if "部分" in funding else None,
            subsets={str(k): str(v) for k, v in _mapping(funding.get("其中", {F.SUPERIOR_FUNDS: F.FINANCE_FUNDS})).items()},
            apart=_strings(funding.get("另列")),
        ),
        entry=dict(entry),
        entry_code=dict(_mapping(data.get(F.PROJECT_CODE))),
        scoring=_self_evaluation(_mapping(data.get("自评"))),
    )


@by_content
def read_file(path: Path, raw: bytes | None) -> Any:
    """The data of a layout.yaml (None when it cannot be read: layout_check says why). Parsed once per
    content: in this process (a layout edited while ``jixiao serve`` runs is read anew), and in the cache
    (the parse: 20 ms for a large layout, in every process that reads the layout, a one-file check
    included), keyed by the file's bytes."""
    try:
        if raw is None:
            raw = path.read_bytes()  # a link, as the layout's own loader reads it (layout_check reports it)
        entry = cache.key(LAYOUT_DATA, [raw])
        stored = cache.get(LAYOUT_DATA, entry)
        if isinstance(stored, list) and len(stored) == 1:  # wrapped: a layout file may hold null
            return stored[0]
        data = YAML(typ="safe").load(raw.decode("utf-8"))
    except (OSError, YAMLError, UnicodeDecodeError):
        return None
    if entry is not None and _plain_json(data):
        cache.put(LAYOUT_DATA, entry, [data])
    return data


LAYOUT_DATA = "layout-data"  # the cache's kind for a parsed layout.yaml


def _plain_json(data: Any) -> bool:
    """Whether ``data`` comes back from JSON as it is (YAML has dates, sets and keys that are not strings)."""
    import json

    try:
        return bool(json.loads(json.dumps(data, ensure_ascii=False)) == data)
    except (TypeError, ValueError, RecursionError):
        return False


def regional(name: str, region_dir: Path | None = None) -> Regional | None:
    """The declarations of the layout ``name`` for a region in ``region_dir``; None when there is no such
    layout (L001 says so)."""
    folder = find(name, region_dir)
    if folder is None:
        return None
    return from_data(read_file(folder / LAYOUT_FILE), folder)
