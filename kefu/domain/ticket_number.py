"""Human-readable ticket numbers: `KF-` and the ticket's sequence, zero-padded to six digits."""

from __future__ import annotations

import re

from kefu.domain.errors import NotFound

PREFIX = "KF-"
WIDTH = 6
_PATTERN = re.compile(r"^(?:KF-?)?0*(\d{1,18})$", re.IGNORECASE | re.ASCII)


def format_number(seq: int) -> str:
    return f"{PREFIX}{seq:0{WIDTH}d}"


def parse_number(text: str) -> int:
    """`KF-000042`, `kf42` or `42` → 42; anything else is not a ticket number."""
    match = _PATTERN.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise NotFound(f"{text!r} is not a ticket number (expected e.g. KF-000042)")
    return int(match.group(1))
