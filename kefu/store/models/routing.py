"""Routing, shifts and SLAs: agent profiles, weekly shifts and exceptions, business calendars,
SLA policy rules, and each ticket's SLA clocks as the sweep last saw them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.store.models.base import Base, BigId, Json, UTCDateTime, utcnow


class AgentProfile(Base):
    """What routing needs of an agent beyond `agents` (languages, skills, capacity, time zone)."""

    __tablename__ = "agent_profiles"

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    certifications: Mapped[list[str]] = mapped_column(Json, default=list)
    vip_desk: Mapped[bool] = mapped_column(Boolean, default=False)
    # Agents without shifts are on shift whenever they are online; with shifts, only during them.
    uses_shifts: Mapped[bool] = mapped_column(Boolean, default=False)
    idle_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AgentShift(Base):
    """One weekly span of an agent, in the agent's time zone: weekday 0 = Monday."""

    __tablename__ = "agent_shifts"
    __table_args__ = (UniqueConstraint("agent_id", "weekday", "starts"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[str] = mapped_column(String(5))  # HH:MM
    ends: Mapped[str] = mapped_column(String(5))  # HH:MM; not after `starts`: past midnight


class ShiftException(Base):
    """A date that differs from the weekly shifts: other hours, or off (no spans). With no
    agent it is a holiday for everyone whose shifts it would otherwise cover."""

    __tablename__ = "shift_exceptions"
    __table_args__ = (UniqueConstraint("agent_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), nullable=True, index=True
    )
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD in the agent's zone
    spans: Mapped[list[str]] = mapped_column(Json, default=list)  # ["09:00-13:00"]; [] = off
    note: Mapped[str] = mapped_column(Text, default="")


class BusinessCalendar(Base):
    """Open hours SLA clocks count in, e.g. a team's or a language's business hours."""

    __tablename__ = "business_calendars"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    zone: Mapped[str] = mapped_column(String(64))
    weekly: Mapped[dict[str, list[str]]] = mapped_column(Json, default=dict)  # "0": ["09:00-17:00"]
    holidays: Mapped[list[str]] = mapped_column(Json, default=list)  # YYYY-MM-DD


class SlaPolicyRule(Base):
    """One rule of the SLA policy; the most specific rule matching a ticket applies."""

    __tablename__ = "sla_policy_rules"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    priority: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tier: Mapped[str | None] = mapped_column(String(16), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    first_response_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    next_response_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    resolution_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    # None: the calendar of the ticket's team (or language's team), else 24x7.
    calendar: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketSla(Base):
    """A ticket's SLA clock as last computed: deadline, and when it warned and breached (each
    announced once)."""

    __tablename__ = "ticket_sla"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    target_seconds: Mapped[float] = mapped_column(Float)
    used_seconds: Mapped[float] = mapped_column(Float)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WaitEstimate(Base):
    """The wait kefu expected for a ticket when it was waiting (the model's central estimate,
    before calibration), and when the wait ended. Assigned ones feed the calibration of the
    range shown to customers (kefu/actions/wait_calibration.py); `open_ticket_id` is the
    ticket's id while the wait is open, so each ticket has at most one open estimate."""

    __tablename__ = "wait_estimates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    open_ticket_id: Mapped[int | None] = mapped_column(BigId, nullable=True, unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    estimated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(Integer)
    expected_seconds: Mapped[float] = mapped_column(Float)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    assigned: Mapped[bool] = mapped_column(Boolean, default=False)
