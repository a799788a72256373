"""The intent taxonomy, and agents correcting a ticket's intent (which teaches the model)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from kefu.actions.classify import do_correct_intent
from kefu.domain.intents import INTENTS, SKILL_FOR_INTENT
from kefu.domain.permissions import Perm, require
from kefu.web.deps import PrincipalDep, StateDep, unit_of_work
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.web.schemas.common import Body, DbId, Out
from kefu.web.schemas.tickets import TicketOut
from kefu.web.views import access_ticket, render_ticket

router = APIRouter(prefix="/api/v1", tags=["intents"], responses=PROBLEM_RESPONSES)

IntentName = Literal[
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
]


class IntentOut(Out):
    intent: str
    skill: str | None


class IntentCorrection(Body):
    intent: IntentName
    message_id: DbId | None = None


@router.get("/intents", response_model=list[IntentOut], summary="Intents and the skill each needs")
async def list_intents(principal: PrincipalDep) -> list[dict[str, Any]]:
    require(principal, Perm.TICKETS_READ)
    return [{"intent": i, "skill": SKILL_FOR_INTENT[i]} for i in INTENTS]


@router.post(
    "/tickets/{number}/intent",
    response_model=TicketOut,
    summary="Correct the ticket's intent (staff); the message joins the training data",
)
async def correct_intent(
    number: str, body: IntentCorrection, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        ticket = await access_ticket(uow.session, number, principal, lock=True)
        await do_correct_intent(uow, ticket, body.intent, body.message_id)
        return await render_ticket(uow.session, ticket, principal)
