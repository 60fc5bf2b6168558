"""Openings files (§6S.1) line by line: every refusal names the file and line, the line-length
limit at its byte, blank lines are skipped (not the end), and a value with a final newline is
not a hex digest."""

from __future__ import annotations

import json

import pytest

from publisher.draw.errors import DrawError
from publisher.draw.openings import MAX_LINE, Opening, openings_bytes, parse_opening, parse_openings

ROOT = "ab" * 32
A = Opening(ROOT, "A1", "第一层", b"\x01" * 32)
B = Opening(ROOT, "B2", "第二层", b"\x02" * 32)


def refusal(data, name="f.jsonl"):
    with pytest.raises(DrawError) as e:
        parse_openings(data, name) if name else parse_openings(data)
    return e.value.message


def test_lines_and_bytes_round_trip():
    data = openings_bytes([A, B])
    assert data == A.line() + B.line() and data.count(b"\n") == 2
    assert A.line() == ('{"id":"A1","root":"' + ROOT + '","salt":"' + "01" * 32 + '","stratum":"第一层"}\n').encode()
    assert parse_openings(data) == {ROOT: {"A1": A, "B2": B}}


def test_blank_lines_are_skipped_not_the_end():
    assert parse_openings(A.line() + b"\n  \n" + B.line()) == {ROOT: {"A1": A, "B2": B}}


def test_each_refusal_names_the_file_and_line():
    assert refusal(A.line() + A.line()) == f"f.jsonl:2: a second opening of A1 for root {ROOT[:16]}…"
    assert refusal(A.line() + b"[1]\n") == "f.jsonl:2: an opening is an object with exactly id, root, salt, stratum"
    assert refusal(b"{]\n") == "f.jsonl:1: not a JSON object: Expecting property name enclosed in double quotes: " \
                               "line 1 column 2 (char 1)"
    assert refusal(b"\xff\n").startswith("f.jsonl:1: not a JSON object: 'utf-8' codec can't decode byte 0xff")
    assert refusal(A.line() + A.line(), None) == f"openings:2: a second opening of A1 for root {ROOT[:16]}…"


def test_line_length_limit_at_its_byte():
    pad = MAX_LINE - len(A.line().rstrip(b"\n"))
    assert MAX_LINE == 4096
    exact = A.line().rstrip(b"\n")[:-1] + b" " * pad + b"}\n"
    assert len(exact.rstrip(b"\n")) == MAX_LINE and parse_openings(exact) == {ROOT: {"A1": A}}
    over = A.line().rstrip(b"\n")[:-1] + b" " * (pad + 1) + b"}\n"
    assert refusal(over) == "f.jsonl:1: line longer than 4096 bytes"


def test_each_member_rule():
    good = A.to_json()
    assert parse_opening(good) == A
    for obj, message in (
            ({**good, "extra": "x"}, "an opening is an object with exactly id, root, salt, stratum"),
            ({k: v for k, v in good.items() if k != "salt"}, "an opening is an object with exactly id, root, salt, stratum"),
            ({**good, "id": 7}, "id, root, salt and stratum are strings"),
            ({**good, "stratum": None}, "id, root, salt and stratum are strings"),
            ({**good, "root": ROOT.upper()}, "root and salt are 64 lower-case hex digits"),
            ({**good, "salt": "01" * 31}, "root and salt are 64 lower-case hex digits"),
            ({**good, "salt": "01" * 32 + "\n"}, "root and salt are 64 lower-case hex digits"),
            ({**good, "root": ROOT + "\n"}, "root and salt are 64 lower-case hex digits")):
        with pytest.raises(DrawError) as e:
            parse_opening(obj, "x.jsonl:3")
        assert e.value.message == f"x.jsonl:3: {message}"
        with pytest.raises(DrawError) as e:
            parse_opening(obj)
        assert e.value.message == f"opening: {message}"
    line = (json.dumps({**good, "salt": "01" * 32 + "\n"}) + "\n").encode()
    assert refusal(line) == "f.jsonl:1: root and salt are 64 lower-case hex digits"
