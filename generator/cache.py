"""A cache of work already done, keyed by the content it was done on.

``jixiao check`` and ``jixiao build`` work unit by unit (data/<地区>/<年度>/<单位>/). A unit's
findings, and the pages and tables made from it, depend only on the bytes of its files, its
region's file, and the code of jixiao itself. So the key of a piece of work is a hash of exactly
those bytes, and a unit whose key is unchanged is not checked or rendered again: after editing one
project of 10,000, one unit is redone, not a hundred. Within a unit checked again for one edited
project, the other projects' data comes from entries keyed by each file's own bytes
(generator.data.remembered), not from parsing them again.

What makes a key:

* the content of every input file, with its path (diagnostics and pages name the files);
* a fingerprint of jixiao's own code, schemas, layouts and templates: a new version, or an edited
  template in a checkout, never reuses old output;
* a random salt kept in the cache folder (readable by its owner only): a key cannot be computed
  without it, so a cache folder or a site committed to a data repository cannot pass forged findings
  or pages off as jixiao's.

Nobody else can change what the cache gives back: the cache folder is used only when it belongs to
the user running jixiao and nobody else may write in it (otherwise it is left alone, with a warning);
every entry carries a MAC made with the salt, and every stored file its size and hash, checked before
use: an entry changed by hand, cut short or of the wrong shape is ignored with a warning and the
work is done again. Stored files are copied out, never linked, so a published file changed by hand
cannot change the cache either.

The cache lives outside the data, in ``$JIXIAO_CACHE_DIR``, else ``$XDG_CACHE_HOME/jixiao``, else
``~/.cache/jixiao``. ``JIXIAO_CACHE_DIR=off`` (or ``--no-cache``) turns it off. Entries are JSON,
never pickles. A cache that cannot be read or written is not used: it saves time and must never
change a result or fail a command.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from generator import __version__
from generator.held import identity, settled

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
    Python and libraries it runs with (an upgraded library may write other bytes).

    Reading and hashing those files takes 15 ms, which a one-file check would pay each time: the hash is
    remembered in the cache folder by the files' status (as ``_Digests`` remembers the data's), so a
    run whose code files are as they were stats them (1 ms) and reads none."""
    import hashlib  # here and below: a command with the cache off never hashes (and OpenSSL loads in 4 ms)

    code = _code_files()
    head = __version__.encode() + b"\0" + _installed()
    status = hashlib.sha256(head)
    all_settled = True
    for _name, path, info in code:
        status.update(f"{path}\0{list(identity(info))}\0".encode())
        all_settled = all_settled and settled(info)
    entry = _fingerprint_entry(status.hexdigest())
    remembered = get(_FINGERPRINT, entry)
    if isinstance(remembered, str) and len(remembered) == 64:
        return remembered
    digest = hashlib.sha256(head)
    for name, path, _ in code:
        with open(path, "rb") as handle:
            digest.update(name.encode() + b"\0" + handle.read() + b"\0")
    if all_settled:
        put(_FINGERPRINT, entry, digest.hexdigest())
    return digest.hexdigest()


def _code_files() -> list[tuple[str, str, os.stat_result]]:
    """The files that make the fingerprint: (name relative to its root, path, status), in a fixed order.
    os.walk, os.stat and plain strings, not pathlib: 2 ms instead of 13 (rglob) or 6 (a Path per file)."""
    out = []
    for root in (str(_PACKAGE), str(_PACKAGE.parent / "schema")):
        found = []
        for folder_name, folders, names in os.walk(root):
            folders[:] = [f for f in folders if f != "__pycache__"]
            relative = folder_name[len(root) + 1 :].replace(os.sep, "/")
            for name in names:
                if name.endswith(_CODE_SUFFIXES):
                    path = os.path.join(folder_name, name)
                    try:
                        info = os.stat(path)
                    except OSError:
                        continue
                    if stat.S_ISREG(info.st_mode):
                        found.append((f"{relative}/{name}" if relative else name, path, info))
        out.extend(sorted(found, key=lambda item: item[0]))
    return out


_FINGERPRINT = "code-fingerprint"  # the cache's kind for the fingerprint remembered by the code files' status


def _fingerprint_entry(status: str) -> str | None:
    """The cache entry of the fingerprint of code files in ``status`` (their status hashed); None when the
    cache cannot be used. Not ``key``: a key is made with the fingerprint."""
    import hashlib

    root = folder()
    try:
        salt = _salt(root) if root is not None else None
    except OSError:
        return None
    return None if salt is None else hashlib.sha256(salt + b"\0" + status.encode()).hexdigest()


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


_warned: set[str] = set()


