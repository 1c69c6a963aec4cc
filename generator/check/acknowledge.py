"""Acknowledged findings: a file may accept one specific finding, with a reason.

The finding then no longer fails the check, but it is still reported (and shown to readers of the
site). An acknowledgement that matches nothing is itself reported, so that stale ones do not
linger after the mistake has been corrected.
"""

from __future__ import annotations

from typing import Any

from generator.data import fields as F
from generator.data.load import Document
from generator.diagnostics import Diagnostic
from generator.diagnostics.catalogue import CATALOGUE


def _entries(doc: Document) -> list[tuple[int, dict[str, Any]]]:
    items = doc.data.get(F.ACKNOWLEDGED)
    if not isinstance(items, list):
        return []
    return [
        (i, a)
        for i, a in enumerate(items)
        if isinstance(a, dict) and isinstance(a.get(F.ACK_CODE), str) and isinstance(a.get(F.ACK_REASON), str)
    ]


def _matches(diag: Diagnostic, code: str, where: str) -> bool:
    if diag.code != code:
        return False
    return not where or diag.field == where or diag.field.startswith((where + ".", where + "["))


# Codes the loader and the schema give: known whether or not the rules ran.
ALWAYS_CHECKED = ("Y", "S", "P")


def apply(doc: Document, diagnostics: list[Diagnostic], complete: bool = True) -> list[Diagnostic]:
    """Mark the diagnostics of ``doc`` that it acknowledges; add A001/A002 for bad entries.

    ``complete`` False: the unit's rules did not run (another file of the unit cannot be read or fails the
    schema), so a rule's finding missing now is not a stale acknowledgement (no A001 for it)."""
    out = list(diagnostics)
    for index, entry in _entries(doc):
        code, where, reason = entry[F.ACK_CODE], str(entry.get(F.ACK_WHERE, "")), entry[F.ACK_REASON]
        if code not in CATALOGUE:
            out.append(doc.diagnostic("A002", (F.ACKNOWLEDGED, index, F.ACK_CODE), ack_code=code))
            continue
        hits = [i for i, d in enumerate(out) if d.path == doc.display and not d.acknowledged and _matches(d, code, where)]
        if not hits and (complete or code.startswith(ALWAYS_CHECKED)):
            shown = f"（{where}）" if where else ""
            out.append(doc.diagnostic("A001", (F.ACKNOWLEDGED, index), ack_code=code, where=shown))
        for i in hits:
            out[i] = out[i].acknowledge(reason)
    return out
