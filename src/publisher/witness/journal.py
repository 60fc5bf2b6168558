"""The witness's durable memory: an append-only journal with group commit.

Each cosigned checkpoint is one line ``<json> <sha256(json)[:16] hex>\\n`` appended to
``journal``; a caller returns only after its line is fsync'd. Concurrent callers share one
fsync (the first waiter writes everything queued, the rest wait for it), so throughput grows
with the number of logs submitting at once while every answer still follows durable state.

On start the journal is replayed up to the first line that is incomplete or fails its
checksum (a crash mid-write: that line was never acknowledged), the tail is cut off, the
latest state per log is written atomically to ``latest.json`` and the journal restarts
empty. Replaying ``latest.json`` then ``journal`` always gives the state of the last
acknowledged write, so a crash at any instant never rolls a log back.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..storage.ledger_dir import atomic_write, fsync_dir


@dataclass(frozen=True)
class Latest:
    origin: str
    size: int
    root: bytes
    time: int  # our cosignature time
    note: str  # the checkpoint as submitted, with our cosignature appended

    def to_json(self) -> dict:
        return {"origin": self.origin, "size": self.size, "root": self.root.hex(), "time": self.time, "note": self.note}

    @classmethod
    def from_json(cls, o: dict) -> Latest:
        return cls(o["origin"], o["size"], bytes.fromhex(o["root"]), o["time"], o["note"])


def _line(latest: Latest) -> bytes:
    data = json.dumps(latest.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return data + b" " + hashlib.sha256(data).hexdigest()[:16].encode() + b"\n"


def _replay(raw: bytes, state: dict[str, Latest]) -> int:
    """Apply complete, intact lines; return the byte length of the valid prefix."""
    good = 0
    while True:
        end = raw.find(b"\n", good)
        if end < 0:
            return good
        data, _, check = raw[good:end].rpartition(b" ")
        if hashlib.sha256(data).hexdigest()[:16].encode() != check:
            return good
        try:
            rec = Latest.from_json(json.loads(data))
        except (ValueError, KeyError, TypeError):
            return good
        state[rec.origin] = rec
        good = end + 1


def read_state(directory: Path | str) -> dict[str, Latest]:
    """The witness's state as a restart would see it (read-only; for tools and tests)."""
    d = Path(directory)
    state: dict[str, Latest] = {}
    try:
        for o in json.loads((d / "latest.json").read_text("utf-8")):
            rec = Latest.from_json(o)
            state[rec.origin] = rec
    except FileNotFoundError:
        pass
    try:
        _replay((d / "journal").read_bytes(), state)
    except FileNotFoundError:
        pass
    return state


class Journal:
    def __init__(self, directory: Path | str, durable: bool = True):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.durable = durable
        self.state = read_state(self.dir)
        # compact: the recovered state becomes the snapshot, the journal starts empty
        atomic_write(self.dir / "latest.json",
                     json.dumps([r.to_json() for r in self.state.values()], ensure_ascii=False).encode("utf-8"))
        self._f = open(self.dir / "journal", "wb")  # truncates: everything in it is in latest.json now
        self._sync()
        fsync_dir(self.dir)
        self._cond = threading.Condition()
        self._queue: list[bytes] = []
        self._next = 1  # sequence number of the next record
        self._done = 0  # every record up to this one is durable
        self._flushing = False
        self._broken: BaseException | None = None

    def _sync(self) -> None:
        self._f.flush()
        if self.durable:
            os.fdatasync(self._f.fileno())

    def commit(self, latest: Latest) -> None:
        """Append one record and return once it is durable (group commit)."""
        line = _line(latest)
        with self._cond:
            seq = self._next
            self._next += 1
            self._queue.append(line)
            while self._done < seq:
                if self._broken is not None:
                    raise OSError(f"witness journal unusable after a write error: {self._broken}")
                if self._flushing:
                    self._cond.wait()
                    continue
                self._flushing = True
                batch, self._queue, last = self._queue, [], self._next - 1
                self._cond.release()
                try:
                    self._f.write(b"".join(batch))
                    self._sync()
                except BaseException as exc:  # the state on disk is unknown: stop answering
                    self._broken = exc
                    raise
                finally:
                    self._cond.acquire()
                    self._flushing = False
                    self._cond.notify_all()
                self._done = last
            self.state[latest.origin] = latest

    def close(self) -> None:
        self._f.close()
