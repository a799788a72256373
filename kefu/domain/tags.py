"""Ticket tags: lower-case words, digits, `_`, `-`, `:` and `.`, at most 64 characters."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kefu.domain.errors import InvalidInput

_TAG = re.compile(r"^[a-z0-9][a-z0-9_\-:.]{0,63}$")
MAX_TAGS = 50


def normalize_tags(tags: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in tags:
        tag = raw.strip().lower()
        if not _TAG.match(tag):
            raise InvalidInput(
                f"invalid tag {raw!r}: use up to 64 lower-case letters, digits, _ - : ."
            )
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise InvalidInput(f"at most {MAX_TAGS} tags")
    return out
