"""修订记录 and recent changes, from the git history of data/.

One ``git log`` over data/ lists every commit with the blob ids of each file it touched (renames
followed, as ``git log --follow`` would for each file), and one ``git cat-file --batch`` reads the
two sides of each edit, which changes.py compares field by field: the same words as ``jixiao diff``.
So the cost is two git processes for the whole site, not one per project.

Readers see what changed, in those words, before the commit's own subject (written for the editors);
a subject not written in Chinese (a developer's "Fix typo") is not shown on this Chinese site; housekeeping
(序号, a change of layout or comments only) is left out, and a commit that made only such changes is not
listed.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator import held
from generator.data.load import Document, parse
from generator.review.changes import Context, table_changes
from generator.review.gitrepo import GitError, commit_of, git, read_blobs, repo_root
from generator.site.pages import History, Revision
from generator.site.years import public

MAX_REVISIONS = 20  # per file; older ones are counted, not listed
MAX_CHANGES = 30  # per revision
NO_GIT = "没有修订记录：数据不在 git 仓库中。"
NOT_COMMITTED = "这张表还没有提交到 git，没有修订记录。"


CHINESE = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def for_the_public(subject: str) -> str:
    """A commit subject as the Chinese site shows it: written in Chinese (more Chinese characters than Latin
    letters), else nothing — a developer's "Fix typo" or an English message quoting a field name."""
    return subject if len(CHINESE.findall(subject)) > len(LATIN.findall(subject)) else ""


@dataclass
class Event:
    """One commit's change to one file: its status (A, M, R…) and the blobs before and after."""

    commit: str
    date: str
    subject: str
    status: str
    old_path: str
    new_path: str
    old_blob: str
    new_blob: str


@dataclass
class Commit:
    commit: str
    date: str
    subject: str
    events: list[Event] = field(default_factory=list)


def _log(root: Path, pathspec: str) -> list[Commit]:
    out = git(
        root,
        "-c",
        "core.quotepath=off",
        "log",
        "--format=%x1e%H%x1f%cs%x1f%s",
        "--raw",
        "-z",
        "-M",
        "--no-abbrev",
        "--",
        pathspec,
    )
    commits: list[Commit] = []
    for chunk in out.split(b"\x1e")[1:]:
        head, _, body = chunk.partition(b"\0")
        sha, date, subject = head.decode("utf-8", "replace").split("\x1f", 2)
        subject = for_the_public(subject)
        commit = Commit(sha, date, subject)
        tokens = [t for t in body.lstrip(b"\n").split(b"\0")]
        i = 0
        while i < len(tokens):
            meta = tokens[i].decode("ascii", "replace").strip()
            if not meta.startswith(":"):
                i += 1
                continue
            _, _, old_blob, new_blob, status = meta[1:].split(" ")
            if status[:1] in "RC":
                old, new = os.fsdecode(tokens[i + 1]), os.fsdecode(tokens[i + 2])
                i += 3
            else:
                old = new = os.fsdecode(tokens[i + 1])
                i += 2
            commit.events.append(Event(sha, date, subject, status[:1], old, new, old_blob, new_blob))
        commits.append(commit)
    return commits


_logs: held.Memo[list[Commit]] = held.Memo(4)  # generator/held.py


def _commits(root: Path, pathspec: str, head: str | None) -> list[Commit]:
    """``_log``; in a process that keeps results (``jixiao serve``), read again only when HEAD is another
    commit: the log of data/ changes with a commit, not with an edit (a tenth of a rebuild at 10,000 files)."""
    if head is None:  # nothing kept, or no commit yet
        return _log(root, pathspec)
    return _logs.get((root, pathspec, head), lambda: _log(root, pathspec))


@dataclass
class Histories:
    """The 修订记录 of every file, and the recent commits (None: data/ is not in a git repository)."""

    root: Path | None
    files: dict[Path, list[Event]]
    older: dict[Path, int]
    commits: list[Commit]
    keyed: dict[Path, str] = field(default_factory=dict, compare=False, repr=False)  # by key_of

    def key_of(self, path: Path) -> str:
        """What a key of work made from ``path`` takes of its history (site/reuse.py): worked out once per file
        of the same Histories (``jixiao serve`` keeps them while HEAD and the files are the same)."""
        absolute = path.absolute()
        found = self.keyed.get(absolute)
        if found is None:
            found = self.keyed[absolute] = repr(self.files.get(absolute)) + repr(self.older.get(absolute))
        return found

    def of(self, path: Path, money_unit: str, texts: dict[str, Document | None]) -> History:
        if self.root is None:
            return History((), NO_GIT)
        events = self.files.get(path.absolute(), [])
        if not events:
            return History((), NOT_COMMITTED)
        revisions = tuple(r for r in (_revision(e, money_unit, texts) for e in events) if r.changes)
        older = self.older.get(path.absolute(), 0)
        return History(revisions, f"更早的 {older} 次修订没有列出，可在 git 历史中查看。" if older else "")


