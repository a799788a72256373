"""Per-language support hours, derived from the shifts of the agents who speak each language.

A language is served while at least one agent speaking it is on shift (e.g. English and Chinese
around the clock, Japanese 09:00–18:00 JST because only the Tokyo team speaks it). Outside its
hours a customer is offered the fallback languages that are served now, or can leave a message
that becomes a ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kefu.domain.routing.schedule import Interval, Schedule, merge

DEFAULT_FALLBACKS: Mapping[str, tuple[str, ...]] = {"*": ("en",)}


@dataclass(frozen=True)
class Availability:
    language: str
    online: bool  # served now
    next_opening: datetime | None  # now when online; None when nobody is scheduled for weeks
    closes_at: datetime | None  # when the current stretch ends (None: not online or no end)
    fallbacks: tuple[str, ...]  # other languages served now, in order of preference


@dataclass(frozen=True)
class Coverage:
    """Who covers which language: the schedules of the agents speaking it."""

    schedules: Mapping[str, tuple[Schedule, ...]]
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_FALLBACKS)

    @classmethod
    def from_agents(
        cls,
        agents: Iterable[tuple[Iterable[str], Schedule]],
        fallbacks: Mapping[str, tuple[str, ...]] | None = None,
    ) -> Coverage:
        by_language: dict[str, list[Schedule]] = {}
        for languages, schedule in agents:
            for language in languages:
                by_language.setdefault(language, []).append(schedule)
        return cls(
            {k: tuple(v) for k, v in by_language.items()},
            DEFAULT_FALLBACKS if fallbacks is None else fallbacks,
        )

    @property
    def languages(self) -> list[str]:
        return sorted(self.schedules)

    def hours(self, language: str, start: datetime, end: datetime) -> list[Interval]:
        """The stretches of [start, end) in which the language is served, merged."""
        found: list[Interval] = []
        for schedule in self.schedules.get(language, ()):
            found += schedule.intervals(start, end)
        return merge(found)

    def is_served(self, language: str, at: datetime) -> bool:
        return any(s.is_open(at) for s in self.schedules.get(language, ()))

    def next_opening(self, language: str, at: datetime) -> datetime | None:
        openings = [s.next_open(at) for s in self.schedules.get(language, ())]
        found = [o for o in openings if o is not None]
        return min(found) if found else None

    def closes_at(self, language: str, at: datetime, horizon: timedelta) -> datetime | None:
        """When the language stops being served, looking at most `horizon` ahead."""
        hours = self.hours(language, at, at + horizon)
        if not hours or hours[0][0] > at or hours[0][1] >= at + horizon:
            return None
        return hours[0][1]

    def fallback_order(self, language: str) -> Sequence[str]:
        chain = self.fallbacks.get(language, self.fallbacks.get("*", ()))
        return [c for c in chain if c != language]

    def availability(self, language: str, at: datetime) -> Availability:
        online = self.is_served(language, at)
        served = tuple(c for c in self.fallback_order(language) if self.is_served(c, at))
        return Availability(
            language=language,
            online=online,
            next_opening=at if online else self.next_opening(language, at),
            closes_at=self.closes_at(language, at, timedelta(days=7)) if online else None,
            fallbacks=served,
        )
