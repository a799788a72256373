"""The screening step: secrets out of an inbound message before it is stored.

The body is redacted in place; an HTML alternative that carries a secret, or that goes with a
body that did, is dropped (the redacted plain text is what is kept). The message is flagged
`security` and `secret:<kind>`, and the notices `secret:<kind>` ask for the customer's warning
(kefu/domain/secret_warnings.py).
"""

from __future__ import annotations

import re
from typing import Final

from kefu.domain.secret_warnings import SECRET_PREFIX, SECURITY_FLAG
from kefu.triage.pipeline import Screened
from kefu.triage.redaction.detector import find_secrets, redact
from kefu.triage.redaction.findings import KINDS
from kefu.triage.redaction.wordlists import wordlists

_TAG: Final = re.compile(r"<[^>]*>")


class RedactSecrets:
    """A `ScreeningStep`. Building it loads the wordlists, so the first message does not wait."""

    def __init__(self) -> None:
        wordlists()

    def __call__(self, screened: Screened) -> Screened:
        result = redact(screened.body)
        kinds = set(result.kinds)
        if screened.html:
            # Tags become spaces: `<p>abandon</p><p>ability</p>` is two words.
            kinds.update(f.kind for f in find_secrets(_TAG.sub(" ", screened.html)))
        if not kinds:
            return screened
        ordered = [k for k in KINDS if k in kinds]
        codes = tuple(SECRET_PREFIX + k for k in ordered)
        flags = [*screened.flags]
        for flag in (SECURITY_FLAG, *codes):
            if flag not in flags:
                flags.append(flag)
        return Screened(
            body=result.text,
            html=None,
            flags=tuple(flags),
            notices=(*screened.notices, *(c for c in codes if c not in screened.notices)),
        )
