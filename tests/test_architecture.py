"""docs/ARCHITECTURE.md names only modules and callables that exist.

Every table row whose first cell is a backticked ``publisher.…`` module must import, and every
backticked name in its last cell must be an attribute of that module (``Class.method`` allowed).
Every backticked dotted ``publisher.…`` reference in the prose must resolve too, and the
``LedgerDir`` methods listed under "Storage interface" must exist.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "ARCHITECTURE.md"
TEXT = DOC.read_text("utf-8")
TICKED = re.compile(r"`([^`]+)`")


def _rows() -> list[tuple[str, list[str]]]:
    rows = []
    for line in TEXT.splitlines():
        if not line.startswith("| `publisher."):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        module = TICKED.fullmatch(cells[0])
        assert module, line
        rows.append((module.group(1), TICKED.findall(cells[-1]) if len(cells) >= 3 else []))
    return rows


ROWS = _rows()


def _resolve(dotted: str) -> object:
    """The module or attribute ``dotted`` names (longest importable module prefix)."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def test_the_map_has_every_layer():
    modules = {m for m, _ in ROWS}
    for layer in ("publisher.core.verifier", "publisher.draw.rules.rule", "publisher.ruleset", "publisher.portal",
                  "publisher.storage.ledger_dir", "publisher.site.build", "publisher.cli.main",
                  "publisher.core.errors"):
        assert layer in modules, layer
    assert len(ROWS) > 100


def test_every_kernel_module_is_on_the_map():
    src = Path(__file__).resolve().parents[1] / "src" / "publisher" / "core"
    listed = {m for m, _ in ROWS}
    for f in sorted(src.rglob("*.py")):
        if f.name == "__init__.py":
            continue
        dotted = "publisher." + ".".join(f.relative_to(src.parent).with_suffix("").parts)
        assert dotted in listed, f"{dotted} is missing from docs/ARCHITECTURE.md"


@pytest.mark.parametrize("module, names", ROWS, ids=[m for m, _ in ROWS])
def test_named_module_and_callables_exist(module, names):
    mod = importlib.import_module(module)
    assert names, f"{module}: name at least one of its callables"
    for name in names:
        obj: object = mod
        for attr in name.split("."):
            assert hasattr(obj, attr), f"{module}.{name} does not exist"
            obj = getattr(obj, attr)
        assert callable(obj), f"{module}.{name} is not callable"


def test_dotted_references_in_the_prose_resolve():
    refs = {r for r in TICKED.findall(TEXT) if re.fullmatch(r"publisher(\.[A-Za-z_][A-Za-z0-9_]*)+", r)}
    assert refs
    for ref in sorted(refs):
        _resolve(ref)


def test_storage_interface_methods_exist():
    from publisher.storage.ledger_dir import LedgerDir

    block = TEXT[TEXT.index("class LedgerDir:"):]
    block = block[: block.index("```")]
    methods = re.findall(r"def (\w+)\(", block)
    assert len(methods) >= 10
    for m in methods:
        assert callable(getattr(LedgerDir, m, None)), f"LedgerDir.{m} does not exist"
