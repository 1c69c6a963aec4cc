"""What one process keeps in memory from one build to the next, for as long as what it was made from is
unchanged: ``jixiao serve`` builds the whole site again after each save.

- ``Memo``: a data file parsed, a table composed, a page rendered. The unit that holds the edited file is
  made anew; before these, its hundred other files were parsed again (by the check, then by the unit's
  pages), its hundred other tables composed and its hundred other project pages rendered again, each the
  same as the time before. Each memo is keyed by everything its result is made from (a file's path and
  bytes; a table's layout and the data it prints; a page's whole context, pickled), so a result kept never
  goes stale, and what is kept is never changed by those who use it (tests/test_held.py builds a site
  with and without the memos and compares the files, and compares each kept document with its file parsed
  anew). A memo keeps its most recently used results only (``Memo.size``): the last few units edited
  (512 documents and 512 tables: about 80 MB at the most, measured on units of 100 made-up projects).
- ``Recent``: results kept from one build to the next only while a build uses them (the units' parts of
  the common pages, parsed, by their text: an unchanged unit's is the very text its record holds).
- ``ByStatus``: what was found out about a file or a folder, by its status, as ``git status`` does: the
  files of the search index that already hold what would be written (site/search.py), the folders of the
  data and of the site as last listed.
- generator.data.load.by_content: what a file says (a region's 地区.yaml, a layout), worked out once per
  content of the file, in every process: read anew when it was edited while ``jixiao serve`` runs.

``Memo`` and ``ByStatus`` work in the process that asked for them (``keep``) only: a one-off build keeps
nothing, and the worker processes of a large build (forked from it) each make different units once, and
would only hold memory.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")

_owner: int | None = None  # the process that keeps the memos


def keep() -> None:
    """Keep results in memory from now on, in this process (not in its worker processes)."""
    global _owner
    _owner = os.getpid()


def kept() -> bool:
    """Whether this process keeps results (``keep``)."""
    return _owner is not None and _owner == os.getpid()


class Memo(Generic[Value]):
    """The ``size`` results used last, by their keys."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Value] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable, make: Callable[[], Value], keep_it: Callable[[Value], bool] = lambda _: True) -> Value:
        """The result under ``key``, made by ``make`` when none is kept (or when this process keeps
        nothing); a result is kept only when ``keep_it`` says so."""
        if not kept():
            return make()
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
            self.hits += 1
            return found
        self.misses += 1
        value = make()
        if keep_it(value):
            self.items[key] = value
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        self.items.clear()
        self.hits = self.misses = 0


class Recent(Generic[Value]):
    """Results by key, each kept for the next round of use (``turn``: a build) only when it was used in this
    one: however many a build uses, and none older (an edited unit's old results are dropped by the build
    after the edit)."""

    def __init__(self) -> None:
        self.last: dict[Hashable, Value] = {}
        self.now: dict[Hashable, Value] = {}

    def turn(self) -> None:
        """A new round: what the round that ends used is what the new one may find."""
        self.last, self.now = self.now, {}

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """The result under ``key``, made by ``make`` when none is kept (or when this process keeps nothing)."""
        if not kept():
            return make()
        found = self.now.get(key)
        if found is None:
            found = self.last.get(key)
            self.now[key] = found = make() if found is None else found
        return found


def pickled(value: object) -> bytes | None:
    """``value`` as bytes to key a memo by, or None when it cannot be pickled. Equal bytes are equal values of
    the same types, which ``==`` is not: 1 == 1.0 == True, and Decimal("1.0") == Decimal("1.00") though
    they print differently."""
    import pickle

    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None


class ByStatus(Generic[Value]):
    """What a process found out about files or folders, each kept with the status the file had before it was
    read (device, inode, size, modification and change times: what ``git status`` compares): while the
    status is the same, so is what was found. Kept only in a process that keeps results, and only for a
    file whose last change is over SETTLED seconds old: a change within the same tick of the clock
    would leave the times as they were (generator.cache._Digests)."""

    def __init__(self) -> None:
        self.found: dict[Hashable, tuple[tuple[int, ...], Value]] = {}

    def get(self, key: Hashable, status: os.stat_result) -> Value | None:
        seen = self.found.get(key)
        return seen[1] if seen is not None and seen[0] == identity(status) else None

    def put(self, key: Hashable, status: os.stat_result, value: Value) -> None:
        if kept() and settled(status):
            self.found[key] = (identity(status), value)


def identity(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


SETTLED = 2.0  # seconds since a file's last change before what was found out about it is remembered


def settled(status: os.stat_result) -> bool:
    """Whether a file's last change is over SETTLED seconds old: a later change then has a later change
    time (which no program can set back), so what is remembered by this status cannot stand for other bytes."""
    import time

    return time.time_ns() - max(status.st_ctime_ns, status.st_mtime_ns) > SETTLED * 1e9
