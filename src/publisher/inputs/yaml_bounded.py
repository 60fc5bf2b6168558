"""A bounded YAML loader for every YAML input (clerks' files, the draw spec).

A "billion laughs" file is a few hundred bytes of anchors and aliases that expand to gigabytes;
a deeply nested one exhausts the stack. Refusing aliases makes expansion impossible, and the
depth and size caps bound everything else. Used by ``add`` (workflow.yaml_input, text-only
typing) and ``draw commit`` (SafeLoader typing: counts stay numbers).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent

from .limits import LimitError

MAX_YAML_BYTES = 20 * 1024 * 1024
MAX_YAML_DEPTH = 64


class BoundedLoaderMixin:
    """For a PyYAML loader: no aliases (a billion laughs needs them), bounded depth, no
    duplicate or merge keys."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            ev = self.peek_event()  # type: ignore[attr-defined]
            raise yaml.MarkedYAMLError("while reading", None, "aliases (*name) are not allowed", ev.start_mark)
        ev = self.peek_event()  # type: ignore[attr-defined]
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.MarkedYAMLError("while reading", None,
                                           f"nested more than {MAX_YAML_DEPTH} levels deep", ev.start_mark)
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: set = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(None, None, "merge keys (<<) are not allowed",
                                                        key_node.start_mark)
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            try:
                dup = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "keys must be text or numbers",
                                                        key_node.start_mark) from None
            if dup:
                raise yaml.constructor.ConstructorError(None, None, f"key {key!r} appears twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class BoundedSafeLoader(BoundedLoaderMixin, yaml.SafeLoader):
    """yaml.SafeLoader's typing (numbers stay numbers), with the bounds above."""


def load_yaml_bounded(data: bytes, file: str) -> Any:
    """One YAML document with SafeLoader typing; LimitError naming the file and line otherwise."""
    if len(data) > MAX_YAML_BYTES:
        raise LimitError(f"{file}: {len(data)} bytes; the limit is {MAX_YAML_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LimitError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=BoundedSafeLoader)  # noqa: S506 - bounded safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LimitError(f"{file}{line}: {problem}") from None
    except RecursionError:
        raise LimitError(f"{file}: nested more than {MAX_YAML_DEPTH} levels deep") from None


