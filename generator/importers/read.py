"""Open a source file of any supported format, or explain why it cannot be read.

The format is decided by the content, not only the file name: a .docx or .xlsx is a zip with the
right part inside, old Word/Excel files (.doc/.xls) are recognised and refused with a hint, and a
binary file named .txt is not read as text. Size limits bound both the file and, for zips, what it
unpacks to, so a hostile file costs little. Nothing here raises for bad content.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from generator.data.load import display_path
from generator.importers.source import Source

MAX_TEXT_BYTES = 8 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PART_BYTES = 32 * 1024 * 1024  # one part (the document, a sheet): parsing it takes ~20 s and ~600 MB
MAX_XML_BYTES = 64 * 1024 * 1024  # all the parts that are parsed (images are only carried)
MAX_ZIP_ENTRIES = 5000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
KIND_NAMES = {"docx": "Word", "xlsx": "Excel"}


def _decode(raw: bytes, source: Source) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            source.report("I002", None, kind="文本", problem="UTF-16 编码有误")
            return None
    if b"\x00" in raw[:8192]:
        source.report("I001", None, problem="文件中有二进制内容，不是文字")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        source.report("I001", None, problem="文字编码无法识别（不是 UTF-8，也不是 GBK）")
        return None
    source.guessed_encoding = "GBK（GB18030）"
    source.report("I005", None, encoding=source.guessed_encoding)
    return text


def _zip_kind(raw: bytes, source: Source, wanted: str | None) -> str | None:
    """ "docx" or "xlsx" for a sound zip of that kind; otherwise report and return None."""
    try:
        archive = zipfile.ZipFile(BytesIO(raw))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as exc:  # zipfile raises BadZipFile, NotImplementedError, EOFError, struct.error… on damage
        source.report(
            "I002",
            None,
            kind=KIND_NAMES.get(wanted or "", "压缩"),
            problem=f"不是完整的 zip 文件（{type(exc).__name__}: {str(exc)[:80]}）",
        )
        return None
    # The sizes are the ones the archive declares; zipfile never unpacks a part beyond its declared
    # size (it stops and fails the CRC check), so refusing here bounds what openpyxl and python-docx see.
    largest = max((info.file_size for info in archive.infolist()), default=0)
    xml = sum(info.file_size for info in archive.infolist() if info.filename.endswith((".xml", ".rels")))
    if len(names) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES or largest > MAX_PART_BYTES or xml > MAX_XML_BYTES:
        source.report(
            "I004",
            None,
            size=f"解压后 {unpacked} 字节（其中 XML {xml} 字节，最大的部件 {largest} 字节）、{len(names)} 个部件",
            limit=f"超过上限（共 {MAX_UNPACKED_BYTES} 字节，XML 共 {MAX_XML_BYTES} 字节，"
            f"每个部件 {MAX_PART_BYTES} 字节，{MAX_ZIP_ENTRIES} 个部件）",
        )
        return None
    for kind, part in ZIP_PARTS.items():
        if part in names:
            return kind
    source.report("I001", None, problem="是 zip 压缩包，但不是 Word（.docx）或 Excel（.xlsx）文件")
    return None


def read_source(path: Path) -> Source:
    """The file in the neutral representation; problems are in ``source.diagnostics``."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
        raw = b"" if size > MAX_FILE_BYTES else path.read_bytes()  # a huge file is refused unread
    except OSError as exc:
        source = Source(path=path, shown=shown, kind="text")
        source.report("Y013", None, error=exc.strerror or type(exc).__name__)
        return source
    if size > MAX_FILE_BYTES:
        source = Source(path=path, shown=shown, kind="text")
        source.report("I004", None, size=f"文件 {size} 字节", limit=f"超过上限 {MAX_FILE_BYTES} 字节")
        return source
    return read_bytes(raw, path, shown)


def read_bytes(raw: bytes, path: Path, shown: str) -> Source:
    """The content of a file named ``path``, already read (the fuzzers call this directly)."""
    source = Source(path=path, shown=shown, kind="text")
    suffix = path.suffix.lower()
    if not raw.strip():
        source.report("I003", None)
        return source
    if len(raw) > MAX_FILE_BYTES:
        source.report("I004", None, size=f"文件 {len(raw)} 字节", limit=f"超过上限 {MAX_FILE_BYTES} 字节")
        return source
    if raw.startswith(OLE_MAGIC):
        source.report("I001", None, problem="是旧版 Word/Excel 文件（.doc/.xls）；请在 Word/WPS/Excel 中另存为 .docx 或 .xlsx")
        return source
    if raw.startswith(b"PK"):
        kind = _zip_kind(raw, source, suffix.lstrip(".") if suffix in (".docx", ".xlsx") else None)
        return _read_zip(kind, raw, path, shown, source) if kind else source
    if suffix in (".docx", ".xlsx", ".xlsm"):
        source.report(
            "I002",
            None,
            kind=KIND_NAMES.get(suffix[1:5], "Office"),
            problem="文件内容不是 zip 压缩包（可能已损坏，或扩展名不对）",
        )
        return source
    if len(raw) > MAX_TEXT_BYTES:
        source.report("I004", None, size=f"文本 {len(raw)} 字节", limit=f"超过上限 {MAX_TEXT_BYTES} 字节")
        return source
    text = _decode(raw, source)
    if text is None:
        return source
    from generator.importers.text import read_text

    read = read_text(text, path, shown)
    read.diagnostics = source.diagnostics + read.diagnostics
    read.guessed_encoding = source.guessed_encoding
    return read


def _read_zip(kind: str, raw: bytes, path: Path, shown: str, source: Source) -> Source:
    try:
        if kind == "docx":
            from generator.importers.docx import read_docx

            read = read_docx(raw, path, shown)
        else:
            from generator.importers.xlsx import read_xlsx

            read = read_xlsx(raw, path, shown)
    except Exception as exc:  # a damaged part can raise almost anything inside python-docx or openpyxl
        source.report("I002", None, kind=KIND_NAMES[kind], problem=f"{type(exc).__name__}: {str(exc)[:80]}")
        return source
    read.diagnostics = source.diagnostics + read.diagnostics
    return read
