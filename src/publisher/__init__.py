"""Verifiable 双随机、一公开 portal.

The pure core lives in :mod:`publisher.core`, :mod:`publisher.draw`, :mod:`publisher.beacon`
and :mod:`publisher.directory`; IO lives in :mod:`publisher.storage`; the CLI and the Pelican
plugin only call the core.
"""

__version__ = "0.1.0"
