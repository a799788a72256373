"""Who may call what: a table of endpoints × principals, then what each may see.

Every principal runs the whole table against a fresh desk; a mismatch anywhere fails with the
full list of (endpoint, expected, got) so the matrix can be read off the failure.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from kefu.domain import customer_token
from tests.support import CUSTOMER_SECRET, Desk, create_ticket, customer_token_for
from tests.web.helpers import assert_problem, bearer, create_token, login

_unique = itertools.count(1)


@dataclass
class Ctx:
    """What the table refers to: tickets, customers and ids made for one principal's run."""

    desk: Desk
    t1: str  # U1's ticket (the customer principal is U1)
    t2: str  # U2's ticket
    merge_src: str
    merge_dst: str
    t_status: str
    c1: int
    c2: int
    spare_token_id: int
    self_id: int  # the agent id of the principal under test (staff), else the agent's


Body = dict[str, Any] | Callable[[Ctx], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    body: Body
    # Expected status per kind of principal: admin, supervisor, agent, narrowed, customer.
    admin: int
    supervisor: int
    agent: int
    narrowed: int
    customer: int


def row(name: str, method: str, path: str, body: Body, *codes: int) -> Row:
    return Row(name, method, path, body, *codes)


def _create_body(ctx: Ctx, customer: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"subject": "Deposit missing", "message": {"body": "TXID abc"}}
    if not customer:
        body["customer"] = {"uid": "U1"}
    return body


# Each row: name, method, path, body, then the status for admin, supervisor, agent,
# a token narrowed to tickets:read, and the customer U1.
TABLE = [
    row("list tickets", "GET", "/api/v1/tickets", None, 200, 200, 200, 200, 200),
    row("get own ticket", "GET", "/api/v1/tickets/{t1}", None, 200, 200, 200, 200, 200),
    row("get other's ticket", "GET", "/api/v1/tickets/{t2}", None, 200, 200, 200, 200, 404),
    row("create ticket", "POST", "/api/v1/tickets", "create", 201, 201, 201, 403, 201),
    row("list messages", "GET", "/api/v1/tickets/{t1}/messages", None, 200, 200, 200, 200, 200),
    row("other's messages", "GET", "/api/v1/tickets/{t2}/messages", None, 200, 200, 200, 200, 404),
    row("add message", "POST", "/api/v1/tickets/{t1}/messages", {"body": "Any news?"},
        201, 201, 201, 403, 201),
    row("message other's", "POST", "/api/v1/tickets/{t2}/messages", {"body": "Hello"},
        201, 201, 201, 403, 404),
    row("add note", "POST", "/api/v1/tickets/{t1}/notes", {"body": "Checked the chain"},
        201, 201, 201, 403, 403),
    row("transcript", "GET", "/api/v1/tickets/{t1}/transcript", None, 200, 200, 200, 200, 200),
    row("other's transcript", "GET", "/api/v1/tickets/{t2}/transcript", None,
        200, 200, 200, 200, 404),
    row("transcript text", "GET", "/api/v1/tickets/{t1}/transcript?format=text", None,
        200, 200, 200, 200, 200),
    row("assign self", "POST", "/api/v1/tickets/{t1}/assign",
        lambda c: {"assignee_id": c.self_id}, 200, 200, 200, 403, 403),
    row("assign others", "POST", "/api/v1/tickets/{t1}/assign",
        lambda c: {"assignee_id": c.desk.agent_ids["agent2"]}, 200, 200, 403, 403, 403),
    row("escalate", "POST", "/api/v1/tickets/{t1}/escalate", {"reason": "VIP, 3 hours"},
        200, 200, 200, 403, 403),
    row("merge", "POST", "/api/v1/tickets/{merge_src}/merge", lambda c: {"into": c.merge_dst},
        200, 200, 200, 403, 403),
    row("tags", "POST", "/api/v1/tickets/{t1}/tags", {"add": ["vip"]}, 200, 200, 200, 403, 403),
    row("edit ticket", "PATCH", "/api/v1/tickets/{t1}", {"priority": "high"},
        200, 200, 200, 403, 403),
    row("solve", "POST", "/api/v1/tickets/{t_status}/status", {"status": "solved"},
        200, 200, 200, 403, 200),
    row("solve other's", "POST", "/api/v1/tickets/{t2}/status", {"status": "solved"},
        200, 200, 200, 403, 404),
    row("audit", "GET", "/api/v1/tickets/{t1}/audit", None, 200, 200, 403, 403, 403),
    row("list customers", "GET", "/api/v1/customers", None, 200, 200, 200, 403, 403),
    row("get own customer", "GET", "/api/v1/customers/{c1}", None, 200, 200, 200, 403, 200),
    row("get other customer", "GET", "/api/v1/customers/{c2}", None, 200, 200, 200, 403, 404),
    row("patch customer", "PATCH", "/api/v1/customers/{c2}", {"tier": "vip1"},
        200, 200, 200, 403, 403),
    row("patch own customer", "PATCH", "/api/v1/customers/{c1}", {"tier": "vip3"},
        200, 200, 200, 403, 403),
    row("list agents", "GET", "/api/v1/agents", None, 200, 200, 200, 403, 403),
    row("create agent", "POST", "/api/v1/agents",
        lambda c: {"email": f"new{next(_unique)}@test.example", "name": "New"},
        201, 403, 403, 403, 403),
    row("edit agent", "PATCH", "/api/v1/agents/{agent2}", {"languages": ["ja", "en"]},
        200, 403, 403, 403, 403),
    row("list teams", "GET", "/api/v1/teams", None, 200, 200, 200, 403, 403),
    row("create team", "POST", "/api/v1/teams",
        lambda c: {"slug": f"team-{next(_unique)}", "name": "T"}, 201, 403, 403, 403, 403),
    row("team members", "PUT", "/api/v1/teams/{team}/members",
        lambda c: {"agent_ids": [c.desk.agent_ids["agent"]]}, 200, 403, 403, 403, 403),
    row("create token", "POST", "/api/v1/agents/{agent2}/tokens", {"name": "ci"},
        201, 403, 403, 403, 403),
    row("list tokens", "GET", "/api/v1/agents/{agent2}/tokens", None, 200, 403, 403, 403, 403),
    row("revoke token", "DELETE", "/api/v1/tokens/{spare_token_id}", None,
        200, 403, 403, 403, 403),
    row("me", "GET", "/api/v1/me", None, 200, 200, 200, 200, 200),
]  # fmt: skip

KINDS = ("admin", "supervisor", "agent", "narrowed", "customer")
VALID = ("admin", "supervisor", "agent", "narrowed", "customer", "session", "session_no_csrf")
INVALID = (
    "anonymous",
    "expired_customer",
    "tampered_customer",
    "wrong_secret_customer",
    "non_ascii_signature",
    "revoked_token",
    "unknown_api_token",
    "unknown_scheme",
    "tampered_session",
)


async def _scenario(client: httpx.AsyncClient, desk: Desk) -> Ctx:
    t1 = (await create_ticket(client, desk, uid="U1"))["ticket"]
    t2 = (await create_ticket(client, desk, uid="U2", subject="Other customer"))["ticket"]
    src = (await create_ticket(client, desk, uid="U1", subject="Dup"))["ticket"]
    dst = (await create_ticket(client, desk, uid="U1", subject="Main"))["ticket"]
    t_status = (await create_ticket(client, desk, uid="U1", subject="Solve me"))["ticket"]
    spare = await create_token(client, desk, "agent2", None)
    return Ctx(
        desk=desk,
        t1=t1["number"],
        t2=t2["number"],
        merge_src=src["number"],
        merge_dst=dst["number"],
        t_status=t_status["number"],
        c1=t1["customer_id"],
        c2=t2["customer_id"],
        spare_token_id=spare["id"],
        self_id=desk.agent_ids["agent"],
    )


async def _principal(
    client: httpx.AsyncClient, desk: Desk, ctx: Ctx, who: str
) -> tuple[str, dict[str, str]]:
    """(kind whose column applies, headers) for a principal; kind "invalid" means 401."""
    if who in ("admin", "supervisor", "agent"):
        ctx.self_id = desk.agent_ids[who]
        return who, desk.auth(who)
    if who == "customer":
        return "customer", desk.auth("customer:U1")
    if who == "narrowed":
        token = await create_token(client, desk, "agent", ["tickets:read"])
        return "narrowed", bearer(token["token"])
    if who in ("session", "session_no_csrf", "tampered_session"):
        cookie, csrf, agent_id = await login(client, desk, f"s{next(_unique)}@test.example")
        ctx.self_id = agent_id
        if who == "tampered_session":
            cookie = cookie[:-1] + ("0" if cookie[-1] != "0" else "1")
        headers = {"Cookie": f"kefu_session={cookie}"}
        if who != "session_no_csrf":
            headers["X-CSRF-Token"] = csrf
        return ("agent" if who != "tampered_session" else "invalid"), headers
    if who == "anonymous":
        return "invalid", {}
    if who == "expired_customer":
        return "invalid", bearer(customer_token_for("U1", ttl=-1))
    if who == "tampered_customer":
        token = customer_token_for("U1")
        return "invalid", bearer(token[:-1] + ("0" if token[-1] != "0" else "1"))
    if who == "wrong_secret_customer":
        token = customer_token.sign("U1", int(time.time()) + 60, CUSTOMER_SECRET + "x")
        return "invalid", bearer(token)
    if who == "non_ascii_signature":
        token = customer_token_for("U1")
        return "invalid", {"Authorization": f"Bearer {token[:-1]}é".encode("latin-1")}  # type: ignore[dict-item]
    if who == "revoked_token":
        token = await create_token(client, desk, "agent", None)
        assert (await client.get("/api/v1/me", headers=bearer(token["token"]))).status_code == 200
        revoked = await client.delete(f"/api/v1/tokens/{token['id']}", headers=desk.auth("admin"))
        assert revoked.status_code == 200
        assert revoked.json()["revoked_at"] is not None
        return "invalid", bearer(token["token"])
    if who == "unknown_api_token":
        return "invalid", bearer("kefu_" + "x" * 43)
    if who == "unknown_scheme":
        return "invalid", bearer("sk_live_123")
    raise AssertionError(who)


def _expected(r: Row, kind: str, who: str) -> int:
    if kind == "invalid":
        return 401
    if who == "session_no_csrf" and r.method not in ("GET", "HEAD"):
        return 403
    return int(getattr(r, kind))


@pytest.mark.parametrize("who", VALID + INVALID)
async def test_permission_matrix(client: httpx.AsyncClient, desk: Desk, who: str) -> None:
    ctx = await _scenario(client, desk)
    kind, headers = await _principal(client, desk, ctx, who)
    names = {
        **{k: getattr(ctx, k) for k in ("t1", "t2", "merge_src", "merge_dst", "t_status")},
        **{k: getattr(ctx, k) for k in ("c1", "c2", "spare_token_id")},
        "agent2": desk.agent_ids["agent2"],
        "team": desk.team_id,
    }
    mismatches = []
    for r in TABLE:
        if r.body == "create":
            body: dict[str, Any] | None = _create_body(ctx, customer=kind == "customer")
        elif callable(r.body):
            body = r.body(ctx)
        else:
            body = r.body  # type: ignore[assignment]
        response = await client.request(
            r.method, r.path.format(**names), json=body, headers=headers
        )
        expected = _expected(r, kind, who)
        if response.status_code != expected:
            mismatches.append((r.name, expected, response.status_code, response.text[:200]))
        elif expected >= 400:
            assert_problem(response, expected)
    assert mismatches == []


# -- what each may see -------------------------------------------------------------------


async def _ticket_with_note(client: httpx.AsyncClient, desk: Desk, uid: str = "U1") -> str:
    number: str = (await create_ticket(client, desk, uid=uid))["ticket"]["number"]
    note = await client.post(
        f"/api/v1/tickets/{number}/notes",
        json={"body": "INTERNAL: customer flagged by compliance"},
        headers=desk.auth("agent"),
    )
    assert note.status_code == 201
    assert note.json()["internal"] is True
    reply = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "We are looking into it"},
        headers=desk.auth("agent"),
    )
    assert reply.status_code == 201
    return number


