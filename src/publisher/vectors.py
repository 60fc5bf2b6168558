"""Generate the worked examples in ``docs/vectors/`` from the code itself.

``python -m publisher.vectors [DIR]`` writes them; ``tests/test_spec_vectors.py`` regenerates
them in a temp dir and requires byte equality with the committed files, so the spec's
examples can never drift from what the code does. Other packages add their own generators
(e.g. :mod:`publisher.draw.vectors`), collected by ``GENERATORS``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from .core import merkle
from .core.canonical import b64encode
from .core.entry import OPERATOR, sign_entry
from .core.keys import SigningKey

GENERATORS = ["publisher.vectors:ledger_vectors", "publisher.draw.vectors:draw_vectors",
              "publisher.timelock.vectors:timelock_vectors", "publisher.embargo.vectors:embargo_vectors",
              "publisher.draw.sealed_vectors:sealed_vectors"]


def example_key(label: str) -> SigningKey:
    """Deterministic example keys: seed = SHA-256("ssgk/example-key/v1" ‖ 0x00 ‖ label)."""
    from .core.canonical import tagged_hash

    return SigningKey.from_seed(tagged_hash("ssgk/example-key/v1", label.encode()))


def ledger_vectors() -> dict[str, object]:
    root, office = example_key("root"), example_key("scjgj")
    t = "2026-03-02T01:30:00Z"
    e1 = sign_entry(type="office.register", office=OPERATOR, seq=1, prev=None, time=t,
                    body={"office": "scjgj", "name_zh": "县市场监督管理局", "name_en": "County Market Regulation Bureau"}, key=root)
    e2 = sign_entry(type="key.register", office=OPERATOR, seq=2, prev=e1.id, time=t,
                    body={"office": "scjgj", "key_id": office.id, "public_key": office.public.b64, "valid_from": t}, key=root)
    e3 = sign_entry(type="notice", office="scjgj", seq=1, prev=None, time="2026-03-02T02:00:00Z",
                    body={"title": "2026年度抽查计划已公示", "text": "示例 <b>不是</b> HTML"}, key=office)
    entries = [e1, e2, e3]
    leaves = [merkle.leaf_hash(bytes.fromhex(e.id)) for e in entries]
    return {
        "entry-example.json": {
            "description": "A signed entry: signed bytes = RFC 8785 canonical JSON of the envelope without sig; "
                           "id = SHA-256(signed bytes); sig = Ed25519(office key, signed bytes). Keys are EXAMPLE keys "
                           "with seed SHA-256('ssgk/example-key/v1' || 0x00 || label).",
            "public_keys": {"root": {"key_id": root.id, "public_key": root.public.b64},
                            "scjgj": {"key_id": office.id, "public_key": office.public.b64}},
            "entry_file": e3.to_json(),
            "signed_bytes_utf8": e3.signed.decode("utf-8"),
            "signed_bytes_hex": e3.signed.hex(),
            "entry_id": e3.id,
        },
        "log-example.json": {
            "description": "Three entries in acceptance order, the ledger/log text, and the RFC 6962 root over the entry ids.",
            "entries": [e.to_json() for e in entries],
            "log": "".join(f"{e.office}/{e.seq} {e.id}\n" for e in entries),
            "leaf_hashes_hex": [h.hex() for h in leaves],
            "root_hex": merkle.root(leaves).hex(),
            "root_b64": b64encode(merkle.root(leaves)),
        },
    }


def all_vectors() -> dict[str, object]:
    out: dict[str, object] = {}
    for spec in GENERATORS:
        mod, fn = spec.split(":")
        try:
            gen: Callable[[], dict[str, object]] = getattr(import_module(mod), fn)
        except (ModuleNotFoundError, AttributeError):
            continue  # that part is not built yet
        out.update(gen())
    return out


def render(obj: object) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, obj in sorted(all_vectors().items()):
        p = directory / name
        p.write_bytes(render(obj))
        paths.append(p)
    return paths


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/vectors")):
        print(p)
