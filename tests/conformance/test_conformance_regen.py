"""`python -m publisher.conformance` regenerates the committed suite byte for byte (fixed keys,
fixed times, labelled randomness), and refuses a case the reference verifier disagrees with."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from publisher.conformance import cases as cases_mod
from publisher.conformance.cases import Case, Expect, base, done
from publisher.conformance.generate import generate

SUITE = Path(__file__).resolve().parents[2] / "docs" / "vectors" / "conformance"


def _tree(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file() and p.name != "README.md"}


def test_regeneration_is_byte_identical(tmp_path):
    generate(tmp_path / "suite")
    got, want = _tree(tmp_path / "suite"), _tree(SUITE)
    assert sorted(got) == sorted(want), "run `make vectors`"
    changed = [k for k in got if got[k] != want[k]]
    assert changed == [], f"run `make vectors`: {changed[:5]}"
    assert not filecmp.dircmp(tmp_path / "suite", SUITE).diff_files


def test_a_wrong_expectation_is_refused(tmp_path, monkeypatch):
    def lying(root):  # an honest ledger declared INVALID
        return done(base(root), [Expect("signature", "ledger/entries/scjgj/00000001.json", "0" * 64)])

    monkeypatch.setattr(cases_mod, "CASES", [Case("lying", "signatures", "wrong on purpose", lying)])
    import publisher.conformance.generate as gen
    monkeypatch.setattr(gen, "CASES", cases_mod.CASES)
    with pytest.raises(SystemExit, match="lying: the reference verifier disagrees"):
        generate(tmp_path / "suite")
    assert not (tmp_path / "suite").exists()  # nothing written
