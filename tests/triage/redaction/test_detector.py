"""Properties of `redact` as a whole: offsets, idempotence, what is kept."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from kefu.triage.redaction import KINDS, find_secrets, placeholder, redact

SECRETS = [
    Mnemonic("english").to_mnemonic(bytes(range(16))),
    "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ",
    "card 4111 1111 1111 1111",
    "password: hunter2!",
    "验证码 482913",
    "API secret: 9fQk2LxPz83mNaBcR7tY",
    "my private key 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
]
KEPT = [
    "txid 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "order 1234567890123456",
    "UID 88772211",
    "0.5 BTC",
    "1,234.56 USDT",
    "2026-11-24 09:30",
    "+86 138 1234 5678",
    "please help me with my withdrawal",
    "我的提现还没到账",
]
fragments = st.sampled_from(SECRETS + KEPT) | st.text(max_size=30)


@st.composite
def messages(draw: st.DrawFn) -> str:
    parts = draw(st.lists(fragments, max_size=6))
    seps = draw(st.lists(st.sampled_from([" ", "\n", ", ", "", "。"]), min_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=False))


@settings(max_examples=300, deadline=None)
@given(messages())
def test_offsets_point_into_the_input(text: str) -> None:
    result = redact(text)
    rebuilt, at = [], 0
    for f in result.findings:
        assert 0 <= at <= f.start < f.end <= len(text)
        assert f.kind in KINDS
        rebuilt += [text[at : f.start], placeholder(f.kind)]
        at = f.end
    rebuilt.append(text[at:])
    assert "".join(rebuilt) == result.text


@settings(max_examples=300, deadline=None)
@given(messages())
def test_redacting_twice_changes_nothing(text: str) -> None:
    once = redact(text).text
    assert redact(once).text == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(KEPT), min_size=1, max_size=5), st.sampled_from([" ", "\n", "; "]))
def test_what_customers_need_is_kept(parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    assert find_secrets(text) == [], text


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    st.dates(),
    st.sampled_from(["BTC", "USDT", "ETH", "元", "$"]),
)
def test_amounts_and_dates_survive(amount: object, day: object, unit: str) -> None:
    text = f"I sent {amount} {unit} on {day} and it is not there"
    assert find_secrets(text) == []


def test_each_secret_is_found() -> None:
    for secret in SECRETS:
        result = redact(f"hello {secret} thanks")
        assert re.search(r"\[redacted:[a-z_]+\]", result.text), secret
        assert result.findings
