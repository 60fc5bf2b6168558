"""Interop: our checkpoints, with witness cosignatures, verify with Go's golang.org/x/mod/sumdb/note.

Go does not know cosignature/v1 keys, so it must see the witnesses' lines as signatures by
unknown keys and ignore them; the log's signature must verify. Go and the x/mod source come
from Debian (`make go-interop` installs golang-go and golang-golang-x-mod-dev); a missing
toolchain fails the test rather than skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "witness"))
from witnesstools import WitnessedLedger  # noqa: E402

from publisher.core.note import parse_note  # noqa: E402

HERE = Path(__file__).parent
GOPATH = Path("/usr/share/gocode")
REPO = HERE.parents[1]
NAMES = ["w.test/a", "w.test/b", "w.test/c"]


def go_open(vkeys: list[str], notes: dict[str, str], tmp: Path) -> dict:
    go = shutil.which("go")
    if go is None or not (GOPATH / "src/golang.org/x/mod/sumdb/note/note.go").exists():
        pytest.fail("Go or golang.org/x/mod is missing: run `make go-interop` (Debian golang-go, "
                    "golang-golang-x-mod-dev)")
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": str(GOPATH), "GOCACHE": str(tmp / "gocache"),
           "GOFLAGS": "", "CGO_ENABLED": "0"}
    p = subprocess.run([go, "run", str(HERE / "note_check.go")], input=json.dumps({"vkeys": vkeys, "notes": notes}),
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_every_cosigned_checkpoint_verifies_with_go(tmp_path):
    f = WitnessedLedger(tmp_path / "ledger", NAMES, 2).init()
    f.add_office("scjgj")
    for i in range(3):
        f.notice("scjgj", str(i))
        f.checkpoint(witness_times=dict.fromkeys(NAMES[:2 + i % 2], f.clock + 10))
    notes = {p.name: p.read_text() for p in f.ledger.checkpoint_files()}
    # the sample county's checkpoints too, if it has witnesses (it does after regeneration)
    sample = REPO / "ledger"
    trust = json.loads((sample / "trust.json").read_text())
    sample_notes = {f"sample/{p.name}": p.read_text() for p in sorted((sample / "checkpoints").glob("*.note"))}
    out = go_open([f.log_signer.vkey], notes, tmp_path)
    for name, text in notes.items():
        r = out[name]
        assert r == {"verified": ["portal.test/county"], "unverified": len(parse_note(text)[1]) - 1, "error": ""}, name
        assert r["unverified"] >= 2  # the witness cosignatures, ignored as unknown keys
    out = go_open([trust["log_vkey"]], sample_notes, tmp_path)
    assert out and all(r["error"] == "" and r["verified"] == [trust["origin"]] for r in out.values())


def test_go_rejects_a_tampered_checkpoint(tmp_path):
    f = WitnessedLedger(tmp_path / "ledger", NAMES, 2).init()
    f.add_office("scjgj")
    text = f.checkpoint().read_text()
    tampered = text.replace("\ntime ", "\ntime 1", 1)
    out = go_open([f.log_signer.vkey], {"t": tampered}, tmp_path)
    assert out["t"]["error"] == f"invalid signature for key portal.test/county+{f.log_signer.key_id.hex()}"
