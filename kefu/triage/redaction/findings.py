"""What the detectors report, and how findings become the text that is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["seed_phrase", "private_key", "card_number", "otp_code", "password", "api_secret"]

# Most dangerous first: when two findings overlap, the earlier kind names the merged span.
KINDS: Final[tuple[Kind, ...]] = (
    "seed_phrase",
    "private_key",
    "card_number",
    "api_secret",
    "password",
    "otp_code",
)
_RANK: Final[dict[str, int]] = {kind: rank for rank, kind in enumerate(KINDS)}
PLACEHOLDER_PREFIX: Final = "[redacted:"


def placeholder(kind: Kind) -> str:
    return f"{PLACEHOLDER_PREFIX}{kind}]"


@dataclass(frozen=True, slots=True)
class Finding:
    """A secret at `text[start:end]` of the text that was screened."""

    kind: Kind
    start: int
    end: int
    # 1.0: validated (a checksum passed, Luhn and an issuer range); lower: shape and context.
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str  # with each finding replaced by its placeholder
    findings: tuple[Finding, ...]  # offsets into the original text, in order, not overlapping

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """The kinds found, most dangerous first, each once."""
        found = {f.kind for f in self.findings}
        return tuple(k for k in KINDS if k in found)


def merge(findings: list[Finding]) -> list[Finding]:
    """Overlapping findings become one span, named by the most dangerous kind among them."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if out and f.start < out[-1].end:
            last = out[-1]
            kind = last.kind if _RANK[last.kind] <= _RANK[f.kind] else f.kind
            out[-1] = Finding(
                kind, last.start, max(last.end, f.end), max(last.confidence, f.confidence)
            )
        else:
            out.append(f)
    return out


def apply(text: str, findings: list[Finding]) -> Redaction:
    """Replace each (merged) finding by its placeholder."""
    merged = merge(findings)
    if not merged:
        return Redaction(text, ())
    parts: list[str] = []
    at = 0
    for f in merged:
        parts.append(text[at : f.start])
        parts.append(placeholder(f.kind))
        at = f.end
    parts.append(text[at:])
    return Redaction("".join(parts), tuple(merged))
