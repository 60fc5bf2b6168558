"""The default rule set: the one place above the kernel and the domains where they meet.

``core/`` knows only the rule interface (:class:`publisher.core.rules.base.Rule`); each domain
owns its rule (``draw.rules.DrawRule``, ``workflow.rules.WorkflowRule``). `publisher verify`,
the gate, the site and the federation index all verify with :func:`default_rules`.
"""

from __future__ import annotations

from .core.rules.base import Rule
from .draw.rules.rule import DrawRule
from .workflow.rules.rule import WorkflowRule


def default_rules() -> list[Rule]:
    """Fresh rule objects (rules carry state across one verification run)."""
    return [DrawRule(), WorkflowRule()]
