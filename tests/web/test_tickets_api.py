from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import httpx
import pytest

from kefu.settings import Settings
from tests.support import Desk, create_ticket
from tests.web.helpers import assert_problem, ticket_audit


async def test_create_and_get_ticket(client: httpx.AsyncClient, desk: Desk) -> None:
    created = await create_ticket(client, desk)
    number = created["ticket"]["number"]
    assert number.startswith("KF-")
    assert len(number) == 9
    assert created["ticket"]["status"] == "new"
    assert created["message"]["direction"] == "inbound"
    got = await client.get(f"/api/v1/tickets/{number}", headers=desk.auth("agent"))
    assert got.status_code == 200
    assert got.json()["subject"] == "Withdrawal pending"


# -- listing: filters and cursor pagination ----------------------------------------------


async def _numbers(
    client: httpx.AsyncClient, desk: Desk, query: str, who: str = "agent"
) -> set[str]:
    response = await client.get(f"/api/v1/tickets?{query}&limit=200", headers=desk.auth(who))
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    return {t["number"] for t in response.json()["items"]}


async def test_list_filters(client: httpx.AsyncClient, desk: Desk) -> None:
    a = (await create_ticket(client, desk, uid="U1", priority="urgent", language="en"))["ticket"]
    b_ticket = await create_ticket(
        client,
        desk,
        uid="U2",
        channel="email",
        tags=["vip", "KYC"],
        intent="kyc",
        subject="Verification stuck",
        text="my passport upload fails",
    )
    b = b_ticket["ticket"]
    c = (await create_ticket(client, desk, uid="U3", team_id=desk.team_id, language="zh"))["ticket"]
    an, bn, cn = a["number"], b["number"], c["number"]
    sup = desk.auth("supervisor")
    assigned = await client.post(
        f"/api/v1/tickets/{an}/assign", json={"assignee_id": desk.agent_ids["agent"]}, headers=sup
    )
    assert assigned.status_code == 200
    assert (
        await client.post(f"/api/v1/tickets/{bn}/status", json={"status": "pending"}, headers=sup)
    ).status_code == 200
    assert (
        await client.post(f"/api/v1/tickets/{cn}/escalate", json={"reason": "r"}, headers=sup)
    ).status_code == 200
    note = await client.post(f"/api/v1/tickets/{cn}/notes", json={"body": "zebra"}, headers=sup)
    assert note.status_code == 201

    assert await _numbers(client, desk, "") == {an, bn, cn}
    assert await _numbers(client, desk, "status=pending") == {bn}
    assert await _numbers(client, desk, "status=pending&status=new") == {an, bn, cn}
    assert await _numbers(client, desk, "status=solved") == set()
    assert await _numbers(client, desk, f"assignee_id={desk.agent_ids['agent']}") == {an}
    assert await _numbers(client, desk, "unassigned=true") == {bn, cn}
    assert await _numbers(client, desk, f"team_id={desk.team_id}") == {cn}
    assert await _numbers(client, desk, f"customer_id={b['customer_id']}") == {bn}
    assert await _numbers(client, desk, "priority=urgent") == {an}
    assert await _numbers(client, desk, "channel=email") == {bn}
    assert await _numbers(client, desk, "channel=api") == {an, cn}
    assert await _numbers(client, desk, "language=zh") == {cn}
    assert await _numbers(client, desk, "tag=vip") == {bn}
    assert await _numbers(client, desk, "tag=KYC") == {bn}
    assert await _numbers(client, desk, "escalated=true") == {cn}
    assert await _numbers(client, desk, "escalated=false") == {an, bn}
    assert await _numbers(client, desk, "q=verification") == {bn}  # subject, any case
    assert await _numbers(client, desk, "q=PASSPORT") == {bn}  # message body
    assert await _numbers(client, desk, "q=zebra") == set()  # internal notes are not searched
    assert await _numbers(client, desk, "q=%25") == set()  # LIKE wildcards are literal
    assert await _numbers(client, desk, "q=_") == set()
    assert await _numbers(client, desk, "priority=urgent&channel=email") == set()
    for bad in ("status=bogus", "priority=meh", "limit=0", "limit=201", "assignee_id=0"):
        response = await client.get(f"/api/v1/tickets?{bad}", headers=desk.auth("agent"))
        assert_problem(response, 422)


