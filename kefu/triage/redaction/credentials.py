"""One-time codes, passwords and API secrets: the value that follows a cue word.

`password: hunter2`, `验证码是 123456`, `API secret = 9fQ…`. The value must look like one: a code
is four to eight digits (not a date, an amount or part of a longer number); a password is a
token with a digit, a symbol or mixed case, or any word of six letters after `:`, `=` or a quote
(`my password is wrong` keeps `wrong`); an API secret is a long random-looking token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from kefu.triage.redaction.cues import (
    CONNECTOR,
    OTP_CUES,
    PASSWORD_CUES,
    SECRET_CUES,
    STRONG_CONNECTOR,
    WEAK_OTP_CUES,
    cue_pattern,
    first_chars,
    trie_pattern,
)
from kefu.triage.redaction.findings import PLACEHOLDER_PREFIX, Finding, Kind

# Printable ASCII but quotes: a password ends where the sentence's own script resumes.
_VALUE = r"(?P<value>[!#-&(-_a-~]{1,128})"
_CODE_END = (
    r"(?![\w.,:/\-]\d)(?![A-Za-z0-9_])"
    r"(?!\s*(?:usdt|usdc|usd|btc|eth|eur|cny|rmb|jpy|krw|%|min|mins|minutes|sec|seconds|hours|"
    r"days|times|元|円|원|분|分钟|分|秒))"
)
_CODE = r"(?P<value>\d{3}[ \-]\d{3}|\d{4,8})" + _CODE_END
_SIX = r"(?P<value>\d{6})" + _CODE_END

PASSWORD_RE: Final = re.compile(
    f"(?P<cue>{cue_pattern(PASSWORD_CUES)})(?P<conn>{CONNECTOR}){_VALUE}", re.IGNORECASE
)
SECRET_RE: Final = re.compile(
    f"(?P<cue>{cue_pattern(SECRET_CUES)})(?P<conn>{CONNECTOR}){_VALUE}", re.IGNORECASE
)
OTP_RE: Final = re.compile(f"(?P<cue>{cue_pattern(OTP_CUES)})(?P<conn>{CONNECTOR}){_CODE}", re.I)
WEAK_OTP_RE: Final = re.compile(
    rf"(?P<cue>{cue_pattern(WEAK_OTP_CUES)})(?P<conn>[\s:：=]*(?:is|是|は|는|:)?[\s:：=]*){_SIX}",
    re.IGNORECASE,
)
OTP_AFTER_RE: Final = re.compile(
    r"(?<![\w.,+\-])(?P<value>\d{4,8})\s+(?:is|was)\s+(?:my|the)\s+"
    r"(?:otp|2fa|code|verification code|sms code|auth code|authenticator code)\b",
    re.IGNORECASE,
)
# `error code 404 …`, `promo code 123456`: a bare "code" that is no one-time code.
_OTHER_CODE: Final = re.compile(
    r"(?:error|err|promo|promotion|referral|invite|invitation|zip|postal|post|country|area|swift|"
    r"bank|sort|reference|ref|voucher|coupon|discount|tracking|status|reason|product|branch|"
    r"错误|邀请|推荐|优惠|エラー|招待|오류|추천)[\s_\-]*$",
    re.IGNORECASE,
)
_TRAILING = ".,;:)]}>"
# Plain words that follow a password cue without being a password.
_PASSWORD_STOPWORDS: Final = (
    "reset", "forgot", "forgotten", "forget", "wrong", "incorrect", "changed", "change",
    "changing", "expired", "invalid", "locked", "required", "needed", "please", "help", "not",
    "none", "null", "empty", "same", "new", "old", "correct", "hidden", "unknown", "recovery",
    "recover", "manager", "protection", "protected", "policy", "field", "login", "again",
    "anymore", "twice", "later", "isn't", "doesnt", "doesn't", "cannot", "can't", "wont", "won't",
    "didn't", "working", "works", "work", "problem", "issue", "error", "because", "since", "when",
    "while", "after", "before", "update", "updated", "setting", "settings", "olvidé", "olvide",
    "cambiar", "incorrecta", "esqueci", "errada", "oublié", "incorrect", "vergessen", "falsch",
    "забыл", "неверный", "sıfırlama", "unuttum", "quên", "lupa", "salah",
)  # fmt: skip
_NOT_A_PASSWORD: Final = frozenset(_PASSWORD_STOPWORDS)


# Where any cue starts: one pass over the text; the patterns above are then tried only there.
_ALL_CUES: Final = (*PASSWORD_CUES, *SECRET_CUES, *OTP_CUES, *WEAK_OTP_CUES)
# Matched against the lower-cased text (faster than ignoring case), same offsets.
_ANY_CUE: Final = re.compile(first_chars(_ALL_CUES) + trie_pattern(_ALL_CUES))
_ANY_CUE_ANY_CASE: Final = re.compile(_ANY_CUE.pattern, re.IGNORECASE)
_DIGITS: Final = re.compile(r"\d{3}")


def find_credentials(text: str) -> Iterator[Finding]:
    digits = _DIGITS.search(text) is not None
    lowered = text.lower()
    scan, scanner = (lowered, _ANY_CUE) if len(lowered) == len(text) else (text, _ANY_CUE_ANY_CASE)
    # (`İ` lower-cases to two characters: offsets would shift, so that text is scanned as is.)
    # Every start is tried, overlapping ones too: `…R7tYAPI secret: …` has a cue at `secret`.
    cue = scanner.search(scan)
    while cue is not None:
        at = cue.start()
        cue = scanner.search(scan, at + 1)
        m = PASSWORD_RE.match(text, at)
        if m is not None:
            finding = _password(m, "password")
            if finding is not None:
                yield finding
        m = SECRET_RE.match(text, at)
        if m is not None:
            phrase = "phrase" in m.group("cue").casefold()
            finding = _password(m, "api_secret") if phrase else _secret(m)
            if finding is not None:
                yield finding
        if digits:
            yield from _codes_at(text, at)
    if digits:
        for m in OTP_AFTER_RE.finditer(text):
            yield Finding("otp_code", m.start("value"), m.end("value"), 0.8)


def _value(m: re.Match[str]) -> tuple[str, int, int] | None:
    value = m.group("value")
    start = m.start("value")
    stripped = value.rstrip(_TRAILING)
    if not stripped or stripped.startswith(PLACEHOLDER_PREFIX) or not stripped.isascii():
        return None
    return stripped, start, start + len(stripped)


def _password(m: re.Match[str], kind: Kind) -> Finding | None:
    found = _value(m)
    if found is None:
        return None
    value, start, end = found
    core = value.rstrip("!?")  # `my PIN blocked?`: the question mark is the sentence's
    if len(core) < 4 or len(value) > 64 or core.casefold() in _NOT_A_PASSWORD:
        return None
    if set(core) <= set("*x•.X#-_"):  # masked, not the real thing
        return None
    digit = any(c.isdigit() for c in core)
    symbol = any(not c.isalnum() for c in core)
    mixed = any(c.isupper() for c in core[1:]) and any(c.islower() for c in core)
    if digit or symbol or mixed:
        return Finding(kind, start, end, 0.9)
    strong = STRONG_CONNECTOR.search(m.group("conn")) is not None
    if strong and len(value) >= 6:
        return Finding(kind, start, end, 0.7)
    return None


def _secret(m: re.Match[str]) -> Finding | None:
    found = _value(m)
    if found is None:
        return None
    value, start, end = found
    if len(value) < 8 or not re.fullmatch(r"[A-Za-z0-9_\-+/=.~]+", value):
        return None
    letters = sum(c.isalpha() for c in value)
    digits = sum(c.isdigit() for c in value)
    mixed = any(c.isupper() for c in value) and any(c.islower() for c in value)
    if (letters and digits) or (len(value) >= 16 and mixed):
        return Finding("api_secret", start, end, 0.9)
    return None


def _codes_at(text: str, at: int) -> Iterator[Finding]:
    m = OTP_RE.match(text, at)
    if m is not None:
        yield Finding("otp_code", m.start("value"), m.end("value"), 0.9)
        return
    m = WEAK_OTP_RE.match(text, at)
    if m is not None and not _OTHER_CODE.search(text[max(0, at - 16) : at].casefold()):
        yield Finding("otp_code", m.start("value"), m.end("value"), 0.7)
