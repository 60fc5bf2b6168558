"""encrypt/decrypt: the real Go-made quicknet ciphertext, round trips, and every attack."""

from __future__ import annotations

import base64

import pytest
from tl_support import QUICKNET, QUICKNET_BEACONS, SIM, TLOCK_VECTORS

from publisher import timelock
from publisher.beacon.chain import ChainInfo
from publisher.beacon.simulated import SimulatedBeacon
from publisher.beacon.verify import Beacon
from publisher.timelock import (
    TimelockError,
    TimelockMalformed,
    TimelockNotYet,
    TimelockTampered,
    TimelockWrongChain,
    TimelockWrongRound,
    age,
)

GO_CT = TLOCK_VECTORS["armored_ciphertext"].encode()
GO_ROUND = TLOCK_VECTORS["round"]


def test_decrypts_the_real_ciphertext_made_by_drands_go_tlock():
    assert timelock.locked_to(GO_CT) == timelock.Lock(GO_ROUND, QUICKNET.chain_hash)
    assert timelock.decrypt(GO_CT, QUICKNET_BEACONS[GO_ROUND].signature, QUICKNET) == b"hello world"
    assert timelock.decrypt(GO_CT, QUICKNET_BEACONS[GO_ROUND], QUICKNET) == b"hello world"


@pytest.mark.parametrize("armor", [True, False])
def test_round_trip_on_quicknet_and_simulated(armor):
    secret = bytes(range(32))
    ct = timelock.encrypt(secret, GO_ROUND, QUICKNET, armor=armor)
    assert ct.startswith(b"-----BEGIN AGE") == armor
    assert timelock.decrypt(ct, QUICKNET_BEACONS[GO_ROUND].signature, QUICKNET) == secret
    ct = timelock.encrypt(secret, 77, SIM.chain, armor=armor)
    assert timelock.decrypt(ct, SIM.beacon(77), SIM.chain) == secret


def test_every_encryption_is_fresh():
    a, b = (timelock.encrypt(b"same", 77, SIM.chain) for _ in range(2))
    assert a != b


def test_encrypt_with_is_deterministic():
    kw = dict(file_key=b"f" * 16, sigma=b"s" * 16, nonce=b"n" * 16)
    assert timelock.encrypt_with(b"x", 77, SIM.chain, **kw) == timelock.encrypt_with(b"x", 77, SIM.chain, **kw)


def test_not_yet_available_without_a_beacon():
    ct = timelock.encrypt(b"s", 2_000_000_000, QUICKNET)
    with pytest.raises(TimelockNotYet, match=r"tlock.not-yet: round 2000000000 of chain 52db9ba7… "
                                              r"\(due 2213-.*\) has no beacon yet"):
        timelock.decrypt(ct, None, QUICKNET)


def test_another_rounds_real_signature_is_refused_as_wrong_round():
    with pytest.raises(TimelockWrongRound, match=r"tlock.wrong-round: signature is not chain 52db9ba7…'s "
                                                 r"beacon for round 12040883"):
        timelock.decrypt(GO_CT, QUICKNET_BEACONS[123].signature, QUICKNET)


def test_a_beacon_object_for_another_round_is_refused():
    with pytest.raises(TimelockWrongRound, match="beacon is for round 123, ciphertext is locked to round 12040883"):
        timelock.decrypt(GO_CT, QUICKNET_BEACONS[123], QUICKNET)


def test_another_chains_signature_for_the_same_round_is_refused():
    other = SimulatedBeacon(b"another office's simulated chain", genesis_time=1_700_000_000)
    ct = timelock.encrypt(b"s", 77, SIM.chain)
    with pytest.raises(TimelockWrongRound, match="BLS signature does not verify"):
        timelock.decrypt(ct, other.beacon(77).signature, SIM.chain)


def test_wrong_chain_is_refused_before_any_crypto():
    with pytest.raises(TimelockWrongChain, match=r"tlock.wrong-chain: ciphertext is locked to chain 52db9ba7…, "
                                                 r"not [0-9a-f]{8}… \(SIMULATED"):
        timelock.decrypt(GO_CT, SIM.beacon(GO_ROUND), SIM.chain)


def test_a_chain_claiming_quicknets_hash_with_another_key_cannot_decrypt():
    # the stanza names quicknet; a verifier misconfigured with a different key must not "decrypt"
    fake = ChainInfo(chain_hash=QUICKNET.chain_hash, public_key=SIM.chain.public_key, period=3,
                     genesis_time=QUICKNET.genesis_time)
    with pytest.raises(TimelockWrongRound, match="BLS signature does not verify"):
        timelock.decrypt(GO_CT, QUICKNET_BEACONS[GO_ROUND].signature, fake)


def _binary(ct: bytes) -> bytearray:
    return bytearray(age.dearmor(ct))


