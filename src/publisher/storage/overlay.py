"""A ledger plus candidate entries not yet written: verify before appending.

Lets a command check a new entry with the full verifier (every rule, in context) and refuse it
before anything touches the disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..core.entry import Entry
from .ledger_dir import LedgerDir


class Overlay:
    def __init__(self, ledger: LedgerDir, extra: list[Entry]):
        self.ledger = ledger
        self.extra = {(e.office, e.seq): e for e in extra}
        self._lines = [f"{e.office}/{e.seq} {e.id}" for e in extra]

    def iter_raw_log(self) -> Iterator[tuple[int, str]]:
        n = 0
        for n, text in self.ledger.iter_raw_log():
            yield n, text
        for i, text in enumerate(self._lines, n + 1):
            yield i, text

    def read_entry_bytes(self, office: str, seq: int) -> bytes:
        e = self.extra.get((office, seq))
        return e.to_file_bytes() if e is not None else self.ledger.read_entry_bytes(office, seq)

    def entry_path(self, office: str, seq: int) -> Path:
        return self.ledger.entry_path(office, seq)

    def rel(self, path: Path) -> str:
        return self.ledger.rel(path)

    def checkpoint_files(self) -> list[Path]:
        return self.ledger.checkpoint_files()

    def blob_files(self) -> list[Path]:
        return self.ledger.blob_files()

    def entry_names(self) -> Iterator[tuple[str, list[str]]]:
        return self.ledger.entry_names()

    def open_blob(self, digest: str) -> IO[bytes]:
        return self.ledger.open_blob(digest)

    def has_blob(self, digest: str) -> bool:
        return self.ledger.has_blob(digest)

    def recorded_beacon(self, chain_hash: str, round_: int) -> Any:
        return self.ledger.recorded_beacon(chain_hash, round_)
