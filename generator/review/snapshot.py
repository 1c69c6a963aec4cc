"""The two sides of a comparison: a git commit, the working tree, or a plain folder.

Files are named by their path below the data folder (``<地区>/<年度>/<单位>/<项目>.yaml``), so the
two sides compare whatever holds them. Reading is lazy and in bulk: a diff of one project in a
city-sized repository reads that project's unit and nothing else.
"""

from __future__ import annotations

import os
import stat
from abc import ABC, abstractmethod
from pathlib import Path

from generator.data.load import YAML_SUFFIXES
from generator.data.load import read as read_file
from generator.diagnostics import Diagnostic, make
from generator.review import gitrepo

DATA_DIR = "data"
SCHEMA_FILE = "schema/project.schema.json"

# A file's bytes, or why it cannot be read: a symbolic link (P006, never followed), a named pipe or
# another special file (P007), an error of the system (Y013). A file that cannot be read is still
# there: the diff says so, and never takes it for a deleted one.
Content = bytes | Diagnostic


def is_data_key(key: str) -> bool:
    parts = key.split("/")
    return key.endswith(YAML_SUFFIXES) and not any(part.startswith(".") or not part for part in parts)


class Snapshot(ABC):
    """One side: lists and reads the data files below its data folder."""

    label: str
    shown_prefix: str = DATA_DIR + "/"  # how paths are shown: as ``jixiao check`` run at the root shows them

    @abstractmethod
    def files_in(self, folders: list[str]) -> list[str]:
        """Data files directly inside the given folders ("" is the data folder itself)."""

    @abstractmethod
    def all_files(self, folder: str = "") -> list[str]:
        """Every data file at any depth, in the data folder or one folder of it."""

    @abstractmethod
    def read(self, keys: list[str]) -> dict[str, Content]:
        """Contents of the files that exist on this side; missing ones are left out."""

    def shown(self, key: str) -> str:
        return self.shown_prefix + key

    @abstractmethod
    def has_schema(self) -> bool:
        """Whether schema/ sits beside the data folder (editors' schema lines point there: P005)."""


class CommitSnapshot(Snapshot):
    def __init__(self, root: Path, commit: str, label: str) -> None:
        self.root, self.commit, self.label = root, commit, label
        self._oids: dict[str, tuple[str, str]] = {}

    def _list(self, specs: list[str], recursive: bool) -> list[str]:
        found = gitrepo.ls_tree(self.root, self.commit, specs, recursive=recursive)
        keys = {path.removeprefix(self.shown_prefix): oid for path, oid in found.items()}
        self._oids.update(keys)
        return sorted(k for k in keys if is_data_key(k))

    def files_in(self, folders: list[str]) -> list[str]:
        return self._list([f"{DATA_DIR}/{f}/" if f else f"{DATA_DIR}/" for f in folders], recursive=False)

    def all_files(self, folder: str = "") -> list[str]:
        return self._list([f"{DATA_DIR}/{folder}/" if folder else DATA_DIR], recursive=True)

    def has_schema(self) -> bool:
        return bool(gitrepo.ls_tree(self.root, self.commit, [SCHEMA_FILE]))

    def read(self, keys: list[str]) -> dict[str, Content]:
        unknown = [k for k in keys if k not in self._oids]
        if unknown:
            self._list([self.shown(k) for k in unknown], recursive=False)
        entries = {k: self._oids[k] for k in keys if k in self._oids}
        blobs = gitrepo.read_blobs(self.root, [oid for mode, oid in entries.values() if mode != gitrepo.LINK_MODE])
        return {
            k: make("P006", self.shown(k), name=Path(k).name) if mode == gitrepo.LINK_MODE else blobs[oid]
            for k, (mode, oid) in entries.items()
        }


