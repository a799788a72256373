"""Card numbers: Luhn and an issuer range; other long numbers are kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.triage.redaction import find_secrets
from kefu.triage.redaction.cards import issuer, luhn


@pytest.mark.parametrize(
    ("number", "network"),
    [
        ("4111111111111111", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3530111333300000", "jcb"),
        ("6212345678901232", "unionpay"),
        ("30569309025904", "diners"),
        ("2200000000000004", "mir"),
    ],
)
def test_known_test_numbers(number: str, network: str) -> None:
    assert luhn(number)
    assert issuer(number) == network


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1111 declined",
        "4111-1111-1111-1111",
        "my amex 3782 822463 10005",
        "我的银行卡号是6212345678901232，充值失败了",
        "Karte 5555555555554444",
        "diners card 30569309025904",
    ],
)
def test_cards_are_redacted(text: str) -> None:
    assert [f.kind for f in find_secrets(text)] == ["card_number"]


@pytest.mark.parametrize(
    "text",
    [
        "order 4111111111111111 was not filled",
        "UID 4111111111111111",
        "call +86 138 1234 5678",
        "phone 13812345678",
        "4111111111111112",  # Luhn fails
        "1234567890123456",  # no issuer
        "amount 1,234,567.89 USDT on 2026-11-24 12:30",
        "41111111111111112222333",  # too long
    ],
)
def test_other_numbers_are_kept(text: str) -> None:
    assert find_secrets(text) == []


@given(st.integers(min_value=10**15, max_value=10**19 - 1))
def test_order_ids_survive(order: int) -> None:
    assert find_secrets(f"order id {order} status?") == []
    assert find_secrets(f"订单号{order}") == []
