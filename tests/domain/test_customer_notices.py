"""Triage's notices to customers exist in every language kefu warns about secrets in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kefu.domain import customer_notices as notices
from kefu.domain.restriction_policy import Level, Verdict
from kefu.domain.secret_warnings import LANGUAGES as WARNING_LANGUAGES

RAISED = (Level.WARNING, Level.SLOW, Level.MUTED, Level.BLOCKED)


def test_the_same_languages_as_the_secret_warnings() -> None:
    assert notices.LANGUAGES == WARNING_LANGUAGES


@pytest.mark.parametrize("language", WARNING_LANGUAGES)
def test_every_notice_is_written_in_each_language(language: str) -> None:
    duplicate = notices.duplicate_notice("KF-000123", language)
    assert "KF-000123" in duplicate
    if language != "en":
        assert duplicate != notices.duplicate_notice("KF-000123", "en")
    texts = [notices.restriction_raised(level, language) for level in RAISED]
    assert all(texts)
    assert len(set(texts)) == len(texts)
    if language != "en":
        english = {notices.restriction_raised(level, "en") for level in RAISED}
        assert not english & set(texts)


def test_unknown_languages_get_english_and_no_level_no_text() -> None:
    assert notices.duplicate_notice("KF-1", "xx") == notices.duplicate_notice("KF-1", "en")
    assert notices.restriction_raised(Level.NONE, "de") == ""


@pytest.mark.parametrize("language", WARNING_LANGUAGES)
def test_a_restricted_message_says_why_that_it_was_kept_and_until_when(language: str) -> None:
    until = datetime(2026, 11, 24, 14, 35, tzinfo=UTC)
    muted = notices.verdict_notice(Verdict("muted", Level.MUTED, until), language)
    assert notices.restriction_raised(Level.MUTED, language) in muted
    assert "14:35" in muted
    blocked = notices.verdict_notice(Verdict("blocked", Level.BLOCKED, None), language)
    assert notices.restriction_raised(Level.BLOCKED, language) in blocked
    assert notices.verdict_notice(Verdict("ok", Level.NONE), language) == ""
