"""``jixiao serve``: build the site, serve it on this computer, rebuild when a data file changes.

The data folder is watched with watchdog (inotify, FSEvents, ReadDirectoryChangesW: mkdocs needs it
too): a save wakes the loop at once, which then compares the data files' names, sizes and times with
the last build's, and a change triggers ``jixiao build`` again (a failed check leaves the last good
site in place and prints the report). The same comparison also runs on a timer, in case the system
tells of no change (a network drive, a folder shared into a virtual machine): every second while it
is cheap, and for a large data folder (10,000 files take 0.2 s to list) rarely enough to use at most
a twentieth of the computer's time. Pages served by the preview carry a few lines of script that ask
the preview to answer once the site has changed (a request held until a rebuild, or 20 seconds), and
reload then; the built site itself has none of it.

A request for a path no file can have (a NUL byte, bytes that are not UTF-8) is answered 400, one
that climbs out of a folder ("..") 404, and a folder without index.html 404: the preview lists no
folder, and no request makes it fail with a traceback. A 404 shows the site's own 404 page (404.html),
as a web host serving the site would.
"""

from __future__ import annotations

import http.server
import os
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.data.tree import walk

VERSION_PATH = "/.jixiao-preview-version"
WAIT = 20.0  # seconds a request for the version is held while the site does not change
SETTLE = 0.1  # seconds to let a save finish (an editor writes a temporary file, then renames it) before looking
SHARE = 20  # the timer's comparison takes at most a twentieth of the time between two of them


def reload_script(version: int) -> bytes:
    """The script the preview adds to a page served at ``version``: it asks for the site's version, naming its
    own; the answer comes once they differ (or after WAIT seconds), and the page reloads if they do. When the
    preview has stopped, it asks again a second later. (The version is read before the page: a rebuild in
    between makes the page reload once more, never miss a change.)"""
    return (
        b"<script>(function(){var v='" + str(version).encode() + b"';function ask(){fetch('" + VERSION_PATH.encode() + b"?v='+v,"
        b"{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(t!==v)location.reload();else ask()})"
        b".catch(function(){setTimeout(ask,1000)})}ask()})();</script>"
    )


def snapshot(data: Path) -> tuple[tuple[str, int, int], ...]:
    """What a rebuild depends on: every data file's name, size and modification time."""
    out = []
    for path in walk(data) if data.is_dir() else [data]:
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


class State:
    """The site's version: how many rebuilds have changed it since the preview started. A request for it
    that names the version its page has waits (``wait_past``) until a rebuild changes it (``bump``)."""

    def __init__(self) -> None:
        self.version = 0
        self.closed = False
        self.changed = threading.Condition()

    def bump(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def wait_past(self, known: str, timeout: float) -> int:
        """The version, once it is not ``known`` (at once when it is not), or after ``timeout`` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or str(self.version) != known, timeout)
            return self.version


class Watcher:
    """Wakes the loop when anything below the data folder changes (watchdog's observer for this system);
    without one (the system refuses: too many folders watched, say), only the timer does."""

    def __init__(self, data: Path) -> None:
        self.event = threading.Event()
        self.observer: Any = None
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer

            event = self.event

            class Wake(FileSystemEventHandler):
                def on_any_event(self, happened: FileSystemEvent) -> None:
                    event.set()

            observer = Observer()
            folder = data if data.is_dir() else data.parent
            observer.schedule(Wake(), str(folder), recursive=data.is_dir())
            observer.daemon = True
            observer.start()
            self.observer = observer
        except (ImportError, OSError):  # the timer still finds every change, only later
            self.observer = None

    @property
    def working(self) -> bool:
        return self.observer is not None and self.observer.is_alive()

    def wait(self, timeout: float) -> None:
        """Until something changes (and SETTLE seconds more), or ``timeout`` seconds; then clear the event."""
        if self.event.wait(timeout):
            time.sleep(SETTLE)
        self.event.clear()

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)


class Server(http.server.ThreadingHTTPServer):
    """The preview's server. A reader who left (closed a page whose request for the version was held, stopped
    a download) is no error: the answer finds no one, and nothing is printed. Anything else is reported as
    the base class does."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def refusal(request_path: str) -> int | None:
    """The status that refuses a request for ``request_path`` (its query and fragment ignored), or None."""
    raw = urllib.parse.unquote_to_bytes(request_path.split("?", 1)[0].split("#", 1)[0])
    if b"\x00" in raw:
        return 400
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # also an encoded surrogate, which no file name can hold
        return 400
    return 404 if ".." in text.replace("\\", "/").split("/") else None


def handler(site: Path, state: State) -> type[http.server.SimpleHTTPRequestHandler]:
    class Preview(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(site), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            if not self._refused():
                super().do_HEAD()

        def do_GET(self) -> None:
            if self._refused():
                return
            if self.path.split("?", 1)[0] == VERSION_PATH:
                known = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("v", [""])[0]
                version = state.wait_past(known, WAIT) if known else state.version
                self._send(str(version).encode(), "text/plain; charset=utf-8")
                return
            path = Path(self.translate_path(self.path))
            page = path / "index.html" if path.is_dir() else path
            if page.suffix == ".html" and page.is_file() and (self.path.endswith("/") or not path.is_dir()):
                version = state.version
                body = page.read_bytes()
                self._send(body.replace(b"</body>", reload_script(version) + b"</body>", 1), "text/html; charset=utf-8")
                return
            super().do_GET()

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            missing = site / "404.html"
            if code != 404 or not missing.is_file():
                super().send_error(code, message, explain)
                return
            body = missing.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _refused(self) -> bool:
            status = refusal(self.path)
            if status is not None:
                self.send_error(status)
            return status is not None

        def list_directory(self, path: str | os.PathLike[str]) -> None:
            self.send_error(404)  # a folder without index.html: the preview shows no listing
            return None

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Preview


def serve(
    data: Path,
    site: Path,
    rebuild: Callable[[], bool],
    host: str,
    port: int,
    say: Callable[[str], None],
    interval: float = 1.0,
    rounds: int | None = None,
) -> None:
    """Serve ``site`` until interrupted (or for ``rounds`` looks at the data, in tests), rebuilding on changes.
    ``interval``: the seconds between two comparisons made on the timer, at least."""
    state = State()
    server = Server((host, port), handler(site, state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    watcher = Watcher(data)
    say(f"预览：http://{host}:{server.server_address[1]}/ （按 Ctrl+C 停止；数据文件改动后自动重新生成）")
    seen, every = _look(data, interval)
    try:
        n = 0
        while rounds is None or n < rounds:
            n += 1
            watcher.wait(every if watcher.working else interval)
            now, every = _look(data, interval)
            if now != seen:
                seen = now
                say("数据有改动，重新生成……")
                if rebuild():
                    state.bump()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        state.close()
        server.shutdown()
        server.server_close()


def _look(data: Path, interval: float) -> tuple[tuple[tuple[str, int, int], ...], float]:
    """The data's snapshot, and the seconds until the timer looks again when the watcher wakes the loop on
    changes: at least ``interval``, and SHARE times what this look took."""
    started = time.perf_counter()
    now = snapshot(data)
    return now, max(interval, SHARE * (time.perf_counter() - started))
