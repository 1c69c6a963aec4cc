"""The one record every finding becomes, whatever produced it (loader, schema, rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from generator.diagnostics.catalogue import CATALOGUE, Severity

FieldPath = tuple[str | int, ...]

__all__ = ["CATALOGUE", "Diagnostic", "FieldPath", "Report", "Severity", "format_field", "make"]


def format_field(path: FieldPath) -> str:
    """Render a field path the way editors read it: ``绩效指标[3].指标值类型`` (1-based)."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part + 1}]"
        else:  # keys are text in valid files; a hostile file may have null or numeric keys
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A finding: stable code, where it is, what is wrong and how to fix it (in Chinese)."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    hint: str = ""
    field: str = ""
    acknowledged: bool = False
    reason: str = ""

    def acknowledge(self, reason: str) -> Diagnostic:
        return replace(self, acknowledged=True, reason=reason)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
            "field": self.field,
            "title": CATALOGUE[self.code].title,
        }
        if self.acknowledged:
            data["acknowledged"] = True
            data["reason"] = self.reason
        return data


def make(code: str, path: str, line: int = 1, column: int = 1, field_path: FieldPath = (), **params: object) -> Diagnostic:
    """Build a diagnostic from the catalogue entry for ``code``, filling its templates."""
    entry = CATALOGUE[code]
    return Diagnostic(
        path=path,
        line=line,
        column=column,
        code=code,
        severity=entry.severity,
        message=entry.message.format(**params),
        hint=entry.hint.format(**params),
        field=format_field(field_path),
    )


IO_CODES = frozenset({"Y013"})


@dataclass
class Report:
    """Everything one run found; decides the exit status once, at the end."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0

    def extend(self, items: Sequence[Diagnostic]) -> None:
        self.diagnostics.extend(items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.diagnostics))

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity and not d.acknowledged)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 findings (warnings too when strict), 2 a file could not be read."""
        if any(d.code in IO_CODES for d in self.diagnostics):
            return 2
        if self.count(Severity.ERROR) or (strict and self.count(Severity.WARNING)):
            return 1
        return 0