def _warn(text: str) -> None:
    """Say once per process, on stderr (never in a report on stdout), that the cache was not used."""
    if text in _warned:
        return
    _warned.add(text)
    from generator import progress

    progress.clear()
    sys.stderr.write(f"提示：{text}\n")


def _private(root: Path) -> bool:
    """The cache folder exists (made private if new), belongs to this user and nobody else may write in it."""
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.stat(root)
    except OSError:
        return False
    if hasattr(os, "geteuid") and (status.st_uid != os.geteuid() or status.st_mode & 0o022):
        _warn(
            f"缓存文件夹“{root}”属于其他用户或其他用户可以写入，为安全起见没有使用缓存；"
            f'请运行 chmod go-w "{root}"，或用环境变量 JIXIAO_CACHE_DIR 另选一个文件夹'
        )
        return False
    return True


@cache
def _salt(root: Path) -> bytes | None:
    """The cache folder's secret; None when the folder cannot be used."""
    if not _private(root):
        return None
    path = root / "salt"
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
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
    if salt is None:
        return None
    import hashlib

    digest = hashlib.sha256(salt + fingerprint().encode() + b"\0" + kind.encode() + b"\0")
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.hexdigest()


def _mac(root: Path, kind: str, entry: str, body: bytes) -> bytes:
    """The MAC of an entry's stored text: made with the salt, so only jixiao (as this user) can make one."""
    import hashlib
    import hmac

    salt = _salt(root) or b""
    return hmac.new(salt, kind.encode() + b"\0" + entry.encode() + b"\0" + body, hashlib.sha256).hexdigest().encode()


def file_parts(paths: Iterable[Path]) -> list[bytes]:
    """Each file's path, size and a hash of its content, for a key; a missing file counts as such.

    Only the first MAX_BYTES + 1 bytes are read: the loader refuses anything longer (Y009, naming
    the size), so nothing beyond them can change a result, and a huge file costs no memory here.

    A file whose status (device, inode, size, modification and change times) is what it was when it
    was last hashed is not read again (``_Digests``): after one edit among 10,000 files, one is read.
    """
    import hashlib

    from generator.data.load import MAX_BYTES, open_regular

    digests = _Digests.loaded()
    out: list[bytes] = []
    for path in paths:
        text = os.fspath(path)
        name = os.fsencode(text)
        out.append(name)
        try:  # a link or a named pipe is "missing" (the check reports it), and is not waited for
            status = os.lstat(text)  # a file whose hash is known is not opened (10,000 opens saved)
            known = digests.known(name, status) if stat.S_ISREG(status.st_mode) else None
            if known is not None:
                out.append(b"F" + status.st_size.to_bytes(8, "little") + known)
                continue
            with open_regular(path) as handle:
                status = os.fstat(handle.fileno())
                known = digests.known(name, status)
                if known is None:
                    known = hashlib.sha256(handle.read(MAX_BYTES + 1)).digest()
                    digests.remember(name, os.fstat(handle.fileno()), known)
        except OSError:
            out.append(b"-")
            continue
        out.append(b"F" + status.st_size.to_bytes(8, "little") + known)
    return out


def save_digests() -> None:
    """Keep the file hashes learnt by ``file_parts`` for the next run (called once the keys of a
    command's work are made: one write, not one per unit)."""
    if _Digests._current is not None:
        _Digests._current.save()


class _Digests:
    """The content hashes of files, by their status: what ``git status`` does to avoid reading files.

    A hash is remembered only for a file whose last change is over held.SETTLED seconds old (measured
    after reading it): a later change of the file then has a later change time (which no program can
    set back, unlike the modification time), so a remembered hash is never taken for changed bytes.
    Kept in the cache (MAC'd like every entry), one entry per folder of files (a unit's folder: a
    one-file check reads the hashes of its unit, not of all 10,000 files), and in memory for the
    process (``jixiao serve``).
    """

    KIND = "file-digests"
    LIMIT = 20_000  # files remembered in one folder: above it, those not asked about by this process are forgotten
    _current: _Digests | None = None

    def __init__(self, working: str | None) -> None:
        self.working = working  # the working folder (paths are remembered as given, relative to it)
        self.tables: dict[str, dict[str, Any]] = {}
        self.dirty: set[str] = set()
        self.asked: set[bytes] = set()
        # each file's status and hash as found in (or put into) the tables, ready to compare: a rebuild of
        # jixiao serve asks about its 10,000 files twice (the check's keys, the units' keys)
        self.found: dict[bytes, tuple[tuple[int, ...], bytes]] = {}

    @classmethod
    def loaded(cls) -> _Digests:
        working = os.getcwd() if folder() else None
        if cls._current is None or cls._current.working != working:
            cls._current = cls(working)
        return cls._current

    def _entry(self, place: str) -> str | None:
        return None if self.working is None else key(self.KIND, [os.fsencode(self.working), os.fsencode(place)])

    def _table(self, name: str) -> tuple[str, dict[str, Any]]:
        place = os.path.dirname(name)
        table = self.tables.get(place)
        if table is None:
            stored = get(self.KIND, self._entry(place))
            table = self.tables[place] = stored if isinstance(stored, dict) else {}
        return place, table

    def known(self, name: bytes, status: os.stat_result) -> bytes | None:
        now = identity(status)
        found = self.found.get(name)
        self.asked.add(name)
        if found is not None and found[0] == now:
            return found[1]
        text = os.fsdecode(name)
        stored = self._table(text)[1].get(text)
        if isinstance(stored, list) and len(stored) == 2 and stored[0] == list(now):
            try:
                digest = bytes.fromhex(stored[1])
            except (TypeError, ValueError):
                return None
            self.found[name] = (now, digest)
            return digest
        return None

    def remember(self, name: bytes, status: os.stat_result, digest: bytes) -> None:
        if settled(status):
            text = os.fsdecode(name)
            place, table = self._table(text)
            now = identity(status)
            table[text] = [list(now), digest.hex()]
            self.found[name] = (now, digest)
            self.dirty.add(place)

    def save(self) -> None:
        for place in sorted(self.dirty):
            table = self.tables[place]
            if len(table) > self.LIMIT:
                table = self.tables[place] = {name: value for name, value in table.items() if os.fsencode(name) in self.asked}
            put(self.KIND, self._entry(place), table)
        self.dirty.clear()


