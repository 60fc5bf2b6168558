"""Real witness servers for tests: `publisher witness serve` processes on 127.0.0.1, port 0."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from ledgertools import ORIGIN, LedgerFactory, det_key
from publisher.core.cosignature import Cosigner
from publisher.storage import keystore

PASS = "witness test passphrase"


def cosigner(name: str) -> Cosigner:
    return Cosigner(name, det_key("witness:" + name))


class WitnessProc:
    """One witness: its own key directory, state directory and server process."""

    def __init__(self, root: Path, name: str, log_vkey: str):
        self.name = name
        self.dir = root / name.replace("/", "_")
        self.keys = self.dir / "keys"
        self.cosigner = cosigner(name)
        self.proc: subprocess.Popen | None = None
        self.url = ""
        env = self.env()
        old = dict(os.environ)
        os.environ.update(env)
        try:
            keystore.save_key("witness", det_key("witness:" + name), self.keys)
        finally:
            os.environ.clear()
            os.environ.update(old)
        (self.dir / "witness.json").write_text(json.dumps(
            {"name": name, "key": "witness", "logs": [{"origin": ORIGIN, "vkey": log_vkey}]}))

    def env(self) -> dict:
        return {"PUBLISHER_KEYS": str(self.keys), "PUBLISHER_KEY_PASSPHRASE": PASS}

    @property
    def vkey(self) -> str:
        return self.cosigner.vkey

    def start(self) -> WitnessProc:
        env = {**os.environ, **self.env()}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "publisher.cli.main", "witness", "serve", "--dir", str(self.dir),
             "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError(f"witness did not start: {line!r} {self.proc.stderr.read()}")
        self.url = line.split("listening on ")[1].split()[0]
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)
        self.proc = None

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def latest_size(self) -> int:
        from publisher.witness.journal import read_state

        state = read_state(self.dir / "state")
        return state[ORIGIN].size if ORIGIN in state else 0


class WitnessedLedger(LedgerFactory):
    """A LedgerFactory whose trust.json names witnesses and a quorum."""

    def __init__(self, root: Path, names: list[str], quorum: int, urls: dict[str, str] | None = None):
        super().__init__(root)
        self.cosigners = [cosigner(n) for n in names]
        self.quorum = quorum
        self.urls = urls or {}

    def trust_json(self, chains: list | None = None) -> dict:
        obj = super().trust_json(chains)
        obj["witnesses"] = {"quorum": self.quorum, "witnesses": [
            {"vkey": c.vkey, **({"url": self.urls[c.name]} if c.name in self.urls else {})} for c in self.cosigners]}
        return obj

    def cosign_note(self, note: str, times: dict[str, int]) -> str:
        """Add cosignatures made directly with the witnesses' keys (no server): for rule tests."""
        from publisher.core.note import parse_note

        text, _ = parse_note(note)
        for c in self.cosigners:
            if c.name in times:
                note += c.cosign(text, times[c.name]).line()
        return note

    def checkpoint(self, time: int | None = None, witness_times: dict[str, int] | None = None) -> Path:
        from publisher.core.checkpoint import Checkpoint, sign_checkpoint
        from publisher.core.verifier import verify

        report = verify(self.ledger, self.ledger.trust())
        t = time if time is not None else self.clock
        note = sign_checkpoint(Checkpoint(ORIGIN, report.size, report.root, t), self.log_signer)
        wt = witness_times if witness_times is not None else {c.name: self.clock for c in self.cosigners}
        return self.ledger.write_checkpoint(report.size, self.cosign_note(note, wt))