async def test_cursor_pagination_has_no_duplicates_or_omissions(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    created = [
        (await create_ticket(client, desk, uid=f"P{i % 3}", priority="high" if i % 2 else "low"))[
            "ticket"
        ]["id"]
        for i in range(23)
    ]
    for query, expected in (
        ("", created),
        ("priority=high", [t for i, t in enumerate(created) if i % 2]),
    ):
        for limit in (1, 5, 7, 23, 50):
            seen: list[int] = []
            cursor = None
            pages = 0
            while True:
                url = f"/api/v1/tickets?limit={limit}&{query}"
                if cursor:
                    url += f"&cursor={cursor}"
                response = await client.get(url, headers=desk.auth("agent"))
                assert response.status_code == 200
                page = response.json()
                assert len(page["items"]) <= limit
                seen.extend(t["id"] for t in page["items"])
                pages += 1
                cursor = page["next_cursor"]
                if cursor is None:
                    break
                # A new ticket arriving meanwhile does not disturb the pages after it.
                if pages == 1 and limit == 5 and query == "":
                    late = await create_ticket(client, desk, uid="late")
            assert seen == sorted(expected, reverse=True)  # newest first, each exactly once
            assert pages == max(1, -(-len(expected) // limit))
            if limit == 5 and query == "":
                created.append(late["ticket"]["id"])


@pytest.mark.parametrize(
    "cursor", ["nonsense", "dDp4", "eDox", "dDo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk"]
)
async def test_bad_cursors_are_422(client: httpx.AsyncClient, desk: Desk, cursor: str) -> None:
    # "dDp4" is t:x, "eDox" is x:1, the last one t: and a number too large for any id.
    for path in ("/api/v1/tickets", "/api/v1/customers"):
        response = await client.get(f"{path}?cursor={cursor}", headers=desk.auth("agent"))
        assert_problem(response, 422, "cursor")


async def test_customer_list_pagination(client: httpx.AsyncClient, desk: Desk) -> None:
    for i in range(7):
        await create_ticket(client, desk, uid=f"C{i}")
    seen: list[int] = []
    cursor = ""
    while True:
        response = await client.get(
            f"/api/v1/customers?limit=3{cursor}", headers=desk.auth("agent")
        )
        page = response.json()
        seen.extend(c["id"] for c in page["items"])
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert len(seen) == len(set(seen)) == 7
    found = await client.get("/api/v1/customers?q=C3", headers=desk.auth("agent"))
    assert [c["uid"] for c in found.json()["items"]] == ["C3"]


# -- transcript ----------------------------------------------------------------------------


async def test_transcript_json_and_text(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk, text="Line one\nLine two"))["ticket"]["number"]
    reply = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "Fixed, please check"},
        headers=desk.auth("agent"),
    )
    assert reply.status_code == 201
    data = await client.get(f"/api/v1/tickets/{number}/transcript", headers=desk.auth("agent"))
    assert data.status_code == 200
    body = data.json()
    assert body["ticket"]["number"] == number
    assert body["ticket"]["status"] == "open"  # the public reply opened it
    assert body["ticket"]["first_response_at"] is not None
    assert [m["body"] for m in body["messages"]] == ["Line one\nLine two", "Fixed, please check"]
    assert [m["author_kind"] for m in body["messages"]] == ["customer", "agent"]
    text = await client.get(
        f"/api/v1/tickets/{number}/transcript?format=text", headers=desk.auth("agent")
    )
    assert text.headers["content-type"].startswith("text/plain")
    lines = text.text.splitlines()
    assert lines[0] == f"{number}: Withdrawal pending"
    assert "Status: open" in lines[1]
    assert "    Line one" in lines
    assert "    Line two" in lines
    assert any(
        line.startswith("[") and f"Agent #{desk.agent_ids['agent']} via api" in line
        for line in lines
    )
    bad = await client.get(
        f"/api/v1/tickets/{number}/transcript?format=pdf", headers=desk.auth("agent")
    )
    assert_problem(bad, 422)


