"""Signed notes: every case of tests/vectors/signed-note-and-checkpoints.json plus the spec rules."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from publisher.core import note as note_mod
from publisher.core.keys import SigningKey
from publisher.core.note import (
    MAX_SIGNATURES,
    NoteError,
    Signer,
    Verifier,
    key_id,
    open_note,
    parse_note,
    sign_note,
)

REPO = Path(__file__).resolve().parents[2]
V = json.loads((REPO / "tests/vectors/signed-note-and-checkpoints.json").read_text("utf-8"))
CASES = V["cases"]
PETER_VKEY = V["vkey_parsing_go"]["valid"][0]
PETER = Verifier.from_vkey(PETER_VKEY)
QUOTE = V["signer_determinism"]["text"]
PETER_NOTE = V["signer_determinism"]["expected_signed_note"]


def go_private_key(skey: str) -> tuple[str, bytes]:
    """Parse golang.org/x/mod/sumdb/note's PRIVATE+KEY+<name>+<hex8>+base64(0x01||seed) (tests only)."""
    prefix, _, rest = skey.partition("+")
    word, _, rest = rest.partition("+")
    name, _, rest = rest.partition("+")
    hex8, _, b64 = rest.partition("+")
    assert (prefix, word) == ("PRIVATE", "KEY")
    raw = base64.b64decode(b64, validate=True)
    assert raw[0] == 0x01 and len(raw) == 33
    assert Signer(name, SigningKey.from_seed(raw[1:])).key_id.hex() == hex8
    return name, raw[1:]


def test_case_count():
    assert len(CASES) == 10  # guard: a truncated vector file must not shrink the tests silently


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_vector_case(case):
    verifiers = [Verifier.from_vkey(v) for v in case["vkeys"]]
    for v, vkey in zip(verifiers, case["vkeys"]):
        assert v.vkey == vkey  # parse and re-encode is lossless
    if case["id"] == "sigsum-test-checkpoint-size3-bad-sig":
        # The changed last character leaves non-zero padding bits: we refuse non-canonical
        # base64 before any crypto. The canonical re-encoding is tested separately below.
        with pytest.raises(NoteError, match="signature 1 is not canonical base64"):
            open_note(case["note"], verifiers)
        return
    text, sigs = parse_note(case["note"])  # every other case is syntactically a note
    assert case["note"].startswith(text)
    if case["expected"]:  # the no-known-keys case lists no expectations
        assert [(s.name, s.key_id.hex()) for s in sigs] == [(e["name"], e["key_id"]) for e in case["expected"]]
    valid = [e["name"] for e in case["expected"] if e["result"] == "valid"]
    if case["note_accepted"]:
        got_text, names = open_note(case["note"], verifiers)
        assert got_text == text and names == valid
        assert case["note"] == got_text + "\n" + "".join(s.line() for s in sigs)
    else:
        with pytest.raises(NoteError) as exc:
            open_note(case["note"], verifiers)
        msg = str(exc.value)
        if case["id"] == "go-note-no-known-keys":
            assert "no verifiable signatures" in msg
        else:
            assert "invalid signature for key PeterNeumann+c74f20a3" in msg


def test_bad_sig_vector_canonicalised_still_fails_as_invalid_signature():
    case = next(c for c in CASES if c["id"] == "sigsum-test-checkpoint-size3-bad-sig")
    head, _, b64 = case["note"].rstrip("\n").rpartition(" ")
    lenient = base64.b64decode(b64)  # what Go's decoder sees: the same bytes, different signature
    canonical = head + " " + base64.b64encode(lenient).decode() + "\n"
    with pytest.raises(NoteError, match="invalid signature for key sigsum.org/v1/tree/"):
        open_note(canonical, [Verifier.from_vkey(case["vkeys"][0])])


def test_unknown_signature_is_ignored_but_reported_by_parse():
    case = next(c for c in CASES if c["id"] == "go-note-one-known-key")
    _, sigs = parse_note(case["note"])
    assert [s.name for s in sigs] == ["PeterNeumann", "EnochRoot"]
    assert open_note(case["note"], [PETER])[1] == ["PeterNeumann"]


