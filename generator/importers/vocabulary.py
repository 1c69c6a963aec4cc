"""What the printed forms say: their labels, and what kind of thing a cell holds.

Labels are matched after removing white space (line wraps split them: "年度本级 预算金额") and
width variants, and a label cut short by a narrow column ("项目支出实施" for 项目支出实施期) still
matches when the cut is at least four characters long and fits only one label.

A cell's kind (operator, number, unit, placeholder, text) lets the indicator reader notice cells
that slid into a neighbouring column and put them back, and only when the kinds leave no doubt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from generator.data import fields as F
from generator.data.normalize import OPERATOR_ALIASES, as_number, canonical_enum_value, halfwidth, squash

__all__ = ["halfwidth", "squash"]  # re-exported: the importer compares labels with these
from generator.check.rules.common import KNOWN_UNITS
from generator.check.rules.framework import FRAMEWORKS

MIN_CUT = 4


def norm(text: str) -> str:
    """A label as compared: no white space, half-width, without a trailing colon."""
    return squash(halfwidth(text)).rstrip(":")


_VARIANTS: dict[int, dict[str, str]] = {}


def _variants(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Each spelling of a label → its canonical name (the label tables are constants: cached)."""
    if id(table) not in _VARIANTS:
        _VARIANTS[id(table)] = {norm(v): canonical for canonical, variants in table.items() for v in variants}
    return _VARIANTS[id(table)]


def match(text: str, table: Mapping[str, tuple[str, ...]], cut: bool = True) -> str | None:
    """The canonical label ``text`` stands for in ``table``, or None.

    ``cut`` admits a label cut short; only where a label is expected (a row's first cell), since
    elsewhere a short value ("项目支出") could be taken for a cut label.
    """
    key = norm(text)
    if not key:
        return None
    variants = _variants(table)
    if key in variants:
        return variants[key]
    bare = re.sub(r"\([^()]*\)$", "", key)  # 项目金额(万元), 资金支出计划(%)
    if bare in variants:
        return variants[bare]
    if key.startswith("其中"):
        rest = key[2:].lstrip(":")
        if rest in variants:
            return variants[rest]
    if cut and len(key) >= MIN_CUT:
        longer = {canonical for variant, canonical in variants.items() if variant.startswith(key)}
        if len(longer) == 1:
            return longer.pop()
        near = {canonical for variant, canonical in variants.items() if _near(key, variant)}
        if len(near) == 1:  # 项目支出名称 ≈ 项目名称: a label with a word more or less
            return near.pop()
    return None


NEAR = 2  # characters a label may have more or fewer than the form's and still be that label


def _near(a: str, b: str) -> bool:
    """Whether one of ``a`` and ``b`` is the other with one run of at most NEAR characters taken out of its
    middle (项目支出名称 and 项目名称), both long enough to say what they are."""
    short, long_ = sorted((a, b), key=len)
    extra = len(long_) - len(short)
    if not 0 < extra <= NEAR or len(short) < MIN_CUT:
        return False
    return any(long_[:i] + long_[i + extra :] == short for i in range(1, len(short)))


PROJECT_LABELS: dict[str, tuple[str, ...]] = {
    F.PROJECT_NAME: (F.PROJECT_NAME,),
    F.PROJECT_CODE: (F.PROJECT_CODE, "项目代码"),
    F.CATEGORY: (F.CATEGORY, "项目类型"),
    F.AMOUNT: ("年度本级预算金额", F.AMOUNT, "预算金额", "年度预算金额", "本级预算金额", "预算数", "年度预算数"),
    F.PERIOD: ("项目支出实施期", F.PERIOD, "项目实施期"),
    F.GOALS: (F.GOALS, "年度绩效目标", "绩效目标"),
    F.USE_OF_FUNDS: ("预算规模及资金用途", F.USE_OF_FUNDS),
    F.FINANCE_FUNDS: (F.FINANCE_FUNDS,),
    F.OTHER_FUNDS: (F.OTHER_FUNDS,),
    F.SUPERIOR_FUNDS: (F.SUPERIOR_FUNDS, "上级补助资金"),
    F.SPENDING_PLAN: (F.SPENDING_PLAN,),
    F.INDICATORS: ("本年度绩效指标", "年度绩效指标", F.INDICATORS),
}

