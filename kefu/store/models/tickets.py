"""Tickets, their messages, attachments, tags and escalations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.store.models.base import Base, BigId, Json, UTCDateTime, utcnow


class Ticket(Base):
    """The ticket's id is its sequence: the number shown to people is `KF-` + id, padded."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_id", "status", "id"),
        Index("ix_tickets_assignee_id_id", "assignee_id", "id"),
        Index("ix_tickets_customer_id_id", "customer_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="new")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    intent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # How sure the model was of `intent`, and who set it: model | agent (NULL: given at creation).
    intent_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    intent_source: Mapped[str | None] = mapped_column(String(16), nullable=True)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The last seq of the ticket's event log (see TicketEvent); bumped under the row lock.
    event_seq: Mapped[int] = mapped_column(BigId, default=0, server_default="0")
    # Read receipts: the newest message each side has seen.
    customer_read_message_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    agent_read_message_id: Mapped[int | None] = mapped_column(BigId, nullable=True)


class TicketTag(Base):
    __tablename__ = "ticket_tags"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_messages_ticket_id_id", "ticket_id", "id"),
        # A customer's recent messages, for flood and repetition detection.
        Index("ix_messages_author_id_created_at", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    direction: Mapped[str] = mapped_column(String(16))
    author_kind: Mapped[str] = mapped_column(String(16))  # customer | agent | system
    author_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text, nullable=True)  # sanitised
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the after-storage enrichment (language, intent, duplicates …) finished; NULL: pending.
    enriched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set by enrichment for inbound messages: detected language, predicted intent.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    intent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    intent_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)


class IntentCorrection(Base):
    """An agent's correction of a ticket's intent, with the text it was about: training data
    for the next `kefu intents train`."""

    __tablename__ = "intent_corrections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    predicted: Mapped[str | None] = mapped_column(String(64), nullable=True)
    intent: Mapped[str] = mapped_column(String(64))
    agent_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketEvent(Base):
    """A ticket's event log: what live clients were sent, numbered 1, 2, 3 … per ticket, so a
    client that reconnects gets exactly what it missed."""

    __tablename__ = "ticket_events"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    public: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """Metadata of a file; the bytes live content-addressed under the storage root."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)


class Escalation(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    # What escalated it automatically (sla_breach, supervisor_request, repeat_contact); None
    # for a manual escalation. Automatic ones happen once per trigger and level.
    trigger: Mapped[str | None] = mapped_column(String(32), nullable=True)
    by_kind: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
