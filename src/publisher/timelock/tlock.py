"""drand timelock encryption (tlock): age with one ``tlock`` stanza, byte-compatible with
drand's Go ``tlock`` and npm ``tlock-js``.

The age file key (16 random bytes) is IBE-encrypted (:mod:`.ibe`) to the identity
``SHA-256(u64be(round))`` — the message the chain signs at ``round`` — and written as the stanza
``-> tlock <round> <chain hash>`` with body ``U ‖ V ‖ W``. Whoever holds that round's beacon
signature recovers the file key, checks the header MAC and opens the payload. Pure: the caller
fetches the beacon; :func:`locked_to` says which one.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import os
import re
from dataclasses import dataclass

from publisher.beacon.chain import SCHEME_UNCHAINED_G1, BeaconError, ChainInfo, check_round
from publisher.beacon.verify import Beacon, beacon_message, check_beacon

from . import age, ibe
from .errors import (
    TimelockError,
    TimelockMalformed,
    TimelockNotYet,
    TimelockTampered,
    TimelockWrongChain,
    TimelockWrongRound,
)

STANZA_TYPE = "tlock"
_ROUND = re.compile(r"^[1-9][0-9]{0,19}$")
_HASH = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Lock:
    """What a ciphertext is locked to, read from its stanza without decrypting."""

    round: int
    chain_hash: str


def _check_chain(chain: ChainInfo) -> None:
    if chain.scheme != SCHEME_UNCHAINED_G1:  # pragma: no cover - ChainInfo admits no other today
        raise TimelockError(f"tlock is implemented for {SCHEME_UNCHAINED_G1} only, not {chain.scheme}")


def encrypt(plaintext: bytes, round: int, chain: ChainInfo, *, armor: bool = True) -> bytes:
    """Lock ``plaintext`` until ``round`` of ``chain``; fresh randomness for every call.

    Armored (PEM text, what ``tlock-js`` and ``tle -a`` write) unless ``armor=False``.
    """
    return encrypt_with(plaintext, round, chain, file_key=os.urandom(age.FILE_KEY_LEN),
                        sigma=os.urandom(age.FILE_KEY_LEN), nonce=os.urandom(age.NONCE_LEN), armor=armor)


def encrypt_with(plaintext: bytes, round: int, chain: ChainInfo, *, file_key: bytes, sigma: bytes,
                 nonce: bytes, armor: bool = True) -> bytes:
    """:func:`encrypt` with the three random values given. Only for worked examples and tests:
    a reused ``sigma`` or ``file_key`` breaks the encryption."""
    if not isinstance(plaintext, bytes):
        raise TimelockError("plaintext must be bytes")
    try:
        check_round(round)
    except BeaconError as exc:
        raise TimelockError(str(exc)) from exc
    _check_chain(chain)
    if len(file_key) != age.FILE_KEY_LEN or len(sigma) != age.FILE_KEY_LEN or len(nonce) != age.NONCE_LEN:
        raise TimelockError("file_key and sigma must be 16 bytes, nonce 16 bytes")
    ct = ibe.encrypt(chain.public_key, beacon_message(round), file_key, sigma)
    stanza = age.Stanza((STANZA_TYPE, str(round), chain.chain_hash), ct.to_bytes())
    data = age.encode([stanza], file_key, nonce, plaintext)
    return age.armor(data) if armor else data


def _parse(ciphertext: bytes) -> tuple[age.AgeFile, Lock, bytes]:
    if not isinstance(ciphertext, (bytes, bytearray)):
        raise TimelockMalformed("ciphertext must be bytes")
    data = age.dearmor(bytes(ciphertext)) if age.is_armored(ciphertext) else bytes(ciphertext)
    f = age.parse(data)
    if len(f.stanzas) != 1 or f.stanzas[0].args[0] != STANZA_TYPE:
        raise TimelockMalformed("expected exactly one 'tlock' stanza in the age header")
    st = f.stanzas[0]
    if len(st.args) != 3 or not _ROUND.fullmatch(st.args[1]) or not _HASH.fullmatch(st.args[2]):
        raise TimelockMalformed("tlock stanza must be '-> tlock <round> <64-hex chain hash>'")
    r = int(st.args[1])
    try:
        check_round(r)
    except BeaconError as exc:
        raise TimelockMalformed(str(exc)) from exc
    return f, Lock(r, st.args[2]), st.body


def locked_to(ciphertext: bytes) -> Lock:
    """The round and chain hash a ciphertext is locked to (strictly parsed, not decrypted)."""
    return _parse(ciphertext)[1]


def decrypt(ciphertext: bytes, beacon_signature: bytes | Beacon | None, chain: ChainInfo) -> bytes:
    """Open a tlock ciphertext with the beacon of the round it is locked to.

    ``beacon_signature`` is that round's signature (bytes, or a :class:`Beacon`), or ``None``
    when the round has no beacon yet. It is BLS-verified against ``chain`` first, so a wrong
    beacon is reported as such, not as tampering.
    """
    f, lock, body = _parse(ciphertext)
    _check_chain(chain)
    if lock.chain_hash != chain.chain_hash:
        raise TimelockWrongChain(
            f"ciphertext is locked to chain {lock.chain_hash[:8]}…, not {chain.short_hash}… ({chain.label or 'drand'})")
    if beacon_signature is None:
        due = _dt.datetime.fromtimestamp(chain.round_time(lock.round), _dt.UTC)
        raise TimelockNotYet(f"round {lock.round} of chain {chain.short_hash}… (due {due:%Y-%m-%dT%H:%M:%SZ}) "
                             "has no beacon yet; nobody can decrypt before it")
    if isinstance(beacon_signature, Beacon):
        if beacon_signature.round != lock.round:
            raise TimelockWrongRound(f"beacon is for round {beacon_signature.round}, ciphertext is locked to "
                                     f"round {lock.round}")
        signature = beacon_signature.signature
    else:
        signature = bytes(beacon_signature)
    try:
        check_beacon(chain, Beacon(round=lock.round, signature=signature))
    except (BeaconError, ValueError) as exc:
        raise TimelockWrongRound(f"signature is not chain {chain.short_hash}…'s beacon for round "
                                 f"{lock.round}: {exc}") from exc
    try:
        ct = ibe.Ciphertext.from_bytes(body, age.FILE_KEY_LEN)
    except TimelockError as exc:
        raise TimelockMalformed(f"tlock stanza body: {exc.detail}") from exc
    file_key = ibe.decrypt(signature, ct)
    if not hmac.compare_digest(age.header_mac(file_key, f.header_for_mac), f.mac):
        raise TimelockTampered("age header MAC does not match (header altered)")
    return age.open_payload(file_key, f.payload)
