"""Worked timelock examples for ``docs/vectors/timelock-example.json`` (``make vectors``).

Every intermediate value of one encryption and its decryption, on the real quicknet chain
(round 12040883, whose real signature drand published) and on the demo simulated chain. The
three random inputs are fixed here — ``SHA-256("ssgk/timelock-example/v1" ‖ 0x00 ‖ label)[:16]``
— which is only ever acceptable for an example.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from py_arkworks_bls12381 import GT, G1Point, G2Point

from publisher.beacon import QUICKNET
from publisher.beacon.chain import ChainInfo
from publisher.beacon.simulated import SimulatedBeacon
from publisher.beacon.verify import beacon_message

from . import age, ibe
from .tlock import decrypt, encrypt_with

QUICKNET_ROUND = 12040883
QUICKNET_SIGNATURE = bytes.fromhex(
    "929906c959032ab363c9f26570d215d66f5c06cb0c44fe508c12bb5839f04ec895bb6868e5b9ff13ab289bdb5266b394")
DEMO_SEED, DEMO_GENESIS, DEMO_ROUND = b"ssgk demo beacon", 1767225600, 1000


def example_random(label: str) -> bytes:
    return hashlib.sha256(b"ssgk/timelock-example/v1\x00" + label.encode()).digest()[:16]


def _example(chain: ChainInfo, round: int, signature: bytes, plaintext: bytes, label: str) -> dict[str, Any]:
    fk, sigma, nonce = (example_random(f"{label}/{p}") for p in ("file_key", "sigma", "nonce"))
    binary = encrypt_with(plaintext, round, chain, file_key=fk, sigma=sigma, nonce=nonce, armor=False)
    f = age.parse(binary)
    ct = ibe.Ciphertext.from_bytes(f.stanzas[0].body, age.FILE_KEY_LEN)
    identity = beacon_message(round)
    r = ibe.h3(sigma, fk)
    gt = GT.pairing(G1Point.from_compressed_bytes(signature), G2Point.from_compressed_bytes(ct.U))
    armored = age.armor(binary)
    assert decrypt(armored, signature, chain) == plaintext
    return {
        "chain_hash": chain.chain_hash,
        "chain_public_key": chain.public_key.hex(),
        "round": round,
        "plaintext_hex": plaintext.hex(),
        "inputs": {"file_key": fk.hex(), "sigma": sigma.hex(), "payload_nonce": nonce.hex()},
        "ibe": {
            "identity": identity.hex(),
            "r": r.to_be_bytes().hex(),
            "U": ct.U.hex(),
            "h4_sigma": ibe.h4(sigma, 16).hex(),
            "V": ct.V.hex(),
            "W": ct.W.hex(),
        },
        "age": {
            "stanza_body_b64": base64.b64encode(f.stanzas[0].body).decode().rstrip("="),
            "header_for_mac": f.header_for_mac.decode("ascii"),
            "hmac_key": age._hkdf(fk, b"", b"header").hex(),
            "mac": f.mac.hex(),
            "payload_key": age._hkdf(fk, nonce, b"payload").hex(),
            "payload_hex": f.payload.hex(),
            "file_hex": binary.hex(),
            "armored": armored.decode("ascii"),
        },
        "decryption": {
            "beacon_signature": signature.hex(),
            "e_signature_U_gt_bytes": ibe.gt_to_bytes(gt).hex(),
            "h2_mask": ibe.h2(gt, 16).hex(),
        },
    }


def timelock_vectors() -> dict[str, object]:
    demo = SimulatedBeacon(DEMO_SEED, DEMO_GENESIS)
    secret = hashlib.sha256(b"example embargo secret").digest()
    return {
        "timelock-example.json": {
            "description": "drand tlock (age + Boneh-Franklin IBE on BLS12-381, scheme bls-unchained-g1-rfc9380): "
                           "every intermediate value of one encryption of a 32-byte embargo secret and of its "
                           "decryption with the round's beacon signature, spec docs/spec/55-timelock.md. "
                           "Random inputs are fixed EXAMPLE values: SHA-256('ssgk/timelock-example/v1' || 0x00 || "
                           "label)[:16]. 'quicknet' uses the real drand quicknet chain and the real signature of "
                           "round 12040883; 'simulated' the demo chain (seed 'ssgk demo beacon', genesis 1767225600).",
            "quicknet": _example(QUICKNET, QUICKNET_ROUND, QUICKNET_SIGNATURE, secret, "quicknet"),
            "simulated": _example(demo.chain, DEMO_ROUND, demo.beacon(DEMO_ROUND).signature, secret, "simulated"),
        }
    }
