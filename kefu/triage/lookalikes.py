"""Is this value official, a lookalike of an official one, or neither — and why.

    index = OfficialIndex.build(entries)
    verdict = index.check(parse_value("https://kefux.example.evil.io/login"))
    verdict.status, verdict.match, verdict.reason   # lookalike of kefux.example, and the trick

Checks, cheapest first: the value itself or a parent domain is listed; then, against every
official value of its kind, the tricks phishing uses — an official domain placed in front of
another site's name (`kefux.example.evil.io`), look-alike characters compared by their Unicode
skeleton (`kеfux`, `officiaI`, `rn` for `m`, punycode), the official name under another ending,
with words added (`kefux-support`), with punctuation moved, or one or two edits away (Damerau–
Levenshtein on the skeletons, with rapidfuzz); for email addresses and handles also the exchange's
name used at a domain or on an account that is not its own.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from kefu.domain.official import ChannelKind, ReasonCode, Status
from kefu.triage.channel_values import ChannelValue, HostParts, host_parts, normalize_host
from kefu.triage.homoglyphs import confusable_key, unusual_characters

MIN_BRAND = 4  # shorter official names are too common inside other words to flag
_SEPARATORS = re.compile(r"[._\-]")
# Priority when several tricks match: the most telling explanation wins.
_ORDER = (
    ReasonCode.OFFICIAL_AS_SUBDOMAIN,
    ReasonCode.HOMOGLYPH,
    ReasonCode.OTHER_ENDING,
    ReasonCode.SEPARATORS,
    ReasonCode.OTHER_NETWORK,
    ReasonCode.EXTRA_WORDS,
    ReasonCode.NEAR_SPELLING,
    ReasonCode.NEAR_NUMBER,
    ReasonCode.BRAND_ELSEWHERE,
)


@dataclass(frozen=True)
class OfficialEntry:
    """One value of the registry, in canonical form (see channel_values.parse_entry)."""

    id: int
    kind: ChannelKind
    value: str
    display: str
    label: str = ""


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    params: dict[str, str] = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class Verdict:
    status: Status
    value: ChannelValue
    reason: Reason
    match: OfficialEntry | None = None  # the official value itself, or the one imitated
    notes: tuple[Reason, ...] = ()  # more to know (written in punycode …)


def _edits_allowed(length: int) -> int:
    return 1 if length <= 7 else 2


def _near(a: str, b: str) -> bool:
    if min(len(a), len(b)) < MIN_BRAND:
        return False
    limit = _edits_allowed(len(b))
    return abs(len(a) - len(b)) <= limit and OSA.distance(a, b, score_cutoff=limit) <= limit


def _swapped(shown: str, official: str) -> str:
    """The characters that differ, for people: `0→o, I→l`."""
    out = []
    matcher = difflib.SequenceMatcher(a=shown, b=official, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            out.append(f"{shown[a1:a2] or '∅'}→{official[b1:b2] or '∅'}")
    return ", ".join(out[:4])


@dataclass(frozen=True)
class _Domain:
    entry: OfficialEntry
    parts: HostParts
    key: str  # confusable key of the label
    suffix_key: str


@dataclass(frozen=True)
class _Keyed:
    entry: OfficialEntry
    key: str
    bare: str  # without separators


def _written_label(value: ChannelValue, parts: HostParts) -> str:
    """The registrable label as written (so `officiaI` keeps its capital I), or decoded."""
    if value.punycode:
        return parts.label
    written = value.original.split(".")
    labels = len(value.unicode_host.split("."))
    if len(written) == labels and parts.label:
        index = labels - 1 - (len(parts.suffix.split(".")) if parts.suffix else 0)
        if 0 <= index < labels:
            return written[index]
    return parts.label


class OfficialIndex:
    """The registry prepared for checking: built once per change of the registry."""

    def __init__(self, entries: Iterable[OfficialEntry]) -> None:
        self.entries = list(entries)
        self._hosts: dict[str, OfficialEntry] = {}
        self._domains: list[_Domain] = []
        self._emails: dict[str, OfficialEntry] = {}
        self._email_keys: list[_Keyed] = []
        self._phones: dict[str, OfficialEntry] = {}
        self._handles: dict[tuple[ChannelKind, str], OfficialEntry] = {}
        self._handle_keys: list[_Keyed] = []
        for entry in self.entries:
            self._add(entry)
        self._brands = [d for d in self._domains if len(d.key) >= MIN_BRAND]

    @classmethod
    def build(cls, entries: Iterable[OfficialEntry]) -> OfficialIndex:
        return cls(entries)

    def _add(self, entry: OfficialEntry) -> None:
        if entry.kind == ChannelKind.DOMAIN:
            self._hosts[entry.value] = entry
            _, unicode_host = normalize_host(entry.value)
            parts = host_parts(unicode_host.removeprefix("www."))
            self._domains.append(
                _Domain(entry, parts, confusable_key(parts.label), confusable_key(parts.suffix))
            )
        elif entry.kind == ChannelKind.EMAIL:
            self._emails[entry.value] = entry
            key = confusable_key(entry.display)
            self._email_keys.append(_Keyed(entry, key, _SEPARATORS.sub("", key)))
        elif entry.kind == ChannelKind.PHONE:
            self._phones[entry.value] = entry
        else:
            self._handles[(entry.kind, entry.value)] = entry
            key = confusable_key(entry.value)
            self._handle_keys.append(_Keyed(entry, key, _SEPARATORS.sub("", key)))

    # -- the checks -----------------------------------------------------------------------
    def check(self, value: ChannelValue) -> Verdict:
        if value.kind == ChannelKind.DOMAIN:
            return self._check_domain(value)
        if value.kind == ChannelKind.EMAIL:
            return self._check_email(value)
        if value.kind == ChannelKind.PHONE:
            return self._check_phone(value)
        return self._check_handle(value)

    def _official_host(self, host: str) -> tuple[OfficialEntry, bool] | None:
        """The listed domain this host is or lies under (True: exactly)."""
        labels = host.split(".")
        for start in range(len(labels)):
            found = self._hosts.get(".".join(labels[start:]))
            if found is not None:
                return found, start == 0
        www = self._hosts.get(f"www.{host}")
        return (www, True) if www is not None else None

    def _notes(self, value: ChannelValue) -> tuple[Reason, ...]:
        if value.punycode and value.unicode_host != value.host:
            return (Reason(ReasonCode.PUNYCODE, {"value": value.host, "reads": value.display}),)
        return ()

    def _check_domain(self, value: ChannelValue) -> Verdict:
        notes = self._notes(value)
        official = self._official_host(value.host)
        if official is not None:
            entry, exact = official
            code = ReasonCode.LISTED if exact else ReasonCode.SUBDOMAIN_OF_OFFICIAL
            reason = Reason(code, {"value": value.display, "official": entry.display})
            return Verdict(Status.OFFICIAL, value, reason, entry, notes)
        found = self._domain_lookalike(value)
        if found is not None:
            reason, entry = found
            return Verdict(Status.LOOKALIKE, value, reason, entry, notes)
        return Verdict(
            Status.NOT_OFFICIAL, value, Reason(ReasonCode.UNLISTED, _p(value)), None, notes
        )

    def _domain_lookalike(self, value: ChannelValue) -> tuple[Reason, OfficialEntry] | None:
        parts = host_parts(value.unicode_host)
        written = _written_label(value, parts)
        keys = {confusable_key(parts.label), confusable_key(written)}
        suffix_key = confusable_key(parts.suffix)
        sub_keys = [confusable_key(s) for s in parts.subdomain.split(".") if s]
        userinfo_key = confusable_key(value.userinfo) if value.userinfo else ""
        found: list[tuple[ReasonCode, OfficialEntry, dict[str, str]]] = []
        for d in self._domains:
            params = {"value": value.display, "official": d.entry.display}
            registrable = confusable_key(d.parts.registrable)
            in_front = registrable in ".".join(sub_keys) or (
                len(d.key) >= MIN_BRAND and any(d.key in s for s in sub_keys)
            )
            if in_front or (userinfo_key and (d.key in userinfo_key)):
                params["owner"] = parts.registrable
                found.append((ReasonCode.OFFICIAL_AS_SUBDOMAIN, d.entry, params))
            elif d.key in keys:
                if suffix_key == d.suffix_key:
                    shown = written if written != d.parts.label else value.original
                    chars = unusual_characters(shown) or [_swapped(shown, d.parts.label)]
                    params["chars"] = ", ".join(chars)
                    found.append((ReasonCode.HOMOGLYPH, d.entry, params))
                else:
                    found.append((ReasonCode.OTHER_ENDING, d.entry, params))
            elif len(d.key) >= MIN_BRAND and any(d.key in k for k in keys):
                found.append((ReasonCode.EXTRA_WORDS, d.entry, params))
            elif any(_near(k, d.key) for k in keys):
                found.append((ReasonCode.NEAR_SPELLING, d.entry, params))
        return _best(found)

    def _check_email(self, value: ChannelValue) -> Verdict:
        notes = self._notes(value)
        listed = self._emails.get(value.value)
        if listed is not None:
            reason = Reason(ReasonCode.LISTED, {"value": value.display, "official": listed.display})
            return Verdict(Status.OFFICIAL, value, reason, listed, notes)
        domain = self._check_domain(
            ChannelValue(
                ChannelKind.DOMAIN,
                value.host,
                value.unicode_host,
                original=value.original.rpartition("@")[2],
                host=value.host,
                unicode_host=value.unicode_host,
                punycode=value.punycode,
            )
        )
        params = {"value": value.display}
        if domain.status == Status.OFFICIAL and domain.match is not None:
            params["official"] = domain.match.display
            reason = Reason(ReasonCode.AT_OFFICIAL_DOMAIN, params)
            return Verdict(Status.OFFICIAL, value, reason, domain.match, notes)
        if domain.status == Status.LOOKALIKE:
            reason = Reason(domain.reason.code, {**domain.reason.params, **params})
            return Verdict(Status.LOOKALIKE, value, reason, domain.match, notes)
        found: list[tuple[ReasonCode, OfficialEntry, dict[str, str]]] = []
        key = confusable_key(value.display)
        bare = _SEPARATORS.sub("", key)
        for e in self._email_keys:
            p = {**params, "official": e.entry.display}
            if key == e.key:
                chars = unusual_characters(value.display) or [
                    _swapped(value.display, e.entry.display)
                ]
                found.append((ReasonCode.HOMOGLYPH, e.entry, {**p, "chars": ", ".join(chars)}))
            elif bare == e.bare:
                found.append((ReasonCode.SEPARATORS, e.entry, p))
            elif _near(key, e.key):
                found.append((ReasonCode.NEAR_SPELLING, e.entry, p))
        local = confusable_key(value.local)
        for d in self._brands:
            if d.key in local:
                found.append(
                    (ReasonCode.BRAND_ELSEWHERE, d.entry, {**params, "official": d.entry.display})
                )
        best = _best(found)
        if best is not None:
            return Verdict(Status.LOOKALIKE, value, best[0], best[1], notes)
        return Verdict(Status.NOT_OFFICIAL, value, Reason(ReasonCode.UNLISTED, params), None, notes)

    def _check_phone(self, value: ChannelValue) -> Verdict:
        params = {"value": value.display}
        listed = self._phones.get(value.value)
        if listed is not None:
            reason = Reason(ReasonCode.LISTED, {**params, "official": listed.display})
            return Verdict(Status.OFFICIAL, value, reason, listed)
        for number, entry in self._phones.items():
            if len(number) == len(value.value) >= 9 and OSA.distance(number, value.value) == 1:
                reason = Reason(ReasonCode.NEAR_NUMBER, {**params, "official": entry.display})
                return Verdict(Status.LOOKALIKE, value, reason, entry)
        return Verdict(Status.NOT_OFFICIAL, value, Reason(ReasonCode.UNLISTED, params))

    def _check_handle(self, value: ChannelValue) -> Verdict:
        params = {"value": value.display}
        kinds = (
            [value.kind] if value.kind is not None else [e.entry.kind for e in self._handle_keys]
        )
        for kind in kinds:
            listed = self._handles.get((kind, value.value))
            if listed is not None:
                reason = Reason(
                    ReasonCode.LISTED, {**params, "official": listed.display, "network": kind.value}
                )
                return Verdict(Status.OFFICIAL, value, reason, listed)
        keys = {confusable_key(value.value), confusable_key(value.original)}
        bares = {_SEPARATORS.sub("", k) for k in keys}
        found: list[tuple[ReasonCode, OfficialEntry, dict[str, str]]] = []
        for e in self._handle_keys:
            p = {**params, "official": e.entry.display, "network": e.entry.kind.value}
            if value.kind is not None and e.entry.kind != value.kind:
                if e.entry.value == value.value:
                    found.append((ReasonCode.OTHER_NETWORK, e.entry, p))
                continue
            if e.key in keys:
                shown = value.original
                chars = unusual_characters(shown) or [_swapped(shown, e.entry.value)]
                found.append((ReasonCode.HOMOGLYPH, e.entry, {**p, "chars": ", ".join(chars)}))
            elif e.bare in bares:
                found.append((ReasonCode.SEPARATORS, e.entry, p))
            elif len(e.bare) >= MIN_BRAND and any(e.bare in b for b in bares):
                found.append((ReasonCode.EXTRA_WORDS, e.entry, p))
            elif any(_near(k, e.key) for k in keys):
                found.append((ReasonCode.NEAR_SPELLING, e.entry, p))
        for d in self._brands:
            if any(d.key in b for b in bares):
                found.append(
                    (ReasonCode.BRAND_ELSEWHERE, d.entry, {**params, "official": d.entry.display})
                )
        best = _best(found)
        if best is not None:
            return Verdict(Status.LOOKALIKE, value, best[0], best[1])
        return Verdict(Status.NOT_OFFICIAL, value, Reason(ReasonCode.UNLISTED, params))


def _p(value: ChannelValue) -> dict[str, str]:
    return {"value": value.display}


def _best(
    found: list[tuple[ReasonCode, OfficialEntry, dict[str, str]]],
) -> tuple[Reason, OfficialEntry] | None:
    if not found:
        return None
    code, entry, params = min(found, key=lambda f: _ORDER.index(f[0]))
    return Reason(code, params), entry
