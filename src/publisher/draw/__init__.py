"""The draw (双随机): pure functions from public inputs to a re-computable sample and teams.

No IO: callers pass iterables of directory records (``publisher.directory.snapshot.iter_snapshot``)
so a snapshot is streamed once with O(k) memory. The byte-level definition is
docs/spec/60-draw.md; the verification rule is ``publisher.draw.rules.rule.DrawRule``.

What a CLI needs:

* ``build_commit_body(spec, targets, inspectors, time=..., cap=..., chains=...)``
* ``secret_commitment(task, office, secret)`` and ``new_secret()``
* ``build_lock_body(commit_id, commit_body, beacon, secrets, targets, inspectors)``
* ``build_reveal_body(...)`` (same arguments) for an embargoed draw
* ``Population.from_commit(commit_body, targets)``, ``explain(result, population, id)``,
  ``verify_explanation(commit_body, lock_body, explanation, reveal_body=None)``
"""

from .cap import CapTable
from .commitment import BEACON_MARGIN, build_commit_body, check_commit_body
from .errors import DrawError, Finding
from .explain import Population, Verdict, explain, verify_explanation
from .lock import DrawResult, build_lock_body, build_reveal_body, compute_result, result_hash
from .replace import REPLACE_REASONS, apply_replacement, replacement_findings
from .seed import derive_seed, new_secret, secret_commitment

__all__ = [
    "BEACON_MARGIN",
    "REPLACE_REASONS",
    "CapTable",
    "DrawError",
    "DrawResult",
    "Finding",
    "Population",
    "Verdict",
    "apply_replacement",
    "build_commit_body",
    "build_lock_body",
    "build_reveal_body",
    "check_commit_body",
    "compute_result",
    "derive_seed",
    "explain",
    "new_secret",
    "replacement_findings",
    "result_hash",
    "secret_commitment",
    "verify_explanation",
]
