"""USCC (GB 32100-2015) checks against the facts in REQUIREMENTS §5."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.directory.uscc import (
    USCC_CHARSET,
    USCC_WEIGHTS,
    check_uscc,
    is_valid_uscc,
    make_uscc,
    org_check_digit,
    uscc_check_digit,
)

VALID = [
    "91110000101623741K",
    "911101066976941872",
    "91350100M000100Y43",
    "91440101MA5CJQ4N59",
    "9135021359498494XQ",
    "123502001549897397",
    # constructed examples from §5 (made up, not real entities)
    "91110108MA01XY7Q8F",
    "92330106MA2H00014M",
    "914403003585719248",
]
# (code, the check digit §5 says the formula computes)
INVALID = [
    ("91350211M0000XUF46", "R"),
    ("91350203M0001QAY9B", "9"),
    ("91310115MA1H8R7C6D", None),
]
BASE = "91110000101623741K"


def test_weights_are_powers_of_three_mod_31() -> None:
    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(USCC_CHARSET) == 31 and not set("IOSVZ") & set(USCC_CHARSET)


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code: str) -> None:
    assert check_uscc(code) == []
    assert uscc_check_digit(code[:17]) == code[17]
    assert org_check_digit(code[8:16]) == code[16]


def test_worked_sum_for_quanjude() -> None:
    # §5: sum 477, 477 mod 31 = 12, 31 - 12 = 19 -> 'K'
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(BASE[:17], USCC_WEIGHTS))
    assert total == 477 and USCC_CHARSET[31 - total % 31] == "K"


def test_inner_check_x() -> None:
    assert org_check_digit("59498494") == "X"


@pytest.mark.parametrize("code,computed", INVALID)
def test_invalid_codes(code: str, computed: str | None) -> None:
    problems = check_uscc(code)
    assert problems
    assert any("position 18" in p for p in problems)
    if computed is not None:
        assert uscc_check_digit(code[:17]) == computed
        assert f"computed {computed!r}" in problems[-1]


def test_every_single_substitution_is_caught() -> None:
    caught = 0
    for pos in range(17):
        for ch in USCC_CHARSET:
            if ch == BASE[pos]:
                continue
            bad = BASE[:pos] + ch + BASE[pos + 1:]
            assert check_uscc(bad), bad
            # the mod-31 digit alone already catches it
            assert uscc_check_digit(bad[:17]) != bad[17] or not bad[2:8].isdigit()
            caught += 1
    assert caught == 510


def test_every_substitution_of_the_check_digit_is_caught() -> None:
    for ch in USCC_CHARSET.replace("K", ""):
        assert check_uscc(BASE[:17] + ch)


def test_every_adjacent_transposition_is_caught() -> None:
    swaps = 0
    for i in range(16):
        if BASE[i] == BASE[i + 1]:
            continue
        bad = BASE[:i] + BASE[i + 1] + BASE[i] + BASE[i + 2:]
        assert uscc_check_digit(bad[:17]) != bad[17], bad
        assert check_uscc(bad)
        swaps += 1
    assert swaps == 11
    # swapping positions 17 and 18 is caught too
    assert check_uscc(BASE[:16] + BASE[17] + BASE[16])


@pytest.mark.parametrize(
    "code,fragment",
    [
        ("91110000101623741k", "lower case"),
        ("9111000010162374IK", "'I'"),
        ("91110000101623741", "18 characters"),
        ("91110000101623741KK", "18 characters"),
        ("911A0000101623741K", "must be digits"),
        ("", "18 characters"),
        (None, "string"),
        (911101066976941872, "string"),
        ("91110000101623741Ｋ", "not in the USCC charset"),
    ],
)
def test_shape_problems(code: object, fragment: str) -> None:
    problems = check_uscc(code)
    assert problems and any(fragment in p for p in problems), problems


def test_inner_check_failure_is_reported_separately() -> None:
    # Change position 17 and recompute position 18: only the GB 11714 check fails.
    first17 = BASE[:16] + "2"
    code = first17 + uscc_check_digit(first17)
    problems = check_uscc(code)
    assert len(problems) == 1 and "GB 11714" in problems[0]


def test_make_uscc_reproduces_known_codes() -> None:
    for code in VALID:
        assert make_uscc(code[:2], code[2:8], code[8:16]) == code


@given(
    st.sampled_from(["91", "92", "93", "12", "Y1"]),
    st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
    st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8),
)
def test_make_uscc_always_valid(prefix: str, region: str, body: str) -> None:
    code = make_uscc(prefix, region, body)
    assert len(code) == 18 and is_valid_uscc(code)


@pytest.mark.parametrize(
    "args",
    [("9", "110000", "10162374"), ("91", "11000A", "10162374"), ("91", "110000", "1016237I"),
     ("91", "110000", "1016237")],
)
def test_make_uscc_refuses_bad_parts(args: tuple[str, str, str]) -> None:
    with pytest.raises(ValueError):
        make_uscc(*args)


def test_uscc_check_digit_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        uscc_check_digit("9111000010162374")
    with pytest.raises(ValueError):
        uscc_check_digit("9111000010162374O")


def test_generate_a_county() -> None:
    """~20,000 distinct valid codes, as the sample-county generator will need."""
    rnd = random.Random(20260915)
    codes = {make_uscc(rnd.choice(["91", "92", "93"]), "330106",
                       "MA" + "".join(rnd.choice(USCC_CHARSET) for _ in range(6)))
             for _ in range(20_000)}
    assert len(codes) > 19_900
    assert all(not check_uscc(c) for c in codes)
