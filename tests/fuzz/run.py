"""Run the coverage-guided fuzzers (atheris + libFuzzer) for a bounded time and summarise.

    python tests/fuzz/run.py --seconds 60                  # every harness, one after the other
    python tests/fuzz/run.py --seconds 300 --jobs 2 --corpus .fuzz   # keep the corpus between runs
    python tests/fuzz/run.py --harness fuzz_load --seconds 30

Each harness starts from its seeds (written fresh from data/, tests/seeds/ and the rendered tables)
plus the saved regression inputs, and from the corpus it grew before when ``--corpus`` is given.
A summary line per harness gives the executions, executions per second, coverage (libFuzzer's
``cov:`` edges and ``ft:`` features) and the inputs that crashed, hung or ran out of memory,
saved under the artifacts folder: copy one to tests/fuzz/regressions/<harness>/ once it is fixed.
The exit status is 1 when any harness found a problem.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARNESSES = ("fuzz_load", "fuzz_fmt", "fuzz_diff", "fuzz_import_text", "fuzz_import_docx", "fuzz_import_xlsx", "fuzz_render")
REGRESSIONS = HERE / "regressions"
STATUS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/\S+.*?exec/s: (\d+) rss: (\d+)Mb", re.M)
ARTIFACT = re.compile(r"^(?:crash|timeout|oom|leak|slow-unit)-")


@dataclass
class Result:
    harness: str
    seconds: float
    returncode: int
    executions: int = 0
    per_second: int = 0
    coverage: int = 0
    features: int = 0
    coverage_at_half: int = 0  # the coverage after half the executions: equal to the end once it has plateaued
    corpus: int = 0
    rss_mb: int = 0
    artifacts: list[Path] = field(default_factory=list)
    tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.artifacts

    def line(self) -> str:
        problems = ", ".join(p.name for p in self.artifacts) or "none"
        return (
            f"{self.harness:18} {self.seconds:6.0f} s  {self.executions:9d} execs  {self.per_second:6d} exec/s  "
            f"cov: {self.coverage:5d} (half-way {self.coverage_at_half:5d})  ft: {self.features:6d}  "
            f"corpus: {self.corpus:5d}  rss: {self.rss_mb:5d} MB  problems: {problems}"
        )


def write_seeds(harness: str, folder: Path) -> None:
    """The harness's seeds and its saved regression inputs, as files in ``folder``."""
    sys.path[:0] = [str(HERE), str(HERE.parent)]
    module = __import__(harness)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in module.seeds():
        (folder / re.sub(r"[^\w.-]", "_", name)[:120]).write_bytes(data)
    saved = REGRESSIONS / harness
    if saved.is_dir():
        for path in sorted(saved.iterdir()):
            if path.is_file():
                shutil.copyfile(path, folder / f"regression-{path.name}")


def dictionary(path: Path) -> Path:
    """Tokens the mutator may insert: the YAML keys and enum values of the schemas, the forms' labels."""
    sys.path[:0] = [str(HERE.parent)]
    from generator.data.schemas import common_defs, load_schema
    from generator.importers import vocabulary

    words: set[str] = {
        ":",
        ": ",
        "- ",
        "\t",
        "\n",
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        "#",
        "|",
        ">",
        "&a",
        "*a",
        "!!",
        "<p>",
        "</p>",
        "<",
        "&",
        "=",
        "+",
        "-",
        "@",
        "%",
        "≥",
        "≤",
        "万元",
        "定性",
    }
    for kind in ("region", "unit", "project"):
        words |= set(_keys(load_schema(kind)))
    for definition in common_defs().values():
        words |= {str(v) for v in definition.get("enum", [])}
    words |= {str(label) for label in vocabulary.ALL_LABELS}
    lines = ['"' + "".join(_escape(b) for b in word.encode("utf-8")) + '"' for word in sorted(words) if word]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _keys(schema: object) -> list[str]:
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                found.extend(value)
            found.extend(_keys(value))
    elif isinstance(schema, list):
        for item in schema:
            found.extend(_keys(item))
    return found


def _escape(byte: int) -> str:
    return chr(byte) if 0x20 <= byte < 0x7F and chr(byte) not in '"\\' else f"\\x{byte:02X}"


def prepare(harness: str, corpus_root: Path) -> None:
    """Write the harness's seeds (not in parallel: the renderers are not thread-safe, only process-safe)."""
    seeds = corpus_root / "seeds" / harness
    if seeds.exists():
        shutil.rmtree(seeds)
    write_seeds(harness, seeds)


