"""Bad frames get `error` frames and keep the connection; bad hellos close it with a code."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest

from kefu.domain.chat_frames import MAX_FRAME_BYTES
from kefu.web import sessions
from kefu.web.routes import chat as chat_route
from tests import support
from tests.web.chat.conftest import LiveServer


async def test_bad_frames_get_errors_and_the_connection_stays(live: LiveServer) -> None:
    customer = await live.customer("U-bad")
    cases: list[tuple[str | bytes, str, str | None]] = [
        ("not json at all", "bad_frame", None),
        ("{", "bad_frame", None),
        ("[1, 2, 3]", "bad_frame", None),
        ('"hello"', "bad_frame", None),
        ("null", "bad_frame", None),
        ('{"type": "shout", "cid": "x1"}', "bad_frame", "x1"),
        ('{"no": "type"}', "bad_frame", None),
        ('{"type": "send", "body": "no cid"}', "bad_frame", None),
        ('{"type": "send", "cid": "", "body": "empty cid"}', "bad_frame", None),
        ('{"type": "send", "cid": "' + "c" * 65 + '", "body": "long cid"}', "bad_frame", None),
        ('{"type": "send", "cid": "c2"}', "bad_frame", "c2"),
        ('{"type": "send", "cid": "c3", "body": "   "}', "bad_frame", "c3"),
        ('{"type": "send", "cid": "c4", "body": 5}', "bad_frame", "c4"),
        ('{"type": "send", "cid": "c5", "body": "x", "conversation": "nope"}', "bad_frame", "c5"),
        ('{"type": "read", "conversation": "KF-000001", "message_id": "1"}', "bad_frame", None),
        ('{"type": "resume", "conversation": "KF-000001", "after": -1}', "bad_frame", None),
        ('{"type": "presence", "status": "asleep"}', "bad_frame", None),
        (orjson.dumps({"type": "send", "cid": "c6", "body": "x" * 30_000}), "too_large", "c6"),
        ("x" * (MAX_FRAME_BYTES + 1), "too_large", None),
        (
            orjson.dumps({"type": "send", "cid": "c7", "body": "é" * (MAX_FRAME_BYTES // 2)}),
            "too_large",
            None,
        ),
    ]
    for raw, code, cid in cases:
        await customer.send_raw(raw)
        error = await customer.expect({"type": "error"})
        assert error["code"] == code, (raw[:80], error)
        assert error.get("cid") == cid, (raw[:80], error)
        assert error["detail"]
    # Customers cannot do what agents do.
    await customer.send({"type": "presence", "status": "away"})
    assert (await customer.expect({"type": "error"}))["code"] == "forbidden"

    await customer.send({"type": "send", "cid": "ok", "body": "after all that"})
    ack = await customer.expect({"type": "ack", "cid": "ok"})
    assert ack["duplicate"] is False
    conv = await live.load(ack["conversation"], customer=True)
    assert [m["body"] for m in conv["messages"]] == ["after all that"]


async def test_binary_frames_are_read_as_json(live: LiveServer) -> None:
    customer = await live.customer("U-bin")
    await customer.send_raw(b'{"type": "ping"}')
    assert await customer.expect({"type": "pong"})
    await customer.send_raw(b"\xff\xfe")
    assert (await customer.expect({"type": "error"}))["code"] == "bad_frame"


def _tampered(token: str) -> str:
    head, mac = token.rsplit(".", 1)
    return f"{head}.{'0' if mac[0] != '0' else '1'}{mac[1:]}"


REFUSED_HELLOS: list[tuple[dict[str, Any] | str, int]] = [
    ({"v": 1, "type": "hello", "token": "v1.garbage"}, 4401),
    ({"v": 1, "type": "hello", "token": support.customer_token_for("U1", ttl=-5)}, 4401),
    ({"v": 1, "type": "hello", "token": _tampered(support.customer_token_for("U1"))}, 4401),
    (
        {
            "v": 1,
            "type": "hello",
            "token": support.customer_token_for("U1", secret="another-secret-entirely"),
        },
        4401,
    ),
    ({"v": 1, "type": "hello", "visitor_token": "vt1.1.99999999999.0000"}, 4401),
    ({"v": 1, "type": "hello"}, 4401),
    ({"v": 2, "type": "hello", "token": support.customer_token_for("U1")}, 4400),
    ({"type": "hello", "token": support.customer_token_for("U1")}, 4400),
    ({"v": 1, "type": "send", "cid": "c1", "body": "hi"}, 4400),
    ("not json", 4400),
    ({"v": 1, "type": "hello", "visitor": "ann@example.com"}, 4400),
    ({"v": 1, "type": "hello", "visitor": {"email": "not an address"}}, 4400),
]


async def test_customer_hello_refused(live: LiveServer) -> None:
    for hello, code in REFUSED_HELLOS:
        assert await live.refused("/ws/chat", hello) == code, hello


async def test_no_hello_in_time(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat_route, "HELLO_SECONDS", 0.2)
    assert await live.refused("/ws/chat", None) == 4408
    assert await live.refused("/ws/agent", None) == 4408


async def test_agent_hello_refused(live: LiveServer) -> None:
    customer_token = support.customer_token_for("U1")
    assert await live.refused("/ws/agent", {"v": 1, "type": "hello", "token": customer_token}) == (
        4401
    )
    assert await live.refused("/ws/agent", {"v": 1, "type": "hello", "token": "kefu_nope"}) == (
        4401
    )
    assert await live.refused("/ws/agent", {"v": 1, "type": "hello"}) == 4401  # no cookie
    assert await live.refused("/ws/agent", {"v": 2, "type": "hello"}) == 4400


async def test_agent_session_cookie_and_origin(live: LiveServer) -> None:
    agent_id = live.desk.agent_ids["agent"]
    secret = live.settings.secret_key
    cookie = sessions.make_session(secret, agent_id, int(time.time()) + 3600)
    hello = {"v": 1, "type": "hello"}
    headers = {"Cookie": f"{sessions.COOKIE}={cookie}"}
    host = live.url.removeprefix("ws://")

    # From a page of another site: refused, although the cookie is good.
    assert await live.refused("/ws/agent", hello, headers, origin="https://evil.example") == 4403
    assert await live.refused("/ws/agent", hello, headers, origin=f"https://{host}.evil") == 4403
    # Expired or forged cookies.
    expired = sessions.make_session(secret, agent_id, int(time.time()) - 5)
    assert (
        await live.refused(
            "/ws/agent", hello, {"Cookie": f"{sessions.COOKIE}={expired}"}, origin=f"http://{host}"
        )
        == 4401
    )
    forged = sessions.make_session("not-the-secret-key-000000000000000", agent_id, 2**40)
    assert await live.refused("/ws/agent", hello, {"Cookie": f"{sessions.COOKIE}={forged}"}) == 4401

    # The same cookie from the desk's own page works.
    agent = await live.connect("/ws/agent", hello, {**headers, "Origin": f"http://{host}"})
    assert agent.welcome["type"] == "welcome"
    assert agent.welcome["me"] == {"kind": "agent", "id": agent_id, "name": "Agent"}