async def test_customers_never_see_internal_notes(client: httpx.AsyncClient, desk: Desk) -> None:
    number = await _ticket_with_note(client, desk)
    for path in ("messages", "messages?include_notes=true", "transcript"):
        staff = await client.get(f"/api/v1/tickets/{number}/{path}", headers=desk.auth("agent"))
        mine = await client.get(
            f"/api/v1/tickets/{number}/{path}", headers=desk.auth("customer:U1")
        )
        assert staff.status_code == mine.status_code == 200
        assert "compliance" in staff.text
        assert "compliance" not in mine.text
        messages = mine.json() if path.startswith("messages") else mine.json()["messages"]
        assert [m["direction"] for m in messages] == ["inbound", "outbound"]
    text = await client.get(
        f"/api/v1/tickets/{number}/transcript?format=text", headers=desk.auth("customer:U1")
    )
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/plain")
    assert "We are looking into it" in text.text
    assert "compliance" not in text.text
    assert "Internal note" not in text.text
    staff_text = await client.get(
        f"/api/v1/tickets/{number}/transcript?format=text", headers=desk.auth("agent")
    )
    assert "Internal note" in staff_text.text
    assert "compliance" in staff_text.text
    # Staff may leave notes out on request.
    without = await client.get(
        f"/api/v1/tickets/{number}/messages?include_notes=false", headers=desk.auth("agent")
    )
    assert "compliance" not in without.text


