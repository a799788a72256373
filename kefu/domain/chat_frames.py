"""Parsing the frames chat clients send (docs/chat-protocol.md): pure, strict, clear errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from kefu.domain.ticket_number import parse_number

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 64 * 1024
MAX_BODY_CHARS = 20_000
_CID = re.compile(r"[A-Za-z0-9._:\-]{1,64}")  # fullmatch: `$` would let a final newline in
_KNOWN_TYPE_SHAPE = re.compile(r"[a-z_]{1,20}")  # echoed in errors only when it looks like one


class FrameError(Exception):
    """A frame the server refuses; the connection stays open (`error` frame)."""

    def __init__(self, code: str, detail: str, cid: str | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.cid = cid


@dataclass(frozen=True)
class Hello:
    token: str | None = None
    visitor_token: str | None = None
    visitor_email: str | None = None
    visitor_name: str = ""


@dataclass(frozen=True)
class Send:
    cid: str
    body: str
    conversation: int | None  # ticket id; customers may leave it out


@dataclass(frozen=True)
class Typing:
    conversation: int
    active: bool


@dataclass(frozen=True)
class Read:
    conversation: int
    message_id: int


@dataclass(frozen=True)
class Resume:
    conversation: int
    after: int


@dataclass(frozen=True)
class Ping:
    active: bool  # the person did something since the last ping (keyboard, mouse)


@dataclass(frozen=True)
class Claim:
    conversation: int


@dataclass(frozen=True)
class SetPresence:
    status: str  # online | away


Frame = Send | Typing | Read | Resume | Ping | Claim | SetPresence

MAX_ID = 2**63 - 1


def _load(text: str | bytes, max_bytes: int) -> dict[str, Any]:
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise FrameError("too_large", f"frame is {size} bytes; the limit is {max_bytes}")
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise FrameError("bad_frame", f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise FrameError("bad_frame", "a frame is a JSON object")
    return data


def _str(data: dict[str, Any], key: str, *, required: bool = True, max_len: int = 1000) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise FrameError("bad_frame", f"{key!r} must be a string", _cid_of(data))
    if len(value) > max_len:
        raise FrameError("too_large", f"{key!r} is longer than {max_len} characters", _cid_of(data))
    if "\x00" in value:
        raise FrameError("bad_frame", f"{key!r} contains a NUL character", _cid_of(data))
    return value


def _int(data: dict[str, Any], key: str, minimum: int = 0) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_ID:
        raise FrameError("bad_frame", f"{key!r} must be an integer ≥ {minimum}", _cid_of(data))
    return value


def _cid_of(data: dict[str, Any]) -> str | None:
    cid = data.get("cid")
    return cid if isinstance(cid, str) and _CID.fullmatch(cid) else None


def _conversation(data: dict[str, Any], required: bool = True) -> int | None:
    value = data.get("conversation")
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise FrameError("bad_frame", "'conversation' must be a ticket number", _cid_of(data))
    try:
        return parse_number(value)
    except Exception:
        # What the client sent is not echoed back: a frame may carry anything.
        raise FrameError(
            "bad_frame", "'conversation' is not a ticket number (KF-000042)", _cid_of(data)
        ) from None


def parse_hello(text: str | bytes, max_bytes: int = MAX_FRAME_BYTES) -> Hello:
    data = _load(text, max_bytes)
    if data.get("type") != "hello":
        raise FrameError("bad_frame", "the first frame must be a hello")
    version = data.get("v")
    if type(version) is not int or version != PROTOCOL_VERSION:  # not True, not 1.0
        raise FrameError(
            "bad_frame", f"unsupported protocol version; this server speaks v{PROTOCOL_VERSION}"
        )
    visitor = data.get("visitor")
    email = None
    name = ""
    if visitor is not None:
        if not isinstance(visitor, dict):
            raise FrameError("bad_frame", "'visitor' must be an object with an email")
        email = _str(visitor, "email", max_len=254).strip()
        if not email:
            raise FrameError("bad_frame", "'visitor' needs an email")
        name = _str(visitor, "name", required=False, max_len=128).strip()
    return Hello(
        token=_str(data, "token", max_len=2000) if data.get("token") is not None else None,
        visitor_token=_str(data, "visitor_token", max_len=500)
        if data.get("visitor_token") is not None
        else None,
        visitor_email=email,
        visitor_name=name,
    )


def parse_frame(text: str | bytes, max_bytes: int = MAX_FRAME_BYTES) -> Frame:
    data = _load(text, max_bytes)
    kind = data.get("type")
    if kind == "send":
        cid = data.get("cid")
        if not isinstance(cid, str) or not _CID.fullmatch(cid):
            raise FrameError("bad_frame", "'cid' must be 1-64 letters, digits or . _ : -")
        body = _str(data, "body", max_len=MAX_BODY_CHARS)
        if not body.strip():
            raise FrameError("bad_frame", "'body' must not be empty", cid)
        return Send(cid=cid, body=body, conversation=_conversation(data, required=False))
    if kind == "typing":
        conv = _conversation(data)
        assert conv is not None
        return Typing(conversation=conv, active=bool(data.get("active", True)))
    if kind == "read":
        conv = _conversation(data)
        assert conv is not None
        return Read(conversation=conv, message_id=_int(data, "message_id", 1))
    if kind == "resume":
        conv = _conversation(data)
        assert conv is not None
        return Resume(conversation=conv, after=_int(data, "after", 0))
    if kind == "ping":
        return Ping(active=bool(data.get("active", False)))
    if kind == "claim":
        conv = _conversation(data)
        assert conv is not None
        return Claim(conversation=conv)
    if kind == "presence":
        status = data.get("status")
        if status not in ("online", "away"):
            raise FrameError("bad_frame", "'status' must be online or away")
        return SetPresence(status=str(status))
    shown = kind if isinstance(kind, str) and _KNOWN_TYPE_SHAPE.fullmatch(kind) else None
    detail = f"unknown frame type {shown!r}" if shown else "unknown frame type"
    raise FrameError("bad_frame", detail, _cid_of(data))
