import pytest

from kefu.domain.language import DEFAULT_LANGUAGES
from kefu.triage.language import LanguageDetector, UnsupportedLanguage, get_detector

MESSAGES = {
    "en": "My withdrawal has been pending for six hours, please check it",
    "zh": "我的提现一直在处理中，已经六个小时了",
    "es": "Mi retiro lleva seis horas pendiente, por favor revísenlo",
    "pt": "Meu saque está pendente há seis horas, podem verificar?",
    "ru": "Мой вывод висит в ожидании уже шесть часов",
    "uk": "Моє виведення чекає вже шість годин, перевірте будь ласка",
    "ja": "出金が6時間も保留中のままです。確認してください",
    "ko": "출금이 6시간째 대기 중이에요, 확인 부탁드립니다",
    "tr": "Çekim işlemim altı saattir beklemede, kontrol eder misiniz?",
    "vi": "Lệnh rút của tôi đã chờ sáu tiếng rồi, kiểm tra giúp tôi",
    "fr": "Mon retrait est en attente depuis six heures, pouvez-vous vérifier ?",
    "de": "Meine Auszahlung hängt seit sechs Stunden, bitte prüft das",
    "ar": "السحب معلق منذ ست ساعات، يرجى التحقق",
    "id": "Penarikan saya tertunda sudah enam jam, tolong dicek",
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return get_detector(DEFAULT_LANGUAGES)


def test_every_default_language_is_recognised(detector: LanguageDetector) -> None:
    assert set(MESSAGES) == set(DEFAULT_LANGUAGES)
    found = {lang: detector.detect(text).language for lang, text in MESSAGES.items()}
    assert found == {lang: lang for lang in MESSAGES}


def test_the_customers_language_decides_short_messages(detector: LanguageDetector) -> None:
    assert detector.detect("ok").language != "pt"  # alone, lingua cannot tell
    assert detector.detect("ok", known="pt").language == "pt"
    assert detector.detect("Mi depósito no ha llegado", known="pt").language == "pt"
    assert detector.detect("Mi depósito no ha llegado").language == "es"
    # A prior never beats a clear message in another script.
    assert detector.detect("提现三个小时还没到账", known="en").language == "zh"


def test_confidences_cover_configured_languages_only() -> None:
    detector = LanguageDetector(["en", "es"])
    scores = detector.confidences("Hola, ¿dónde está mi depósito?")
    assert set(scores) <= {"en", "es"}
    assert max(scores, key=lambda k: scores[k]) == "es"


def test_a_one_language_desk_answers_that_language() -> None:
    assert LanguageDetector(["es"]).detect("Hola, ¿dónde está mi depósito?").language == "es"


def test_unknown_codes_are_refused_on_first_use() -> None:
    detector = LanguageDetector(["en", "qq"])  # nothing is built yet
    with pytest.raises(UnsupportedLanguage, match="qq"):
        detector.detect("hello")
    with pytest.raises(UnsupportedLanguage):
        LanguageDetector([])