class FolderSnapshot(Snapshot):
    """A data folder on disk. Symbolic links are not followed, as in ``jixiao check``."""

    def __init__(self, data_dir: Path, label: str, shown_prefix: str = DATA_DIR + "/") -> None:
        self.data_dir, self.label, self.shown_prefix = data_dir, label, shown_prefix

    def _path(self, key: str) -> Path:
        return self.data_dir / key if key else self.data_dir

    def files_in(self, folders: list[str]) -> list[str]:
        found = []
        for folder in folders:
            path = self._path(folder)
            if path.is_dir() and not path.is_symlink():
                found += [f"{folder}/{p.name}" if folder else p.name for p in path.iterdir() if _file_like(p)]
        return sorted(k for k in found if is_data_key(k))

    def all_files(self, folder: str = "") -> list[str]:
        found: list[str] = []
        stack = [self._path(folder)]
        while stack:
            current = stack.pop()
            if not current.is_dir() or current.is_symlink():
                continue
            for path in current.iterdir():
                if path.name.startswith("."):
                    continue
                if _file_like(path):
                    found.append(path.relative_to(self.data_dir).as_posix())
                elif path.is_dir():
                    stack.append(path)
        return sorted(k for k in found if is_data_key(k))

    def has_schema(self) -> bool:
        return (self.data_dir.parent / SCHEMA_FILE).is_file()

    def read(self, keys: list[str]) -> dict[str, Content]:
        """As ``jixiao check`` reads them (generator.data.load.read): a link is not followed, a named pipe
        never waited on; what cannot be read is its diagnostic."""
        out: dict[str, Content] = {}
        for key in keys:
            path = self._path(key)
            if path.parent.is_symlink() or not _file_like(path):
                continue  # not there (a folder behind a link is not read, as in jixiao check)
            out[key] = read_file(path, self.shown(key))
        return out


def _file_like(path: Path) -> bool:
    """Anything but a folder (a regular file, a link, a named pipe…): what the diff lists, and reads or
    says why it cannot."""
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


class WorkTreeSnapshot(FolderSnapshot):
    """The working tree of a git repository: what an editor has changed but not yet committed."""

    def __init__(self, root: Path) -> None:
        super().__init__(root / DATA_DIR, "工作区")
        self.root = root


def changed_files(old: Snapshot, new: Snapshot) -> list[str]:
    """Data files whose contents differ between the sides (git's object ids decide where it can)."""
    if isinstance(old, CommitSnapshot) and isinstance(new, CommitSnapshot):
        names = gitrepo.changed_names(old.root, old.commit, new.commit, DATA_DIR)
    elif isinstance(old, CommitSnapshot) and isinstance(new, WorkTreeSnapshot):
        names = gitrepo.changed_names(old.root, old.commit, None, DATA_DIR) + gitrepo.untracked(old.root, DATA_DIR)
    else:
        return _compare_all(old, new)
    keys = {name.removeprefix(DATA_DIR + "/") for name in names if name.startswith(DATA_DIR + "/")}
    return sorted(k for k in keys if is_data_key(k))


def _compare_all(old: Snapshot, new: Snapshot) -> list[str]:
    keys = sorted(set(old.all_files()) | set(new.all_files()))
    before, after = old.read(keys), new.read(keys)
    return [k for k in keys if before.get(k) != after.get(k)]


def folder_side(folder: Path) -> FolderSnapshot:
    """A folder holding data/ (a repository) or the data folder itself."""
    if (folder / "data").is_dir():
        return FolderSnapshot(folder / "data", folder.as_posix())
    return FolderSnapshot(folder, folder.as_posix(), shown_prefix="")


def _commit(root: Path, revision: str) -> CommitSnapshot:
    commit = gitrepo.resolve(root, revision)
    return CommitSnapshot(root, commit, f"{revision}（{commit[:7]}）")


def open_sides(base: str | None, head: str | None, cwd: Path) -> tuple[Snapshot, Snapshot]:
    """BASE and HEAD as on the command line: two folders, or git revisions (``A...B``: from their fork)."""
    if base is not None and head is not None and Path(base).is_dir() and Path(head).is_dir():
        return folder_side(Path(base)), folder_side(Path(head))
    root = gitrepo.repo_root(cwd)
    if base is None:
        commit, label = gitrepo.default_base(root)
        return CommitSnapshot(root, commit, f"{label}（{commit[:7]}）"), WorkTreeSnapshot(root)
    if head is None and "..." in base:
        one, other = (part or "HEAD" for part in base.split("...", 1))
        commit = gitrepo.merge_base(root, one, other)
        return CommitSnapshot(root, commit, f"{one} 与 {other} 的分叉点（{commit[:7]}）"), _commit(root, other)
    if head is None and ".." in base:
        base, head = (part or "HEAD" for part in base.split("..", 1))
    return _commit(root, base), (_commit(root, head) if head is not None else WorkTreeSnapshot(root))