DEPARTMENT_LABELS: dict[str, tuple[str, ...]] = {
    F.UNIT_NAME: ("部门(单位名称)", "部门(单位)名称", "部门名称", F.UNIT_NAME, "部门(单位)"),
    F.DUTIES: (F.DUTIES,),
    F.TASKS: (F.TASKS,),
    F.TASK_NAME: (F.TASK_NAME,),
    F.TASK_CONTENT: (F.TASK_CONTENT,),
    F.BUDGET: (F.BUDGET,),
    F.BUDGET_TOTAL: (F.BUDGET_TOTAL,),
    F.BY_SOURCE: (F.BY_SOURCE,),
    F.BY_USE: (F.BY_USE,),
    F.GENERAL_BUDGET: (F.GENERAL_BUDGET, "一般公共预算拨款"),
    F.FUND_BUDGET: (F.FUND_BUDGET, "政府性基金拨款", "政府性基金预算"),
    F.SPECIAL_ACCOUNT: (F.SPECIAL_ACCOUNT,),
    F.OTHER_FUNDS: (F.OTHER_FUNDS,),
    F.BASIC_SPENDING: (F.BASIC_SPENDING,),
    F.PROJECT_SPENDING: (F.PROJECT_SPENDING,),
}

SUMMARY_LABELS: dict[str, tuple[str, ...]] = {
    F.ORDER: (F.ORDER,),
    F.PROJECT_NAME: (F.PROJECT_NAME,),
    F.AMOUNT: (F.AMOUNT, "金额", "预算金额", "项目预算", "预算数"),
    F.PROJECT_CODE: (F.PROJECT_CODE,),
    F.FINANCE_FUNDS: (F.FINANCE_FUNDS,),
    F.OTHER_FUNDS: (F.OTHER_FUNDS,),
    F.REMARK: (F.REMARK,),
    "合计": ("合计", "合计金额", "总计"),
}

GRID_LABELS: dict[str, tuple[str, ...]] = {
    F.LEVEL1: (F.LEVEL1,),
    F.LEVEL2: (F.LEVEL2,),
    F.LEVEL3: (F.LEVEL3,),
    F.VALUE: (F.VALUE, "目标值", "年度指标值"),
    F.MEASURE: (F.MEASURE, "计量单位"),
    F.OPERATOR: (F.OPERATOR, "计算符号", F.NATURE_OF_VALUE),
    F.NOTE: ("指标值说明(指标解释)", "指标值说明", "指标解释", "绩效指标描述", F.NOTE),
    F.BASIS: ("指标值确定依据", F.BASIS),
    F.WEIGHT: (F.WEIGHT, "分值"),
    F.DIRECTION: (F.DIRECTION, "指标方向性"),
    F.REMARK: (F.REMARK,),
}

# --- 绩效自评表 and 运行监控表 (national wording; a layout's own headings and 栏目别名 come first) --------------
# The names of their parts the importer reads by (importers/selfeval.py): data fields, or what the form prints
# beside them and jixiao derives (分值, 得分, 执行率, 总分, 等级), which are compared, never stored.
POINTS = "分值"
SCORE = "得分"
RATE = "执行率"
STATUS = F.ACHIEVEMENT
REASONS = "偏差原因分析及改进措施"
MONITORED = "监控完成情况"
FORECAST = "全年预计"
TOTAL = "总分"
GRADE = "等级"
MONITOR_DATE = "监控日期"
EXECUTION_NOTE = "执行说明"  # a 原因 column beside the execution rate: no field

