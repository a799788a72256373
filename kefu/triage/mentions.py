"""Finding the web addresses, email addresses, phone numbers and @accounts a message mentions.

`might_mention` runs on the send path of every inbound message (it decides whether the message
is enriched at all), so it is one small regular expression: most messages have no dot between
a word and a letter, no `@` and no `+digit`. `mentions` then runs after storage, off that path:
a few regular expressions, and only what they find is parsed and handed to the (slower)
lookalike check.
"""

from __future__ import annotations

import re

from kefu.domain.errors import InvalidInput
from kefu.domain.official import ChannelKind
from kefu.triage.channel_values import ChannelValue, handle_value, parse_value

MAX_MENTIONS = 20
# Letters of the scripts phishing borrows look-alikes from (Latin, IPA, Greek, Cyrillic,
# full-width), but not Chinese or Japanese text that runs straight into an address.
_L = r"0-9A-Za-z\u00c0-\u02af\u0370-\u03ff\u0400-\u052f\u1d00-\u1eff\uff10-\uff5a"
_LABEL = rf"[{_L}](?:[{_L}\-]*[{_L}])?"
_DOT = r"(?:\.|\[\.\]|\(\.\))"
_LETTER = r"A-Za-z\u00c0-\u02af\u0370-\u052f\uff21-\uff5a"
# The last label (the ending) has two characters or more and at least one letter.
_HOST = rf"(?:{_LABEL}{_DOT})+(?=[{_L}\-]{{2}})[{_L}\-]*[{_LETTER}][{_L}\-]*"
_URL = re.compile(
    rf"(?:(?:https?|hxxps?)://)?(?:[^\s/@]+@)?{_HOST}(?::\d+)?(?:/[^\s<>\"'）)]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(rf"[\w.+\-]+@{_HOST}")
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_\u0370-\u03ff\u0400-\u052f][\w.]{1,63}")
_PHONE = re.compile(r"(?<![\w+])\+\d[\d\s().\-]{6,18}\d")


# A dot between a word and a letter (kefux.com, kefux[.]com), an @, or + before a digit.
_CANDIDATE = re.compile(r"\w(?:\.|\[\.\]|\(\.\))[^\W\d_]|@\w|\+\d")


def might_mention(text: str) -> bool:
    """A test of a few microseconds: False means the text mentions nothing to check."""
    if "." not in text and "@" not in text and "+" not in text:
        return False
    return _CANDIDATE.search(text) is not None


def mentions(
    text: str, phone_region: str | None = None, network: ChannelKind | None = None
) -> list[ChannelValue]:
    """The values a message mentions, each once, in order (at most MAX_MENTIONS). `network`:
    the social network the message came on, where a bare @account most likely lives."""
    if not might_mention(text):
        return []
    found: list[tuple[int, str]] = []
    emails = [(m.start(), m.end()) for m in _EMAIL.finditer(text)]
    found += [(s, text[s:e]) for s, e in emails]
    for m in _URL.finditer(text):
        if not any(s <= m.start() < e for s, e in emails):
            found.append((m.start(), m.group()))
    found += [(m.start(), m.group()) for m in _HANDLE.finditer(text)]
    found += [(m.start(), m.group()) for m in _PHONE.finditer(text)]
    out: dict[tuple[str | None, str], ChannelValue] = {}
    for _, raw in sorted(found):
        try:
            if raw.startswith("@") and network is not None and network.is_handle:
                value = handle_value(raw, network)
            else:
                value = parse_value(raw, phone_region)
        except InvalidInput:
            continue
        out.setdefault((value.kind, value.value), value)
        if len(out) >= MAX_MENTIONS:
            break
    return list(out.values())
