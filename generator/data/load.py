"""Reading data files: bytes → text → data, with every failure returned as a diagnostic.

Loading uses ruamel's C-based parser and a safe constructor that builds only plain dicts, lists,
strings and numbers (generator.data.parser: ruamel's safe loading, without its per-file overheads).
The node tree the parser composes is kept: it gives every diagnostic its line and column without
parsing the file again. Before the composer sees a file, its size is bounded and its nesting
measured (the C composer recurses and would crash on a deeply nested file), and tags, anchors and
aliases are refused: nothing is ever constructed from a tag, and alias bombs cannot expand.

The nesting is measured in two steps. A cheap upper bound, computed without parsing, clears most
files at once. A file it does not clear (or one with a ``!``, ``&`` or ``*``) is decided by a scan of
the parser's event stream, which builds nothing and stops at the first collection deeper than the
limit. The scan must stop there: the parser itself keeps its open collections on a heap stack and
never recurses, but its scanner re-examines every open flow collection at each token, so reading
all of a 100,000-level ``[[[…]]]`` takes a minute (in 20 MB), where stopping at level 65 takes a few
milliseconds. Brackets, dashes and indentation inside texts only raise the bound: they send a file
to the scan, never refuse it.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from generator import held
from generator.data import syntax
from generator.data.bounds import OutOfRange
from generator.data.parser import compose, construct, events
from generator.diagnostics import Diagnostic, FieldPath, make

MAX_BYTES = 256 * 1024  # the largest real table is a few KB; this bounds time as well as memory
MAX_DEPTH = 64

REGION_FILE = "地区.yaml"
UNIT_FILE = "单位.yaml"
YAML_SUFFIXES = (".yaml", ".yml")


def kind_of(path: Path) -> str:
    if path.name == REGION_FILE:
        return "region"
    if path.name == UNIT_FILE:
        return "unit"
    return "project"


def display_path(path: Path) -> str:
    """The path as diagnostics show it: relative to the working directory when below it."""
    if os.name != "nt":  # a check of 10,000 files names each: what pathlib gives, by comparing strings
        text = os.fspath(path)
        if not path.is_absolute():
            return text
        here = os.getcwd().rstrip("/")
        if text == (here or "/"):
            return "."
        return text[len(here) + 1 :] if text.startswith(here + "/") else text
    try:
        return path.absolute().relative_to(_folder(os.getcwd())).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=8)
def _folder(text: str) -> Path:
    """``Path(text)``, made once: a check names 10,000 files relative to the same working directory."""
    return Path(text)


@dataclass
class Document:
    """One successfully parsed data file."""

    path: Path
    display: str
    text: str
    data: dict[str, Any]
    kind: str = field(default="project")
    # The node tree; None for a document remembered by the cache (generator.data.remembered), composed again
    # from the text when a finding needs a position.
    nodes: Any = field(default=None, repr=False, compare=False)
    # Whether the data may hold a number beyond the bounds (generator.data.bounds.OutOfRange); the loader
    # knows, a document made otherwise may.
    out_of_range: bool = field(default=True, repr=False, compare=False)
    _keys: dict[int, dict[Any, tuple[Any, Any]]] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        # The index is keyed by the nodes' ids, which mean nothing in another process.
        return {**self.__dict__, "_keys": {}}

    def _pair(self, node: MappingNode, key: Any) -> tuple[Any, Any] | None:
        """The (key, value) nodes of ``key`` in a mapping, through an index: a file with thousands of
        findings must not cost thousands of scans of thousands of keys."""
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for pair in node.value:
                if isinstance(pair[0], ScalarNode):  # a list or mapping as a key is refused by the loader
                    index.setdefault(pair[0].value, pair)
            self._keys[id(node)] = index
        try:
            return index.get(key)
        except TypeError:  # an unhashable key value (a list used as a key): no such field
            return None

    def node_tree(self) -> Any:
        if self.nodes is None:
            self.nodes = compose(self.text)
            construct(self.nodes)  # as when it was loaded: ruamel moves "<<" merge keys out of the tree
        return self.nodes

    def locate(self, field_path: FieldPath, at_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of a field; the nearest existing ancestor if it is missing."""
        node = self.node_tree()
        # A missing top-level field points at the first field rather than the comment line above it.
        best = _mark(node.value[0][0]) if isinstance(node, MappingNode) and node.value else (0, 0)
        for depth, part in enumerate(field_path):
            last = depth == len(field_path) - 1
            if isinstance(node, MappingNode):
                pair = self._pair(node, part)
                if pair is None:
                    break
                key, node = pair
                scalar = isinstance(node, ScalarNode)
                best = _mark(node) if (last and scalar and not at_key) else _mark(key)
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                best = _mark(node)
            else:
                break
        return best[0] + 1, best[1] + 1

    def diagnostic(self, code: str, field_path: FieldPath = (), at_key: bool = False, **params: object) -> Diagnostic:
        line, column = self.locate(field_path, at_key=at_key)
        return make(code, self.display, line, column, field_path, **params)