# -- merge ---------------------------------------------------------------------------------


async def test_merge(client: httpx.AsyncClient, desk: Desk) -> None:
    src = (await create_ticket(client, desk, uid="U1", text="first try", tags=["btc"]))["ticket"]
    dst = (await create_ticket(client, desk, uid="U1", text="second try", tags=["vip"]))["ticket"]
    other = (await create_ticket(client, desk, uid="U2"))["ticket"]
    agent = desk.auth("agent")
    merged = await client.post(
        f"/api/v1/tickets/{src['number']}/merge", json={"into": dst["number"]}, headers=agent
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["number"] == dst["number"]
    assert merged.json()["tags"] == ["btc", "vip"]
    source = (await client.get(f"/api/v1/tickets/{src['number']}", headers=agent)).json()
    assert source["status"] == "closed"
    assert source["closed_at"] is not None
    assert source["merged_into"] == dst["number"]
    transcript = (
        await client.get(f"/api/v1/tickets/{dst['number']}/transcript", headers=agent)
    ).json()
    bodies = [m["body"] for m in transcript["messages"]]
    assert bodies[:2] == ["first try", "second try"]
    assert transcript["messages"][0]["ticket"] == src["number"]
    assert any(m["internal"] and src["number"] in m["body"] for m in transcript["messages"])
    mine = await client.get(
        f"/api/v1/tickets/{dst['number']}/transcript", headers=desk.auth("customer:U1")
    )
    assert [m["body"] for m in mine.json()["messages"]] == ["first try", "second try"]
    # A reply to the merged ticket lands on the one it was merged into.
    late = await client.post(
        f"/api/v1/tickets/{src['number']}/messages",
        json={"body": "any update?"},
        headers=desk.auth("customer:U1"),
    )
    assert late.status_code == 201
    assert late.json()["ticket"] == dst["number"]
    audit = await ticket_audit(client, desk, src["number"])
    assert audit[-1]["action"] == "ticket.merge"
    assert audit[-1]["after"] == {"status": "closed", "merged_into": dst["number"]}
    # What cannot be merged.
    for source_n, into, status in (
        (dst["number"], dst["number"], 422),  # itself
        (dst["number"], other["number"], 422),  # another customer's
        (src["number"], dst["number"], 422),  # already merged
        (other["number"], "KF-999999", 404),
        (dst["number"], src["number"], 422),  # into a merged (closed) ticket
    ):
        response = await client.post(
            f"/api/v1/tickets/{source_n}/merge", json={"into": into}, headers=agent
        )
        assert_problem(response, status)


# -- escalation ----------------------------------------------------------------------------


async def test_escalation(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk))["ticket"]["number"]
    agent = desk.auth("agent")
    for level in (1, 2, 3):
        response = await client.post(
            f"/api/v1/tickets/{number}/escalate",
            json={"reason": f"  reason {level}  "},
            headers=agent,
        )
        assert response.status_code == 200
        assert response.json()["escalation_level"] == level
    too_far = await client.post(
        f"/api/v1/tickets/{number}/escalate", json={"reason": "again"}, headers=agent
    )
    assert_problem(too_far, 422, "highest")
    blank = await client.post(
        f"/api/v1/tickets/{number}/escalate", json={"reason": "   "}, headers=agent
    )
    assert_problem(blank, 422, "reason")
    detail = (await client.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    assert [(e["level"], e["reason"]) for e in detail["escalations"]] == [
        (1, "reason 1"),
        (2, "reason 2"),
        (3, "reason 3"),
    ]
    assert {e["by_id"] for e in detail["escalations"]} == {desk.agent_ids["agent"]}
    assert {e["by_kind"] for e in detail["escalations"]} == {"agent"}
    audit = [
        a for a in await ticket_audit(client, desk, number) if a["action"] == "ticket.escalate"
    ]
    assert [a["before"] for a in audit] == [{"escalation_level": n} for n in (0, 1, 2)]
    assert [a["after"]["reason"] for a in audit] == ["reason 1", "reason 2", "reason 3"]
    assert {a["actor_id"] for a in audit} == {desk.agent_ids["agent"]}


async def test_escalating_a_solved_ticket_reopens_it_with_audit(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    number = (await create_ticket(client, desk))["ticket"]["number"]
    agent = desk.auth("agent")
    solved = await client.post(
        f"/api/v1/tickets/{number}/status", json={"status": "solved"}, headers=agent
    )
    assert solved.json()["solved_at"] is not None
    escalated = await client.post(
        f"/api/v1/tickets/{number}/escalate", json={"reason": "customer disputes"}, headers=agent
    )
    assert escalated.json()["status"] == "open"
    assert escalated.json()["solved_at"] is None
    last = (await ticket_audit(client, desk, number))[-1]
    assert last["action"] == "ticket.escalate"
    assert last["before"]["status"] == "solved"
    assert last["after"]["status"] == "open"


# -- tags ----------------------------------------------------------------------------------


async def test_tags(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk, tags=["btc"]))["ticket"]["number"]
    agent = desk.auth("agent")

    async def change(add: list[str], remove: list[str]) -> httpx.Response:
        return await client.post(
            f"/api/v1/tickets/{number}/tags", json={"add": add, "remove": remove}, headers=agent
        )

    assert (await change(["VIP", " withdrawal "], [])).json()["tags"] == [
        "btc",
        "vip",
        "withdrawal",
    ]
    assert (await change([], ["btc", "absent"])).json()["tags"] == ["vip", "withdrawal"]
    before = len(await ticket_audit(client, desk, number))
    assert (await change(["vip"], [])).json()["tags"] == ["vip", "withdrawal"]
    assert len(await ticket_audit(client, desk, number)) == before  # no change, no audit
    assert_problem(await change(["no spaces"], []), 422, "invalid tag")
    assert (await client.get(f"/api/v1/tickets/{number}", headers=agent)).json()["tags"] == [
        "vip",
        "withdrawal",
    ]
    last = (await ticket_audit(client, desk, number))[-1]
    assert last["before"] == {"tags": ["btc", "vip", "withdrawal"]}
    assert last["after"] == {"tags": ["vip", "withdrawal"]}


# -- status transitions --------------------------------------------------------------------


async def test_status_transitions(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk))["ticket"]["number"]
    agent = desk.auth("agent")
    for status in ("pending", "on_hold", "open", "solved", "open", "solved", "closed"):
        response = await client.post(
            f"/api/v1/tickets/{number}/status", json={"status": status}, headers=agent
        )
        assert response.status_code == 200, (status, response.text)
        assert response.json()["status"] == status
    ticket = (await client.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    assert ticket["closed_at"] is not None
    audit = [a for a in await ticket_audit(client, desk, number) if a["action"] == "ticket.status"]
    assert [(a["before"]["status"], a["after"]["status"]) for a in audit] == [
        ("new", "pending"),
        ("pending", "on_hold"),
        ("on_hold", "open"),
        ("open", "solved"),
        ("solved", "open"),
        ("open", "solved"),
        ("solved", "closed"),
    ]


@pytest.mark.parametrize(
    ("path", "start", "target"),
    [
        ([], "new", "closed"),
        ([], "new", "new"),
        (["pending"], "pending", "closed"),
        (["solved"], "solved", "pending"),
        (["solved", "closed"], "closed", "open"),
        (["solved", "closed"], "closed", "solved"),
    ],
)
async def test_invalid_transition_is_409_and_changes_nothing(
    client: httpx.AsyncClient, desk: Desk, path: list[str], start: str, target: str
) -> None:
    number = (await create_ticket(client, desk))["ticket"]["number"]
    agent = desk.auth("agent")
    for status in path:
        ok = await client.post(
            f"/api/v1/tickets/{number}/status", json={"status": status}, headers=agent
        )
        assert ok.status_code == 200
    before = (await client.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    before.pop("sla")  # SLA clocks are computed at read time: they move on by themselves
    audit_before = await ticket_audit(client, desk, number)
    assert before["status"] == start
    events_before = len(desk.bus.published)
    response = await client.post(
        f"/api/v1/tickets/{number}/status", json={"status": target}, headers=agent
    )
    problem = assert_problem(response, 409)
    assert problem["title"] == "Invalid status transition"
    assert start in problem["detail"]
    after = (await client.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    after.pop("sla")
    assert after == before
    assert await ticket_audit(client, desk, number) == audit_before
    assert len(desk.bus.published) == events_before


async def test_closed_tickets_take_no_messages(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    agent = desk.auth("agent")
    for status in ("solved", "closed"):
        await client.post(
            f"/api/v1/tickets/{number}/status", json={"status": status}, headers=agent
        )
    before = await client.get(f"/api/v1/tickets/{number}/messages", headers=agent)
    for who in ("agent", "customer:U1"):
        response = await client.post(
            f"/api/v1/tickets/{number}/messages", json={"body": "hello?"}, headers=desk.auth(who)
        )
        assert_problem(response, 409, "closed")
    assert (await client.get(f"/api/v1/tickets/{number}/messages", headers=agent)).json() == (
        before.json()
    )
    assign = await client.post(
        f"/api/v1/tickets/{number}/assign",
        json={"assignee_id": desk.agent_ids["agent"]},
        headers=agent,
    )
    assert_problem(assign, 422, "closed")


async def test_customer_message_reopens_pending_ticket(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    number = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    agent = desk.auth("agent")
    await client.post(f"/api/v1/tickets/{number}/status", json={"status": "pending"}, headers=agent)
    await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "here it is"},
        headers=desk.auth("customer:U1"),
    )
    ticket = (await client.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    assert ticket["status"] == "open"
    last = (await ticket_audit(client, desk, number))[-1]
    assert last["action"] == "ticket.status"
    assert last["before"] == {"status": "pending"}
    assert last["after"]["status"] == "open"


# -- editing and assigning -----------------------------------------------------------------


async def test_patch_ticket(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk))["ticket"]["number"]
    agent = desk.auth("agent")
    patched = await client.patch(
        f"/api/v1/tickets/{number}",
        json={"subject": "BTC withdrawal stuck", "priority": "urgent", "intent": "withdrawal"},
        headers=agent,
    )
    assert patched.status_code == 200
    assert patched.json()["priority"] == "urgent"
    assert patched.json()["subject"] == "BTC withdrawal stuck"
    last = (await ticket_audit(client, desk, number))[-1]
    assert last["before"] == {"subject": "Withdrawal pending", "priority": "normal", "intent": None}
    assert last["after"] == {
        "subject": "BTC withdrawal stuck",
        "priority": "urgent",
        "intent": "withdrawal",
    }
    for bad in ({"subject": None}, {"priority": None}, {"subject": "   "}, {"status": "closed"}):
        assert_problem(
            await client.patch(f"/api/v1/tickets/{number}", json=bad, headers=agent), 422
        )
    cleared = await client.patch(f"/api/v1/tickets/{number}", json={"intent": None}, headers=agent)
    assert cleared.json()["intent"] is None


async def test_assign_and_move_team(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk))["ticket"]["number"]
    sup = desk.auth("supervisor")
    agent_id = desk.agent_ids["agent"]
    assigned = await client.post(
        f"/api/v1/tickets/{number}/assign", json={"assignee_id": agent_id}, headers=sup
    )
    assert assigned.json()["assignee_id"] == agent_id
    # Moving the ticket to a team leaves the assignee alone unless it is given.
    moved = await client.post(
        f"/api/v1/tickets/{number}/assign", json={"team_id": desk.team_id}, headers=sup
    )
    assert moved.status_code == 200
    assert moved.json()["team_id"] == desk.team_id
    assert moved.json()["assignee_id"] == agent_id
    released = await client.post(
        f"/api/v1/tickets/{number}/assign", json={"assignee_id": None}, headers=desk.auth("agent")
    )
    assert released.status_code == 200
    assert released.json()["assignee_id"] is None
    assert released.json()["team_id"] == desk.team_id
    for body, status in (
        ({"assignee_id": 999999}, 404),
        ({"team_id": 999999}, 404),
    ):
        assert_problem(
            await client.post(f"/api/v1/tickets/{number}/assign", json=body, headers=sup), status
        )


# -- attachments ---------------------------------------------------------------------------


async def test_attachments(client: httpx.AsyncClient, desk: Desk, tmp_path: Path) -> None:
    data = b"%PDF-1.4 fake statement \x00\xff" * 10
    encoded = base64.b64encode(data).decode()
    digest = hashlib.sha256(data).hexdigest()
    attachment = {"filename": "statement €.pdf", "content_type": "application/pdf"}
    created = await create_ticket(
        client,
        desk,
        who="customer:U1",
        message={
            "body": "see attached",
            "attachments": [{**attachment, "content_base64": encoded}],
        },
    )
    atts = created["message"]["attachments"]
    assert len(atts) == 1
    assert atts[0]["sha256"] == digest
    assert atts[0]["size"] == len(data)
    assert atts[0]["filename"] == "statement €.pdf"
    # The same bytes again are stored once, under their hash.
    number = created["ticket"]["number"]
    again = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "again", "attachments": [{**attachment, "content_base64": encoded}]},
        headers=desk.auth("agent"),
    )
    assert again.status_code == 201
    assert again.json()["attachments"][0]["sha256"] == digest
    assert again.json()["attachments"][0]["id"] != atts[0]["id"]
    root = tmp_path / "data" / "attachments"
    stored = [p for p in root.rglob("*") if p.is_file()]
    assert stored == [root / digest[:2] / digest[2:4] / digest]
    assert stored[0].read_bytes() == data
    # Download: the owner and staff may, other customers and strangers may not.
    url = atts[0]["url"]
    for who in ("customer:U1", "agent"):
        got = await client.get(url, headers=desk.auth(who))
        assert got.status_code == 200
        assert got.content == data
        assert got.headers["content-type"] == "application/octet-stream"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith("attachment;")
        assert "filename*=UTF-8''statement%20%E2%82%AC.pdf" in got.headers["content-disposition"]
    assert_problem(await client.get(url, headers=desk.auth("customer:U2")), 404)
    assert_problem(await client.get(url), 401)
    assert_problem(await client.get("/api/v1/attachments/999999", headers=desk.auth("agent")), 404)


