"""The rule interface of the verifier (``base``). The kernel holds no domain rule: each domain
(draw/, workflow/) owns its rule, and :mod:`publisher.ruleset` assembles the default set."""