# --- malformed notes (Go badMsgs) and more ----------------------------------------------------------


@pytest.mark.parametrize("bad", V["malformed_notes_go"]["cases"], ids=range(len(V["malformed_notes_go"]["cases"])))
def test_go_malformed_notes(bad):
    with pytest.raises(NoteError, match="malformed note"):
        open_note(bad, [PETER])


def test_invalid_utf8_bytes_refused():
    # The case the vector file could not store: 0xFF || text || 0x0A || peterSig.
    sig_line = PETER_NOTE[len(QUOTE) + 1 :]
    raw = b"\xff" + QUOTE.encode() + b"\n" + sig_line.encode()
    with pytest.raises(NoteError, match="malformed note: not valid UTF-8"):
        open_note(raw, [PETER])
    assert open_note(PETER_NOTE.encode(), [PETER]) == (QUOTE, ["PeterNeumann"])  # bytes are fine


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda n: n.replace("— PeterNeumann", "— Peter Neumann"), "separated by exactly one space"),
        (lambda n: n.replace("— PeterNeumann", "— Peter\u3000Neumann"), "contains a space"),
        (lambda n: n.replace("— PeterNeumann", "— Peter+Neumann"), "contains '+'"),
        (lambda n: n.replace("— PeterNeumann", "—  PeterNeumann"), "key name is empty"),
        (lambda n: n.replace("— PeterNeumann", "-- PeterNeumann"), "does not start with '— '"),
        (lambda n: n.replace("— PeterNeumann", "—PeterNeumann"), "does not start with '— '"),
        (lambda n: n.replace("— PeterNeumann", "\u2013 PeterNeumann"), "does not start with '— '"),
        (lambda n: n.replace("PeterNeumann x08go", "PeterNeumann"), "has no signature"),
        (lambda n: n.replace("x08go/", "x08go/\t"), "control character"),
        (lambda n: n.replace("problem,\n", "problem,\r\n"), "control character U+000D"),
        (lambda n: n.replace("x08go/", "x08go-"), "not valid base64"),
        (lambda n: n.replace("AM=\n", "AM\n"), "not valid base64"),
        (lambda n: n.replace("x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", "x08goA=="), "shorter than 5 bytes"),  # noqa: E501
        (lambda n: n + "\n", "no signature lines"),
        (lambda n: n + "x y\n", "signature line 2 does not start with '— '"),
        (lambda n: n + "\n" + n[n.index("\n\n") + 2 :], "invalid signature"),  # text would include line 1
        (lambda n: n.replace("\n\n", "\n"), "no blank line"),
        (lambda n: n + n[n.index("\n\n") + 2 :].rstrip("\n"), "does not end in a newline"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_malformed_variants(mutate, reason):
    bad = mutate(PETER_NOTE)
    assert bad != PETER_NOTE
    with pytest.raises(NoteError, match=re.escape(reason)):
        open_note(bad, [PETER])


def test_signature_line_limit():
    key = SigningKey.from_seed(bytes(32))
    signer = Signer("log.example", key)
    note = sign_note("hello\n", [signer])
    line = note[len("hello\n\n") :]
    # lines by an unknown key are counted but never verified, so any 64 bytes will do
    other = note_mod.Signature("other.example", b"\x00\x00\x00\x01", bytes(64)).line()
    for extra in (15, MAX_SIGNATURES - 1):  # spec: accept at least 16 lines; we accept up to 100
        assert open_note(note + other * extra, [signer.verifier])[1] == ["log.example"]
    with pytest.raises(NoteError, match="more than 100 signature lines"):
        open_note(note + other * MAX_SIGNATURES, [signer.verifier])
    assert line.startswith("— log.example ")


# --- vkeys ------------------------------------------------------------------------------------------


def test_vkey_valid_round_trip():
    assert PETER.name == "PeterNeumann" and PETER.key_id.hex() == "c74f20a3"
    assert PETER.vkey == PETER_VKEY


@pytest.mark.parametrize("vkey", V["vkey_parsing_go"]["invalid"])
def test_vkey_go_invalid(vkey):
    with pytest.raises(NoteError):
        Verifier.from_vkey(vkey)


def test_vkey_every_prefix_suffix_and_single_byte_increment_refused():
    # Go's TestNewVerifier rule: any substring or single-byte increment of a valid vkey is refused.
    vk = PETER_VKEY
    variants = {vk[:i] for i in range(len(vk))} | {vk[i:] for i in range(1, len(vk))}
    variants |= {vk[:i] + chr(ord(vk[i]) + 1) + vk[i + 1 :] for i in range(len(vk))}
    variants |= {vk[:i] + vk[i + 1 :] for i in range(len(vk))}  # single deletions
    assert len(variants) > 3 * len(vk)
    for bad in variants:
        with pytest.raises(NoteError):
            Verifier.from_vkey(bad)


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "lowercase hex"),
        ("PeterNeumann+c74f20a3", "is not <name>"),
        ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key name is empty"),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "contains a space"),
        ("PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n", "not valid base64"),
    ],
)
def test_vkey_strictness(bad, reason):
    with pytest.raises(NoteError, match=reason):
        Verifier.from_vkey(bad)