@pytest.mark.parametrize("content", ["not base64!!", "YWJ", "YW Jj", "ø"])
async def test_bad_base64_is_422(client: httpx.AsyncClient, desk: Desk, content: str) -> None:
    body = {
        "subject": "x",
        "customer": {"uid": "U1"},
        "message": {
            "body": "y",
            "attachments": [{"filename": "a.txt", "content_base64": content}],
        },
    }
    response = await client.post("/api/v1/tickets", json=body, headers=desk.auth("agent"))
    assert_problem(response, 422, "base64")
    listed = await client.get("/api/v1/tickets", headers=desk.auth("agent"))
    assert listed.json()["items"] == []


async def test_oversized_attachment_is_422(
    client: httpx.AsyncClient, desk: Desk, settings: Settings
) -> None:
    settings.max_attachment_bytes = 4096  # the app reads its settings on each request
    number = (await create_ticket(client, desk))["ticket"]["number"]
    fits = base64.b64encode(b"x" * 4096).decode()
    ok = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "ok", "attachments": [{"filename": "ok.bin", "content_base64": fits}]},
        headers=desk.auth("agent"),
    )
    assert ok.status_code == 201
    big = base64.b64encode(b"x" * 4097).decode()
    response = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "big", "attachments": [{"filename": "big.bin", "content_base64": big}]},
        headers=desk.auth("agent"),
    )
    assert_problem(response, 422, "larger than")


