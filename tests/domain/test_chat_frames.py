"""Frame parsing: anything at all gives a frame or a FrameError; valid frames keep their fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.domain import chat_frames as frames
from kefu.domain.chat_frames import FrameError, parse_frame, parse_hello
from kefu.domain.ticket_number import format_number

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KINDS = ["send", "typing", "read", "resume", "ping", "claim", "presence", "hello"]
KEYS = [
    "type",
    "v",
    "cid",
    "body",
    "conversation",
    "active",
    "message_id",
    "after",
    "status",
    "token",
    "visitor",
    "visitor_token",
    "email",
    "name",
]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from([*KINDS, "KF-000001", "kf1", "0", "online", "away", "", "\x00"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=6),
    ),
    max_leaves=20,
)
# Objects that look like frames, to get past the first checks often.
frame_like = st.fixed_dictionaries(
    {"type": st.sampled_from(KINDS)},
    optional={key: json_values for key in KEYS if key != "type"},
)


def _refusal(parse: Callable[[str | bytes], object], text: str | bytes) -> FrameError | None:
    """What `parse` refused `text` with (None: it took it); any other exception propagates."""
    try:
        parse(text)
    except FrameError as exc:
        return exc
    return None


def _only_frame_errors(text: str | bytes) -> None:
    for parse in (parse_frame, parse_hello):
        error = _refusal(parse, text)
        if error is not None:
            assert error.code in ("bad_frame", "too_large")
            assert error.detail
            assert error.cid is None or frames._CID.fullmatch(error.cid)


@FAST
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    _only_frame_errors(text)


@FAST
@given(st.binary(max_size=200))
def test_any_bytes(data: bytes) -> None:
    _only_frame_errors(data)


@FAST
@given(st.one_of(json_values, frame_like))
def test_any_json_value(value: Any) -> None:
    _only_frame_errors(orjson.dumps(value))
    _only_frame_errors(orjson.dumps(value).decode())


@FAST
@given(frame_like, st.integers(min_value=1, max_value=200))
def test_size_limit(value: dict[str, Any], limit: int) -> None:
    text = orjson.dumps(value)
    error = _refusal(lambda t: parse_frame(t, max_bytes=limit), text)
    if len(text) > limit:
        assert error is not None
        assert error.code == "too_large"


cids = st.from_regex(r"\A[A-Za-z0-9._:\-]{1,64}\Z")
bodies = st.text(min_size=1, max_size=300).filter(lambda b: b.strip() and "\x00" not in b)
ticket_ids = st.integers(min_value=1, max_value=999_999)
big_ints = st.integers(min_value=0, max_value=frames.MAX_ID)


@FAST
@given(cids, bodies, st.none() | ticket_ids)
def test_send_round_trip(cid: str, body: str, conversation: int | None) -> None:
    data: dict[str, Any] = {"type": "send", "cid": cid, "body": body}
    if conversation is not None:
        data["conversation"] = format_number(conversation)
    assert parse_frame(orjson.dumps(data)) == frames.Send(cid, body, conversation)


@FAST
@given(ticket_ids, st.booleans(), big_ints)
def test_other_frames_round_trip(conversation: int, active: bool, n: int) -> None:
    number = format_number(conversation)
    assert parse_frame(
        orjson.dumps({"type": "typing", "conversation": number, "active": active})
    ) == frames.Typing(conversation, active)
    assert parse_frame(
        orjson.dumps({"type": "resume", "conversation": number, "after": n})
    ) == frames.Resume(conversation, n)
    if n >= 1:
        assert parse_frame(
            orjson.dumps({"type": "read", "conversation": number, "message_id": n})
        ) == frames.Read(conversation, n)
    assert parse_frame(orjson.dumps({"type": "claim", "conversation": number})) == frames.Claim(
        conversation
    )
    assert parse_frame(orjson.dumps({"type": "ping", "active": active})) == frames.Ping(active)


@FAST
@given(
    st.none() | st.text(min_size=1, max_size=100).filter(lambda t: "\x00" not in t),
    st.none() | st.text(min_size=1, max_size=100).filter(lambda t: "\x00" not in t),
    st.none() | st.emails(),
    st.text(max_size=50).filter(lambda t: "\x00" not in t),
)
def test_hello_round_trip(
    token: str | None, visitor_token: str | None, email: str | None, name: str
) -> None:
    data: dict[str, Any] = {"v": 1, "type": "hello"}
    if token is not None:
        data["token"] = token
    if visitor_token is not None:
        data["visitor_token"] = visitor_token
    if email is not None:
        data["visitor"] = {"email": email, "name": name}
    hello = parse_hello(orjson.dumps(data))
    assert hello.token == token
    assert hello.visitor_token == visitor_token
    assert hello.visitor_email == (email.strip() if email is not None else None)
    assert hello.visitor_name == (name.strip() if email is not None else "")


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "send", "cid": "c1\\n", "body": "x"}',  # a newline is not a cid character
        '{"type": "send", "cid": "c 1", "body": "x"}',
        '{"type": "read", "conversation": "KF-000001", "message_id": true}',
        '{"type": "read", "conversation": "KF-000001", "message_id": 0}',
        '{"type": "resume", "conversation": "KF-000001", "after": 1.5}',
        '{"type": "resume", "conversation": "KF-000000", "after": 1}',
        '{"type": "resume", "conversation": 1, "after": 1}',
        '{"type": "send", "cid": "c1", "body": "a\\u0000b"}',
    ],
)
def test_refused_frames(text: str) -> None:
    with pytest.raises(FrameError) as info:
        parse_frame(text)
    assert info.value.code == "bad_frame"


@pytest.mark.parametrize(
    "hello",
    [
        {"v": True, "type": "hello"},  # true == 1 in Python, but it is no version number
        {"v": 1.0, "type": "hello"},
        {"v": "1", "type": "hello"},
        {"v": 2, "type": "hello"},
        {"type": "hello"},
        {"v": 1, "type": "hello", "visitor": {"email": "  "}},
        {"v": 1, "type": "hello", "visitor": {"name": "Ann"}},
        {"v": 1, "type": "hello", "token": 5},
    ],
)
def test_refused_hellos(hello: dict[str, Any]) -> None:
    with pytest.raises(FrameError) as info:
        parse_hello(orjson.dumps(hello))
    assert info.value.code == "bad_frame"


def test_errors_never_echo_what_was_sent() -> None:
    secret = "abandon ability able about above absent absorb abstract absurd abuse access"
    for raw in (
        f'{{"type":"send","cid":"c1","conversation":"{secret}","body":"x"}}',
        f'{{"type":"{secret}"}}',
        f'{{"type":"send","cid":"c1","body":"{secret}",',
    ):
        with pytest.raises(FrameError) as caught:
            parse_frame(raw)
        assert "abandon" not in caught.value.detail