def test_vkey_other_signature_types_refused():
    cosigner = V["generated_here_not_official"]["cosignature_v1"]["cosigner_vkey_type04"]
    with pytest.raises(NoteError, match="signature type 0x04 is not supported"):
        Verifier.from_vkey(cosigner)


# --- signing ----------------------------------------------------------------------------------------


def test_signer_determinism_go_vector():
    sd = V["signer_determinism"]
    name, seed = go_private_key(sd["private_key_string_TEST_ONLY"])
    signer = Signer(name, SigningKey.from_seed(seed))
    assert signer.vkey == sd["vkey"]
    assert sign_note(sd["text"], [signer]) == sd["expected_signed_note"]


def test_generated_log_checkpoint_note_reproduced():
    g = V["generated_here_not_official"]
    seed = bytes.fromhex(g["ed25519_seed_hex_TEST_ONLY"])
    key = SigningKey.from_seed(seed)
    assert key.public.raw.hex() == g["ed25519_public_key_hex"]
    log = g["log_checkpoint_empty_tree"]
    signer = Signer("example.gov.cn/shuangsuiji-demo-log", key)
    assert signer.vkey == log["log_vkey_type01"]
    body = log["note"][: log["note"].index("\n\n") + 1]
    assert sign_note(body, [signer]) == log["note"]


def test_cosignature_key_id_formula_and_coexistence():
    """Type 0x04 is not verified here, but its key id follows the same formula, and a
    cosignature line next to our log signature must be ignored, not rejected."""
    g = V["generated_here_not_official"]
    cos = g["cosignature_v1"]
    pub = bytes.fromhex(g["ed25519_public_key_hex"])
    assert key_id("witness.example/w1", pub, 0x04).hex() == "e75f6532"
    assert cos["cosigner_vkey_type04"].split("+")[1] == "e75f6532"
    payload = base64.b64decode(cos["signature_line"].split(" ")[2])
    assert len(payload) == 76 and payload[:4].hex() == "e75f6532"
    assert int.from_bytes(payload[4:12], "big") == cos["timestamp"]
    assert cos["signed_message"] == f"cosignature/v1\ntime {cos['timestamp']}\n" + cos["checkpoint_body"]

    log_signer = Signer("example.com/behind-the-sofa", SigningKey.from_seed(bytes.fromhex(g["ed25519_seed_hex_TEST_ONLY"])))
    signed = sign_note(cos["checkpoint_body"], [log_signer]) + cos["signature_line"] + "\n"
    text, names = open_note(signed, [log_signer.verifier])
    assert text == cos["checkpoint_body"] and names == ["example.com/behind-the-sofa"]
    assert [s.name for s in parse_note(signed)[1]] == ["example.com/behind-the-sofa", "witness.example/w1"]


def test_cosigned_message_example_is_a_well_formed_text():
    # The spec example has no published key: only its shape can be checked.
    msg = V["spec_examples_not_verifiable"]["cosigned_message_example"]
    note_mod.check_text(msg)
    with pytest.raises(NoteError, match="no blank line"):
        parse_note(msg)


