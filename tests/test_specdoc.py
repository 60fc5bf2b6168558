"""SPEC.md's generated appendices equal their sources, read here independently of specdoc:
the schema files byte for byte (A) and the calendar package's table day for day (B)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from chinese_calendar import constants

from publisher import specdoc

ROOT = Path(__file__).resolve().parents[1]
SPEC = (ROOT / "docs" / "SPEC.md").read_text("utf-8")
SCHEMAS = ROOT / "src" / "publisher" / "core" / "schemas"


def _appendix(letter: str) -> str:
    start = SPEC.index(f"# Appendix {letter}.")
    end = SPEC.find("\n---\n", start)
    return SPEC[start:] if end < 0 else SPEC[start:end]


def test_every_shipped_schema_is_in_the_appendix_verbatim():
    a = _appendix("A")
    blocks = dict(re.findall(r"### `([a-z.]+)\.schema\.json`\n\n````json\n(.*?)\n````\n", a, re.S))
    files = {p.name[: -len(".schema.json")]: p.read_text("utf-8") for p in SCHEMAS.glob("*.schema.json")}
    assert sorted(blocks) == sorted(files), "run `make spec`"
    for t, text in files.items():
        assert blocks[t] == text.rstrip("\n"), f"{t}: appendix differs from the shipped schema; run `make spec`"


def test_the_type_list_names_every_type_once_with_its_signer():
    a = _appendix("A")
    rows = re.findall(r"^\| `([a-z.]+)` \| `\1\.schema\.json` \| ([^|]+) \|", a, re.M)
    assert sorted(t for t, _ in rows) == sorted(p.name[: -len(".schema.json")] for p in SCHEMAS.glob("*.schema.json"))
    from publisher.core.verifier import OPERATOR_TYPES
    assert {t for t, who in rows if who.startswith("operator")} == OPERATOR_TYPES


def test_the_calendar_appendix_is_the_verifiers_table():
    b = _appendix("B")
    rows = re.findall(r"^\| (\d{4}) \| ([0-9 -]*) \| ([0-9 -]*) \|$", b, re.M)
    years = sorted({d.year for d in constants.holidays})
    assert [int(y) for y, _, _ in rows] == years
    for y, hol, wd in rows:
        y = int(y)
        got_h = {date.fromisoformat(f"{y}-{d}") for d in hol.split()}
        got_w = {date.fromisoformat(f"{y}-{d}") for d in wd.split()}
        assert got_h == {d for d in constants.holidays if d.year == y and d.weekday() < 5}, y
        assert got_w == {d for d in constants.workdays if d.year == y and d.weekday() >= 5}, y


def test_a_changed_schema_changes_the_appendix(monkeypatch, tmp_path):
    """The appendix is read from the files, not frozen in specdoc."""
    before = specdoc.appendix_schemas()
    real = specdoc._schema_dir()
    for p in real.iterdir():
        (tmp_path / p.name).write_text(p.read_text("utf-8").replace('"notice —', '"notice — CHANGED'), "utf-8")
    monkeypatch.setattr(specdoc, "_schema_dir", lambda: tmp_path)
    after = specdoc.appendix_schemas()
    assert before != after and "CHANGED" in after
