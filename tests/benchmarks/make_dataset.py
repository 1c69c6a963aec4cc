"""Generate a realistic data repository of any size, deterministically, for benchmarks and tests.

    python tests/benchmarks/make_dataset.py OUT --projects 10000 [--seed 0] [--per-unit 100]

or, from Python::

    from make_dataset import make_dataset      # with tests/benchmarks/ on sys.path
    data = make_dataset(Path(tmp), projects=10_000, seed=0, per_unit=100)   # returns OUT/data

writes ``OUT/schema/`` (a copy of the repository's schema/) and ``OUT/data/<地区>/地区.yaml``,
``OUT/data/<地区>/<年度>/<单位>/单位.yaml`` and one ``<项目名称>.yaml`` per project.

What it draws from. Everything is read at run time from the sample data in the repository's data/:
each region's 地区.yaml decides a layout (版式: 湖南, 河北), its indicator framework (指标体系) and its
budget year (its latest year folder, which every generated file of that layout uses: folder name,
实施期, deadlines, project codes; the samples' region name in texts is replaced too). For each layout
the samples give

- the field order of project and unit files, and which optional fields appear how often (备注);
- the indicator tables: each generated table follows the row layout of one sample table (the order of
  一级/二级 indicators, how many rows each has, the placeholder rows of unused 二级 indicators), with its
  rows drawn from all samples of the layout and recombined, their counts and deadlines varied;
- project names (the samples' names split into a topic and a kind, such as 人才工作 + 专项, and
  recombined; a counter such as （二期） keeps names unique within a unit), goals (1–3), 资金用途,
  实施期, 项目类别, 资金来源 and 资金支出计划 (varied, still cumulative);
- amounts (the samples' amounts scaled, at most 2 decimals) and the unit files: 部门整体支出绩效目标表
  (湖南, with a budget whose parts add up and whose 项目支出 is the sum of the unit's projects),
  signatures only (湖南), or the narrative 部门整体绩效目标 with a 单位编码 (河北).

Generated data must pass ``jixiao check`` without errors, so the samples' acknowledged findings
(已确认问题), corrections (更正说明) and misprinted 填报单位 are not copied, and sample rows that would be
reported are repaired where the repair is obvious (万 → 万元, a 满意度 row moved under 满意度指标, the
确定依据 mapped to a standard one) and left out otherwise (amounts outside the cost indicators, vague
deadlines such as 1年 or 及时, names that repeat the 二级指标). Cost indicators add up to the project amount.

Names of further regions (sibling districts of the sample regions, with their real codes), government
departments and people are small built-in lists; the unit and project counts follow the arguments:
``ceil(projects / per_unit)`` units (but one per layout at least, when there are enough projects), as
equal in size as possible, alternating between the layouts, up to 25 units per region before another
region is opened.

Deterministic: one ``random.Random(seed)``, sorted file lists, no clock and no hash order, so the same
arguments always give a byte-identical tree, and another seed gives other data.

``make_dataset`` refuses a target that already has a data/ folder (FileExistsError); the command line
prints a one-line summary and exits 2 on bad arguments.

Speed, measured on the 2-core development machine while it was busy with other work: 10,000 projects
(10,104 files, about 40 MB on disk) in 3.4 s when writing to tmpfs and 6–13 s to its disk, where creating the files is
most of the time; 1,000 projects in 0.3 s (tmpfs) to 1.3 s (disk). Files are written as text by the
small emitter below, in the exact layout ``jixiao fmt`` gives them (first line
``# yaml-language-server: $schema=…`` with the relative path to OUT/schema/).
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeAlias

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data"
SCHEMA = ROOT / "schema"

Node: TypeAlias = "str | int | Decimal | list[Node] | dict[str, Node]"
Row: TypeAlias = dict[str, Node]
Named: TypeAlias = tuple[str, Row]  # a pool row with its name squashed, the key for "no two rows alike"

REGION_FILE = "地区.yaml"
UNIT_FILE = "单位.yaml"
SCHEMA_LINE = "# yaml-language-server: $schema="
REGION_SCHEMA = SCHEMA_LINE + "../../schema/region.schema.json"
UNIT_SCHEMA = SCHEMA_LINE + "../../../../schema/unit.schema.json"
PROJECT_SCHEMA = SCHEMA_LINE + "../../../../schema/project.schema.json"

UNITS_PER_REGION = 25
# Fields of the samples that record the review of one printed table; generated data has nothing to review.
NOT_COPIED = frozenset({"已确认问题", "更正说明", "填报单位"})

# Markers for the parts of sample text that belong to the sample's region and year.
YEAR_MARK = "\ue000"
REGION_MARK = "\ue001"
SHORT_MARK = "\ue002"

# --- domain facts (as in generator/check/rules; repeated here so the generator stands alone) -----------------
LEVEL1_ORDER = ("成本指标", "产出指标", "效益指标", "满意度指标")
ECONOMIC_COST = {2021: ("成本指标", "经济成本指标"), 2015: ("产出指标", "成本指标")}
SATISFACTION = ("满意度指标", "服务对象满意度指标")
OUTPUT_KINDS = (("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"))
DEFAULT_BENEFIT = ("效益指标", "社会效益指标")
MONEY_UNITS = frozenset({"元", "万元"})
PERCENT_UNITS = frozenset({"%", "百分比"})
COUNT_UNITS = frozenset({"人", "个", "次", "场", "本", "条", "户", "项", "家", "所", "期", "人次"})
DURATION_UNITS = frozenset({"年", "月", "个月", "天", "日"})
UNIT_SPELLINGS = {"万": "万元", "％": "%"}
RATE_WORDS = ("合规率", "到位率", "完成率", "覆盖率", "达标率", "及时率", "准确率", "使用率", "执行率", "知晓率", "参与率")
STANDARD_BASES = ("计划标准", "行业标准", "历史标准", "其他标准")
# The samples' 确定依据 are data sources or local words; each is mapped to the standard it stands for.
BASIS_MAP = {
    "预算指标": "计划标准",
    "市级标准": "计划标准",
    "相关文件要求": "计划标准",
    "部内标准": "其他标准",
    "部内指标": "其他标准",
    "问卷调查": "历史标准",
}
DURATION_TEXT = re.compile(r"^[≥≤<>=]?\s*(?:\d{1,3}(?:\.\d+)?|[一二两三四五六七八九十半]+)\s*个?(?:年|月|天|日)(?:内|以内)?$")
VAGUE_TEXT = re.compile(r"(?<!\d)年(?:底前|内)|^(?:及时|按时|按期)(?:完成|开展|发放|到位|拨付)?$")
MONTH_DEADLINE = re.compile(f"^{YEAR_MARK}年(\\d{{1,2}})月底前$")

# --- small built-in lists: names the four sample files cannot supply in quantity -----------------------
SIBLING_REGIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "湖南": (
        ("株洲市荷塘区", "430202"),
        ("株洲市芦淞区", "430203"),
        ("株洲市石峰区", "430204"),
        ("株洲市天元区", "430211"),
        ("长沙市芙蓉区", "430102"),
        ("长沙市天心区", "430103"),
        ("长沙市岳麓区", "430104"),
        ("长沙市开福区", "430105"),
        ("长沙市雨花区", "430111"),
        ("长沙市望城区", "430112"),
        ("湘潭市雨湖区", "430302"),
        ("湘潭市岳塘区", "430304"),
    ),
    "河北": (
        ("唐山市路北区", "130203"),
        ("唐山市古冶区", "130204"),
        ("唐山市开平区", "130205"),
        ("唐山市丰南区", "130207"),
        ("唐山市丰润区", "130208"),
        ("唐山市曹妃甸区", "130209"),
        ("石家庄市长安区", "130102"),
        ("石家庄市桥西区", "130104"),
        ("石家庄市新华区", "130105"),
        ("石家庄市裕华区", "130108"),
        ("石家庄市藁城区", "130109"),
        ("石家庄市鹿泉区", "130110"),
    ),
}
# (department after the place name, is a party office: its full name starts with 中共)
DEPARTMENTS: tuple[tuple[str, bool], ...] = (
    ("委办公室", True),
    ("委组织部", True),
    ("委宣传部", True),
    ("委统战部", True),
    ("委政法委员会", True),
    ("委社会工作部", True),
    ("委机构编制委员会办公室", True),
    ("人民政府办公室", False),
    ("发展和改革局", False),
    ("教育局", False),
    ("科学技术和工业信息化局", False),
    ("民政局", False),
    ("司法局", False),
    ("财政局", False),
    ("人力资源和社会保障局", False),
    ("自然资源局", False),
    ("住房和城乡建设局", False),
    ("交通运输局", False),
    ("水利局", False),
    ("农业农村局", False),
    ("商务局", False),
    ("文化旅游广电体育局", False),
    ("卫生健康局", False),
    ("退役军人事务局", False),
    ("应急管理局", False),
    ("审计局", False),
    ("市场监督管理局", False),
    ("统计局", False),
    ("医疗保障局", False),
    ("城市管理和综合执法局", False),
    ("信访局", False),
    ("机关事务服务中心", False),
)
# Endings that name the kind of a project; what precedes one is the project's topic.
NAME_KINDS = (
    "专项业务费",
    "工作经费",
    "补贴经费",
    "薪酬经费",
    "保险补贴",
    "业务费",
    "经费",
    "专项",
    "资金",
    "补贴",
    "津贴",
    "保险",
    "建设",
    "培训",
    "工作",
    "活动",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华红玲辉建国文斌宇浩凯佳琳欣怡晨"
CHECK_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CN_DIGITS = "零一二三四五六七八九"

# Department cost rows used when the samples have none: (name, explanation).
DEPARTMENT_COSTS = (("人员经费支出", "足额发放人员经费"), ("公用经费支出", "保障部门正常运转"), ("项目经费支出", "完成既定目标"))


# ======================================================================================================
# Reading the samples
# ======================================================================================================


@dataclass
class Slot:
    """A run of indicator rows with the same 一级/二级 indicator in a sample table; count 0 = placeholder."""

    level1: str
    level2: str
    count: int

    @property
    def pair(self) -> tuple[str, str]:
        return self.level1, self.level2


@dataclass
class Layout:
    """What the samples of one 版式 look like; texts carry the region and year markers."""

    name: str
    region_template: dict[str, Node]
    region_names: list[tuple[str, str]]  # (full name, code) of the sample regions
    year: int
    framework: int
    money_unit: str
    project_keys: list[str] = field(default_factory=list)
    key_share: dict[str, float] = field(default_factory=dict)
    header_values: dict[str, list[Node]] = field(default_factory=dict)
    shapes: list[list[Slot]] = field(default_factory=list)
    rows: dict[tuple[str, str], list[Named]] = field(default_factory=dict)
    cost_rows: list[Named] = field(default_factory=list)
    satisfaction_values: list[int] = field(default_factory=list)
    topics: list[tuple[str, str]] = field(default_factory=list)  # (topic, the kind it came with)
    goals: list[str] = field(default_factory=list)
    goals_as_list: bool = False
    amounts: list[Decimal] = field(default_factory=list)
    units: list[dict[str, Node]] = field(default_factory=list)
    department_keys: list[str] = field(default_factory=list)
    department_shapes: list[list[Slot]] = field(default_factory=list)
    department_rows: dict[tuple[str, str], list[Named]] = field(default_factory=dict)
    department_costs: list[Named] = field(default_factory=list)
    duties: list[str] = field(default_factory=list)
    tasks: list[dict[str, Node]] = field(default_factory=list)
    income_shapes: list[list[str]] = field(default_factory=list)
    basic_amounts: list[Decimal] = field(default_factory=list)
    narrative: dict[str, list[str]] = field(default_factory=dict)
    people: list[str] = field(default_factory=list)
    project_count: int = 0

    @property
    def cost_pair(self) -> tuple[str, str]:
        return ECONOMIC_COST[self.framework]

    @property
    def placeholders(self) -> bool:
        """Whether the layout's tables print rows for unused 二级 indicators."""
        return any(slot.count == 0 for shape in self.shapes for slot in shape)


