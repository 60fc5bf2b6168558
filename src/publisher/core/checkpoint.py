"""Log checkpoints (c2sp.org/tlog-checkpoint) carrying their signing time.

Our body is always exactly four lines, so one `Checkpoint` value has one byte form:

    <origin>\\n
    <tree size, decimal, no leading zeros>\\n
    <base64 of the 32-byte RFC 6962 root>\\n
    time <unix seconds UTC, decimal, no leading zeros>\\n

The `time` extension line is our design requirement (a checkpoint says when the operator
vouched for the log). The strict parser (default) refuses anything else; the lenient parser
(`require_time=False`) reads checkpoints of other logs, which have no time line or other
extension lines, and keeps those lines so `body()` reproduces the text exactly.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from . import merkle
from .note import NoteError, Signer, Verifier, b64decode_canonical, check_name, open_note, sign_note

MAX_INT = 2**63 - 1  # sizes and times fit a signed 64-bit integer in every language

_DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")
_TIME_LINE = re.compile(r"time (0|[1-9][0-9]{0,18})")


class CheckpointError(NoteError):
    """A checkpoint body or note that must be refused."""


def _decimal(text: str, what: str) -> int:
    # A regex, not int(): int() also accepts '+1', ' 1', '1_0' and non-ASCII digits.
    if not _DECIMAL.fullmatch(text) or int(text) > MAX_INT:
        raise CheckpointError(f"{what} {text!r} is not a decimal number without leading zeros")
    return int(text)


def _check_line(line: str, what: str) -> None:
    if not isinstance(line, str) or line == "":
        raise CheckpointError(f"{what} is empty")
    if any(ord(ch) < 0x20 for ch in line):
        raise CheckpointError(f"{what} contains a newline or control character")


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head. `time` is None only for lenient-parsed foreign checkpoints."""

    origin: str
    size: int
    root: bytes
    time: int | None
    extra: tuple[str, ...] = ()  # other extension lines (lenient parsing only)

    def __post_init__(self) -> None:
        _check_line(self.origin, "origin")
        for value, what in ((self.size, "size"), (self.time, "time")):
            if what == "time" and value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INT:
                raise CheckpointError(f"{what} must be an integer in [0, 2^63-1]")
        if not isinstance(self.root, bytes) or len(self.root) != merkle.HASH_SIZE:
            raise CheckpointError("root must be 32 bytes")
        for line in self.extra:
            _check_line(line, "extension line")
        if self.size == 0 and self.root != merkle.EMPTY_ROOT:
            raise CheckpointError("a size 0 checkpoint must have the empty-tree root SHA-256('')")

    def body(self) -> str:
        """The note text that gets signed."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii")]
        if self.time is not None:
            lines.append(f"time {self.time}")
        lines.extend(self.extra)
        return "".join(line + "\n" for line in lines)


def parse_body(text: str, require_time: bool = True) -> Checkpoint:
    """Parse a checkpoint body (the note text). Strict by default; see the module docstring."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise CheckpointError("checkpoint body does not end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint body has fewer than 3 lines (origin, size, root)")
    for n, line in enumerate(lines, 1):
        _check_line(line, f"checkpoint line {n}")
    origin, size_text, root_text, ext = lines[0], lines[1], lines[2], lines[3:]
    size = _decimal(size_text, "tree size")
    try:
        root = b64decode_canonical(root_text, "root hash")
    except NoteError as exc:
        raise CheckpointError(str(exc)) from None
    if len(root) != merkle.HASH_SIZE:
        raise CheckpointError(f"root hash is {len(root)} bytes, not 32")
    time = None
    if ext and _TIME_LINE.fullmatch(ext[0]):
        time = _decimal(ext[0][5:], "time")
        ext = ext[1:]
    if require_time:
        try:
            check_name(origin)
        except NoteError as exc:
            raise CheckpointError(f"origin: {exc}") from None
        if time is None:
            raise CheckpointError("checkpoint has no 'time <unix seconds>' line after the root")
        if ext:
            raise CheckpointError(f"unexpected extension line {ext[0]!r} after the time line")
    return Checkpoint(origin, size, root, time, tuple(ext))


def sign_checkpoint(cp: Checkpoint, signer: Signer) -> str:
    """Signed checkpoint note. Our checkpoints have a time, no other lines, origin = key name."""
    if cp.time is None or cp.extra:
        raise CheckpointError("our checkpoints carry exactly one extension line: the time")
    if cp.origin != signer.name:
        raise CheckpointError(f"origin {cp.origin!r} is not the log key name {signer.name!r}")
    return sign_note(cp.body(), [signer])


def open_checkpoint(note: str | bytes, verifier: Verifier, require_time: bool = True) -> Checkpoint:
    """Verify the log's signature and parse the body.

    Strict mode also requires origin == key name (tlog-checkpoint says SHOULD; we make it a rule
    so a checkpoint cannot be presented as another log's).
    """
    text, _ = open_note(note, [verifier])
    cp = parse_body(text, require_time=require_time)
    if require_time and cp.origin != verifier.name:
        raise CheckpointError(f"origin {cp.origin!r} is not the log key name {verifier.name!r}")
    return cp


def check_same_size_fork(a: Checkpoint, b: Checkpoint) -> str | None:
    """Fork evidence: one log, one size, two roots. Both notes together prove misbehaviour."""
    if a.origin != b.origin or a.size != b.size or a.root == b.root:
        return None
    return (
        f"fork: log {a.origin} signed two different roots for size {a.size}: "
        f"{a.root.hex()} (time {a.time}) and {b.root.hex()} (time {b.time})"
    )


def check_consistency(a: Checkpoint, b: Checkpoint, proof: list[bytes]) -> str | None:
    """None if the smaller checkpoint's tree is a prefix of the larger one's, else why not."""
    if a.origin != b.origin:
        return f"checkpoints are from different logs: {a.origin!r} and {b.origin!r}"
    old, new = (a, b) if a.size <= b.size else (b, a)
    if old.size == new.size:
        return check_same_size_fork(old, new)
    if not merkle.verify_consistency(old.size, new.size, old.root, new.root, proof):
        return (
            f"fork: log {old.origin} at size {new.size} (root {new.root.hex()}) does not extend "
            f"size {old.size} (root {old.root.hex()}): consistency proof fails"
        )
    return None


def check_time_order(a: Checkpoint, b: Checkpoint) -> str | None:
    """A larger tree signed earlier than a smaller one means a clock or back-dating problem."""
    if a.origin != b.origin or a.time is None or b.time is None:
        return None
    old, new = (a, b) if a.size <= b.size else (b, a)
    assert old.time is not None and new.time is not None  # checked above
    if old.size < new.size and new.time < old.time:
        return (
            f"time goes backwards in log {old.origin}: size {new.size} signed at {new.time}, "
            f"earlier than size {old.size} signed at {old.time}"
        )
    return None
