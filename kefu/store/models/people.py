"""Staff (agents, teams, API tokens) and customers with their external identities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kefu.store.models.base import Base, BigId, Json, UTCDateTime, utcnow

agent_teams = Table(
    "agent_teams",
    Base.metadata,
    Column("agent_id", BigId, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", BigId, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The business calendar the SLA clocks of the team's tickets count in, unless an SLA rule
    # names one; tickets in one of `languages` without a team count in it too.
    calendar: Mapped[str | None] = mapped_column(String(64), nullable=True)
    languages: Mapped[list[str]] = mapped_column(Json, default=list)

    members: Mapped[list[Agent]] = relationship(
        secondary=agent_teams, back_populates="teams", lazy="raise"
    )


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    password_hash: Mapped[str | None] = mapped_column(String(256), nullable=True)
    languages: Mapped[list[str]] = mapped_column(Json, default=list)
    skills: Mapped[list[str]] = mapped_column(Json, default=list)
    capacity: Mapped[dict[str, int]] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="offline")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Presence: last heartbeat of any connection, last sign of the person at the keyboard, and
    # whether the current "away" was set by inactivity (activity then brings them back).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    auto_away: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    teams: Mapped[list[Team]] = relationship(
        secondary=agent_teams, back_populates="members", lazy="raise"
    )


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str] | None] = mapped_column(Json, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uid: Mapped[str | None] = mapped_column(String(128), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    tier: Mapped[str] = mapped_column(String(16), default="standard")
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    region: Mapped[str | None] = mapped_column(String(8), nullable=True)
    kyc_level: Mapped[int] = mapped_column(Integer, default=0)
    flags: Mapped[list[str]] = mapped_column(Json, default=list)
    account_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    # An email a visitor typed into the chat widget: unverified, so not an identity.
    contact_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    identities: Mapped[list[CustomerIdentity]] = relationship(
        back_populates="customer", lazy="raise", order_by="CustomerIdentity.id"
    )


class CustomerIdentity(Base):
    __tablename__ = "customer_identities"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(254))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="identities", lazy="raise")