def _plain(node: Any) -> Node:
    """YAML data as Node: floats become exact Decimals (22.95, never 22.949999); booleans (印刷's switches) stay."""
    if isinstance(node, float):
        return Decimal(repr(node))
    if isinstance(node, int | str):
        return node
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    raise TypeError(f"unexpected YAML value {node!r}")


def _read(path: Path, yaml: YAML) -> dict[str, Node]:
    data = _plain(yaml.load(path.read_text(encoding="utf-8")))
    assert isinstance(data, dict), path
    return data


def short_name(region: str) -> str:
    """株洲市渌口区 → 渌口区: how the region names itself in project names and indicators."""
    _, sep, tail = region.partition("市")
    return tail if sep and tail else region


def _generic(node: Node, region: str, year: int) -> Node:
    """Sample text with its region and year replaced by markers."""
    if isinstance(node, str):
        text = node.replace(region, REGION_MARK).replace(short_name(region), SHORT_MARK)
        return text.replace(str(year), YEAR_MARK)
    if isinstance(node, list):
        return [_generic(item, region, year) for item in node]
    if isinstance(node, dict):
        return {key: _generic(value, region, year) for key, value in node.items()}
    return node


def localise(text: str, region: str, year: int) -> str:
    """Text with the markers replaced by the generated region and year."""
    return text.replace(REGION_MARK, region).replace(SHORT_MARK, short_name(region)).replace(YEAR_MARK, str(year))


