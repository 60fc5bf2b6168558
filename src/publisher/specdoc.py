"""Assemble ``docs/SPEC.md`` from the per-part sections in ``docs/spec/*.md``.

Each part is owned by the module it specifies; the assembled file is what a stranger reads.
``tests/test_spec_vectors.py`` fails when SPEC.md is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = """# Verifiable 双随机、一公开 portal — specification

This document lets anyone re-implement the verifier byte for byte. It is assembled from
`docs/spec/*.md` by `make spec`; the worked examples in it and in `docs/vectors/` are generated
by the code and checked by the test suite. Sections:

"""


def assemble(spec_dir: Path) -> str:
    parts = sorted(p for p in spec_dir.glob("*.md"))
    toc, bodies = [], []
    for p in parts:
        text = p.read_text("utf-8").strip() + "\n"
        title = next((ln.lstrip("#").strip() for ln in text.splitlines() if ln.startswith("#")), p.stem)
        toc.append(f"- {title} (`docs/spec/{p.name}`)")
        bodies.append(text)
    return HEADER + "\n".join(toc) + "\n\n---\n\n" + "\n---\n\n".join(bodies)


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    (root / "SPEC.md").write_text(assemble(root / "spec"), "utf-8")
    print(root / "SPEC.md")


if __name__ == "__main__":
    main()
