"""generator/workers.py with real worker processes: results in order, the heaviest items handed out first."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from generator import workers


def _logged(item: tuple[Path, str]) -> str:
    log, name = item
    with log.open("a", encoding="utf-8") as handle:  # one short append: whole lines, in the order they were made
        handle.write(name + "\n")
    return name.upper()


def test_the_heaviest_items_are_handed_out_first_and_the_results_come_in_order(tmp_path: Path) -> None:
    log = tmp_path / "started"
    names = ["a", "b", "c", "d", "e", "f"]
    weights = [1, 1, 50, 30, 1, 2]
    items = [(log, name) for name in names]
    made = list(workers.each(_logged, items, jobs=2, weights=weights, threshold=1))
    assert made == [name.upper() for name in names]
    started = log.read_text(encoding="utf-8").split()
    assert sorted(started) == names
    # Each worker first takes one of the two heaviest, and logs it before it takes another item.
    first = min(started.index("c"), started.index("d"))
    assert first == 0 and all(first < started.index(light) for light in ("a", "b", "e", "f"))


def test_with_one_process_or_equal_weights_the_items_go_in_their_order(tmp_path: Path) -> None:
    for jobs, weights in ((1, [1, 9, 5]), (2, [1, 1, 1])):
        log = tmp_path / f"started-{jobs}"
        items = [(log, name) for name in ("x", "y", "z")]
        assert list(workers.each(_logged, items, jobs=jobs, weights=weights, threshold=1)) == ["X", "Y", "Z"]
        if jobs == 1:  # one process: one after another, in order
            assert log.read_text(encoding="utf-8").split() == ["x", "y", "z"]


def _threshold(_: object) -> int:
    return gc.get_threshold()[0]


def test_worker_processes_collect_garbage_as_seldom_as_the_command() -> None:
    saved = gc.get_threshold()
    gc.set_threshold(700, *saved[1:])  # Python's own: what a process that never ran jixiao's command has
    try:
        made = list(workers.each(_threshold, ["a", "b", "c"], jobs=2, weights=[1, 1, 1], threshold=1))
        assert made == [workers.YOUNG_OBJECTS] * 3
        assert gc.get_threshold()[0] == 700  # starting the workers changed nothing in the process that started them
    finally:
        gc.set_threshold(*saved)


def test_the_command_raises_the_threshold_in_its_own_process() -> None:
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc, sys; from generator import entry; sys.argv = ['jixiao', '--version']\n"
            "try:\n    entry.main()\nexcept SystemExit:\n    pass\nprint(gc.get_threshold()[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split()[-1] == str(workers.YOUNG_OBJECTS)