def _merge_order(order: list[str], keys: Iterable[str]) -> None:
    """Add ``keys`` to ``order``, each after the key that precedes it in the file."""
    previous: str | None = None
    for key in keys:
        if key in NOT_COPIED:
            continue
        if key not in order:
            order.insert(order.index(previous) + 1 if previous is not None else 0, key)
        previous = key


def _squash(text: str) -> str:
    return "".join(text.split())


def _number(value: Node) -> Decimal | None:
    if isinstance(value, int):
        return Decimal(value)
    return value if isinstance(value, Decimal) else None


def _shape(rows: list[Row]) -> list[Slot]:
    slots: list[Slot] = []
    for row in rows:
        level1, level2 = str(row["一级指标"]), str(row["二级指标"])
        live = 1 if "三级指标" in row else 0
        if slots and slots[-1].pair == (level1, level2) and live and slots[-1].count:
            slots[-1].count += 1
        else:
            slots.append(Slot(level1, level2, live))
    return slots


def repair(row: Row, framework: int) -> tuple[tuple[str, str], Row] | None:
    """A sample indicator row made clean for ``jixiao check``, with its (一级, 二级) place; None to leave out."""
    row = dict(row)
    level1, level2 = str(row["一级指标"]), str(row["二级指标"])
    name, operator, value = str(row["三级指标"]), str(row["指标值类型"]), row["指标值"]
    unit = UNIT_SPELLINGS.get(str(row.get("度量单位", "")), str(row.get("度量单位", "")))
    if "度量单位" in row:
        row["度量单位"] = unit
    if _squash(name) in (level2, level2.removesuffix("指标")):
        return None  # F011: the name says nothing
    if "人数" in name and unit == "个":
        row["度量单位"] = unit = "人"
    elif "人次" in name and unit == "人":
        row["度量单位"] = unit = "人次"
    if isinstance(row.get("确定依据"), str) and row["确定依据"] not in STANDARD_BASES:
        row["确定依据"] = BASIS_MAP.get(str(row["确定依据"]), "计划标准")
    number = _number(value)
    qualitative = operator == "定性"
    if qualitative:
        if not isinstance(value, str) or not value.strip() or _squash(value) == _squash(name):
            return None
    elif number is None or not unit or unit == "无":
        return None
    if (level1, level2) == ECONOMIC_COST[framework] or unit in MONEY_UNITS:
        # Amounts belong to the economic cost rows only, and those are rebuilt from the project amount.
        if unit in MONEY_UNITS and operator in ("≤", "=") and (level1, level2) == ECONOMIC_COST[framework]:
            return (level1, level2), row
        return None
    if level2 == SATISFACTION[1] or "满意" in name:
        if unit not in PERCENT_UNITS or number is None:
            return None
        row["一级指标"], row["二级指标"] = SATISFACTION
        row["指标值类型"] = "≥"
        return SATISFACTION, row
    if level2 == "时效指标":
        text = str(value) if qualitative else ""
        if (not qualitative and unit in DURATION_UNITS) or DURATION_TEXT.match(text) or VAGUE_TEXT.search(text):
            return None  # T002: not a deadline one could check
    if number is not None and unit in PERCENT_UNITS and not 0 <= number <= 100:
        return None
    if operator in ("≤", "<") and any(word in name for word in RATE_WORDS):
        row["指标值类型"] = "=" if number == 100 else "≥"
    return (level1, level2), row


