"""Names of generated files: readable (Chinese kept), stable, and never a path out of their folder.

Used for every file or folder whose name comes from data: scaffolded and imported data files
(named after 项目名称, 单位名称, the region's name) and every table written under site/tables/.
A name from data is made safe on every system the files may be copied to (Linux, macOS, Windows):

- no path: ``/`` and ``\\`` and the other characters Windows refuses (``: * ? " < > |``) become ``_``,
  and a name is never ``.``, ``..`` or hidden (leading dots are dropped);
- no control or invisible formatting characters (tabs, line breaks, right-to-left overrides,
  zero-width spaces), which could hide what a name really is: each becomes ``_``;
- not a device on Windows (``CON``, ``NUL``, ``COM1``, ``LPT¹``, ``CONIN$`` …, with any extension),
  no trailing dot or space (Windows drops them), not starting with ``-`` (read as an option);
- short enough: file systems allow 255 *bytes* per name, and a Chinese character is 3 bytes in
  UTF-8, so the limit is counted in bytes, leaving room for a suffix and a collision number.

Two different names can become the same safe name (``甲/乙`` and ``甲_乙``), or names differing only
in case or Unicode normalisation can meet on a case-insensitive system. ``unique_names`` resolves
such collisions deterministically: in sorted order, the second gets ``（2）``, the third ``（3）``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from generator import held

_UNSAFE = re.compile(r'[\\/:*?"<>|]')
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # controls, formatting (bidi, zero-width), separators
_DEVICES = ("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$")
_RESERVED = frozenset({*_DEVICES, *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³")})
MAX_NAME = 80  # characters: a readable file name
MAX_NAME_BYTES = 200  # bytes in UTF-8: room under 255 for "（12）", ".xlsx" and a temporary file's affixes
UNNAMED = "未命名"
SITE_MARKER = ".jixiao-site"  # in every site jixiao builds: a walk of the data files never enters one


def _visible(name: str) -> str:
    return "".join("_" if unicodedata.category(c) in _INVISIBLE else c for c in name)


def _truncate(name: str) -> str:
    name = name[:MAX_NAME]
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        name = encoded[:MAX_NAME_BYTES].decode("utf-8", "ignore")  # never half a character
    return name


def is_reserved(name: str) -> bool:
    """A Windows device name, whatever follows its first dot ("nul.txt", "COM1 .yaml")."""
    return name.split(".")[0].rstrip(" ").upper() in _RESERVED


def safe_filename(name: str) -> str:
    """A file name for a table: readable (Chinese kept), but never a path, a device or hidden."""
    cleaned = _UNSAFE.sub("_", _visible(unicodedata.normalize("NFC", name)))
    cleaned = cleaned.strip().lstrip(".").strip()
    cleaned = _truncate(cleaned).rstrip(" .")
    if cleaned.startswith("-"):
        cleaned = "_" + cleaned[1:]
    if not cleaned:
        return UNNAMED
    if is_reserved(cleaned):
        cleaned = _truncate(f"_{cleaned}")
    return cleaned


def name_key(name: str) -> str:
    """Two names that one file system or another treats as the same file have the same key."""
    return unicodedata.normalize("NFC", name).casefold()


def numbered(base: str, n: int) -> str:
    """The n-th name for ``base`` (n ≥ 2): "甲（2）", cut so that the number always fits."""
    suffix = f"（{n}）"
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    cut = base[: MAX_NAME - len(suffix)].encode("utf-8")[:room].decode("utf-8", "ignore")
    return cut.rstrip(" .") + suffix


def unique_names(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Safe names for ``names``, in their order, none equal to another or to ``taken`` (by name_key)."""
    seen = {name_key(t) for t in taken}
    out: list[str] = []
    for name in names:
        base = safe_filename(name)
        candidate, n = base, 1
        while name_key(candidate) in seen:
            n += 1
            candidate = numbered(base, n)
        seen.add(name_key(candidate))
        out.append(candidate)
    return out


def safe_name_among(name: str, siblings: Iterable[str]) -> str:
    """The safe name of ``name`` when all of ``siblings`` (``name`` among them) are made safe together.

    The same answer whoever asks, so folders named from data never collide. Names that are safe
    already come first, so adding a folder with an unsafe name never renames an existing one.
    """
    ordered = sorted(set(siblings) | {name}, key=lambda n: (safe_filename(n) != n, n))
    return unique_names(ordered)[ordered.index(name)]


def folder_name(folder: Path) -> str:
    """The safe name of a data folder (a region or a unit), unique among the folders beside it.

    A build asks for every unit's name many times (its pages, tables, key, the years beside it): the
    folders beside it are listed once per state of their parent (its modification time changes whenever a
    folder is added, removed or renamed in it), once that state is settled (held.settled); a younger one
    could still change within the same tick of the clock and is listed each time."""
    parent = folder.parent
    try:
        status = parent.stat()
    except OSError:
        status = None
    if status is None or not held.settled(status):
        return safe_name_among(folder.name, _folders_in(parent))
    return _safe_among(folder.name, _listed(parent, status.st_mtime_ns, status.st_ctime_ns))


def _folders_in(parent: Path) -> tuple[str, ...]:
    return tuple(sorted(p.name for p in parent.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")))


@functools.lru_cache(maxsize=4096)
def _listed(parent: Path, modified: int, changed: int) -> tuple[str, ...]:
    """The folders in ``parent`` as they were when it was last modified and changed at these times (ns)."""
    return _folders_in(parent)


@functools.lru_cache(maxsize=65536)
def _safe_among(name: str, siblings: tuple[str, ...]) -> str:
    return safe_name_among(name, siblings)
