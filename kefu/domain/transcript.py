"""Plain-text transcript of a ticket, for export and for pasting into other systems."""

from __future__ import annotations

from typing import Any

_WHO = {"inbound": "Customer", "outbound": "Agent", "internal": "Internal note"}


def render_text(ticket: dict[str, Any], messages: list[dict[str, Any]]) -> str:
    lines = [
        f"{ticket['number']}: {ticket['subject']}",
        f"Status: {ticket['status']}  Priority: {ticket['priority']}  Channel: {ticket['channel']}",
        f"Opened: {ticket['created_at']}",
        "",
    ]
    for msg in messages:
        who = _WHO.get(msg["direction"], msg["direction"])
        if msg["author_id"] and msg["direction"] != "inbound":
            who += f" #{msg['author_id']}"
        lines.append(f"[{msg['created_at']}] {who} via {msg['channel']} ({msg['ticket']}):")
        lines.extend("    " + line for line in (msg["body"] or "").splitlines() or [""])
        for att in msg["attachments"]:
            lines.append(f"    [attachment: {att['filename']}, {att['size']} bytes]")
        lines.append("")
    return "\n".join(lines)
