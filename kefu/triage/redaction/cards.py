"""Payment card numbers: 12 to 19 digits, plain or grouped by spaces or dashes, that pass Luhn
and fall in an issuer's range for their length.

Order ids, UIDs and phone numbers are long digit strings too: a number the customer calls an
order, a UID or a phone (`order 4532…`) is kept unless a card cue says otherwise; lengths other
than 15 and 16 digits, and Maestro's wide ranges, need a card cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from kefu.triage.redaction.cues import CARD_CUE, NOT_CARD_CUE
from kefu.triage.redaction.findings import Finding

# Not inside a longer token (`#`, `+`, letters and digits of Latin script around it); a CJK
# sentence may run right into the number.
_CANDIDATE: Final = re.compile(
    r"(?<![A-Za-z0-9_.,\-/+#])\d(?:[ \-]?\d){11,18}(?![A-Za-z0-9_])(?![.,\-/]\d)"
)
_ANY_RUN: Final = re.compile(r"\d[\d \-]{11,}")
_CONTEXT = 40


def luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def issuer(digits: str) -> str | None:
    """The card network whose numbers look like this, or None."""
    n = len(digits)
    p2, p3, p4, p6 = int(digits[:2]), int(digits[:3]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if 2200 <= p4 <= 2204 and 16 <= n <= 19:
        return "mir"
    if (p4 == 6011 or 644 <= p3 <= 649 or p2 == 65 or 622126 <= p6 <= 622925) and 16 <= n <= 19:
        return "discover"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if (p2 == 62 or 8100 <= p4 <= 8171) and 16 <= n <= 19:
        return "unionpay"
    if (300 <= p3 <= 305 or p4 == 3095 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        return "diners"
    if p4 == 9792 and n == 16:
        return "troy"
    if (p2 in (50, 56, 57, 58) or 60 <= p2 <= 69) and 12 <= n <= 19:
        return "maestro"
    return None


def _grouped_like_a_card(candidate: str) -> bool:
    """`4111 1111 1111 1111`, `3782-822463-10005`: one kind of separator, groups of 3-6."""
    if candidate.isdigit():
        return True
    seps = {c for c in candidate if not c.isdigit()}
    if len(seps) != 1:
        return False
    groups = candidate.split(seps.pop())
    return all(3 <= len(g) <= 6 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 6


def find_cards(text: str) -> Iterator[Finding]:
    if len(text) < 12 or _ANY_RUN.search(text) is None:
        return
    for m in _CANDIDATE.finditer(text):
        candidate = m.group()
        digits = candidate.replace(" ", "").replace("-", "")
        if not _grouped_like_a_card(candidate) or not luhn(digits):
            continue
        network = issuer(digits)
        if network is None:
            continue
        window = text[max(0, m.start() - _CONTEXT) : m.start()]
        cued = CARD_CUE.search(window) is not None or CARD_CUE.search(
            text, m.end(), m.end() + _CONTEXT
        )
        if not cued and (
            len(digits) not in (15, 16) or network == "maestro" or NOT_CARD_CUE.search(window)
        ):
            continue
        yield Finding("card_number", m.start(), m.end(), 1.0 if cued else 0.9)
