"""The benchmark data generator (tests/benchmarks/make_dataset.py): deterministic, clean, and as large as asked."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

SCRIPT = ROOT / "tests" / "benchmarks" / "make_dataset.py"
_spec = importlib.util.spec_from_file_location("make_dataset", SCRIPT)
assert _spec is not None and _spec.loader is not None
make_dataset = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = make_dataset  # dataclasses look their module up by name
_spec.loader.exec_module(make_dataset)

PROJECTS, PER_UNIT = 230, 50
SPECIAL = ("单位.yaml", "地区.yaml")


def generate(base: Path, seed: int) -> Path:
    data = make_dataset.make_dataset(base, PROJECTS, seed=seed, per_unit=PER_UNIT)
    assert data == base / "data"
    return base


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two trees from the same arguments, one from another seed."""
    return {name: generate(tmp_path_factory.mktemp(name), seed) for name, seed in (("first", 0), ("again", 0), ("other", 1))}


def contents(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def projects(data: Path) -> list[Path]:
    return [p for p in data.rglob("*.yaml") if p.name not in SPECIAL]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_same_arguments_give_the_same_bytes(trees: dict[str, Path]) -> None:
    first, again = contents(trees["first"]), contents(trees["again"])
    assert list(first) == list(again)
    differing = [name for name in first if first[name] != again[name]]
    assert not differing, differing[:5]


def test_another_seed_gives_other_data(trees: dict[str, Path]) -> None:
    first, other = contents(trees["first"] / "data"), contents(trees["other"] / "data")
    shared = set(first) & set(other)
    assert set(first) != set(other) or any(first[name] != other[name] for name in shared)
    assert len(projects(trees["other"] / "data")) == PROJECTS


def test_counts_are_as_requested(trees: dict[str, Path]) -> None:
    data = trees["first"] / "data"
    assert len(projects(data)) == PROJECTS
    units = sorted(data.glob("*/*/*/单位.yaml"))
    assert len(units) == -(-PROJECTS // PER_UNIT)
    sizes = [len([p for p in unit.parent.iterdir() if p.name != "单位.yaml"]) for unit in units]
    assert sum(sizes) == PROJECTS and max(sizes) <= PER_UNIT and max(sizes) - min(sizes) <= 1
    assert (trees["first"] / "schema" / "project.schema.json").read_bytes() == (
        ROOT / "schema" / "project.schema.json"
    ).read_bytes()


def sample_years() -> dict[str, str]:
    """版式 → the year folder of the sample region with that layout."""
    years = {}
    for region in DATA.glob("*/地区.yaml"):
        layout = re.search(r"^版式: (\S+)$", region.read_text(encoding="utf-8"), re.M)
        assert layout is not None
        years[layout.group(1)] = max(p.name for p in region.parent.iterdir() if p.is_dir())
    return years


def test_both_layouts_in_their_years(trees: dict[str, Path]) -> None:
    data = trees["first"] / "data"
    expected = sample_years()
    assert {"湖南", "河北"} <= set(expected)
    found: dict[str, int] = {}
    for region in sorted(data.glob("*/地区.yaml")):
        layout = re.search(r"^版式: (\S+)$", region.read_text(encoding="utf-8"), re.M)
        assert layout is not None
        assert [p.name for p in region.parent.iterdir() if p.is_dir()] == [expected[layout.group(1)]]
        found[layout.group(1)] = found.get(layout.group(1), 0) + len(projects(region.parent))
    assert set(found) == {"湖南", "河北"}
    assert all(count >= PROJECTS // 3 for count in found.values()), found  # roughly half each


def test_years_and_amounts_inside_files_fit(trees: dict[str, Path]) -> None:
    for path in projects(trees["first"] / "data"):
        text, year = path.read_text(encoding="utf-8"), path.parent.parent.name
        assert set(re.findall(r"(?<![\d.])(20\d\d)(?=年)", text)) <= {year}, path
        period = re.search(r"^实施期: (.+)$", text, re.M)
        if period:
            assert set(re.findall(r"20\d\d", period.group(1))) == {year}, path
        code = re.search(r"^项目编码: (\S+)$", text, re.M)
        if code:
            assert len(code.group(1)) == 21 and code.group(1)[6:8] == year[2:], path
        for amount in re.findall(r"^\s*(?:项目金额|财政资金|其他资金|上级资金): (\S+)$", text, re.M):
            assert re.fullmatch(r"[1-9]\d*(\.\d{1,2})?", amount), (path, amount)
        assert "已确认问题" not in text and "更正说明" not in text and "填报单位" not in text


def test_jixiao_check_finds_no_errors(trees: dict[str, Path]) -> None:
    result = run("-m", "generator", "check", "data", cwd=trees["first"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    summary = re.search(r"(\d+) 个错误，(\d+) 个警告", result.stdout)
    assert summary is not None, result.stdout[-500:]
    errors, warnings = map(int, summary.groups())
    assert errors == 0 and warnings <= PROJECTS // 20, result.stdout[-3000:]  # today there are none


def test_files_are_as_jixiao_fmt_writes_them(trees: dict[str, Path]) -> None:
    result = run("-m", "generator", "fmt", "--check", "data", cwd=trees["first"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr


def test_command_line(tmp_path: Path) -> None:
    result = run(str(SCRIPT), str(tmp_path / "out"), "--projects", "5", "--per-unit", "2", "--seed", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1 and "5 个项目" in result.stdout
    assert len(projects(tmp_path / "out" / "data")) == 5
    again = run(str(SCRIPT), str(tmp_path / "out"), "--projects", "5", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr  # never writes over a tree


def test_import_prints_nothing() -> None:
    result = run("-c", "import make_dataset", cwd=SCRIPT.parent)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_the_uneven_shape_of_bench_cold_puts_one_large_unit_last_and_passes_the_check(tmp_path: Path) -> None:
    """bench_cold.py's "uneven" data: small units, then one large unit last in the site's order; all of it valid."""
    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    import bench_cold  # a script beside the tests, not a package

    repo = bench_cold.shaped(tmp_path, "uneven", 50)
    from generator.check.run import check
    from generator.data.tree import collect

    units = sorted(collect([repo / "data"]).units.values(), key=lambda u: u.path)
    assert [len(u.project_files) for u in units] == [10, 10, 10] + [20]
    assert units[-1].path.name == bench_cold.LAST
    assert check([repo / "data"], jobs=1).exit_code() == 0
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True).stdout == ""
