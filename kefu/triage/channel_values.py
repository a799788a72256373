"""Reading what a customer pastes: a web address, an email address, a phone number or a handle.

    parse_value("https://www.KEFUX.example./login")  # domain kefux.example (www. kept in host)
    parse_value("Support@kefux.example")              # email support@kefux.example
    parse_value("+44 20 7946 0958")                   # phone +442079460958
    parse_value("t.me/KefuX_Support")                 # telegram kefux_support

Hosts are decoded from punycode (`xn--…`) and kept in both forms; phone numbers become E.164
with the `phonenumbers` package; handles lose their `@` and their case. The registrable part of a
host comes from the public suffix list snapshot bundled with `tldextract`, which is never
refreshed over the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import idna
import phonenumbers
import tldextract

from kefu.domain.errors import InvalidInput
from kefu.domain.official import SOCIAL_HOSTS, ChannelKind

MAX_VALUE_CHARS = 2048
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_TRIM = " \t\r\n<>\"'`()[]{}“”‘’«»,;!?"
_DEFANG = (("[.]", "."), ("(.)", "."), ("[dot]", "."), ("(dot)", "."), ("[:]", ":"))
_PHONE = re.compile(r"^\+?[\d\s().\-/]{6,}$")
_HANDLE = re.compile(r"^[\w.\-]{1,64}$")
_SCHEME = re.compile(r"^(?:hxxps?|https?|ftp)://", re.IGNORECASE)


@dataclass(frozen=True)
class HostParts:
    """`help.kefux.co.uk`: subdomain `help`, label `kefux`, suffix `co.uk` (Unicode forms)."""

    subdomain: str
    label: str
    suffix: str

    @property
    def registrable(self) -> str:
        return f"{self.label}.{self.suffix}" if self.suffix else self.label


@dataclass(frozen=True)
class ChannelValue:
    """A value in canonical form. `kind` is None for a handle whose network is not known."""

    kind: ChannelKind | None
    value: str  # canonical: ASCII host, local@ascii-host, E.164, or the handle in lower case
    display: str  # for people: Unicode host, +44 20 …, @handle
    original: str = ""  # the host, address or handle as written (case and all)
    host: str = ""  # ASCII (punycode) host, for domains and email addresses
    unicode_host: str = ""
    punycode: bool = False  # written with xn-- labels
    local: str = ""  # an email address's local part, as written
    userinfo: str = ""  # what stood before `@` in a web address (https://kefux.com@evil.io)

    @property
    def is_handle(self) -> bool:
        return self.kind is None or self.kind.is_handle


@cache
def _extractor() -> tldextract.TLDExtract:
    # No suffix list URLs and no cache directory: the bundled snapshot, no network, no disk.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def host_parts(unicode_host: str) -> HostParts:
    """Split a host at its registrable domain; an ending the list does not know (`.example`,
    `.internal`) counts as a suffix of one label."""
    found = _extractor()(unicode_host)
    if found.suffix:
        return HostParts(found.subdomain, found.domain, found.suffix)
    labels = unicode_host.split(".")
    if len(labels) == 1 or unicode_host.replace(".", "").isdigit():
        return HostParts("", unicode_host, "")
    return HostParts(".".join(labels[:-2]), labels[-2], labels[-1])


def _clean(raw: str) -> str:
    text = raw.translate(_INVISIBLE).strip().strip(_TRIM).rstrip(".:")
    for fanged, plain in _DEFANG:
        text = text.replace(fanged, plain)
    return re.sub(r"^hxxp", "http", text, flags=re.IGNORECASE)


def normalize_host(host: str) -> tuple[str, str]:
    """(ASCII, Unicode) forms of a host: lower case, no trailing dot, punycode decoded."""
    host = host.strip().rstrip(".")
    if not host or ".." in host or len(host) > 253:
        raise InvalidInput(f"{host!r} is not a web address")
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
        return ascii_host, idna.decode(ascii_host)
    except idna.IDNAError:
        # Not a valid IDN (an underscore, a symbol): still worth comparing as written.
        folded = host.casefold()
        try:
            return folded, idna.decode(folded) if "xn--" in folded else folded
        except idna.IDNAError:
            return folded, folded


def _domain(host: str, userinfo: str = "") -> ChannelValue:
    ascii_host, unicode_host = normalize_host(host)
    return ChannelValue(
        kind=ChannelKind.DOMAIN,
        value=ascii_host,
        display=unicode_host,
        original=host.rstrip("."),
        host=ascii_host,
        unicode_host=unicode_host,
        punycode="xn--" in host.lower(),
        userinfo=userinfo,
    )


def _email(text: str) -> ChannelValue:
    local, _, host = text.rpartition("@")
    local = local.strip()
    if not local or not host or len(text) > 320:
        raise InvalidInput(f"{text!r} is not an email address")
    ascii_host, unicode_host = normalize_host(host)
    return ChannelValue(
        kind=ChannelKind.EMAIL,
        value=f"{local.casefold()}@{ascii_host}",
        display=f"{local}@{unicode_host}",
        original=text,
        host=ascii_host,
        unicode_host=unicode_host,
        punycode="xn--" in host.lower(),
        local=local,
    )


def _phone(text: str, region: str | None) -> ChannelValue:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidInput(
            f"{text!r} is not a phone number we can read; write it with its country code, "
            "e.g. +44 20 7946 0958"
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput(f"{text!r} has the wrong number of digits for a phone number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return ChannelValue(kind=ChannelKind.PHONE, value=e164, display=display, original=text)


def handle_value(name: str, kind: ChannelKind | None = None) -> ChannelValue:
    name = name.strip().lstrip("@").strip()
    if not _HANDLE.match(name):
        raise InvalidInput(f"{name!r} is not an account name")
    return ChannelValue(kind=kind, value=name.casefold(), display=f"@{name}", original=name)


def _web(text: str) -> ChannelValue:
    url = text if _SCHEME.match(text) else f"http://{text}"
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a web address") from None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host = hostport
    if host.startswith("["):  # IPv6 literal
        host = host[1 : host.find("]")] if "]" in host else host
    else:
        host = host.split(":", 1)[0]
    value = _domain(host, userinfo)
    platform = SOCIAL_HOSTS.get(value.host.removeprefix("www."))
    segment = parts.path.strip("/").split("/", 1)[0]
    if platform is not None and segment and _HANDLE.match(segment.lstrip("@")):
        return handle_value(segment, platform)
    return value


def parse_value(raw: str, phone_region: str | None = None) -> ChannelValue:
    """Read any value a customer may want checked; InvalidInput when it is none of them."""
    if len(raw) > MAX_VALUE_CHARS:
        raise InvalidInput(f"a value to check has at most {MAX_VALUE_CHARS} characters")
    text = _clean(raw)
    if not text:
        raise InvalidInput("give a web address, email address, phone number or account name")
    lower = text.lower()
    if lower.startswith("mailto:"):
        return _email(text[7:].split("?", 1)[0])
    if lower.startswith("tel:"):
        return _phone(text[4:], phone_region)
    if _SCHEME.match(text):
        return _web(text)
    if text.startswith("@"):
        return handle_value(text)
    if _PHONE.match(text) and sum(c.isdigit() for c in text) >= 6:
        return _phone(text, phone_region)
    if " " in text:
        raise InvalidInput("check one value at a time (no spaces)")
    if "@" in text.split("/", 1)[0]:
        return _email(text.split("/", 1)[0])
    if "." in text or "/" in text:
        return _web(text)
    return handle_value(text)


def parse_entry(kind: ChannelKind, raw: str, phone_region: str | None = None) -> ChannelValue:
    """An official value an admin registers, read as the given kind."""
    if kind.is_handle:
        text = _clean(raw)
        if "/" in text or ("." in text.split("/", 1)[0] and not text.startswith("@")):
            parsed = parse_value(text, phone_region)
            if parsed.kind == kind:
                return parsed
            raise InvalidInput(f"{raw!r} is not a {kind.value} account")
        return handle_value(text, kind)
    parsed = parse_value(raw, phone_region)
    if parsed.kind != kind:
        raise InvalidInput(f"{raw!r} is not a {kind.value} value")
    return parsed
