"""What ``jixiao diff`` found, as data: the tables changed, what the change does to each unit, and notes.

The comparison (diff.py) makes a DiffReport; the formats (formats.py) write it as text, Markdown or JSON.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from generator.review.changes import Change
from generator.review.effects import Finding

STATUS_ORDER = ("added", "removed", "renamed", "moved", "modified", "unreadable")
NOUNS = {"project": "项目", "unit": "单位", "region": "地区设置", "other": "其他文件"}
COUNTS = {
    "added": "新增 {n} 个{noun}",
    "removed": "删除 {n} 个{noun}",
    "modified": "修改 {n} 个{noun}",
    "renamed": "{n} 个{noun}改名",
    "moved": "{n} 个{noun}移到其他单位",
    "unreadable": "{n} 个{noun}无法读取",
}


@dataclass
class FileChange:
    """One table added, removed, renamed, moved or modified, with its field changes."""

    kind: str
    status: str
    name: str
    path: str
    old_path: str | None
    heading: str
    folder: str  # the unit (or region) folder it belongs to, as shown
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "status": self.status,
            "name": self.name,
            "path": self.path,
            "old_path": self.old_path,
            "folder": self.folder,
            "heading": self.heading,
            "notes": self.notes,
            "changes": [c.as_dict() for c in self.changes],
        }


@dataclass
class UnitEffect:
    """What the change does to one unit (or region) beyond its own files."""

    folder: str
    name: str
    path: str
    changes: list[Change]
    findings: list[Finding]

    def as_dict(self) -> dict[str, object]:
        return {
            "folder": self.path,
            "name": self.name,
            "changes": [c.as_dict() for c in self.changes],
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class DiffReport:
    base: str
    head: str
    files: list[FileChange] = field(default_factory=list)
    effects: list[UnitEffect] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        found = Counter((f.kind, f.status) for f in self.files)
        return {
            kind: {s: found[(kind, s)] for s in STATUS_ORDER if found[(kind, s)]}
            for kind in NOUNS
            if any(found[(kind, s)] for s in STATUS_ORDER)
        }

    def summary(self) -> str:
        parts = [
            COUNTS[status].format(n=n, noun=NOUNS[kind])
            for kind, by_status in self.counts().items()
            for status, n in by_status.items()
        ]
        return "，".join(parts) + "。" if parts else "数据没有改动。"

    def as_dict(self) -> dict[str, object]:
        return {
            "format": "jixiao-diff",
            "version": 1,
            "base": self.base,
            "head": self.head,
            "summary": self.summary(),
            "counts": self.counts(),
            "notes": self.notes,
            "files": [f.as_dict() for f in self.files],
            "effects": [e.as_dict() for e in self.effects],
        }
