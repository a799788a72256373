"""Official channels: the kinds of value an exchange publishes, and the verdicts on a value.

A customer asks "is this really you?" about a web address, an email address, a phone number or an
account on a social network. The registry of official values answers; everything else is either
a lookalike of one of them (the usual shape of phishing) or simply not official.
"""

from __future__ import annotations

from enum import StrEnum


class ChannelKind(StrEnum):
    DOMAIN = "domain"
    EMAIL = "email"
    PHONE = "phone"
    TELEGRAM = "telegram"
    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    DISCORD = "discord"
    LINKEDIN = "linkedin"
    WHATSAPP = "whatsapp"

    @property
    def is_handle(self) -> bool:
        return self not in (ChannelKind.DOMAIN, ChannelKind.EMAIL, ChannelKind.PHONE)


HANDLE_KINDS = tuple(k for k in ChannelKind if k.is_handle)

# Web hosts whose first path segment is an account name: `https://t.me/kefux_support` is the
# Telegram account `kefux_support`, not a question about the domain t.me.
SOCIAL_HOSTS: dict[str, ChannelKind] = {
    "t.me": ChannelKind.TELEGRAM,
    "telegram.me": ChannelKind.TELEGRAM,
    "telegram.dog": ChannelKind.TELEGRAM,
    "x.com": ChannelKind.X,
    "twitter.com": ChannelKind.X,
    "mobile.twitter.com": ChannelKind.X,
    "facebook.com": ChannelKind.FACEBOOK,
    "m.facebook.com": ChannelKind.FACEBOOK,
    "fb.com": ChannelKind.FACEBOOK,
    "instagram.com": ChannelKind.INSTAGRAM,
    "youtube.com": ChannelKind.YOUTUBE,
    "tiktok.com": ChannelKind.TIKTOK,
    "discord.gg": ChannelKind.DISCORD,
    "discord.com": ChannelKind.DISCORD,
    "linkedin.com": ChannelKind.LINKEDIN,
    "wa.me": ChannelKind.WHATSAPP,
}


class Status(StrEnum):
    OFFICIAL = "official"
    LOOKALIKE = "lookalike"
    NOT_OFFICIAL = "not_official"


class ReasonCode(StrEnum):
    """Why a verdict was reached; each has a sentence per language in verify_text."""

    LISTED = "listed"  # the value itself is on the list
    SUBDOMAIN_OF_OFFICIAL = "subdomain_of_official"  # help.kefux.com under kefux.com
    AT_OFFICIAL_DOMAIN = "at_official_domain"  # an address at an official domain
    PUNYCODE = "punycode"  # written as xn--…: reads as other characters
    HOMOGLYPH = "homoglyph"  # characters that look like the official ones
    OFFICIAL_AS_SUBDOMAIN = "official_as_subdomain"  # kefux.com.evil.io
    OTHER_ENDING = "other_ending"  # kefux.net for kefux.com
    EXTRA_WORDS = "extra_words"  # kefux-support.com, kefux_support_help
    NEAR_SPELLING = "near_spelling"  # kefx.com, kefuxx.com
    SEPARATORS = "separators"  # kefux.support for kefux_support
    OTHER_NETWORK = "other_network"  # an official account name, on another network
    BRAND_ELSEWHERE = "brand_elsewhere"  # kefux.support@gmail.com
    NEAR_NUMBER = "near_number"  # one digit away from an official phone number
    UNLISTED = "unlisted"  # nothing like any official value
