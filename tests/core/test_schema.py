"""The fast schema path (fastjsonschema) never accepts what the reference validator refuses."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from publisher.core.schema import _fast, load_schema, schema_names, validate_body
from publisher.storage.ledger_dir import LedgerDir

REPO = Path(__file__).parents[2]


def reference_ok(t: str, body) -> bool:
    return Draft202012Validator(load_schema(t)).is_valid(body)


def fast_ok(t: str, body) -> bool:
    try:
        _fast(t)(body)
        return True
    except Exception:
        return False


# Types the sample county happens not to contain still get valid bodies to mutate.
EXTRA_SAMPLES = {
    "notice": [{"title": "2026年度双随机抽查工作启动", "text": "各市场主体：\n本年度抽查计划已公布。"},
               {"title": "公告", "title_en": "Notice", "text": ""}],
    "witness.set": [{"quorum": 2, "reason": "更换见证方 / replace a witness",
                     "witnesses": [{"vkey": "w1.test/witness+f224c644+BOeR61500fl0ePwTYtwGdTdcTNh2B64jJ4wzOtZUdLmW",
                                    "url": "https://w1.test/add-checkpoint"},
                                   {"vkey": "w2.test/witness+0a1b2c3d+BAbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcd"},
                                   {"vkey": "w3.test/witness+89abcdef+BHq1w2e3r4t5y6u7i8o9p0AsDfGhJkL1zXcVbNm+/Q",
                                    "url": "http://127.0.0.1:7383"}]}],
}


def _samples(per_type: int = 12) -> dict[str, list]:
    out: dict[str, list] = {}
    for _, e in LedgerDir(REPO / "ledger").iter_entries():
        if len(out.setdefault(e.type, [])) < per_type:
            out[e.type].append(e.body)
    for t, bodies in EXTRA_SAMPLES.items():
        if not out.get(t):
            out[t] = list(bodies)
    return out


def _mutations(rng: random.Random, body):
    """Small structural changes: drop/add keys, retype values, break strings, at any depth."""
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + [i])

    walk(body, [])
    for _ in range(40):
        b = copy.deepcopy(body)
        path = rng.choice(paths)
        parent, key = None, None
        node = b
        for p in path:
            parent, key, node = node, p, node[p]
        op = rng.randrange(6)
        if op == 0 and isinstance(node, dict) and node:
            node.pop(rng.choice(list(node)))
        elif op == 1 and isinstance(node, dict):
            node["unexpected"] = 1
        elif op == 2 and parent is not None:
            parent[key] = rng.choice([None, 1, -1, "x", "", [], {}, True, 2**70, "😀" * 300])
        elif op == 3 and isinstance(node, str) and parent is not None:
            parent[key] = node + "\n<script>"
        elif op == 4 and isinstance(node, list):
            node.extend(node[:1] * 2)
        elif op == 5 and isinstance(node, list) and node:
            node.clear()
        yield b


@pytest.mark.parametrize("entry_type", schema_names())
def test_fast_path_agrees_with_reference(entry_type):
    rng = random.Random(entry_type)
    samples = _samples().get(entry_type, [])
    assert samples, f"no {entry_type} body to mutate: add one to EXTRA_SAMPLES"
    for body in samples:
        assert reference_ok(entry_type, body) and fast_ok(entry_type, body)
        for m in _mutations(rng, body):
            ref = reference_ok(entry_type, m)
            assert fast_ok(entry_type, m) == ref, (entry_type, m)
            assert (validate_body(entry_type, m) == []) == ref


# Patterns are ECMA-262 (JSON Schema 2020-12): "$" is the very end of the string. Python's
# "$" also matches before a final "\n", so "bureau\n" would pass as an office id in Python
# and fail in every conformant validator (and in browsers) — two ids that print alike.
@pytest.mark.parametrize("entry_type,path,value", [
    ("task", ["id"], "T-1\n"),
    ("key.register", ["office"], "bureau\n"),
    ("key.register", ["valid_from"], "2026-01-01T00:00:00Z\n"),
    ("calendar", ["holidays", 0], "2026-01-01\n"),
])
def test_a_trailing_newline_does_not_satisfy_a_pattern(entry_type, path, value):
    samples = _samples().get(entry_type, [])
    body = copy.deepcopy(next(b for b in samples if _has(b, path)))
    _set(body, path, value)
    assert not fast_ok(entry_type, body)
    problems = validate_body(entry_type, body)
    assert problems and any("does not match" in p for p in problems), problems
    _set(body, path, value.rstrip("\n"))
    assert validate_body(entry_type, body) == []


def test_patterns_use_no_class_whose_python_meaning_differs():
    """``\\d`` is any Unicode digit in Python ("٢٠٢٦" matches) but [0-9] in ECMA-262; the schemas
    spell ASCII classes out so the published schema means one thing everywhere."""
    for t in schema_names():
        text = json.dumps(load_schema(t))
        for esc in ("\\\\d", "\\\\w", "\\\\s", "\\\\b", "\\\\D", "\\\\W", "\\\\S"):
            assert esc not in text, (t, esc)


def _has(body, path) -> bool:
    node = body
    for p in path:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return False
    return True


def _set(body, path, value) -> None:
    node = body
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