def _mark(node: Any) -> tuple[int, int]:
    return node.start_mark.line, node.start_mark.column


LoadResult = Document | Diagnostic


def load(path: Path) -> LoadResult:
    """Read and parse one data file. Never raises for bad content: returns a diagnostic."""
    shown = display_path(path)
    raw = read(path, shown)
    if isinstance(raw, Diagnostic):
        return raw
    return load_bytes(raw, path, shown)


def read(path: Path, shown: str) -> bytes | Diagnostic:
    """The file's bytes, at most MAX_BYTES + 1 of them: a huge file is refused without reading it all.

    A symbolic link (P006) or anything but a regular file (P007) is refused without being opened.
    """
    try:
        with open_regular(path) as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return not_regular(path, shown) or make("Y013", shown, error=exc.strerror or type(exc).__name__)


_SPECIAL_KINDS = (
    (stat.S_ISDIR, "文件夹"),
    (stat.S_ISFIFO, "命名管道"),
    (stat.S_ISSOCK, "套接字"),
    (stat.S_ISCHR, "设备文件"),
    (stat.S_ISBLK, "设备文件"),
)


def special_kind(mode: int) -> str:
    """What a file that is neither a regular file nor a symbolic link is, in P007's words."""
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), "特殊文件")


def not_regular(path: Path, shown: str) -> Diagnostic | None:
    """P006 for a symbolic link, P007 for anything else but a regular file, from the file's own status
    (nothing is opened, no link followed); None for a regular file or one that cannot be examined."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None  # reading it says why
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return make("P006", shown, name=path.name)
    return make("P007", shown, name=path.name, kind=special_kind(mode))


def is_regular(path: Path) -> bool:
    """Whether ``path`` itself (not what a link points to) is a regular file."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


