"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015) checks.

Why this module exists: the target directory keys market entities by their USCC, and a
mistyped code would silently create a second "company" or hide a real one from the draw.
The two check digits catch every single-character substitution and every adjacent
transposition, so we check both before a code enters a snapshot.

Layout (1-based positions)::

    1      registration authority   (USCC charset)
    2      organisation category    (USCC charset)
    3-8    GB/T 2260 region code    (digits only)
    9-17   organisation code (GB 11714); position 17 is its own check digit
    18     USCC check digit (mod 31)

The USCC charset is ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z); a symbol's value
is its index.  Input is *not* upper-cased here: callers that want to accept lower case
must normalise first, so that a snapshot never holds two spellings of one code.
"""

from __future__ import annotations

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}

#: W_i = 3^(i-1) mod 31 for positions 1..17.
USCC_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))

#: GB 11714 weights over the first 8 characters of the organisation code (positions 9-16).
ORG_WEIGHTS: tuple[int, ...] = (3, 7, 9, 10, 5, 8, 4, 2)

_DIGITS = frozenset("0123456789")


def _org_value(ch: str) -> int:
    """GB 11714 value: digits keep their value, letters count A=10 ... Z=35 (full alphabet)."""
    if ch in _DIGITS:
        return ord(ch) - 48
    return ord(ch) - ord("A") + 10


def uscc_check_digit(first17: str) -> str:
    """The 18th character for the given first 17 characters.

    C18 = 31 - (sum(value_i * W_i) mod 31), with 31 mapped to 0, then mapped back through the
    charset.  Raises ``ValueError`` if ``first17`` is not 17 charset symbols.
    """
    if not isinstance(first17, str) or len(first17) != 17:
        raise ValueError("uscc_check_digit needs exactly 17 characters")
    total = 0
    for pos, (ch, w) in enumerate(zip(first17, USCC_WEIGHTS), start=1):
        v = _VALUE.get(ch)
        if v is None:
            raise ValueError(f"position {pos}: {ch!r} is not in the USCC charset {USCC_CHARSET}")
        total += v * w
    c = 31 - total % 31
    return USCC_CHARSET[0 if c == 31 else c]


def org_check_digit(first8: str) -> str:
    """GB 11714 check character for the 8-character organisation-code body (USCC positions 9-16).

    C9 = 11 - (sum(value_i * w_i) mod 11); 10 is written 'X' and 11 is written '0'.
    """
    if not isinstance(first8, str) or len(first8) != 8:
        raise ValueError("org_check_digit needs exactly 8 characters")
    total = 0
    for pos, (ch, w) in enumerate(zip(first8, ORG_WEIGHTS), start=9):
        if not (ch in _DIGITS or "A" <= ch <= "Z"):
            raise ValueError(f"position {pos}: {ch!r} is not a digit or capital letter")
        total += _org_value(ch) * w
    c = 11 - total % 11
    if c == 10:
        return "X"
    if c == 11:
        return "0"
    return str(c)


def check_uscc(code: object) -> list[str]:
    """Every problem with ``code`` as a USCC; an empty list means valid.

    Shape problems (type, length, charset, digits in 3-8) are reported first; the two check
    digits are only computed when the shape is right, because their values are meaningless
    otherwise.
    """
    if not isinstance(code, str):
        return [f"USCC must be a string, got {type(code).__name__}"]
    if len(code) != 18:
        return [f"USCC must be 18 characters, got {len(code)}"]
    problems: list[str] = []
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            hint = " (lower case is not accepted)" if ch.upper() in _VALUE else ""
            problems.append(
                f"position {pos}: {ch!r} is not in the USCC charset {USCC_CHARSET}{hint}"
            )
        elif 3 <= pos <= 8 and ch not in _DIGITS:
            problems.append(f"position {pos}: region code (positions 3-8) must be digits, got {ch!r}")
    if problems:
        return problems
    inner = org_check_digit(code[8:16])
    if code[16] != inner:
        problems.append(
            f"organisation-code check (GB 11714, position 17) is {code[16]!r}, computed {inner!r}"
        )
    outer = uscc_check_digit(code[:17])
    if code[17] != outer:
        problems.append(f"check digit (position 18) is {code[17]!r}, computed {outer!r}")
    return problems


def is_valid_uscc(code: object) -> bool:
    """Shorthand for ``not check_uscc(code)``."""
    return not check_uscc(code)


def make_uscc(prefix2: str, region6: str, body8: str) -> str:
    """Build a valid USCC from its free parts, computing both check digits.

    Used to generate sample directories (made-up entities, never real ones).  ``prefix2`` is
    the authority and category pair (e.g. "91" enterprise, "92" 个体工商户, "93" co-operative),
    ``region6`` a 6-digit GB/T 2260 code, ``body8`` eight USCC-charset characters.
    """
    if not isinstance(prefix2, str) or len(prefix2) != 2 or any(c not in _VALUE for c in prefix2):
        raise ValueError(f"prefix2 must be 2 USCC-charset characters, got {prefix2!r}")
    if not isinstance(region6, str) or len(region6) != 6 or any(c not in _DIGITS for c in region6):
        raise ValueError(f"region6 must be 6 digits, got {region6!r}")
    if not isinstance(body8, str) or len(body8) != 8 or any(c not in _VALUE for c in body8):
        raise ValueError(f"body8 must be 8 USCC-charset characters, got {body8!r}")
    first16 = prefix2 + region6 + body8
    first17 = first16 + org_check_digit(body8)
    return first17 + uscc_check_digit(first17)
