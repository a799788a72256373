"""Routing over HTTP: availability, get next, queue position, SLA on the ticket, set-up."""

from __future__ import annotations

from datetime import UTC, datetime, time

import httpx

from kefu.actions.presence import do_set_presence
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import AgentStatus
from kefu.domain.permissions import SYSTEM
from kefu.store.repositories import people
from tests.support import Desk, create_ticket
from tests.web.helpers import assert_problem


async def _online(desk: Desk, who: str) -> None:
    async with UnitOfWork(desk.deps, SYSTEM) as uow:
        agent = await people.get_agent(uow.session, desk.agent_ids[who])
        await do_set_presence(uow, agent, AgentStatus.ONLINE)


async def test_availability_follows_presence_and_shifts(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    bad = await client.get("/api/v1/availability?lang=<script>")
    assert_problem(bad, 422)
    closed = (await client.get("/api/v1/availability?lang=ja")).json()
    assert closed["online"] is False
    assert closed["next_opening"] is None  # nobody who speaks Japanese has shifts
    assert closed["leave_message"] is True
    # agent2 speaks Japanese: give them every day 00:00–24:00 (UTC) and bring them online.
    shifts = {"shifts": [{"weekday": d, "starts": "00:00", "ends": "00:00"} for d in range(7)]}
    put = await client.put(
        f"/api/v1/agents/{desk.agent_ids['agent2']}/shifts", json=shifts, headers=desk.auth("admin")
    )
    assert put.status_code == 204, put.text
    offline = (await client.get("/api/v1/availability?lang=ja")).json()
    assert offline["online"] is False
    assert offline["next_opening"] is not None  # scheduled now, though not online
    await _online(desk, "agent2")
    await _online(desk, "agent")
    open_now = (await client.get("/api/v1/availability?lang=ja")).json()
    assert open_now["online"] is True
    assert open_now["fallbacks"] == ["en"]
    denied = await client.put(
        f"/api/v1/agents/{desk.agent_ids['agent2']}/shifts", json=shifts, headers=desk.auth("agent")
    )
    assert_problem(denied, 403)
    wrong = {"shifts": [{"weekday": 7, "starts": "00:00", "ends": "08:00"}]}
    assert_problem(
        await client.put(
            f"/api/v1/agents/{desk.agent_ids['agent2']}/shifts",
            json=wrong,
            headers=desk.auth("admin"),
        ),
        422,
    )


async def test_get_next_queue_position_and_sla(client: httpx.AsyncClient, desk: Desk) -> None:
    first = (await create_ticket(client, desk, who="customer:U1", channel="email"))["ticket"]
    second = (await create_ticket(client, desk, who="customer:U2", channel="email"))["ticket"]
    queue = await client.get(
        f"/api/v1/tickets/{second['number']}/queue", headers=desk.auth("customer:U2")
    )
    assert queue.status_code == 200, queue.text
    status = queue.json()
    assert status["waiting"] is True
    assert status["position"] == 2
    assert status["wait_high_seconds"] is None  # nobody on shift to answer
    assert_problem(
        await client.get(
            f"/api/v1/tickets/{second['number']}/queue", headers=desk.auth("customer:U1")
        ),
        404,
    )
    none = await client.post("/api/v1/routing/next", headers=desk.auth("agent"))
    assert none.status_code == 204  # offline agents take nothing
    await _online(desk, "agent")
    taken = await client.post("/api/v1/routing/next", headers=desk.auth("agent"))
    assert taken.status_code == 200, taken.text
    assert taken.json()["number"] == first["number"]
    assert taken.json()["assignee_id"] == desk.agent_ids["agent"]
    after = (
        await client.get(
            f"/api/v1/tickets/{second['number']}/queue", headers=desk.auth("customer:U2")
        )
    ).json()
    assert after["position"] == 1
    assert after["wait_low_seconds"] == 0  # the agent has room: next up
    detail = (
        await client.get(f"/api/v1/tickets/{first['number']}", headers=desk.auth("agent"))
    ).json()
    assert detail["sla"]["first_response"]["state"] == "ok"
    assert detail["sla"]["first_response"]["target_seconds"] == 3600
    sla = await client.get(f"/api/v1/tickets/{first['number']}/sla", headers=desk.auth("agent"))
    assert sla.json()["resolution"]["state"] == "ok"
    customer_view = await client.get(
        f"/api/v1/tickets/{first['number']}", headers=desk.auth("customer:U1")
    )
    assert customer_view.json()["sla"] is None
    assert_problem(
        await client.get(
            f"/api/v1/tickets/{first['number']}/sla", headers=desk.auth("customer:U1")
        ),
        403,
    )
    dispatched = await client.post("/api/v1/routing/dispatch", headers=desk.auth("supervisor"))
    assert dispatched.json() == {"assigned": 1}  # the second one, to the same agent
    assert_problem(await client.post("/api/v1/routing/dispatch", headers=desk.auth("agent")), 403)


async def test_sla_rules_and_calendars(client: httpx.AsyncClient, desk: Desk) -> None:
    admin = desk.auth("admin")
    calendar = {"zone": "Asia/Tokyo", "weekly": {str(d): ["09:00-18:00"] for d in range(5)}}
    assert (
        await client.put("/api/v1/sla/calendars/tokyo", json=calendar, headers=admin)
    ).status_code == 204
    bad_zone = {**calendar, "zone": "Mars/Base"}
    assert_problem(await client.put("/api/v1/sla/calendars/x", json=bad_zone, headers=admin), 422)
    rule = {"channel": "email", "first_response_seconds": 7200, "calendar": "tokyo"}
    created = await client.post("/api/v1/sla/rules", json=rule, headers=admin)
    assert created.status_code == 201, created.text
    unknown = {**rule, "calendar": "mars"}
    assert_problem(await client.post("/api/v1/sla/rules", json=unknown, headers=admin), 422)
    assert_problem(
        await client.post("/api/v1/sla/rules", json={"channel": "email"}, headers=admin), 422
    )
    ticket = (await create_ticket(client, desk, who="customer:U1", channel="email"))["ticket"]
    sla = (
        await client.get(f"/api/v1/tickets/{ticket['number']}/sla", headers=desk.auth("agent"))
    ).json()
    assert sla["first_response"]["target_seconds"] == 7200
    assert "resolution" not in sla  # the stored rule replaced the default policy
    holiday = {"day": "2026-12-31", "spans": []}
    assert (
        await client.put("/api/v1/shift-exceptions", json=holiday, headers=admin)
    ).status_code == 204
    hours = {"day": "2026-12-31", "spans": ["09:00-12:00"]}
    assert_problem(await client.put("/api/v1/shift-exceptions", json=hours, headers=admin), 422)


async def test_team_calendar_counts_its_tickets_sla_in_its_hours(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    admin = desk.auth("admin")
    # Open one hour a week: a clock counting in it cannot end on the day it started (unless
    # that is a Monday morning), so the deadline shows which calendar was used.
    mondays = {"zone": "UTC", "weekly": {"0": ["09:00-10:00"]}}
    assert (
        await client.put("/api/v1/sla/calendars/mondays", json=mondays, headers=admin)
    ).status_code == 204
    rule = {"channel": "email", "first_response_seconds": 1800}  # names no calendar
    assert (await client.post("/api/v1/sla/rules", json=rule, headers=admin)).status_code == 201
    explicit = {"channel": "web_form", "first_response_seconds": 1800, "calendar": "24x7"}
    assert (await client.post("/api/v1/sla/rules", json=explicit, headers=admin)).status_code == 201
    url = f"/api/v1/teams/{desk.team_id}/calendar"
    unknown = await client.put(url, json={"calendar": "mars"}, headers=admin)
    assert_problem(unknown, 422)
    assert_problem(
        await client.put(url, json={"calendar": "mondays"}, headers=desk.auth("agent")), 403
    )
    linked = await client.put(
        url, json={"calendar": "mondays", "languages": ["JA", "ja"]}, headers=admin
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["calendar"] == "mondays"
    assert linked.json()["languages"] == ["ja"]

    async def deadline(**extra: object) -> tuple[datetime, datetime]:
        ticket = (await create_ticket(client, desk, **extra))["ticket"]
        sla = (
            await client.get(f"/api/v1/tickets/{ticket['number']}/sla", headers=desk.auth("agent"))
        ).json()
        created = datetime.fromisoformat(ticket["created_at"])
        return created, datetime.fromisoformat(sla["first_response"]["deadline"])

    def in_mondays(at: datetime) -> bool:
        at = at.astimezone(UTC)
        return at.weekday() == 0 and time(9) <= at.time() <= time(10)

    created, due = await deadline(channel="email", team_id=desk.team_id, language="en")
    assert in_mondays(due)
    assert due > created
    created, due = await deadline(channel="email", language="ja")
    assert in_mondays(due)  # no team: the team serving Japanese
    created, due = await deadline(channel="email", language="en")
    assert abs((due - created).total_seconds() - 1800) < 2  # nobody's: 24x7
    created, due = await deadline(channel="web_form", team_id=desk.team_id)
    assert abs((due - created).total_seconds() - 1800) < 2  # the rule names 24x7: it wins
    unlinked = await client.put(url, json={"calendar": None}, headers=admin)
    assert unlinked.json()["calendar"] is None
    created, due = await deadline(channel="email", team_id=desk.team_id)
    assert abs((due - created).total_seconds() - 1800) < 2