def _place(kind: str, entry: str, suffix: str = "") -> Path | None:
    """Where an entry is kept: a JSON file (suffix ".json") or a folder of files."""
    root = folder()
    return None if root is None else root / kind / entry[:2] / f"{entry}{suffix}"


def _read_signed(kind: str, entry: str | None, suffix: str) -> tuple[Path, bytes] | None:
    """An entry's stored body (and where it is) when its MAC holds; None when there is none, or with a
    warning when it is not what ``_write_signed`` wrote (changed, cut short, from another cache)."""
    path = _place(kind, entry, suffix) if entry else None
    root = folder()
    if path is None or root is None or entry is None:
        return None
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    mac, _, body = stored.partition(b"\n")
    import hmac

    if not hmac.compare_digest(mac, _mac(root, kind, entry, body)):
        _warn(f"缓存中的条目“{path}”已被改动或已损坏，已忽略（重新检查和生成）")
        return None
    return path, body


def _write_signed(kind: str, entry: str | None, suffix: str, body: bytes) -> None:
    """Store ``body`` with its MAC for ``entry``, whole or not at all (a temporary file renamed); failures
    are ignored."""
    path = _place(kind, entry, suffix) if entry else None
    root = folder()
    if path is None or root is None or entry is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(_mac(root, kind, entry, body) + b"\n" + body)
        os.replace(tmp, path)
    except OSError:
        return


def get(kind: str, entry: str | None, object_hook: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """The value stored for ``entry``, or None; ``object_hook`` as for json.loads. An entry that is not
    what ``put`` wrote (changed, cut short, nested beyond reason) is ignored with a warning."""
    found = _read_signed(kind, entry, ".json")
    if found is None:
        return None
    path, body = found
    try:
        return json.loads(body, object_hook=object_hook)
    except (ValueError, RecursionError):
        _warn(f"缓存中的条目“{path}”无法读取，已忽略（重新检查和生成）")
        return None


def put(kind: str, entry: str | None, value: Any, default: Callable[[Any], Any] | None = None) -> None:
    """Store ``value`` (JSON-serialisable, with ``default`` as for json.dumps) for ``entry``; failures
    are ignored."""
    if not entry or folder() is None:
        return
    try:
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default).encode()
    except (ValueError, RecursionError):  # ValueError: an integer with more digits than str() writes
        return
    _write_signed(kind, entry, ".json", body)


def put_parts(kind: str, entry: str | None, parts: Sequence[tuple[str, bytes]]) -> None:
    """Store named byte strings (a table's files and printings) for ``entry`` in ONE file, the way ``put``
    stores a value: a made piece of work then costs one file in the cache, not one per part plus a list
    of their hashes (files are most of what a cold build spends in the kernel). Failures are ignored."""
    if not entry or folder() is None:
        return
    header = json.dumps([[name, len(data)] for name, data in parts], ensure_ascii=False, separators=(",", ":"))
    _write_signed(kind, entry, ".parts", b"".join([header.encode(), b"\n", *(data for _, data in parts)]))


