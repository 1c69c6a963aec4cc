"""Edit a workbook in LibreOffice, as an editor would, and save it as .xlsx (run by the Python that has
LibreOffice's ``uno`` module, usually /usr/bin/python3; tests/test_roundtrip.py calls it).

    python3 libreoffice_edit.py PROFILE_DIR EDITS_JSON

EDITS_JSON maps each workbook (a path) to a list of [sheet, cell range, text]: a text is typed into the cell (as
typing it would enter it, so "32" in a text cell stays text), null clears the range; an empty list only saves.
LibreOffice reads the workbook, applies the edits through its own API and writes the workbook back with its
own Excel filter: a real reader and writer.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main() -> None:
    profile, books = Path(sys.argv[1]).absolute(), json.loads(sys.argv[2])
    pipe = f"jixiao-test-{profile.name}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(300):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.2)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        for name, edits in books.items():
            book = Path(name).absolute()
            document = desktop.loadComponentFromURL(book.as_uri(), "_blank", 0, (prop("Hidden", True),))
            for sheet_name, where, text in edits:
                cells = document.Sheets.getByName(sheet_name).getCellRangeByName(where)
                if text is None:
                    cells.clearContents(1 | 2 | 4 | 16)  # values, dates, texts, formulas
                else:
                    cells.setFormula(text)
            document.storeToURL(book.as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
            document.close(True)
        with contextlib.suppress(Exception):  # the bridge goes down as LibreOffice quits
            desktop.terminate()
        office.wait(timeout=60)
    finally:
        if office.poll() is None:
            office.kill()
            office.wait()


if __name__ == "__main__":
    main()
