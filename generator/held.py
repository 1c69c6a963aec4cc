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
- ``ByStatus`` (and ``Holdings``, built on it): what was found out about a file or a folder, by its status,
  as ``git status`` does: the files of the search index that already hold what would be written, the
  folders of the data and of the site as last listed.
- ``by_content``: what a file says (a region's 地区.yaml, a layout) worked out once per content of the
  file, in every process: read anew when it was edited while ``jixiao serve`` runs.

``Memo`` and ``ByStatus`` work in the process that asked for them (``keep``) only: a one-off build keeps
nothing, and the worker processes of a large build (forked from it) each make different units once, and
would only hold memory.
"""

from __future__ import annotations

import functools
import os
import stat
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
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


Made = TypeVar("Made")


class by_content(Generic[Made]):  # a decorator, named as one
    """``function(path, its bytes)`` (None when the file cannot be read), worked out once per process for
    each content of the file: what a file says (a region's 地区.yaml, a layout) is read once, and read anew
    when it was edited while ``jixiao serve`` runs. The bytes are read at each call, at most
    MAX_BYTES + 1 of them, never through a link or from a named pipe (generator.data.load.open_regular);
    the last 64 contents are kept (a few regions and their layouts)."""

    def __init__(self, function: Callable[[Path, bytes | None], Made]) -> None:
        self.made = functools.lru_cache(maxsize=64)(function)
        functools.update_wrapper(self, function)

    def __call__(self, path: Path) -> Made:
        from generator.data.load import MAX_BYTES, open_regular

        try:
            with open_regular(path) as handle:
                raw: bytes | None = handle.read(MAX_BYTES + 1)
        except OSError:
            raw = None
        return self.made(path, raw)

    def cache_clear(self) -> None:
        self.made.cache_clear()


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
    file whose last change is over generator.cache.SETTLED old: a change within the same tick of the clock
    would leave the times as they were (generator.cache._Digests)."""

    def __init__(self) -> None:
        self.found: dict[Hashable, tuple[tuple[int, ...], Value]] = {}

    def get(self, key: Hashable, status: os.stat_result) -> Value | None:
        seen = self.found.get(key)
        return seen[1] if seen is not None and seen[0] == identity(status) else None

    def put(self, key: Hashable, status: os.stat_result, value: Value) -> None:
        from generator.cache import settled

        if kept() and settled(status):
            self.found[key] = (identity(status), value)


def identity(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


class Holdings:
    """What files were found to hold: in a process that keeps results, a file whose status is as it was
    when it was found to hold some bytes is not read again to compare them (after an edit, ``jixiao serve``
    compares the thousands of files of the search index with what it would write, and keeps those that
    hold it already)."""

    def __init__(self) -> None:
        self.digests: ByStatus[bytes] = ByStatus()

    def holds(self, path: str, data: bytes) -> bool:
        """Whether ``path`` is a regular file (not a link) holding exactly ``data`` (generator.atomic.holds)."""
        from generator import atomic

        if not kept():
            return atomic.holds(path, data)
        try:
            status = os.lstat(path)  # before the file is read: a change while it is read changes the status
        except OSError:
            return False
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        digest = _digest(data)
        if self.digests.get(path, status) == digest:
            return True
        if not atomic.holds(path, data):
            return False
        self.digests.put(path, status, digest)
        return True


def _digest(data: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(data, digest_size=16).digest()
