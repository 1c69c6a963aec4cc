"""``jixiao serve``: build the site, serve it on this computer, rebuild when a data file changes.

A small loop instead of a file-watching library: every second the data files' sizes and times are
compared with the last build, and a change triggers ``jixiao build`` again (a failed check leaves
the last good site in place and prints the report). Pages served by the preview carry a few lines
of script that reload the page after a rebuild; the built site itself has none of it.

A request for a path no file can have (a NUL byte, bytes that are not UTF-8) is answered 400, one
that climbs out of a folder ("..") 404, and a folder without index.html 404: the preview lists no
folder, and no request makes it fail with a traceback. A 404 shows the site's own 404 page (404.html),
as a web host serving the site would.
"""

from __future__ import annotations

import http.server
import os
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from generator.data.tree import walk

VERSION_PATH = "/.jixiao-preview-version"
RELOAD = (
    b"<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH.encode() + b"',"
    b"{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v)"
    b"location.reload();v=t}).catch(function(){})},1000)})();</script>"
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
    def __init__(self) -> None:
        self.version = 0
        self.lock = threading.Lock()


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
            if self.path == VERSION_PATH:
                self._send(str(state.version).encode(), "text/plain; charset=utf-8")
                return
            path = Path(self.translate_path(self.path))
            page = path / "index.html" if path.is_dir() else path
            if page.suffix == ".html" and page.is_file() and (self.path.endswith("/") or not path.is_dir()):
                body = page.read_bytes()
                self._send(body.replace(b"</body>", RELOAD + b"</body>", 1), "text/html; charset=utf-8")
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
    """Serve ``site`` until interrupted (or for ``rounds`` checks, in tests), rebuilding on changes."""
    state = State()
    server = http.server.ThreadingHTTPServer((host, port), handler(site, state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    say(f"预览：http://{host}:{server.server_address[1]}/ （按 Ctrl+C 停止；数据文件改动后自动重新生成）")
    seen = snapshot(data)
    try:
        n = 0
        while rounds is None or n < rounds:
            n += 1
            time.sleep(interval)
            now = snapshot(data)
            if now != seen:
                seen = now
                say("数据有改动，重新生成……")
                if rebuild():
                    state.version += 1
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
