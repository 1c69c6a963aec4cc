"""YAML text → node tree → data, as ruamel's safe loader does it, without its per-file overheads.

Loading is most of the time of a check: at 10,000 files, ruamel's own ``YAML.compose`` and
``SafeConstructor`` cost about 1.4 ms a file. Most of it is not parsing, which is C code: every
``compose`` defines a new loader class, every plain scalar is matched against lazily compiled
patterns and gets a new ``Tag``, and the constructor handles every node through its generic,
recursion-tracking, generator-deferring machinery. Here

* the C parser's loader class is made once, with the same parser, constructor and resolver;
* the resolver is ``BaseResolver.resolve`` with its patterns compiled (same patterns, same order);
* a plain document (text keys, no key twice, only the tags the resolver gives) is built directly,
  calling the table constructor's own functions for numbers, dates, booleans and nulls. Anything
  else (a ``<<`` merge key, a repeated key, a number or list as a key, an error) is handed to
  ruamel's constructor, so it is read or reported exactly as before.

tests/test_compose.py checks that nodes and data are the same as ruamel's, value for value and type
for type, on every example, sample and fuzzing seed file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import main as ruamel_main
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver, VersionedResolver, implicit_resolvers
from ruamel.yaml.tag import Tag

from generator.data.bounds import OutOfRange, is_number_text, within

_DECIMAL = re.compile(r"[-+]?[1-9][0-9]*")


class TableConstructor(SafeConstructor):
    """Safe constructor for table data: exact decimals for money, dates kept as written, and a number
    beyond the declared bounds (generator.data.bounds) kept as the text it was written as."""

    def construct_yaml_decimal(self, node: Any) -> Decimal | str:
        written = self.construct_scalar(node)
        text = written.replace("_", "")
        try:
            number = Decimal(text)  # exact, and cheap even for 5e999999999 (its digits are not expanded)
        except InvalidOperation:
            return str(text)  # .inf / .nan: left as text so the schema reports "not a number"
        if not number.is_finite():
            return str(text)
        return number if within(number) else OutOfRange(written)

    def construct_yaml_int_or_text(self, node: Any) -> int | str:
        """An integer; text where the resolver's pattern admits what int() cannot read (``-_``, ``0x_``)."""
        text = self.construct_scalar(node)
        try:
            # _DECIMAL: what ruamel reads as int(text), in YAML 1.1 and 1.2 alike
            number = int(text) if _DECIMAL.fullmatch(text) else int(super().construct_yaml_int(node))
        except ValueError:  # also for more digits than int() reads (sys.get_int_max_str_digits)
            return OutOfRange(text) if is_number_text(text) else str(text)
        return number if within(number) else OutOfRange(text)

    def construct_yaml_timestamp_as_text(self, node: Any, values: Any = None) -> str:
        return str(self.construct_scalar(node))


TableConstructor.add_constructor("tag:yaml.org,2002:float", TableConstructor.construct_yaml_decimal)
TableConstructor.add_constructor("tag:yaml.org,2002:int", TableConstructor.construct_yaml_int_or_text)
TableConstructor.add_constructor("tag:yaml.org,2002:timestamp", TableConstructor.construct_yaml_timestamp_as_text)


class TableResolver(VersionedResolver):
    """YAML 1.2 plain-scalar rules without the version bookkeeping (the loader's hot path).

    The 1.1 relics ``=`` (the "value" tag) and ``!``/``&``/``*`` are left out, so a bare ``=``
    in the 指标值类型 column is the text "=", as an editor means it.
    """

    resolve = BaseResolver.resolve


for _versions, _tag, _regexp, _first in implicit_resolvers:
    if (1, 2) in _versions and _tag.rsplit(":", 1)[-1] not in ("value", "yaml"):
        TableResolver.add_implicit_resolver_base(_tag, _regexp, _first)


def _table_yaml() -> YAML:
    yaml = YAML(typ="safe")  # picks the C parser when ruamel.yaml.clib is installed
    yaml.Constructor = TableConstructor
    yaml.Resolver = TableResolver
    return yaml


TABLE_YAML = _table_yaml()

