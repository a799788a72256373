"""The inbound pipeline on the live paths: screening before storage, enrichment after the ack."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from kefu.actions.enrichment import enrich_pending
from kefu.store.models import Message, Ticket, utcnow
from kefu.triage.pipeline import InboundPipeline, Screened
from tests.web.chat.conftest import WAIT, LiveServer, is_event, open_chat


def redact(screened: Screened) -> Screened:
    if "hunter2" not in screened.body:
        return screened
    return replace(
        screened,
        body=screened.body.replace("hunter2", "[redacted]"),
        html=screened.html.replace("hunter2", "[redacted]") if screened.html else None,
        flags=(*screened.flags, "secret"),
    )


async def _bodies(live: LiveServer) -> dict[str, str]:
    """Stored body → direction, for every message."""
    async with live.app_state.sessionmaker() as session:
        rows = await session.execute(select(Message).order_by(Message.id))
        return {m.body: m.direction for m in rows.scalars()}


async def _enriched(live: LiveServer) -> dict[str, bool]:
    async with live.app_state.sessionmaker() as session:
        rows = await session.execute(select(Message).order_by(Message.id))
        return {m.body: m.enriched_at is not None for m in rows.scalars()}


async def test_screening_changes_what_is_stored_for_inbound_only(live: LiveServer) -> None:
    live.use_pipeline(InboundPipeline(screening=[redact]))
    customer = await live.customer("U-secret")
    agent = await live.agent()
    number = await open_chat(live, customer, agent, body="my password is hunter2, help")

    await customer.send({"type": "send", "cid": "c2", "body": "or hunter2!"})
    await customer.expect({"type": "ack", "cid": "c2"})
    event = await agent.expect({"type": "event", "conversation": number})
    assert event["event"]["message"]["body"] == "or [redacted]!"
    await agent.send(
        {"type": "send", "cid": "a1", "conversation": number, "body": "never share hunter2"}
    )
    await agent.expect({"type": "ack", "cid": "a1"})

    async with live.http("customer:U-secret") as http:
        response = await http.post(
            f"/api/v1/tickets/{number}/messages", json={"body": "REST hunter2"}
        )
        assert response.status_code == 201, response.text
        assert response.json()["body"] == "REST [redacted]"
        response = await http.post(
            "/api/v1/tickets",
            json={"subject": "Form", "message": {"body": "form hunter2", "html": "<p>hunter2</p>"}},
        )
        assert response.status_code == 201, response.text
    async with live.http("agent") as http:
        response = await http.post(
            f"/api/v1/tickets/{number}/messages", json={"body": "agent REST hunter2"}
        )
        assert response.status_code == 201, response.text
        response = await http.post(
            f"/api/v1/tickets/{number}/messages",
            json={"body": "relayed hunter2", "direction": "inbound"},
        )
        assert response.status_code == 201, response.text
        response = await http.post(
            f"/api/v1/tickets/{number}/notes", json={"body": "note: customer typed hunter2"}
        )
        assert response.status_code == 201, response.text

    assert await _bodies(live) == {
        "my password is [redacted], help": "inbound",
        "or [redacted]!": "inbound",
        "never share hunter2": "outbound",
        "REST [redacted]": "inbound",
        "form [redacted]": "inbound",
        "agent REST hunter2": "outbound",
        "relayed [redacted]": "inbound",
        "note: customer typed hunter2": "internal",
    }
    async with live.app_state.sessionmaker() as session:
        htmls = [h for (h,) in await session.execute(select(Message.html)) if h]
        subjects = [s for (s,) in await session.execute(select(Ticket.subject))]
    assert htmls == ["<p>[redacted]</p>"]
    # A chat's subject is made from its first message: from what was stored, not what was typed.
    assert sorted(subjects) == ["Form", "my password is [redacted], help"]


async def test_enrichment_runs_after_the_ack(live: LiveServer) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    seen: list[list[int]] = []

    async def slow_enricher(message_ids: list[int]) -> None:
        seen.append(message_ids)
        started.set()
        await release.wait()

    pipeline = InboundPipeline(enrichers=[slow_enricher])
    live.use_pipeline(pipeline)
    try:
        await _acks_while_enrichment_waits(live, started)
    finally:
        release.set()  # never leave the server's shutdown waiting for it
    await pipeline.drain()
    assert len(seen) == 2  # one run per inbound message; none for the agent's reply
    assert await _enriched(live) == {"first": True, "second": True, "reply": False}


async def _acks_while_enrichment_waits(live: LiveServer, started: asyncio.Event) -> None:
    customer = await live.customer("U-enrich")
    agent = await live.agent()
    number = await open_chat(live, customer, agent, body="first")
    # The first message was acknowledged (and reached the agent) while its enricher waited.
    await asyncio.wait_for(started.wait(), WAIT)
    assert await _enriched(live) == {"first": False}

    await customer.send({"type": "send", "cid": "c2", "body": "second"})
    await customer.expect({"type": "ack", "cid": "c2"})
    await agent.until(is_event("message.created", number))
    await agent.send({"type": "send", "cid": "a1", "conversation": number, "body": "reply"})
    await agent.expect({"type": "ack", "cid": "a1"})
    assert await _enriched(live) == {"first": False, "second": False, "reply": False}


async def test_a_failed_enrichment_is_picked_up_later(live: LiveServer) -> None:
    calls: list[list[int]] = []

    async def broken(message_ids: list[int]) -> None:
        calls.append(message_ids)
        raise RuntimeError("language service down")

    failing = InboundPipeline(enrichers=[broken])
    live.use_pipeline(failing)
    customer = await live.customer("U-retry")
    await customer.send({"type": "send", "cid": "c1", "body": "bonjour"})
    ack = await customer.expect({"type": "ack", "cid": "c1"})
    await failing.drain()
    assert len(calls) == 1
    assert await _enriched(live) == {"bonjour": False}

    done: list[list[int]] = []

    async def working(message_ids: list[int]) -> None:
        done.append(message_ids)

    live.use_pipeline(InboundPipeline(enrichers=[working]))
    deps = live.app_state.deps
    # Not yet due: only what is older than the grace period is picked up.
    assert await enrich_pending(deps, utcnow() - timedelta(hours=1)) == 0
    assert await enrich_pending(deps, utcnow() + timedelta(seconds=1)) == 1
    assert done == [[ack["message_id"]]]
    assert await _enriched(live) == {"bonjour": True}
    assert await enrich_pending(deps, utcnow() + timedelta(seconds=1)) == 0
    # Without enrichers, nothing is pending at all.
    assert await enrich_pending(replace(deps, pipeline=InboundPipeline()), utcnow()) == 0
