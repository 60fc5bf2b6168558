"""The draw rule's concepts, one module each (composed by :class:`publisher.draw.rules.rule.DrawRule`,
which :mod:`publisher.ruleset` registers with the verifier).

Rule ids in problems: ``draw.commit``, ``draw.accept``, ``draw.lock``, ``draw.reveal``,
``draw.replace``, ``draw.population``, ``draw.cap``, ``draw.history``, ``draw.embargo`` (docs/spec/60-draw.md §6.10).
"""