_collected: held.Memo[Histories] = held.Memo(2)


def collect(data: Path, files: list[Path]) -> Histories:
    """The histories of ``files`` (below ``data``); in a process that keeps results, the same object again while
    HEAD, the working folder and the files are the same (an edit changes none of them: 10,000 files placed in
    the log take a twentieth of a rebuild)."""
    try:
        root = repo_root(data)
        pathspec = os.path.relpath(data.resolve(), root.resolve()) or "."
        head = commit_of(root, "HEAD") if held.kept() else None
        commits = _commits(root, pathspec, head)
    except GitError:
        return Histories(None, {}, {}, [])
    if head is None:
        return _placed(data, files, root, commits)
    key = (root, pathspec, head, os.getcwd(), os.fspath(data), tuple(map(os.fspath, files)))
    return _collected.get(key, lambda: _placed(data, files, root, commits))


def _placed(data: Path, files: list[Path], root: Path, commits: list[Commit]) -> Histories:
    """Each of ``files`` given its events in ``commits``, followed through renames."""
    tracking = {_in_repo(p, data, root): p.absolute() for p in files}
    found: dict[Path, list[Event]] = {}
    older: dict[Path, int] = {}
    for commit in commits:
        for event in commit.events:
            owner = tracking.get(event.new_path)
            if owner is None or event.status == "D":
                continue
            if len(found.setdefault(owner, [])) < MAX_REVISIONS:
                found[owner].append(event)
            else:
                older[owner] = older.get(owner, 0) + 1
            del tracking[event.new_path]
            if event.status != "A":  # followed to its older name, or the same name
                tracking[event.old_path] = owner
    return Histories(root, found, older, commits)


def _in_repo(path: Path, data: Path, root: Path) -> str:
    """The path of ``path`` as git names it (relative to ``root``, with /). A file below ``data`` is placed
    by its path there (the tree is walked without following links, so only ``data`` itself needs
    resolving: once, not for each of 10,000 files)."""
    inside = _relative_below(path, data)
    if inside is None:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    return f"{_data_in_repo(data, root)}/{inside.replace(os.sep, '/')}".removeprefix("./")


def _relative_below(path: Path, folder: Path) -> str | None:
    absolute, base = os.fspath(path.absolute()), _absolute_text(folder, os.getcwd())
    return absolute[len(base) + 1 :] if absolute.startswith(base + os.sep) else None


@functools.lru_cache(maxsize=8)
def _absolute_text(folder: Path, working: str) -> str:
    """``folder.absolute()`` in the working folder ``working``, worked out once: each build places its
    10,000 files below it."""
    return os.fspath(folder if folder.is_absolute() else Path(working, folder))


@functools.cache
def _data_in_repo(data: Path, root: Path) -> PurePosixPath:
    return PurePosixPath(Path(os.path.relpath(data.resolve(), root.resolve())).as_posix())


def read_versions(histories: Histories, paths: list[Path]) -> dict[str, Document | None]:
    """The parsed blobs on both sides of the edits of ``paths``: one git process for all of them."""
    wanted = [
        b for p in paths for e in histories.files.get(p.absolute(), []) if e.status in "MR" for b in (e.old_blob, e.new_blob)
    ]
    return read_blobs_parsed(histories, wanted)


def read_blobs_parsed(histories: Histories, wanted: list[str]) -> dict[str, Document | None]:
    """The blobs ``wanted``, parsed (None: not readable as a data file)."""
    if histories.root is None or not wanted:
        return {}
    blobs = read_blobs(histories.root, list(dict.fromkeys(wanted)))
    out: dict[str, Document | None] = {}
    for oid, raw in blobs.items():
        try:
            result = parse(raw.decode("utf-8"), Path(oid))
        except UnicodeDecodeError:
            result = None
        out[oid] = result if isinstance(result, Document) else None
    return out


def change_lines(event: Event, money_unit: str, texts: dict[str, Document | None]) -> list[str]:
    """What one commit changed in one file, in the words of ``jixiao diff``, housekeeping left out."""
    changes: list[str] = []
    if event.status == "A":
        changes.append("新建本表")
    elif event.status in "RC" and event.old_path != event.new_path:
        changes.append(f"文件改名：{Path(event.old_path).name} → {Path(event.new_path).name}")
    if event.status in "MR" and event.old_blob != event.new_blob:
        old, new = texts.get(event.old_blob), texts.get(event.new_blob)
        if old is None or new is None:
            changes.append("这一版无法读取，无法列出改动")
        else:
            changes += [c.text for c in table_changes(old.data, new.data, Context(money_unit, money_unit)) if public(c)]
    return changes


def _revision(event: Event, money_unit: str, texts: dict[str, Document | None]) -> Revision:
    changes = change_lines(event, money_unit, texts)
    shown = changes[:MAX_CHANGES]
    return Revision(event.date, event.subject, event.commit[:10], tuple(shown), len(changes) - len(shown))
