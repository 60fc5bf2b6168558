"""Ways to tamper with a copy of a built site, for the browser verifier's tests.

Simple edits (a snapshot row, one signature) change bytes and nothing else. ``resign`` plays a
malicious operator who holds *every* key (the office key, the log key): the edited entry is
signed again, the log line, every checkpoint covering it and all proofs in the task's data file
are rewritten to match. Signatures, registrations and inclusion then all pass, so only the draw's
own checks can catch the lie — which is what those tests must show.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vjs_ledger import log_signer, office_key

from publisher.core import merkle
from publisher.core.canonical import b64encode
from publisher.core.checkpoint import Checkpoint, parse_body, sign_checkpoint
from publisher.core.entry import sign_entry
from publisher.core.note import parse_note


def copy_site(src: Path, dst: Path) -> Path:
    """A real copy (the build hard-links ledger files; edits must not reach the original)."""
    shutil.copytree(src, dst, copy_function=shutil.copyfile)
    return dst


def data_of(site: Path, task: str) -> dict[str, Any]:
    return json.loads((site / "verify" / "data" / f"{task}.json").read_text("utf-8"))


def change_snapshot_row(site: Path, task: str) -> str:
    """Raise one target's complaint count in the population snapshot (still canonical JSON)."""
    blob = site / data_of(site, task)["snapshots"]["targets"]["url"]
    lines = blob.read_bytes().split(b"\n")
    rec = json.loads(lines[3])
    rec["complaints"] += 1
    lines[3] = json.dumps(rec, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    blob.write_bytes(b"\n".join(lines))
    return rec["id"]


def change_signature(site: Path, task: str, role: str = "lock") -> None:
    """Flip bits of one entry's Ed25519 signature (the base64 stays well-formed)."""
    path = site / data_of(site, task)["entries"][role]["url"]
    raw = json.loads(path.read_text("utf-8"))
    sig = raw["sig"]["ed25519"]
    raw["sig"]["ed25519"] = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def resign(site: Path, task: str, role: str, mutate: Callable[[dict[str, Any]], None]) -> str:
    """Edit an entry's body, re-sign it with the office key, and rewrite log, checkpoints, proofs."""
    data = data_of(site, task)
    ref = data["entries"][role]
    path = site / ref["url"]
    raw = json.loads(path.read_text("utf-8"))
    body = raw["body"]
    mutate(body)
    e = sign_entry(type=raw["type"], office=raw["office"], seq=raw["seq"], prev=raw["prev"], time=raw["time"],
                   body=body, key=office_key(raw["office"]))
    path.write_bytes(e.to_file_bytes())
    log = site / "ledger" / "log"
    text = log.read_text("utf-8").replace(ref["id"], e.id)
    log.write_text(text, encoding="utf-8")
    tree = merkle.MerkleTree([merkle.leaf_hash(bytes.fromhex(line.split()[1])) for line in text.splitlines()])
    signer = log_signer()
    for note in sorted((site / "ledger" / "checkpoints").glob("*.note")):
        old = parse_body(parse_note(note.read_text("utf-8"))[0])
        if old.size > ref["index"]:
            cp = Checkpoint(old.origin, old.size, tree.root(old.size), old.time)
            note.write_text(sign_checkpoint(cp, signer), encoding="utf-8")
    for f in (site / "verify" / "data").glob("*.json"):
        d = json.loads(f.read_text("utf-8"))
        if "entries" not in d:
            continue
        size = d["checkpoint"]["size"]
        refs = [r for k in ("commit", "lock", "reveal") if (r := d["entries"][k])] + d["entries"]["replace"] + \
            [k["register"] for k in d["keys"]] + [k["revoke"] for k in d["keys"] if k["revoke"]]
        for r in refs:
            if r["id"] == ref["id"]:
                r["id"] = e.id
        d["proofs"] = {r["id"]: [b64encode(h) for h in tree.inclusion_proof(r["index"], size)]
                       for r in refs if r["index"] < size}
        cc = d["commit_checkpoint"]
        if cc:
            cc["proof"] = [b64encode(h) for h in tree.inclusion_proof(d["entries"]["commit"]["index"], cc["size"])]
            cc["consistency"] = [b64encode(h) for h in tree.consistency_proof(cc["size"], size)] if cc["size"] < size else []
        f.write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for f in (site / "proofs" / "consistency").glob("*.json"):  # the site's proofs to the newest checkpoint
        c = json.loads(f.read_text("utf-8"))
        a, b = c["from"]["tree_size"], c["to"]["tree_size"]
        c["from"]["root"], c["to"]["root"] = b64encode(tree.root(a)), b64encode(tree.root(b))
        c["proof"] = [b64encode(h) for h in tree.consistency_proof(a, b)] if a < b else []
        f.write_text(json.dumps(c, ensure_ascii=False, indent=1), encoding="utf-8")
    return e.id
