"""Writing a user's file all at once or not at all.

Every file jixiao writes into the user's folders (``fmt``, ``import``, ``new``, the reference page)
goes through ``write_atomic``: the content is written to a temporary file in the same folder, flushed
to disk, and renamed over the target. A rename within a folder is atomic, so a reader, a crash, a
full disk or Ctrl-C at any moment finds either the old file or the new one, never half of one.

The temporary file's name starts with a dot and ends with ``.tmp``: if the process is killed
outright (SIGKILL, power loss) before the rename, what is left behind is a hidden file that
``jixiao check`` never reads as data (tree.py skips names starting with a dot).

The build writes whole folders instead (build.py, site/publish.py): into a staging folder that
replaces the old one only when everything succeeded. Staging folders live in one work folder beside
the output (``staging``), which ignores itself in git and is cleared of what killed builds left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _prefix(name: str) -> str:
    """A short prefix for the temporary file: a long name plus the affixes would pass 255 bytes."""
    return "." + name.encode("utf-8")[:60].decode("utf-8", "ignore") + "."


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = True, durable: bool = True) -> None:
    """Write ``data`` (text is UTF-8 with the line ends as given) to ``path``, atomically.

    An existing file keeps its permissions; a new one gets the usual ones (0666 less the umask),
    not the private ones of a temporary file. With ``overwrite=False`` an existing ``path`` is
    never replaced (FileExistsError), even when it appears while the file is written. With
    ``durable=False`` the content is not forced to the disk first (a file that may be lost in a power
    cut: still never seen half written).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_prefix(path.name), suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())  # the content is on disk before the name points at it
        mode = path.stat().st_mode & 0o777 if path.is_file() and not path.is_symlink() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)  # a symbolic link at ``path`` is replaced, never followed
        else:
            _create(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _create(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` unless that exists (a hard link cannot overwrite)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some network shares)
        if path.exists() or path.is_symlink():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _exchange(new: Path, final: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not possible."""
    if sys.platform != "linux":
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library without it (glibc < 2.28)
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(new), at_fdcwd, os.fsencode(final), rename_exchange) == 0)


def holds(path: str | Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``data``: an update leaves such a file
    where it is (reading a file costs less than writing and swapping it). One look at the file's own status
    (thousands of search files are looked at after each edit), and it is read only when its size is right;
    it is opened as a data file is (never through a link, never waiting on a named pipe)."""
    from generator.data.load import open_regular

    try:
        status = os.lstat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        with open_regular(Path(path)) as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def write_staged(path: Path, data: bytes, earlier: Path | None = None) -> None:
    """Write ``data`` as the new file ``path`` of a site being made in a staging folder. When ``earlier`` (the
    same file in the site the staged one will replace) holds the very same bytes, ``path`` becomes a second
    name of that file (a hard link) instead of a copy: a unit made again after one edit comes out with
    about 600 files, all but a few as they were, and linking one costs a fraction of writing it (no data
    to allocate and flush); removing the replaced folder then only drops a name.

    Sharing a file between the old site and the new one is safe because no file of a site is ever written
    in place: each is written as a new file, as here (whatever the staging folder held at ``path`` is
    unlinked first), and replaced by renaming (reuse.update). Where hard links are refused (a file system
    without them), the file is written."""
    path.unlink(missing_ok=True)
    if earlier is not None and holds(earlier, data):
        try:
            os.link(earlier, path, follow_symlinks=False)
            return
        except OSError:
            pass
    with open(path, "wb") as handle:
        handle.write(data)


def swap_in(new: Path, final: Path, trash: Path) -> None:
    """Put ``new`` (a file or a folder) in the place of ``final``, which need not exist.

    A file is renamed over the old one, a folder exchanged with it in one step where the system can
    (the old folder is then at ``new``), so a reader finds the old or the new, never neither. Otherwise
    the old is first renamed to ``trash`` (a free name on the same file system). Missing parents of
    ``final`` are made.
    """
    if final.is_symlink() or final.exists():
        old_is_folder = final.is_dir() and not final.is_symlink()
        if new.is_dir() and old_is_folder and _exchange(new, final):
            return
        if new.is_dir() or old_is_folder:  # a rename replaces a file with a file only
            final.rename(trash)
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(new, final)


def replace_folder(new: Path, final: Path) -> None:
    """Put the folder ``new`` in the place of ``final`` (which need not exist); the old one is removed after.

    On Linux an existing folder is exchanged with the new one in one step, so that there is no
    moment without ``final`` (a web server never serves a missing site). Elsewhere, or on a file
    system that cannot exchange, the old folder is renamed away first, then the new one into place.
    A symbolic link at ``final`` is replaced, never followed.
    """
    if final.is_dir() and not final.is_symlink() and _exchange(new, final):
        shutil.rmtree(new)  # which now holds the old folder
        return
    old = None
    if final.is_symlink() or final.exists():
        old = final.with_name(f"{new.name}-old")
        final.rename(old)
    new.rename(final)
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()


WORK_FOLDER = ".jixiao-work"


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A new empty folder on the file system of ``out`` (so that its contents can be renamed into ``out``),
    with the usual permissions (what is staged is published), removed afterwards.

    It is made in the work folder beside ``out``: one hidden folder holding a ``.gitignore`` of ``*``, so
    that git never shows it, whatever the repository's own ignore rules. A build killed outright
    (SIGKILL, power loss) leaves its folder there; the next build removes the folders of processes that
    no longer run, and the work folder itself once it is empty.
    """
    work = out.absolute().parent / WORK_FOLDER
    work.mkdir(parents=True, exist_ok=True)
    ignore = work / ".gitignore"
    if not ignore.is_file():
        # written at each build (the work folder goes with its last build): not worth a wait for the disk
        # (70 ms a build on the test machine), as its loss in a power cut would only show the folder to git
        write_atomic(ignore, "# jixiao build 的临时文件夹：构建结束后自动删除\n*\n", durable=False)
    _remove_stale(work)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=work))
    folder.chmod(0o777 & ~_umask())  # mkdtemp makes it private
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            if {p.name for p in work.iterdir()} <= {".gitignore"}:
                ignore.unlink()
                work.rmdir()


def _remove_stale(work: Path) -> None:
    """Remove what builds that no longer run left in the work folder (their folders start with their pid)."""
    for entry in work.iterdir():
        pid = entry.name.split("-", 1)[0]
        if entry.is_dir() and not entry.is_symlink() and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it runs
        return True
    return True
