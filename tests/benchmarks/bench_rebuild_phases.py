"""Where a rebuild after one edit spends its time, phase by phase: what ``jixiao serve`` does on each save.

    python tests/benchmarks/bench_rebuild_phases.py --projects 10000 [--rounds 3]

make_dataset.py writes the data (made up, units of 100 projects) into a temporary folder and commits it;
the site is built once (not timed), then, in each round, one project is renamed (or renamed back), a
comment naming the round is added, and the site is built again in this process, as ``jixiao serve``
does (``build(make_pdf=False)``). The main phases of the build are timed by wrapping the functions
that do them; printed: each round's seconds, then each phase's mean seconds per round (phases nest:
``write_site`` holds ``_make_units`` and ``_finish``, which hold the others; the workers' own time
is inside ``build_unit``). bench_rebuild.py compares two versions; this one says where the time goes.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_rebuild import as_serve, committed_dataset, toggle

from generator import build as build_module
from generator.site import engine, history, overview, publish, reuse, search

spent: collections.defaultdict[str, float] = collections.defaultdict(float)


def timed(owner: Any, name: str, label: str) -> None:
    """Replace ``owner.name`` by a function that adds the seconds it takes to ``spent[label]``."""
    inner: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    setattr(owner, name, wrapper)


PHASES = [
    (build_module, "prepare", "检查数据（prepare）"),
    (reuse.Previous, "unit", "取回未改动单位的记录（Previous.unit）"),
    (publish, "write_site", "生成网站（write_site）"),
    (publish, "begin", "  说明页面和修订记录（begin）"),
    (engine, "build_cached", "    说明页面（mkdocs，缓存）"),
    (history, "collect", "    修订记录（git log）"),
    (reuse, "unit_key", "  各单位的键（unit_key）"),
    (publish, "_make_units", "  单位（_make_units）"),
    (publish, "build_unit", "    改动的单位（build_unit）"),
    (publish, "_finish", "  公共部分（_finish）"),
    (publish, "_site_part", "    各单位给公共页面的数据"),
    (overview, "write_overview", "    首页、地区、年度和列表页"),
    (publish, "_open_data", "    公开数据"),
    (publish, "_search", "    搜索索引"),
    (search, "write", "      写出搜索索引"),
    (reuse, "update", "换入改动的文件（reuse.update）"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-phases-") as tmp:
        work, edited = committed_dataset(Path(tmp), args.projects)
        os.chdir(work)
        os.environ["JIXIAO_CACHE_DIR"] = str(Path(tmp) / "cache")
        as_serve()
        start = time.perf_counter()
        build_module.build(Path("data"), Path("site"), make_pdf=False)
        print(f"{args.projects:,} 个项目：首次生成 {time.perf_counter() - start:.0f} 秒（不计入）", flush=True)
        for owner, name, label in PHASES:
            timed(owner, name, label)
        total = 0.0
        for round_number in range(args.rounds):
            toggle(edited)
            with edited.open("a", encoding="utf-8") as handle:
                handle.write(f"# 第 {round_number + 1} 轮\n")
            start = time.perf_counter()
            build_module.build(Path("data"), Path("site"), make_pdf=False)
            seconds = time.perf_counter() - start
            total += seconds
            print(f"第 {round_number + 1} 轮：{seconds:.2f} 秒", flush=True)
        print(
            f"\n改一个项目后重新生成（在同一个进程中，jixiao serve 的情形），平均 {total / args.rounds:.2f} 秒；各部分每轮平均："
        )
        for _, _, label in PHASES:
            print(f"{spent[label] / args.rounds:8.2f} 秒  {label}")


if __name__ == "__main__":
    main()
