"""Boneh–Franklin identity-based encryption on BLS12-381, byte-compatible with drand's tlock.

tlock encrypts a short message (the age file key) to an *identity*: the message a drand chain
will sign at a future round. The round's BLS signature is the identity's private key, so once
the beacon is out anyone can decrypt, and before it nobody can (not even the encrypter).

This is the variant for chains whose signatures are on G1 and public key on G2
(``bls-unchained-g1-rfc9380``, drand quicknet; also our simulated chain): ``Q = H1(id)`` on G1
with the RFC 9380 G1 hash (DST ``BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_``), ciphertext
``U = r·G2`` (96-byte compressed), with the Fujisaki–Okamoto transform (``r = H3(σ, M)``) that
makes it CCA-secure. The hashes H2/H3/H4 and the GT byte order are exactly those of drand's
kyber ``encrypt/ibe`` and tlock-js ``crypto/ibe`` (spec: ``docs/spec/55-timelock.md``).

All group arithmetic is py-arkworks-bls12381; this module only hashes and XORs. Pure, no IO.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from publisher.beacon.chain import DST_G1

from .errors import TimelockError, TimelockTampered

R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
"""Order of the BLS12-381 groups (the scalar field)."""

U_LEN = 96  # compressed G2 point
MAX_MSG_LEN = 32  # H2 and H4 are SHA-256 outputs cut to the message length
GT_LEN = 576  # 12 base-field elements of 48 bytes


@dataclass(frozen=True)
class Ciphertext:
    """``U`` (r·G2, compressed), ``V = σ ⊕ H2(e(Q, P)^r)``, ``W = M ⊕ H4(σ)``."""

    U: bytes
    V: bytes
    W: bytes

    def to_bytes(self) -> bytes:
        """The tlock stanza body: ``U ‖ V ‖ W``."""
        return self.U + self.V + self.W

    @classmethod
    def from_bytes(cls, body: bytes, msg_len: int) -> Ciphertext:
        if len(body) != U_LEN + 2 * msg_len:
            raise TimelockError(f"IBE ciphertext must be {U_LEN + 2 * msg_len} bytes, got {len(body)}")
        return cls(body[:U_LEN], body[U_LEN:U_LEN + msg_len], body[U_LEN + msg_len:])


def gt_to_bytes(gt: GT) -> bytes:
    """drand's serialization of a GT element: 12 Fp coefficients, each 48 bytes big-endian,
    highest tower coefficient first (c1.c2.c1, c1.c2.c0, …, c0.c0.c0).

    arkworks writes the same coefficients lowest first, each little-endian; its ``str(GT)`` is
    the hex of that. drand's order is therefore exactly the byte reversal of arkworks'.
    """
    raw = bytes.fromhex(str(gt))
    if len(raw) != GT_LEN:  # pragma: no cover - guards a change in the binding's str()
        raise TimelockError(f"unexpected GT encoding length {len(raw)}")
    return raw[::-1]


def h2(gt: GT, n: int) -> bytes:
    """``SHA-256("IBE-H2" ‖ gt_bytes)[:n]``: the mask for σ."""
    return hashlib.sha256(b"IBE-H2" + gt_to_bytes(gt)).digest()[:n]


def h3(sigma: bytes, msg: bytes) -> Scalar:
    """``r`` from (σ, M): ``h = SHA-256("IBE-H3" ‖ σ ‖ M)``, then for ``i = 1, 2, …`` the first
    ``d = SHA-256(u16le(i) ‖ h)`` with its top bit cleared that is ``< R``, read big-endian."""
    h = hashlib.sha256(b"IBE-H3" + sigma + msg).digest()
    for i in range(1, 65535):
        d = bytearray(hashlib.sha256(i.to_bytes(2, "little") + h).digest())
        d[0] >>= 1
        if int.from_bytes(d, "big") < R:
            return Scalar.from_be_bytes(bytes(d))
    raise TimelockError("H3 found no scalar")  # pragma: no cover - probability ~2^-65000


def h4(sigma: bytes, n: int) -> bytes:
    """``SHA-256("IBE-H4" ‖ σ)[:n]``: the mask for the message."""
    return hashlib.sha256(b"IBE-H4" + sigma).digest()[:n]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def identity_point(identity: bytes) -> G1Point:
    """``Q_id``: the identity hashed to G1 exactly as the chain hashes the message it signs."""
    return G1Point.hash_to_curve(identity, DST_G1)


def encrypt(public_key: bytes, identity: bytes, msg: bytes, sigma: bytes) -> Ciphertext:
    """Encrypt ``msg`` (1..32 bytes) to ``identity`` under the chain's G2 ``public_key``.

    ``sigma`` must be ``len(msg)`` fresh random bytes: it determines ``r``, so reusing it leaks.
    """
    if not 1 <= len(msg) <= MAX_MSG_LEN:
        raise TimelockError(f"IBE message must be 1..{MAX_MSG_LEN} bytes, got {len(msg)}")
    if len(sigma) != len(msg):
        raise TimelockError("sigma must be as long as the message")
    try:
        master = G2Point.from_compressed_bytes(public_key)
    except (ValueError, TypeError) as exc:
        raise TimelockError(f"chain public key is not a G2 point: {exc}") from exc
    if master == G2Point.identity():
        raise TimelockError("chain public key is the point at infinity")
    r = h3(sigma, msg)
    u = G2Point() * r
    r_gid = GT.pairing(identity_point(identity) * r, master)  # = e(Q, P)^r by bilinearity
    return Ciphertext(
        U=u.to_compressed_bytes(),
        V=_xor(sigma, h2(r_gid, len(msg))),
        W=_xor(msg, h4(sigma, len(msg))),
    )


def decrypt(signature: bytes, ct: Ciphertext) -> bytes:
    """Open ``ct`` with the identity's private key: the chain's G1 signature on the identity.

    Raises :class:`TimelockTampered` when the Fujisaki–Okamoto check ``U == H3(σ, M)·G2``
    fails: the ciphertext was altered, or the signature is not the one for this identity.
    """
    n = len(ct.W)
    if len(ct.V) != n or not 1 <= n <= MAX_MSG_LEN:
        raise TimelockTampered("IBE ciphertext parts V and W have invalid lengths")
    try:
        key = G1Point.from_compressed_bytes(signature)
    except (ValueError, TypeError) as exc:
        raise TimelockError(f"beacon signature is not a G1 point: {exc}") from exc
    try:
        u = G2Point.from_compressed_bytes(ct.U)  # checks curve and subgroup
    except (ValueError, TypeError) as exc:
        raise TimelockTampered(f"IBE ciphertext U is not a G2 point: {exc}") from exc
    if u == G2Point.identity() or u.to_compressed_bytes() != ct.U:
        raise TimelockTampered("IBE ciphertext U is the point at infinity or not canonically encoded")
    sigma = _xor(h2(GT.pairing(key, u), n), ct.V)
    msg = _xor(h4(sigma, n), ct.W)
    if G2Point() * h3(sigma, msg) != u:
        raise TimelockTampered("IBE consistency check U = H3(sigma, M)·G2 failed")
    return msg
