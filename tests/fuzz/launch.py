"""Start one harness under atheris: ``python tests/fuzz/launch.py fuzz_load [libFuzzer options…]``.

Only jixiao's code (and, for the Office harnesses, python-docx or openpyxl) is instrumented for
coverage, as it is imported: instrumenting every loaded module takes a minute per start.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
INSTRUMENTED = {
    "fuzz_load": ["generator"],
    "fuzz_fmt": ["generator"],
    "fuzz_diff": ["generator"],
    "fuzz_import_text": ["generator"],
    "fuzz_import_docx": ["generator", "docx"],
    "fuzz_import_xlsx": ["generator", "openpyxl"],
    "fuzz_render": ["generator"],
}


def main() -> None:
    name = sys.argv[1]
    sys.path[:0] = [str(HERE), str(HERE.parent)]
    with atheris.instrument_imports(include=INSTRUMENTED[name]):
        module = importlib.import_module(name)
    atheris.Setup([sys.argv[0], *sys.argv[2:]], module.test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
