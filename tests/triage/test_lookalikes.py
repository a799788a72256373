"""The value normaliser and the lookalike detector: properties, and real phishing patterns."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.domain.errors import InvalidInput
from kefu.domain.official import ChannelKind as K
from kefu.domain.official import ReasonCode as R
from kefu.domain.official import Status
from kefu.triage import channel_values
from kefu.triage.channel_values import parse_entry, parse_value
from kefu.triage.homoglyphs import confusable_key
from kefu.triage.lookalikes import OfficialEntry, OfficialIndex
from kefu.triage.mentions import mentions

REGISTRY = [
    (K.DOMAIN, "kefux.com"),
    (K.DOMAIN, "official.com"),
    (K.DOMAIN, "microsoft.com"),
    (K.EMAIL, "support@kefux.com"),
    (K.EMAIL, "kefux.help@gmail.com"),
    (K.PHONE, "+44 20 7946 0321"),
    (K.TELEGRAM, "@kefux_support"),
    (K.X, "@kefuX_Official"),
]


def _index(registry: list[tuple[K, str]] = REGISTRY) -> OfficialIndex:
    entries = []
    for i, (kind, raw) in enumerate(registry, 1):
        parsed = parse_entry(kind, raw)
        entries.append(OfficialEntry(i, kind, parsed.value, parsed.display))
    return OfficialIndex.build(entries)


INDEX = _index()

# Confusable substitutes for ASCII letters (Cyrillic, Greek, digits, capitals).
SUBSTITUTES = {
    "a": ["а", "ɑ"],
    "c": ["с", "ϲ"],
    "e": ["е"],
    "i": ["і"],
    "l": ["I", "1", "ӏ"],
    "o": ["о", "ο", "0"],
    "p": ["р"],
    "s": ["ѕ"],
    "x": ["х"],
    "m": ["rn"],
}


@pytest.mark.parametrize(
    ("value", "status", "official", "reason"),
    [
        # official, however written
        ("KEFUX.COM", Status.OFFICIAL, "kefux.com", R.LISTED),
        (
            "https://www.kefux.com./en/login?next=/",
            Status.OFFICIAL,
            "kefux.com",
            R.SUBDOMAIN_OF_OFFICIAL,
        ),
        ("ｋｅｆｕｘ.com", Status.OFFICIAL, "kefux.com", R.LISTED),  # full-width: browsers map it
        ("mailto:Support@KEFUX.com", Status.OFFICIAL, "support@kefux.com", R.LISTED),
        ("no-reply@kefux.com", Status.OFFICIAL, "kefux.com", R.AT_OFFICIAL_DOMAIN),
        ("tel:+442079460321", Status.OFFICIAL, "+44 20 7946 0321", R.LISTED),
        ("https://t.me/KEFUX_SUPPORT", Status.OFFICIAL, "@kefux_support", R.LISTED),
        ("https://twitter.com/kefux_official", Status.OFFICIAL, "@kefuX_Official", R.LISTED),
        # the official name in front of someone else's domain
        ("kefux.com.evil.io", Status.LOOKALIKE, "kefux.com", R.OFFICIAL_AS_SUBDOMAIN),
        ("https://kefux.com-login.io/x", Status.LOOKALIKE, "kefux.com", R.OFFICIAL_AS_SUBDOMAIN),
        ("login.kefux.secure-verify.app", Status.LOOKALIKE, "kefux.com", R.OFFICIAL_AS_SUBDOMAIN),
        ("https://kefux.com@evil.io/", Status.LOOKALIKE, "kefux.com", R.OFFICIAL_AS_SUBDOMAIN),
        # look-alike characters, punycode
        ("kеfux.com", Status.LOOKALIKE, "kefux.com", R.HOMOGLYPH),  # Cyrillic е
        ("xn--kfux-v4d.com", Status.LOOKALIKE, "kefux.com", R.HOMOGLYPH),
        ("officiaI.com", Status.LOOKALIKE, "official.com", R.HOMOGLYPH),  # capital i
        ("rnicrosoft.com", Status.LOOKALIKE, "microsoft.com", R.HOMOGLYPH),
        ("micr0soft.com", Status.LOOKALIKE, "microsoft.com", R.HOMOGLYPH),
        ("kefúx.com", Status.LOOKALIKE, "kefux.com", R.HOMOGLYPH),
        # the name under another ending, with words, misspelt
        ("kefux.net", Status.LOOKALIKE, "kefux.com", R.OTHER_ENDING),
        ("kefux.co.uk", Status.LOOKALIKE, "kefux.com", R.OTHER_ENDING),
        ("official-support.com", Status.LOOKALIKE, "official.com", R.EXTRA_WORDS),
        ("kefuxwallet.io", Status.LOOKALIKE, "kefux.com", R.EXTRA_WORDS),
        ("kefx.com", Status.LOOKALIKE, "kefux.com", R.NEAR_SPELLING),
        ("kfeux.com", Status.LOOKALIKE, "kefux.com", R.NEAR_SPELLING),
        ("rnicrosfot.com", Status.LOOKALIKE, "microsoft.com", R.NEAR_SPELLING),
        # email addresses
        ("support@kefux-help.com", Status.LOOKALIKE, "kefux.com", R.EXTRA_WORDS),
        ("support@kefux.com.ru", Status.LOOKALIKE, "kefux.com", R.OTHER_ENDING),
        ("kefux.he1p@gmail.com", Status.LOOKALIKE, "kefux.help@gmail.com", R.HOMOGLYPH),
        ("kefux_help@gmail.com", Status.LOOKALIKE, "kefux.help@gmail.com", R.SEPARATORS),
        ("kefuxsupport@outlook.com", Status.LOOKALIKE, "kefux.com", R.BRAND_ELSEWHERE),
        # handles
        ("@kefux_support_team", Status.LOOKALIKE, "@kefux_support", R.EXTRA_WORDS),
        ("t.me/kefux.support", Status.LOOKALIKE, "@kefux_support", R.SEPARATORS),
        ("t.me/kefuх_support", Status.LOOKALIKE, "@kefux_support", R.HOMOGLYPH),
        ("https://x.com/kefux_support", Status.LOOKALIKE, "@kefux_support", R.OTHER_NETWORK),
        ("@kefux_airdrop", Status.LOOKALIKE, "kefux.com", R.BRAND_ELSEWHERE),
        # phone numbers
        ("+44 20 7946 0312", Status.LOOKALIKE, "+44 20 7946 0321", R.NEAR_NUMBER),
        ("+1 415 555 0100", Status.NOT_OFFICIAL, None, R.UNLISTED),
        # nothing like us
        ("wikipedia.org", Status.NOT_OFFICIAL, None, R.UNLISTED),
        ("@johnsmith", Status.NOT_OFFICIAL, None, R.UNLISTED),
        ("someone@gmail.com", Status.NOT_OFFICIAL, None, R.UNLISTED),
    ],
)
def test_phishing_patterns(value: str, status: Status, official: str | None, reason: R) -> None:
    verdict = INDEX.check(parse_value(value))
    assert (verdict.status, verdict.reason.code) == (status, reason), verdict
    assert (verdict.match.display if verdict.match else None) == official


def test_punycode_is_explained() -> None:
    verdict = INDEX.check(parse_value("xn--kfux-v4d.com"))
    assert verdict.value.display == "kеfux.com"
    assert [n.code for n in verdict.notes] == [R.PUNYCODE]
    assert "CYRILLIC" in verdict.reason.params["chars"]
    assert INDEX.check(parse_value("officiaI.com")).reason.params["chars"] == "I→l"


official_domains = st.sampled_from(["kefux.com", "official.com", "microsoft.com"])


@settings(max_examples=200)
@given(
    official_domains,
    st.sampled_from(["", "www.", "WWW.", "help.", "a.b."]),
    st.sampled_from(["", ".", "/", "/login?x=1", ":443/"]),
    st.sampled_from(["", "https://", "http://", "HTTPS://"]),
    st.booleans(),
)
def test_official_domains_in_any_dress_are_official(
    domain: str, prefix: str, suffix: str, scheme: str, upper: bool
) -> None:
    host = f"{prefix}{domain.upper() if upper else domain}"
    text = f"{scheme}{host}{suffix}" if scheme or suffix in ("", ".") else f"{host}{suffix}"
    verdict = INDEX.check(parse_value(text))
    assert verdict.status == Status.OFFICIAL, (text, verdict)
    assert verdict.match is not None
    assert verdict.match.display == domain


@settings(max_examples=300)
@given(official_domains, st.data())
def test_one_confusable_substitution_is_a_lookalike_of_it(domain: str, data: st.DataObject) -> None:
    label, _, suffix = domain.partition(".")
    positions = [i for i, c in enumerate(label) if c in SUBSTITUTES]
    i = data.draw(st.sampled_from(positions))
    substitute = data.draw(st.sampled_from(SUBSTITUTES[label[i]]))
    fake = f"{label[:i]}{substitute}{label[i + 1 :]}.{suffix}"
    verdict = INDEX.check(parse_value(fake))
    assert verdict.status == Status.LOOKALIKE, (fake, verdict)
    assert verdict.match is not None
    assert verdict.match.display == domain
    # Mostly HOMOGLYPH; IDNA maps some (Greek ϲ becomes σ, which reads as o) to another letter.
    assert verdict.reason.code in (R.HOMOGLYPH, R.NEAR_SPELLING)


@settings(max_examples=200)
@given(official_domains, st.sampled_from(["evil.io", "secure-login.net", "xn--80ak6aa92e.com"]))
def test_official_name_before_another_domain_is_a_lookalike(domain: str, other: str) -> None:
    verdict = INDEX.check(parse_value(f"https://{domain}.{other}/wallet"))
    assert verdict.status == Status.LOOKALIKE
    assert verdict.reason.code == R.OFFICIAL_AS_SUBDOMAIN


@settings(max_examples=200)
@given(
    st.sampled_from(["@kefux_support", "kefux_support", "t.me/kefux_support"]),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_handles_ignore_case_and_at(handle: str, case: object) -> None:
    text = case(handle)  # type: ignore[operator]
    if text.lower().startswith("t.me/"):
        text = "t.me/" + text[5:]
    verdict = INDEX.check(parse_value(text))
    assert verdict.status == Status.OFFICIAL


@given(st.text(max_size=300))
def test_parse_value_accepts_or_refuses_clearly(text: str) -> None:
    try:
        value = parse_value(text)
    except InvalidInput as exc:
        detail = exc.detail
        assert detail.strip(), "a refusal says why"
        return
    assert value.value
    INDEX.check(value)  # any parsed value gets a verdict


@given(st.text(max_size=500))
def test_mentions_never_fail(text: str) -> None:
    for value in mentions(text):
        INDEX.check(value)


def test_confusable_keys() -> None:
    assert confusable_key("kеfux") == confusable_key("KEFUX") == "kefux"
    assert confusable_key("rnicrosoft") == confusable_key("microsoft")
    assert confusable_key("officiaI") == "official"
    assert confusable_key("vvallet") == "wallet"


def test_mentions_in_messages() -> None:
    found = mentions(
        "Someone (@kefuX_Support_Help) sent https://kefux-support.com/login, mail "
        "kefux.help@gmail.com or call +44 20 7946 0321. 请访问kefux.com。 v1.5, e.g. fine"
    )
    assert [(v.kind, v.display) for v in found] == [
        (None, "@kefuX_Support_Help"),
        (K.DOMAIN, "kefux-support.com"),
        (K.EMAIL, "kefux.help@gmail.com"),
        (K.PHONE, "+44 20 7946 0321"),
        (K.DOMAIN, "kefux.com"),
    ]
    assert mentions("my withdrawal is stuck, please help") == []
    # On X, a bare @account is an X account.
    on_x = mentions("is @kefux_official you?", network=K.X)
    assert [(v.kind, v.value) for v in on_x] == [(K.X, "kefux_official")]
    assert INDEX.check(on_x[0]).status == Status.OFFICIAL
    assert [v.value for v in mentions("see verify-kefux-wallet[.]example now")] == [
        "verify-kefux-wallet.example"
    ]


def test_the_public_suffix_list_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    channel_values._extractor.cache_clear()
    try:
        assert channel_values.host_parts("a.b.kefux.co.uk").registrable == "kefux.co.uk"
        assert channel_values.host_parts("kefux.github.io").registrable == "kefux.github.io"
        assert channel_values.host_parts("kefux.example").registrable == "kefux.example"
        extractor = channel_values._extractor()
        assert extractor.suffix_list_urls == ()
    finally:
        channel_values._extractor.cache_clear()


@pytest.mark.parametrize(
    "text", ["", "   ", "two words here", "+12", "@", "a" * 3000, "http://a..b"]
)
def test_unreadable_values_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_value(text)
