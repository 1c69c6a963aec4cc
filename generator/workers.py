"""Work spread over the cores: one piece of work per unit, in worker processes when there is enough of it;
and how often Python looks for garbage in every process of jixiao (``fewer_collections``)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

UNIT_THRESHOLD = 200  # projects: below this, one process renders units faster than starting workers
YOUNG_OBJECTS = 10_000  # new objects between two collections of the youngest generation (Python's own: 700)
Item = TypeVar("Item")
Result = TypeVar("Result")


def each(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int,
    weights: Sequence[int],
    threshold: int,
) -> Iterator[Result]:
    """``function`` of every item, in order: in ``jobs`` worker processes when the items' ``weights`` (how
    much work each is: a unit's project files) add up to ``threshold``, below which starting the workers
    costs more than it saves.

    The workers take the heaviest items first; the results still come in the items' order. Handed out in
    the items' order, a large unit that comes last (a county's education bureau with hundreds of schools,
    after its small offices) would be worked on alone at the end while the other workers wait; heaviest
    first, the small ones fill in around it. Items of equal weight keep their order."""
    if jobs > 1 and len(items) > 1 and sum(weights) >= threshold:
        order = sorted(range(len(items)), key=lambda n: -weights[n])
        with pool(jobs) as running:
            futures = {n: running.submit(function, items[n]) for n in order}
            for n in range(len(items)):
                yield futures[n].result()
    else:
        yield from map(function, items)


def pool(jobs: int) -> ProcessPoolExecutor:
    """``jobs`` worker processes that collect garbage as seldom as the command that starts them, however
    they are started (forked on Linux before Python 3.14, started afresh elsewhere)."""
    from concurrent.futures import ProcessPoolExecutor  # 30 ms of imports a small run does without

    return ProcessPoolExecutor(max_workers=jobs, initializer=fewer_collections)


def fewer_collections() -> None:
    """Look for garbage in cycles after every ``YOUNG_OBJECTS`` new objects instead of every 700.

    jixiao makes millions of short-lived objects (YAML nodes, table cells, pieces of HTML and XML), nearly
    all freed by reference counting as soon as they are done with; at Python's threshold of 700 the
    collector still walked them all, about a tenth of a build's CPU time (measured with perf: gc_collect_main
    and its visits). 10,000 was the fastest of 700 to 100,000 (``jixiao build -j 1 --no-pdf`` on 1,000 projects:
    9.2 → 7.6 CPU s); above it, the young objects no longer fit the processor's cache and it is slower
    again. Peak memory grows by a few megabytes (docs/performance.md)."""
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