def _add_row(pool: dict[tuple[str, str], list[Named]], seen: set[str], place: tuple[str, str], row: Row) -> None:
    key = _squash(str(row["三级指标"]))
    if key not in seen:
        seen.add(key)
        pool.setdefault(place, []).append((key, row))


def _read_layouts(root: Path) -> list[Layout]:
    yaml = YAML(typ="safe")
    layouts: dict[str, Layout] = {}
    share: dict[str, dict[str, int]] = {}
    seen_rows: dict[str, set[str]] = {}
    seen_department_rows: dict[str, set[str]] = {}
    for region_dir in sorted(p for p in root.iterdir() if (p / REGION_FILE).is_file()):
        region = _read(region_dir / REGION_FILE, yaml)
        years = sorted(p for p in region_dir.iterdir() if p.is_dir() and p.name.isdigit())
        if not years:
            continue
        name, layout_name = str(region["名称"]), str(region["版式"])
        year = int(years[-1].name)
        framework = region["指标体系"]
        assert isinstance(framework, int)
        lay = layouts.get(layout_name)
        if lay is None:
            lay = layouts[layout_name] = Layout(layout_name, region, [], year, framework, str(region["金额单位"]))
            share[layout_name], seen_rows[layout_name], seen_department_rows[layout_name] = {}, set(), set()
        assert lay.framework == framework, f"{layout_name}: samples with two indicator frameworks"
        lay.region_names.append((name, str(region.get("行政区划代码", ""))))
        for unit_dir in sorted(p for p in years[-1].iterdir() if p.is_dir()):
            unit = _generic(_read(unit_dir / UNIT_FILE, yaml), name, year)
            assert isinstance(unit, dict)
            _read_unit(lay, unit, seen_department_rows[layout_name])
            for path in sorted(p for p in unit_dir.iterdir() if p.suffix == ".yaml" and p.name != UNIT_FILE):
                project = _generic(_read(path, yaml), name, year)
                assert isinstance(project, dict)
                _read_project(lay, project, share[layout_name], seen_rows[layout_name])
    for layout_name, lay in layouts.items():
        lay.key_share = {key: count / lay.project_count for key, count in share[layout_name].items()}
        for pair in (*OUTPUT_KINDS, SATISFACTION, DEFAULT_BENEFIT):
            assert lay.rows.get(pair), f"{layout_name}: no usable sample rows for {pair}"
        assert lay.cost_rows and lay.satisfaction_values and lay.amounts and lay.units, layout_name
    return sorted(layouts.values(), key=lambda lay: (-lay.project_count, lay.name))


def _read_project(lay: Layout, project: dict[str, Node], share: dict[str, int], seen: set[str]) -> None:
    lay.project_count += 1
    _merge_order(lay.project_keys, project)
    for key, value in project.items():
        if key in NOT_COPIED:
            continue
        share[key] = share.get(key, 0) + 1
        lay.header_values.setdefault(key, []).append(value)
    name = str(project["项目名称"])
    kind = next((k for k in NAME_KINDS if name.endswith(k) and len(name) > len(k) + 1), "")
    lay.topics.append((name.removesuffix(kind), kind))
    goals = project["本年度绩效目标"]
    lay.goals_as_list = isinstance(goals, list)
    lay.goals.extend(str(goal) for goal in (goals if isinstance(goals, list) else [goals]))
    amount = _number(project.get("项目金额", ""))
    if amount is not None and amount > 0:
        lay.amounts.append(amount)
    rows = project["绩效指标"]
    assert isinstance(rows, list)
    lay.shapes.append(_shape([row for row in rows if isinstance(row, dict)]))
    for row in rows:
        assert isinstance(row, dict)
        if "三级指标" not in row:
            continue
        repaired = repair(row, lay.framework)
        if repaired is None:
            continue
        place, clean = repaired
        if place == lay.cost_pair:
            key = _squash(str(clean["三级指标"]))
            if all(key != other for other, _ in lay.cost_rows):
                lay.cost_rows.append((key, clean))
            continue
        if place == SATISFACTION:
            number = _number(clean["指标值"])
            if number is not None and 85 <= number < 100 and number == int(number):
                lay.satisfaction_values.append(int(number))
        _add_row(lay.rows, seen, place, clean)


def _read_unit(lay: Layout, unit: dict[str, Node], seen: set[str]) -> None:
    lay.units.append(unit)
    for key in ("单位财务负责人", "填表人"):
        if isinstance(unit.get(key), str):
            lay.people.append(str(unit[key]))
    department = unit.get("部门整体支出绩效目标表")
    if isinstance(department, dict):
        _merge_order(lay.department_keys, department)
        lay.duties.extend(str(d) for d in _list(department.get("年度履职目标")))
        lay.tasks.extend(t for t in _list(department.get("年度主要任务")) if isinstance(t, dict))
        budget = department.get("预算情况")
        if isinstance(budget, dict):
            income = budget.get("按收入性质分")
            if isinstance(income, dict) and income:
                lay.income_shapes.append(list(income))
            spending = budget.get("按支出性质分")
            basic = _number(spending.get("基本支出", "")) if isinstance(spending, dict) else None
            if basic is not None and basic > 0:
                lay.basic_amounts.append(basic)
        rows = [row for row in _list(department.get("绩效指标")) if isinstance(row, dict)]
        lay.department_shapes.append(_shape(rows))
        for row in rows:
            repaired = repair(row, lay.framework) if "三级指标" in row else None
            if repaired is None:
                continue
            place, clean = repaired
            if place == lay.cost_pair:
                lay.department_costs.append((_squash(str(clean["三级指标"])), clean))
            else:
                _add_row(lay.department_rows, seen, place, clean)
    narrative = unit.get("部门整体绩效目标")
    if isinstance(narrative, dict):
        for key, value in narrative.items():
            lay.narrative.setdefault(key, []).extend(str(v) for v in (value if isinstance(value, list) else [value]))


