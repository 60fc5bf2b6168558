"""Publishing the ledger through git.

The repository *is* the portal, so git history must never be allowed to rewrite the ledger.
Split the way python-tuf and sigstore split policy from transport:

- :mod:`.rules`      pure functions over ``(status, path)`` lists and file bytes (no IO);
- :mod:`.git`        a tiny subprocess runner for the few git plumbing commands we need;
- :mod:`.checkpush`  CI's gate: diff rules for BASE..HEAD, then the full verifier on HEAD;
- :mod:`.submit`     a clerk's "commit, rebase onto the latest ledger, verify, push" loop.

Normative text: docs/spec/80-git.md.
"""
