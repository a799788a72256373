"""Properties of the routing core: exact priority order, eligibility, capacity, no starvation."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.domain.routing.agents import AgentPool, Assigned, dispatch, to_reroute
from kefu.domain.routing.model import AgentState, WaitingTicket, Weights, eligible
from kefu.domain.routing.priority import score, starvation_bound
from kefu.domain.routing.queue import WaitingQueue

LANGS = ("en", "zh", "ja")
SKILLS = ("general", "payments", "kyc")
CHANNELS = ("web_chat", "phone")
TIERS = ("standard", "vip1", "vip2", "vip3")
PRIORITIES = ("low", "normal", "high", "urgent")


@st.composite
def tickets(draw: st.DrawFn, ident: int) -> WaitingTicket:
    enqueued = draw(st.floats(0, 3600, allow_nan=False))
    deadline = draw(st.one_of(st.none(), st.floats(0, 7200, allow_nan=False)))
    return WaitingTicket(
        id=ident,
        language=draw(st.sampled_from(LANGS)),
        skill=draw(st.sampled_from(SKILLS)),
        channel=draw(st.sampled_from(CHANNELS)),
        tier=draw(st.sampled_from(TIERS)),
        priority=draw(st.sampled_from(PRIORITIES)),
        enqueued_at=enqueued,
        deadline=None if deadline is None else enqueued + deadline,
        certification=draw(st.sampled_from((None, None, "kyc_reviewer"))),
        account_manager_id=draw(st.sampled_from((None, None, None, 1, 2))),
    )


@st.composite
def agents(draw: st.DrawFn, ident: int) -> AgentState:
    capacity = {
        "web_chat": draw(st.integers(0, 3)),
        "phone": draw(st.integers(0, 1)),
    }
    return AgentState(
        id=ident,
        languages=frozenset(draw(st.sets(st.sampled_from(LANGS), min_size=1))),
        skills=frozenset(draw(st.sets(st.sampled_from(SKILLS), min_size=1))),
        capacity=capacity,
        load={ch: draw(st.integers(0, cap)) for ch, cap in capacity.items()},
        certifications=frozenset(draw(st.sets(st.just("kyc_reviewer")))),
        status=draw(st.sampled_from(("online", "online", "away", "offline"))),
        on_shift=draw(st.booleans()),
        idle_since=draw(st.floats(0, 3600, allow_nan=False)),
        vip_desk=draw(st.booleans()),
    )


Scene = tuple[list[WaitingTicket], list[AgentState], float]


@st.composite
def scenes(draw: st.DrawFn) -> Scene:
    n = draw(st.integers(0, 40))
    ts = [draw(tickets(i + 1)) for i in range(n)]
    m = draw(st.integers(1, 8))
    ags = [draw(agents(i + 1)) for i in range(m)]
    now = draw(st.floats(3600, 12000, allow_nan=False))
    return ts, ags, now


def _brute_best(ts: list[WaitingTicket], agent: AgentState, now: float, w: Weights) -> float | None:
    found = [score(t, now, w) for t in ts if eligible(agent, t)]
    return max(found) if found else None


@settings(max_examples=150, deadline=None)
@given(scenes(), st.data())
def test_pull_takes_the_highest_priority_eligible_ticket(scene: Scene, data: st.DataObject) -> None:
    ts, ags, now = scene
    w = Weights(breach_keep=data.draw(st.sampled_from((0.0, 0.5, 1.0))))
    queue = WaitingQueue(w)
    for t in ts:
        queue.add(t, now=data.draw(st.sampled_from((None, t.enqueued_at, now))))
    # Remove some, so stale heap entries are in play.
    gone = (
        set(data.draw(st.lists(st.sampled_from([t.id for t in ts]), max_size=10))) if ts else set()
    )
    for ident in gone:
        queue.remove(ident)
    left = [t for t in ts if t.id not in gone]
    for k, agent in enumerate(ags):
        at = now + 137.0 * k  # time moves on: tickets change phase between decisions
        got = queue.best_for(agent, at)
        own = [t for t in left if t.account_manager_id == agent.id and eligible(agent, t)]
        if got is None:
            assert not agent.available or _brute_best(left, agent, at, w) is None
            continue
        assert eligible(agent, got)
        pool = own or left
        best = _brute_best(pool, agent, at, w)
        assert best is not None
        assert abs(queue.score(got, at) - best) <= 1e-6 * max(1.0, abs(best))


@settings(max_examples=100, deadline=None)
@given(scenes())
def test_push_picks_an_eligible_agent_with_room(scene: Scene) -> None:
    ts, ags, _ = scene
    pool = AgentPool(ags)
    for t in ts:
        agent = pool.best_for(t)
        able = [a for a in ags if eligible(a, t)]
        if agent is None:
            assert able == []
            continue
        assert eligible(agent, t)
        assert agent.free(t.channel) > 0
        if t.account_manager_id is not None and t.tier != "standard":
            manager = pool.get(t.account_manager_id)
            if manager is not None and eligible(manager, t):
                assert agent.id == manager.id
                continue
        if t.tier != "standard" and any(a.vip_desk for a in able):
            assert agent.vip_desk
        group = [a for a in able if a.vip_desk == agent.vip_desk] if t.tier != "standard" else able
        assert agent.load_fraction(t.channel) == min(a.load_fraction(t.channel) for a in group)


@settings(max_examples=100, deadline=None)
@given(scenes())
def test_dispatch_never_exceeds_capacity_or_assigns_ineligibly(scene: Scene) -> None:
    ts, ags, now = scene
    queue = WaitingQueue()
    for t in ts:
        queue.add(t, now)
    pool = AgentPool(ags)
    before = {a.id: a for a in ags}
    done = dispatch(queue, pool, now)
    by_id = {t.id: t for t in ts}
    assert len({tid for tid, _ in done}) == len(done)
    for tid, aid in done:
        assert eligible(replace(before[aid], load={}), by_id[tid])
        assert tid not in queue
    for agent in pool.all():
        for ch, cap in agent.capacity.items():
            assert agent.load.get(ch, 0) <= max(cap, before[agent.id].load.get(ch, 0))
    # Nothing left that some agent with room could take.
    for t in queue:
        assert not any(eligible(a, t) for a in pool.all())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(TIERS),
            st.sampled_from(PRIORITIES),
            st.floats(0, 600),
            st.floats(0, 12),
        ),
        min_size=1,
        max_size=300,
    )
)
def test_no_ticket_starves_under_a_stream_of_higher_tiers(
    arrivals: list[tuple[str, str, float, float]],
) -> None:
    """Arrivals at random gaps (often faster than service), one agent serving one ticket per
    10 s. At every decision, no ticket that has waited `starvation_bound(chosen's wait)` is
    passed over; so however VIPs keep coming, every wait is bounded by the overload."""
    w = Weights()
    queue = WaitingQueue(w)
    agent = AgentState(1, frozenset({"en"}), frozenset({"general"}), {"web_chat": 1})
    served = 0
    clock = next_service = 0.0
    pending = list(enumerate(arrivals, start=1))

    def serve(at: float) -> None:
        nonlocal served
        chosen = queue.best_for(agent, at)
        if chosen is None:
            return
        bound = starvation_bound(w, at - chosen.enqueued_at)
        assert all(at - t.enqueued_at < bound or t is chosen for t in queue)
        assert all(queue.score(t, at) <= queue.score(chosen, at) + 1e-6 for t in queue)
        queue.remove(chosen.id)
        served += 1

    for i, (tier, priority, sla, gap) in pending:
        clock += gap
        while next_service <= clock:
            serve(next_service)
            next_service += 10.0
        queue.add(
            WaitingTicket(i, "en", "general", "web_chat", tier, priority, clock, clock + sla),
            clock,
        )
    while len(queue):
        serve(next_service)
        next_service += 10.0
    assert served == len(arrivals)


def test_aging_overtakes_a_vip_eventually() -> None:
    w = Weights()
    old = WaitingTicket(1, "en", "general", "web_chat", "standard", "low", 0.0)
    queue = WaitingQueue(w)
    queue.add(old)
    agent = AgentState(1, frozenset({"en"}), frozenset({"general"}), {"web_chat": 1})
    now = starvation_bound(w, 60.0)
    vip = WaitingTicket(2, "en", "general", "web_chat", "vip3", "urgent", now - 60.0, now)
    queue.add(vip, now)
    got = queue.best_for(agent, now)
    assert got is not None
    assert got.id == 1
    young = WaitingQueue(w)
    young.add(old)
    young.add(replace(vip, enqueued_at=0.0, deadline=3600.0))
    early = young.best_for(agent, 60.0)
    assert early is not None
    assert early.id == 2


def test_account_manager_takes_own_vip_first_and_others_share() -> None:
    queue = WaitingQueue()
    mine = WaitingTicket(1, "en", "general", "web_chat", "vip2", "normal", 100.0, None, None, 7)
    other = WaitingTicket(2, "en", "general", "web_chat", "standard", "urgent", 0.0)
    queue.add(mine)
    queue.add(other)
    manager = AgentState(7, frozenset({"en"}), frozenset({"general"}), {"web_chat": 2})
    colleague = replace(manager, id=8)
    assert queue.best_for(manager, 200.0) == mine
    assert queue.best_for(colleague, 200.0) == other


def test_certification_gates_the_ticket() -> None:
    queue = WaitingQueue()
    queue.add(WaitingTicket(1, "en", "kyc", "web_chat", "standard", "normal", 0.0, None, "kyc_l2"))
    plain = AgentState(1, frozenset({"en"}), frozenset({"kyc"}), {"web_chat": 1})
    assert queue.best_for(plain, 10.0) is None
    certified = replace(plain, certifications=frozenset({"kyc_l2"}))
    assert queue.best_for(certified, 10.0) is not None


def test_position_counts_who_goes_first() -> None:
    queue = WaitingQueue()
    for i in range(5):
        queue.add(WaitingTicket(i + 1, "en", "general", "web_chat", "standard", "normal", i * 1.0))
    queue.add(WaitingTicket(9, "ja", "general", "web_chat", "standard", "normal", 0.0))
    assert [queue.position(i + 1, 10.0) for i in range(5)] == [1, 2, 3, 4, 5]
    assert queue.position(9, 10.0) == 1
    assert [t.id for t in queue.ordered(10.0)][:2] == [1, 9]


@settings(max_examples=100, deadline=None)
@given(scenes(), st.data())
def test_positions_at_once_equal_one_at_a_time(scene: Scene, data: st.DataObject) -> None:
    ts, _, now = scene
    queue = WaitingQueue()
    for t in ts:
        queue.add(t, 0.0)
    wanted = [
        (
            t.id,
            [
                (lang, skill, None, t.channel)
                for lang in data.draw(st.sets(st.sampled_from(LANGS)))
                for skill in data.draw(st.sets(st.sampled_from(SKILLS)))
            ],
        )
        for t in ts
    ]
    assert queue.positions(wanted, now) == {
        ticket_id: queue.position(ticket_id, now, among) for ticket_id, among in wanted
    }


def test_reroute_when_offline_or_over_capacity() -> None:
    agent = AgentState(1, frozenset({"en"}), frozenset({"general"}), {"web_chat": 2, "phone": 1})
    held = [
        Assigned(10, "web_chat", 1.0),
        Assigned(11, "web_chat", 3.0),
        Assigned(12, "web_chat", 2.0),
        Assigned(13, "phone", 1.0),
    ]
    assert to_reroute(agent, held) == [11]
    assert to_reroute(replace(agent, capacity={"web_chat": 1}), held) == [11, 12, 13]
    assert to_reroute(replace(agent, status="offline"), held) == [10, 11, 12, 13]


def test_weights_refuse_a_tier_that_never_ages() -> None:
    import pytest

    with pytest.raises(ValueError, match="rate"):
        Weights(tier_rate={"standard": 0.0})
