"""What each official table costs to print, writer by writer, before and after a change, round by round.

    python tests/benchmarks/bench_writers.py --before REV            # 300 projects, 9 rounds
    python tests/benchmarks/bench_writers.py --before REV --projects 1000 --rounds 5 --pdf

make_dataset.py writes the data (made up, units of 100 projects). Each version (jixiao at ``--before``,
exported with ``git archive``, and this checkout) runs in its own process: it reads the units and
composes their forms once, then in each round prints every form with each writer in turn, timing the
CPU seconds of the whole pass: the model of each table (``compose_unit``, per unit), its HTML fragment
(``webpage.section``), its web page around the fragment, its Word body (``word.fragment``) and file,
its Excel file, and with ``--pdf`` each unit's booklet typeset by Typst. The two versions take turns,
the order alternating from round to round (this machine's speed changes by a third within an hour).
Printed: the median milliseconds per table of each writer for each version, their sum, and the ratio.
Nothing is written to disk: what this measures is the printing, not the file system (bench.py measures
the whole ``jixiao build``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from columns import left, right

ROOT = Path(__file__).resolve().parents[2]  # this checkout's jixiao

WRITERS = {
    "compose": "组成表格（compose_unit）",
    "section": "网页片段（webpage.section）",
    "page": "表格网页（table_page）",
    "fragment": "Word 正文（word.fragment）",
    "docx": "Word 文件（docx_bytes）",
    "xlsx": "Excel 文件（xlsx_bytes）",
    "pdf": "PDF 汇编（Typst，每张表分摊）",
}


def measure(code: str, data: Path, pdf: bool) -> None:
    """The process of one version: compose once, then one round of every writer per line on stdin."""
    sys.path.insert(0, code)
    os.environ["JIXIAO_CACHE_DIR"] = "off"
    from generator.data.model import load_unit
    from generator.data.tree import collect
    from generator.render import typeset, webpage, word
    from generator.render.compose import compose_unit
    from generator.render.excel import xlsx_bytes
    from generator.render.layout import load_layout

    units = [load_unit(folder) for folder in collect([data]).units.values()]
    layouts = [load_layout(unit.region.layout, unit.region.folder) for unit in units]
    composed = [compose_unit(layout, unit) for layout, unit in zip(layouts, units, strict=True)]
    forms = [(layout, form) for layout, c in zip(layouts, composed, strict=True) for form in c.forms]
    print(json.dumps({"tables": len(forms)}), flush=True)

    def timed(work: Any) -> tuple[float, Any]:
        start = time.process_time()
        made = work()
        return time.process_time() - start, made

    def one_round() -> dict[str, float]:
        spent: dict[str, float] = {}
        spent["compose"], _ = timed(lambda: [compose_unit(la, u) for la, u in zip(layouts, units, strict=True)])
        spent["section"], sections = timed(lambda: [webpage.section(la, f) for la, f in forms])
        pairs = list(zip(forms, sections, strict=True))
        spent["page"], _ = timed(lambda: [webpage.table_page(la, f, s) for (la, f), s in pairs])
        spent["fragment"], bodies = timed(lambda: [word.fragment(f) for _, f in forms])
        with_bodies = list(zip(forms, bodies, strict=True))
        spent["docx"], _ = timed(lambda: [word.docx_bytes([f], f.title, [b]) for (_, f), b in with_bodies])
        spent["xlsx"], _ = timed(lambda: [xlsx_bytes(f) for _, f in forms])
        if pdf:
            spent["pdf"], _ = timed(lambda: [typeset.pdf_bytes(c.booklet) for c in composed if c.forms])
        return {k: v * 1000 / len(forms) for k, v in spent.items()}

    for _ in sys.stdin:
        print(json.dumps(one_round()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", metavar="REV", help="the version to compare with (a commit; required)")
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--pdf", action="store_true", help="also typeset each unit's booklet (Typst)")
    parser.add_argument("--measure", nargs=2, metavar=("CODE", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        code, data = args.measure
        measure(code, Path(data), args.pdf)
        return
    if not args.before:
        parser.error("--before REV is required")
    from bench import older
    from make_dataset import make_dataset

    with tempfile.TemporaryDirectory(prefix="jixiao-writers-") as tmp:
        data = make_dataset(Path(tmp) / "repo", args.projects)
        versions = {f"jixiao {args.before}": str(older(args.before, Path(tmp) / "before")), "jixiao（这一版）": str(ROOT)}
        processes = {}
        for name, code in versions.items():
            command = [sys.executable, __file__, "--measure", code, str(data), *(["--pdf"] if args.pdf else [])]
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            processes[name] = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
            assert processes[name].stdout is not None
            tables = json.loads(processes[name].stdout.readline())["tables"]
        figures: dict[str, list[dict[str, float]]] = {name: [] for name in versions}
        for round_number in range(args.rounds):
            for name in list(versions) if round_number % 2 == 0 else list(versions)[::-1]:
                process = processes[name]
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write("\n")
                process.stdin.flush()
                figures[name].append(json.loads(process.stdout.readline()))
            print(
                f"第 {round_number + 1} 轮：" + "，".join(f"{n} {sum(figures[n][-1].values()):.2f}" for n in versions), flush=True
            )
        for process in processes.values():
            assert process.stdin is not None
            process.stdin.close()
            process.wait()
        print(f"\n{args.projects:,} 个项目（{tables:,} 张表），每张表的 CPU 毫秒，{args.rounds} 轮的中位数：")
        names = list(versions)
        print(f"  {left('', 34)}" + "".join(right(n, 22) for n in names) + right("之前 ÷ 之后", 14))
        for writer in figures[names[0]][0]:
            medians = [statistics.median(r[writer] for r in figures[n]) for n in names]
            row = "".join(right(f"{m:.2f}", 22) for m in medians)
            print(f"  {left(WRITERS[writer], 34)}{row}{right(f'{medians[0] / medians[1]:.2f}', 14)}")
        totals = [statistics.median(sum(r.values()) for r in figures[n]) for n in names]
        row = "".join(right(f"{t:.2f}", 22) for t in totals)
        print(f"  {left('合计', 34)}{row}{right(f'{totals[0] / totals[1]:.2f}', 14)}")


if __name__ == "__main__":
    main()
