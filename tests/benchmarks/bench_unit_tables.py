"""The official tables of one unit, in one process: what a rebuild after one edit spends on them.

    python tests/benchmarks/bench_unit_tables.py [--projects 100]
    PYTHONPATH=/tmp/old python tests/benchmarks/bench_unit_tables.py   # jixiao of another commit (git archive)

A made-up unit of ``--projects`` projects (make_dataset.py) is printed three times into a fresh folder,
with the cache: cold (every table made), again with nothing changed, and after one project's name is
changed (the edited table made again, the booklet joined anew from all tables). Figures are CPU
seconds of this process (median of 5 runs for the warm ones).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_dataset import make_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=100, help="projects of the unit (default 100)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-unit-") as tmp:
        os.environ["JIXIAO_CACHE_DIR"] = str(Path(tmp) / "cache")
        import generator
        from generator.data.model import load_unit
        from generator.data.tree import UnitFolder
        from generator.render.tables import write_unit_tables

        data = make_dataset(Path(tmp) / "repo", options.projects, per_unit=options.projects)
        unit_file = sorted(data.rglob("单位.yaml"))[0]
        folder = UnitFolder(
            unit_file.parent,
            unit_file.parents[2],
            int(unit_file.parent.parent.name),
            sorted(p for p in unit_file.parent.glob("*.yaml") if p.name != "单位.yaml"),
        )

        def once(name: str) -> float:
            unit = load_unit(folder)
            start = time.process_time()
            write_unit_tables(unit, Path(tmp) / "out" / name)
            return time.process_time() - start

        cold = once("cold")
        same = statistics.median(once(f"same{n}") for n in range(5))
        edited: list[float] = []
        for n in range(5):
            path = folder.project_files[0]
            text = re.sub(r"^(项目名称: .*)$", rf"\g<1>（修订{n}）", path.read_text(encoding="utf-8"), count=1, flags=re.M)
            path.write_text(text, encoding="utf-8")
            edited.append(once(f"edit{n}"))
        print(f"jixiao：{Path(generator.__file__).parent}")
        print(
            f"一个单位 {len(folder.project_files)} 个项目的官方表格（CPU 秒）：首次 {cold:.2f}，"
            f"未改动 {same:.2f}，改一个项目后 {statistics.median(edited):.2f}"
        )


if __name__ == "__main__":
    main()
