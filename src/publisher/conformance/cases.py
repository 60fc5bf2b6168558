"""The cases: one honest county each, then at most one manipulation (the attacker's move).

A case function builds its ledger under ``root`` (a directory named ``ledger``) and returns the
problems a verifier MUST report, as :class:`Expect` rows. The rows are written from the spec,
not read from a verifier; :mod:`.generate` refuses a case the reference verifier disagrees with.
``JS`` marks the families the browser verifier's JS core implements (see the suite's README).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from publisher.core.entry import OPERATOR

from .county import County, Workflow, iso, key, rewrite_entry

# Families the JS core (theme/verifier/src: entry.js, json.js, note.js, merkle.js) implements on
# a raw ledger; the others need the draw/workflow rules, which run in the browser only on the
# built site's per-draw proof files (spec §9), not on a ledger.
JS = {"envelope", "canonical", "signatures", "chains", "log", "checkpoints", "witnesses"}


@dataclass(frozen=True)
class Expect:
    rule: str
    file: str
    entry_id: str = ""
    severity: str = "error"

    def json(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity, "file": self.file, "entry_id": self.entry_id}


@dataclass(frozen=True)
class Case:
    name: str
    family: str
    description: str
    build: Callable[[Path], list[Expect]]

    @property
    def js(self) -> bool:
        return self.family in JS


CASES: list[Case] = []


def case(family: str, description: str):
    def register(fn):
        CASES.append(Case(fn.__name__.replace("_", "-"), family, description, fn))
        return fn
    return register


def efile(office: str, seq: int) -> str:
    return f"ledger/entries/{office}/{seq:08d}.json"


def base(root: Path, **kw) -> County:
    """operator/1-2 register scjgj and its key; scjgj/1-2 are notices; a checkpoint of 4."""
    c = County(root, **kw)
    c.office("scjgj", "市场监督管理局", "Market Regulation Bureau")
    c.notice("scjgj", "2026年度抽查计划已公示", "示例 <b>不是</b> HTML")
    c.notice("scjgj", "第二则公告")
    c.checkpoint()
    return c


def done(c: County, out: list[Expect]) -> list[Expect]:
    c.finish()
    return out


def ids(c: County) -> list[str]:
    return c.log_ids()


# -- valid ledgers --------------------------------------------------------------------------------

@case("log", "An honest ledger: two operator entries, two notices, a checkpoint. VALID, no problem.")
def valid_minimal(root):
    return done(base(root), [])


# -- envelope -----------------------------------------------------------------------------------------

@case("envelope", "An entry file gains an extra top-level member `x` (the envelope has exactly eight).")
def envelope_extra_member(root):
    c = base(root)
    rewrite_entry(root, "scjgj", 2, lambda o: {**o, "x": 1})
    return done(c, [Expect("envelope", efile("scjgj", 2), ids(c)[3])])


@case("envelope", "An entry file repeats the member `seq` (duplicate members are refused, §1.9).")
def envelope_duplicate_member(root):
    c = base(root)
    p = root / "entries" / "scjgj" / "00000002.json"
    text = p.read_text("utf-8")
    p.write_text(text.replace('"seq": 2,', '"seq": 2,\n "seq": 2,', 1), "utf-8")
    return done(c, [Expect("envelope", efile("scjgj", 2), ids(c)[3])])


@case("envelope", "`sig.ed25519` holds a non-base64 character (base64 MUST be strict, §1.1).")
def envelope_bad_base64(root):
    c = base(root)
    rewrite_entry(root, "scjgj", 2, lambda o: {**o, "sig": {**o["sig"], "ed25519": "!" + o["sig"]["ed25519"][1:]}})
    return done(c, [Expect("envelope", efile("scjgj", 2), ids(c)[3])])


@case("envelope", "`v` is 2 (only envelope version 1 exists).")
def envelope_version(root):
    c = base(root)
    rewrite_entry(root, "scjgj", 2, lambda o: {**o, "v": 2})
    return done(c, [Expect("envelope", efile("scjgj", 2), ids(c)[3])])


@case("envelope", "`\"v\": 1` written as `\"v\": 1.0`: the same signed bytes under JCS, but entries hold "
      "integers only (§1.9, settled point 20).")
def envelope_float(root):
    c = base(root)
    p = root / "entries" / "scjgj" / "00000002.json"
    text = p.read_text("utf-8")
    assert '"v": 1\n' in text
    p.write_text(text.replace('"v": 1\n', '"v": 1.0\n'), "utf-8")
    return done(c, [Expect("envelope", efile("scjgj", 2), ids(c)[3])])


# -- canonical form -------------------------------------------------------------------------------------

@case("canonical", "An entry file rewritten compactly, members in reverse order, non-ASCII as \\u escapes: "
      "the signed bytes (JCS) are unchanged, so the id and signature are. VALID.")
def canonical_reformatted(root):
    c = base(root)

    def compact(o):
        rev = dict(sorted(o.items(), reverse=True))
        return json.dumps(rev, ensure_ascii=True, separators=(",", ":")).encode()

    rewrite_entry(root, "scjgj", 1, compact)
    return done(c, [])


@case("canonical", "One character of a notice's text changed: the file hashes to another id than the log "
      "line names (`hash`), and the signature no longer verifies (`signature`, located by the file's id).")
def canonical_body_changed(root):
    c = base(root)
    p = rewrite_entry(root, "scjgj", 1, lambda o: {**o, "body": {**o["body"], "text": o["body"]["text"] + "。"}})
    from publisher.core.entry import from_bytes
    new_id = from_bytes(p.read_bytes()).id
    return done(c, [Expect("hash", efile("scjgj", 1), ids(c)[2]), Expect("signature", efile("scjgj", 1), new_id)])


# -- signatures ---------------------------------------------------------------------------------------------

@case("signatures", "An office entry signed by a key nobody registered.")
def sig_unregistered_key(root):
    c = base(root)
    e = c.append("scjgj", "notice", {"title": "通知", "text": "x"}, signer=key("intruder"))
    return done(c, [Expect("signature", efile("scjgj", 3), e.id)])


@case("signatures", "The signature's first byte flipped in the file (the id is unchanged: `sig` is not signed).")
def sig_bitflip(root):
    c = base(root)

    def flip(o):
        raw = bytearray(base64.b64decode(o["sig"]["ed25519"]))
        raw[0] ^= 1
        return {**o, "sig": {**o["sig"], "ed25519": base64.b64encode(bytes(raw)).decode()}}

    rewrite_entry(root, "scjgj", 2, flip)
    return done(c, [Expect("signature", efile("scjgj", 2), ids(c)[3])])


@case("signatures", "The office's key is revoked (rotation); a later entry still signed with it.")
def sig_revoked_key(root):
    c = base(root)
    old = c.keys["scjgj"]
    new = key("office:scjgj:2")
    t = c.tick()
    c.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": new.id, "public_key": new.public.b64,
                                        "valid_from": t}, time=t)
    c.append(OPERATOR, "key.revoke", {"office": "scjgj", "key_id": old.id, "reason": "rotation",
                                      "remark": "年度轮换"})
    ok = c.append("scjgj", "notice", {"title": "新密钥", "text": "ok"}, signer=new)
    bad = c.append("scjgj", "notice", {"title": "旧密钥", "text": "x"}, signer=old)
    assert ok.seq == 3
    return done(c, [Expect("signature", efile("scjgj", 4), bad.id)])


@case("signatures", "An entry signed by a newly registered key before that key's `valid_from`.")
def sig_before_valid_from(root):
    c = base(root)
    new = key("office:scjgj:2")
    c.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": new.id, "public_key": new.public.b64,
                                        "valid_from": "2026-02-01T00:00:00Z"})
    e = c.append("scjgj", "notice", {"title": "通知", "text": "x"}, signer=new)
    return done(c, [Expect("signature", efile("scjgj", 3), e.id)])


@case("signatures", "A key compromised: the operator revokes it with `compromised_since`; the thief's entry "
      "after that time is void (warning `compromised`), the ledger stays VALID.")
def sig_compromised_void(root):
    c = base(root)
    stolen = c.append("scjgj", "notice", {"title": "伪造", "text": "x"})
    c.append(OPERATOR, "key.revoke", {"office": "scjgj", "key_id": c.keys["scjgj"].id, "reason": "compromise",
                                      "compromised_since": stolen.time})
    return done(c, [Expect("compromised", efile("scjgj", 3), stolen.id, "warning")])


# -- chains ---------------------------------------------------------------------------------------------

@case("chains", "A log line repeated at the end (a replayed entry): wrong seq and prev (`chain` twice) and a "
      "time earlier than the office's last (`time`); the office's head stays at 2, so no file is an orphan.")
def chain_replayed_line(root):
    c = base(root)
    with open(root / "log", "a", encoding="utf-8") as f:
        f.write(f"scjgj/1 {ids(c)[2]}\n")
    i = ids(c)[2]
    return done(c, [Expect("chain", efile("scjgj", 1), i), Expect("chain", efile("scjgj", 1), i),
                    Expect("time", efile("scjgj", 1), i)])


@case("chains", "An entry's `prev` rewritten to null and re-signed with the office key (a forked office chain "
      "re-attached); the log line names the new id, so only the chain link is wrong.")
def chain_prev_broken(root):
    c = County(root)
    c.office("scjgj", "市场监督管理局", "Market Regulation Bureau")
    c.notice("scjgj")
    from publisher.core.entry import sign_entry
    e = sign_entry(type="notice", office="scjgj", seq=2, prev=None, time=c.tick(), body={"title": "通知", "text": "y"},
                   key=c.keys["scjgj"])
    (root / "entries" / "scjgj" / "00000002.json").write_bytes(e.to_file_bytes())
    with open(root / "log", "a", encoding="utf-8") as f:
        f.write(f"scjgj/2 {e.id}\n")
    return done(c, [Expect("chain", efile("scjgj", 2), e.id)])


# -- registry -------------------------------------------------------------------------------------------

@case("registry", "An office signs a `key.register` (an operator type) for itself.")
def registry_office_uses_operator_type(root):
    c = base(root)
    k = key("office:scjgj:self")
    e = c.append("scjgj", "key.register", {"office": "scjgj", "key_id": k.id, "public_key": k.public.b64,
                                           "valid_from": "2026-01-05T02:00:00Z"})
    return done(c, [Expect("type", efile("scjgj", 3), e.id)])


@case("registry", "The operator registers the same key id a second time.")
def registry_duplicate_key(root):
    c = base(root)
    k = c.keys["scjgj"]
    e = c.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": k.id, "public_key": k.public.b64,
                                            "valid_from": c.tick()})
    return done(c, [Expect("registry", efile(OPERATOR, 3), e.id)])


@case("registry", "`key_id` is not the id of `public_key`.")
def registry_key_id_mismatch(root):
    c = base(root)
    k = key("office:scjgj:2")
    e = c.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": "0" * 16, "public_key": k.public.b64,
                                            "valid_from": c.tick()})
    return done(c, [Expect("registry", efile(OPERATOR, 3), e.id)])


@case("registry", "An entry of an unknown type `memo` (Appendix A.1 lists every type).")
def registry_unknown_type(root):
    c = base(root)
    e = c.append("scjgj", "memo", {"text": "x"})
    return done(c, [Expect("schema", efile("scjgj", 3), e.id)])


@case("registry", "`key.register` with a member the schema does not have (`admin`).")
def registry_schema_extra_member(root):
    c = base(root)
    k = key("office:scjgj:2")
    e = c.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": k.id, "public_key": k.public.b64,
                                            "valid_from": c.tick(), "admin": True})
    return done(c, [Expect("schema", efile(OPERATOR, 3), e.id)])


@case("registry", "`key.register` whose `valid_from` ends in a line feed: the schema pattern "
      "`^[0-9]{4}-…Z$` refuses it because `$` is the very end of the string (ECMA-262; Python's `$` "
      "would skip a final line feed, §1.6).")
def registry_schema_trailing_newline(root):
    c = base(root)
    k = key("office:scjgj:2")
    e = c.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": k.id, "public_key": k.public.b64,
                                            "valid_from": c.tick() + "\n"})
    return done(c, [Expect("schema", efile(OPERATOR, 3), e.id)])


# -- time --------------------------------------------------------------------------------------------------

@case("time", "An office entry dated before the office's previous entry.")
def time_decreasing(root):
    c = base(root)
    e = c.append("scjgj", "notice", {"title": "通知", "text": "x"}, time="2026-01-05T02:02:30Z")
    return done(c, [Expect("time", efile("scjgj", 3), e.id)])


@case("time", "An entry dated more than 86 400 s before a checkpoint signed before it was accepted "
      "(back-dated): a warning on the entry, the ledger stays VALID.")
def time_backdated_flag(root):
    c = County(root)
    c.office("scjgj", "市场监督管理局", "Market Regulation Bureau")
    c.notice("scjgj")
    c.clock += 3 * 86400
    c.checkpoint()
    t = "2026-01-05T02:05:00Z"  # after the office's last entry, two days before the checkpoint
    e = c.append("scjgj", "notice", {"title": "通知", "text": "x"}, time=t)
    return done(c, [Expect("time", efile("scjgj", 2), e.id, "warning")])


@case("time", "An entry dated an hour after the checkpoint that first includes it (future-dated): a warning on "
      "the entry, its time is not trusted and does not move *now*; the ledger stays VALID.")
def time_future_flag(root):
    c = County(root)
    c.office("scjgj", "市场监督管理局", "Market Regulation Bureau")
    c.notice("scjgj")
    e = c.append("scjgj", "notice", {"title": "通知", "text": "x"}, time=iso(c.clock + 3600))
    c.checkpoint(time=c.clock + 60)
    return done(c, [Expect("time", efile("scjgj", 2), e.id, "warning")])


# -- log -----------------------------------------------------------------------------------------------------

@case("log", "A log line with an upper-case hex id (the log-line grammar is exact): `log` error, the pass "
      "stops there, so the checkpoint covers more than was read (`checkpoint`) and the unread entry file is "
      "the office's orphan (warning).")
def log_malformed_line(root):
    c = base(root)
    lines = (root / "log").read_text("utf-8").splitlines()
    lines[3] = lines[3].upper().replace("SCJGJ", "scjgj")
    (root / "log").write_text("\n".join(lines) + "\n", "utf-8")
    return done(c, [Expect("log", "ledger/log"), Expect("checkpoint", "ledger/checkpoints/0000000004.note"),
                    Expect("orphan", efile("scjgj", 2), "", "warning")])


@case("log", "The last log line lacks its newline (a torn append): a `torn` warning; that line is not part "
      "of the ledger, so its entry file is the office's one allowed orphan. VALID.")
def log_torn_last_line(root):
    c = base(root)
    c.notice("scjgj", "第三则", "z")
    (root / "log").write_bytes((root / "log").read_bytes()[:-1])
    return done(c, [Expect("torn", "ledger/log", "", "warning"), Expect("orphan", efile("scjgj", 3), "", "warning")])


@case("log", "An entry file the log lists was deleted.")
def log_missing_file(root):
    c = base(root)
    (root / "entries" / "scjgj" / "00000002.json").unlink()
    return done(c, [Expect("missing", efile("scjgj", 2), ids(c)[3])])


@case("log", "One unlisted entry file at each office's head + 1 (crashed appends): warnings, per office. VALID.")
def log_orphan_per_office(root):
    c = base(root)
    (root / "entries" / "scjgj" / "00000003.json").write_bytes(b"{}")
    (root / "entries" / "operator" / "00000003.json").write_bytes(b"{}")
    return done(c, [Expect("orphan", efile("scjgj", 3), "", "warning"), Expect("orphan", efile(OPERATOR, 3), "", "warning")])


@case("log", "A planted entry file two past the office's head (not a crashed append).")
def log_planted_orphan(root):
    c = base(root)
    (root / "entries" / "scjgj" / "00000004.json").write_bytes(b"{}")
    return done(c, [Expect("orphan", efile("scjgj", 4))])


@case("log", "`.gitkeep` files in entries/, an office directory, blobs/ and checkpoints/ are not ledger files. VALID.")
def log_gitkeep_ignored(root):
    c = base(root)
    for d in ("entries", "entries/scjgj", "blobs", "checkpoints"):
        (root / d / ".gitkeep").write_bytes(b"")
    return done(c, [])


@case("log", "A blob whose bytes no longer hash to its name.")
def log_blob_changed(root):
    c = base(root)
    d = c.blob(b"{\"id\":\"x\"}\n")
    (root / "blobs" / d).write_bytes(b"{\"id\":\"y\"}\n")
    return done(c, [Expect("blob", f"ledger/blobs/{d}")])


# -- checkpoints ----------------------------------------------------------------------------------------------

@case("checkpoints", "A log line's id replaced by another entry's id after a checkpoint (the log was rewritten): "
      "the recomputed root differs from the checkpoint's.")
def checkpoint_root_mismatch(root):
    c = base(root)
    lines = (root / "log").read_text("utf-8").splitlines()
    c2 = County(root.parent / "other")  # same keys, one more notice: a different history of scjgj/1
    c2.office("scjgj", "市场监督管理局", "Market Regulation Bureau")
    e = c2.notice("scjgj", "另一则", "x")
    (root / "entries" / "scjgj" / "00000001.json").write_bytes((root.parent / "other" / "entries" / "scjgj" / "00000001.json").read_bytes())
    lines[2] = f"scjgj/1 {e.id}"
    (root / "log").write_text("\n".join(lines) + "\n", "utf-8")
    import shutil
    shutil.rmtree(root.parent / "other")
    return done(c, [Expect("chain", efile("scjgj", 2), ids(c)[3]), Expect("checkpoint", "ledger/checkpoints/0000000004.note")])


@case("checkpoints", "A checkpoint note's signature altered.")
def checkpoint_bad_signature(root):
    c = base(root)
    p = root / "checkpoints" / "0000000004.note"
    text = p.read_text("utf-8")
    head, sig = text.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(sig))
    raw[-1] ^= 1
    p.write_text(head + " " + base64.b64encode(bytes(raw)).decode() + "\n", "utf-8")
    return done(c, [Expect("checkpoint", "ledger/checkpoints/0000000004.note")])


@case("checkpoints", "The last entry and its log line removed after a checkpoint covered it.")
def checkpoint_log_truncated(root):
    c = base(root)
    lines = (root / "log").read_text("utf-8").splitlines()
    (root / "log").write_text("\n".join(lines[:3]) + "\n", "utf-8")
    (root / "entries" / "scjgj" / "00000002.json").unlink()
    return done(c, [Expect("checkpoint", "ledger/checkpoints/0000000004.note")])


@case("checkpoints", "A checkpoint stored as `latest.note` (not `<size:010d>.note`): an error, not read.")
def checkpoint_misnamed(root):
    c = base(root)
    (root / "checkpoints" / "0000000004.note").rename(root / "checkpoints" / "latest.note")
    return done(c, [Expect("checkpoint", "ledger/checkpoints/latest.note")])


@case("checkpoints", "A valid checkpoint of size 4 renamed to 0000000003.note.")
def checkpoint_wrong_size_name(root):
    c = base(root)
    (root / "checkpoints" / "0000000004.note").rename(root / "checkpoints" / "0000000003.note")
    return done(c, [Expect("checkpoint", "ledger/checkpoints/0000000003.note")])


@case("checkpoints", "A split view: an auditor holds a second checkpoint of size 4, signed by the log key over "
      "another history (extra-checkpoints/). Two roots for one size are a fork.")
def checkpoint_fork(root):
    c = base(root)
    other = ids(c)[:3] + ["ee" * 32]  # the log key signed a different 4th entry for someone else
    d = root.parent / "extra-checkpoints"
    d.mkdir()
    (d / "0000000004.note").write_text(c.note(other, c.clock + 30), "utf-8")
    return done(c, [Expect("fork", "extra-checkpoints/0000000004.note")])


@case("checkpoints", "An auditor's checkpoint of size 3, consistent with the ledger's (extra-checkpoints/). VALID.")
def checkpoint_extra_consistent(root):
    c = base(root)
    d = root.parent / "extra-checkpoints"
    d.mkdir()
    (d / "0000000003.note").write_text(c.note(ids(c)[:3], c.clock - 30), "utf-8")
    return done(c, [])


# -- witnesses ----------------------------------------------------------------------------------------------

@case("witnesses", "trust.json names two witnesses, quorum 2; the checkpoint carries both cosignatures. VALID.")
def witness_quorum_met(root):
    return done(base(root, witnesses=2, quorum=2), [])


@case("witnesses", "Quorum 2 of 2, but only one witness cosigned the checkpoint.")
def witness_quorum_missed(root):
    c = County(root, witnesses=2, quorum=2)
    c.office("scjgj", "市场监督管理局", "Market Regulation Bureau")
    c.notice("scjgj")
    c.checkpoint(cosign=1)
    return done(c, [Expect("witness", "ledger/checkpoints/0000000003.note")])


@case("witnesses", "A witness cosignature's bytes altered.")
def witness_forged_cosignature(root):
    c = base(root, witnesses=1, quorum=1)
    p = root / "checkpoints" / "0000000004.note"
    lines = p.read_text("utf-8").split("\n")
    i = next(n for n, ln in enumerate(lines) if ln.startswith("— witness1.example "))
    head, sig = lines[i].rsplit(" ", 1)
    raw = bytearray(base64.b64decode(sig))
    raw[-1] ^= 1
    lines[i] = head + " " + base64.b64encode(bytes(raw)).decode()
    p.write_text("\n".join(lines), "utf-8")
    return done(c, [Expect("witness", "ledger/checkpoints/0000000004.note")])


# -- draws, teams, embargoes, workflow ------------------------------------------------------------------

def _drawn(root, **kw):
    w = Workflow(root)
    c, lock = w.draw(**kw)
    return w, c, lock


@case("draws", "A joint task's draw: item lists, task, confirmed snapshots, commitment, the partner's "
      "acceptance, a checkpoint before the beacon round, the lock, one result. VALID.")
def draw_valid(root):
    w, c, lock = _drawn(root)
    w.result(lock, lock.body["selected"][0]["id"])
    w.checkpoint()
    return done(w, [])


@case("draws", "The lock's selected list has its first target swapped for one that was not drawn.")
def draw_lock_changed_selection(root):
    w = Workflow(root)
    c = w.commit(w.spec())
    chosen = {r["id"] for r in w.lock_body(c)["selected"]}
    friend = next(t.id for t in w.targets if t.id not in chosen)

    def swap(body):
        body["selected"][0]["id"] = friend

    lock = w.lock(c, forge=swap)
    return done(w, [Expect("draw.lock", efile("scjgj", lock.seq), lock.id)])


@case("draws", "The commitment's stratum says k = 4 but the population gives another count `n`.")
def draw_commit_wrong_n(root):
    w = Workflow(root)

    def forge(body):
        body["strata"][0]["n"] += 1

    c = w.commit(w.spec(), forge=forge)
    return done(w, [Expect("draw.commit", efile("scjgj", c.seq), c.id)])


@case("draws", "A second commitment for the task without `supersedes` (a silent re-draw).")
def draw_silent_redraw(root):
    w = Workflow(root)
    w.commit(w.spec())
    c2 = w.commit(w.spec())
    return done(w, [Expect("draw.history", efile("scjgj", c2.seq), c2.id)])


@case("draws", "A task's first commitment carrying `supersedes` (settled point 9).")
def draw_first_commit_supersedes(root):
    w = Workflow(root)
    spec = dict(w.spec(), supersedes="ab" * 32, reason="更正", reason_code="correction",
                approver={"name": "赵某", "title": "主要负责人"})
    c = w.commit(spec)
    return done(w, [Expect("draw.history", efile("scjgj", c.seq), c.id)])


@case("teams", "The lock's first team has its leader swapped for another inspector of the same office.")
def team_lock_changed(root):
    w = Workflow(root)
    c = w.commit(w.spec())
    honest = w.lock_body(c)
    lead = honest["teams"][0]["leader"]
    other = next(i.id for i in w.inspectors if i.office == "scjgj" and i.id != lead
                 and all(i.id not in t["members"] for t in honest["teams"]))

    def swap(body):
        t = body["teams"][0]
        t["members"] = [other if m == lead else m for m in t["members"]]
        t["leader"] = other

    lock = w.lock(c, forge=swap)
    return done(w, [Expect("draw.lock", efile("scjgj", lock.seq), lock.id)])


@case("teams", "A `team.replace` names a substitute of its own choosing instead of the drawn one.")
def team_replace_chosen(root):
    import shutil

    from publisher.core.verifier import verify
    from publisher.draw.rules.rule import DrawRule

    for pick in range(6):  # the first candidate the seed does NOT give (deterministic)
        if root.exists():
            shutil.rmtree(root)
        w, c, lock = _drawn(root)
        t = lock.body["teams"][0]
        out = t["leader"]
        busy = {m for tm in lock.body["teams"] for m in tm["members"]}
        free = [i.id for i in w.inspectors if i.office == "scjgj" and i.active and i.id not in busy]
        body = {"task": "T-2026-001", "commit": c.id, "target": t["target"], "out": out, "in": free[pick],
                "reason": "health", "approver": {"name": "钱某", "title": "分管负责人"}, "date": lock.time[:10]}
        e = w.append("scjgj", "team.replace", body)
        r = verify(w.ledger, w.ledger.trust(), rules=[DrawRule()])
        if any(p.rule == "draw.replace" and "a substitute is drawn, never chosen" in p.message for p in r.problems):
            return done(w, [Expect("draw.replace", efile("scjgj", e.seq), e.id)])
    raise AssertionError("conformance: no chosen substitute differs from the drawn one")


@case("teams", "A `team.replace` whose substitute is the drawn one: the inspector of the replaced one's office "
      "with the smallest (score, id) among those active, allowed, not conflicted, not in the team (§6.10). VALID.")
def team_replace_drawn(root):
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    w, c, lock = _drawn(root)
    t = lock.body["teams"][0]
    out = t["members"][-1]
    teams = {tm["target"]: list(tm["members"]) for tm in lock.body["teams"]}
    region = next(tg.region for tg in w.targets if tg.id == t["target"])
    sub = substitute(bytes.fromhex(lock.body["seed"]), t["target"], region, out, teams,
                     team_plan(c.body, w.inspectors))
    assert sub is not None
    w.append(w.inspector_office(out), "team.replace", {
        "task": "T-2026-001", "commit": c.id, "target": t["target"], "out": out, "in": sub, "reason": "health",
        "approver": {"name": "钱某", "title": "分管负责人"}, "date": lock.time[:10]})
    return done(w, [])


@case("teams", "Group mode (编组随机): whole pre-formed groups, members of a group ordered by (score, id) "
      "(settled point 11). VALID.")
def team_group_mode(root):
    w = Workflow(root, groups_of=2)
    w.draw(mode="group", members=2)
    w.checkpoint()
    return done(w, [])


@case("embargoes", "An embargoed draw: escrowed secrets, a lock carrying only the result hash, the reveal "
      "after `embargo_until`. VALID.")
def embargo_valid(root):
    w = Workflow(root)
    c = w.commit(w.spec(embargo="2026-01-20"))
    w.lock(c)
    w.clock = max(w.clock, 1768867200 + 3600)  # 2026-01-20T00:00:00Z + 1 h: after day_start(embargo_until) + round
    w.after_round(c)
    w.reveal(c)
    w.checkpoint()
    return done(w, [])


@case("embargoes", "An embargoed lock whose `result_hash` is random bytes (it binds nothing); the reveal round's "
      "beacon is recorded in ledger/beacons/, so the escrows open and the verifier recomputes the list (§5A.4).")
def embargo_forged_lock(root):
    w = Workflow(root)
    c = w.commit(w.spec(embargo="2026-01-20"))

    def forge(body):
        body["result_hash"] = "5e" * 32

    lock = w.lock(c, forge=forge)
    w.clock = max(w.clock, 1768867200 + 3600)
    w.checkpoint()
    from publisher.embargo.escrow import reveal_round
    from publisher.storage.beacons import record_beacon
    # anyone may record the reveal round's beacon (§5A.4); the escrows then open and expose the lock
    record_beacon(root, w.sim.chain.chain_hash, w.sim.beacon(reveal_round(w.sim.chain, "2026-01-20")))
    return done(w, [Expect("draw.embargo", efile("scjgj", lock.seq), lock.id)])


@case("embargoes", "The reveal is dated before `embargo_until` (Beijing date).")
def embargo_early_reveal(root):
    w = Workflow(root)
    c = w.commit(w.spec(embargo="2026-01-20"))
    w.lock(c)
    e = w.reveal(c)
    return done(w, [Expect("draw.reveal", efile("scjgj", e.seq), e.id)])


@case("workflow", "A result for a target the draw did not select.")
def workflow_result_not_selected(root):
    w, c, lock = _drawn(root)
    chosen = {r["id"] for r in lock.body["selected"]}
    other = next(t.id for t in w.targets if t.id not in chosen)
    name = next(t.name for t in w.targets if t.id == other)
    e = w.append("scjgj", "result", {"task": "T-2026-001", "target": other, "target_name": name,
                                     "completed": lock.time[:10], "inspectors": ["scjgj-001"], "method": "on_site",
                                     "categories": ["1"], "vocabulary": "004-20/v1"})
    return done(w, [Expect("workflow.result", efile("scjgj", e.seq), e.id)])


@case("workflow", "A second result for the same (task, target, office) slot instead of a correction.")
def workflow_result_twice(root):
    w, c, lock = _drawn(root)
    t = lock.body["selected"][0]["id"]
    w.result(lock, t)
    e = w.result(lock, t)
    return done(w, [Expect("workflow.result", efile("scjgj", e.seq), e.id)])


@case("workflow", "A result published by an office that takes no part in the task.")
def workflow_result_outsider(root):
    w = Workflow(root)
    w.office("gaj", "公安局", "Public Security Bureau")
    c, lock = w.draw()
    e = w.result(lock, lock.body["selected"][0]["id"], office="gaj")
    return done(w, [Expect("workflow.result", efile("gaj", e.seq), e.id)])


@case("draws", "A commitment never locked, its beacon round more than 7 days past: an \"abandoned commitment\" "
      "warning located at the commitment, with the outcome it would have had (the round is recorded). VALID.")
def draw_abandoned(root):
    w = Workflow(root)
    c = w.commit(w.spec())
    w.checkpoint()
    from publisher.storage.beacons import record_beacon
    record_beacon(root, w.sim.chain.chain_hash, w.sim.beacon(c.body["beacon"]["round"]))
    w.clock += 8 * 86400
    w.notice("scjgj", "其他公告")
    w.checkpoint()
    return done(w, [Expect("draw.history", efile("scjgj", c.seq), c.id, "warning")])


@case("workflow", "A draw committed for a task id no `task` entry defines.")
def workflow_commit_without_task(root):
    w = Workflow(root)
    spec = dict(w.spec(), task="T-2026-999")
    c = w.commit(spec)
    return done(w, [Expect("workflow.task", efile("scjgj", c.seq), c.id)])


@case("draws", "An office that is not a partner of the joint commitment signs a `draw.accept` for it.")
def draw_accept_outsider(root):
    w = Workflow(root)
    w.office("gaj", "公安局", "Public Security Bureau")
    c = w.commit(w.spec())
    e = w.append("gaj", "draw.accept", {"task": c.body["task"], "commit": c.id})
    return done(w, [Expect("draw.accept", efile("gaj", e.seq), e.id)])


@case("draws", "The partner accepts the same commitment a second time.")
def draw_accept_twice(root):
    w = Workflow(root)
    c = w.commit(w.spec())  # the partner's first acceptance is part of commit()
    e = w.append("wjj", "draw.accept", {"task": c.body["task"], "commit": c.id})
    return done(w, [Expect("draw.accept", efile("wjj", e.seq), e.id)])


@case("workflow", "A result published 60 days after the inspection it reports (more than 20 working days, "
      "004 第二十条; the 2026 working-day table of Appendix B): a `workflow.deadline` warning at the result. VALID.")
def workflow_result_late(root):
    w, c, lock = _drawn(root)
    completed = iso(w.clock)[:10]
    w.clock += 60 * 86400
    e = w.result(lock, lock.body["selected"][0]["id"], completed=completed)
    w.checkpoint()
    return done(w, [Expect("workflow.deadline", efile("scjgj", e.seq), e.id, "warning")])
