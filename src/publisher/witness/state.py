"""A witness: the logs it follows, its latest cosigned checkpoint per log, and the add-checkpoint
decision (c2sp.org/tlog-witness).

The decision and the write of the new state happen under one lock per log, and the new state
is in the fsync'd journal (``journal.py``) *before* the cosignature is returned. A crash at any
instant therefore leaves either the old or the new state on disk,
and a cosignature is only ever handed out for a state that is already durable: after a
restart the witness can never be talked into cosigning a tree inconsistent with one it vouched
for.
"""

from __future__ import annotations

import json
import threading
import time as _time
from dataclasses import dataclass
from pathlib import Path

from ..core import merkle
from ..core.checkpoint import CheckpointError, parse_body
from ..core.cosignature import Cosigner
from ..core.errors import PublisherError
from ..core.note import NoteError, Verifier, open_note, parse_note
from ..storage.ledger_dir import atomic_write
from .journal import Journal, Latest
from .protocol import SIZE_CONTENT_TYPE, ProtocolError, decode_request, encode_cosignatures

CONFIG = "witness.json"


class WitnessConfigError(PublisherError, ValueError):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


def _text(status: int, message: str) -> Answer:
    return Answer(status, (message + "\n").encode("utf-8"))


def load_config(directory: Path) -> dict:
    path = Path(directory) / CONFIG
    try:
        cfg = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise WitnessConfigError(f"{path} does not exist: run `publisher witness init` first") from None
    except (OSError, ValueError) as exc:
        raise WitnessConfigError(f"{path}: {exc}") from None
    if not isinstance(cfg, dict) or not isinstance(cfg.get("name"), str) or not isinstance(cfg.get("logs"), list):
        raise WitnessConfigError(f"{path}: expected {{'name': …, 'key': …, 'logs': [{{'origin', 'vkey'}}]}}")
    return cfg


class Witness:
    """The add-checkpoint logic over a state directory (``state/<sha256(origin)>.json``)."""

    def __init__(self, directory: Path | str, cosigner: Cosigner, logs: dict[str, Verifier],
                 clock=lambda: int(_time.time()), durable: bool = True):
        self.dir = Path(directory)
        self.cosigner = cosigner
        self.logs = logs
        self.clock = clock
        self.durable = durable
        self._locks: dict[str, threading.Lock] = {}  # one per log: check-and-persist is atomic per origin
        self._locks_guard = threading.Lock()
        self.journal = Journal(self.dir / "state", durable=durable)
        (self.dir / "evidence").mkdir(exist_ok=True)

    @classmethod
    def from_config(cls, directory: Path | str, cosigner: Cosigner, **kw) -> Witness:
        cfg = load_config(Path(directory))
        if cfg["name"] != cosigner.name:
            raise WitnessConfigError(f"witness.json names {cfg['name']!r}, the key is loaded as {cosigner.name!r}")
        logs = {}
        for entry in cfg["logs"]:
            try:
                v = Verifier.from_vkey(entry["vkey"])
            except (NoteError, KeyError, TypeError) as exc:
                raise WitnessConfigError(f"witness.json: log {entry!r}: {exc}") from None
            logs[entry.get("origin", v.name)] = v
        return cls(directory, cosigner, logs, **kw)

    def _lock_for(self, origin: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(origin, threading.Lock())

    def latest(self, origin: str) -> Latest | None:
        return self.journal.state.get(origin)

    def _evidence(self, what: str, body: bytes) -> None:
        """Keep a validly signed but inconsistent submission: it may prove log misbehaviour."""
        name = f"{_time.time_ns()}-{what}.txt"
        atomic_write(self.dir / "evidence" / name, body, durable=False)

    def add_checkpoint(self, body: bytes) -> Answer:
        try:
            req = decode_request(body)
            text, _ = parse_note(req.note)
        except (ProtocolError, NoteError) as exc:
            return _text(400, f"bad request: {exc}")
        origin = text.split("\n", 1)[0]
        verifier = self.logs.get(origin)
        if verifier is None:
            return _text(404, f"unknown log origin {origin!r}")
        try:
            open_note(req.note, [verifier])
        except NoteError as exc:
            return _text(403, f"checkpoint not signed by the log key: {exc}")
        try:
            cp = parse_body(text, require_time=False)
        except CheckpointError as exc:
            return _text(400, f"bad checkpoint: {exc}")
        if req.old_size > cp.size:
            return _text(400, f"old size {req.old_size} is larger than the checkpoint size {cp.size}")
        with self._lock_for(origin):
            last = self.latest(origin)
            size, root = (last.size, last.root) if last else (0, merkle.EMPTY_ROOT)
            if req.old_size != size:
                return Answer(409, f"{size}\n".encode(), SIZE_CONTENT_TYPE)
            if cp.size == size and cp.root != root:
                self._evidence("fork", body)
                return Answer(409, f"{size}\n".encode(), SIZE_CONTENT_TYPE)
            if cp.size > size and not merkle.verify_consistency(size, cp.size, root, cp.root, list(req.proof)):
                self._evidence("inconsistent", body)
                return _text(422, f"consistency proof from size {size} to {cp.size} does not verify")
            t = max(self.clock(), last.time if last else 0)  # our clock never runs backwards per log
            sig = self.cosigner.cosign(text, t)
            self.journal.commit(Latest(origin, cp.size, cp.root, t, req.note + sig.line()))
        return Answer(200, encode_cosignatures([sig]))
