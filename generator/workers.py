"""Work spread over the cores: one piece of work per unit, in worker processes when there is enough of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

UNIT_THRESHOLD = 200  # projects: below this, one process renders units faster than starting workers
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
        from concurrent.futures import ProcessPoolExecutor  # 30 ms of imports a small run does without

        order = sorted(range(len(items)), key=lambda n: -weights[n])
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {n: pool.submit(function, items[n]) for n in order}
            for n in range(len(items)):
                yield futures[n].result()
    else:
        yield from map(function, items)
