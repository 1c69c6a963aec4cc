"""``jixiao build --shard K/N`` and ``jixiao merge``: the shards built one after another and merged make the
very site ``jixiao build`` writes, byte for byte; shards that do not make one site are refused (R010)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from conftest import DATA, ROOT
from test_cache import assert_same_tree

from generator import shard
from generator.build import build
from generator.data.tree import UnitFolder
from generator.render import pdf

sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
from make_dataset import make_dataset

COMMIT = ["-c", "user.name=编辑", "-c", "user.email=e@example.org", "commit", "-qm", "数据"]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, check=True, capture_output=True)


def commit_all(root: Path) -> None:
    for args in (["init", "-q"], ["add", "-A"], COMMIT):
        git(root, *args)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample data in a git repository of its own (the pages show its history)."""
    root = tmp_path / "repo"
    shutil.copytree(DATA, root / "data")
    shutil.copytree(ROOT / "schema", root / "schema")
    commit_all(root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    return root


def jixiao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, check=False)


def shards_then_merge(count: int, options: list[str], out: str = "merged") -> list[Path]:
    folders = []
    for k in range(1, count + 1):
        result = jixiao("build", "--shard", f"{k}/{count}", *options)
        assert result.returncode == 0, result.stdout + result.stderr
        folders.append(Path(f"shard-{k}"))
    merged = jixiao("merge", *map(str, folders), "-o", out)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "已合并 3 个分片" in merged.stdout
    return folders


def test_merged_shards_equal_the_single_build_on_the_sample_data(repo: Path) -> None:
    single = jixiao("build", "--no-pdf", "--out", "single")
    assert single.returncode == 0, single.stderr
    folders = shards_then_merge(3, ["--no-pdf"])
    assert_same_tree(repo / "single", repo / "merged")
    # Every unit in exactly one shard, and the shards stay as they were (the merge links, never moves).
    numbers = [e["number"] for f in folders for e in json.loads((f / shard.MANIFEST).read_text(encoding="utf-8"))["units"]]
    assert sorted(numbers) == list(range(4))
    assert all((f / shard.SITE).is_dir() and (f / shard.MANIFEST).is_file() for f in folders)