def run_harness(
    harness: str,
    seconds: float,
    corpus_root: Path,
    artifacts: Path,
    timeout: int = 10,
    rss_limit_mb: int = 2048,
    seed: int = 0,
) -> Result:
    """Fuzz ``harness`` for ``seconds``; ``seed`` 0 lets libFuzzer pick one (a long run that explores), another
    value makes the mutations the same from run to run (the test suite: what it tries does not depend on luck)."""
    corpus, seeds = corpus_root / harness, corpus_root / "seeds" / harness
    if not seeds.is_dir():
        prepare(harness, corpus_root)
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in artifacts.iterdir()}
    words = dictionary(corpus_root / f"{harness}.dict")
    command = [
        sys.executable,
        str(HERE / "launch.py"),
        harness,
        str(corpus),
        str(seeds),
        f"-max_total_time={int(seconds)}",
        f"-seed={seed}",
        f"-timeout={timeout}",
        f"-rss_limit_mb={rss_limit_mb}",
        f"-artifact_prefix={artifacts}/{harness}-",
        f"-dict={words}",
        "-print_final_stats=1",
        "-max_len=200000",
        "-len_control=100",
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    # Generous: seeding, instrumenting and a slow last input all come on top of the fuzzing time.
    process = subprocess.run(
        command, capture_output=True, text=True, errors="replace", env=env, check=False, timeout=seconds * 2 + 300
    )
    output = process.stderr + process.stdout
    result = Result(harness, seconds, process.returncode, tail="\n".join(output.splitlines()[-40:]))
    statuses = STATUS.findall(output)
    if statuses:
        last = statuses[-1]
        result.executions, result.coverage, result.features, result.corpus = map(int, last[:4])
        result.per_second, result.rss_mb = int(last[4]), int(last[5])
    executed = re.search(r"stat::number_of_executed_units: (\d+)", output)
    if executed:
        result.executions = int(executed.group(1))
    half = [int(status[1]) for status in statuses if int(status[0]) <= result.executions // 2]
    result.coverage_at_half = half[-1] if half else 0
    rate = re.search(r"stat::average_exec_per_sec:\s+(\d+)", output)
    if rate:
        result.per_second = int(rate.group(1))
    found = sorted(p for p in artifacts.iterdir() if p.name not in before and ARTIFACT.match(p.name.removeprefix(f"{harness}-")))
    result.artifacts = [p for p in found if not slow_only_when_busy(harness, p, timeout, result)]
    return result


def slow_only_when_busy(harness: str, path: Path, timeout: int, result: Result) -> bool:
    """Whether a slow or timed-out input is slow only by the clock of a busy machine: run alone, in a
    process of its own, it takes less than ``timeout`` seconds of CPU. libFuzzer times inputs by the
    wall clock, which a shared CI runner stretches several times; a crash is never dismissed."""
    if not path.name.removeprefix(f"{harness}-").startswith(("slow-unit-", "timeout-")):
        return False
    paths = [str(HERE), str(HERE.parent)]
    code = f"import sys; sys.path[:0] = {paths!r}; import {harness} as h; h.test_one_input(open(sys.argv[1], 'rb').read())"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, check=False, timeout=timeout * 20)
    except subprocess.TimeoutExpired:
        return False
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    busy = done.returncode == 0 and cpu < timeout
    if busy:
        result.tail += f"\n{path.name}: slow only on a busy machine ({cpu:.1f} s of CPU alone), not counted"
    return busy


def run_all(harnesses: list[str], seconds: float, corpus_root: Path, jobs: int = 1, **options: int) -> list[Result]:
    artifacts = corpus_root / "artifacts"
    for harness in harnesses:
        prepare(harness, corpus_root)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda h: run_harness(h, seconds, corpus_root, artifacts, **options), harnesses))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="fuzzing time per harness (default 60)")
    parser.add_argument("--harness", action="append", choices=HARNESSES, help="run only this harness (repeatable)")
    parser.add_argument("--corpus", type=Path, help="keep the corpora and artifacts in this folder")
    parser.add_argument("--jobs", type=int, default=1, help="harnesses run at the same time (default 1)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take before it is a hang")
    parser.add_argument("--seed", type=int, default=0, help="libFuzzer's seed (default 0: a new one each run)")
    args = parser.parse_args()
    harnesses = list(args.harness or HARNESSES)
    temporary = args.corpus is None
    root = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-")) if temporary else args.corpus.absolute()
    try:
        results = run_all(harnesses, args.seconds, root, jobs=args.jobs, timeout=args.timeout, seed=args.seed)
        for result in results:
            print(result.line())
            if not result.ok:
                print(result.tail)
        if any(not r.ok for r in results):
            kept = root / "artifacts"
            if temporary:  # keep the evidence
                kept = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-artifacts-"))
                shutil.copytree(root / "artifacts", kept, dirs_exist_ok=True)
            print(f"problems found: the inputs are in {kept}")
            return 1
        return 0
    finally:
        if temporary:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
