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

from rapidfuzz import process
from rapidfuzz.distance import OSA

from kefu.domain.official import ChannelKind, ReasonCode, Status
from kefu.triage.channel_values import ChannelValue, HostParts, host_parts, normalize_host
from kefu.triage.homoglyphs import confusable_key, unusual_characters

MIN_BRAND = 4  # shorter official names are too common inside other words to flag
_SEPARATORS = re.compile(r"[._\-]")


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
    registrable_key: str


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
    """The registry prepared for checking: built once per change of the registry.

    Each trick is looked up in a table keyed by confusable skeletons where it can be (same name,
    official domain in front), and otherwise scanned in C (substrings, rapidfuzz's edit
    distance over all keys at once); tricks are tried most telling first and the first one found
    is the explanation.
    """

    def __init__(self, entries: Iterable[OfficialEntry]) -> None:
        self.entries = list(entries)
        self._hosts: dict[str, OfficialEntry] = {}
        self._domains: list[_Domain] = []
        self._emails: dict[str, OfficialEntry] = {}
        self._emails_keyed: list[_Keyed] = []
        self._phones: dict[str, OfficialEntry] = {}
        self._handles: dict[tuple[ChannelKind, str], OfficialEntry] = {}
        self._handles_keyed: list[_Keyed] = []
        for entry in self.entries:
            self._add(entry)
        self._by_label: dict[str, list[_Domain]] = {}
        self._by_registrable: dict[str, _Domain] = {}
        for d in self._domains:
            self._by_label.setdefault(d.key, []).append(d)
            self._by_registrable.setdefault(d.registrable_key, d)
        self._brands = [d for d in self._domains if len(d.key) >= MIN_BRAND]
        self._domain_keys = [d.key for d in self._domains]
        self._email_keys = [e.key for e in self._emails_keyed]
        self._handle_keys = [h.key for h in self._handles_keyed]

    @classmethod
    def build(cls, entries: Iterable[OfficialEntry]) -> OfficialIndex:
        return cls(entries)

    def _add(self, entry: OfficialEntry) -> None:
        if entry.kind == ChannelKind.DOMAIN:
            self._hosts[entry.value] = entry
            _, unicode_host = normalize_host(entry.value)
            parts = host_parts(unicode_host.removeprefix("www."))
            self._domains.append(
                _Domain(
                    entry,
                    parts,
                    confusable_key(parts.label),
                    confusable_key(parts.suffix),
                    confusable_key(parts.registrable),
                )
            )
        elif entry.kind == ChannelKind.EMAIL:
            self._emails[entry.value] = entry
            key = confusable_key(entry.display)
            self._emails_keyed.append(_Keyed(entry, key, _SEPARATORS.sub("", key)))
        elif entry.kind == ChannelKind.PHONE:
            self._phones[entry.value] = entry
        else:
            self._handles[(entry.kind, entry.value)] = entry
            key = confusable_key(entry.value)
            self._handles_keyed.append(_Keyed(entry, key, _SEPARATORS.sub("", key)))

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
        return Verdict(Status.NOT_OFFICIAL, value, _unlisted(value), None, notes)

    def _domain_lookalike(self, value: ChannelValue) -> _Found | None:
        parts = host_parts(value.unicode_host)
        written = _written_label(value, parts)
        keys = {confusable_key(parts.label), confusable_key(written)}
        subs = [confusable_key(s) for s in parts.subdomain.split(".") if s]
        if value.userinfo:  # https://kefux.com@evil.io
            subs.append(confusable_key(value.userinfo))
        base = {"value": value.display}
        # 1. An official domain, or the official name, in front of another site's name.
        for i in range(len(subs)):
            for j in range(i + 1, len(subs) + 1):
                d = self._by_registrable.get(".".join(subs[i:j]))
                if d is not None:
                    return _hit(
                        ReasonCode.OFFICIAL_AS_SUBDOMAIN, d.entry, base, owner=parts.registrable
                    )
        for sub in subs:
            for d in self._brands:
                if d.key in sub:
                    return _hit(
                        ReasonCode.OFFICIAL_AS_SUBDOMAIN, d.entry, base, owner=parts.registrable
                    )
        # 2. The same name to the eye: look-alike characters, or another ending.
        same = [d for k in keys for d in self._by_label.get(k, ())]
        suffix_key = confusable_key(parts.suffix)
        for d in same:
            if d.suffix_key == suffix_key:
                shown = written if written != d.parts.label else value.original
                chars = unusual_characters(shown) or [_swapped(shown, d.parts.label)]
                return _hit(ReasonCode.HOMOGLYPH, d.entry, base, chars=", ".join(chars))
        if same:
            return _hit(ReasonCode.OTHER_ENDING, same[0].entry, base)
        # 3. The name with words added, then one or two letters off.
        for d in self._brands:
            if any(d.key in k for k in keys):
                return _hit(ReasonCode.EXTRA_WORDS, d.entry, base)
        index = _nearest(keys, self._domain_keys)
        if index is not None:
            return _hit(ReasonCode.NEAR_SPELLING, self._domains[index].entry, base)
        return None

    def _check_email(self, value: ChannelValue) -> Verdict:
        notes = self._notes(value)
        listed = self._emails.get(value.value)
        base = {"value": value.display}
        if listed is not None:
            reason = Reason(ReasonCode.LISTED, {**base, "official": listed.display})
            return Verdict(Status.OFFICIAL, value, reason, listed, notes)
        host = ChannelValue(
            ChannelKind.DOMAIN,
            value.host,
            value.unicode_host,
            original=value.original.rpartition("@")[2],
            host=value.host,
            unicode_host=value.unicode_host,
            punycode=value.punycode,
        )
        domain = self._check_domain(host)
        if domain.status == Status.OFFICIAL and domain.match is not None:
            reason = Reason(
                ReasonCode.AT_OFFICIAL_DOMAIN, {**base, "official": domain.match.display}
            )
            return Verdict(Status.OFFICIAL, value, reason, domain.match, notes)
        if domain.status == Status.LOOKALIKE:
            reason = Reason(domain.reason.code, {**domain.reason.params, **base})
            return Verdict(Status.LOOKALIKE, value, reason, domain.match, notes)
        found = self._email_lookalike(value, base)
        if found is not None:
            return Verdict(Status.LOOKALIKE, value, found[0], found[1], notes)
        return Verdict(Status.NOT_OFFICIAL, value, _unlisted(value), None, notes)

    def _email_lookalike(self, value: ChannelValue, base: dict[str, str]) -> _Found | None:
        key = confusable_key(value.display)
        bare = _SEPARATORS.sub("", key)
        for e in self._emails_keyed:
            if key == e.key:
                shown = value.display
                chars = unusual_characters(shown) or [_swapped(shown, e.entry.display)]
                return _hit(ReasonCode.HOMOGLYPH, e.entry, base, chars=", ".join(chars))
        for e in self._emails_keyed:
            if bare == e.bare:
                return _hit(ReasonCode.SEPARATORS, e.entry, base)
        index = _nearest({key}, self._email_keys)
        if index is not None:
            return _hit(ReasonCode.NEAR_SPELLING, self._emails_keyed[index].entry, base)
        local = confusable_key(value.local)
        for d in self._brands:
            if d.key in local:
                return _hit(ReasonCode.BRAND_ELSEWHERE, d.entry, base)
        return None

    def _check_phone(self, value: ChannelValue) -> Verdict:
        base = {"value": value.display}
        listed = self._phones.get(value.value)
        if listed is not None:
            reason = Reason(ReasonCode.LISTED, {**base, "official": listed.display})
            return Verdict(Status.OFFICIAL, value, reason, listed)
        for number, entry in self._phones.items():
            if len(number) == len(value.value) >= 9 and OSA.distance(number, value.value) == 1:
                reason = Reason(ReasonCode.NEAR_NUMBER, {**base, "official": entry.display})
                return Verdict(Status.LOOKALIKE, value, reason, entry)
        return Verdict(Status.NOT_OFFICIAL, value, _unlisted(value))

    def _check_handle(self, value: ChannelValue) -> Verdict:
        base = {"value": value.display}
        kinds = (
            [value.kind] if value.kind is not None else [h.entry.kind for h in self._handles_keyed]
        )
        for kind in kinds:
            listed = self._handles.get((kind, value.value))
            if listed is not None:
                params = {**base, "official": listed.display, "network": kind.value}
                return Verdict(Status.OFFICIAL, value, Reason(ReasonCode.LISTED, params), listed)
        found = self._handle_lookalike(value, base)
        if found is not None:
            return Verdict(Status.LOOKALIKE, value, found[0], found[1])
        return Verdict(Status.NOT_OFFICIAL, value, _unlisted(value))

    def _handle_lookalike(self, value: ChannelValue, base: dict[str, str]) -> _Found | None:
        keys = {confusable_key(value.value), confusable_key(value.original)}
        bares = {_SEPARATORS.sub("", k) for k in keys}
        same_network = [
            h for h in self._handles_keyed if value.kind is None or h.entry.kind == value.kind
        ]

        def hit(code: ReasonCode, h: _Keyed, **extra: str) -> _Found:
            return _hit(code, h.entry, base, network=h.entry.kind.value, **extra)

        for h in same_network:
            if h.key in keys:
                shown = value.original
                chars = unusual_characters(shown) or [_swapped(shown, h.entry.value)]
                return hit(ReasonCode.HOMOGLYPH, h, chars=", ".join(chars))
        for h in same_network:
            if h.bare in bares:
                return hit(ReasonCode.SEPARATORS, h)
        for h in self._handles_keyed:
            if h.entry.value == value.value and h not in same_network:
                return hit(ReasonCode.OTHER_NETWORK, h)
        for h in same_network:
            if len(h.bare) >= MIN_BRAND and any(h.bare in b for b in bares):
                return hit(ReasonCode.EXTRA_WORDS, h)
        index = _nearest(keys, [h.key for h in same_network])
        if index is not None:
            return hit(ReasonCode.NEAR_SPELLING, same_network[index])
        for d in self._brands:
            if any(d.key in b for b in bares):
                return _hit(ReasonCode.BRAND_ELSEWHERE, d.entry, base)
        return None


_Found = tuple[Reason, OfficialEntry]


def _hit(code: ReasonCode, entry: OfficialEntry, base: dict[str, str], **extra: str) -> _Found:
    return Reason(code, {**base, "official": entry.display, **extra}), entry


def _unlisted(value: ChannelValue) -> Reason:
    return Reason(ReasonCode.UNLISTED, {"value": value.display})


def _nearest(keys: Iterable[str], choices: list[str]) -> int | None:
    """The index of a choice one or two edits (by length) from one of the keys, if any."""
    if not choices:
        return None
    for key in keys:
        if len(key) < MIN_BRAND:
            continue
        for choice, distance, index in process.extract(
            key, choices, scorer=OSA.distance, score_cutoff=2, limit=None
        ):
            if len(choice) >= MIN_BRAND and distance <= _edits_allowed(len(choice)):
                return int(index)
    return None
