"""A cache of work already done, keyed by the content it was done on.

``jixiao check`` and ``jixiao build`` work unit by unit (data/<地区>/<年度>/<单位>/). A unit's
findings, and the pages and tables made from it, depend only on the bytes of its files, its
region's file, and the code of jixiao itself. So the key of a piece of work is a hash of exactly
those bytes, and a unit whose key is unchanged is not checked or rendered again: after editing one
project of 10,000, one unit is redone, not a hundred. Within a unit checked again for one edited
project, the other projects' data comes from entries keyed by each file's own bytes
(generator.context), not from parsing them again.

What makes a key:

* the content of every input file, with its path (diagnostics and pages name the files);
* a fingerprint of jixiao's own code, schemas, layouts and templates: a new version, or an edited
  template in a checkout, never reuses old output;
* a random salt kept in the cache folder: a key cannot be computed without it, so a cache folder or
  a site committed to a data repository cannot pass forged findings or pages off as jixiao's.

The cache lives outside the data, in ``$JIXIAO_CACHE_DIR``, else ``$XDG_CACHE_HOME/jixiao``, else
``~/.cache/jixiao``. ``JIXIAO_CACHE_DIR=off`` (or ``--no-cache``) turns it off. Entries are JSON,
never pickles. A cache that cannot be read or written is silently not used: it saves time and
must never change a result or fail a command.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from generator import __version__

ENV = "JIXIAO_CACHE_DIR"
OFF = ("off", "0", "false", "no", "")
_PACKAGE = Path(__file__).resolve().parent
_CODE_SUFFIXES = (".py", ".json", ".yaml", ".j2", ".css", ".html", ".js")
_disabled = False


def disable() -> None:
    """Turn the cache off for this process (``--no-cache``)."""
    global _disabled
    _disabled = True


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if _disabled:
        return None
    named = os.environ.get(ENV)
    if named is not None:
        return None if named.strip().lower() in OFF else Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jixiao"


@cache
def fingerprint() -> str:
    """A hash of jixiao's version, every file of its code, schemas, layouts and templates, and the
    Python and libraries it runs with (an upgraded library may write other bytes)."""
    import hashlib  # here and below: a command with the cache off never hashes (and OpenSSL loads in 4 ms)

    digest = hashlib.sha256(__version__.encode() + b"\0" + _installed())
    roots = [_PACKAGE, _PACKAGE.parent / "schema"]
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in _CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _installed() -> bytes:
    """The Python version and the name and version of every installed distribution (the names of their
    .dist-info folders): one directory listing per import path, far cheaper than importlib.metadata."""
    names = [sys.version]
    for entry in sys.path:
        try:
            names.extend(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return "\n".join(sorted(names)).encode()


@cache
def _salt(root: Path) -> bytes:
    path = root / "salt"
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    root.mkdir(parents=True, exist_ok=True)
    import secrets  # here: the salt is made once per cache folder

    fresh = secrets.token_bytes(32)
    tmp = path.with_name(f".salt.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(fresh)
    os.replace(tmp, path)
    return path.read_bytes()  # another process may have won the race: use what is on disk


def key(kind: str, parts: Iterable[bytes]) -> str | None:
    """The key of a piece of work of ``kind`` done on ``parts``; None when the cache is off."""
    root = folder()
    if root is None:
        return None
    try:
        salt = _salt(root)
    except OSError:
        return None
    import hashlib

    digest = hashlib.sha256(salt + fingerprint().encode() + b"\0" + kind.encode() + b"\0")
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.hexdigest()


def file_parts(paths: Iterable[Path]) -> list[bytes]:
    """Each file's path, size and a hash of its content, for a key; a missing file counts as such.

    Only the first MAX_BYTES + 1 bytes are read: the loader refuses anything longer (Y009, naming
    the size), so nothing beyond them can change a result, and a huge file costs no memory here.
    """
    import hashlib

    from generator.load import MAX_BYTES

    out: list[bytes] = []
    for path in paths:
        out.append(os.fsencode(path))
        try:
            with path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                head = handle.read(MAX_BYTES + 1)
        except OSError:
            out.append(b"-")
            continue
        out.append(b"F" + size.to_bytes(8, "little") + hashlib.sha256(head).digest())
    return out


def _place(kind: str, entry: str, suffix: str = "") -> Path | None:
    """Where an entry is kept: a JSON file (suffix ".json") or a folder of files."""
    root = folder()
    return None if root is None else root / kind / entry[:2] / f"{entry}{suffix}"


def get(kind: str, entry: str | None, object_hook: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """The value stored for ``entry``, or None; ``object_hook`` as for json.loads."""
    path = _place(kind, entry, ".json") if entry else None
    if path is None:
        return None
    try:
        return json.loads(path.read_bytes(), object_hook=object_hook)
    except (OSError, ValueError):
        return None


def put(kind: str, entry: str | None, value: Any, default: Callable[[Any], Any] | None = None) -> None:
    """Store ``value`` (JSON-serialisable, with ``default`` as for json.dumps) for ``entry``; failures
    are ignored."""
    path = _place(kind, entry, ".json") if entry else None
    if path is None:
        return
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, ValueError):  # ValueError: an integer with more digits than str() writes
        return


def _member(root: Path, kind: str, entry: str, name: str) -> Path:
    """Where the file ``name`` (relative, with /) of an entry of files is kept in the cache ``root``.

    A file at the top of the entry is kept beside those of other entries, as ``<entry>.<name>``: a
    table's three files then cost three hard links and no folder (a folder for each table was most
    of the cost of keeping it). Files in subfolders are kept under a folder ``<entry>/``."""
    folder_of_entries = root / kind / entry[:2]
    return folder_of_entries / f"{entry}.{name}" if "/" not in name else folder_of_entries / entry / name


def link_out(kind: str, entry: str | None, names: Iterable[str], target: Path) -> bool:
    """Put the stored files ``names`` of ``entry`` (names relative to the entry, with /) into the folder
    ``target`` (hard links where possible); False unless all of them are stored."""
    root = folder()
    if not entry or root is None:
        return False
    stored = [(name, _member(root, kind, entry, name)) for name in names]
    if not all(member.is_file() for _, member in stored):
        return False
    try:
        for name, member in stored:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            link_file(member, target / name)
    except OSError:
        return False
    return True


def link_in(kind: str, entry: str | None, files: Iterable[Path], root: Path | None = None) -> None:
    """Store ``files`` (just written, never written again) under ``entry``, by hard link where possible:
    each by its name, or by its path relative to ``root``. A file already stored under the same key
    has the same content, and is left as it is."""
    cache_root = folder()
    if not entry or cache_root is None:
        return
    try:
        for path in files:
            name = path.relative_to(root).as_posix() if root is not None else path.name
            member = _member(cache_root, kind, entry, name)
            try:
                _store(path, member)
            except FileNotFoundError:  # the first entry in its folder
                member.parent.mkdir(parents=True, exist_ok=True)
                _store(path, member)
    except OSError:
        return


def _store(path: Path, member: Path) -> None:
    """``member`` becomes ``path``: a hard link, made in one step (there is never a half-written member);
    a copy renamed into place where links are not possible."""
    try:
        os.link(path, member)
    except FileExistsError:
        return
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and not member.parent.is_dir():
            raise
        tmp = member.with_name(f".{member.name}.{os.getpid()}.tmp")
        link_file(path, tmp)
        os.replace(tmp, member)


def link_file(source: Path, target: Path) -> None:
    """``target`` becomes a hard link to ``source`` (a copy where links are not possible), replacing any
    file there: never a write into a file that may be shared with another site or the cache."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        import shutil  # here: hard links almost always work

        shutil.copyfile(source, target)
