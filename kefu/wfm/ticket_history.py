"""Contact history from kefu's own tickets: counts per interval by language, channel or intent.

Definitions, from the ticket timestamps kefu keeps:

- a contact is a ticket, counted in the interval it was created in (merged tickets are not
  contacts of their own);
- wait is first agent response minus creation, over the tickets that got one;
- handle time is solved (or closed) minus first response: elapsed time, an upper bound of the
  time agents worked on the ticket;
- a contact abandoned when it was solved or closed without any agent response.

Times are bucketed on the wall clock of the time zone given (the desk's), so opening hours line
up with the days the desk works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from kefu.wfm.forecast.history import History, from_points

Dimension = Literal["language", "channel", "intent", "all"]
UNKNOWN = "unknown"


class ContactRecord(Protocol):
    @property
    def created_at(self) -> datetime: ...
    @property
    def language(self) -> str | None: ...
    @property
    def channel(self) -> str: ...
    @property
    def intent(self) -> str | None: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def solved_at(self) -> datetime | None: ...
    @property
    def closed_at(self) -> datetime | None: ...


@dataclass
class SeriesSummary:
    key: str
    contacts: int = 0
    answered: int = 0
    abandoned: int = 0
    wait_seconds: float = 0.0
    handled: int = 0
    handle_seconds: float = 0.0
    points: list[tuple[datetime, float]] = field(default_factory=list)

    @property
    def mean_wait_seconds(self) -> float | None:
        return self.wait_seconds / self.answered if self.answered else None

    @property
    def mean_handle_seconds(self) -> float | None:
        return self.handle_seconds / self.handled if self.handled else None

    @property
    def abandonment(self) -> float | None:
        finished = self.answered + self.abandoned
        return self.abandoned / finished if finished else None

    def history(self, interval_minutes: int) -> History:
        return from_points(self.points, interval_minutes)


def _key(record: ContactRecord, by: Dimension) -> str:
    if by == "all":
        return "all"
    value = getattr(record, by)
    return str(value) if value else UNKNOWN


def summarise(
    records: Iterable[ContactRecord], by: Dimension, tz: str = "UTC"
) -> dict[str, SeriesSummary]:
    """Per key of ``by``: contacts as points on the wall clock of ``tz``, waits, handle times."""
    zone = ZoneInfo(tz)
    out: dict[str, SeriesSummary] = {}
    for record in records:
        key = _key(record, by)
        summary = out.setdefault(key, SeriesSummary(key))
        summary.contacts += 1
        created = record.created_at.astimezone(zone).replace(tzinfo=None)
        summary.points.append((created, 1.0))
        ended = record.solved_at or record.closed_at
        if record.first_response_at is not None:
            summary.answered += 1
            summary.wait_seconds += max(
                0.0, (record.first_response_at - record.created_at).total_seconds()
            )
            if ended is not None:
                summary.handled += 1
                summary.handle_seconds += max(
                    0.0, (ended - record.first_response_at).total_seconds()
                )
        elif ended is not None:
            summary.abandoned += 1
    return dict(sorted(out.items()))