RESULT_GRID_LABELS: dict[str, tuple[str, ...]] = {
    F.LEVEL1: (F.LEVEL1,),
    F.LEVEL2: (F.LEVEL2,),
    F.LEVEL3: (F.LEVEL3, "指标名称"),
    F.VALUE: ("年度指标值", F.VALUE, "目标值", "预期指标值", "年度目标值", "全年指标值"),
    F.OPERATOR: (F.OPERATOR, F.NATURE_OF_VALUE, "计算符号"),
    F.MEASURE: (F.MEASURE, "计量单位"),
    F.ACTUAL: (F.ACTUAL, "实际完成值(含单位)", "全年实际完成值", F.MONITOR_VALUE, "全年实际值", "实际值", "实际完成指标值"),
    POINTS: (POINTS, F.WEIGHT),
    SCORE: (SCORE, F.STATED_SCORE),
    STATUS: (STATUS, "是否完成"),
    REASONS: (
        REASONS,
        "未完成原因和改进措施",
        "未完成原因及拟采取的改进措施",
        "偏差原因分析及拟采取的改进措施",
        "未完成原因分析及改进措施",
        "偏差原因及改进措施",
        "偏差原因和改进措施",
    ),
    F.DEVIATION: ("偏差原因分析", F.DEVIATION, "未完成原因分析", "未完成原因", "原因分析"),
    F.IMPROVEMENT: (F.IMPROVEMENT, "改进意见"),
    MONITORED: ("监控时点完成情况", MONITORED, "截至目前完成情况", "目前完成情况", "执行情况"),
    FORECAST: ("全年预计完成情况", "全年预计完成值", "完成目标可能性", "预计完成情况"),
    F.REMARK: (F.REMARK,),
}

EXECUTION_LABELS: dict[str, tuple[str, ...]] = {
    F.INITIAL_BUDGET: (F.INITIAL_BUDGET, "年初预算", "年初预算金额"),
    F.FULL_YEAR_BUDGET: (F.FULL_YEAR_BUDGET, "调整后预算数", "调整后预算", "全年预算"),
    F.EXECUTED: (F.EXECUTED, "预算执行数", "全年实际执行数", "实际执行数", "全年执行金额"),
    F.MONITOR_EXECUTED: ("累计执行数", F.MONITOR_EXECUTED, "截至目前执行数"),
    POINTS: (POINTS, F.WEIGHT),
    RATE: (RATE, "预算执行率", "全年执行率"),
    SCORE: (SCORE,),
    FORECAST: ("全年预计执行数", "预计全年执行数"),
    MONITOR_DATE: (MONITOR_DATE, "监控时点", "截止日期"),
    EXECUTION_NOTE: ("原因", F.DEVIATION, "说明", "未完成原因"),
}

# Rows of the 项目资金 block: the year's total is the project's; below it the split by source (预算执行.资金来源).
EXECUTION_TOTAL_ROWS = ("年度资金总额", F.BUDGET_TOTAL, "总额", "合计", "项目资金总额")
FUNDING_SOURCE_ROWS: dict[str, tuple[str, ...]] = {
    F.CURRENT_APPROPRIATION: (F.CURRENT_APPROPRIATION, "本年财政拨款", "当年一般公共预算拨款", "本年一般公共预算拨款"),
    F.CARRIED_OVER: (F.CARRIED_OVER, "上年结转"),
    F.OTHER_FUNDS: (F.OTHER_FUNDS,),
}
# Rows of sources the data has no place for, reported as not placed with the reason: 财政拨款 and 财政资金 may hold
# the carried-over funds too, 上级补助 may be part of either, and forms that list 单位资金 beside 其他资金 mean
# other things by each.
OTHER_FUNDING_ROWS = (
    "财政拨款",
    F.FINANCE_FUNDS,
    F.SPECIAL_ACCOUNT,
    "单位资金",
    "单位自有资金",
    "上级补助资金",
    F.SUPERIOR_FUNDS,
)
FUNDING_ROWS = (*(label for labels in FUNDING_SOURCE_ROWS.values() for label in labels), *OTHER_FUNDING_ROWS)