def get_parts(kind: str, entry: str | None) -> dict[str, bytes] | None:
    """The parts ``put_parts`` stored for ``entry`` by name, or None. An entry that is not what it wrote
    (changed, cut short) is ignored, with a warning as ``get``'s."""
    found = _read_signed(kind, entry, ".parts")
    if found is None:
        return None
    header, _, payload = found[1].partition(b"\n")
    try:
        sizes = json.loads(header)
        parts: dict[str, bytes] = {}
        start = 0
        for name, size in sizes:
            if not isinstance(name, str) or not isinstance(size, int) or size < 0:
                return None
            parts[name] = payload[start : start + size]
            start += size
    except (ValueError, TypeError):  # made by another version of put_parts: the MAC held, the shape not
        return None
    return parts if start == len(payload) else None


def _member(root: Path, kind: str, entry: str, name: str) -> Path:
    """Where the file ``name`` (relative, with /) of an entry of files is kept in the cache ``root``.

    A file at the top of the entry is kept beside those of other entries, as ``<entry>.<name>``: a
    table's three files then cost no folder (a folder for each table was most of the cost of keeping
    it). Files in subfolders are kept under a folder ``<entry>/``."""
    folder_of_entries = root / kind / entry[:2]
    return folder_of_entries / f"{entry}.{name}" if "/" not in name else folder_of_entries / entry / name


def files_out(kind: str, entry: str | None, names: Iterable[str], target: Path) -> bool:
    """Put copies of the stored files ``names`` of ``entry`` (names relative to the entry, with /) into the
    folder ``target``; False unless all of them are stored, each as ``files_in`` stored it.

    Copies, never hard links: a published file that shared its storage with the cache entry would let
    anyone who can write the site (an editor fixing a table by hand, a web server) change the entry, and
    every later build, from any clone, would publish the altered file. Where the file system can, the
    copy is a reflink (copy-on-write, no data written)."""
    root = folder()
    if not entry or root is None:
        return False
    names = list(names)
    index = get(kind + FILES, entry)
    if not isinstance(index, dict) or not all(isinstance(index.get(name), str) for name in names):
        return False
    stored = [(name, _member(root, kind, entry, name)) for name in names]
    try:
        for name, member in stored:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            clone_file(member, target / name)
            if _digest(target / name) != index[name]:
                (target / name).unlink()
                _warn(f"缓存中的文件“{member}”已被改动或已损坏，已忽略（重新生成）")
                return False
    except OSError:
        return False
    return True


FILES = ".files"  # the kind of the entry that lists an entry's files with their hashes


def _digest(path: Path) -> str:
    import hashlib

    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def files_in(kind: str, entry: str | None, files: Iterable[Path], root: Path | None = None) -> None:
    """Store copies of ``files`` under ``entry``: each by its name, or by its path relative to ``root``,
    with the list of their hashes. A file already stored under the same key has the same content, and
    is left as it is."""
    cache_root = folder()
    if not entry or cache_root is None:
        return
    index: dict[str, str] = {}
    try:
        for path in files:
            name = path.relative_to(root).as_posix() if root is not None else path.name
            member = _member(cache_root, kind, entry, name)
            index[name] = _digest(path)
            if member.is_file():
                continue
            member.parent.mkdir(parents=True, exist_ok=True)
            tmp = member.with_name(f".{member.name}.{os.getpid()}.tmp")
            clone_file(path, tmp)
            os.replace(tmp, member)  # never a half-written member
    except OSError:
        return
    put(kind + FILES, entry, index)


_FICLONE = 0x40049409  # linux/fs.h: make the target share the source's blocks, copy-on-write


def clone_file(source: Path, target: Path) -> None:
    """``target`` becomes a copy of ``source`` that shares nothing writable with it: a reflink where the
    file system supports one (btrfs, XFS: no data is written), else a plain copy. Any file at
    ``target`` is replaced, never written into."""
    target.unlink(missing_ok=True)
    with source.open("rb") as reader, open(target, "xb") as writer:
        if sys.platform == "linux":
            import fcntl

            try:
                fcntl.ioctl(writer.fileno(), _FICLONE, reader.fileno())
                return
            except OSError:  # not supported here (ext4, tmpfs, another file system): copy
                pass
            try:  # in the kernel, without passing the bytes through Python
                while os.copy_file_range(reader.fileno(), writer.fileno(), 1 << 30):
                    pass
                return
            except OSError:  # an old kernel, or file systems it cannot copy between
                writer.seek(0)
                writer.truncate()
                reader.seek(0)
        import shutil

        shutil.copyfileobj(reader, writer, 1 << 20)


def link_file(source: Path, target: Path) -> None:
    """``target`` becomes a hard link to ``source`` (a copy where links are not possible), replacing any
    file there: never a write into a file that may be shared with another site. Only for files of
    sites and their temporary views, never for cache entries (``files_out``)."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        import shutil  # here: hard links almost always work

        shutil.copyfile(source, target)
