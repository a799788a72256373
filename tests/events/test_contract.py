"""What every EventBus promises, checked on InProcessBus and on RedisBus.

`redis` publishes and subscribes on one bus (one app process); `redis-2-processes` publishes on one
bus and subscribes on another, so every event goes through Redis. Where nothing must arrive, a
marker event published afterwards on a followed stream must be the next to come (one publisher's
events keep their order).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from kefu.events.bus import EventBus, InProcessBus
from kefu.events.redis_bus import RedisBus

from .conftest import PREFIX, WAIT, event, next_event


@dataclass
class Buses:
    pub: EventBus  # where events are published
    sub: EventBus  # where subscriptions are made


OpenBuses = Callable[..., Awaitable[Buses]]


@pytest.fixture(params=["in-process", "redis", "redis-2-processes"])
async def open_buses(request: pytest.FixtureRequest) -> AsyncIterator[OpenBuses]:
    kind: str = request.param
    opened: list[EventBus] = []

    async def open_(maxsize: int = 10_000) -> Buses:
        if kind == "in-process":
            bus = InProcessBus(maxsize)
            opened.append(bus)
            return Buses(bus, bus)
        url: str = request.getfixturevalue("redis_url")  # skips when Redis is unreachable
        one = RedisBus(url, prefix=PREFIX, maxsize=maxsize, timeout=WAIT)
        opened.append(one)
        if kind == "redis":
            return Buses(one, one)
        other = RedisBus(url, prefix=PREFIX, timeout=WAIT)
        opened.append(other)
        return Buses(other, one)

    yield open_
    for bus in opened:
        await bus.close()


async def test_delivers_to_the_subscribers_of_the_stream(open_buses: OpenBuses) -> None:
    buses = await open_buses()
    a1, a2, b = buses.sub.subscription(), buses.sub.subscription(), buses.sub.subscription()
    await a1.add("a")
    await a2.add("a")
    await b.add("b")
    await buses.pub.publish([event(1, "a", public=False, seq=7)])
    await buses.pub.publish([event(2, "b")])
    assert await next_event(a1) == event(1, "a", public=False, seq=7)
    assert await next_event(a2) == event(1, "a", public=False, seq=7)
    assert await next_event(b) == event(2, "b")  # and not the event of "a"


async def test_one_copy_per_subscription_following_several_of_its_streams(
    open_buses: OpenBuses,
) -> None:
    buses = await open_buses()
    both, only_y = buses.sub.subscription(), buses.sub.subscription()
    for stream in ("x", "y", "z"):
        await both.add(stream)
    await only_y.add("y")
    await buses.pub.publish([event(1, "x", "y", "z"), event(2, "y", "x")])
    await buses.pub.publish([event(3, "z")])
    assert [await next_event(both) for _ in range(3)] == [
        event(1, "x", "y", "z"),
        event(2, "y", "x"),
        event(3, "z"),
    ]
    assert await next_event(only_y) == event(1, "x", "y", "z")
    assert await next_event(only_y) == event(2, "y", "x")
    await buses.pub.publish([event(4, "y")])
    assert await next_event(only_y) == event(4, "y")


async def test_add_remove_and_nothing_after_remove(open_buses: OpenBuses) -> None:
    buses = await open_buses()
    sub = buses.sub.subscription()
    await sub.add("a")
    await sub.add("a")  # twice is once
    await sub.add("marker")
    await buses.pub.publish([event(1, "a")])
    assert await next_event(sub) == event(1, "a")
    await sub.remove("a")
    await sub.remove("a")
    await sub.remove("never-added")
    await buses.pub.publish([event(2, "a")])
    await buses.pub.publish([event(3, "marker")])
    assert await next_event(sub) == event(3, "marker")
    await sub.add("a")
    await buses.pub.publish([event(4, "a")])
    assert await next_event(sub) == event(4, "a")


async def test_order_of_one_publisher_is_kept(open_buses: OpenBuses) -> None:
    buses = await open_buses()
    sub = buses.sub.subscription()
    await sub.add("a")
    await sub.add("b")
    sent = [event(n, "a" if n % 3 else "b") for n in range(100)]
    for e in sent[:50]:
        await buses.pub.publish([e])
    await buses.pub.publish(sent[50:])
    assert [await next_event(sub) for _ in sent] == sent


async def test_closing_the_bus_ends_get_with_none(open_buses: OpenBuses) -> None:
    buses = await open_buses()
    sub, idle = buses.sub.subscription(), buses.sub.subscription()
    await sub.add("a")
    await idle.add("b")
    waiting = asyncio.create_task(sub.get())
    await asyncio.sleep(0)
    await buses.sub.close()
    assert await asyncio.wait_for(waiting, 2) is None
    assert await next_event(idle) is None
    assert await next_event(sub) is None


async def test_closing_a_subscription_ends_its_get(open_buses: OpenBuses) -> None:
    buses = await open_buses()
    sub, other = buses.sub.subscription(), buses.sub.subscription()
    await sub.add("a")
    await other.add("a")
    await sub.close()
    assert await next_event(sub) is None
    await buses.pub.publish([event(1, "a")])
    assert await next_event(other) == event(1, "a")
    assert await next_event(sub) is None


async def test_a_slow_consumer_overflows_and_is_ended(open_buses: OpenBuses) -> None:
    buses = await open_buses(maxsize=5)
    slow, fine = buses.sub.subscription(), buses.sub.subscription()
    await slow.add("a")
    await fine.add("a")
    for n in range(8):
        await buses.pub.publish([event(n, "a")])
        if n < 5:
            assert await next_event(fine) == event(n, "a")
    got = [await next_event(slow) for _ in range(6)]
    assert got == [*(event(n, "a") for n in range(5)), None]
    assert await next_event(slow) is None
    assert [await next_event(fine) for _ in range(3)] == [event(n, "a") for n in range(5, 8)]
