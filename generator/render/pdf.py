"""PDF through LibreOffice headless, when ``soffice`` is installed; nothing otherwise.

Each conversion runs with its own throw-away LibreOffice profile (so it never clashes with a
LibreOffice the user has open) and a font configuration that maps 仿宋/宋体/黑体 to the Noto CJK
fonts when Windows fonts are missing, so Chinese prints in Chinese glyph forms. The creation date
and document ID LibreOffice writes are replaced by fixed values: identical input, identical PDF.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.errors import ToolError
from generator.render.reproducible import FIXED_TIME

SERIF = ("仿宋", "仿宋_GB2312", "FangSong", "宋体", "SimSun", "STSong", "STFangsong", "楷体", "KaiTi")
SANS = ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "STHeiti")
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""
ALIAS = ('  <alias binding="same"><family>{name}</family>'
         '<accept><family>{name}</family><family>{fallback}</family></accept></alias>')
_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:(\d{4,14})")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")
TIMEOUT_BASE = 120
TIMEOUT_PER_FILE = 60


class PdfError(ToolError):
    """LibreOffice is installed but could not convert a file."""


PDF_BATCH = 8  # files per LibreOffice process: its start-up is shared, its random sequence stays short


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def unavailable(make_pdf: bool) -> str:
    """Why no PDF is made (the note of the build's summary), or "" when they can be."""
    if not make_pdf:
        return "未生成 PDF（--no-pdf）"
    if soffice() is None:
        return "未找到 LibreOffice（soffice），未生成 PDF 汇编；安装 LibreOffice 后再运行即可生成"
    return ""


def _fonts_conf(folder: Path) -> Path:
    aliases = [ALIAS.format(name=n, fallback="Noto Serif CJK SC") for n in SERIF]
    aliases += [ALIAS.format(name=n, fallback="Noto Sans CJK SC") for n in SANS]
    path = folder / "fonts.conf"
    path.write_text(FONTS_CONF.format(aliases="\n".join(aliases)), encoding="utf-8")
    return path


def normalise(data: bytes) -> bytes:
    """Fixed creation date, document ID and checksum, each the same length, so the xref offsets stay valid."""
    stamp = FIXED_TIME.strftime("%Y%m%d%H%M%S").encode()
    data = _DATE.sub(lambda m: m.group(0)[: -len(m.group(2))] + stamp[: len(m.group(2))], data)
    digest = hashlib.md5(_CHECKSUM.sub(b"", _ID.sub(b"", data)), usedforsecurity=False).hexdigest().upper().encode()
    data = _CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), digest[: len(m.group(1))]), data)
    return _ID.sub(lambda m: m.group(0).replace(m.group(1), digest[: len(m.group(1))])
                   .replace(m.group(2), digest[: len(m.group(2))]), data)


def _convert_batch(program: str, files: list[Path]) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        work = Path(tmp)
        inputs = []
        for i, source in enumerate(files):  # short ASCII names: many files share one name (单位汇编.docx)
            copy = work / f"{i:05d}{source.suffix}"
            shutil.copyfile(source, copy)
            inputs.append(copy)
        # LibreOffice writes the creation date with the local time zone's offset ("+08'00'"); its digits are
        # fixed afterwards (normalise), the offset is fixed here: the same PDF in every time zone.
        env = {**os.environ, "FONTCONFIG_FILE": str(_fonts_conf(work)), "TZ": "UTC"}
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(work / "out"), *map(str, inputs)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, env=env, check=False,
                                    timeout=TIMEOUT_BASE + TIMEOUT_PER_FILE * len(files))
        except subprocess.TimeoutExpired as exc:
            raise PdfError("LibreOffice 转换超时") from exc
        made = []
        for source, copy in zip(files, inputs, strict=True):
            pdf = work / "out" / f"{copy.stem}.pdf"
            if not pdf.is_file():
                detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["没有输出"]
                raise PdfError(f"LibreOffice 未能转换 {source.name}：{detail[0]}")
            target = source.with_suffix(".pdf")
            target.unlink(missing_ok=True)  # may be a hard link into the previous site (site/reuse.py)
            target.write_bytes(normalise(pdf.read_bytes()))
            made.append(target)
        return made


def convert(files: list[Path], jobs: int = 1) -> list[Path]:
    """Write a PDF beside each Word or Excel file; returns the PDFs. PdfError when one fails."""
    program = soffice()
    if program is None or not files:
        return []
    # LibreOffice's CJK font subsets carry encryption bytes from a random sequence that starts the same
    # in every process and runs on from file to file: a PDF depends on the files converted before it in
    # its process. Batches of a fixed size in a fixed order, whatever the number of cores, keep the
    # output reproducible on any machine.
    ordered = sorted(files)
    batches = [ordered[i:i + PDF_BATCH] for i in range(0, len(ordered), PDF_BATCH)]
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(batches)))) as pool:
        results = list(pool.map(lambda batch: _convert_batch(program, batch), batches))
    return sorted(p for batch in results for p in batch)
