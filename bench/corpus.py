"""Realistic text for the benchmarks: what customers of a crypto exchange write to support.

`build_bodies` makes ticket requests (subject and a first message of e-mail length) for
bench/ticket_ingest.py; `chat_opening` and `chat_line` make the short lines of a live chat for
bench/chat_load.py. Deterministic for a given random generator.
"""

from __future__ import annotations

import json
import random

ASSETS = ("BTC", "ETH", "USDT", "SOL", "XRP", "ADA", "DOGE", "TRX")
NETWORKS = ("ERC20", "TRC20", "BEP20", "mainnet", "Arbitrum One", "Solana")
SUBJECTS = (
    "Withdrawal of {amount} {asset} pending for {hours} hours",
    "Deposit of {amount} {asset} not credited",
    "Cannot complete KYC level {kyc} verification",
    "Account locked after password reset",
    "2FA device lost, need to reset authenticator",
    "Wrong network selected for {asset} deposit ({network})",
    "P2P order {order} disputed, seller not responding",
    "Trading fee charged twice on order {order}",
)
OPENINGS = (
    "Hello support team,",
    "Hi,",
    "Good morning,",
    "Dear support,",
    "Hello, I need help urgently.",
)
DETAILS = (
    "I requested a withdrawal of {amount} {asset} over {network} about {hours} hours ago and "
    "it still shows as processing in my history. The transaction id on your side is {txid}, "
    "but I cannot find it on the block explorer.",
    "I sent {amount} {asset} to my deposit address using the {network} network. The transfer "
    "has more than {hours}0 confirmations (tx {txid}) but my balance has not changed.",
    "My KYC level {kyc} application was rejected without a reason. I uploaded my passport and "
    "a utility bill from last month, both clearly readable, and the selfie matches.",
    "After resetting my password I was logged out and now the app says my account is locked "
    "for security reasons. I did not receive any email explaining what happened.",
    "I changed my phone and lost access to my authenticator app. I still have access to my "
    "email and can provide identification documents if needed.",
    "On P2P order {order} I paid the seller by bank transfer {hours} hours ago and uploaded the "
    "receipt, but the seller has not released the {asset} and is not answering the chat.",
)
CLOSINGS = (
    "Could you please check and let me know what is going on? Thank you.",
    "Please help me resolve this as soon as possible, it is a large amount for me.",
    "I have attached nothing sensitive here. Looking forward to your answer.",
    "Thanks in advance for your help, my UID is in my profile.",
)


def build_bodies(count: int, seed: int = 42) -> list[bytes]:
    """`count` encoded ticket requests; body i is for customer U{i} (subject ~40 characters,
    first message ~350 to 550 characters, like a real support e-mail)."""
    rng = random.Random(seed)
    bodies = []
    for i in range(count):
        values = {
            "amount": f"{rng.uniform(0.01, 5000):.4f}".rstrip("0").rstrip("."),
            "asset": rng.choice(ASSETS),
            "network": rng.choice(NETWORKS),
            "hours": rng.randint(2, 72),
            "kyc": rng.randint(1, 3),
            "order": rng.randint(10**9, 10**10 - 1),
            "txid": f"0x{rng.getrandbits(256):064x}",
        }
        message = " ".join(
            (
                rng.choice(OPENINGS),
                rng.choice(DETAILS).format(**values),
                rng.choice(CLOSINGS),
            )
        )
        payload = {
            "customer": {"uid": f"U{i}"},
            "subject": rng.choice(SUBJECTS).format(**values),
            "message": {"body": message},
        }
        bodies.append(json.dumps(payload, separators=(",", ":")).encode())
    return bodies


# -- live chat ---------------------------------------------------------------------------------

CHAT_OPENINGS = (
    "Hi, my {asset} withdrawal has been pending for {hours} hours",
    "Hello, I deposited {amount} {asset} over {network} and it is not in my balance",
    "My account got locked after I changed my password, can you help?",
    "I lost my 2FA phone and cannot log in",
    "P2P order {order}: I paid but the seller does not release the {asset}",
    "Why was I charged a fee twice on order {order}?",
    "My KYC level {kyc} was rejected, what is wrong with my documents?",
)
CHAT_LINES = (
    "hello?",
    "is anyone there?",
    "ok thanks",
    "still waiting",
    "any update?",
    "the tx id is {txid}",
    "I sent it over {network}, was that wrong?",
    "it was {amount} {asset}",
    "it says processing since {hours} hours",
    "I already tried logging out and in again",
    "can you escalate this please",
    "the app shows a different balance than the website",
    "how long does this usually take?",
    "I need the {asset} for a payment today",
    "here is my order number: {order}",
    "yes I can send a screenshot",
    "my UID is in my profile",
    "ok, I will wait",
    "that did not work",
    "thank you, that helps",
)


def _values(rng: random.Random) -> dict[str, object]:
    return {
        "amount": f"{rng.uniform(0.01, 5000):.4f}".rstrip("0").rstrip("."),
        "asset": rng.choice(ASSETS),
        "network": rng.choice(NETWORKS),
        "hours": rng.randint(2, 72),
        "kyc": rng.randint(1, 3),
        "order": rng.randint(10**9, 10**10 - 1),
        "txid": f"0x{rng.getrandbits(128):032x}",
    }


def chat_opening(rng: random.Random) -> str:
    """The first line of a chat (it becomes the conversation's subject)."""
    return rng.choice(CHAT_OPENINGS).format(**_values(rng))


def chat_lines(count: int, seed: int = 7) -> list[str]:
    """`count` short chat lines (5 to 60 characters) for a load generator to pick from."""
    rng = random.Random(seed)
    return [rng.choice(CHAT_LINES).format(**_values(rng)) for _ in range(count)]
