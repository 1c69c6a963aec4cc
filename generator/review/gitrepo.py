"""The little of git that ``jixiao diff`` and ``jixiao check --changed`` need, through its command line.

Only plumbing commands with NUL-separated output are used, so file names in Chinese (or with
spaces, quotes or newlines) come through unchanged, and pathspecs are taken literally: a folder
named ``[草稿]`` is not a glob.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from generator.errors import UsageError

MAIN_BRANCHES = ("main", "master")


class GitError(UsageError):
    """git is missing, this is not a repository, or a revision does not exist (exit status 2)."""


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise GitError("找不到 git 命令：请先安装 git")
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"}
    result = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, env=env, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} 失败：{message[-1] if message else result.returncode}")
    return result.stdout


def _names(output: bytes) -> list[str]:
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def repo_root(start: Path) -> Path:
    try:
        out = git(start, "rev-parse", "--show-toplevel")
    except GitError as exc:
        raise GitError(
            f"“{start}”不在 git 仓库中：请在数据仓库中运行，或比较两个文件夹（jixiao diff 旧文件夹 新文件夹）"
        ) from exc
    return Path(os.fsdecode(out.strip()))


def commit_of(root: Path, revision: str) -> str | None:
    """The commit a revision names, or None when it names none."""
    try:
        return git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}").decode().strip()
    except GitError:
        return None


def resolve(root: Path, revision: str) -> str:
    commit = commit_of(root, revision)
    if commit is None:
        raise GitError(f"找不到版本“{revision}”：请写分支名、标签或提交号（如 origin/main、HEAD~1）")
    return commit


def main_branch(root: Path) -> str:
    """The main line to compare with: origin's default branch, else main or master, local or remote."""
    try:
        ref = git(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").decode().strip()
        return ref.removeprefix("refs/remotes/")
    except GitError:
        pass
    for name in (*MAIN_BRANCHES, *(f"origin/{b}" for b in MAIN_BRANCHES)):
        if commit_of(root, name) is not None:
            return name
    raise GitError("找不到主分支（main 或 master）：请写明要比较的版本，如 jixiao diff origin/develop")


def merge_base(root: Path, one: str, other: str = "HEAD") -> str:
    try:
        return git(root, "merge-base", resolve(root, one), resolve(root, other)).decode().strip()
    except GitError as exc:
        raise GitError(f"“{one}”与“{other}”没有共同的历史：请写明要比较的版本") from exc


def default_base(root: Path) -> tuple[str, str]:
    """(commit, label): where the current work forked from the main branch."""
    branch = main_branch(root)
    return merge_base(root, branch), f"与 {branch} 的分叉点"


def changed_names(root: Path, base: str, head: str | None, pathspec: str) -> list[str]:
    """Paths that differ between two commits, or between a commit and the working tree (head None)."""
    args = ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", base]
    return _names(git(root, *args, *([head] if head else []), "--", pathspec))


def staged_names(root: Path, pathspec: str) -> list[str]:
    """Paths the commit being made changes: the index against HEAD (against nothing before the first commit),
    deletions included."""
    return _names(git(root, "diff", "--cached", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--", pathspec))


def untracked(root: Path, pathspec: str) -> list[str]:
    return _names(git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", pathspec))


LINK_MODE = "120000"


def ls_tree(root: Path, commit: str, paths: list[str], recursive: bool = False) -> dict[str, tuple[str, str]]:
    """{path: (mode, blob id)} of the files named by ``paths`` in a commit ("dir/" lists a folder): regular
    files, and symbolic links (mode LINK_MODE), which are never followed."""
    if not paths:
        return {}
    out = git(root, "ls-tree", *(["-r"] if recursive else []), "-z", "--full-tree", commit, "--", *paths)
    found: dict[str, tuple[str, str]] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.split(b" ")
        if kind == b"blob":
            found[os.fsdecode(name)] = (mode.decode(), oid.decode())
    return found


def read_blobs(root: Path, oids: list[str]) -> dict[str, bytes]:
    """The contents of many blobs through one ``git cat-file --batch``."""
    unique = list(dict.fromkeys(oids))
    if not unique:
        return {}
    out = git(root, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in unique).encode())
    blobs: dict[str, bytes] = {}
    at = 0
    for oid in unique:
        end = out.index(b"\n", at)
        header = out[at:end].split(b" ")
        size = int(header[2])
        blobs[oid] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return blobs