def _list(node: Node | None) -> list[Node]:
    return node if isinstance(node, list) else []


_LAYOUTS: dict[Path, list[Layout]] = {}


def read_samples(root: Path = SAMPLES) -> list[Layout]:
    """The layouts of the sample data, read once per process."""
    if root not in _LAYOUTS:
        _LAYOUTS[root] = _read_layouts(root)
    return _LAYOUTS[root]


# ======================================================================================================
# Writing YAML exactly as ``jixiao fmt`` does
# ======================================================================================================

_RESOLVED = re.compile(
    r"^(?:(?=[-+.]?[0-9])[-+]?[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|=|<<"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:.*)$"
)
_QUOTED_START = frozenset("#,[]{}&*!|>'\"%@`")


_QUOTED: dict[str, str] = {}


def quote(text: str) -> str:
    """A string as ruamel.yaml writes it: plain where YAML allows, else in quotes.

    Text may still hold the region and year markers; they are judged as the Chinese name and the
    four-digit year they become.
    """
    done = _QUOTED.get(text)
    if done is not None:
        return done
    probe = text.replace(YEAR_MARK, "2000").replace(REGION_MARK, "某市某区").replace(SHORT_MARK, "某区")
    done = text
    if (
        not probe
        or _RESOLVED.match(probe)
        or probe[0] in _QUOTED_START
        or (probe[0] in "-?:" and (len(probe) == 1 or probe[1] == " "))
        or ": " in probe
        or " #" in probe
        or probe.endswith(":")
        or probe != probe.strip()
        or any(ch in probe for ch in "\n\t\r")
    ):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        done = f'"{escaped}"' if "'" in text else f"'{text}'"
    if len(_QUOTED) < 200_000:
        _QUOTED[text] = done
    return done


def amount_text(value: Decimal) -> str:
    """A Decimal as people write it: 5000, 22.95, 0.5."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scalar(value: Node) -> str:
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return amount_text(value)
    raise TypeError(f"not a scalar: {value!r}")


def _emit_map(node: dict[str, Node], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in node.items():
        if isinstance(value, dict):
            assert value, key
            out.append(f"{pad}{key}:\n")
            _emit_map(value, indent + 2, out)
        elif isinstance(value, list):
            assert value, key
            out.append(f"{pad}{key}:\n")
            _emit_list(value, indent + 2, out)
        else:
            out.append(f"{pad}{key}: {_scalar(value)}\n")


def _emit_list(items: list[Node], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict):
            start = len(out)
            _emit_map(item, indent + 2, out)
            out[start] = f"{pad}- {out[start][indent + 2 :]}"
        elif isinstance(item, list):
            raise TypeError("lists of lists do not occur in the data model")
        else:
            out.append(f"{pad}- {_scalar(item)}\n")


def dump(data: dict[str, Node], schema_line: str, region: str, year: int) -> str:
    """The file's text, its region and year markers replaced."""
    out = [schema_line + "\n"]
    _emit_map(data, 0, out)
    return localise("".join(out), region, year)


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


# ======================================================================================================
# Generating
# ======================================================================================================


@dataclass
class RegionPlan:
    layout: Layout
    name: str
    code: str
    unit_sizes: list[int]


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (二, 十二, 二十), larger numbers in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")


