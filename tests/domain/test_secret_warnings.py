"""The customer's warning in their language; the agent's advice by kind."""

from __future__ import annotations

import pytest

from kefu.domain.secret_warnings import (
    LANGUAGES,
    agent_advice,
    customer_warning,
    language_of,
    secret_kinds,
)


def test_every_language_has_both_warnings() -> None:
    assert len(LANGUAGES) >= 14
    for language in LANGUAGES:
        wallet = customer_warning(["seed_phrase"], language)
        other = customer_warning(["password"], language)
        assert wallet != other
        assert wallet != customer_warning(["seed_phrase"], "en") or language == "en"


@pytest.mark.parametrize(
    ("preferred", "text", "expected"),
    [
        (("pt-BR", None), "hello", "pt"),
        ((None, "zh_Hant"), "hello", "zh"),
        ((None, None), "我的助记词", "zh"),
        ((None, None), "パスワードは", "ja"),
        ((None, None), "비밀번호는", "ko"),
        ((None, None), "пароль", "ru"),
        ((None, None), "รหัสผ่าน", "th"),
        ((None, None), "كلمة المرور", "ar"),
        (("xx", None), "password", "en"),
    ],
)
def test_language_of(preferred: tuple[str | None, str | None], text: str, expected: str) -> None:
    assert language_of(preferred, text) == expected


def test_advice() -> None:
    assert secret_kinds(["security", "secret:seed_phrase", "secret:card_number"]) == [
        "seed_phrase",
        "card_number",
    ]
    wallet = agent_advice(["seed_phrase"])
    assert "freeze withdrawals" in wallet
    assert "new wallet" in wallet
    assert "rotate the API key" in agent_advice(["api_secret"])
    assert customer_warning(["password"], "xx") == customer_warning(["password"], "en")
