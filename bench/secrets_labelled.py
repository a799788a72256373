"""Writes bench/data/secrets_labelled.jsonl: kefu's labelled set for secret redaction.

Each line: {"id", "lang", "text", "secrets": [{"kind", "value"}]}; `value` is the exact
substring that must be redacted (empty list: nothing may be). Customer-style sentences in 15
languages around generated secrets (valid and mistyped BIP-39 phrases in every wordlist,
keys, cards of every network, codes, passwords, API secrets), and hard negatives: transaction
hashes, addresses, order ids, UIDs, amounts, dates, phone numbers and ordinary sentences made of
BIP-39 words. Deterministic (fixed seed): run it again to regenerate the same file.

    .venv/bin/python bench/secrets_labelled.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
from pathlib import Path

from mnemonic import Mnemonic
from secrets_templates import HARD_POSITIVES, NEGATIVES, POSITIVES, SEED_TEMPLATES

OUT = Path(__file__).resolve().parent / "data" / "secrets_labelled.jsonl"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
CARD_PREFIXES = {
    "visa": ("4", 16), "mastercard": ("53", 16), "mastercard2": ("2221", 16), "amex": ("37", 15),
    "discover": ("6011", 16), "jcb": ("3530", 16), "unionpay": ("6212", 16),
    "unionpay19": ("6214", 19), "diners": ("3056", 14), "mir": ("2202", 16),
}  # fmt: skip


def b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        digits = body + check
        total = 0
        for i, c in enumerate(reversed(digits)):
            d = int(c)
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return digits
    raise AssertionError


def group_card(number: str, rng: random.Random) -> str:
    style = rng.choice(["plain", "space", "dash"])
    if style == "plain":
        return number
    sep = " " if style == "space" else "-"
    if len(number) == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def secret_values(rng: random.Random) -> dict[str, str]:
    key = rng.randbytes(32)
    pem_body = base64.b64encode(rng.randbytes(96)).decode()
    network = rng.choice(sorted(CARD_PREFIXES))
    prefix, length = CARD_PREFIXES[network]
    alphabet = string.ascii_letters + string.digits
    return {
        "hexkey": key.hex(),
        "hexkey0x": "0x" + key.hex(),
        "wif": b58check(b"\x80" + key + rng.choice([b"", b"\x01"])),
        "xprv": b58check(bytes.fromhex("0488ade4") + rng.randbytes(74)),
        "pem": f"-----BEGIN PRIVATE KEY-----\n{pem_body[:64]}\n{pem_body[64:]}\n"
        "-----END PRIVATE KEY-----",
        "card": group_card(luhn_complete(prefix, length, rng), rng),
        "otp": "".join(rng.choice(string.digits) for _ in range(rng.choice([6, 6, 6, 4, 8]))),
        "password": rng.choice(["Summer", "Moon", "btc", "Tiger", "qwe", "Love", "Kefu"])
        + str(rng.randint(10, 9999))
        + rng.choice(["!", "#", "", "@", "$"]),
        "api_secret": "".join(rng.choice(alphabet) for _ in range(rng.choice([32, 40, 64]))),
        "passphrase": rng.choice(["Trade", "Api", "Pass", "Okx"]) + str(rng.randint(100, 99999)),
    }


def negative_values(rng: random.Random) -> dict[str, str]:
    return {
        "txhash": rng.randbytes(32).hex(),
        "txhash0x": "0x" + rng.randbytes(32).hex(),
        "eth": "0x" + rng.randbytes(20).hex(),
        "btc": b58check(b"\x00" + rng.randbytes(20)),
        "order": str(rng.randint(10**15, 10**19 - 1)),
        "uid": str(rng.randint(10**7, 10**10)),
        "amount": f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}",
        "phone": rng.choice(["+86 138 ", "+1 415 ", "+44 7911 ", "+81 90 ", "+82 10 "])
        + f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }


def mnemonic_text(lang: str, rng: random.Random) -> tuple[str, str]:
    """A phrase as a customer might paste it, and the part to redact."""
    m = Mnemonic(lang)
    words = m.to_mnemonic(rng.randbytes(rng.choice([16, 16, 20, 24, 32]))).split(m.delimiter)
    words = [w for w in (" ".join(words)).split()]
    if rng.random() < 0.2:  # a mistyped word: the checksum fails, still a secret
        words[rng.randrange(len(words))] = rng.choice(m.wordlist)
    cjk = lang.startswith("chinese") or lang in ("japanese", "korean")
    style = rng.choice(
        ["space", "comma", "newline", "numbered", "upper"] + (["ideo"] if cjk else [])
    )
    if style == "comma":
        text = ", ".join(words)
    elif style == "newline":
        text = "\n".join(words)
    elif style == "numbered":
        text = " ".join(f"{i + 1}. {w}" for i, w in enumerate(words))
        return text, text[3:]
    elif style == "upper":
        text = " ".join(words).upper()
    elif style == "ideo":
        text = "\u3000".join(words)
    else:
        text = " ".join(words)
    return text, text


def main() -> None:
    rng = random.Random(20261124)
    rows: list[dict[str, object]] = []
    seed_langs = Mnemonic.list_languages()
    native = {
        "en": "english", "zh": "chinese_simplified", "ja": "japanese", "ko": "korean",
        "es": "spanish", "pt": "portuguese", "fr": "french", "it": "italian", "ru": "russian",
        "tr": "turkish",
    }  # fmt: skip
    for i, (lang, template) in enumerate(SEED_TEMPLATES * 3):
        # First in the sentence's own language where it has a wordlist, then every wordlist.
        first = i < len(SEED_TEMPLATES)
        wordlist = native.get(lang, "english") if first else seed_langs[i % len(seed_langs)]
        text, value = mnemonic_text(wordlist, rng)
        rows.append(
            {"lang": lang, "text": template.format(seed=text), "secrets": [("seed_phrase", value)]}
        )
    for _ in range(4):
        for lang, kind, slot, template in POSITIVES:
            values = secret_values(rng)
            rows.append(
                {
                    "lang": lang,
                    "text": template.format(**{slot: values[slot]}),
                    "secrets": [(kind, values[slot])],
                }
            )
    for lang, kind, slot, template in HARD_POSITIVES * 2:
        values = secret_values(rng)
        rows.append(
            {
                "lang": lang,
                "text": template.format(**{slot: values[slot]}),
                "secrets": [(kind, values[slot])],
            }
        )
    for _ in range(3):
        for lang, template in NEGATIVES:
            rows.append(
                {"lang": lang, "text": template.format(**negative_values(rng)), "secrets": []}
            )
    with OUT.open("w", encoding="utf-8") as fh:
        for n, row in enumerate(rows, start=1):
            secrets = [{"kind": k, "value": v} for k, v in row["secrets"]]  # type: ignore[attr-defined]
            line = {"id": n, "lang": row["lang"], "text": row["text"], "secrets": secrets}
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(rows)} examples written to {OUT}")


if __name__ == "__main__":
    main()
