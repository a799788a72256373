"""Bodies and responses of routing, shifts, availability, queue and SLA endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kefu.web.schemas.common import Body, DbId, Out

HOURS = r"^\d{2}:\d{2}$"
SPAN = r"^\d{2}:\d{2}-\d{2}:\d{2}$"
DAY = r"^\d{4}-\d{2}-\d{2}$"


class Availability(Out):
    language: str
    online: bool = Field(description="someone who speaks it is online and on shift now")
    next_opening: str | None = Field(description="now when online; null: nobody scheduled")
    closes_at: str | None
    fallbacks: list[str] = Field(description="other languages served now, preferred first")
    leave_message: bool = Field(description="offer to leave a message that becomes a ticket")


class QueueStatus(Out):
    waiting: bool
    position: int | None = None
    wait_low_seconds: int | None = None
    wait_high_seconds: int | None = Field(default=None, description="null: nobody on shift")
    wait_expected_seconds: int | None = None
    agents_on_shift: int | None = None


class SlaClockOut(Out):
    state: str = Field(description="ok, warning, breached, paused, met or missed")
    target_seconds: int
    used_seconds: int
    deadline: str | None
    paused: bool


class Dispatched(Out):
    assigned: int


class ShiftIn(Body):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    starts: str = Field(pattern=HOURS)
    ends: str = Field(pattern=HOURS, description="not after `starts`: past midnight")


class ShiftsIn(Body):
    shifts: list[ShiftIn] = Field(max_length=100)


class RoutingProfileIn(Body):
    certifications: list[str] = Field(default_factory=list, max_length=50)
    vip_desk: bool = False


class ShiftExceptionIn(Body):
    agent_id: DbId | None = Field(default=None, description="none: a holiday for the desk")
    day: str = Field(pattern=DAY)
    spans: list[str] = Field(default_factory=list, max_length=10, description="[] = day off")
    note: str = Field(default="", max_length=500)


class SlaRuleIn(Body):
    priority: str | None = Field(default=None, max_length=16)
    tier: str | None = Field(default=None, max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    first_response_seconds: float | None = Field(default=None, gt=0, le=10**8)
    next_response_seconds: float | None = Field(default=None, gt=0, le=10**8)
    resolution_seconds: float | None = Field(default=None, gt=0, le=10**8)
    calendar: str | None = Field(
        default=None,
        max_length=64,
        description="business calendar; none: the ticket's team calendar, else 24x7",
    )


class TeamCalendarIn(Body):
    calendar: str | None = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$",
        description="business calendar for the team's SLA clocks (24x7 is built in); null: none",
    )
    languages: list[Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]] = Field(
        default_factory=list,
        max_length=50,
        description="tickets in these languages that no team owns count in it too",
    )


class SlaRuleOut(Out):
    id: int


class CalendarIn(Body):
    zone: str = Field(max_length=64)
    weekly: dict[int, list[str]] = Field(description="weekday (0 = Monday) → HH:MM-HH:MM spans")
    holidays: list[str] = Field(default_factory=list, max_length=400)
