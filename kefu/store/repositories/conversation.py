"""Where a message sits in its conversation, for the enrichers' plans
(kefu/domain/enrichment_plan.py)."""

from __future__ import annotations

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import aliased

from kefu.domain.enums import Direction
from kefu.store.models import Message


def customer_line() -> ScalarSelect[int]:
    """A column for a select over `Message`: the message's position among its ticket's customer
    messages (1 = the first). A correlated count over the (ticket_id, id) index, read in the
    same statement as the message."""
    earlier = aliased(Message)
    return (
        select(func.count(earlier.id))
        .where(
            earlier.ticket_id == Message.ticket_id,
            earlier.id <= Message.id,
            earlier.direction == Direction.INBOUND.value,
        )
        .scalar_subquery()
    )
