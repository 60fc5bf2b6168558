"""A portal's trust anchors as the layers above the kernel read them.

The kernel's :class:`~publisher.core.trust.Trust` does not know what a beacon chain is; this is
where trust.json is parsed with the beacon layer's chain parser, for every command, the gate,
the site and the federation index.
"""

from __future__ import annotations

from typing import Any

from .beacon import chain_from_json
from .core.trust import Trust


def load_trust(obj: Any) -> Trust:
    """trust.json (already JSON-decoded) with its beacon chains parsed."""
    return Trust.from_json(obj, chain_parser=chain_from_json)
