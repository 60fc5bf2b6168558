"""Collect witness cosignatures for a freshly signed checkpoint (the log side of tlog-witness).

Every witness is asked in parallel, with a timeout and a few retries; a 409 tells us the size
the witness last cosigned, so we send a consistency proof from exactly there (any size: we hold
the whole log). A witness that is down or refuses costs only its own cosignature; below the
quorum the checkpoint stays *pending* (``PendingStore``) and is retried on the next run. Offices'
pushes never wait for this: the ledger only ever receives checkpoints that reached the quorum.
"""

from __future__ import annotations

import http.client
import json
import time as _time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..core.cosignature import WitnessKey, add_signatures, quorum_time
from ..core.note import NoteError, Signature, parse_note
from ..storage.ledger_dir import atomic_write
from .protocol import ProtocolError, decode_cosignatures, decode_size, encode_request

ProofFn = Callable[[int], list[bytes]]  # old size -> RFC 6962 consistency proof to the new size


@dataclass
class Outcome:
    name: str
    ok: bool
    detail: str
    time: int | None = None
    size: int | None = None  # the witness's latest size as far as we know after the exchange
    signature: Signature | None = field(default=None, repr=False)


class _Conn:
    """One keep-alive HTTP connection to a witness's submission prefix."""

    def __init__(self, url: str, timeout: float):
        u = urlsplit(url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ValueError(f"witness URL {url!r} is not http(s)://host[:port][/prefix]")
        cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        self.conn = cls(u.hostname, u.port, timeout=timeout)
        self.prefix = u.path.rstrip("/")

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        self.conn.request("POST", self.prefix + path, body=body, headers={"Content-Type": "text/plain"})
        resp = self.conn.getresponse()
        return resp.status, resp.read()

    def close(self) -> None:
        self.conn.close()


def ask_witness(key: WitnessKey, url: str, note: str, size: int, proof_for: ProofFn, old_guess: int,
                timeout: float = 2.0, retries: int = 2, backoff: float = 0.2) -> Outcome:
    """Get one witness's cosignature on ``note`` (a log-signed checkpoint of ``size``)."""
    text, _ = parse_note(note)
    old = min(old_guess, size)
    conflicts = 0
    attempt = 0
    last = "not asked"
    conn = None
    try:
        while attempt <= retries:
            try:
                conn = conn or _Conn(url, timeout)
                status, body = conn.post("/add-checkpoint", encode_request(old, proof_for(old) if old else [], note))
            except (OSError, http.client.HTTPException) as exc:
                if conn:
                    conn.close()
                conn = None
                attempt += 1
                last = f"unreachable ({type(exc).__name__}: {exc})"
                if attempt <= retries:
                    _time.sleep(backoff * attempt)
                continue
            except ValueError as exc:
                return Outcome(key.name, False, str(exc))
            if status == 200:
                try:
                    sigs = [s for s in decode_cosignatures(note, body) if (s.name, s.key_id) == (key.name, key.key_id)]
                    if not sigs:
                        return Outcome(key.name, False, "answered 200 without a cosignature by its key", size=size)
                    t = key.timestamp_of(text, sigs[0])
                except (ProtocolError, NoteError) as exc:
                    return Outcome(key.name, False, f"bad cosignature: {exc}")
                return Outcome(key.name, True, "cosigned", t, size, sigs[0])
            if status == 409:
                try:
                    theirs = decode_size(body)
                except ProtocolError as exc:
                    return Outcome(key.name, False, f"409 with a bad body: {exc}")
                if theirs > size:
                    return Outcome(key.name, False, f"refused: it already cosigned size {theirs}, larger than "
                                   f"{size} (is this a rolled-back log?)", size=theirs)
                if theirs == old or conflicts >= 2:
                    return Outcome(key.name, False, f"refused (409): same size {theirs} with a different root "
                                   "— a fork", size=theirs)
                conflicts += 1
                old = theirs
                continue
            detail = body.decode("utf-8", "replace").strip()[:200]
            return Outcome(key.name, False, f"refused ({status}): {detail}")
        return Outcome(key.name, False, last)
    finally:
        if conn:
            conn.close()


def collect(note: str, size: int, proof_for: ProofFn, witnesses: list[tuple[WitnessKey, str]],
            old_sizes: dict[str, int], timeout: float = 2.0, retries: int = 2) -> tuple[str, list[Outcome]]:
    """Ask every witness at once; return the note with every valid cosignature added."""
    if not witnesses:
        return note, []
    with ThreadPoolExecutor(max_workers=len(witnesses)) as pool:
        futures = [pool.submit(ask_witness, key, url, note, size, proof_for, old_sizes.get(key.name, 0),
                               timeout, retries) for key, url in witnesses]
        outcomes = [f.result() for f in futures]
    note = add_signatures(note, [o.signature for o in outcomes if o.signature is not None])
    return note, outcomes


def has_quorum(outcomes: list[Outcome], quorum: int) -> bool:
    return quorum_time([o.time for o in outcomes if o.ok and o.time is not None], quorum) is not None


class PendingStore:
    """Checkpoints below quorum and the sizes each witness last cosigned (outside the repository:
    ``$PUBLISHER_STATE`` or ``--state``). Losing it costs nothing but one extra 409 round trip."""

    def __init__(self, directory: Path | str):
        self.dir = Path(directory)

    def _sizes_path(self) -> Path:
        return self.dir / "witness-sizes.json"

    def sizes(self) -> dict[str, int]:
        try:
            obj = json.loads(self._sizes_path().read_text("utf-8"))
            return {str(k): int(v) for k, v in obj.items()}
        except (FileNotFoundError, ValueError, AttributeError):
            return {}

    def save_sizes(self, outcomes: list[Outcome]) -> None:
        sizes = self.sizes()
        for o in outcomes:
            if o.size is not None:
                sizes[o.name] = o.size
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self._sizes_path(), json.dumps(sizes, sort_keys=True).encode())

    def pending(self) -> str | None:
        try:
            return (self.dir / "pending.note").read_text("utf-8")
        except FileNotFoundError:
            return None

    def keep(self, note: str) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / "pending.note"
        atomic_write(path, note.encode("utf-8"))
        return path

    def clear(self) -> None:
        (self.dir / "pending.note").unlink(missing_ok=True)
