"""A chat client's state of one conversation, and how each event changes it.

The server builds the state for `welcome` and `conversation` frames; clients (the widget, the
agent page, tests) apply `event` frames to it. Applying the events an action sends to the old
state must give exactly the state a fresh fetch gives: the event-replay tests check that.
"""

from __future__ import annotations

import copy
from typing import Any

# What a customer may see of a ticket; internal fields (tags, team, escalation, intent) stay
# with staff.
CUSTOMER_TICKET_FIELDS = (
    "number",
    "subject",
    "status",
    "channel",
    "assignee_id",
    "created_at",
    "solved_at",
    "closed_at",
    "merged_into",
)


def for_customer(ticket: dict[str, Any]) -> dict[str, Any]:
    return {k: ticket[k] for k in CUSTOMER_TICKET_FIELDS if k in ticket}


def customer_payload(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The event as a customer receives it: ticket views cut to what customers see."""
    if "ticket" not in payload:
        return payload
    out = dict(payload)
    out["ticket"] = for_customer(payload["ticket"])
    return out


def conversation(
    ticket: dict[str, Any],
    messages: list[dict[str, Any]],
    seq: int,
    read_customer: int | None,
    read_agent: int | None,
) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "messages": sorted(messages, key=lambda m: m["id"]),
        "seq": seq,
        "read": {"customer": read_customer, "agent": read_agent},
    }


def apply_event(state: dict[str, Any], seq: int, event: dict[str, Any]) -> dict[str, Any]:
    """A new state: `state` with the event at position `seq` applied (older seqs are no-ops)."""
    if seq <= state["seq"]:
        return state
    new = copy.deepcopy(state)
    new["seq"] = seq
    kind = event["type"]
    if kind in ("ticket.created", "ticket.updated"):
        new["ticket"] = event["ticket"]
    elif kind == "message.created":
        message = event["message"]
        if all(m["id"] != message["id"] for m in new["messages"]):
            new["messages"].append(message)
            new["messages"].sort(key=lambda m: m["id"])
        new["ticket"].update(
            {k: v for k, v in event.get("ticket", {}).items() if k in new["ticket"]}
        )
    elif kind == "ticket.unmerged":
        # A merge was undone: the source's messages leave this conversation.
        leaving = set(event["message_ids"])
        new["messages"] = [m for m in new["messages"] if m["id"] not in leaving]
    elif kind == "message.read":
        reader = event["reader"]
        current = new["read"].get(reader)
        if current is None or event["message_id"] > current:
            new["read"][reader] = event["message_id"]
    return new
