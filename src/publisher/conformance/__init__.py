"""The conformance suite (``docs/vectors/conformance/``, spec §0): small signed ledgers, each
with the verdict and every problem a verifier MUST report — the Wycheproof idea for this ledger.

Why generated: every case is one honest county (:mod:`.county`) plus exactly one manipulation
(:mod:`.cases`), with keys from fixed seeds and fixed times, so a regeneration is byte-identical
and a third party can re-run the same files against their own verifier. The expectations are
written by hand from the spec, never read back from the verifier; the generator refuses to
write a case the reference verifier disagrees with (:func:`.generate.check_case`).
"""