async def test_tokens_without_notes_scope_do_not_see_notes(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    number = await _ticket_with_note(client, desk)
    narrowed = bearer((await create_token(client, desk, "agent", ["tickets:read"]))["token"])
    with_notes = bearer(
        (await create_token(client, desk, "agent", ["tickets:read", "notes:read"]))["token"]
    )
    for path in ("messages", "transcript", "transcript?format=text"):
        hidden = await client.get(f"/api/v1/tickets/{number}/{path}", headers=narrowed)
        shown = await client.get(f"/api/v1/tickets/{number}/{path}", headers=with_notes)
        assert hidden.status_code == shown.status_code == 200
        assert "compliance" not in hidden.text
        assert "compliance" in shown.text


async def test_customers_see_only_their_own_tickets(client: httpx.AsyncClient, desk: Desk) -> None:
    mine = {(await create_ticket(client, desk, uid="U1"))["ticket"]["number"] for _ in range(3)}
    theirs = (await create_ticket(client, desk, uid="U2"))["ticket"]
    opened = await create_ticket(client, desk, who="customer:U1", subject="Via the widget")
    mine.add(opened["ticket"]["number"])
    assert opened["ticket"]["customer_id"] != theirs["customer_id"]
    assert opened["ticket"]["channel"] == "web_form"
    listed = await client.get("/api/v1/tickets", headers=desk.auth("customer:U1"))
    assert {t["number"] for t in listed.json()["items"]} == mine
    # Asking for someone else's tickets by filter changes nothing.
    filtered = await client.get(
        f"/api/v1/tickets?customer_id={theirs['customer_id']}", headers=desk.auth("customer:U1")
    )
    assert {t["number"] for t in filtered.json()["items"]} == mine
    # Someone else's ticket does not exist, whatever one tries with it.
    n = theirs["number"]
    for method, path, body in [
        ("GET", f"/api/v1/tickets/{n}", None),
        ("GET", f"/api/v1/tickets/{n}/messages", None),
        ("GET", f"/api/v1/tickets/{n}/transcript?format=text", None),
        ("POST", f"/api/v1/tickets/{n}/messages", {"body": "hi"}),
        ("POST", f"/api/v1/tickets/{n}/status", {"status": "solved"}),
        ("GET", f"/api/v1/customers/{theirs['customer_id']}", None),
    ]:
        response = await client.request(method, path, json=body, headers=desk.auth("customer:U1"))
        assert_problem(response, 404)
    # And a customer cannot open a ticket on someone else's behalf.
    forged = await client.post(
        "/api/v1/tickets",
        json={"subject": "x", "message": {"body": "y"}, "customer_id": theirs["customer_id"]},
        headers=desk.auth("customer:U1"),
    )
    assert_problem(forged, 422)
    assert (await client.get("/api/v1/tickets", headers=desk.auth("agent"))).json()["items"][0][
        "number"
    ] == opened["ticket"]["number"]


async def test_customers_do_not_see_escalations(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    escalated = await client.post(
        f"/api/v1/tickets/{number}/escalate",
        json={"reason": "suspected account takeover"},
        headers=desk.auth("agent"),
    )
    assert escalated.status_code == 200
    staff = await client.get(f"/api/v1/tickets/{number}", headers=desk.auth("agent"))
    mine = await client.get(f"/api/v1/tickets/{number}", headers=desk.auth("customer:U1"))
    assert staff.json()["escalations"][0]["reason"] == "suspected account takeover"
    assert mine.json()["escalations"] == []
    assert "takeover" not in mine.text


async def test_customer_can_only_solve(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    me = desk.auth("customer:U1")
    for status in ("open", "pending", "on_hold", "closed"):
        response = await client.post(
            f"/api/v1/tickets/{number}/status", json={"status": status}, headers=me
        )
        assert_problem(response, 403)
    outbound = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "I am the agent", "direction": "outbound"},
        headers=me,
    )
    assert_problem(outbound, 422)
    solved = await client.post(
        f"/api/v1/tickets/{number}/status", json={"status": "solved"}, headers=me
    )
    assert solved.status_code == 200
    assert solved.json()["status"] == "solved"


async def test_revoked_token_stops_working(client: httpx.AsyncClient, desk: Desk) -> None:
    token = await create_token(client, desk, "supervisor", None)
    headers = bearer(token["token"])
    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["kind"] == "token"
    assert me.json()["agent"]["id"] == desk.agent_ids["supervisor"]
    listed = await client.get(
        f"/api/v1/agents/{desk.agent_ids['supervisor']}/tokens", headers=desk.auth("admin")
    )
    assert token["id"] in [t["id"] for t in listed.json()]
    assert "token" not in listed.json()[0]  # the secret is shown once only
    revoked = await client.delete(f"/api/v1/tokens/{token['id']}", headers=desk.auth("admin"))
    assert revoked.status_code == 200
    assert_problem(await client.get("/api/v1/me", headers=headers), 401, "revoked")
    assert_problem(await client.delete("/api/v1/tokens/999999", headers=desk.auth("admin")), 404)


async def test_deactivated_agent_loses_access(client: httpx.AsyncClient, desk: Desk) -> None:
    headers = desk.auth("agent2")
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    off = await client.patch(
        f"/api/v1/agents/{desk.agent_ids['agent2']}",
        json={"active": False},
        headers=desk.auth("admin"),
    )
    assert off.status_code == 200
    assert off.json()["active"] is False
    assert_problem(await client.get("/api/v1/me", headers=headers), 401, "deactivated")
    assign = await client.post(
        f"/api/v1/tickets/{(await create_ticket(client, desk))['ticket']['number']}/assign",
        json={"assignee_id": desk.agent_ids["agent2"]},
        headers=desk.auth("supervisor"),
    )
    assert_problem(assign, 422, "deactivated")


async def test_scopes_never_widen_a_role(client: httpx.AsyncClient, desk: Desk) -> None:
    token = await create_token(
        client, desk, "agent", ["tickets:read", "audit:read", "tokens:write"]
    )
    assert sorted(token["scopes"]) == ["audit:read", "tickets:read", "tokens:write"]
    headers = bearer(token["token"])
    me = await client.get("/api/v1/me", headers=headers)
    assert me.json()["scopes"] == ["tickets:read"]
    ticket = (await create_ticket(client, desk))["ticket"]["number"]
    assert_problem(await client.get(f"/api/v1/tickets/{ticket}/audit", headers=headers), 403)
    minted = await client.post(
        f"/api/v1/agents/{desk.agent_ids['agent']}/tokens", json={"name": "x"}, headers=headers
    )
    assert_problem(minted, 403)
    unknown = await client.post(
        f"/api/v1/agents/{desk.agent_ids['agent']}/tokens",
        json={"name": "x", "scopes": ["tickets:delete"]},
        headers=desk.auth("admin"),
    )
    assert_problem(unknown, 422, "tickets:delete")


async def test_narrowed_token_cannot_mint_a_wider_one(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    """A token narrowed to tokens:write must not be a way back to the admin's full powers."""
    narrow = await create_token(client, desk, "admin", ["tokens:write", "tickets:read"])
    headers = bearer(narrow["token"])
    admin_id = desk.agent_ids["admin"]
    for scopes in (None, ["agents:write"], ["tokens:write", "audit:read"]):
        body: dict[str, Any] = {"name": "wider"}
        if scopes is not None:
            body["scopes"] = scopes
        wider = await client.post(f"/api/v1/agents/{admin_id}/tokens", json=body, headers=headers)
        assert_problem(wider, 403)
    same = await client.post(
        f"/api/v1/agents/{admin_id}/tokens",
        json={"name": "same", "scopes": ["tickets:read"]},
        headers=headers,
    )
    assert same.status_code == 201, same.text
    # A token for an agent whose role gives less is fine: it cannot exceed what we hold.
    agent_token = await client.post(
        f"/api/v1/agents/{desk.agent_ids['agent']}/tokens",
        json={"name": "for agent", "scopes": ["tickets:read"]},
        headers=headers,
    )
    assert agent_token.status_code == 201, agent_token.text


async def test_session_cookie_and_csrf(client: httpx.AsyncClient, desk: Desk) -> None:
    cookie, csrf, agent_id = await login(client, desk, "sess@test.example")
    headers = {"Cookie": f"kefu_session={cookie}"}
    session = await client.get("/api/v1/auth/session", headers=headers)
    assert session.status_code == 200
    assert session.json()["csrf_token"] == csrf
    assert session.json()["agent"]["id"] == agent_id
    me = await client.get("/api/v1/me", headers=headers)
    assert me.json()["kind"] == "agent"
    body = {"subject": "By cookie", "message": {"body": "x"}, "customer": {"uid": "U9"}}
    assert_problem(await client.post("/api/v1/tickets", json=body, headers=headers), 403, "csrf")
    wrong = {**headers, "X-CSRF-Token": csrf[:-1] + ("0" if csrf[-1] != "0" else "1")}
    assert_problem(await client.post("/api/v1/tickets", json=body, headers=wrong), 403)
    non_ascii = {**headers, "X-CSRF-Token": "é".encode("latin-1")}
    response = await client.post("/api/v1/tickets", json=body, headers=non_ascii)  # type: ignore[arg-type]
    assert_problem(response, 403)
    right = {**headers, "X-CSRF-Token": csrf}
    assert (await client.post("/api/v1/tickets", json=body, headers=right)).status_code == 201
    # /auth/session is for cookie sessions only.
    assert_problem(await client.get("/api/v1/auth/session", headers=desk.auth("agent")), 401)
    garbage = {"Cookie": "kefu_session=1.99999999999.x.é".encode("latin-1")}
    assert_problem(await client.get("/api/v1/me", headers=garbage), 401)  # type: ignore[arg-type]


async def test_login_failures(client: httpx.AsyncClient, desk: Desk) -> None:
    await login(client, desk, "pw@test.example")
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "pw@test.example", "password": "wrong password"}
    )
    assert_problem(wrong, 401, "wrong email or password")
    nobody = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@test.example", "password": "whatever12"}
    )
    assert_problem(nobody, 401, "wrong email or password")
    # Seeded agents have no password: they cannot log in with any.
    nopw = await client.post(
        "/api/v1/auth/login", json={"email": "agent@test.example", "password": "anything123"}
    )
    assert_problem(nopw, 401)
    logout = await client.post("/api/v1/auth/logout")
    assert logout.status_code == 204
    assert "kefu_session" in logout.headers.get("set-cookie", "")


