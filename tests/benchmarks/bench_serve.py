"""The serve loop, before and after a change, alternating round by round: what an editor waits for after
each save in ``jixiao serve``.

    python tests/benchmarks/bench_serve.py --projects 10000 --before main [--rounds 11]

make_dataset.py writes the data (made up, units of 100 projects) and commits it. Each version (jixiao at
``--before``, exported with ``git archive``, and this checkout) runs in its own long-lived process, as
``jixiao serve`` does, with its own cache and site folder: it builds the site once (not timed), then
waits. In each round one project is renamed (or renamed back) and given a comment, and each process in
turn builds again in-process (``build(make_pdf=False)``, the units' records kept in memory as serve keeps
them); the order of the two alternates from round to round. The virtual machines this runs on change
speed by a third within an hour: only rounds taken in turn compare two versions. Printed: each round's
seconds, then the median wall and CPU seconds (of the building process) of each version, the first
round left out (it fills what the process keeps), and the ratio. bench_rebuild_phases.py says where
one version's time goes.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from columns import left

HERE = Path(__file__).resolve().parent


def serve_like(code: str, work: Path, edited: Path, cache: Path, out: str) -> None:
    """The process of one version: build once, then build again after each edit asked for on stdin."""
    if code:
        sys.path.insert(0, code)
    from bench_rebuild import as_serve, toggle

    from generator import build as build_module

    os.chdir(work)
    os.environ["JIXIAO_CACHE_DIR"] = str(cache)
    as_serve()

    def build() -> None:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            build_module.build(Path("data"), Path(out), make_pdf=False)

    build()
    print("ready", flush=True)
    for line in sys.stdin:
        toggle(edited)
        with edited.open("a", encoding="utf-8") as handle:  # bytes never seen before: nothing from the cache
            handle.write(f"# {line.strip()}\n")
        wall, cpu = time.perf_counter(), time.process_time()
        build()
        print(f"{time.perf_counter() - wall:.3f} {time.process_time() - cpu:.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--before", metavar="REV", help="the version to compare with (a commit; required)")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--serve", nargs=4, metavar=("CODE", "WORK", "EDITED", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        code, work, edited, cache = args.serve
        serve_like(code if code != "-" else "", Path(work), Path(edited), Path(cache), f"site-{Path(cache).name}")
        return
    if not args.before:
        parser.error("--before REV is required")
    from bench import older
    from bench_rebuild import committed_dataset

    with tempfile.TemporaryDirectory(prefix="jixiao-serve-") as tmp:
        work, edited = committed_dataset(Path(tmp), args.projects)
        versions = {f"jixiao {args.before}": str(older(args.before, Path(tmp) / "before")), "jixiao（这一版）": "-"}
        processes = {}
        for number, (name, code) in enumerate(versions.items()):
            command = [sys.executable, __file__, "--serve", code, str(work), str(edited), str(Path(tmp) / f"cache-{number}")]
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            processes[name] = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
            start = time.perf_counter()
            assert processes[name].stdout is not None and processes[name].stdout.readline().strip() == "ready", name
            print(f"{name}：首次生成 {time.perf_counter() - start:.0f} 秒（不计入）", flush=True)
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
        for round_number in range(args.rounds):
            order = list(versions) if round_number % 2 == 0 else list(versions)[::-1]
            for name in order:
                process = processes[name]
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(f"第 {round_number + 1} 轮 {name}\n")
                process.stdin.flush()
                wall, cpu = map(float, process.stdout.readline().split())
                figures[name].append((wall, cpu))
            print(f"第 {round_number + 1} 轮：" + "，".join(f"{n} {figures[n][-1][0]:.2f} 秒" for n in versions), flush=True)
        for process in processes.values():
            assert process.stdin is not None
            process.stdin.close()
            process.wait()
        print(f"\n{args.projects:,} 个项目，改一个项目后在同一个进程中重新生成，第 2–{args.rounds} 轮的中位数（秒）：")
        medians = []
        for name, rounds in figures.items():
            walls, cpus = zip(*rounds[1:], strict=True)
            medians.append(statistics.median(walls))
            print(f"  {left(name, 24)}{statistics.median(walls):>8.2f}（CPU {statistics.median(cpus):.2f}）")
        print(f"  {left('之前 ÷ 之后', 24)}{medians[0] / medians[1]:>8.2f}")


if __name__ == "__main__":
    main()
