"""A strict, small YAML dialect for clerks' files.

Why not plain ``yaml.safe_load``: YAML 1.1 guesses types (``no`` → False, ``001`` → 1,
``1:20`` → 80, ``2026-03-01`` → a date object), silently keeps the last of two equal keys,
and expands aliases (a "billion laughs" file fits in a few hundred bytes). Here every plain
scalar stays text except ``null``/``~``/empty (→ None); fields are typed later by the form
that reads them, with messages naming the field. Aliases, duplicate keys, non-text keys and
files over ``MAX_BYTES`` are refused. Anything wrong ends as :class:`InputError`, never as
another exception.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode

from ..inputs.yaml_bounded import BoundedLoaderMixin
from .errors import InputError

MAX_BYTES = 20 * 1024 * 1024


class _StrictLoader(BoundedLoaderMixin, yaml.SafeLoader):
    """SafeLoader with text-only implicit typing, no aliases and no duplicate keys."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError("while reading", None, "aliases (*name) are not allowed",
                                       event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        if not isinstance(node, MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(None, None, "merge keys (<<) are not allowed",
                                                        key_node.start_mark)
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(None, None, "keys must be text",
                                                        key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"key {key!r} appears twice",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=True)


_StrictLoader.yaml_implicit_resolvers = {}
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                                    ["~", "n", "N", ""])
_StrictLoader.yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)  # own copy, then trim
for _tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", "tag:yaml.org,2002:set",
             "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs"):
    del _StrictLoader.yaml_constructors[_tag]
for _tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"):
    # explicit !!int / !!float / !!bool stay text too (PyYAML's own converters crash on '')
    _StrictLoader.yaml_constructors[_tag] = yaml.SafeLoader.construct_yaml_str


def _plain(value: Any) -> Any:
    """Plain containers of text (defensive: the loader already yields only these)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_yaml(data: bytes, file: str) -> dict[str, Any]:
    """The top-level mapping of a YAML document, or InputError naming the line."""
    if len(data) > MAX_BYTES:
        raise InputError.one(file, "", f"文件过大 / file is {len(data)} bytes; the limit is {MAX_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:  # Windows editors in China save ANSI = GBK/GB18030
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError.one(file, f"byte {exc.start}", "文件编码既不是 UTF-8 也不是 GB18030/GBK，请另存为 UTF-8 / "
                                 "not valid UTF-8 or GB18030 (save the file as UTF-8)") from None
    if "\x00" in text:
        raise InputError.one(file, "", "含有 NUL 字符，不是文本文件 / contains a NUL character; not a text file")
    try:
        docs = list(yaml.load_all(text, Loader=_StrictLoader))  # noqa: S506 - strict safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError.one(file, where, f"文件格式有误（YAML）：{exc.problem or exc.context} / not valid YAML") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, IndexError, KeyError, AttributeError,
            OverflowError) as exc:  # the last four: PyYAML bugs on odd input, still the input's fault
        raise InputError.one(file, "", f"文件格式有误（YAML）/ not valid YAML: {type(exc).__name__}: {str(exc)[:200]}") from None
    if len(docs) != 1:
        raise InputError.one(file, "", f"文件中应只有一个 YAML 文档，实际有 {len(docs)} 个 / expected one YAML document, found {len(docs)}")
    doc = _plain(docs[0])
    if not isinstance(doc, dict):
        raise InputError.one(file, "", "文件须以“kind: 类型”开头 / the file must be a mapping starting with 'kind: ...'")
    return doc
