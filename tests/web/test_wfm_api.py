"""Workforce endpoints: history from kefu's own tickets, and the supervisor's charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from kefu.store.models import Ticket
from tests.support import Desk, create_ticket

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def _seed(client: httpx.AsyncClient, desk: Desk) -> int:
    """Tickets over the last nine days, two languages, some answered, one abandoned."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    ids = [(await create_ticket(client, desk, uid=f"U{k}"))["ticket"]["id"] for k in range(27)]
    async with desk.deps.sessionmaker() as session:
        for k, ticket_id in enumerate(ids):
            day, hour = divmod(k, 3)
            stamp = now - timedelta(days=9 - day, hours=hour)
            values: dict[str, object] = {
                "created_at": stamp,
                "language": "en" if k % 3 else "ja",
                "channel": "email" if k % 2 else "chat",
            }
            if k % 4 == 0:
                values["first_response_at"] = stamp + timedelta(minutes=2)
                values["solved_at"] = stamp + timedelta(minutes=12)
            elif k == 5:
                values["closed_at"] = stamp + timedelta(minutes=1)  # left before an answer
            await session.execute(update(Ticket).where(Ticket.id == ticket_id).values(values))
        await session.commit()
    created = len(ids)
    return created


async def test_history_by_language(client: httpx.AsyncClient, desk: Desk) -> None:
    created = await _seed(client, desk)
    response = await client.get(
        "/api/v1/wfm/history", params={"interval": 60, "days": 30}, headers=desk.auth("supervisor")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    series = {s["key"]: s for s in body["series"]}
    assert set(series) == {"en", "ja"}
    assert series["en"]["contacts"] + series["ja"]["contacts"] == created
    assert sum(c["contacts"] for c in series["ja"]["intervals"]) == series["ja"]["contacts"]
    answered = [s for s in series.values() if s["mean_wait_seconds"] is not None]
    assert all(s["mean_wait_seconds"] == 120.0 for s in answered)
    assert all(s["mean_handle_seconds"] == 600.0 for s in answered)
    assert series["en"]["abandonment"] > 0  # ticket 5 (English) closed unanswered
    by_channel = await client.get(
        "/api/v1/wfm/history", params={"by": "channel"}, headers=desk.auth("admin")
    )
    assert {s["key"] for s in by_channel.json()["series"]} == {"chat", "email"}


async def test_charts_are_png(client: httpx.AsyncClient, desk: Desk) -> None:
    await _seed(client, desk)
    forecast = await client.get(
        "/api/v1/wfm/forecast.png", params={"language": "en"}, headers=desk.auth("supervisor")
    )
    assert forecast.status_code == 200, forecast.text
    assert forecast.headers["content-type"] == "image/png"
    assert forecast.content.startswith(PNG_MAGIC)
    staffing = await client.get(
        "/api/v1/wfm/staffing.png",
        params={"aht_seconds": 600, "max_agents": 3},
        headers=desk.auth("supervisor"),
    )
    assert staffing.status_code == 200, staffing.text
    assert staffing.content.startswith(PNG_MAGIC)


async def test_supervisors_only_and_bad_input(client: httpx.AsyncClient, desk: Desk) -> None:
    agent = await client.get("/api/v1/wfm/history", headers=desk.auth("agent"))
    assert agent.status_code == 403
    assert agent.headers["content-type"].startswith("application/problem+json")
    empty = await client.get("/api/v1/wfm/history", headers=desk.auth("supervisor"))
    assert empty.status_code == 422
    assert "no contacts" in empty.json()["detail"]
    for params in ({"tz": "Mars/Olympus"}, {"days": 0}, {"interval": 45}, {"by": "mood"}):
        bad = await client.get("/api/v1/wfm/history", params=params, headers=desk.auth("admin"))
        assert bad.status_code == 422, params
