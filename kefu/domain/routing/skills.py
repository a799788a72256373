"""Routing skills, and the hook that maps a ticket's intent to the skill it needs.

A skill is a plain string so deployments can add their own; these are the defaults an agent
profile and the intent taxonomy refer to.
"""

from __future__ import annotations

from collections.abc import Mapping

GENERAL = "general"
ACCOUNT = "account"
SECURITY = "security"
KYC = "kyc"
PAYMENTS = "payments"
TRADING = "trading"
DERIVATIVES = "derivatives"
P2P = "p2p"
API = "api"
EARN = "earn"
COMPLAINTS = "complaints"

DEFAULT_SKILLS = (
    GENERAL,
    ACCOUNT,
    SECURITY,
    KYC,
    PAYMENTS,
    TRADING,
    DERIVATIVES,
    P2P,
    API,
    EARN,
    COMPLAINTS,
)

# The intent taxonomy of the triage pipeline, mapped to the skill that handles it.
DEFAULT_INTENT_SKILLS: Mapping[str, str] = {
    "account_access": ACCOUNT,
    "account_security": SECURITY,
    "kyc_verification": KYC,
    "deposit_missing": PAYMENTS,
    "withdrawal_issue": PAYMENTS,
    "fiat_payment": PAYMENTS,
    "spot_trading": TRADING,
    "derivatives": DERIVATIVES,
    "p2p_trading": P2P,
    "api_support": API,
    "earn_staking": EARN,
    "promotions": GENERAL,
    "complaint": COMPLAINTS,
    "other": GENERAL,
}


def skill_for_intent(intent: str | None, mapping: Mapping[str, str] | None = None) -> str:
    """The skill a ticket with this intent needs; unknown or missing intents need `general`."""
    if intent is None:
        return GENERAL
    return (DEFAULT_INTENT_SKILLS if mapping is None else mapping).get(intent, GENERAL)
