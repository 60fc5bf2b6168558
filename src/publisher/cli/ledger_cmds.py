"""Foundation commands: keygen, init, office/key registration, verify, checkpoint, prove."""

from __future__ import annotations

import json
import sys
import time as _time
from pathlib import Path

from ..core import merkle
from ..core.canonical import b64encode
from ..core.checkpoint import Checkpoint, sign_checkpoint
from ..core.entry import OPERATOR, format_time
from ..core.keys import SigningKey
from ..core.note import Signer
from ..core.verifier import verify
from ..storage import keystore
from .common import add_full_arg, add_ledger_arg, default_rules, load_trust, open_ledger, verify_cache
from .main import UserError


def register(sub) -> None:
    p = sub.add_parser("keygen", help="generate an encrypted Ed25519 key in $PUBLISHER_KEYS")
    p.add_argument("name")
    p.add_argument("--keys", help="key directory (default $PUBLISHER_KEYS)")
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("init", help="create an empty ledger with its trust anchors")
    add_ledger_arg(p)
    p.add_argument("--origin", required=True, help="checkpoint origin, e.g. portal.example.gov.cn/county")
    p.add_argument("--root-key", default="root", help="key name of the operator root key")
    p.add_argument("--log-key", default="log", help="key name of the checkpoint (log) key")
    p.add_argument("--beacon-chain", action="append", default=[], help="JSON file with a beacon chain info")
    p.add_argument("--keys")
    p.add_argument("--sample", action="store_true", help="mark everything as sample data")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("office-register", help="(operator) register an office and its key")
    add_ledger_arg(p)
    p.add_argument("office")
    p.add_argument("--name-zh", required=True)
    p.add_argument("--name-en", required=True)
    p.add_argument("--key", required=True, help="key name of the office's key in the key directory")
    p.add_argument("--root-key", default="root")
    p.add_argument("--keys")
    p.set_defaults(func=cmd_office_register)

    p = sub.add_parser("key-rotate", help="(operator) register a new key for an office and revoke the old one")
    add_ledger_arg(p)
    p.add_argument("office")
    p.add_argument("--new-key", required=True)
    p.add_argument("--old-key-id", required=True)
    p.add_argument("--reason", default="rotation", choices=["rotation", "compromise", "retired"])
    p.add_argument("--root-key", default="root")
    p.add_argument("--keys")
    p.set_defaults(func=cmd_key_rotate)

    p = sub.add_parser("verify", help="verify the whole ledger (exit 0 valid, 1 problems)")
    add_ledger_arg(p)
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.add_argument("--trust", help="pin your own copy of trust.json")
    p.add_argument("--checkpoint", action="append", default=[], help="a checkpoint you kept earlier")
    p.add_argument("--now", type=int, help="unix time to judge deadlines/abandonment (default: latest entry)")
    add_full_arg(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("checkpoint", help="(operator CI) verify, then sign a checkpoint of the whole log")
    add_ledger_arg(p)
    p.add_argument("--log-key", default="log")
    p.add_argument("--keys")
    p.add_argument("--time", type=int, help="signing time (unix); default now")
    add_full_arg(p)
    p.set_defaults(func=cmd_checkpoint)

    p = sub.add_parser("prove", help="print an inclusion proof of an entry against the latest checkpoint")
    add_ledger_arg(p)
    p.add_argument("entry_id")
    p.set_defaults(func=cmd_prove)


def cmd_keygen(args) -> int:
    key = SigningKey.generate()
    path = keystore.save_key(args.name, key, args.keys)
    print(json.dumps({"name": args.name, "key_id": key.id, "public_key": key.public.b64,
                      "file": str(path)}, ensure_ascii=False))
    return 0


def trust_json(origin: str, root: SigningKey, log: Signer, chains: list[dict], sample: bool) -> dict:
    return {"version": 1, "origin": origin,
            "root_keys": [{"key_id": root.id, "public_key": root.public.b64}],
            "log_vkey": log.vkey, "beacon_chains": chains, "sample": sample}


def cmd_init(args) -> int:
    root = keystore.load_key(args.root_key, args.keys)
    log = Signer(args.origin, keystore.load_key(args.log_key, args.keys))
    chains = [json.loads(Path(f).read_text("utf-8")) for f in args.beacon_chain]
    ledger = open_ledger_or_new(args)
    ledger.init(trust_json(args.origin, root, log, chains, args.sample))
    print(f"created {ledger.root} (origin {args.origin}, root key {root.id})")
    return 0


def open_ledger_or_new(args):
    from ..storage.ledger_dir import LedgerDir

    return LedgerDir(Path(args.ledger))


def cmd_office_register(args) -> int:
    ledger = open_ledger(args)
    root = keystore.load_key(args.root_key, args.keys)
    office_key = keystore.load_key(args.key, args.keys)
    now = format_time_now()
    ledger.append_many([
        (OPERATOR, "office.register", {"office": args.office, "name_zh": args.name_zh, "name_en": args.name_en}, root, now),
        (OPERATOR, "key.register", {"office": args.office, "key_id": office_key.id,
                                    "public_key": office_key.public.b64, "valid_from": now}, root, now),
    ])
    print(f"registered office {args.office} with key {office_key.id}")
    return 0


def cmd_key_rotate(args) -> int:
    ledger = open_ledger(args)
    root = keystore.load_key(args.root_key, args.keys)
    new = keystore.load_key(args.new_key, args.keys)
    now = format_time_now()
    ledger.append_many([
        (OPERATOR, "key.register", {"office": args.office, "key_id": new.id,
                                    "public_key": new.public.b64, "valid_from": now}, root, now),
        (OPERATOR, "key.revoke", {"office": args.office, "key_id": args.old_key_id, "reason": args.reason}, root, now),
    ])
    print(f"office {args.office}: key {new.id} registered, {args.old_key_id} revoked")
    return 0


def format_time_now() -> str:
    from datetime import datetime, timezone

    return format_time(datetime.now(timezone.utc))


def run_verify(args):
    ledger = open_ledger(args)
    trust = load_trust(args, ledger)
    extra = [(f, Path(f).read_text("utf-8")) for f in getattr(args, "checkpoint", [])]
    return ledger, verify(ledger, trust, default_rules(), extra, now=getattr(args, "now", None),
                          cache=verify_cache(args))


def cmd_verify(args) -> int:
    started = _time.perf_counter()
    ledger, report = run_verify(args)
    elapsed = _time.perf_counter() - started
    if args.json:
        print(json.dumps({
            "ok": report.ok, "size": report.size, "root": report.root.hex(),
            "checkpoints": [{"size": c.size, "root": c.root.hex(), "time": c.time} for c in report.checkpoints],
            "problems": [p.__dict__ for p in report.problems], "seconds": round(elapsed, 3),
            "resumed": report.resumed,
        }, ensure_ascii=False, indent=1))
    else:
        for p in report.problems:
            print(p.line(), file=sys.stdout if p.severity == "warning" else sys.stderr)
        status = "VALID" if report.ok else f"INVALID ({len(report.errors)} problems)"
        print(f"{status}: {report.size} entries, root {report.root.hex()}, "
              f"{len(report.checkpoints)} checkpoints, {elapsed:.2f}s")
        if report.resumed:
            print(f"(entries 1–{report.resumed} were verified earlier on this machine up to a checkpoint "
                  "and are unchanged; `--full` checks them again)")
    return 0 if report.ok else 1


def cmd_checkpoint(args) -> int:
    ledger, report = run_verify(args)
    if not report.ok:
        for p in report.errors:
            print(p.line(), file=sys.stderr)
        raise UserError("refusing to sign a checkpoint of an invalid ledger")
    trust = ledger.trust()
    signer = Signer(trust.origin, keystore.load_key(args.log_key, args.keys))
    if signer.vkey != trust.log_vkey:
        raise UserError("the log key does not match trust.json's log_vkey")
    t = args.time if args.time is not None else int(_time.time())
    if report.checkpoints and report.checkpoints[-1].size == report.size:
        print(f"checkpoint of size {report.size} already exists")
        return 0
    note = sign_checkpoint(Checkpoint(trust.origin, report.size, report.root, t), signer)
    path = ledger.write_checkpoint(report.size, note)
    print(f"signed {ledger.rel(path)}: size {report.size}, root {b64encode(report.root)}")
    return 0


def cmd_prove(args) -> int:
    ledger = open_ledger(args)
    ids = [line.entry_id for line in ledger.iter_log()]
    try:
        index = ids.index(args.entry_id.lower())
    except ValueError:
        raise UserError(f"entry {args.entry_id} is not in the log")
    cps = ledger.checkpoint_files()
    if not cps:
        raise UserError("no checkpoint yet: run `publisher checkpoint`")
    note = cps[-1].read_text("utf-8")
    from ..core.checkpoint import open_checkpoint
    from ..core.note import Verifier

    cp = open_checkpoint(note, Verifier.from_vkey(ledger.trust().log_vkey))
    if index >= cp.size:
        raise UserError(f"entry is at index {index}, after the latest checkpoint (size {cp.size}); wait for the next one")
    leaves = [merkle.leaf_hash(bytes.fromhex(i)) for i in ids[: cp.size]]
    proof = merkle.inclusion_proof(leaves, index)
    assert merkle.verify_inclusion(leaves[index], index, cp.size, proof, cp.root)
    print(json.dumps({"entry_id": ids[index], "index": index, "tree_size": cp.size,
                      "root": b64encode(cp.root), "proof": [b64encode(h) for h in proof],
                      "checkpoint": note}, indent=1, ensure_ascii=False))
    return 0
