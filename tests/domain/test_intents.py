from kefu.domain.intents import INTENTS, SKILL_FOR_INTENT, is_intent, skill_for


def test_the_default_taxonomy_has_exactly_fourteen_intents() -> None:
    assert INTENTS == (
        "account_access",
        "account_security",
        "kyc_verification",
        "deposit_missing",
        "withdrawal_issue",
        "fiat_payment",
        "spot_trading",
        "derivatives",
        "p2p_trading",
        "api_support",
        "earn_staking",
        "promotions",
        "complaint",
        "other",
    )
    assert set(SKILL_FOR_INTENT) == set(INTENTS)


def test_intents_map_to_routing_skills() -> None:
    assert skill_for("withdrawal_issue") == "withdrawals"
    assert skill_for("deposit_missing") == "deposits"
    assert skill_for("account_security") == "security"
    assert skill_for("other") is None  # any agent
    assert skill_for(None) is None
    assert skill_for("not-an-intent") is None
    assert is_intent("kyc_verification")
    assert not is_intent("kyc")
