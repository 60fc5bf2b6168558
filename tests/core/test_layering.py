"""The kernel sits below every domain: nothing in ``publisher.core`` imports a layer above it.

Read from the source (AST), so a lazy import inside a function counts as much as a top-level one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import publisher.core

CORE = Path(publisher.core.__file__).parent


def _imports(path: Path) -> list[tuple[int, str]]:
    """Absolute names of every ``import``/``from`` in one module, relative ones resolved."""
    parts = ["publisher", *path.relative_to(CORE.parent).with_suffix("").parts]
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out += [(node.lineno, name)] + [(node.lineno, f"{name}.{a.name}") for a in node.names
                                             if name == "publisher"]
    return out


def core_violations() -> list[str]:
    bad = []
    for path in sorted(CORE.rglob("*.py")):
        for line, name in _imports(path):
            if name.startswith("publisher") and not (name == "publisher.core" or name.startswith("publisher.core.")):
                bad.append(f"{path.relative_to(CORE.parent)}:{line} imports {name}")
    return bad


def test_core_imports_no_layer_above_it():
    assert core_violations() == []


def test_the_check_sees_relative_and_lazy_imports(tmp_path, monkeypatch):
    """The layering test itself bites: a lazy relative import of a domain is reported."""
    probe = CORE / "_layering_probe.py"
    probe.write_text("def f():\n    from ..draw import lock\n    return lock\n", "utf-8")
    try:
        found = core_violations()
    finally:
        probe.unlink()
    assert found == ["core/_layering_probe.py:2 imports publisher.draw"]


def test_domains_register_their_rules_in_one_place():
    from publisher.ruleset import default_rules

    assert [r.name for r in default_rules()] == ["draw", "workflow"]
    assert all(type(r).__module__.split(".")[1] in ("draw", "workflow") for r in default_rules())
