"""Ticket numbers: KF-000042 and its accepted spellings; everything else is not found."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.domain.errors import NotFound
from kefu.domain.ticket_number import format_number, parse_number

ids = st.integers(min_value=1, max_value=10**18 - 1)
ACCEPTED = re.compile(r"(?:kf-?)?0*[0-9]{1,18}", re.IGNORECASE)


@given(ids)
def test_format_parse_roundtrip(seq: int) -> None:
    number = format_number(seq)
    assert number.startswith("KF-")
    assert len(number) >= 9
    assert parse_number(number) == seq
    assert parse_number(number.lower()) == seq
    assert parse_number(str(seq)) == seq
    assert parse_number(f"KF{seq}") == seq
    assert parse_number(f"  {number}\n") == seq


def test_examples() -> None:
    assert format_number(42) == "KF-000042"
    assert format_number(1234567) == "KF-1234567"
    assert parse_number("kf-42") == 42
    assert parse_number("000042") == 42


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "KF-",
        "KF-0",
        "0",
        "KF-000000",
        "-1",
        "KF--1",
        "KF-1.5",
        "KF 42",
        "XX-000042",
        "KF-42abc",
        "1" * 19,
        "42/../1",
        "KF-٤٢",  # digits, but not ASCII ones
        "4\u00b2",
        "１２",  # full-width digits
    ],
)
def test_garbage_is_not_a_ticket_number(text: str) -> None:
    with pytest.raises(NotFound):
        parse_number(text)


@given(st.text(max_size=40))
def test_arbitrary_text_parses_only_when_it_is_a_number(text: str) -> None:
    if ACCEPTED.fullmatch(text.strip()) and int(re.sub(r"\D", "", text)) > 0:
        assert parse_number(text) == int(re.sub(r"\D", "", text))
    else:
        with pytest.raises(NotFound):
            parse_number(text)