# -- HTML ----------------------------------------------------------------------------------


async def test_html_is_sanitised(client: httpx.AsyncClient, desk: Desk) -> None:
    html = (
        '<p onclick="steal()">Hello <b>there</b></p><script>alert(document.cookie)</script>'
        '<a href="javascript:alert(1)">x</a><a href="https://ok.example/">ok</a>'
        '<img src="x" onerror="alert(1)"><style>body{display:none}</style>'
        "<iframe src=https://evil.example></iframe>"
    )
    created = await create_ticket(client, desk, message={"body": "plain", "html": html})
    stored = created["message"]["html"]
    for bad in ("<script", "alert(document.cookie)", "onclick", "onerror", "javascript:",
                "<style", "<iframe", "display:none"):  # fmt: skip
        assert bad not in stored, (bad, stored)
    assert "<b>there</b>" in stored
    assert 'href="https://ok.example/"' in stored
    assert 'rel="noopener noreferrer nofollow"' in stored
    messages = await client.get(
        f"/api/v1/tickets/{created['ticket']['number']}/messages", headers=desk.auth("agent")
    )
    assert messages.json()[0]["html"] == stored


async def test_customers_do_not_see_staff_only_fields(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    customer = desk.auth("customer:U-own")
    created = await create_ticket(client, desk, who="customer:U-own")
    number = created["ticket"]["number"]
    agent = desk.auth("agent")
    tagged = await client.post(
        f"/api/v1/tickets/{number}/tags", json={"add": ["abusive", "tone:angry"]}, headers=agent
    )
    assert tagged.json()["tags"] == ["abusive", "tone:angry"]
    patched = await client.patch(
        f"/api/v1/tickets/{number}", json={"intent": "complaint"}, headers=agent
    )
    assert patched.json()["intent"] == "complaint"
    views = [
        (await client.get(f"/api/v1/tickets/{number}", headers=customer)).json(),
        (await client.get("/api/v1/tickets", headers=customer)).json()["items"][0],
        (await client.get(f"/api/v1/tickets/{number}/transcript", headers=customer)).json()[
            "ticket"
        ],
    ]
    for view in views:
        assert view["number"] == number
        assert (view["tags"], view["intent"], view["team_id"]) == ([], None, None)
    staff_view = (await client.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    assert staff_view["tags"] == ["abusive", "tone:angry"]
    # Nor can a customer ask which of their tickets carry a tag.
    probe = await client.get("/api/v1/tickets", params={"tag": "abusive"}, headers=customer)
    assert probe.status_code == 422


async def test_a_new_tickets_customer_name_is_recorded_through_the_action(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    created = await create_ticket(client, desk, customer={"uid": "N-1", "name": "Ana Lima"})
    customer_id = created["ticket"]["customer_id"]
    shown = await client.get(f"/api/v1/customers/{customer_id}", headers=desk.auth("agent"))
    assert shown.json()["name"] == "Ana Lima"
    assert "customer.updated" in [e.type for e in desk.bus.published]
    # A name already known is kept.
    await create_ticket(client, desk, customer={"uid": "N-1", "name": "Someone Else"})
    again = await client.get(f"/api/v1/customers/{customer_id}", headers=desk.auth("agent"))
    assert again.json()["name"] == "Ana Lima"
