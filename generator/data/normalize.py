"""Canonical spellings: the aliases of indicator names and operators seen in real tables.

One table serves ``fmt`` (which rewrites aliases), the schema messages (which suggest the
canonical form) and the importer.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

LEVEL1_ALIASES = {
    "满意度": "满意度指标",
    "效果指标": "效益指标",
    "产出": "产出指标",
    "效益": "效益指标",
    "成本": "成本指标",
}

LEVEL2_ALIASES = {
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "进度指标": "时效指标",
    "成本": "成本指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "环境效益指标": "生态效益指标",
    "生态文明效益指标": "生态效益指标",
    "可持续影响": "可持续影响指标",
    "服务对象满意度": "服务对象满意度指标",
    "满意度指标": "服务对象满意度指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "经济成本": "经济成本指标",
    "社会成本": "社会成本指标",
    "生态环境成本": "生态环境成本指标",
}

OPERATOR_ALIASES = {
    ">=": "≥",
    "=>": "≥",
    "≧": "≥",
    "大于等于": "≥",
    "不低于": "≥",
    "<=": "≤",
    "=<": "≤",
    "≦": "≤",
    "小于等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "等于": "=",
    "大于": ">",
    "小于": "<",
    "定性指标": "定性",
}

_ALL_ALIASES = {**LEVEL1_ALIASES, **LEVEL2_ALIASES, **OPERATOR_ALIASES}


def squash(text: str) -> str:
    """Drop all white space: repairs labels broken by a line wrap ("经济成本指 标")."""
    return "".join(text.split())


def halfwidth(text: str) -> str:
    """Full-width digits, letters and ASCII punctuation to their ordinary forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def canonical_enum_value(value: Any, options: list[Any]) -> Any | None:
    """The option an alias or a variant spelling stands for, or None when there is none."""
    if not isinstance(value, str):
        return None
    candidates = [squash(value), squash(halfwidth(value))]
    for text in candidates:
        if text in options and text != value:
            return text
        alias = _ALL_ALIASES.get(text)
        if alias in options:
            return alias
        if text + "指标" in options:
            return text + "指标"
    return None


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def as_number(text: str) -> Decimal | None:
    """A number written as text ("１００", " 22.95 "), or None."""
    cleaned = squash(halfwidth(text)).replace(",", "")
    if not _NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None
