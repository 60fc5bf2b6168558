"""Errors and findings of the draw, each tied to the regulation article it enforces.

Builders raise :class:`DrawError` (refuse to produce a bad body); checkers return
:class:`Finding` lists (a verifier reports every problem, it does not stop at the first).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import PublisherError

# Articles cited by messages (see docs/spec/60-draw.md §6.10).
ART_LOCK = "001 第十二条"  # a locked list cannot be changed
ART_CAP = "001 第七条"  # at most two checks a year, in principle
ART_RATIO_CAP = "003 二(二)"  # general items carry a ratio cap
ART_TEAM_SIZE = "004 第十四条"  # at least two inspectors
ART_CONFLICT = "000 第九条 / 004 第十二条"  # recusal
ART_POOL = "004 第十四条 / 000 第九条"  # pool too small for teams
ART_LEADER = "001 第十四条"  # the leader comes from the initiating office
ART_REPLACE = "001 第十三条"  # replacement of a drawn inspector
ART_MATCH = "004 第十二条"  # inspectors are matched at random
ART_UNANNOUNCED = "001 第十七条"  # unannounced checks must not leak
ART_FAIR = "003 二(五)"  # the draw is open and fair
ART_DIRECTIONAL = "004 第十条"  # directional / open draws
ART_DIRECTORY = "001 第八条"  # the two directories are confirmed before every draw


class DrawError(PublisherError, ValueError):
    """A draw cannot be built from these inputs; the message says what to change."""

    def __init__(self, message: str, article: str = ""):
        super().__init__(message + (f" ({article})" if article else ""))
        self.message = message
        self.article = article


@dataclass(frozen=True)
class Finding:
    """One problem found while checking a body against its recomputation."""

    message: str
    article: str = ""
    severity: str = "error"
    rule: str = ""  # rule id (draw.commit, draw.cap, ...); empty = the id of the check reporting it
    file: str = ""  # where, for findings made at the end (finish), when not the entry being checked
    entry_id: str = ""
