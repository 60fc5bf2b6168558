"""The default rule set: the one place above the kernel and the domains where they meet.

``core/`` knows only the rule interface (:class:`publisher.core.rules.base.Rule`); each domain
owns its rule (``draw.rules.DrawRule``, ``workflow.rules.WorkflowRule``). `publisher verify`,
the gate, the site and the federation index all verify with :func:`default_rules`.
"""

from __future__ import annotations

from .core.rules.base import Rule
from .directory.parsed import ParsedSnapshots
from .draw.rules.rule import DrawRule
from .workflow.rules.rule import WorkflowRule


def default_rules(openings=None, known=None) -> list[Rule]:
    """Fresh rule objects (rules carry state across one verification run); ``openings`` (root ->
    id -> Opening) lets the draw rule re-check sealed draws in full (docs/spec/65-sealed.md);
    ``known`` (draw.outcomes.KnownOutcomes) lends it draws this process has just computed."""
    parsed = ParsedSnapshots()  # one parse of a snapshot serves both rules (directory/parsed.py)
    return [DrawRule(openings, known, parsed), WorkflowRule(parsed=parsed)]
