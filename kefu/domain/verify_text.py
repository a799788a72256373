"""What the verify page and the lookalike warning say, in each language kefu ships for them.

English is the fallback for any language or sentence not written yet. Sentences take named
parameters: `value` (what was checked), `official` (the official value it is or imitates) and,
for some, `chars`, `owner`, `network` or `reads`.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "zh")

_EN: dict[str, str] = {
    # the page
    "title": "Is it really us? Check a link, address, number or account",
    "intro": (
        "Scammers copy {exchange}'s name, website and support accounts. Paste a web address, "
        "email address, phone number or social account here to see whether it is one of ours."
    ),
    "value_label": "Link, email address, phone number or @account",
    "value_hint": "For example https://… , support@… , +44 … or @name",
    "check": "Check",
    "code_heading": "Talking to a support agent?",
    "code_intro": (
        "Ask them for an identity code and enter it here. A real {exchange} agent can give you "
        "one that this page confirms."
    ),
    "code_label": "Identity code (8 characters)",
    "check_code": "Check code",
    "official_list": "Our official channels",
    "kind_domain": "Websites",
    "kind_email": "Email addresses",
    "kind_phone": "Phone numbers",
    "language": "Language",
    "never_ask": (
        "{exchange} staff never ask for your password, 2FA or SMS codes, seed phrase or private "
        "keys, and never ask you to send funds to “verify” your account."
    ),
    "too_many": "Too many checks from your connection. Please wait a minute and try again.",
    "invalid": "We could not read that",
    # verdict headings
    "status_official": "Official",
    "status_lookalike": "Not official — imitates {official}",
    "status_not_official": "Not official",
    # reasons
    "reason_listed": "{value} is on our list of official channels.",
    "reason_subdomain_of_official": "{value} is part of our official domain {official}.",
    "reason_at_official_domain": "{value} is an address at our official domain {official}.",
    "reason_punycode": "{value} is written in punycode: on screen it reads {reads}.",
    "reason_homoglyph": (
        "{value} imitates {official} with look-alike characters: {chars}. It is a different "
        "address."
    ),
    "reason_official_as_subdomain": (
        "{value} belongs to {owner}, not to us: our name is only put in front of it."
    ),
    "reason_other_ending": "{value} uses our name with another ending; ours is {official}.",
    "reason_extra_words": "{value} adds words to our name; it is not {official}.",
    "reason_near_spelling": "{value} is spelled almost like {official}, but it is not ours.",
    "reason_separators": "{value} differs from our account {official} only in punctuation.",
    "reason_other_network": (
        "{value} is the name of our account on {network}, but not on this network."
    ),
    "reason_brand_elsewhere": "{value} uses our name but is not one of our channels.",
    "reason_near_number": "{value} differs by one digit from our number {official}.",
    "reason_unlisted": "{value} is not on our list of official channels.",
    # identity codes
    "code_valid": "This is {agent} of {exchange}. The code is valid until {until} (UTC).",
    "code_for_ticket": "It was given for conversation {ticket}.",
    "code_invalid": (
        "This code is not valid: it is wrong, expired or withdrawn. If someone claiming to be "
        "{exchange} support gave it to you, stop talking to them."
    ),
    # the warning in a conversation
    "warning": (
        "Warning: {value} is not an official {exchange} channel. {reason} We never ask for your "
        "password, 2FA codes or seed phrase. Check any link or account on our verify page."
    ),
}

_ZH: dict[str, str] = {
    "title": "真的是我们吗？查验链接、邮箱、电话或账号",
    "intro": (
        "骗子会冒用{exchange}的名称、网站和客服账号。在此粘贴网址、邮箱地址、电话号码或社交账号，"
        "即可查看是否为我们的官方渠道。"
    ),
    "value_label": "链接、邮箱地址、电话号码或 @账号",
    "value_hint": "例如 https://… 、support@… 、+44 … 或 @name",
    "check": "查验",
    "code_heading": "正在与客服人员沟通？",
    "code_intro": (
        "请对方提供身份验证码并在此输入。真正的{exchange}客服可以给您一个本页能够确认的验证码。"
    ),
    "code_label": "身份验证码（8 位）",
    "check_code": "验证",
    "official_list": "我们的官方渠道",
    "kind_domain": "网站",
    "kind_email": "邮箱地址",
    "kind_phone": "电话号码",
    "language": "语言",
    "never_ask": (
        "{exchange}员工绝不会索要您的密码、二次验证码或短信验证码、助记词或私钥，"
        "也绝不会要求您转账以“验证”账户。"
    ),
    "too_many": "您的网络查验次数过多，请稍候一分钟再试。",
    "invalid": "无法识别该内容",
    "status_official": "官方渠道",
    "status_lookalike": "非官方 —— 仿冒 {official}",
    "status_not_official": "非官方",
    "reason_listed": "{value} 在我们的官方渠道列表中。",
    "reason_subdomain_of_official": "{value} 属于我们的官方域名 {official}。",
    "reason_at_official_domain": "{value} 是我们官方域名 {official} 下的地址。",
    "reason_punycode": "{value} 以 punycode 编码书写，在屏幕上显示为 {reads}。",
    "reason_homoglyph": "{value} 使用形似字符仿冒 {official}：{chars}。这是另一个地址。",
    "reason_official_as_subdomain": (
        "{value} 属于 {owner}，不属于我们：只是把我们的名称放在了前面。"
    ),
    "reason_other_ending": "{value} 使用了我们的名称但后缀不同；我们的是 {official}。",
    "reason_extra_words": "{value} 在我们的名称上添加了其他词语，并不是 {official}。",
    "reason_near_spelling": "{value} 的拼写与 {official} 非常相近，但不是我们的。",
    "reason_separators": "{value} 与我们的账号 {official} 只有标点不同。",
    "reason_other_network": "{value} 是我们在 {network} 上的账号名，但不是在这个平台上。",
    "reason_brand_elsewhere": "{value} 使用了我们的名称，但不是我们的官方渠道。",
    "reason_near_number": "{value} 与我们的号码 {official} 只差一位数字。",
    "reason_unlisted": "{value} 不在我们的官方渠道列表中。",
    "code_valid": "这是{exchange}的 {agent}。验证码有效期至 {until}（UTC）。",
    "code_for_ticket": "该验证码是为会话 {ticket} 提供的。",
    "code_invalid": (
        "该验证码无效：错误、已过期或已撤销。"
        "如果是自称{exchange}客服的人给您的，请立即停止与其联系。"
    ),
    "warning": (
        "警告：{value} 不是{exchange}的官方渠道。{reason}"
        "我们绝不会索要您的密码、二次验证码或助记词。请在我们的查验页面核实任何链接或账号。"
    ),
}

_CATALOG: dict[str, dict[str, str]] = {"en": _EN, "zh": _ZH}


def pick_language(*candidates: str | None) -> str:
    """The first supported language among the candidates (`zh-Hant`, `zh_CN` count as zh)."""
    for candidate in candidates:
        if not candidate:
            continue
        base = candidate.strip().lower().replace("_", "-").split("-", 1)[0]
        if base in _CATALOG:
            return base
    return "en"


def accept_language(header: str | None) -> str | None:
    """The best supported language of an Accept-Language header, by its q-values."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        language = pick_language(tag)
        if language != "en" or tag.lower().startswith("en"):
            return language
    return None


def text(language: str, key: str, params: Mapping[str, str] | None = None) -> str:
    template = _CATALOG.get(language, _EN).get(key) or _EN[key]
    return template.format_map(_Missing(params or {}))


class _Missing(dict[str, str]):
    """Leaves a placeholder with no value readable instead of failing."""

    def __missing__(self, key: str) -> str:
        return "…"
