"""JSON Schema validation of entry bodies, one schema file per entry type.

Schemas ship in the package (``core/schemas/<type>.schema.json``) and are published on the
site, so any verifier refuses unknown types and unknown fields the same way.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator


def schema_names() -> list[str]:
    d = resources.files("publisher.core").joinpath("schemas")
    return sorted(p.name[: -len(".schema.json")] for p in d.iterdir() if p.name.endswith(".schema.json"))


@cache
def load_schema(entry_type: str) -> dict[str, Any] | None:
    p = resources.files("publisher.core").joinpath("schemas", f"{entry_type}.schema.json")
    if not p.is_file():
        return None
    schema: dict[str, Any] = json.loads(p.read_text("utf-8"))
    return schema


def _end_anchored(node: Any) -> Any:
    """The schema with each ``pattern``'s final ``$`` written ``\\Z`` for Python's ``re``.

    Patterns are ECMA-262 (JSON Schema 2020-12 §6.3.3), where ``$`` is the very end of the
    string; Python's ``$`` also matches before a final line feed, so ``"bureau\\n"`` would pass
    ``^[a-z][a-z0-9-]{1,31}$`` here and fail in every other validator. The published schema
    files keep the ECMA spelling."""
    if isinstance(node, dict):
        out = {k: _end_anchored(v) for k, v in node.items()}
        p = node.get("pattern")
        if isinstance(p, str) and p.endswith("$") and not p.endswith("\\$"):
            out["pattern"] = p[:-1] + "\\Z"
        return out
    if isinstance(node, list):
        return [_end_anchored(v) for v in node]
    return node


@cache
def _validator(entry_type: str) -> Draft202012Validator | None:
    s = load_schema(entry_type)
    if s is None:
        return None
    Draft202012Validator.check_schema(s)
    return Draft202012Validator(_end_anchored(s))


def _draft7(node: Any) -> Any:
    """The same schema in draft-07 terms (our schemas use no keyword whose meaning differs
    except ``dependentRequired``, which draft-07 spells ``dependencies``)."""
    if isinstance(node, dict):
        out = {("dependencies" if k == "dependentRequired" else k): _draft7(v) for k, v in node.items()}
        if "$schema" in out:
            out["$schema"] = "http://json-schema.org/draft-07/schema#"
        return out
    if isinstance(node, list):
        return [_draft7(v) for v in node]
    return node


@cache
def _fast(entry_type: str) -> Any:
    """A compiled validator (fastjsonschema): ~7x faster on valid bodies, the common case.

    It only ever answers "valid"; any rejection is re-checked by the reference validator
    (jsonschema, draft 2020-12), which also words the messages. tests/core/test_schema.py
    checks the two agree on every sample body and on mutations of them."""
    s = load_schema(entry_type)
    return None if s is None else fastjsonschema.compile(_draft7(_end_anchored(s)))


def validate_body(entry_type: str, body: Any) -> list[str]:
    """Problems with a body for its type; an unknown type is itself a problem."""
    fast = _fast(entry_type)
    if fast is None:
        return [f"unknown entry type {entry_type!r}"]
    try:
        fast(body)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    v = _validator(entry_type)
    assert v is not None  # _fast found the schema, so the reference validator has it too
    out = []
    for err in sorted(v.iter_errors(body), key=lambda e: list(e.absolute_path)):
        path = "body" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        out.append(f"{path}: {err.message}")
    return out
