"""Authoring office entries from YAML and Excel (item lists, plans, tasks, results, directories).

Readers turn a clerk's file into entry bodies (``forms``), which are validated against the
current ledger state by replaying it through the very rule the verifier uses (``ledger_state``)
before anything is written (``author``). Every refusal is an :class:`InputError` listing one
line per problem: file, row or field, message, rule and regulation article.
"""
