"""``jixiao new``: scaffold a region, a unit or a project file with the right editor line.

Blank fields are left empty on purpose: ``jixiao check`` then points at each one that still needs
filling, so a scaffold can never be published by mistake with placeholder text in it.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.atomic import write_atomic
from generator.check.rules.framework import FRAMEWORKS
from generator.data import fields as F
from generator.data.fmt import ExactNumber, format_text, round_trip_yaml
from generator.data.load import REGION_FILE, UNIT_FILE
from generator.errors import UsageError
from generator.names import safe_filename

__all__ = ["new_project", "new_region", "new_unit", "safe_filename"]


def _dump(data: dict[str, Any], path: Path) -> str:
    out = io.StringIO()
    round_trip_yaml().dump(data, out)
    return format_text(out.getvalue(), path)


def _create(path: Path, data: dict[str, Any]) -> Path:
    exists = UsageError(f"“{path}”已经存在，不会覆盖。请换一个名称，或直接编辑该文件")
    if path.exists() or path.is_symlink():
        raise exists
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(path, _dump(data, path), overwrite=False)
    except FileExistsError:
        raise exists from None
    return path


def new_region(folder: Path, name: str, layout: str, framework: int, code: str | None) -> Path:
    data: dict[str, Any] = {F.REGION_NAME: name}
    if code:
        data[F.REGION_CODE] = code
    data.update({F.LAYOUT: layout, F.FRAMEWORK: framework, F.MONEY_UNIT: "万元"})
    return _create(folder / REGION_FILE, data)


def new_unit(folder: Path, name: str) -> Path:
    return _create(folder / UNIT_FILE, {F.UNIT_NAME: name, F.FINANCE_OFFICER: "", F.PREPARER: ""})


def _framework_of(unit_folder: Path) -> int:
    region_file = unit_folder.parent.parent / REGION_FILE
    if region_file.is_file():
        match = re.search(r"^指标体系:\s*(\d{4})", region_file.read_text(encoding="utf-8-sig"), re.M)
        if match and int(match.group(1)) in FRAMEWORKS:
            return int(match.group(1))
    return 2021


def new_project(unit_folder: Path, name: str, amount: Decimal | None) -> Path:
    """A project file listing the region's framework; ``amount`` written exactly as given (never through a
    float: 22.95 stays 22.95, 0.1 stays 0.1)."""
    if not (unit_folder / UNIT_FILE).is_file():
        raise UsageError(f"“{unit_folder}”中没有 单位.yaml：请先用 jixiao new unit 创建单位")
    year = unit_folder.parent.name
    rows = []
    for level1, level2s in FRAMEWORKS[_framework_of(unit_folder)].items():
        rows.append({F.LEVEL1: level1, F.LEVEL2: level2s[0], F.LEVEL3: "", F.OPERATOR: "≥", F.VALUE: "", F.MEASURE: ""})
    data: dict[str, Any] = {
        F.PROJECT_NAME: name,
        F.CATEGORY: "特定目标类",
        F.AMOUNT: None
        if amount is None
        else int(amount)
        if amount == amount.to_integral_value()
        else ExactNumber(format(amount, "f")),
        F.PERIOD: f"{year}.01-{year}.12",
        F.GOALS: "",
        F.INDICATORS: rows,
    }
    return _create(unit_folder / f"{safe_filename(name)}.yaml", data)
