"""Routing: decision latency at desk scale, FIFO against kefu's policy, wait-range accuracy.

    .venv/bin/python bench/routing.py            # all three parts
    .venv/bin/python bench/routing.py --quick    # fewer decisions, one seed
    .venv/bin/python bench/routing.py --json

1. Latency. 10,000 waiting tickets over 12 languages, 13 skills, 3 channels, 4 tiers (some
   needing a certification, some with an account manager) and 1,000 agents (1–3 languages,
   2–6 skills, chat/email/phone capacity, random loads). Steady state: every decision takes the
   best ticket for an agent with room (pull), removes it and queues a new arrival; the clock
   moves on so tickets enter their SLA urgency windows. Push decisions find the best agent for
   a new ticket. Reported: p50/p99 per decision, one core (OMP_NUM_THREADS=1 is set).
2. A simulated normal and surge day (kefu/domain/routing/simulation.py): the same agents and
   arrivals under FIFO (oldest eligible first) and kefu's policy; mean and p90 wait by tier, SLA
   attainment (answered within the tier's first-response target, abandoned ones count as
   missed) and abandonment.
3. The wait range each queued customer was shown on arrival against the wait they had.
No data files are needed: everything is generated from a seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

from kefu.domain.routing.agents import AgentPool
from kefu.domain.routing.model import AgentState, WaitingTicket
from kefu.domain.routing.queue import WaitingQueue
from kefu.domain.routing.simulation import DayConfig, DayResult, quantile, simulate_day
from kefu.domain.routing.skills import DEFAULT_SKILLS

LANGUAGES = ("en", "zh", "ja", "ko", "es", "ru", "tr", "vi", "pt", "fr", "de", "ar")
CHANNELS = ("web_chat", "email", "phone")
TIERS = ("standard", "vip1", "vip2", "vip3")
TIER_WEIGHTS = (0.9, 0.06, 0.03, 0.01)
PRIORITIES = ("low", "normal", "high", "urgent")
SLA = {"web_chat": 120.0, "email": 3600.0, "phone": 60.0}
TARGET_MS = 2.0


def _ticket(rng: random.Random, ident: int, now: float) -> WaitingTicket:
    channel = rng.choices(CHANNELS, (0.7, 0.25, 0.05))[0]
    enqueued = now - rng.uniform(0, 1800)
    return WaitingTicket(
        id=ident,
        language=rng.choices(LANGUAGES, (30, 20, 8, 6, 6, 6, 5, 5, 4, 4, 3, 3))[0],
        skill=rng.choice(DEFAULT_SKILLS),
        channel=channel,
        tier=rng.choices(TIERS, TIER_WEIGHTS)[0],
        priority=rng.choices(PRIORITIES, (0.1, 0.7, 0.15, 0.05))[0],
        enqueued_at=enqueued,
        deadline=enqueued + SLA[channel] * rng.uniform(0.5, 2.0),
        certification="kyc_l2" if rng.random() < 0.03 else None,
        account_manager_id=rng.randint(1, 1000) if rng.random() < 0.01 else None,
    )


def _agent(rng: random.Random, ident: int) -> AgentState:
    capacity = {"web_chat": 3, "email": 5, "phone": rng.choice((0, 1))}
    return AgentState(
        id=ident,
        languages=frozenset(
            rng.sample(LANGUAGES[:6], 1) + rng.sample(LANGUAGES, rng.randint(0, 2))
        ),
        skills=frozenset(rng.sample(DEFAULT_SKILLS, rng.randint(2, 6))),
        capacity=capacity,
        load={ch: rng.randint(0, max(0, cap - 1)) for ch, cap in capacity.items()},
        certifications=frozenset({"kyc_l2"}) if rng.random() < 0.2 else frozenset(),
        idle_since=rng.uniform(0, 600),
        vip_desk=rng.random() < 0.05,
    )


def _pct(values: list[float], q: float) -> float:
    return quantile(values, q) * 1000.0


def latency(decisions: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    now = 100_000.0
    queue = WaitingQueue()
    for i in range(1, 10_001):
        queue.add(_ticket(rng, i, now), now)
    agents = [_agent(rng, i) for i in range(1, 1001)]
    pool = AgentPool(agents)
    next_id = 10_001
    pull: list[float] = []
    push: list[float] = []
    pull_cpu: list[float] = []
    push_cpu: list[float] = []
    cpu = time.thread_time
    empty = 0
    for n in range(decisions):
        now += 0.05  # 20 decisions a second of desk time
        agent = agents[rng.randrange(len(agents))]
        c0, t0 = cpu(), time.perf_counter()
        ticket = queue.best_for(agent, now)
        if ticket is not None:
            queue.remove(ticket.id)
        t1, c1 = time.perf_counter(), cpu()
        if ticket is None:
            empty += 1
        arrival = _ticket(rng, next_id, now)
        arrival = replace(arrival, enqueued_at=now, deadline=now + SLA[arrival.channel])
        next_id += 1
        c2, t2 = cpu(), time.perf_counter()
        chosen = pool.best_for(arrival)
        queue.add(arrival, now)
        t3, c3 = time.perf_counter(), cpu()
        if n >= 200:  # warm-up
            pull.append(t1 - t0)
            push.append(t3 - t2)
            pull_cpu.append(c1 - c0)
            push_cpu.append(c3 - c2)
    return {
        "waiting": len(queue),
        "agents": len(pool),
        "decisions": len(pull),
        "pull_p50_ms": _pct(pull, 0.5),
        "pull_p99_ms": _pct(pull, 0.99),
        "pull_mean_ms": statistics.fmean(pull) * 1000,
        "push_p50_ms": _pct(push, 0.5),
        "push_p99_ms": _pct(push, 0.99),
        "pull_cpu_p50_ms": _pct(pull_cpu, 0.5),
        "pull_cpu_p99_ms": _pct(pull_cpu, 0.99),
        "push_cpu_p50_ms": _pct(push_cpu, 0.5),
        "push_cpu_p99_ms": _pct(push_cpu, 0.99),
        "load_average_1min": os.getloadavg()[0],
        "agents_with_nothing_to_take": empty,
        "target_ms": TARGET_MS,
        "last_push_found_agent": chosen is not None,
    }


def _tier_row(result: DayResult, tier: str) -> dict[str, float]:
    waits = result.waits(tier)
    return {
        "mean_wait_s": statistics.fmean(waits) if waits else float("nan"),
        "p90_wait_s": quantile(waits, 0.9),
        "sla": result.sla_attainment(tier),
        "abandoned": result.abandonment(tier),
    }


def _range_accuracy(results: list[DayResult]) -> dict[str, float]:
    inside = queued = shown_all = inside_all = 0
    widths: list[float] = []
    for result in results:
        for o in result.outcomes:
            if o.wait is None or o.estimate is None:
                continue
            hit = o.estimate.low <= o.wait <= o.estimate.high
            shown_all += 1
            inside_all += hit
            if o.estimate.high > 0:
                queued += 1
                inside += hit
                widths.append(o.estimate.high - o.estimate.low)
    return {
        "queued_customers": queued,
        "inside_share_queued": inside / queued if queued else float("nan"),
        "inside_share_all": inside_all / shown_all if shown_all else float("nan"),
        "median_range_width_s": statistics.median(widths) if widths else float("nan"),
    }


def days(seeds: list[int]) -> dict[str, Any]:
    configs = {"normal": DayConfig(), "surge": DayConfig(surge_start_hour=13.0)}
    out: dict[str, Any] = {}
    for name, config in configs.items():
        per_policy: dict[str, list[DayResult]] = {"fifo": [], "kefu": []}
        for seed in seeds:
            for policy in per_policy:
                per_policy[policy].append(simulate_day(config, policy, seed))
        out[name] = {
            "contacts": statistics.fmean(len(r.outcomes) for r in per_policy["kefu"]),
            "policies": {
                policy: {
                    "tiers": {
                        tier: {
                            key: statistics.fmean(_tier_row(r, tier)[key] for r in results)
                            for key in ("mean_wait_s", "p90_wait_s", "sla", "abandoned")
                        }
                        for tier in TIERS
                    },
                    "sla_all": statistics.fmean(r.sla_attainment() for r in results),
                    "abandoned_all": statistics.fmean(r.abandonment() for r in results),
                }
                for policy, results in per_policy.items()
            },
            "estimate": _range_accuracy(per_policy["kefu"]),
        }
    return out


def render(lat: dict[str, Any] | None, sim: dict[str, Any] | None) -> str:
    lines: list[str] = []
    if lat:
        lines += [
            f"Decision latency, {lat['waiting']:,} waiting tickets, {lat['agents']:,} agents, "
            f"{lat['decisions']:,} decisions (target <= {TARGET_MS} ms):",
            f"  pull (best ticket for an agent, then dequeue): p50 {lat['pull_p50_ms']:.3f} ms, "
            f"p99 {lat['pull_p99_ms']:.3f} ms, mean {lat['pull_mean_ms']:.3f} ms",
            f"  push (best agent for a new ticket, then enqueue): p50 {lat['push_p50_ms']:.3f} ms, "
            f"p99 {lat['push_p99_ms']:.3f} ms",
            f"  thread CPU time per decision (what the decision costs, without time the process "
            f"waited for a core): pull p50 {lat['pull_cpu_p50_ms']:.3f} ms, "
            f"p99 {lat['pull_cpu_p99_ms']:.3f} ms; push p50 {lat['push_cpu_p50_ms']:.3f} ms, "
            f"p99 {lat['push_cpu_p99_ms']:.3f} ms",
            f"  machine load average during the run: {lat['load_average_1min']:.1f} "
            f"({os.cpu_count()} cores)",
            "",
        ]
    if sim:
        for name, day in sim.items():
            lines.append(f"{name} day, {day['contacts']:.0f} chats (mean over seeds):")
            lines.append(
                f"  {'policy':<6} {'tier':<9} {'mean wait':>10} {'p90 wait':>9} "
                f"{'SLA met':>8} {'abandoned':>10}"
            )
            for policy, row in day["policies"].items():
                for tier, t in row["tiers"].items():
                    lines.append(
                        f"  {policy:<6} {tier:<9} {t['mean_wait_s']:>9.0f}s "
                        f"{t['p90_wait_s']:>8.0f}s "
                        f"{t['sla']:>8.1%} {t['abandoned']:>10.1%}"
                    )
                lines.append(
                    f"  {policy:<6} {'all':<9} {'':>10} {'':>9} {row['sla_all']:>8.1%} "
                    f"{row['abandoned_all']:>10.1%}"
                )
            est = day["estimate"]
            lines.append(
                f"  wait range shown on arrival (kefu): {est['inside_share_queued']:.1%} of "
                f"{est['queued_customers']:,} queued customers waited within it "
                f"(median width {est['median_range_width_s']:.0f} s); "
                f"{est['inside_share_all']:.1%} counting those answered at once"
            )
            lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--part", choices=("all", "latency", "days"), default="all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    decisions = 2_000 if args.quick else args.decisions
    seeds = list(range(1, 2 if args.quick else args.seeds + 1))
    lat = latency(decisions) if args.part in ("all", "latency") else None
    sim = days(seeds) if args.part in ("all", "days") else None
    if args.json:
        print(json.dumps({"latency": lat, "days": sim}, indent=2))
    else:
        print(render(lat, sim))
    return 0


if __name__ == "__main__":
    sys.exit(main())
