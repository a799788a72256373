"""RedisBus between processes (two buses stand for two app processes), and when Redis fails."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import subprocess
import sys
import warnings

import pytest
import redis.asyncio as aioredis

from kefu.events.bus import InProcessBus, Subscription
from kefu.events.factory import create_bus
from kefu.events.redis_bus import RedisBus
from kefu.settings import Settings

from .conftest import PREFIX, MakeRedisBus, event, next_event


async def test_an_event_crosses_processes_whole(make_redis_bus: MakeRedisBus) -> None:
    app1, app2 = make_redis_bus(), make_redis_bus()
    agent, customer = app1.subscription(), app2.subscription()
    await agent.add("ticket:1")
    await agent.add("desk")
    await customer.add("customer:9")
    note = event(1, "ticket:1", public=False, seq=3)
    reply = event(2, "ticket:1", "customer:9", "desk", seq=4)
    await app2.publish([note])
    await app1.publish([reply])
    assert await next_event(agent) == note
    assert await next_event(agent) == reply
    assert await next_event(customer) == reply
    await nothing_more(agent)  # the reply came once, though agent follows two of its streams


async def nothing_more(sub: Subscription) -> None:
    try:
        got = await asyncio.wait_for(sub.get(), 0.05)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected {got}")


async def test_concurrent_publishes_share_round_trips_and_keep_order(
    make_redis_bus: MakeRedisBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    app1, app2 = make_redis_bus(), make_redis_bus()
    sub = app2.subscription()
    await sub.add("ticket:7")
    batches: list[int] = []
    real = app1._send_batch

    async def counting(commands: list[tuple[str, bytes]]) -> None:
        batches.append(len(commands))
        await real(commands)

    monkeypatch.setattr(app1, "_send_batch", counting)
    sent = [event(n, "ticket:7", seq=n) for n in range(1, 201)]
    publishers = [asyncio.create_task(app1.publish([e])) for e in sent]
    await asyncio.sleep(0)  # every publisher has handed its event over and is waiting
    publishers[100].cancel()  # a caller that gives up does not take its batch with it
    await asyncio.gather(*publishers, return_exceptions=True)
    assert [await next_event(sub) for _ in sent] == sent  # every one, in publishing order
    assert sum(batches) == 200
    assert len(batches) < 200  # published while a pipeline was on its way: sent together
    await nothing_more(sub)


async def test_an_add_is_confirmed_before_it_returns(make_redis_bus: MakeRedisBus) -> None:
    app1, app2 = make_redis_bus(), make_redis_bus()
    sub = app2.subscription()
    for n in range(300):
        await sub.add(f"race:{n}")
        await app1.publish([event(n, f"race:{n}")])
        assert await next_event(sub) == event(n, f"race:{n}")
        await sub.remove(f"race:{n}")


async def test_an_add_is_confirmed_over_a_slow_link(
    slow_redis_url: str, make_redis_bus: MakeRedisBus
) -> None:
    """SUBSCRIBE takes 20 ms to reach Redis: `add` must wait for it, not just send it."""
    app1 = make_redis_bus()
    app2 = RedisBus(slow_redis_url, prefix=PREFIX)
    try:
        for n in range(5):
            sub = app2.subscription()
            await sub.add(f"slow:{n}")
            await app1.publish([event(n, f"slow:{n}")])
            assert await next_event(sub) == event(n, f"slow:{n}")
            # A second subscriber while the first one's SUBSCRIBE is still on its way.
            first, second = app2.subscription(), app2.subscription()
            adding = asyncio.create_task(first.add(f"both:{n}"))
            await asyncio.sleep(0)
            await second.add(f"both:{n}")
            await app1.publish([event(n, f"both:{n}")])
            assert await next_event(second) == event(n, f"both:{n}")
            await adding
            assert await next_event(first) == event(n, f"both:{n}")
    finally:
        await app2.close()


async def test_many_streams_added_and_removed_concurrently(make_redis_bus: MakeRedisBus) -> None:
    app1, app2 = make_redis_bus(), make_redis_bus()
    subs = [app2.subscription() for _ in range(200)]
    await asyncio.gather(*(s.add(f"conv:{n % 50}") for n, s in enumerate(subs)))
    await asyncio.gather(*(s.add("desk") for s in subs))
    await app1.publish([event(n, f"conv:{n}", "desk") for n in range(50)])
    for n, s in enumerate(subs):
        got = [await next_event(s) for _ in range(50)]
        assert got == [event(k, f"conv:{k}", "desk") for k in range(50)], n
    await asyncio.gather(*(s.close() for s in subs))
    assert app2.fanout.streams() == set()


async def _kill_pubsub_connection(bus: RedisBus, url: str) -> None:
    admin = aioredis.Redis.from_url(url)
    try:
        for client in await admin.client_list():
            if client["name"] == bus.client_name:
                await admin.client_kill_filter(_id=client["id"])
                return
        raise AssertionError(f"no Redis client named {bus.client_name}")
    finally:
        await admin.aclose()


async def test_a_killed_connection_ends_subscriptions_then_recovers(
    make_redis_bus: MakeRedisBus, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app1, app2 = make_redis_bus(), make_redis_bus()
    old = app2.subscription()
    await old.add("ticket:5")
    await old.add("queue")
    await app1.publish([event(1, "ticket:5")])
    assert await next_event(old) == event(1, "ticket:5")

    with caplog.at_level(logging.WARNING, logger="kefu.events"):
        await _kill_pubsub_connection(app2, redis_url)
        assert await next_event(old) is None  # told: resynchronise from the database
    assert "connection lost" in caplog.text

    # The ended subscription still follows its streams until closed: a new one on the same
    # stream waits for the re-subscription, one on a new stream for its own SUBSCRIBE.
    again, fresh = app2.subscription(), app2.subscription()
    await again.add("ticket:5")
    await fresh.add("ticket:6")
    await app1.publish([event(2, "ticket:5"), event(3, "ticket:6")])
    assert await next_event(again) == event(2, "ticket:5")
    assert await next_event(fresh) == event(3, "ticket:6")
    await old.close()
    await app1.publish([event(4, "ticket:5")])
    assert await next_event(again) == event(4, "ticket:5")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_redis_down_publish_does_not_raise_and_add_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = RedisBus(
        f"redis://127.0.0.1:{_closed_port()}/0", prefix=PREFIX, timeout=0.2, backoff=(0.01, 0.05)
    )
    try:
        with caplog.at_level(logging.WARNING, logger="kefu.events"):
            await bus.publish([event(1, "a")])  # no subscriber, and Redis down: no error
            sub = bus.subscription()
            await sub.add("a")  # cannot be confirmed: ended after `timeout`
            assert await next_event(sub) is None
            await bus.publish([event(2, "a")])  # paused after the failure: dropped quietly
        assert "Redis publish failed" in caplog.text
        assert "did not confirm" in caplog.text
    finally:
        await bus.close()


async def test_local_subscribers_get_events_when_redis_publish_fails(
    make_redis_bus: MakeRedisBus, caplog: pytest.LogCaptureFixture
) -> None:
    bus = make_redis_bus()
    sub = bus.subscription()
    await sub.add("a")  # listening works; publishing now goes to a Redis that is gone
    working, bus._client = (
        bus._client,
        aioredis.Redis.from_url(f"redis://127.0.0.1:{_closed_port()}"),
    )
    try:
        with caplog.at_level(logging.WARNING, logger="kefu.events"):
            await bus.publish([event(1, "a")])
        assert "Redis publish failed" in caplog.text
        assert await next_event(sub) == event(1, "a")
    finally:
        await bus._client.aclose()
        bus._client = working


async def test_create_bus_picks_redis_only_when_configured() -> None:
    assert isinstance(create_bus(Settings(redis_url=None)), InProcessBus)
    bus = create_bus(Settings(redis_url="redis://127.0.0.1:6379/0", redis_prefix="tenant-a:"))
    assert isinstance(bus, RedisBus)  # it connects when first needed: closing needs no Redis
    assert bus.prefix == "tenant-a:ev:"
    await bus.close()


def test_missing_redis_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(RuntimeError, match=r"'redis' package"):
        RedisBus("redis://127.0.0.1:6379/0")


def test_importing_kefu_does_not_import_redis() -> None:
    code = (
        "import sys, kefu.events.factory, kefu.events.redis_bus; sys.exit('redis' in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


async def test_close_leaves_nothing_open(redis_url: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app1 = RedisBus(redis_url, prefix=PREFIX)
        app2 = RedisBus(redis_url, prefix=PREFIX)
        sub = app2.subscription()
        await sub.add("a")
        await app1.publish([event(1, "a")])
        assert await next_event(sub) == event(1, "a")
        await app1.close()
        await app2.close()
        assert await next_event(sub) is None
        del app1, app2, sub
        await asyncio.sleep(0.01)  # transports finish closing
        gc.collect()
    assert [str(w.message) for w in caught] == []
