"""docs/vectors/draw-*.json are exactly what the code generates (regenerate: make vectors)."""

from __future__ import annotations

from pathlib import Path

from publisher.beacon import QUICKNET, Beacon, check_beacon
from publisher.draw.vectors import ROUND, SIGNATURE, generate

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "vectors"


def test_vectors_are_up_to_date():
    for name, data in generate().items():
        path = VECTORS / name
        assert path.exists(), f"{path} missing: run python -m publisher.draw.vectors"
        assert path.read_bytes() == data, f"{name} differs from the code: run python -m publisher.draw.vectors"


def test_example_uses_a_real_quicknet_beacon():
    check_beacon(QUICKNET, Beacon(round=ROUND, signature=bytes.fromhex(SIGNATURE)))