def test_tampered_header_argument_is_caught():
    data = _binary(timelock.encrypt(b"secret", 77, SIM.chain))
    i = data.index(b"-> tlock 77 ") + len(b"-> tlock 77 ")
    h = data[i:i + 64].decode()
    data[i:i + 64] = h.upper().encode()  # same chain hash, non-canonical hex
    with pytest.raises(TimelockMalformed, match="tlock stanza must be"):
        timelock.decrypt(bytes(data), SIM.beacon(77), SIM.chain)


def test_tampered_round_is_refused_by_the_beacon_check():
    # moving the lock to another round: the beacon for the new round opens nothing
    data = bytes(_binary(timelock.encrypt(b"secret", 77, SIM.chain))).replace(b"-> tlock 77 ", b"-> tlock 78 ")
    with pytest.raises(TimelockTampered, match="IBE consistency check"):
        timelock.decrypt(data, SIM.beacon(78), SIM.chain)


def test_tampered_stanza_body_is_caught():
    data = _binary(timelock.encrypt(b"secret", 77, SIM.chain))
    f = age.parse(bytes(data))
    body = bytearray(f.stanzas[0].body)
    body[100] ^= 1  # inside V
    st = age.Stanza(f.stanzas[0].args, bytes(body))
    rebuilt = age.VERSION_LINE + st.encode() + b"---" + bytes(data[len(f.header_for_mac):])
    with pytest.raises(TimelockTampered, match="IBE consistency check"):
        timelock.decrypt(rebuilt, SIM.beacon(77), SIM.chain)


def test_tampered_header_mac_is_caught():
    data = _binary(timelock.encrypt(b"secret", 77, SIM.chain))
    f = age.parse(bytes(data))
    forged = f.header_for_mac + b" " + age.b64raw(bytes(32)) + b"\n" + f.payload
    with pytest.raises(TimelockTampered, match="tlock.tampered: age header MAC does not match"):
        timelock.decrypt(forged, SIM.beacon(77), SIM.chain)


def test_tampered_payload_is_caught():
    data = _binary(timelock.encrypt(b"secret", 77, SIM.chain))
    data[-1] ^= 0x80
    with pytest.raises(TimelockTampered, match="age payload chunk 0 fails authentication"):
        timelock.decrypt(bytes(data), SIM.beacon(77), SIM.chain)
    with pytest.raises(TimelockTampered, match="age payload chunk 0 fails authentication"):
        timelock.decrypt(bytes(data[:-1]), SIM.beacon(77), SIM.chain)


def test_tampered_armor_is_caught():
    arm = bytearray(timelock.encrypt(b"secret", 77, SIM.chain))
    line_end = arm.index(b"\n", 40)
    arm[line_end - 1:line_end - 1] = b"A"  # a 65-column line
    with pytest.raises(TimelockMalformed, match="armor lines must be 64 columns"):
        timelock.decrypt(bytes(arm), SIM.beacon(77), SIM.chain)


@pytest.mark.parametrize("stanzas, message", [
    ([("X25519", "abc")], "exactly one 'tlock' stanza"),
    ([("tlock", "77", "ab" * 32), ("tlock", "77", "ab" * 32)], "exactly one 'tlock' stanza"),
    ([("tlock", "077", "ab" * 32)], "tlock stanza must be"),
    ([("tlock", "0", "ab" * 32)], "tlock stanza must be"),
    ([("tlock", "77")], "tlock stanza must be"),
    ([("tlock", "18446744073709551616", "ab" * 32)], "round must be an integer in 1..2"),
])
def test_stanza_shape_is_strict(stanzas, message):
    data = age.encode([age.Stanza(a, b"b" * 128) for a in stanzas], b"f" * 16, b"n" * 16, b"p")
    with pytest.raises(TimelockMalformed, match=message):
        timelock.locked_to(data)


def test_body_of_the_wrong_length_is_malformed():
    data = age.encode([age.Stanza(("tlock", "77", SIM.chain.chain_hash), b"b" * 127)], b"f" * 16, b"n" * 16, b"p")
    with pytest.raises(TimelockMalformed, match="tlock stanza body: IBE ciphertext must be 128 bytes, got 127"):
        timelock.decrypt(data, SIM.beacon(77), SIM.chain)


def test_garbage_is_malformed_not_a_traceback():
    for junk in (b"", b"hello", base64.b64encode(b"x" * 100), "text"):
        with pytest.raises(TimelockMalformed):
            timelock.decrypt(junk, SIM.beacon(77), SIM.chain)  # type: ignore[arg-type]


def test_bad_encrypt_arguments():
    with pytest.raises(TimelockError, match="round must be an integer"):
        timelock.encrypt(b"x", 0, SIM.chain)
    with pytest.raises(TimelockError, match="plaintext must be bytes"):
        timelock.encrypt("x", 5, SIM.chain)  # type: ignore[arg-type]
    assert issubclass(TimelockTampered, TimelockError) and issubclass(TimelockError, ValueError)
    assert Beacon  # imported for the Beacon-typed decrypt path above
