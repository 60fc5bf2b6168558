"""Write the suite: ``<out>/<case>/ledger/`` and ``<out>/<case>/expected.json`` per case, plus
``<out>/index.json``. A case the reference verifier disagrees with is refused, never written."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from .cases import CASES, Case, Expect

FORMAT = 1


EXTRA = "extra-checkpoints"  # checkpoints an auditor supplies (a case directory's, beside ledger/)


def extra_checkpoints(case_dir: Path) -> list[tuple[str, str]]:
    d = case_dir / EXTRA
    return [(f"{EXTRA}/{p.name}", p.read_text("utf-8")) for p in sorted(d.glob("*.note"))] if d.is_dir() else []


def run_python(ledger: Path):
    """The reference verifier with the default rules on a case's ledger (and its extra checkpoints)."""
    from publisher.core.verifier import verify
    from publisher.ruleset import default_rules
    from publisher.storage.ledger_dir import LedgerDir

    src = LedgerDir(ledger)
    return verify(src, src.trust(), rules=default_rules(), workers=1,
                  extra_checkpoints=extra_checkpoints(ledger.parent))


def expected_json(case: Case, expects: list[Expect]) -> dict[str, Any]:
    errors = [e for e in expects if e.severity == "error"]
    rows = sorted((e.json() for e in expects), key=lambda r: (r["file"], r["rule"], r["severity"], r["entry_id"]))
    return {"format": FORMAT, "case": case.name, "family": case.family, "description": case.description,
            "verdict": "INVALID" if errors else "VALID", "js": case.js, "problems": rows}


def compare(expected: dict[str, Any], problems) -> list[str]:
    """Why a verifier's problems do not match ``expected`` (README, "Matching"): the verdict; the
    errors as a multiset of (rule, file, entry_id); every expected warning present."""
    got_err = sorted((p.rule, p.file, p.entry_id) for p in problems if p.severity == "error")
    want_err = sorted((e["rule"], e["file"], e["entry_id"]) for e in expected["problems"] if e["severity"] == "error")
    got_warn = {(p.rule, p.file, p.entry_id) for p in problems if p.severity == "warning"}
    out = []
    verdict = "INVALID" if got_err else "VALID"
    if verdict != expected["verdict"]:
        out.append(f"verdict {verdict}, expected {expected['verdict']}")
    if got_err != want_err:
        out.append(f"errors {got_err} != expected {want_err}")
    for e in expected["problems"]:
        if e["severity"] == "warning" and (e["rule"], e["file"], e["entry_id"]) not in got_warn:
            out.append(f"missing warning {e}")
    return out


def check_case(case: Case, root: Path) -> dict[str, Any]:
    expects = case.build(root / "ledger")
    exp = expected_json(case, expects)
    report = run_python(root / "ledger")
    diff = compare(exp, report.problems)
    if diff:
        lines = "\n  ".join(p.line() for p in report.problems)
        raise SystemExit(f"conformance case {case.name}: the reference verifier disagrees: {diff}\n  {lines}")
    return exp


def generate(out: Path, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Build every case into ``out`` (replacing what was there); returns the index rows."""
    chosen = [c for c in CASES if not names or c.name in names]
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "conformance"
        stage.mkdir()
        index = []
        for case in chosen:
            d = stage / case.name
            d.mkdir()
            exp = check_case(case, d)
            (d / "expected.json").write_text(json.dumps(exp, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
            index.append({"case": case.name, "family": case.family, "verdict": exp["verdict"], "js": case.js})
        (stage / "index.json").write_text(json.dumps({"format": FORMAT, "cases": index}, ensure_ascii=False,
                                                     indent=1, sort_keys=True) + "\n", "utf-8")
        out.mkdir(parents=True, exist_ok=True)
        for p in out.iterdir():  # keep the README; every case directory is rewritten
            if p.is_dir():
                shutil.rmtree(p)
            elif p.name == "index.json":
                p.unlink()
        for p in stage.iterdir():
            shutil.move(str(p), out / p.name)
    return index


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("docs/vectors/conformance")
    index = generate(out, args[1:] or None)
    print(f"{out}: {len(index)} cases "
          f"({sum(r['verdict'] == 'VALID' for r in index)} VALID, {sum(r['verdict'] == 'INVALID' for r in index)} INVALID; "
          f"{sum(r['js'] for r in index)} also for the JS core)")
    return 0
