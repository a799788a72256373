"""The default intent taxonomy of a crypto exchange, and the routing skill each intent needs.

Routing reads `SKILL_FOR_INTENT`: a waiting ticket with intent `withdrawal_issue` goes to agents
with the skill `withdrawals`. `None` means no particular skill: any agent who speaks the
customer's language can take it.
"""

from __future__ import annotations

from typing import Final

ACCOUNT_ACCESS: Final = "account_access"
ACCOUNT_SECURITY: Final = "account_security"
KYC_VERIFICATION: Final = "kyc_verification"
DEPOSIT_MISSING: Final = "deposit_missing"
WITHDRAWAL_ISSUE: Final = "withdrawal_issue"
FIAT_PAYMENT: Final = "fiat_payment"
SPOT_TRADING: Final = "spot_trading"
DERIVATIVES: Final = "derivatives"
P2P_TRADING: Final = "p2p_trading"
API_SUPPORT: Final = "api_support"
EARN_STAKING: Final = "earn_staking"
PROMOTIONS: Final = "promotions"
COMPLAINT: Final = "complaint"
OTHER: Final = "other"

INTENTS: Final[tuple[str, ...]] = (
    ACCOUNT_ACCESS,
    ACCOUNT_SECURITY,
    KYC_VERIFICATION,
    DEPOSIT_MISSING,
    WITHDRAWAL_ISSUE,
    FIAT_PAYMENT,
    SPOT_TRADING,
    DERIVATIVES,
    P2P_TRADING,
    API_SUPPORT,
    EARN_STAKING,
    PROMOTIONS,
    COMPLAINT,
    OTHER,
)

SKILL_FOR_INTENT: Final[dict[str, str | None]] = {
    ACCOUNT_ACCESS: "account",
    ACCOUNT_SECURITY: "security",
    KYC_VERIFICATION: "kyc",
    DEPOSIT_MISSING: "deposits",
    WITHDRAWAL_ISSUE: "withdrawals",
    FIAT_PAYMENT: "fiat",
    SPOT_TRADING: "trading",
    DERIVATIVES: "derivatives",
    P2P_TRADING: "p2p",
    API_SUPPORT: "api",
    EARN_STAKING: "staking",
    PROMOTIONS: None,
    COMPLAINT: "escalations",
    OTHER: None,
}


def is_intent(value: str) -> bool:
    return value in SKILL_FOR_INTENT


def skill_for(intent: str | None) -> str | None:
    """The skill an agent needs for a ticket with this intent (None: any agent)."""
    if intent is None:
        return None
    return SKILL_FOR_INTENT.get(intent)
