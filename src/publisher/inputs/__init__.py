"""Bounded readers for every input the product parses (see :mod:`.limits`)."""
