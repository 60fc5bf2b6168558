"""``python -m publisher.conformance [OUT [CASE...]]`` writes the suite (default docs/vectors/conformance)."""

import sys

from .generate import main

sys.exit(main())
