"""Routing skills, and the hook that maps a ticket's intent to the skill it needs.

A skill is a plain string so deployments can add their own. The defaults come from the intent
taxonomy (`kefu.domain.intents.SKILL_FOR_INTENT`, the one table of intent → skill); intents that
need no particular skill, and tickets without an intent, need `general`, which every agent
profile without a skill list is taken to have.
"""

from __future__ import annotations

from collections.abc import Mapping

from kefu.domain.intents import SKILL_FOR_INTENT

GENERAL = "general"

# The intent taxonomy of the triage pipeline, mapped to the skill that handles it.
DEFAULT_INTENT_SKILLS: Mapping[str, str] = {
    intent: skill or GENERAL for intent, skill in SKILL_FOR_INTENT.items()
}

DEFAULT_SKILLS: tuple[str, ...] = tuple(dict.fromkeys((GENERAL, *DEFAULT_INTENT_SKILLS.values())))


def skill_for_intent(intent: str | None, mapping: Mapping[str, str] | None = None) -> str:
    """The skill a ticket with this intent needs; unknown or missing intents need `general`."""
    if intent is None:
        return GENERAL
    return (DEFAULT_INTENT_SKILLS if mapping is None else mapping).get(intent, GENERAL)
