"""Warning about lookalikes of official channels that customers' messages mention.

A selective enricher: when a message is stored, one small regular expression (`might_mention`)
decides whether it may mention an address at all; most messages do not, and are not enriched.
The others are scanned after commit, off the live-chat path, for web addresses, emails, phone
numbers and @accounts, and only what is found is checked against the registry index. A
lookalike is recorded on the message, the ticket gets the `lookalike` tag, and a public
`security.lookalike_warning` event tells the customer (in their language) and the agent what it
imitates. Running twice on a message changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from kefu.actions.official_channels import RegistryCache
from kefu.actions.tickets import do_set_tags
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain import verify_text
from kefu.domain.enums import Direction
from kefu.domain.official import ChannelKind, Status
from kefu.domain.permissions import SYSTEM
from kefu.store.models import Customer, LookalikeFinding, Message
from kefu.store.repositories import official as repo
from kefu.store.repositories import tickets as ticket_repo
from kefu.triage.lookalikes import Verdict
from kefu.triage.mentions import mentions, might_mention
from kefu.triage.pipeline import Enricher, SelectiveEnricher

TAG = "lookalike"
EVENT = "security.lookalike_warning"


def lookalike_enricher(
    exchange: str, phone_region: str | None = None
) -> Callable[[ActionDeps], Enricher]:
    """The enricher factory for kefu/actions/inbound.py."""

    def factory(deps: ActionDeps) -> Enricher:
        cache = RegistryCache()

        async def enrich(message_ids: list[int]) -> None:
            async with deps.sessionmaker() as session:
                rows = await session.execute(
                    select(Message.id, Message.ticket_id, Message.body, Message.channel).where(
                        Message.id.in_(message_ids),
                        Message.direction == Direction.INBOUND.value,
                    )
                )
                todo = [
                    (m, t, found)
                    for m, t, body, channel in rows
                    if (found := mentions(body, phone_region, _network(channel)))
                ]
                if not todo:
                    return
                index = await cache.index(session)
            if not index.entries:
                return
            for message_id, ticket_id, values in todo:
                verdicts = [v for v in map(index.check, values) if v.status == Status.LOOKALIKE]
                if verdicts:
                    async with UnitOfWork(deps, SYSTEM) as uow:
                        await do_flag_lookalikes(uow, message_id, ticket_id, verdicts, exchange)

        # Only messages that may mention an address are enriched for this check at all.
        return SelectiveEnricher(enrich, might_mention)

    return factory


def _network(channel: str) -> ChannelKind | None:
    """Where a bare @account in a message of this channel lives (X, Telegram …), if anywhere."""
    try:
        kind = ChannelKind(channel)
    except ValueError:
        return None
    return kind if kind.is_handle else None


def _reason(verdict: Verdict) -> dict[str, Any]:
    return {"code": verdict.reason.code.value, "params": dict(verdict.reason.params)}


async def do_flag_lookalikes(
    uow: UnitOfWork, message_id: int, ticket_id: int, verdicts: list[Verdict], exchange: str
) -> list[LookalikeFinding]:
    """Record the lookalikes a message mentions and warn both sides; values already recorded
    for this message are skipped (the enricher may run again after a crash)."""
    ticket = await ticket_repo.get_ticket(uow.session, ticket_id, lock=True)
    known = {f.value for f in await repo.findings_of_messages(uow.session, [message_id])}
    fresh: dict[str, Verdict] = {}
    for verdict in verdicts:
        value = verdict.value.display[:320]
        if value not in known:
            fresh.setdefault(value, verdict)
    if not fresh:
        return []
    now = uow.now()
    new = [
        LookalikeFinding(
            message_id=message_id,
            ticket_id=ticket_id,
            value=value,
            official_id=v.match.id if v.match else None,
            reason=_reason(v),
            created_at=now,
        )
        for value, v in fresh.items()
    ]
    uow.session.add_all(new)
    await uow.session.flush()
    customer = await uow.session.get(Customer, ticket.customer_id)
    language = verify_text.pick_language(ticket.language, customer.language if customer else None)
    first = next(iter(fresh.values()))
    reason = verify_text.text(language, f"reason_{first.reason.code.value}", first.reason.params)
    notice = verify_text.text(
        language, "warning", {"value": first.value.display, "exchange": exchange, "reason": reason}
    )
    findings = [
        {"value": f.value, "official": v.match.display if v.match else None, "reason": f.reason}
        for f, v in zip(new, fresh.values(), strict=True)
    ]
    uow.audit("message.lookalike", "message", message_id, after={"findings": findings})
    await do_set_tags(uow, ticket, [TAG], [])
    uow.ticket_event(
        ticket,
        EVENT,
        {"message_id": message_id, "language": language, "notice": notice, "findings": findings},
    )
    return new
