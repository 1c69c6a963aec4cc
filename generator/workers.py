"""Work spread over the cores: one piece of work per unit, in worker processes when there is enough of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

UNIT_THRESHOLD = 200  # projects: below this, one process renders units faster than starting workers
Item = TypeVar("Item")
Result = TypeVar("Result")


def each(function: Callable[[Item], Result], items: Sequence[Item], jobs: int, size: int, threshold: int) -> Iterator[Result]:
    """``function`` of every item, in order: in ``jobs`` worker processes when ``size`` (the files the items
    hold) reaches ``threshold``, below which starting the workers costs more than it saves."""
    if jobs > 1 and len(items) > 1 and size >= threshold:
        from concurrent.futures import ProcessPoolExecutor  # 30 ms of imports a small run does without

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(function, items, chunksize=1)
    else:
        yield from map(function, items)
