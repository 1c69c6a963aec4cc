"""Shared fixtures: the repository root, and building small data trees in a temporary folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.data import regional
from generator.render import layout as layout_module
from generator.render import layout_check, webpage

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
UPDATE_GOLDEN = os.environ.get("JIXIAO_UPDATE_GOLDEN") == "1"

# The cache of finished work (generator/cache.py) is off in tests, and in the commands they run, so
# that a test which patches a rule sees its patch; tests/test_cache.py turns it on in its own folder.
os.environ["JIXIAO_CACHE_DIR"] = "off"

HUNAN_REGION = """\
名称: 测试市测试区
行政区划代码: '430000'
版式: 湖南
指标体系: 2021
金额单位: 万元
"""

UNIT = "单位名称: 测试区测试局\n"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository's data/ and schema/ (schema lines resolve in it)."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    return tmp_path / "data"


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[..., Path]:
    """Write a one-unit tree; returns the unit folder. Files are given as {name: text}."""

    def build(files: dict[str, str], region: str = HUNAN_REGION, unit: str | None = UNIT, year: str = "2026") -> Path:
        region_dir = tmp_path / "data" / "测试区"
        unit_dir = region_dir / year / "测试局"
        unit_dir.mkdir(parents=True, exist_ok=True)
        (region_dir / "地区.yaml").write_text(region, encoding="utf-8")
        if unit is not None:
            (unit_dir / "单位.yaml").write_text(unit, encoding="utf-8")
        for name, text in files.items():
            (unit_dir / name).write_text(text, encoding="utf-8")
        return unit_dir

    return build


def clear_layout_caches() -> None:
    """Forget every layout read so far (an edited layout file is read anew anyway: generator/held.py)."""
    layout_module._load_file.cache_clear()
    layout_check._check_file.cache_clear()
    regional.read_file.cache_clear()
    webpage.environment.cache_clear()


@pytest.fixture
def official(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the built-in layouts (generator/templates/official/), in place of them for this test."""
    folder = tmp_path / "official"
    shutil.copytree(regional.BUILT_IN, folder)
    monkeypatch.setattr(regional, "BUILT_IN", folder)
    monkeypatch.setattr(layout_module, "OFFICIAL", folder)
    monkeypatch.setattr(webpage, "OFFICIAL", folder)
    clear_layout_caches()
    yield folder
    clear_layout_caches()


def assert_golden(actual: str, golden: Path) -> None:
    """Compare with a committed golden file; JIXIAO_UPDATE_GOLDEN=1 rewrites it."""
    if UPDATE_GOLDEN:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"missing golden file {golden}: run with JIXIAO_UPDATE_GOLDEN=1 and review it"
    assert actual == golden.read_text(encoding="utf-8")


GoldenCheck = Callable[[str, Path], None]


@pytest.fixture
def golden() -> GoldenCheck:
    return assert_golden


def typed(value: Any) -> Any:
    """The value with the type of every part, so that 1, 1.0, True and Decimal("1.0") all differ."""
    if isinstance(value, dict):
        return "dict", [(typed(k), typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return "list", [typed(v) for v in value]
    return type(value).__name__, repr(value)
