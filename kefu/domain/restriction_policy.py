"""Escalating restrictions for abusive or flooding customers, as a pure policy.

Levels: none → warning → slow mode → temporary mute → block pending supervisor review.

- A violation (abuse, flood, repetition) raises the level by one. A *severe* violation (a
  threat, heavy harassment) raises it by two, but never into a block: a block always follows a
  mute. Violations within `grace_seconds` of the last rise restart the decay clock but do not
  raise the level again, so one burst cannot jump from a warning to a block before the customer
  has even read the warning.
- Levels below a block decay by one step per quiet period (no violation): the mute's period is
  its length. A block never decays; only a supervisor's review lifts it (back to none).
- Nothing a customer sends is refused by the policy: `check` says how a new message is to be
  marked and when the customer can write freely again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import IntEnum


class Level(IntEnum):
    NONE = 0
    WARNING = 1
    SLOW = 2
    MUTED = 3
    BLOCKED = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, label: str) -> Level:
        return cls[label.upper()]


@dataclass(frozen=True)
class PolicyConfig:
    grace_seconds: float = 60.0
    warning_seconds: float = 30 * 60.0  # quiet time before a warning lapses
    slow_seconds: float = 30 * 60.0  # … before slow mode lapses to a warning
    mute_seconds: float = 15 * 60.0  # the length of a temporary mute
    slow_interval_seconds: float = 10.0  # one message per this many seconds in slow mode

    def period(self, level: Level) -> timedelta | None:
        """How long a level lasts without a violation; None: until a review."""
        seconds = {
            Level.WARNING: self.warning_seconds,
            Level.SLOW: self.slow_seconds,
            Level.MUTED: self.mute_seconds,
        }.get(level)
        return None if seconds is None else timedelta(seconds=seconds)


DEFAULT = PolicyConfig()


@dataclass(frozen=True)
class Restriction:
    level: Level
    since: datetime  # start of the current quiet period: last violation or decay step
    raised_at: datetime | None = None  # when the level last went up
    last_message_at: datetime | None = None


def unrestricted(now: datetime) -> Restriction:
    return Restriction(Level.NONE, now)


def current(r: Restriction, now: datetime, cfg: PolicyConfig = DEFAULT) -> Restriction:
    """The restriction as it stands at `now`, after the quiet periods that have passed."""
    while True:
        period = cfg.period(r.level)
        if period is None or now < r.since + period:
            return r
        r = replace(r, level=Level(r.level - 1), since=r.since + period)


def on_violation(
    r: Restriction, now: datetime, *, severe: bool = False, cfg: PolicyConfig = DEFAULT
) -> Restriction:
    r = current(r, now, cfg)
    if r.level == Level.BLOCKED:
        return r
    in_grace = (
        r.raised_at is not None
        and r.level > Level.NONE
        and now - r.raised_at < timedelta(seconds=cfg.grace_seconds)
    )
    if in_grace:
        return replace(r, since=now)
    step = 2 if severe else 1
    target = min(r.level + step, Level.BLOCKED)
    if target == Level.BLOCKED and r.level < Level.MUTED:
        target = Level.MUTED  # a block always follows a mute
    return replace(r, level=Level(target), since=now, raised_at=now)


def lift(r: Restriction, now: datetime) -> Restriction:
    """A supervisor's review: every restriction lifted."""
    return Restriction(Level.NONE, now, None, r.last_message_at)


@dataclass(frozen=True)
class Verdict:
    """How a new message is marked: `ok` (no mark), `slowed`, `muted` or `blocked`."""

    outcome: str
    level: Level
    retry_at: datetime | None = None  # when the customer can write freely again
    # What the customer is told, in their language: kefu/domain/customer_notices.py.

    @property
    def restricted(self) -> bool:
        return self.outcome != "ok"


def check(r: Restriction, now: datetime, cfg: PolicyConfig = DEFAULT) -> Verdict:
    """What a message sent at `now` gets, given the customer's restriction."""
    r = current(r, now, cfg)
    if r.level == Level.BLOCKED:
        return Verdict("blocked", r.level, None)
    if r.level == Level.MUTED:
        until = r.since + timedelta(seconds=cfg.mute_seconds)
        return Verdict("muted", r.level, until)
    if r.level == Level.SLOW and r.last_message_at is not None:
        ready = r.last_message_at + timedelta(seconds=cfg.slow_interval_seconds)
        if now < ready:
            return Verdict("slowed", r.level, ready)
    return Verdict("ok", r.level)
