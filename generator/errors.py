"""The one root of every failure a user can cause or meet while a command runs.

Findings about the data are diagnostics (generator.diagnostics): a command collects them all and
decides once. What stops a command instead (a wrong argument, a full disk, a folder it may not
write, a port in use, a broken layout, a missing tool) is a ``JixiaoError``: a stable code from the
catalogue (family R), a message and a hint in Chinese, and the exit status. The command line
prints it as ``错误 [R002]：…`` with its hint and exits; it never shows a traceback for it.

``from_os_error`` turns what the operating system says (``OSError``) into one, by its errno, naming
the file; the command line applies it to any ``OSError`` that reaches it.
"""

from __future__ import annotations

import errno
import os

from generator.diagnostics.catalogue import CATALOGUE


class JixiaoError(Exception):
    """A failure told to the user: ``code`` (catalogue family R), a Chinese message, a hint, an exit status."""

    code = "R005"
    status = 2

    def __init__(self, message: str, hint: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.hint = CATALOGUE[self.code].hint if hint is None else hint

    def show(self) -> str:
        """The lines the command line prints."""
        lines = [f"错误 [{self.code}]：{self.message}"]
        if self.hint:
            lines.append(f"提示：{self.hint}")
        return "\n".join(lines)


class UsageError(JixiaoError):
    """A mistake in how the command was called: an option, a path that does not exist."""

    code = "R001"


class ToolError(JixiaoError):
    """A program jixiao needs (git, LibreOffice) is missing or failed."""

    code = "R009"


class BuildError(JixiaoError):
    """The data passed the check but cannot be published (its layout is broken, it changed meanwhile)."""

    code = "R008"
    status = 1


class SiteError(BuildError):
    """The website could not be made (mkdocs or the search index failed)."""

    code = "R007"


_BY_ERRNO = {
    errno.ENOSPC: "R002",
    errno.EDQUOT: "R002",
    errno.EFBIG: "R002",
    errno.EACCES: "R003",
    errno.EPERM: "R003",
    errno.EROFS: "R003",
    errno.EADDRINUSE: "R004",
    errno.EADDRNOTAVAIL: "R004",
}


_WRITING = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


class Interrupted(JixiaoError):
    """Ctrl-C: the status a shell gives a command it stopped so (128 + SIGINT)."""

    status = 130


def stopped(exc: BaseException, command: str, doing: str) -> JixiaoError | None:
    """What the command line says of ``exc``, which stopped ``jixiao command`` while ``doing``: a JixiaoError
    as it is, an OSError by its errno, no memory left, Ctrl-C; None for anything else (a fault of jixiao's)."""
    if isinstance(exc, JixiaoError):
        return exc
    if isinstance(exc, OSError):
        return from_os_error(exc, doing)
    if isinstance(exc, MemoryError):
        return JixiaoError(f"运行 jixiao {command} 时内存不足", code="R006")
    if isinstance(exc, KeyboardInterrupt):
        return Interrupted(f"jixiao {command} 已中断", code="R011")
    return None


def from_os_error(exc: OSError, doing: str = "") -> JixiaoError:
    """What the operating system said, as a coded error naming the file (and what was being done)."""
    code = _BY_ERRNO.get(exc.errno or 0, "R005")
    # Of a copy's two files (source, target), the target is the one a full disk or read-only folder refuses.
    named = exc.filename2 if exc.filename2 is not None and exc.errno in _WRITING else exc.filename
    where = os.fsdecode(named) if isinstance(named, (str, bytes, os.PathLike)) else ""
    subject = f"“{where}”" if where else ""
    reason = exc.strerror or type(exc).__name__
    title = CATALOGUE[code].title
    message = CATALOGUE[code].message.format(doing=doing or "读写文件", path=subject, reason=reason, title=title)
    return JixiaoError(message, code=code)