# The rows after the indicators: the total and grade (derived), the conclusion (data).
CLOSING_LABELS: dict[str, tuple[str, ...]] = {
    TOTAL: (TOTAL, "合计", "总计", "自评总分", "得分合计"),
    GRADE: (F.STATED_GRADE, GRADE, "评价等级", "自评结果等级"),
    F.PROBLEMS: (F.PROBLEMS, "主要问题", "存在的问题", "偏差或不能完成目标原因分析"),
    F.IMPROVEMENT: (F.IMPROVEMENT, "改进意见", "下一步改进措施", "相关建议或举措", "纠偏措施"),
    F.ACHIEVEMENT: ("评价结论", F.CONCLUSION, "综合评价", "总体评价"),
}

GOAL_LABELS: dict[str, tuple[str, ...]] = {
    F.GOALS: ("预期目标", "年度目标", "项目年度目标", "年度绩效目标", "年初设定目标", F.GOALS),
    F.ACHIEVEMENT: ("实际完成情况", "年度目标完成情况", "目标完成情况", "实际完成", "年度总体目标完成情况综述"),
}

# A heading naming the months a monitoring covers ("1-7月执行数", "1—6月执行情况", "截至6月底执行数"): the
# monitoring's date is the month's last day.
MONTHS_TO_DATE = re.compile(
    r"^(?:(?:1[-—~至到]|截至|截止)(?P<month>1[0-2]|[1-9])月(?:底|末|份)?|(?P<half>上?半年度?))"
    r"(?P<what>执行数|执行率|执行情况|完成情况|完成值|指标执行情况)$"
)


def months_covered(found: re.Match[str]) -> int:
    """The last month a MONTHS_TO_DATE heading covers: 6 for 半年度."""
    return 6 if found.group("half") else int(found.group("month"))


# Headings only a self-evaluation or a monitoring table prints: two of them make a table one.
CYCLE_MARKS = frozenset(
    norm(label)
    for label in (
        F.INITIAL_BUDGET,
        F.FULL_YEAR_BUDGET,
        F.EXECUTED,
        "调整后预算数",
        "预算执行数",
        "累计执行数",
        F.ACTUAL,
        "全年实际完成值",
        F.MONITOR_VALUE,
        "实际完成情况",
        *RESULT_GRID_LABELS[REASONS],
        "未完成原因分析",
        "监控时点完成情况",
        "预算执行率",
        RATE,
        "全年预计完成情况",
    )
)
CYCLE_TITLE = re.compile(r"绩效(?:自评|运行监控|目标执行监控|执行监控|监控)")

FOOTER_LABELS: dict[str, tuple[str, ...]] = {
    F.FINANCE_OFFICER: (F.FINANCE_OFFICER, "财务负责人"),
    F.PREPARER: (F.PREPARER, "制表人"),
}

# Every label of every form: a cell holding one of these is part of the form, not content.
ALL_LABELS: dict[str, tuple[str, ...]] = {}
for _table in (PROJECT_LABELS, DEPARTMENT_LABELS, SUMMARY_LABELS, GRID_LABELS, FOOTER_LABELS):
    for _key, _variants_of in _table.items():
        ALL_LABELS[_key] = ALL_LABELS.get(_key, ()) + _variants_of

LEVEL1 = tuple(dict.fromkeys(l1 for framework in FRAMEWORKS.values() for l1 in framework))
LEVEL2 = tuple(dict.fromkeys(l2 for framework in FRAMEWORKS.values() for l2s in framework.values() for l2 in l2s))
# Which 一级 a 二级 belongs to: the same in both frameworks, except that 2015's 成本指标 is a 二级 of 产出.
OWNER = {l2: l1 for framework in FRAMEWORKS.values() for l1, l2s in framework.items() for l2 in l2s}
ALLOWED = {l1: {l2 for framework in FRAMEWORKS.values() for l2 in framework.get(l1, ())} for l1 in LEVEL1}


def _enum(text: str, options: tuple[str, ...]) -> str | None:
    key = squash(halfwidth(text))
    if key in options:
        return key
    fixed = canonical_enum_value(text, list(options))
    return str(fixed) if fixed is not None else None


def level1(text: str) -> str | None:
    return _enum(text, LEVEL1)


def level2(text: str) -> str | None:
    return _enum(text, LEVEL2)


OPERATORS = ("≥", "≤", "=", ">", "<", "定性")


