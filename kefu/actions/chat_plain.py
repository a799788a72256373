"""A plain chat message on PostgreSQL, written in one statement straight on an asyncpg
connection (kefu/store/repositories/chat_write.py explains the SQL).

"Plain": a text message to a known conversation the caller may write to, which screening left
untouched (no redaction, no flag, no notice for the customer), from a sender who is not
restricted, in a conversation that is neither merged nor closed. Anything else returns None
having written nothing, and `kefu.actions.chat.post_chat_message` takes the general path
(`do_chat_message` in a unit of work), which handles every case. Both paths write the same rows,
audit entries and event, and publish the same event after commit; tests run the same chat
scenarios on SQLite (general path only) and PostgreSQL (both).
"""

from __future__ import annotations

from dataclasses import dataclass

from kefu.actions.messages import MAX_BODY_CHARS, PostedMessage, author_of
from kefu.actions.unit_of_work import ActionDeps, after_commit
from kefu.domain.enums import Channel, Direction
from kefu.domain.permissions import Perm, Principal, require
from kefu.events.bus import DESK_STREAM, Event, ticket_stream
from kefu.store.models import Message
from kefu.store.repositories import chat_write

CHAT = Channel.WEB_CHAT.value


@dataclass(frozen=True)
class ChatPosted:
    """What a chat message did (both paths; `kefu.actions.chat` uses it too)."""

    ticket_id: int  # the conversation the message is in
    posted: PostedMessage
    started: bool  # this message opened a new conversation
    seq: int | None = None  # the new message's seq in the conversation (None: a duplicate)


async def do_post_plain(
    deps: ActionDeps,
    actor: Principal,
    conversation: int,
    external_id: str,
    body: str,
    request_id: str | None = None,
) -> ChatPosted | None:
    """Write the message, publish its event; None: not plain (or already stored), nothing
    written — the general path finds a stored duplicate and acknowledges it."""
    require(actor, Perm.TICKETS_WRITE)
    if deps.raw is None:
        return None
    text = body.strip()
    if not text or len(text) > MAX_BODY_CHARS:
        return None  # the general path says what is wrong
    inbound = actor.is_customer
    if inbound:  # screened like every channel's inbound messages
        screened = deps.pipeline.screen(text, None)
        if screened.flags or screened.notices or screened.body != text:
            return None
    direction = Direction.INBOUND if inbound else Direction.OUTBOUND
    pending = inbound and deps.pipeline.wants(text)  # some enricher will look at it
    author_kind, author_id = author_of(actor, direction)
    message = Message(
        id=None,
        created_at=None,
        ticket_id=conversation,
        direction=direction.value,
        author_kind=author_kind,
        author_id=author_id,
        body=text,
        html=None,
        channel=CHAT,
        external_id=external_id,
        # An inbound message no enricher wants is stored already marked as enriched (outbound
        # ones are never enriched and keep no mark, as on the general path): `mark_enriched`.
        enriched_at=None,
    )
    async with deps.raw.connection() as connection:
        written = await chat_write.write_plain(
            connection,
            chat_write.NewChatMessage(
                message=message,
                customer_id=actor.id if inbound else None,
                mark_enriched=inbound and not pending,
                actor_kind=actor.kind.value,
                actor_id=actor.id or None,
                request_id=request_id,
            ),
        )
    if written is None:
        return None
    changed = written.status != written.status_before
    also = (DESK_STREAM,) if changed else ()
    event = Event(
        "message.created",
        (ticket_stream(conversation), *also),
        written.payload,
        seq=written.seq,
    )
    await after_commit(deps, [event], [message.id] if pending else [])
    posted = PostedMessage(message, [], created=True)
    return ChatPosted(conversation, posted, started=False, seq=written.seq)
