"""Harness: ``jixiao import`` on any bytes as an extracted-text file (.txt).

Both styles of the seeds are in the corpus (tab-separated rows from Hunan, one cell per line from
Hebei), and the bytes are decoded as the importer decodes a file (UTF-8, UTF-16, GBK). Everything
after reading runs as ``jixiao import`` runs it, up to the YAML it would write (harness.import_pipeline).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harness import SEEDS, import_pipeline, seed_files

from generator.importers.read import read_bytes

PATH = Path("表.txt")


def test_one_input(data: bytes) -> None:
    source = read_bytes(data, PATH, PATH.name)
    import_pipeline([source])


def seeds() -> Iterator[tuple[str, bytes]]:
    yield from seed_files(SEEDS, "*.txt")
    from test_import_robust import GOOD_ROWS, HEADER

    yield "header.txt", (HEADER + "\n".join(GOOD_ROWS) + "\n").encode("utf-8")
    yield "header-gbk.txt", (HEADER + "\n".join(GOOD_ROWS) + "\n").encode("gb18030")
