"""Cue phrases that ask for a supervisor, in every supported language, and the repeat-contact
rule (pure code)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.domain.language import DEFAULT_LANGUAGES
from kefu.triage.escalation import ASKS, Reopening, contacts_again, supervisor_request

# (language, message asking for a supervisor, a message that does not)
TABLE = [
    (
        "en",
        "This is ridiculous. I want to speak to a manager NOW",
        "My account manager app crashed",
    ),
    ("en", "Can you escalate this please, it’s been a week", "The price escalated quickly"),
    ("es", "Quiero hablar con un supervisor, por favor", "Mi retiro sigue pendiente"),
    ("pt", "Quero falar com o gerente agora", "Meu depósito não chegou"),
    ("fr", "Je veux parler à un responsable immédiatement", "Mon retrait est bloqué"),
    ("de", "Ich möchte mit einem Vorgesetzten sprechen", "Meine Auszahlung hängt seit Stunden"),
    ("ru", "Позовите руководителя, это невозможно", "Мой вывод средств завис"),
    ("uk", "Я хочу поговорити з керівником", "Мій депозит не надійшов"),
    ("zh", "我要找你们经理，马上！", "我的提现一直在处理中"),
    ("ja", "責任者を出してください", "出金が保留のままです"),
    ("ko", "관리자 바꿔 주세요", "출금이 계속 대기 중입니다"),
    ("tr", "Bir yöneticiyle görüşmek istiyorum", "Para çekme işlemim beklemede"),
    ("vi", "Tôi muốn gặp quản lý ngay", "Lệnh rút tiền của tôi vẫn đang chờ"),
    ("ar", "أريد التحدث مع المدير الآن", "السحب الخاص بي معلق"),
    ("id", "Saya mau bicara dengan atasan Anda", "Penarikan saya masih tertunda"),
]


def test_every_supported_language_has_phrases() -> None:
    assert set(DEFAULT_LANGUAGES) <= set(ASKS)
    assert {lang for lang, _, _ in TABLE} == set(DEFAULT_LANGUAGES)


@pytest.mark.parametrize(("language", "asks", "plain"), TABLE)
def test_asking_for_a_supervisor_in_each_language(language: str, asks: str, plain: str) -> None:
    assert supervisor_request(asks) is not None, language
    assert supervisor_request(plain) is None, language


@pytest.mark.parametrize(
    ("text", "intent", "found"),
    [
        ("Your service is a joke, where is the manager", "complaint", "manager"),
        ("Your service is a joke, where is the manager", "withdrawal_issue", None),
        ("my account manager told me to write here", None, None),
        ("немедленно дайте руководителя", "complaint", "руководител"),  # inflected
        ("немедленно дайте руководителя", None, None),
        ("客服太差了，主管呢", "complaint", "主管"),
        ("the managerial report", "complaint", None),  # whole words in English
        ("prices escalated", "complaint", None),
        ("Bir yöneticinizle konuşmak istiyorum, rezalet", "complaint", "yönetici"),
    ],
)
def test_bare_words_count_only_in_a_complaint(text: str, intent: str | None, found: str) -> None:
    assert supervisor_request(text, intent) == found


_PHRASES = [p for phrases in ASKS.values() for p in phrases]
_FILLER = st.text(alphabet=st.sampled_from("abc xyz 123 .,!?"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_PHRASES), _FILLER, _FILLER, st.booleans())
def test_a_phrase_is_found_anywhere_in_any_case(
    phrase: str, before: str, after: str, upper: bool
) -> None:
    text = f"{before} {phrase.upper() if upper else phrase} {after}"
    assert supervisor_request(text) is not None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=("Nd", "P", "Zs", "S")), max_size=200))
def test_text_without_letters_never_asks(text: str) -> None:
    assert supervisor_request(text, "complaint") is None


T = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("merged_in", "reopenings", "repeat"),
    [
        (0, [], False),  # a first contact
        (1, [], True),  # a duplicate of theirs joined this ticket
        (0, [Reopening(T, 10)], False),  # this very message reopened it
        (0, [Reopening(T - timedelta(minutes=5), 7)], True),  # writing again after reopening
        (0, [Reopening(T - timedelta(minutes=5), None)], True),  # staff reopened it earlier
        (0, [Reopening(T + timedelta(minutes=5), None)], False),  # reopened after this message
    ],
)
def test_contacting_again(merged_in: int, reopenings: list[Reopening], repeat: bool) -> None:
    assert contacts_again(10, T, merged_in, reopenings) is repeat


@pytest.mark.parametrize(
    "text",
    [
        "I don't need to speak to a manager, the agent helped",
        "I do not want to talk to a supervisor, just fix it",
        "There's no need to escalate this, thanks",
        "No quiero hablar con un supervisor, solo quiero mi dinero",
        "Não quero falar com o gerente",
        "Je ne veux pas parler à un responsable",
        "Ich möchte nicht mit einem Vorgesetzten sprechen",
        "Я не хочу поговорить с руководителем",
        "不用找你们经理了，谢谢",
        "責任者と話す必要はないです",
        "관리자와 통화 안 해도 돼요",
        "Bir yöneticiyle görüşmek istemiyorum",
        "Tôi không cần gặp quản lý",
        "لا أريد التحدث مع المدير",
        "Saya tidak perlu bicara dengan atasan",
    ],
)
def test_a_negated_request_is_no_request(text: str) -> None:
    assert supervisor_request(text) is None
    assert supervisor_request(text, "complaint") is None


@pytest.mark.parametrize(
    "text",
    [
        "Why can't I speak to a manager?",
        "¿No puedo hablar con un supervisor?",
        "Почему я не могу поговорить с руководителем?",
        "I don't want to wait any more, let me speak to a manager",
        "No I want to speak to a manager",
        "我很不满意我要找经理",
        "上司に代わってもらえませんか",
        "I want to speak to a manager, not a bot",
        "I don't need a refund, I need to speak to a manager",
    ],
)
def test_negation_elsewhere_or_a_negative_question_still_asks(text: str) -> None:
    assert supervisor_request(text) is not None


NEGATE = {
    "en": "I don't {}",
    "es": "no {}",
    "pt": "não {}",
    "fr": "je ne veux pas {}",
    "de": "ich will nicht {}",
    "ru": "не {}",
    "uk": "ні, не {}",
    "zh": "不用{}",
    "ja": "{}す必要はない",
    "ko": "{} 필요 없어요",
    "tr": "{} istemiyorum",
    "vi": "tôi không {}",
    "ar": "لا {}",
    "id": "tidak {}",
}


@pytest.mark.parametrize(
    ("language", "phrase"), [(lang, p) for lang, phrases in ASKS.items() for p in phrases]
)
def test_every_phrase_negated_in_its_language_is_no_request(language: str, phrase: str) -> None:
    assert supervisor_request(NEGATE[language].format(phrase)) is None
