"""The shape of one workflow rule concept (composed by ``WorkflowRule``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules.state import WorkflowState


class Check(Protocol):
    types: tuple[str, ...]  # entry types this concept looks at

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> Iterable[Problem]: ...

    def finish(self, ctx: Context, state: WorkflowState) -> Iterable[Problem]: ...


class NoFinish:
    """Mixin for concepts with nothing to report at the end of the log."""

    def finish(self, ctx: Context, state: WorkflowState) -> Iterable[Problem]:
        return ()
