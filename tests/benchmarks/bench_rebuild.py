"""The editor's loop, before and after a change, in one run: a one-file check after an edit (the pre-commit
hook) and ``jixiao build --no-pdf`` after one edit (what ``jixiao serve`` does on each save).

    python tests/benchmarks/bench_rebuild.py --projects 10000 --before main
    python tests/benchmarks/bench_rebuild.py --projects 1000 --before v0.2.0 --rounds 7

make_dataset.py writes the data (units of 100 projects) and commits it. Each version (jixiao at
``--before``, exported with ``git archive``, and this checkout) builds the site once into its own folder
with its own cache (not timed); then, in rounds that alternate between the versions, one project is
renamed (or renamed back), a comment naming the round is added (so that no round's bytes were seen
before), and each version checks that file and builds again. Printed: the median wall
and CPU seconds of each version, and the ratio. Alternating keeps both versions under the same load.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import git, older
from bench_site import run
from columns import left, right
from make_dataset import make_dataset

JIXIAO = [sys.executable, "-m", "generator"]


def as_serve() -> None:
    """Keep in this process, from one build to the next, what ``jixiao serve`` keeps (an older version
    kept less, or nothing: as much as it has)."""
    import importlib.util

    from generator.site import reuse

    if hasattr(reuse, "keep_records"):
        reuse.keep_records()
    if importlib.util.find_spec("generator.held") is not None:
        from generator import held

        held.keep()


def toggle(path: Path) -> None:
    """Rename the project in ``path``, or rename it back: each round is a real edit of its name."""
    text = path.read_text(encoding="utf-8")
    edited = re.sub(
        r"^(项目名称: .*?)(（修订）)?$", lambda m: m.group(1) + ("" if m.group(2) else "（修订）"), text, count=1, flags=re.M
    )
    path.write_text(edited, encoding="utf-8")


def committed_dataset(tmp: Path, projects: int) -> tuple[Path, Path]:
    """A data repository of ``projects`` made-up projects (units of 100) in ``tmp``/repo, committed, and the
    project file the rounds edit: (the repository, that file)."""
    work = tmp / "repo"
    work.mkdir()
    data = make_dataset(work, projects)
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "数据")
    return work, sorted(p for p in data.rglob("*.yaml") if p.name not in ("地区.yaml", "单位.yaml"))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument(
        "--before", metavar="REV", required=True, help="the version to compare with (a commit of this repository)"
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-rebuild-") as tmp:
        work, edited = committed_dataset(Path(tmp), args.projects)
        versions = {f"jixiao {args.before}": older(args.before, Path(tmp) / "before"), "jixiao（这一版）": None}
        figures: dict[str, dict[str, list[tuple[float, float]]]] = {name: {"check": [], "build": []} for name in versions}

        def use(name: str) -> None:
            tree = versions[name]
            os.environ.pop("PYTHONPATH", None)
            if tree is not None:
                os.environ["PYTHONPATH"] = str(tree)
            os.environ["JIXIAO_CACHE_DIR"] = str(Path(tmp) / f"cache-{list(versions).index(name)}")

        def out(name: str) -> str:
            return f"site-{list(versions).index(name)}"

        for name in versions:
            use(name)
            wall, _, _, cpu = run([*JIXIAO, "build", "--no-pdf", "--out", out(name)], work)
            print(f"{name}：首次生成 {wall:.0f} 秒（CPU {cpu:.0f} 秒，不计入比较）", flush=True)
        for round_number in range(args.rounds):
            toggle(edited)
            with edited.open("a", encoding="utf-8") as handle:  # and bytes never seen before: nothing comes from the cache
                handle.write(f"# 第 {round_number + 1} 轮\n")
            for name in versions:
                use(name)
                wall, _, _, cpu = run([*JIXIAO, "check", str(edited.relative_to(work))], work)
                figures[name]["check"].append((wall, cpu))
                wall, _, _, cpu = run([*JIXIAO, "build", "--no-pdf", "--out", out(name)], work)
                figures[name]["build"].append((wall, cpu))
        print(f"\n{args.projects:,} 个项目，每单位 100 个，{args.rounds} 轮交替测量的中位数（秒）：")
        print(left("任务", 34) + left("版本", 24) + right("用时", 8) + right("CPU", 8))
        labels = {"check": "check 一个文件（改动后）", "build": "build --no-pdf（改一个项目后）"}
        for task, label in labels.items():
            medians = {}
            for name in versions:
                walls, cpus = zip(*figures[name][task], strict=True)
                medians[name] = statistics.median(walls)
                print(f"{left(label, 34)}{left(name, 24)}{statistics.median(walls):>8.2f}{statistics.median(cpus):>8.2f}")
            before, after = medians.values()
            print(f"{left('', 34)}{left('之前 ÷ 之后', 24)}{before / after:>8.2f}")


if __name__ == "__main__":
    main()
