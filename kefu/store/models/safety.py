"""Triage state kept per ticket, message and customer: embeddings, merge records, incidents,
message marks and customer restrictions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.store.models.base import Base, BigId, Json, UTCDateTime, utcnow


class TicketEmbedding(Base):
    """A ticket's sentence embedding (subject and first message), float32 bytes: it works the
    same on SQLite and PostgreSQL, and similarity is computed in the process."""

    __tablename__ = "ticket_embeddings"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    text: Mapped[str] = mapped_column(Text)  # what was embedded
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class TicketMerge(Base):
    """One merge of `source_id` into `target_id`, with what it changed, so it can be undone."""

    __tablename__ = "ticket_merges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # manual | duplicate
    similarity: Mapped[float | None] = mapped_column(Float, nullable=True)
    source_status: Mapped[str] = mapped_column(String(16))
    tags_added: Mapped[list[str]] = mapped_column(Json, default=list)
    message_ids: Mapped[list[int]] = mapped_column(Json, default=list)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    merged_by_kind: Mapped[str] = mapped_column(String(16))
    merged_by_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    unmerged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    unmerged_by_id: Mapped[int | None] = mapped_column(BigId, nullable=True)


class Incident(Base):
    """Many customers reporting the same thing: member tickets and their live count."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | resolved
    ticket_count: Mapped[int] = mapped_column(Integer, default=0)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)


class IncidentTicket(Base):
    __tablename__ = "incident_tickets"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_by: Mapped[str] = mapped_column(String(16))  # auto | manual
    similarity: Mapped[float | None] = mapped_column(Float, nullable=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageMark(Base):
    """What triage noticed about a stored message (abuse, flood, repeat, restricted …)."""

    __tablename__ = "message_marks"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerRestriction(Base):
    """A customer's restriction level (kefu/domain/restriction_policy.py), shared by every
    connection and process. No row: never restricted."""

    __tablename__ = "customer_restrictions"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
