"""Layout files are checked as data (render/layout_check.py): every mistake at its line, through ``jixiao
check``; ``jixiao build`` stops before writing anything, with a coded message and never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from generator.render import layout as layout_module
from generator.render import layout_check

HUNAN_ROW = "            - [项目名称, {值: 项目名称, 跨列: 7}]\n"


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new``; the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def findings(name: str) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in layout_check.check_layout(name)]


def test_the_built_in_layouts_have_no_findings() -> None:
    for name in layout_module.available():
        assert layout_check.check_layout(name) == [], name


def test_a_span_too_wide_is_found_at_its_row(official: Path) -> None:
    line = edit(official / "湖南/layout.yaml", HUNAN_ROW, HUNAN_ROW.replace("跨列: 7", "跨列: 9"))
    found = layout_check.check_layout("湖南")
    assert [(d.line, d.code) for d in found] == [(line, "L002")]
    assert "超出了表格的 8 列" in found[0].message and found[0].path.endswith("湖南/layout.yaml")


def test_every_mistake_of_a_layout_is_reported_at_once(official: Path) -> None:
    path = official / "湖南/layout.yaml"
    first = edit(path, "纸张: 纵向\n", "纸张: 竖向\n")
    second = edit(path, "跨列: 7, 对齐: 左}]", "跨列: 七, 对齐: 左}]")
    merge = "                合并: [一级指标, 二级指标]\n"
    third = edit(path, merge, merge + "                合拼: 是\n")
    assert findings("湖南") == [(first, "S004"), (second, "S003"), (third + 1, "S002")]


def test_rows_that_leave_a_gap_or_overlap_and_totals_on_the_first_column(official: Path) -> None:
    path = official / "湖南/layout.yaml"
    gap = edit(
        path,
        HUNAN_ROW,
        HUNAN_ROW.replace("跨列: 7", "跨列: 6").replace("[项目名称,", "[项目名称, 甲,", 1).replace("跨列: 6}]", "跨列: 6}, 乙]"),
    )
    assert findings("湖南") == [(gap, "L002")]
    hebei = official / "河北/layout.yaml"
    total = edit(hebei, "合计: {标签: 合计, 值: 项目金额}", "合计: {标签: 合计, 值: 序号}")
    assert findings("河北") == [(total, "L003")]


def test_a_broken_yaml_file_and_a_wrong_name(official: Path) -> None:
    hebei = official / "河北/layout.yaml"
    edit(hebei, "名称: 河北\n", "名称: 河北省\n")
    assert [code for _, code in findings("河北")] == ["L004"]
    edit(official / "湖南/layout.yaml", "表格:\n", "表格: [\n")
    assert [code for _, code in findings("湖南")] == ["Y004"]


def jixiao(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=600, env=env
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "repo" / "data")
    shutil.copytree(ROOT / "schema", tmp_path / "repo" / "schema")
    return tmp_path / "repo"


def test_an_unknown_layout_is_an_error_at_the_regions_layout_field(repo: Path) -> None:
    region = repo / "data/唐山市路南区/地区.yaml"
    line = edit(region, "版式: 河北\n", "版式: 河北省\n")
    done = jixiao("check", "--format", "json", cwd=repo)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    found = [d for d in json.loads(done.stdout) if d["severity"] == "error" and not d.get("acknowledged")]
    assert [(d["path"], d["line"], d["code"]) for d in found] == [("data/唐山市路南区/地区.yaml", line, "L001")]
    assert "河北、湖北、湖南" in found[0]["message"]


def test_check_and_build_with_a_broken_built_in_layout(repo: Path, tmp_path: Path) -> None:
    """The layout's mistake is reported by check at its line, and build stops with the report, not a traceback."""
    package = tmp_path / "package"
    shutil.copytree(ROOT / "generator", package / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schema", package / "schema")
    line = edit(package / "generator/templates/official/湖南/layout.yaml", HUNAN_ROW, HUNAN_ROW.replace("跨列: 7", "跨列: 9"))
    # A broken layout keeps its regions out of the build; with the other region's broken too, nothing is built.
    hebei = edit(package / "generator/templates/official/河北/layout.yaml", "纸张: 纵向\n", "纸张: 竖向\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(package)}
    done = jixiao("check", "--format", "json", cwd=repo, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [d for d in json.loads(done.stdout) if d["severity"] == "error" and not d.get("acknowledged")]
    assert [(Path(d["path"]).parent.name, d["line"], d["code"]) for d in errors] == [
        ("河北", hebei, "S004"),
        ("湖南", line, "L002"),
    ]
    built = jixiao("build", "--no-pdf", cwd=repo, env=env)
    assert built.returncode == 1 and "Traceback" not in built.stderr + built.stdout
    assert "[L002]" in built.stdout and not (repo / "site").exists()