def test_merged_shards_equal_the_single_build_on_made_up_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Made-up data (tests/benchmarks/make_dataset.py): 14 units of both layouts in three regions."""
    root = tmp_path / "made-up"
    make_dataset(root, 70, per_unit=5)
    commit_all(root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    single = jixiao("build", "--no-pdf", "--no-tables", "--out", "single")
    assert single.returncode == 0, single.stderr
    shards_then_merge(3, ["--no-pdf", "--no-tables"])
    assert_same_tree(root / "single", root / "merged")


@pytest.mark.skipif(bool(pdf.unavailable(True)), reason="LibreOffice is not installed")
def test_merged_shards_with_pdf_booklets_equal_the_single_build(repo: Path, tmp_path: Path) -> None:
    """The default build (PDF booklets too): each booklet is converted by its unit's shard. The single build
    has a cache of its own, so every PDF is converted twice."""
    assert build(Path("data"), Path("single"), jobs=1).pdfs == 4
    os.environ["JIXIAO_CACHE_DIR"] = str(tmp_path / "cache-shards")
    shards_then_merge(3, [])
    assert len(list(Path("merged").rglob("*.pdf"))) == 4
    assert_same_tree(repo / "single", repo / "merged")


def test_a_merged_site_is_rebuilt_in_place_by_build(repo: Path) -> None:
    """``jixiao build`` into a merged site replaces it (its marker is there) and writes the same bytes."""
    shards_then_merge(3, ["--no-pdf"], out="site")
    again = jixiao("build", "--no-pdf", "--out", "site")
    assert again.returncode == 0, again.stderr
    shards_then_merge(3, ["--no-pdf"], out="merged")
    assert_same_tree(repo / "site", repo / "merged")


def folders_of(weights: list[int]) -> list[UnitFolder]:
    # assign reads how many project files a unit has, nothing else
    return [cast(UnitFolder, SimpleNamespace(project_files=[Path(f"{n}.yaml")] * w)) for n, w in enumerate(weights)]


@pytest.mark.parametrize(
    ("weights", "count"),
    [([100] * 10, 8), ([5] * 200, 3), ([300, 1, 1, 1, 1, 200, 100, 100, 50, 7], 3), ([3, 2], 5), ([], 2)],
)
def test_units_are_dealt_to_shards_once_each_and_balanced(weights: list[int], count: int) -> None:
    folders = folders_of(weights)
    slices = shard.assign(folders, count)
    assert len(slices) == count
    assert sorted(n for s in slices for n in s) == list(range(len(weights)))
    assert all(s == sorted(s) for s in slices)
    loads = [sum(weights[n] + 1 for n in s) for s in slices]
    assert max(loads) - min(loads) <= max(weights, default=0) + 1  # within one unit
    assert shard.assign(folders, count) == slices  # deterministic


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("0/3", "K 应在 1 到 3 之间"),
        ("4/3", "K 应在 1 到 3 之间"),
        ("x", "应写成 K/N"),
        ("1/0", "至少为 1"),
        ("2/", "应写成 K/N"),
    ],
)
def test_a_wrong_shard_is_told_in_chinese(repo: Path, spec: str, said: str) -> None:
    result = jixiao("build", "--shard", spec)
    assert result.returncode == 2
    assert "错误 [R001]" in result.stderr and said in result.stderr and "Traceback" not in result.stderr
    assert not Path("site").exists() and not any(Path().glob("shard-*"))


@pytest.fixture
def three(repo: Path) -> list[Path]:
    """Shards 1–3 of 3 and, beside them, shard 1 of 2, of the sample data."""
    folders = []
    for k, n in ((1, 3), (2, 3), (3, 3), (1, 2)):
        result = jixiao("build", "--no-pdf", "--no-tables", "--shard", f"{k}/{n}", "--out", f"s{k}of{n}")
        assert result.returncode == 0, result.stderr
        folders.append(Path(f"s{k}of{n}"))
    return folders


def tamper(folder: Path, **changes: Any) -> None:
    path = folder / shard.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(changes)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def refused(*args: str) -> str:
    result = jixiao("merge", *args, "-o", "merged")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not Path("merged").exists()
    return result.stderr


def test_merge_refuses_shards_that_do_not_make_one_site(three: list[Path], repo: Path) -> None:
    one, two, third, other = map(str, three)
    assert "缺少分片：共 3 片，没有第 3 片" in refused(one, two)
    assert "分片 2/3 给了两次" in refused(one, two, two, third)
    assert "分片数不同" in refused(one, two, third, other)
    assert "不是 jixiao build --shard 生成的分片文件夹" in refused(one, two, "data")
    assert "错误 [R010]" in refused(one, two)
    # Another jixiao: its version and code fingerprint are in the manifest.
    for changes, said in (({"jixiao": "9.9.9"}, "jixiao 版本不同"), ({"code": "0" * 64}, "代码、Python 或所用的库不同")):
        saved = (three[2] / shard.MANIFEST).read_text(encoding="utf-8")
        tamper(three[2], **changes)
        assert said in refused(one, two, third)
        (three[2] / shard.MANIFEST).write_text(saved, encoding="utf-8")
    tamper(three[0], version=2)
    assert "格式是第 2 版" in refused(one, two, third)
    tamper(three[0], version=shard.VERSION)
    # Other options: a shard with official tables among shards without.
    assert jixiao("build", "--no-pdf", "--shard", "3/3", "--out", "with-tables").returncode == 0
    assert "是否生成官方表格" in refused(one, two, "with-tables")
    # Other data: an edit after the shards were made, committed or not.
    unit = next(repo.joinpath("data").rglob("单位.yaml"))
    unit.write_text(unit.read_text(encoding="utf-8") + "# 改动\n", encoding="utf-8")
    assert "数据（或其 git 提交）不同" in refused(one, two, third)
    # All of them the same again: the merge goes through.
    git(repo, "checkout", "--", "data")
    assert jixiao("merge", one, two, third, "-o", "merged").returncode == 0


def test_merge_needs_shards(repo: Path) -> None:
    result = jixiao("merge")
    assert result.returncode == 2 and "请写出要合并的分片文件夹" in result.stderr


def test_a_shard_never_replaces_a_folder_it_did_not_make(repo: Path) -> None:
    Path("mine").mkdir()
    Path("mine", "笔记.txt").write_text("不能丢", encoding="utf-8")
    result = jixiao("build", "--no-pdf", "--shard", "1/2", "--out", "mine")
    assert result.returncode == 2 and "不是 jixiao 分片的文件" in result.stderr
    assert Path("mine", "笔记.txt").read_text(encoding="utf-8") == "不能丢"


def test_a_shard_checks_the_whole_data_tree(repo: Path) -> None:
    """An error in a unit of another shard stops every shard, with the check's report, as the build does."""
    folders = shard.units_to_build(Path("data"))[0]
    elsewhere = folders[shard.assign(folders, 2)[1][0]].unit_file  # a unit of shard 2
    elsewhere.write_text(elsewhere.read_text(encoding="utf-8") + "不是: [\n", encoding="utf-8")
    result = jixiao("build", "--no-pdf", "--shard", "1/2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert elsewhere.name in result.stdout and "未生成表格：请先改正以上错误" in result.stdout
    assert not Path("shard-1").exists()