# Should a named pipe or a link take the place of the file between the look at it and the opening,
# the opening still neither waits (for a pipe's writer, forever) nor follows the link, nor makes a
# terminal the controlling one; the opened file is looked at again.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading in binary; OSError, at once, when it is not a regular file, which
    is then not opened at all (a symbolic link is not a regular file: it is not followed)."""
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise OSError(errno.EINVAL, "不是普通文件", str(path))
    fd = os.open(path, _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "不是普通文件", str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_parsed: held.Memo[LoadResult] = held.Memo(512)  # a unit of 100 projects in several years (generator/held.py)


def load_bytes(raw: bytes, path: Path, shown: str) -> LoadResult:
    """``load`` of the bytes ``read`` gave. A process that keeps results (``jixiao serve``) parses a file
    again only when its bytes changed (a refusal is worked out anew: it is rare, and cheap)."""
    if len(raw) > MAX_BYTES:
        return make("Y009", shown, size=_size(path, len(raw)), limit=MAX_BYTES)
    return _parsed.get((path, shown, raw), lambda: _load_bytes(raw, path, shown), lambda r: isinstance(r, Document))


def _load_bytes(raw: bytes, path: Path, shown: str) -> LoadResult:
    text_or_problem = decode(raw, shown)
    if isinstance(text_or_problem, Diagnostic):
        return text_or_problem
    return parse(text_or_problem, path, shown)


def _size(path: Path, read: int) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return read


_FOREIGN_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def decode(raw: bytes, shown: str) -> str | Diagnostic:
    if len(raw) > MAX_BYTES:
        return make("Y009", shown, size=len(raw), limit=MAX_BYTES)
    for bom, name in _FOREIGN_BOMS.items():
        if raw.startswith(bom):
            return make("Y001", shown, encoding=name)
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not raw.strip():
        return make("Y003", shown)
    nul = raw.find(b"\x00")
    if nul >= 0:
        return make("Y002", shown, offset=nul + 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return make("Y001", shown, line, 1, encoding=_guess_encoding(raw))


def _guess_encoding(raw: bytes) -> str:
    for codec, name in (("gb18030", "GBK（GB18030）"), ("big5", "Big5")):
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return name
    return "未知编码"


_INDENT = re.compile(r"^[ \t]*(?:[-?][ \t]+)*", re.MULTILINE)
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_bound(text: str) -> int:
    """An upper bound of the nesting depth, computed without parsing.

    Block nesting needs at least one column of indentation or one "- " per level; flow nesting
    needs one bracket per level. Brackets inside texts, and indentation inside a block of text,
    only make the bound larger.
    """
    block = max(map(len, _INDENT.findall(text)), default=0)
    depth = flow = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group(0) in "[{" else -1
        flow = max(flow, depth)
    return block + flow


def _scan_events(text: str, shown: str) -> Diagnostic | None:
    """Refuse nesting deeper than MAX_DEPTH, tags, anchors and aliases, from the parser's event stream
    (nothing is built). Stops at the first refusal: reading on would cost time without limit."""
    depth = 0
    for event in events(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return _at(event, "Y010", shown, limit=MAX_DEPTH)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        if isinstance(event, AliasEvent):
            return _at(event, "Y008", shown)
        if isinstance(event, NodeEvent) and event.anchor:
            return _at(event, "Y008", shown)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.tag:
            return _at(event, "Y007", shown, tag=event.tag.replace("tag:yaml.org,2002:", "!!"))
    return None


def _at(event: Any, code: str, shown: str, **params: object) -> Diagnostic:
    mark = event.start_mark
    return make(code, shown, mark.line + 1, mark.column + 1, (), **params)


def screen(text: str, shown: str) -> Diagnostic | None:
    """Why ``text`` is refused before it is composed (too deep; a tag, an anchor or an alias), or None.

    Raises the parser's error when the scan meets one.
    """
    if nesting_bound(text) > MAX_DEPTH or any(c in text for c in "!&*"):  # the scan decides
        return _scan_events(text, shown)
    return None


def parse(text: str, path: Path, shown: str | None = None) -> LoadResult:
    shown = shown if shown is not None else display_path(path)
    try:
        problem = screen(text, shown)
        if problem is not None:
            return problem
        # Compose once: the node tree gives positions, the constructor builds the data from it.
        nodes = compose(text)
        made = OutOfRange.made
        data = construct(nodes) if nodes is not None else None
    except MarkedYAMLError as exc:
        return translate_yaml_error(exc, text, shown)
    except YAMLError as exc:
        return make("Y004", shown, problem=syntax.problem_text(str(exc)))
    except RecursionError:
        return make("Y010", shown, limit=MAX_DEPTH)
    except TypeError:  # a list or mapping used as a key ("? - x"): the constructor cannot hash it
        return make("Y004", shown, problem="字段名只能是文字，不能是列表或表")
    if data is None:
        return make("Y003", shown)
    if not isinstance(data, dict):
        kind = "列表" if isinstance(data, list) else "一段文字或数字"
        return make("Y011", shown, kind=kind)
    return Document(
        path=path, display=shown, text=text, data=data, kind=kind_of(path), nodes=nodes, out_of_range=OutOfRange.made != made
    )


def translate_yaml_error(exc: MarkedYAMLError, text: str, shown: str) -> Diagnostic:
    """The parser's refusal as a diagnostic at the place to fix (generator.data.syntax)."""
    return syntax.diagnose(exc, text, shown)


Made = TypeVar("Made")


class by_content(Generic[Made]):  # a decorator, named as one
    """``function(path, its bytes)`` (None when the file cannot be read), worked out once per process for
    each content of the file: what a file says (a region's 地区.yaml, a layout) is read once, and read anew
    when it was edited while ``jixiao serve`` runs. The bytes are read at each call, at most
    MAX_BYTES + 1 of them, never through a link or from a named pipe (open_regular);
    the last 64 contents are kept (a few regions and their layouts)."""

    def __init__(self, function: Callable[[Path, bytes | None], Made]) -> None:
        self.made = functools.lru_cache(maxsize=64)(function)
        functools.update_wrapper(self, function)

    def __call__(self, path: Path) -> Made:
        try:
            with open_regular(path) as handle:
                raw: bytes | None = handle.read(MAX_BYTES + 1)
        except OSError:
            raw = None
        return self.made(path, raw)

    def cache_clear(self) -> None:
        self.made.cache_clear()