def operator(text: str) -> str | None:
    key = squash(halfwidth(text))
    if key in OPERATORS:
        return key
    alias = OPERATOR_ALIASES.get(key)
    return alias if alias in OPERATORS else None


NO_UNIT = "无"
UNITS = frozenset(KNOWN_UNITS) | {
    "万字",
    "字",
    "篇",
    "册",
    "份",
    "座",
    "辆",
    "台",
    "套",
    "件",
    "批",
    "亩",
    "吨",
    "公里",
    "千米",
    "米",
    "平方米",
    "张",
    "部",
    "种",
    "元",
    "万元",
    "亿元",
    "分",
    "周",
    "季度",
    "篇次",
    "场次",
    "户次",
    "个月",
    "百分点",
    "‰",
    "人/次",
    "万人次",
    NO_UNIT,
}
PLACEHOLDERS = frozenset({"/", "／", "-", "—", "——", "－"})


def unit(text: str) -> str | None:
    """The unit ``text`` names (line wraps removed: "百分 比"), or None."""
    key = squash(text)
    if key in UNITS:
        return key
    half = squash(halfwidth(text))
    return half if half in UNITS else None


def number(text: str) -> Decimal | None:
    return as_number(text)


def is_placeholder(text: str) -> bool:
    return squash(text) in PLACEHOLDERS


def kind(text: str) -> str:
    """empty, placeholder, operator, number, unit or text."""
    if not text.strip():
        return "empty"
    if is_placeholder(text):
        return "placeholder"
    if operator(text) is not None:
        return "operator"
    if number(text) is not None:
        return "number"
    if unit(text) is not None:
        return "unit"
    return "text"


_COMPOUND = re.compile(r"^(?P<op>≥|≤|>=|<=|=>|=<|≧|≦|>|<|=)?\s*(?P<num>[+-]?(?:\d+(?:\.\d+)?|\.\d+))\s*(?P<unit>[^\d\s]{0,4})$")
YEAR = re.compile(r"^(19|20)\d{2}$")


def split_value(text: str) -> tuple[str | None, Decimal, str] | None:
    """ "≤10万元" → ("≤", 10, "万元"); "100%" → (None, 100, "%"); None when it is not that shape.

    A four-digit year with 年 and no operator ("2026年") is a date, not a quantity.
    """
    match_ = _COMPOUND.match(squash(halfwidth(text)).replace(",", ""))
    if match_ is None:
        return None
    op, num, tail = match_.group("op"), match_.group("num"), match_.group("unit")
    if tail and unit(tail) is None and not (op and re.fullmatch(r"[A-Za-z]{1,3}", tail)):
        return None  # a tail that is no unit; after a sign, a Latin unit (≥80M) is one
    if op is None and tail == "年" and YEAR.match(num):
        return None
    if op is None and not tail:
        return None  # a bare number is not an embedded value
    value = as_number(num)
    if value is None:  # pragma: no cover - the pattern admits only numbers
        return None
    return (operator(op) if op else None), value, tail


MONEY_UNIT = re.compile(r"(?:金额)?单位[:：]\s*(万元|元|亿元)")


def money_unit(text: str) -> str | None:
    """ "金额单位：万元" / "单位: 万元" → 万元."""
    found = MONEY_UNIT.fullmatch(squash(halfwidth(text)).replace(":", "："))
    return found.group(1) if found else None


# The lines and rows around a form that are for signatures, not data: 财政部门审核意见, 单位负责人签字,
# 单位公章, 填报日期. A row of the indicator grid that starts with one ends the indicators.
SIGN = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,12}审核意见|[\u4e00-\u9fff]{0,8}[(（]?(?:签字|签章|盖章|公章)[)）]?|"
    r"(?:填报|填表)?日期)(?:[:：(（].*)?$"
)
SEAL = re.compile(r"[(（]\s*(?:盖章|公章|签章)\s*[)）]")


def without_seal(name: str) -> str:
    """A unit's name as a form line prints it, without "（盖章）": never a name by itself."""
    return SEAL.sub("", name).strip(" :：")