async def test_agents_may_change_only_their_own_status(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    me = desk.agent_ids["agent"]
    own = await client.patch(
        f"/api/v1/agents/{me}", json={"status": "online"}, headers=desk.auth("agent")
    )
    assert own.status_code == 200
    assert own.json()["status"] == "online"
    for body, target in (
        ({"role": "admin"}, me),
        ({"status": "online", "name": "Me"}, me),
        ({"status": "away"}, desk.agent_ids["agent2"]),
    ):
        response = await client.patch(
            f"/api/v1/agents/{target}", json=body, headers=desk.auth("agent")
        )
        assert_problem(response, 403)
    agent = await client.get(f"/api/v1/agents/{me}", headers=desk.auth("agent"))
    assert agent.json()["role"] == "agent"
    assert agent.json()["name"] == "Agent"


async def test_customers_cannot_tag_or_route_their_own_tickets(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    me = desk.auth("customer:U1")
    for extra in ({"tags": ["vip"]}, {"team_id": desk.team_id}):
        body = {"subject": "Hi", "message": {"body": "x"}, **extra}
        assert_problem(await client.post("/api/v1/tickets", json=body, headers=me), 403)
    number = (await create_ticket(client, desk, who="customer:U1"))["ticket"]["number"]
    tags = await client.post(f"/api/v1/tickets/{number}/tags", json={"add": ["vip"]}, headers=me)
    assert_problem(tags, 403)
    listed = await client.get("/api/v1/tickets", headers=desk.auth("agent"))
    assert [(t["tags"], t["team_id"]) for t in listed.json()["items"]] == [([], None)]
