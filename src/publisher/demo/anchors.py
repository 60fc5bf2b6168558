"""Copy the sample ledger's trust anchors into README.md and pelicanconf.py after a regeneration.

Why: the sample county's keys are fresh at every `publisher demo`, and the README table and the
site's root-key pin must name the keys of the ledger actually committed. Doing it by hand after
each regeneration was error-prone; `make sample` runs this right after `publisher demo`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ..core.keys import PublicKey
from ..core.trust import trust_fingerprint

BEGIN, END = "<!-- trust-anchors:begin -->", "<!-- trust-anchors:end -->"


def readme_table(trust: dict) -> str:
    """The README's trust-anchor table for ``trust`` (the parsed ledger/trust.json)."""
    rows = ["| what | value |", "|---|---|"]
    for rk in trust["root_keys"]:
        rows.append(f"| operator root key id | `{rk['key_id']}` |")
        rows.append(f"| operator root public key (Ed25519, base64) | `{rk['public_key']}` |")
    rows.append(f"| checkpoint origin | `{trust['origin']}` |")
    rows.append(f"| checkpoint key (C2SP vkey) | `{trust['log_vkey']}` |")
    for ch in trust.get("beacon_chains", []):
        label = f" — {ch['label']}" if ch.get("label") else ""
        rows.append(f"| beacon chain | `{ch['chain_hash']}`{label} |")
    w = trust.get("witnesses")
    if w:
        keys = "<br>".join(f"`{x['vkey']}`" for x in w["witnesses"])
        sample = "; SAMPLE, simulated" if trust.get("sample") else ""
        rows.append(f"| witnesses (quorum {w['quorum']} of {len(w['witnesses'])}{sample}) | {keys} |")
    rows.append("| trust.json fingerprint (SHA-256 of its RFC 8785 canonical bytes; the verify page pins it) "
                f"| `{trust_fingerprint(trust)}` |")
    return "\n".join(rows)


def update_readme(text: str, trust: dict) -> str:
    a, b = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:a] + "\n" + readme_table(trust) + "\n" + text[b:]


def update_pelicanconf(text: str, trust: dict) -> str:
    ids = json.dumps([rk["key_id"] for rk in trust["root_keys"]])
    line = f'PUBLISHER_ROOT_KEY_IDS = {{"{trust["origin"]}": {ids}}}'
    new, n = re.subn(r"^PUBLISHER_ROOT_KEY_IDS = .*$", line, text, count=1, flags=re.M)
    if n != 1:
        raise ValueError("pelicanconf.py has no PUBLISHER_ROOT_KEY_IDS line")
    return new


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".")
    trust = json.loads((root / "ledger" / "trust.json").read_text("utf-8"))
    for rk in trust["root_keys"]:  # refuse a table that would name a key the ledger does not hold
        PublicKey.from_b64(rk["public_key"])
    for name, fn in (("README.md", update_readme), ("pelicanconf.py", update_pelicanconf)):
        p = root / name
        p.write_text(fn(p.read_text("utf-8"), trust), "utf-8")
        print(f"updated {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
