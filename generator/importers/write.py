"""Writing the planned files: canonical YAML, and never over an existing file that differs.

Each file is rendered with the same code as ``jixiao fmt`` (``format_text``), so an imported
tree is already in canonical form and its first line points editors at the schema. A target that
exists with the same text is left alone ("unchanged"); one that exists with other text is not
touched and the conflict is reported (I050), unless ``--force`` is given.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.atomic import write_atomic
from generator.data import fields as F
from generator.data import schemas
from generator.data.fmt import CannotFormat, ExactNumber, format_text, round_trip_yaml
from generator.data.load import Document, display_path, load
from generator.diagnostics import Diagnostic, make
from generator.importers.assemble import Planned
from generator.importers.merge import merge_text


@dataclass
class Outcome:
    path: Path
    status: str  # written | unchanged | conflict | failed


def yaml_value(value: Any) -> Any:
    """Plain YAML types: exact numbers stay exact (22.95 is written 22.95, never 22.949999…)."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return ExactNumber(format(value.normalize(), "f"))
    if isinstance(value, dict):
        return {str(k): yaml_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [yaml_value(v) for v in value]
    return value


# What reviewers add that no source holds: 已确认问题, and 印刷 (how the unit's document printed: its form's
# variant, its booklet's order, whether it published a summary itself).
REVIEW_KEYS = (F.ACKNOWLEDGED, F.PRINTING)


def keep_review(planned: Planned) -> None:
    """Carry the reviewers' 已确认问题 of an existing file over: they are not in any source.

    Re-importing a source then leaves a reviewed file as it is, instead of reporting a conflict
    (or, with --force, dropping the acknowledgements).
    """
    if not planned.path.is_file():
        return
    loaded = load(planned.path)
    if not isinstance(loaded, Document):
        return
    kept = {key: loaded.data[key] for key in REVIEW_KEYS if key in loaded.data and key not in planned.data}
    if not kept:
        return
    planned.data = schemas.ordered({**planned.data, **kept}, planned.kind)


def render(planned: Planned) -> str:
    out = io.StringIO()
    round_trip_yaml().dump(yaml_value(planned.data), out)
    return format_text(out.getvalue(), planned.path)


def link_on_the_way(path: Path, root: Path) -> Path | None:
    """The first symbolic link between ``root`` (which may be one: the user chose it) and ``path``.

    Imported files are written only to real folders below the output folder: a link planted in
    the data tree must not make the importer write (or read) a file elsewhere.
    """
    try:
        relative = path.relative_to(root)
    except ValueError:
        return path
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def merge_into(item: Planned, force: bool, problems: list[Diagnostic]) -> Outcome:
    """A self-evaluation or monitoring written into the project's existing file (merge.py)."""
    assert item.results is not None
    path = item.path
    try:
        text = merge_text(path, item.results, item.data, force)
        if text is None:
            problems.append(make("I050", display_path(path), source=item.source.shown))
            return Outcome(path, "conflict")
        if path.read_text(encoding="utf-8-sig", errors="replace") == text:
            return Outcome(path, "unchanged")
        write_atomic(path, text)
    except CannotFormat as exc:
        problems.append(exc.diagnostic)
        return Outcome(path, "failed")
    except OSError as exc:
        problems.append(make("I052", display_path(path), error=exc.strerror or type(exc).__name__))
        return Outcome(path, "failed")
    return Outcome(path, "written")


def write(planned: list[Planned], force: bool, root: Path | None = None) -> tuple[list[Outcome], list[Diagnostic]]:
    outcomes: list[Outcome] = []
    problems: list[Diagnostic] = []
    for item in planned:
        path = item.path
        link = link_on_the_way(path, root) if root is not None else None
        if link is not None:
            outcomes.append(Outcome(path, "failed"))
            problems.append(
                make("I052", display_path(path), error=f"“{display_path(link)}”是符号链接（或在输出文件夹之外），不会通过它写入")
            )
            continue
        if item.keep and path.is_file():
            outcomes.append(Outcome(path, "unchanged"))
            continue
        if item.results is not None and path.is_file():
            outcomes.append(merge_into(item, force, problems))
            continue
        keep_review(item)
        try:
            text = render(item)
        except CannotFormat as exc:  # the round-trip parser refused what was dumped: a defect
            outcomes.append(Outcome(path, "failed"))
            problems.append(exc.diagnostic)
            continue
        try:
            if path.is_file():
                old = path.read_text(encoding="utf-8-sig", errors="replace")
                if old == text:
                    outcomes.append(Outcome(path, "unchanged"))
                    continue
                if not force:
                    outcomes.append(Outcome(path, "conflict"))
                    problems.append(make("I050", display_path(path), source=item.source.shown))
                    continue
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text)
        except OSError as exc:
            outcomes.append(Outcome(path, "failed"))
            problems.append(make("I052", display_path(path), error=exc.strerror or type(exc).__name__))
            continue
        outcomes.append(Outcome(path, "written"))
    return outcomes, problems