# The first character of a plain scalar → the patterns that may match it, each with its tag, in the
# resolver's order; ``match`` is taken from the compiled pattern (ruamel keeps it behind a lazy proxy).
# One Tag object per tag, as ruamel does for text, lists and mappings: a Tag computes its name once.
_TAGS = {tag: Tag(suffix=tag) for patterns in TableResolver.yaml_implicit_resolvers.values() for tag, _ in patterns}
_PATTERNS: dict[Any, list[tuple[Tag, Any]]] = {
    first: [(_TAGS[tag], regexp.match) for tag, regexp in patterns]
    for first, patterns in TableResolver.yaml_implicit_resolvers.items()
}
# What _resolve leaves out; should a version of ruamel have either, its own resolve is used.
_PLAIN_PATTERNS = None not in _PATTERNS and not TableResolver.yaml_path_resolvers


def _resolve(self: Any, kind: Any, value: Any, implicit: Any) -> Any:
    """``BaseResolver.resolve`` for the table resolver, whose patterns all have a first character and
    which has no path resolvers."""
    if kind is ScalarNode:
        if implicit[0]:
            for tag, match in _PATTERNS.get(value[:1], ()):
                if match(value):
                    return tag
        return BaseResolver.DEFAULT_SCALAR_TAG
    if kind is MappingNode:
        return BaseResolver.DEFAULT_MAPPING_TAG
    if kind is SequenceNode:
        return BaseResolver.DEFAULT_SEQUENCE_TAG
    return None


def _loader_class() -> Any:
    """What ``YAML.compose`` defines anew for every document (``XLoader`` in ruamel.yaml.main), made once;
    None without the C parser."""
    parser = TABLE_YAML.Parser
    if parser is None or parser is not getattr(ruamel_main, "CParser", None):
        return None

    class Loader(parser, TableConstructor, TableResolver):  # type: ignore[misc,valid-type]
        resolve = _resolve if _PLAIN_PATTERNS else BaseResolver.resolve

        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            self._parser = self._composer = self
            TableConstructor.__init__(self, loader=self)
            self.allow_duplicate_keys = TABLE_YAML.allow_duplicate_keys
            TableResolver.__init__(self, version=TABLE_YAML.version, loadumper=self)

    return Loader


_LOADER = _loader_class()


def compose(text: str) -> Any:
    """The node tree of the first document of ``text`` (None when there is none); errors as ruamel's."""
    if _LOADER is None:
        return TABLE_YAML.compose(text)
    loader = _LOADER(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def construct(nodes: Any) -> Any:
    """The data of a node tree, exactly as ``TableConstructor.construct_document`` makes it."""
    constructor = TableConstructor(loader=TABLE_YAML)
    try:
        return _plain(nodes, constructor)
    except Exception:  # anything unusual, errors included, is ruamel's to read or to report
        return TableConstructor(loader=TABLE_YAML).construct_document(nodes)


class _Unusual(Exception):
    """Not a plain document: ruamel's constructor builds it."""


_STR = "tag:yaml.org,2002:str"
_STR_TAG = BaseResolver.DEFAULT_SCALAR_TAG  # the tag object of every text the resolver gives
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALARS = {
    f"tag:yaml.org,2002:{name}": TableConstructor.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("int", "float", "bool", "null", "timestamp")
}


def _plain(node: Any, constructor: TableConstructor) -> Any:
    kind = type(node)
    if kind is ScalarNode:
        if node.ctag is _STR_TAG:
            return node.value
        tag = node.tag
        if tag == _STR:
            return node.value
        return _SCALARS[tag](constructor, node)  # KeyError for any other tag: unusual
    if kind is MappingNode and node.tag == _MAP:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if (
                type(key_node) is not ScalarNode
                or key_node.value in mapping
                or (key_node.ctag is not _STR_TAG and key_node.tag != _STR)
            ):
                raise _Unusual  # "<<" merges, keys that are not text, and repeated keys
            mapping[key_node.value] = _plain(value_node, constructor)
        return mapping
    if kind is SequenceNode and node.tag == _SEQ:
        return [_plain(item, constructor) for item in node.value]
    raise _Unusual


def events(text: str) -> Iterator[Any]:
    """The parser's events for ``text``, as ``TABLE_YAML.parse`` gives them, through the loader class made
    once (``parse`` defines a class and remembers a document record at every call)."""
    if _LOADER is None:
        yield from TABLE_YAML.parse(text)
        return
    parser = _LOADER(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()
