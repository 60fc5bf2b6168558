"""The two directories (两库): targets and inspectors, their checks, readers and snapshots.

Import from the submodules (``uscc``, ``records``, ``readers``, ``snapshot``); the names
below are re-exported for convenience.
"""

from .records import DirectoryError, Inspector, Problem, Target
from .snapshot import iter_snapshot, snapshot_bytes, snapshot_id
from .uscc import check_uscc, make_uscc, uscc_check_digit

__all__ = [
    "DirectoryError",
    "Inspector",
    "Problem",
    "Target",
    "check_uscc",
    "iter_snapshot",
    "make_uscc",
    "snapshot_bytes",
    "snapshot_id",
    "uscc_check_digit",
]
