"""A client's conversation state and how events change it."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.domain.chat_state import (
    CUSTOMER_TICKET_FIELDS,
    apply_event,
    conversation,
    customer_payload,
    for_customer,
)

TICKET = {
    "number": "KF-000001",
    "id": 1,
    "subject": "Deposit",
    "status": "new",
    "tags": ["vip"],
    "team_id": 2,
    "escalation_level": 1,
    "assignee_id": None,
    "channel": "web_chat",
    "updated_at": "2024-01-01T00:00:00Z",
}


def _message(mid: int) -> dict[str, Any]:
    return {"id": mid, "body": f"m{mid}", "direction": "inbound"}


def test_customers_see_no_internal_ticket_fields() -> None:
    cut = for_customer(TICKET)
    assert set(cut) <= set(CUSTOMER_TICKET_FIELDS)
    assert not {"tags", "team_id", "escalation_level"} & set(cut)
    event = {"ticket": TICKET, "changes": {"status": "open"}}
    assert customer_payload("ticket.updated", event)["ticket"] == cut
    assert event["ticket"] is TICKET  # the original is left alone
    read = {"reader": "agent", "message_id": 3}
    assert customer_payload("message.read", read) == read


def test_events_apply_once_and_in_place_of_nothing_older() -> None:
    state = conversation(dict(TICKET), [_message(2), _message(1)], 5, None, None)
    assert [m["id"] for m in state["messages"]] == [1, 2]
    frozen = copy.deepcopy(state)
    event = {
        "type": "message.created",
        "message": _message(3),
        "ticket": {"status": "open", "updated_at": "later", "not_shown": 1},
    }
    new = apply_event(state, 6, event)
    assert state == frozen  # not changed in place
    assert [m["id"] for m in new["messages"]] == [1, 2, 3]
    assert new["ticket"]["status"] == "open"
    assert "not_shown" not in new["ticket"]
    assert new["seq"] == 6
    assert apply_event(new, 6, event) == new  # the same seq again: nothing
    assert apply_event(new, 4, {"type": "ticket.updated", "ticket": {}}) == new
    # A message already in the snapshot (committed between its reads) is not added twice.
    again = apply_event(new, 7, {**event, "message": _message(2)})
    assert [m["id"] for m in again["messages"]] == [1, 2, 3]
    assert again["seq"] == 7


def test_read_marks_only_move_forward() -> None:
    state = conversation(dict(TICKET), [], 1, None, 4)
    state = apply_event(state, 2, {"type": "message.read", "reader": "customer", "message_id": 3})
    state = apply_event(state, 3, {"type": "message.read", "reader": "agent", "message_id": 2})
    assert state["read"] == {"customer": 3, "agent": 4}
    assert state["seq"] == 3


@settings(max_examples=100, deadline=None)
@given(st.permutations(list(range(1, 9))))
def test_message_order_does_not_depend_on_arrival(order: list[int]) -> None:
    """However the events of a gap fill interleave, messages end up sorted by id."""
    state = conversation(dict(TICKET), [], 0, None, None)
    for seq, mid in enumerate(order, start=1):
        state = apply_event(state, seq, {"type": "message.created", "message": _message(mid)})
    assert [m["id"] for m in state["messages"]] == list(range(1, 9))