def _signer(name: str, seed_byte: int) -> Signer:
    return Signer(name, SigningKey.from_seed(bytes([seed_byte]) * 32))


def test_round_trip_with_blank_lines_and_chinese_text():
    a, b = _signer("scjgj.example.gov.cn/log", 1), _signer("auditor.example", 2)
    for text in ["双随机、一公开\n", "\n", "a\n\nb\n", "ends with blank lines\n\n\n", "— looks like a sig\n"]:
        signed = sign_note(text, [a, b])
        assert open_note(signed, [a.verifier, b.verifier]) == (text, [a.name, b.name])
        assert open_note(signed, [b.verifier]) == (text, [b.name])


def test_tampering_rejected():
    a = _signer("log.example", 3)
    signed = sign_note("size 10\n", [a])
    with pytest.raises(NoteError, match="invalid signature"):
        open_note(signed.replace("size 10", "size 11"), [a.verifier])


def test_unknown_keys_sharing_name_or_id_are_ignored():
    a = _signer("log.example", 4)
    imposter = _signer("log.example", 5)  # same name, other key, so other key id
    assert imposter.key_id != a.key_id
    signed = sign_note("x\n", [imposter])
    with pytest.raises(NoteError, match="no verifiable signatures"):
        open_note(signed, [a.verifier])
    # same key id, other name: rewrite the name on a valid line
    renamed = sign_note("x\n", [a]).replace("— log.example ", "— other.example ")
    with pytest.raises(NoteError, match="no verifiable signatures"):
        open_note(renamed, [a.verifier])


def test_known_key_with_bad_signature_rejects_even_if_another_verifies():
    a, b = _signer("a.example", 6), _signer("b.example", 7)
    signed = sign_note("x\n", [a, b])
    sig_b = parse_note(signed)[1][1]
    broken = signed.replace(sig_b.line(), note_mod.Signature(sig_b.name, sig_b.key_id, bytes(64)).line())
    assert broken != signed
    assert open_note(broken, [a.verifier])[1] == ["a.example"]  # b unknown: ignored
    with pytest.raises(NoteError, match="invalid signature for key b.example"):
        open_note(broken, [a.verifier, b.verifier])


def test_wrong_length_signature_from_known_key_is_invalid():
    a = _signer("a.example", 8)
    line = note_mod.Signature(a.name, a.key_id, b"\x01" * 63).line()
    with pytest.raises(NoteError, match="invalid signature"):
        open_note("x\n\n" + line, [a.verifier])


def test_ambiguous_trusted_keys_refused():
    a = _signer("a.example", 9)

    class Colliding(Verifier):
        @property
        def key_id(self) -> bytes:  # a forged 32-bit collision
            return a.key_id

    other = Colliding("a.example", SigningKey.from_seed(bytes([10]) * 32).public.raw)
    with pytest.raises(NoteError, match="share name and key id"):
        open_note(sign_note("x\n", [a]), [a.verifier, other])
    assert open_note(sign_note("x\n", [a]), [a.verifier, a.verifier])[1] == ["a.example"]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("no newline", "does not end in a newline"),
        ("", "does not end in a newline"),
        ("tab\there\n", "control character U\\+0009"),
        ("nul\x00\n", "control character U\\+0000"),
        ("lone \ud800 surrogate\n", "not valid UTF-8"),
    ],
)
def test_sign_refuses_bad_text(text, reason):
    with pytest.raises(NoteError, match=reason):
        sign_note(text, [_signer("a.example", 11)])


def test_sign_refuses_no_or_duplicate_signers():
    a = _signer("a.example", 12)
    with pytest.raises(NoteError, match="at least one signer"):
        sign_note("x\n", [])
    with pytest.raises(NoteError, match="duplicate signer"):
        sign_note("x\n", [a, a])


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\u00a0b", "a\u3000b", "a\nb", "tab\t"])
def test_bad_signer_names(name):
    with pytest.raises(NoteError):
        _signer(name, 13)


def test_key_id_formula():
    a = _signer("a.example", 14)
    want = hashlib.sha256(b"a.example\n\x01" + a.verifier.public).digest()[:4]
    assert a.key_id == want == key_id("a.example", a.verifier.public)
