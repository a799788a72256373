"""The official-channel registry over HTTP, the public verify API and page, identity codes, and
the warning on messages that mention a lookalike — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from kefu.store.models import IdentityCode, utcnow
from kefu.web.limits import LocalWindowLimiter
from tests.support import Desk, create_ticket


def _still_clock(client: httpx.AsyncClient) -> None:
    """Counts in one window whatever the time: a minute boundary during the test would start
    a new count and the limit might not be reached."""
    state = client._transport.app.state.kefu  # type: ignore[attr-defined]
    state.limiter = LocalWindowLimiter(clock=lambda: 1_000_000.0)


OFFICIAL = [
    ("domain", "kefux.example", "Website"),
    ("email", "support@kefux.example", "Support email"),
    ("phone", "+44 20 7946 0321", "Phone"),
    ("telegram", "@kefux_support", "Telegram"),
    ("x", "https://x.com/kefuX_Support", "X"),
]


async def _register(client: httpx.AsyncClient, desk: Desk) -> list[dict[str, Any]]:
    out = []
    for kind, value, label in OFFICIAL:
        r = await client.post(
            "/api/v1/official-channels",
            json={"kind": kind, "value": value, "label": label},
            headers=desk.auth("admin"),
        )
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


async def _verify(client: httpx.AsyncClient, value: str, **params: str) -> dict[str, Any]:
    r = await client.get("/api/v1/verify", params={"value": value, **params})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_registry_crud_needs_an_admin(client: httpx.AsyncClient, desk: Desk) -> None:
    body = {"kind": "domain", "value": "https://www.KefuX.example/", "label": "Website"}
    for who in ("agent", "supervisor", "customer:U1"):
        r = await client.post("/api/v1/official-channels", json=body, headers=desk.auth(who))
        assert r.status_code == 403, (who, r.text)
    anonymous = await client.post("/api/v1/official-channels", json=body)
    assert anonymous.status_code == 401

    created = await client.post("/api/v1/official-channels", json=body, headers=desk.auth("admin"))
    assert created.status_code == 201, created.text
    row = created.json()
    assert (row["kind"], row["value"], row["label"]) == ("domain", "www.kefux.example", "Website")
    again = await client.post("/api/v1/official-channels", json=body, headers=desk.auth("admin"))
    assert again.status_code == 409
    types = [e.type for e in desk.bus.published]
    assert "official_channel.created" in types

    listed = await client.get("/api/v1/official-channels")  # public
    assert [r["value"] for r in listed.json()] == ["www.kefux.example"]

    path = f"/api/v1/official-channels/{row['id']}"
    denied = await client.patch(path, json={"label": "x"}, headers=desk.auth("agent"))
    assert denied.status_code == 403
    patched = await client.patch(
        path, json={"value": "kefux.example", "label": "Site"}, headers=desk.auth("admin")
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["value"], patched.json()["label"]) == ("kefux.example", "Site")

    bad = await client.post(
        "/api/v1/official-channels",
        json={"kind": "phone", "value": "call us"},
        headers=desk.auth("admin"),
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")

    assert (await client.delete(path, headers=desk.auth("agent"))).status_code == 403
    assert (await client.delete(path, headers=desk.auth("admin"))).status_code == 204
    assert (await client.delete(path, headers=desk.auth("admin"))).status_code == 404
    assert (await client.get("/api/v1/official-channels")).json() == []


@pytest.mark.parametrize(
    ("value", "status", "official", "reason"),
    [
        ("https://www.KEFUX.example./login", "official", "kefux.example", "subdomain_of_official"),
        ("kefux.example", "official", "kefux.example", "listed"),
        ("Support@KefuX.example", "official", "support@kefux.example", "listed"),
        ("help@kefux.example", "official", "kefux.example", "at_official_domain"),
        ("+44 (0)20 7946 0321", "official", "+44 20 7946 0321", "listed"),
        ("t.me/KefuX_Support", "official", "@kefux_support", "listed"),
        ("kefux.example.evil.io", "lookalike", "kefux.example", "official_as_subdomain"),
        ("kеfux.example", "lookalike", "kefux.example", "homoglyph"),
        ("xn--kfux-v4d.example", "lookalike", "kefux.example", "homoglyph"),
        ("kefux-support.example", "lookalike", "kefux.example", "extra_words"),
        ("https://x.com/kefuX_Support_Help", "lookalike", "@kefuX_Support", "extra_words"),
        ("@kefux_support_help", "lookalike", "@kefux_support", "extra_words"),
        ("+44 20 7946 0322", "lookalike", "+44 20 7946 0321", "near_number"),
        ("wikipedia.org", "not_official", None, "unlisted"),
    ],
)
async def test_verify_answers(
    client: httpx.AsyncClient,
    desk: Desk,
    value: str,
    status: str,
    official: str | None,
    reason: str,
) -> None:
    await _register(client, desk)
    answer = await _verify(client, value)
    assert answer["status"] == status, answer
    assert (answer["official"] or {}).get("display") == official
    assert answer["reason"]["code"] == reason
    assert answer["reason"]["text"]


async def test_verify_bad_input_language_and_rate_limit(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    _still_clock(client)
    await _register(client, desk)
    bad = await client.get("/api/v1/verify", params={"value": "two words"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    zh = await _verify(client, "kefux-support.example", lang="zh-CN")
    assert zh["language"] == "zh"
    assert "kefux" in zh["reason"]["text"]
    assert "不是" in zh["reason"]["text"]
    header = await client.get(
        "/api/v1/verify",
        params={"value": "kefux.example"},
        headers={"Accept-Language": "fr;q=1, zh-TW;q=0.8, en;q=0.5"},
    )
    assert header.json()["language"] == "zh"
    statuses = [
        (await client.get("/api/v1/verify", params={"value": "a.example"})).status_code
        for _ in range(40)
    ]
    assert 429 in statuses
    assert statuses.index(429) >= 25  # the first checks of a minute are all answered


async def test_identity_codes(
    client: httpx.AsyncClient, desk: Desk, app_client: tuple[httpx.AsyncClient, Desk]
) -> None:
    ticket = await create_ticket(client, desk, uid="U-code")
    number = ticket["ticket"]["number"]
    anonymous = await client.post("/api/v1/identity-codes", json={})
    assert anonymous.status_code == 401
    customer = await client.post(
        "/api/v1/identity-codes", json={}, headers=desk.auth("customer:U-code")
    )
    assert customer.status_code == 403

    issued = await client.post(
        "/api/v1/identity-codes", json={"ticket": number}, headers=desk.auth("agent")
    )
    assert issued.status_code == 201, issued.text
    code = issued.json()["code"]
    assert len(code) == 9
    assert code[4] == "-"

    typed = code.replace("-", " ").lower()
    answer = await client.post("/api/v1/verify/identity-code", json={"code": typed})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["valid"] is True
    assert body["agent_name"] == "Agent"
    assert body["ticket"] == number
    assert "Agent" in body["text"]
    assert number in body["text"]

    wrong = await client.post("/api/v1/verify/identity-code", json={"code": "0000-0000"})
    assert wrong.json()["valid"] is False

    # A new code for the same conversation replaces the old one.
    second = await client.post(
        "/api/v1/identity-codes", json={"ticket": number}, headers=desk.auth("agent")
    )
    old = await client.post("/api/v1/verify/identity-code", json={"code": code})
    assert old.json()["valid"] is False
    new_code = second.json()["code"]
    assert (await client.post("/api/v1/verify/identity-code", json={"code": new_code})).json()[
        "valid"
    ]

    # Only its agent (or an admin) withdraws a code; then it is not valid.
    code_id = second.json()["id"]
    other = await client.delete(f"/api/v1/identity-codes/{code_id}", headers=desk.auth("agent2"))
    assert other.status_code == 403
    by_customer = await client.delete(
        f"/api/v1/identity-codes/{code_id}", headers=desk.auth("customer:U-code")
    )
    assert by_customer.status_code == 404
    third = await client.post("/api/v1/identity-codes", json={}, headers=desk.auth("agent"))
    withdrawn = await client.delete(
        f"/api/v1/identity-codes/{third.json()['id']}", headers=desk.auth("agent")
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["revoked_at"] is not None
    third_code = third.json()["code"]
    answer = await client.post("/api/v1/verify/identity-code", json={"code": third_code})
    assert answer.json()["valid"] is False

    # Expired codes are not valid.
    state = client._transport.app.state.kefu  # type: ignore[attr-defined]
    async with state.sessionmaker() as session:
        await session.execute(
            update(IdentityCode).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    expired = await client.post("/api/v1/verify/identity-code", json={"code": new_code})
    assert expired.json()["valid"] is False

    # Guessing is rate-limited.
    _still_clock(client)
    statuses = [
        (
            await client.post("/api/v1/verify/identity-code", json={"code": f"AAAA-AA{i:02d}"})
        ).status_code
        for i in range(12)
    ]
    assert 429 in statuses


async def test_verify_page(client: httpx.AsyncClient, desk: Desk) -> None:
    await _register(client, desk)
    empty = await client.get("/verify")
    assert empty.status_code == 200
    assert '<html lang="en">' in empty.text
    assert "support@kefux.example" in empty.text  # the official list
    assert "<script" not in empty.text

    page = await client.get("/verify", params={"value": "kefux.example.evil.io"})
    assert page.status_code == 200
    assert 'data-status="lookalike"' in page.text
    assert "evil.io" in page.text

    zh = await client.get("/verify", params={"value": "kefux.example", "lang": "zh"})
    assert '<html lang="zh">' in zh.text
    assert 'data-status="official"' in zh.text
    assert "官方渠道" in zh.text

    hostile = await client.get("/verify", params={"value": "<script>alert(1)</script>.example"})
    assert "<script>alert" not in hostile.text

    bad = await client.get("/verify", params={"value": "two words"})
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text

    issued = await client.post("/api/v1/identity-codes", json={}, headers=desk.auth("agent"))
    code = issued.json()["code"]
    form = await client.post("/verify/code", data={"code": code, "lang": "zh"})
    assert form.status_code == 200
    assert 'data-valid="true"' in form.text
    assert "Agent" in form.text
    wrong = await client.post("/verify/code", data={"code": "ZZZZ-ZZZZ"})
    assert 'data-valid="false"' in wrong.text


async def test_message_mentioning_a_lookalike_warns_both_sides(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    await _register(client, desk)
    state = client._transport.app.state.kefu  # type: ignore[attr-defined]
    ticket = await create_ticket(
        client,
        desk,
        who="customer:U-phish",
        text="Is https://kefux-support.example/login yours? Also @kefuX_Support_Help wrote me.",
    )
    await state.deps.pipeline.drain()
    warnings = [e for e in desk.bus.published if e.type == "security.lookalike_warning"]
    assert len(warnings) == 1
    warning = warnings[0]
    assert warning.public
    values = {f["value"] for f in warning.payload["findings"]}
    assert values == {"kefux-support.example", "@kefuX_Support_Help"}
    assert "not an official kefu channel" in warning.payload["notice"]
    # Running the enricher again (after a crash, say) records and sends nothing twice.
    desk.bus.published.clear()
    for enricher in state.deps.pipeline.enrichers:
        await enricher([warning.payload["message_id"]])
    assert not [e for e in desk.bus.published if e.type == "security.lookalike_warning"]
    shown = await client.get(
        f"/api/v1/tickets/{ticket['ticket']['number']}", headers=desk.auth("agent")
    )
    assert "lookalike" in shown.json()["tags"]

    # A harmless message, or the official address itself, warns nobody.
    desk.bus.published.clear()
    await create_ticket(client, desk, who="customer:U-ok", text="I use kefux.example, all good")
    await state.deps.pipeline.drain()
    assert not [e for e in desk.bus.published if e.type == "security.lookalike_warning"]


async def test_only_messages_that_may_mention_an_address_are_enriched(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    from sqlalchemy import select

    from kefu.store.models import Message

    state = client._transport.app.state.kefu  # type: ignore[attr-defined]
    plain = "My withdrawal of 0.5 BTC is stuck. Please help."
    await create_ticket(client, desk, who="customer:U-a", text=plain)
    await create_ticket(client, desk, who="customer:U-b", text="see kefux-help.example")
    async with state.sessionmaker() as session:
        pending = {
            m.body: m.enriched_at is None
            for m in (await session.execute(select(Message))).scalars()
        }
    # Stored as done at once: nothing to look at, no background work, no second write.
    assert pending[plain] is False
    await state.deps.pipeline.drain()
    async with state.sessionmaker() as session:
        rows = (await session.execute(select(Message))).scalars().all()
    assert all(m.enriched_at is not None for m in rows)
