"""``jixiao import``: read → recognise → assemble → write → check, and one report of everything.

The report holds the importer's findings, which point into the sources (repairs, doubts, what was
not imported and why), and the findings of ``jixiao check`` on the files written, which point into
the YAML. The exit status is decided once, from all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.data.load import display_path
from generator.diagnostics import Diagnostic, Report
from generator.errors import UsageError
from generator.importers.assemble import Options, Planned, plan_tree
from generator.importers.read import read_source
from generator.importers.recognise import classify, recognise
from generator.importers.source import Cell, Source, excerpt
from generator.importers.write import Outcome, write

SUFFIXES = (".txt", ".text", ".docx", ".xlsx", ".xlsm")


@dataclass
class ImportResult:
    report: Report
    outcomes: list[Outcome] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)


def expand(paths: list[Path]) -> list[Path]:
    """The source files named, folders searched for .txt/.docx/.xlsx files (Office lock files skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", "."))
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"找不到“{path}”：请检查路径是否写对")
    return list(dict.fromkeys(files))


def sweep(source: Source) -> None:
    """Report every non-empty paragraph or cell that went neither into the YAML nor into a message."""
    for item in source.unused():
        item.used = True
        if isinstance(item, Cell):
            source.report("I013", item, text=excerpt(item.text))
            continue
        kind = classify(item).kind
        if kind == "derived":
            # jixiao's own note on a 汇总表 the unit did not publish: what it says is already in the data, where
            # 印刷.已公开汇总表 is not set, so it is read, not reported.
            continue
        reason = {"structure": "是文件的结构标题，不需要导入", "heading": "是标题，不需要导入"}.get(
            kind, "没有认出它属于哪张表的哪一栏"
        )
        source.report("I012", item, text=excerpt(item.text), reason=reason)


def _failed(sources: list[Source], exc: Exception) -> None:
    """A defect of the importer met on some input: reported like any finding, never a traceback."""
    for source in sources:
        source.report("I053", None, error=f"{type(exc).__name__}: {str(exc)[:120]}")


def _read(path: Path) -> Source:
    try:
        return read_source(path)
    except Exception as exc:  # a defect met while reading must not hide the other sources
        source = Source(path=path, shown=display_path(path), kind="text")
        _failed([source], exc)
        return source


def import_sources(paths: list[Path], options: Options, run_check: bool = True) -> ImportResult:
    sources = [_read(path) for path in expand(paths)]
    recognised = []
    for source in (s for s in sources if s.blocks):
        try:
            recognised.append(recognise(source, options.out))
        except Exception as exc:  # a defect must not hide the other sources' results
            _failed([source], exc)
    try:
        planned = plan_tree(recognised, options)
    except Exception as exc:
        _failed([r.source for r in recognised], exc)
        planned = []
    for source in sources:
        sweep(source)
        # An import that writes nothing is never silent: a file with no content at all (a
        # document with an empty body, a workbook of empty sheets) or an import that plans no
        # file at all, without an error saying why, says so.
        if (not source.blocks or not planned) and not source.has_errors():
            source.nothing_found()
    outcomes, problems = write(planned, options.force, root=options.out)
    found: list[Diagnostic] = [d for source in sources for d in source.diagnostics] + problems
    if run_check:
        from generator.check.run import check

        files = [o.path for o in outcomes if o.status in ("written", "unchanged")]
        if files:
            found.extend(check(files).diagnostics)
    report = Report(diagnostics=found, files_checked=len(sources))
    return ImportResult(report, outcomes, sources, planned)
