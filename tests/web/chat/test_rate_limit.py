"""Per-connection rate limits: what is refused is not stored, and says which message it was."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from kefu.store.models import Message
from kefu.web.chat import connection
from tests.web.chat.conftest import WAIT, Client, LiveServer, open_chat


async def _answers(client: Client, cids: list[str]) -> dict[str, dict[str, Any]]:
    """The ack or error for each of these cids (exactly one each)."""
    answers: dict[str, dict[str, Any]] = {}
    pending = set(cids)

    def done(frame: dict[str, Any]) -> bool:
        if frame["type"] == "error":
            assert frame.get("cid") is not None, f"an error for a send must name it: {frame}"
        if frame["type"] in ("ack", "error") and frame.get("cid") in pending:
            assert frame["cid"] not in answers, f"two answers for {frame['cid']}"
            answers[frame["cid"]] = frame
            pending.discard(frame["cid"])
        return not pending

    await client.until(done, wait=4 * WAIT)
    return answers


async def _stored_cids(live: LiveServer) -> set[str]:
    async with live.app_state.sessionmaker() as session:
        rows = await session.execute(select(Message.external_id))
        return {eid.rsplit(":", 1)[1] for (eid,) in rows if eid}


async def test_a_flood_is_cut_and_others_are_unaffected(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow refill, so that however slowly this machine stores the burst, some are refused.
    monkeypatch.setattr(connection, "SEND_RATE", 1.0)
    flooder = await live.customer("U-flood")
    calm = await live.customer("U-calm")
    assert flooder.welcome["limits"]["burst"] == connection.SEND_BURST
    calm_chat = await open_chat(live, calm)

    cids = [f"f-{i}" for i in range(40)]
    for i, cid in enumerate(cids):
        await flooder.send({"type": "send", "cid": cid, "body": f"spam {i}"})
    started = time.monotonic()
    await calm.send({"type": "send", "cid": "calm-1", "body": "just one question"})
    ack = await calm.expect({"type": "ack", "cid": "calm-1"})
    assert ack["conversation"] == calm_chat
    assert ack["duplicate"] is False
    assert time.monotonic() - started < WAIT

    answers = await _answers(flooder, cids)
    refused = [cid for cid in cids if answers[cid]["type"] == "error"]
    accepted = [cid for cid in cids if answers[cid]["type"] == "ack"]
    assert refused, "40 messages at once must hit the limit"
    assert len(accepted) >= connection.SEND_BURST
    assert cids[: int(connection.SEND_BURST)] == accepted[: int(connection.SEND_BURST)]
    assert {answers[cid]["code"] for cid in refused} == {"rate_limited"}
    stored = await _stored_cids(live)
    assert stored >= set(accepted)
    assert stored.isdisjoint(refused)
    assert "calm-1" in stored

    # The calm customer was never limited.
    assert [f for f in [*calm.frames, *await calm.barrier()] if f["type"] == "error"] == []

    # Sent again later with the same cid, a refused message is stored (once).
    monkeypatch.setattr(connection, "SEND_RATE", 5.0)
    retry = await live.customer("U-flood")
    await retry.send({"type": "send", "cid": refused[0], "body": "spam again"})
    again = await retry.expect({"type": "ack", "cid": refused[0]})
    assert again["duplicate"] is False


async def test_a_frame_flood_still_names_each_refused_send(live: LiveServer) -> None:
    """Past the limit on frames of any kind (it is higher than the one on messages), refused
    sends still carry their cid, so the client knows what to send again."""
    flooder = await live.customer("U-frames")
    cids = [f"g-{i}" for i in range(int(connection.FRAME_BURST) + 20)]
    for cid in cids:
        await flooder.send({"type": "send", "cid": cid, "body": "x"})
    answers = await _answers(flooder, cids)
    assert {a["code"] for a in answers.values() if a["type"] == "error"} == {"rate_limited"}
    stored = await _stored_cids(live)
    assert stored == {cid for cid, a in answers.items() if a["type"] == "ack"}
