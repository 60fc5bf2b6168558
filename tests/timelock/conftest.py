"""Timelock tests: helpers live in tl_support.py (conftest modules are not importable by name)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
