"""Witnessing (c2sp.org/tlog-witness): a witness server, and the client side that collects
cosignatures for our checkpoints and monitors a deployed portal.

- ``protocol``  the add-checkpoint request/response bytes (pure)
- ``state``     a witness's durable record of the latest checkpoint per log (atomic, crash-safe)
- ``server``    the HTTP server (``publisher witness serve``)
- ``collect``   ``publisher checkpoint``'s cosignature collection (timeouts, retries, pending)
- ``monitor``   ``publisher monitor URL``: an auditor's own history of a portal's checkpoints
"""
