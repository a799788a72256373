"""Ticket tags: lower-case, a small alphabet, at most 64 characters and 50 tags."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.domain.errors import InvalidInput
from kefu.domain.tags import MAX_TAGS, normalize_tags

TAG = re.compile(r"[a-z0-9][a-z0-9_\-:.]{0,63}")


def test_normalises_and_dedupes_in_order() -> None:
    assert normalize_tags([" VIP ", "kyc:pending", "vip", "Withdrawal.BTC"]) == [
        "vip",
        "kyc:pending",
        "withdrawal.btc",
    ]
    assert normalize_tags([]) == []


@pytest.mark.parametrize(
    "tag",
    ["", " ", "has space", "-leading", ":x", "a" * 65, "emoji🙂", "naïve", "a/b", "a\nb", "#x"],
)
def test_rejects(tag: str) -> None:
    with pytest.raises(InvalidInput, match="invalid tag"):
        normalize_tags(["ok", tag])


def test_at_most_fifty_distinct_tags() -> None:
    assert len(normalize_tags([f"t{i}" for i in range(MAX_TAGS)])) == MAX_TAGS
    assert normalize_tags(["same"] * 200) == ["same"]
    with pytest.raises(InvalidInput, match="at most"):
        normalize_tags([f"t{i}" for i in range(MAX_TAGS + 1)])


@given(st.lists(st.text(max_size=70), max_size=60))
def test_output_is_valid_unique_and_idempotent(tags: list[str]) -> None:
    try:
        out = normalize_tags(tags)
    except InvalidInput:
        return
    assert len(out) == len(set(out)) <= MAX_TAGS
    assert all(TAG.fullmatch(t) for t in out)
    assert normalize_tags(out) == out


@given(st.lists(st.from_regex(TAG, fullmatch=True), max_size=MAX_TAGS))
def test_valid_tags_are_kept(tags: list[str]) -> None:
    assert normalize_tags([t.upper() for t in tags]) == list(dict.fromkeys(tags))
