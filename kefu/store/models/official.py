"""Official channels, agents' identity codes, and lookalikes found in customers' messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.store.models.base import Base, BigId, Json, UTCDateTime, utcnow


class OfficialChannel(Base):
    """A domain, email address, phone number or social account the exchange owns."""

    __tablename__ = "official_channels"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))  # canonical (see triage/channel_values)
    display: Mapped[str] = mapped_column(String(320))  # for people: Unicode host, +44 20 …
    label: Mapped[str] = mapped_column(String(120), default="")  # "Support email", …
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdentityCode(Base):
    """A short-lived code an agent shows a customer, who checks it on the verify page.

    Only a keyed digest of the code is stored; the code itself is shown once, to the agent.
    """

    __tablename__ = "identity_codes"
    __table_args__ = (Index("ix_identity_codes_agent_id_expires_at", "agent_id", "expires_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LookalikeFinding(Base):
    """A customer's message mentioned a lookalike of an official channel."""

    __tablename__ = "lookalike_findings"
    __table_args__ = (UniqueConstraint("message_id", "value"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    value: Mapped[str] = mapped_column(String(320))
    official_id: Mapped[int | None] = mapped_column(
        ForeignKey("official_channels.id", ondelete="SET NULL"), nullable=True
    )
    reason: Mapped[dict[str, Any]] = mapped_column(Json)  # {"code": …, "params": {…}}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