def plan_tree(layouts: Sequence[Layout], projects: int, per_unit: int) -> list[RegionPlan]:
    """Regions and unit sizes: units alternate between layouts; a region holds up to UNITS_PER_REGION units."""
    units = max(math.ceil(projects / per_unit), min(projects, len(layouts)))
    sizes = [projects // units + (1 if i < projects % units else 0) for i in range(units)]
    plans: list[RegionPlan] = []
    for index, lay in enumerate(layouts):
        own = sizes[index :: len(layouts)]
        if not own:
            continue
        codes: dict[str, str] = {}
        for name, code in (*lay.region_names, *SIBLING_REGIONS.get(lay.name, ())):
            codes.setdefault(name, code)
        names = list(codes.items())
        count = min(len(names), math.ceil(len(own) / UNITS_PER_REGION))
        for r in range(count):
            part = own[r * len(own) // count : (r + 1) * len(own) // count]
            plans.append(RegionPlan(lay, names[r][0], names[r][1], part))
    return plans


def draw_amount(rng: random.Random, samples: Sequence[Decimal], low: float = 0.5, high: float = 2.0) -> Decimal:
    """A sample amount scaled by a random factor, with 0, 1 or 2 decimals; never below 1."""
    value = float(rng.choice(samples)) * rng.uniform(low, high)
    decimals = rng.choices((0, 1, 2), weights=(6, 3, 2))[0]
    return max(Decimal(1), Decimal(f"{value:.{decimals}f}"))


def split_amount(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """``total`` in ``parts`` positive pieces of at most 2 decimals that add up exactly."""
    if parts <= 1 or total < parts:
        return [total]
    pieces: list[Decimal] = []
    left = total
    for remaining in range(parts, 1, -1):
        share = Decimal(rng.randint(20, 80)) / 100 if remaining == 2 else Decimal(rng.randint(30, 60)) / 100
        piece = max(Decimal(1), (left * share).quantize(Decimal("0.01")))
        piece = min(piece, left - remaining + 1)
        pieces.append(piece)
        left -= piece
    pieces.append(left)
    return pieces


def person(rng: random.Random, lay: Layout) -> str:
    if lay.people and rng.random() < 0.1:
        return rng.choice(lay.people)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


class ProjectMaker:
    """The projects of one unit."""

    def __init__(self, lay: Layout, region: RegionPlan, dept_no: int, names: ProjectNames, rng: random.Random) -> None:
        self.lay, self.region, self.dept_no, self.words, self.rng = lay, region, dept_no, names, rng
        self.names: set[str] = {"单位", "地区"}

    def name(self) -> str:
        """A sample's topic with its own kind or another sample's (人才工作 + 经费); a counter if taken."""
        rng = self.rng
        topic, kind = rng.choice(self.words.topics)
        if kind and rng.random() < 0.6:
            kind = rng.choice(self.words.kinds)
        base = localise(topic + kind, self.region.name, self.lay.year)
        name, counter = base, 1
        while name in self.names:
            counter += 1
            name = f"{base}（{chinese_number(counter)}期）"
        self.names.add(name)
        return name

    def make(self, serial: int) -> dict[str, Node]:
        rng, lay = self.rng, self.lay
        name = self.name()
        budget = draw_amount(rng, lay.amounts)
        out: dict[str, Node] = {}
        for key in lay.project_keys:
            if lay.key_share.get(key, 0) < 0.5 and rng.random() >= lay.key_share.get(key, 0):
                continue
            value = self.field(key, name, budget, serial)
            if value is not None:
                out[key] = value
        return out

    def field(self, key: str, name: str, budget: Decimal, serial: int) -> Node | None:
        rng, lay = self.rng, self.lay
        match key:
            case "项目名称":
                return name
            case "项目金额":
                return budget
            case "序号":
                return serial
            case "项目编码":
                check = rng.choice(CHECK_CHARS)
                return f"{self.region.code}{lay.year % 100:02d}P{self.dept_no:05d}{serial:06d}{check}"
            case "资金来源":
                sample = rng.choice(lay.header_values[key])
                assert isinstance(sample, dict)
                return dict(zip(sample, split_amount(rng, budget, len(sample)), strict=True))
            case "资金支出计划":
                return self.spending_plan()
            case "本年度绩效目标":
                count = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
                goals = rng.sample(lay.goals, count)
                if lay.goals_as_list:
                    return list(goals)
                return goals[0] if count == 1 else "；".join(g.rstrip("。；;") for g in goals) + "。"
            case "绩效指标":
                return self.indicators(name, budget)
        return rng.choice(lay.header_values[key])

    def spending_plan(self) -> dict[str, Node]:
        sample = self.rng.choice(self.lay.header_values["资金支出计划"])
        assert isinstance(sample, dict)
        plan: dict[str, Node] = {}
        previous = 0
        *steps, last = list(sample)
        for key in steps:  # cumulative: never below the step before, the last one 100
            base = int(_number(sample[key]) or 0)
            plan[key] = previous = min(100, max(previous, base + self.rng.choice((-5, 0, 0, 5, 10))))
        plan[last] = 100
        return plan

    def indicators(self, project_name: str, budget: Decimal) -> list[Node]:
        rng, lay = self.rng, self.lay
        slots = adjust_shape(rng.choice(lay.shapes), lay, rng)
        used = {_squash(project_name)}
        rows: list[Node] = []
        for slot in slots:
            if slot.count == 0:
                rows.append({"一级指标": slot.level1, "二级指标": slot.level2})
            elif slot.pair == lay.cost_pair:
                rows.extend(cost_rows(lay, rng, lay.cost_rows, split_amount(rng, budget, rng.choice((1, 1, 1, 2))), used))
            else:
                picked = pick_rows(rng, lay.rows.get(slot.pair, []), slot.count, used)
                if picked:
                    rows.extend(vary(rng, lay, row) for row in picked)
                elif lay.placeholders:
                    rows.append({"一级指标": slot.level1, "二级指标": slot.level2})
        return rows


@dataclass
class ProjectNames:
    """The words of all samples' project names: names are plain text, shared by every layout."""

    topics: list[tuple[str, str]]
    kinds: list[str]

    @classmethod
    def of(cls, layouts: Sequence[Layout]) -> ProjectNames:
        topics = list(dict.fromkeys(pair for lay in layouts for pair in lay.topics))
        return cls(topics, list(dict.fromkeys(kind for _, kind in topics if kind)))


def adjust_shape(shape: list[Slot], lay: Layout, rng: random.Random, required: bool = True) -> list[Slot]:
    """A sample table's row layout with row counts varied and every required kind of indicator present."""
    slots = [Slot(s.level1, s.level2, s.count) for s in shape]
    for slot in slots:
        if slot.count and slot.pair != lay.cost_pair:
            slot.count = max(1, min(4, slot.count + rng.choice((-1, 0, 0, 1))))
    if not required:
        return slots
    needed = [*OUTPUT_KINDS, SATISFACTION, lay.cost_pair]
    if not any(s.level1 == "效益指标" and s.count and lay.rows.get(s.pair) for s in slots):
        needed.append(DEFAULT_BENEFIT)
    for pair in needed:
        same = [s for s in slots if s.pair == pair]
        if any(s.count for s in same):
            continue
        if same:
            same[0].count = 1
            continue
        after = [i for i, s in enumerate(slots) if s.level1 == pair[0]]
        position = after[-1] + 1 if after else len(slots)
        if not after:  # a new 一级指标 block goes where the framework's order puts it
            later = [
                i
                for i, s in enumerate(slots)
                if s.level1 in LEVEL1_ORDER and LEVEL1_ORDER.index(s.level1) > LEVEL1_ORDER.index(pair[0])
            ]
            position = later[0] if later else len(slots)
        slots.insert(position, Slot(pair[0], pair[1], 1))
    return slots


def pick_rows(rng: random.Random, pool: Sequence[Named], count: int, used: set[str], ordered: bool = False) -> list[Row]:
    """Up to ``count`` rows whose names are not ``used`` yet (in the pool's order if ``ordered``)."""
    free = [named for named in pool if named[0] not in used]
    picked = rng.sample(free, min(count, len(free)))
    if ordered:
        picked.sort(key=free.index)
    used.update(key for key, _ in picked)
    return [row for _, row in picked]


def cost_rows(lay: Layout, rng: random.Random, pool: Sequence[Named], amounts: Sequence[Decimal], used: set[str]) -> list[Node]:
    """Economic cost rows whose amounts are exactly ``amounts`` (so they add up to the project amount)."""
    picked = pick_rows(rng, pool, len(amounts), used, ordered=True)
    if len(picked) < len(amounts):  # not enough distinct names: one row for the whole amount
        picked, amounts = picked[:1], [sum(amounts, Decimal(0))]
    out: list[Node] = []
    for row, value in zip(picked, amounts, strict=True):
        new = dict(row)
        new["指标值类型"] = "≤" if row["指标值类型"] == "≤" else "="
        new["指标值"] = value
        new["度量单位"] = lay.money_unit
        out.append(new)
    return out


def vary(rng: random.Random, lay: Layout, row: Row) -> Row:
    """A sample row with its target varied: counts scaled, satisfaction drawn, deadlines moved."""
    value, unit = row["指标值"], str(row.get("度量单位", ""))
    if row["指标值类型"] == "定性":
        match = MONTH_DEADLINE.match(str(value))
        if not match:
            return row
        new = dict(row)
        new["指标值"] = f"{YEAR_MARK}年{rng.choice((6, 9, 10, 11, 12))}月底前"
        return new
    number = _number(value)
    new = dict(row)
    if (str(row["一级指标"]), str(row["二级指标"])) == SATISFACTION:
        new["指标值"] = rng.choice(lay.satisfaction_values)
    elif number is not None and unit not in PERCENT_UNITS and unit not in DURATION_UNITS:
        scaled = number * Decimal(rng.choice((0.5, 0.8, 1, 1, 1.5, 2, 3)))
        if unit in COUNT_UNITS or number == number.to_integral_value():
            new["指标值"] = max(1, int(scaled.to_integral_value()))
        else:
            new["指标值"] = scaled.quantize(Decimal("0.1")).normalize()
    return new


class UnitMaker:
    """The 单位.yaml of a unit, in the style of one sample unit of the layout."""

    def __init__(self, lay: Layout, region: RegionPlan, rng: random.Random) -> None:
        self.lay, self.region, self.rng = lay, region, rng

    def make(self, name: str, code: str, projects: Sequence[dict[str, Node]]) -> dict[str, Node]:
        rng, lay = self.rng, self.lay
        template = rng.choice(lay.units)
        out: dict[str, Node] = {}
        for key in template:
            if key in NOT_COPIED:
                continue
            match key:
                case "单位名称":
                    out[key] = name
                case "单位编码":
                    out[key] = code
                case "单位财务负责人" | "填表人":
                    out[key] = person(rng, lay)
                case "部门整体支出绩效目标表":
                    out[key] = self.department_table(projects)
                case "部门整体绩效目标":
                    out[key] = self.narrative(projects)
                case _:
                    out[key] = template[key]
        return out

    def department_table(self, projects: Sequence[dict[str, Node]]) -> dict[str, Node]:
        rng, lay = self.rng, self.lay
        project_total = sum((p["项目金额"] for p in projects if isinstance(p["项目金额"], Decimal)), Decimal(0))
        basic = draw_amount(rng, lay.basic_amounts or [Decimal(100)], 0.3, 3.0)
        total = basic + project_total
        out: dict[str, Node] = {}
        for key in lay.department_keys:
            if key == "年度履职目标" and lay.duties:
                count = rng.randint(min(3, len(lay.duties)), min(8, len(lay.duties)))
                out[key] = [lay.duties[i] for i in sorted(rng.sample(range(len(lay.duties)), count))]
            elif key == "年度主要任务" and lay.tasks:
                count = rng.randint(min(2, len(lay.tasks)), min(4, len(lay.tasks)))
                out[key] = [dict(lay.tasks[i]) for i in sorted(rng.sample(range(len(lay.tasks)), count))]
            elif key == "预算情况":
                income = rng.choice(lay.income_shapes or [["一般公共预算"]])
                out[key] = {
                    "资金总额": total,
                    "按收入性质分": dict(zip(income, split_amount(rng, total, len(income)), strict=True)),
                    "按支出性质分": {"基本支出": basic, "项目支出": project_total},
                }
            elif key == "绩效指标":
                out[key] = self.department_indicators(basic, project_total)
        return out

    def department_indicators(self, basic: Decimal, project_total: Decimal) -> list[Node]:
        rng, lay = self.rng, self.lay
        costs = self.department_cost_templates()
        project_rows = [named for named in costs if "项目" in named[0]][:1]
        basic_rows = [named for named in costs if named not in project_rows][:2]
        used: set[str] = set()
        cost_nodes = [
            *cost_rows(lay, rng, basic_rows, split_amount(rng, basic, len(basic_rows)), used),
            *cost_rows(lay, rng, project_rows, [project_total], used),
        ]
        shape = adjust_shape(rng.choice(lay.department_shapes), lay, rng, required=False)
        rows: list[Node] = []
        if not any(slot.pair == lay.cost_pair for slot in shape):
            shape.insert(0, Slot(*lay.cost_pair, 1))
        for slot in shape:
            if slot.pair == lay.cost_pair:
                rows.extend(cost_nodes)
                cost_nodes = []
                continue
            picked = pick_rows(rng, lay.department_rows.get(slot.pair, []), slot.count, used) if slot.count else []
            if picked:
                rows.extend(vary(rng, lay, row) for row in picked)
            else:
                rows.append({"一级指标": slot.level1, "二级指标": slot.level2})
        return rows

    def department_cost_templates(self) -> list[Named]:
        rows = list(self.lay.department_costs)
        level1, level2 = self.lay.cost_pair
        for name, note in DEPARTMENT_COSTS:
            if all(name != key for key, _ in rows):
                rows.append(
                    (
                        name,
                        {
                            "一级指标": level1,
                            "二级指标": level2,
                            "三级指标": name,
                            "指标值类型": "≤",
                            "指标值": 0,
                            "度量单位": self.lay.money_unit,
                            "指标说明": note,
                        },
                    )
                )
        return rows

    def narrative(self, projects: Sequence[dict[str, Node]]) -> dict[str, Node]:
        rng, lay = self.rng, self.lay
        out: dict[str, Node] = {}
        for key, texts in lay.narrative.items():
            if key == "总体绩效目标":
                out[key] = rng.choice(texts)
                continue
            pool = list(texts)
            if key == "分项绩效目标":  # the unit's own projects' goals join the samples'
                for project in projects[:6]:
                    goals = project.get("本年度绩效目标")
                    pool.extend(str(g) for g in (goals if isinstance(goals, list) else [goals or ""]) if g)
                pool = list(dict.fromkeys(pool))
            count = rng.randint(min(2, len(pool)), min(4, len(pool)))
            out[key] = [pool[i] for i in sorted(rng.sample(range(len(pool)), count))]
        return out


def _departments(rng: random.Random, lay: Layout, count: int) -> list[tuple[str, bool]]:
    """``count`` distinct departments: the samples' own first, then the built-in list, shuffled."""
    own: list[tuple[str, bool]] = []
    for unit in lay.units:
        name = str(unit["单位名称"])
        party = name.startswith("中共")
        suffix = name.removeprefix("中共").replace(REGION_MARK, "")
        own.append((suffix, party))
    pool = list(dict.fromkeys([*own, *DEPARTMENTS]))
    rng.shuffle(pool)
    out = pool[:count]
    round_no = 1
    while len(out) < count:
        round_no += 1
        out.extend((f"{suffix}（{chinese_number(round_no)}）", party) for suffix, party in pool[: count - len(out)])
    return out


def make_dataset(target: Path, projects: int, seed: int = 0, per_unit: int = 100) -> Path:
    """Write schema/ and data/ into ``target`` and return the data folder (``target/data``)."""
    if projects < 1 or per_unit < 1:
        raise ValueError("projects and per_unit must be at least 1")
    data = Path(target) / "data"
    if data.exists():
        raise FileExistsError(f"{data} already exists")
    layouts = read_samples()
    names = ProjectNames.of(layouts)
    rng = random.Random(seed)
    shutil.copytree(SCHEMA, Path(target) / "schema", dirs_exist_ok=True)
    for region in plan_tree(layouts, projects, per_unit):
        write_region(data, region, names, rng)
    return data


def write_region(data: Path, region: RegionPlan, names: ProjectNames, rng: random.Random) -> None:
    lay = region.layout
    region_dir = data / region.name
    year_dir = region_dir / str(lay.year)
    year_dir.mkdir(parents=True)
    doc: dict[str, Node] = {}
    for key, value in lay.region_template.items():
        doc[key] = region.name if key == "名称" else region.code if key == "行政区划代码" else value
    _write(region_dir / REGION_FILE, dump(doc, REGION_SCHEMA, region.name, lay.year))
    departments = _departments(rng, lay, len(region.unit_sizes))
    place = region.name[-1]  # 区: the unit folders are 区委组织部, 区财政局
    for index, ((suffix, party), size) in enumerate(zip(departments, region.unit_sizes, strict=True)):
        unit_name = ("中共" if party else "") + region.name + suffix
        unit_dir = year_dir / (place + suffix)
        unit_dir.mkdir()
        maker = ProjectMaker(lay, region, 891 + 10 * index, names, rng)
        made: list[dict[str, Node]] = []
        for serial in range(1, size + 1):
            project = maker.make(serial)
            made.append(project)
            _write(unit_dir / f"{project['项目名称']}.yaml", dump(project, PROJECT_SCHEMA, region.name, lay.year))
        unit = UnitMaker(lay, region, rng).make(unit_name, f"{700 + index:03d}001", made)
        _write(unit_dir / UNIT_FILE, dump(unit, UNIT_SCHEMA, region.name, lay.year))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write schema/ and data/ into")
    parser.add_argument("--projects", type=int, required=True, help="number of project files")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--per-unit", type=int, default=100, help="projects per unit (default 100)")
    options = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        data = make_dataset(options.out, options.projects, options.seed, options.per_unit)
    except (ValueError, FileExistsError) as exc:
        parser.error(str(exc))
    regions = [p for p in data.iterdir() if p.is_dir()]
    units = sum(1 for r in regions for y in r.iterdir() if y.is_dir() for _ in y.iterdir())
    print(
        f"已生成 {options.projects} 个项目、{units} 个单位、{len(regions)} 个地区到 {data}"
        f"（种子 {options.seed}），用时 {time.perf_counter() - start:.1f} 秒"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
