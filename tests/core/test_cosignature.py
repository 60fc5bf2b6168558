"""C2SP tlog-cosignature/v1: the spec's own example, and every way a cosignature must fail."""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import pytest

from ledgertools import det_key
from publisher.core.cosignature import (
    Cosigner,
    WitnessKey,
    add_signatures,
    cosignature_key_id,
    cosigned_message,
    quorum_time,
    witness_times,
)
from publisher.core.note import NoteError, Signer, key_id, open_note, parse_note, sign_note

VECTORS = Path(__file__).parents[1] / "vectors" / "signed-note-and-checkpoints.json"  # = ../shared/vectors/

# c2sp.org/tlog-cosignature, "Format": the example checkpoint with a witness cosignature line.
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_COSIG = ("— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2"
              "oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n")


def vectors() -> dict:
    return json.loads(VECTORS.read_text("utf-8"))


def test_cosigned_message_matches_the_spec_example():
    expected = vectors()["spec_examples_not_verifiable"]["cosigned_message_example"]
    assert cosigned_message(SPEC_BODY, 1679315147) == expected.encode("utf-8")


def test_spec_example_line_is_a_timestamped_signature():
    """The example line decodes as key id || u64 timestamp || 64-byte signature (76 bytes), and
    its timestamp is the one in the spec's signed-message example."""
    _, sigs = parse_note(SPEC_BODY + "\n" + SPEC_COSIG)
    (sig,) = sigs
    assert sig.name == "witness.example.com/w1" and sig.key_id.hex() == "8d66cf3f"
    assert len(sig.signature) == 72 and struct.unpack(">Q", sig.signature[:8])[0] == 1679315147


def test_cosignature_round_trip_and_key_id_type_byte():
    c = Cosigner("witness.test/w1", det_key("w1"))
    pub = det_key("w1").public.raw
    assert c.witness.key_id == cosignature_key_id("witness.test/w1", pub) != key_id("witness.test/w1", pub)
    assert WitnessKey.from_vkey(c.vkey) == c.witness
    assert base64.b64decode(c.vkey.split("+")[2])[0] == 0x04
    log = Signer("portal.test/county", det_key("log"))
    note = sign_note(SPEC_BODY.replace("example.com/behind-the-sofa", "portal.test/county"), [log])
    text, _ = parse_note(note)
    cosigned = note + c.cosign(text, 1767225600).line()
    assert witness_times(cosigned, [c.witness]) == (text, {"witness.test/w1": 1767225600})
    # the log's own verifier ignores the cosignature (unknown key id: type 0x04, not 0x01)
    assert open_note(cosigned, [log.verifier]) == (text, ["portal.test/county"])


def test_a_log_key_vkey_is_not_a_witness_key():
    with pytest.raises(NoteError, match="not a cosignature/v1 Ed25519 key"):
        WitnessKey.from_vkey(Signer("w.test/x", det_key("x")).vkey)


def test_tampered_body_or_timestamp_rejects_the_whole_note():
    c = Cosigner("witness.test/w1", det_key("w1"))
    log = Signer("portal.test/county", det_key("log"))
    note = sign_note("portal.test/county\n3\n" + base64.b64encode(bytes(32)).decode() + "\ntime 5\n", [log])
    text, _ = parse_note(note)
    sig = c.cosign(text, 100)
    forged_time = type(sig)(sig.name, sig.key_id, struct.pack(">Q", 99) + sig.signature[8:])
    with pytest.raises(NoteError, match="invalid cosignature by witness witness.test/w1"):
        witness_times(note + forged_time.line(), [c.witness])
    other = note.replace("\n3\n", "\n4\n")
    with pytest.raises(NoteError, match="invalid cosignature"):
        witness_times(other + sig.line(), [c.witness])
    with pytest.raises(NoteError, match="cosigned the same checkpoint twice"):
        witness_times(note + sig.line() + c.cosign(text, 101).line(), [c.witness])


def test_unknown_witnesses_are_ignored_and_add_signatures_dedupes():
    a, b = Cosigner("w.test/a", det_key("a")), Cosigner("w.test/b", det_key("b"))
    log = Signer("portal.test/county", det_key("log"))
    note = sign_note("portal.test/county\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ntime 1\n", [log])
    text, _ = parse_note(note)
    both = add_signatures(note, [a.cosign(text, 7), b.cosign(text, 9), a.cosign(text, 8)])
    assert both.count("w.test/a") == 1
    assert witness_times(both, [b.witness])[1] == {"w.test/b": 9}


def test_quorum_time_is_the_kth_earliest():
    assert quorum_time([30, 10, 20], 2) == 20
    assert quorum_time([30, 10, 20], 3) == 30
    assert quorum_time([10], 2) is None
    assert quorum_time([], 1) is None


def test_spec_cosignature_example_matches_code():
    """docs/spec/30-checkpoints.md §3.8's worked example is what the code computes."""
    import hashlib
    import re

    from publisher.vectors import example_key

    text = (Path(__file__).parents[2] / "docs/spec/30-checkpoints.md").read_text("utf-8")
    block = re.search(r"^```vector cosignature-example\n(.*?)^```$", text, re.S | re.M).group(1)
    doc = dict(line.split(" = ", 1) for line in block.strip().splitlines())
    note = re.search(r"^```note checkpoint-example\n(.*?)^```$", text, re.S | re.M).group(1)
    body, _ = parse_note(note)
    c = Cosigner("witness.example.edu.cn/w1", example_key("witness"))
    sig = c.cosign(body, 1767225660)
    assert doc == {
        "public_key": c.witness.public.hex(), "name": c.name, "key_id": c.witness.key_id.hex(), "vkey": c.vkey,
        "timestamp": "1767225660",
        "message_sha256": hashlib.sha256(cosigned_message(body, 1767225660)).hexdigest(),
        "signature_hex": sig.signature[8:].hex(), "cosignature_line": sig.line().rstrip("\n"),
    }
    assert witness_times(note + sig.line(), [WitnessKey.from_vkey(doc["vkey"])])[1] == {c.name: 1767225660}
