"""Embargoed draws that open themselves: each office's secret escrowed with tlock to the round
at the embargo's end (:mod:`.escrow`), the public check once that round is out (:mod:`.check`),
and the office's private view before it (:mod:`.show`).

Used by the draw rule (``draw.embargo``), ``publisher draw commit|show`` and the site build
(docs/spec/55-timelock.md §5A.4). Pure: no IO.
"""

from .check import embargo_findings
from .escrow import (
           EscrowError,
           check_escrow_lock,
           escrow_findings,
           open_escrow,
           open_escrows,
           reveal_round,
           seal_secret,
)
from .show import PrivateView, ShowError, show_embargoed

__all__ = ["embargo_findings", "EscrowError", "check_escrow_lock", "escrow_findings", "PrivateView", "ShowError", "open_escrow", "open_escrows", "reveal_round",
           "seal_secret", "show_embargoed"]
