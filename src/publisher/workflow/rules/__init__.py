"""The office workflow rules (item lists, plans, tasks, results and their deadlines).

Each module holds one rule concept as a small object with ``check(entry, ctx, state)`` and
``finish(ctx, state)``; :class:`publisher.workflow.rules.rule.WorkflowRule` composes them
over one shared, bounded :class:`~publisher.workflow.rules.state.WorkflowState`.
"""
