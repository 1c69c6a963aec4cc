"""``jixiao check --changed`` and ``jixiao check --hook``: what to check when only some files changed.

The files git reports as changed are widened to what depends on them: a project or 单位.yaml to its
whole unit folder (the unit's totals and cross-table rules), an 地区.yaml to its whole region. The
result is handed to the ordinary check. ``--changed`` takes what changed since BASE (committed,
staged, modified or untracked); ``--hook`` what the commit being made changes (the index against
HEAD, or pre-commit's ``--from-ref``/``--to-ref`` range). Deleted files count too: pre-commit passes
only files that exist, so a project moved to another unit or deleted would leave the unit it left
unchecked, its totals no longer adding up (X003), if the hook went by the files it is given alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.data.load import REGION_FILE
from generator.data.tree import is_data_file
from generator.review import gitrepo


def split_base(value: str, paths: list[Path], root: Path) -> tuple[str | None, list[Path]]:
    """``--changed data/`` means the default base and a path, not a revision named "data/"."""
    if value and gitrepo.commit_of(root, value) is None and Path(value).exists():
        return None, [Path(value), *paths]
    return (value or None), paths


def _is_unit_folder(folder: Path) -> bool:
    return (folder.parent.parent / REGION_FILE).is_file()


def targets(changed: list[Path], within: list[Path]) -> list[Path]:
    """The files and folders to check for these changed paths (absolute), limited to ``within``."""
    bounds = [w.absolute() for w in within]
    out: set[Path] = set()
    for path in changed:
        if not is_data_file(path) or not any(path == b or b in path.parents for b in bounds):
            continue
        if path.name == REGION_FILE:
            if path.parent.is_dir():
                out.add(path.parent)
        elif _is_unit_folder(path.parent) and path.parent.is_dir():
            out.add(path.parent)
        elif path.is_file():
            out.add(path)  # misplaced: check reports where it should be
    return sorted(p for p in out if not any(q in p.parents for q in out))


def changed_targets(base_option: str, paths: list[Path]) -> list[Path]:
    root = gitrepo.repo_root(Path.cwd())
    base, within = split_base(base_option, paths, root)
    commit = gitrepo.resolve(root, base) if base else gitrepo.default_base(root)[0]
    names = gitrepo.changed_names(root, commit, None, ".") + gitrepo.untracked(root, ".")
    return targets([root / name for name in names], within or [Path("data")])


def commit_names(root: Path) -> list[str]:
    """What is being committed: pre-commit's ``--from-ref``/``--to-ref`` range when it runs on one (as CI does,
    compared from where the two forked, as pre-commit does), else the index against HEAD."""
    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        return gitrepo.changed_names(root, gitrepo.merge_base(root, from_ref, to_ref), gitrepo.resolve(root, to_ref), ".")
    return gitrepo.staged_names(root, ".")


def hook_targets(paths: list[Path]) -> list[Path]:
    """What the pre-commit hook checks: the files it is given (all of them with ``--all-files``) and every
    file the commit adds, changes or deletes, each widened to its unit or region."""
    root = gitrepo.repo_root(Path.cwd())
    here = Path.cwd() if Path.cwd().resolve() == root.resolve() else root  # the paths as pre-commit passes them
    changed = [here / name for name in commit_names(root)] + [path.absolute() for path in paths]
    return targets(changed, [here / "data"])
