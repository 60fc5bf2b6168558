"""The conformance suite (docs/vectors/conformance/) against the reference verifier: every case's
verdict, every expected error (rule, file, entry id) exactly, every expected warning present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher.conformance.cases import CASES, JS
from publisher.conformance.generate import compare, run_python

SUITE = Path(__file__).resolve().parents[2] / "docs" / "vectors" / "conformance"
INDEX = json.loads((SUITE / "index.json").read_text("utf-8"))["cases"]
FAMILIES = ["envelope", "canonical", "signatures", "chains", "registry", "time", "log", "checkpoints",
            "witnesses", "draws", "teams", "embargoes", "workflow"]


@pytest.mark.parametrize("case", [c["case"] for c in INDEX])
def test_case_matches_the_reference_verifier(case):
    expected = json.loads((SUITE / case / "expected.json").read_text("utf-8"))
    report = run_python(SUITE / case / "ledger")
    assert compare(expected, report.problems) == [], "\n".join(p.line() for p in report.problems)


def test_every_family_has_a_valid_and_an_invalid_case_or_its_negative():
    by_family: dict[str, set[str]] = {}
    for c in INDEX:
        by_family.setdefault(c["family"], set()).add(c["verdict"])
    assert sorted(by_family) == sorted(FAMILIES)
    assert all("INVALID" in v for v in by_family.values()), by_family  # an attack per family
    assert sum(c["verdict"] == "VALID" for c in INDEX) >= 8  # and honest ledgers that must pass


def test_the_index_lists_every_case_directory_and_marks_js_families():
    dirs = sorted(p.name for p in SUITE.iterdir() if p.is_dir())
    assert dirs == sorted(c["case"] for c in INDEX) == sorted(c.name for c in CASES)
    assert all(c["js"] == (c["family"] in JS) for c in INDEX)


def test_a_manipulation_the_expectation_does_not_describe_is_caught(tmp_path):
    """The comparison bites: the honest ledger with an unexpected extra error fails to match."""
    import shutil

    shutil.copytree(SUITE / "valid-minimal" / "ledger", tmp_path / "ledger")
    (tmp_path / "ledger" / "entries" / "scjgj" / "00000009.json").write_bytes(b"{}")
    expected = json.loads((SUITE / "valid-minimal" / "expected.json").read_text("utf-8"))
    diff = compare(expected, run_python(tmp_path / "ledger").problems)
    assert diff and diff[0] == "verdict INVALID, expected VALID"
