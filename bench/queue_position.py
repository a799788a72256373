"""What a live queue-position round costs: the status of every waiting chat, from one snapshot.

A process's queue watch (kefu/web/chat/queue_watch.py) runs one round per settled burst of
queue changes (and every 30 s): `queue_statuses` over the waiting chats of the customers
connected to it. This seeds a database with `--agents` online agents and `--waiting` waiting
chats (several languages and intents) and times rounds over all of them, and the single-ticket
read the API's `GET /tickets/{n}/queue` does. CPU time is the process's (the database is
in-process for SQLite; PostgreSQL's own work is not counted there, the wall time shows it).

    OMP_NUM_THREADS=1 .venv/bin/python bench/queue_position.py [--backend postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Target, add_pg_arguments, log, make_target, migrated_database

LANGUAGES = ("en", "zh", "ja", "es", "ru", "ko")
INTENTS = ("withdrawal_issue", "deposit_issue", "account_access", "kyc", "general_question")


async def run(target: Target, agents: int, waiting: int, rounds: int) -> dict[str, Any]:
    from kefu.actions.agents import AgentInput, do_create_agent
    from kefu.actions.customers import CustomerInput, do_create_customer
    from kefu.actions.inbound import build_deps
    from kefu.actions.messages import MessageInput
    from kefu.actions.presence import do_set_presence
    from kefu.actions.tickets import TicketInput, do_create_ticket
    from kefu.actions.unit_of_work import UnitOfWork
    from kefu.actions.waiting import queue_status, queue_statuses
    from kefu.domain.enums import AgentStatus
    from kefu.domain.permissions import SYSTEM
    from kefu.events.bus import InProcessBus
    from kefu.settings import Settings
    from kefu.store.db import make_engine, make_sessionmaker
    from kefu.store.files import FileStore
    from kefu.store.models import utcnow
    from kefu.store.repositories import tickets as repo

    url, schema = target.url, target.schema
    target.data_dir.mkdir(parents=True, exist_ok=True)
    await migrated_database(url, schema)
    settings = Settings(database_url=url, database_schema=schema, data_dir=target.data_dir)
    engine = make_engine(url, 5, schema=schema)
    files = FileStore(target.data_dir / "attachments")
    deps = build_deps(settings, make_sessionmaker(engine), InProcessBus(), files, enrichers=[])
    log(f"seeding {agents} agents and {waiting} waiting chats …")
    async with UnitOfWork(deps, SYSTEM) as uow:
        for n in range(agents):
            agent = await do_create_agent(
                uow,
                AgentInput(
                    email=f"a{n}@bench.example",
                    name=f"a{n}",
                    languages=(LANGUAGES[n % len(LANGUAGES)], "en"),
                    skills=(),
                    capacity={"chat": 3},
                ),
            )
            await do_set_presence(uow, agent, AgentStatus.ONLINE)
    ids = []
    for n in range(waiting):
        async with UnitOfWork(deps, SYSTEM) as uow:
            customer = await do_create_customer(uow, CustomerInput(uid=f"Q{n}"))
            created = await do_create_ticket(
                uow,
                TicketInput(
                    customer_id=customer.id,
                    subject="help",
                    message=MessageInput(body="help please", channel="web_chat"),
                    language=LANGUAGES[n % len(LANGUAGES)],
                    intent=INTENTS[n % len(INTENTS)],
                ),
            )
            ids.append(created.ticket.id)
    batch_cpu, batch_wall, one_cpu, one_wall = [], [], [], []
    async with deps.sessionmaker() as session:
        for _ in range(rounds):
            c, w = time.process_time(), time.perf_counter()
            found = await queue_statuses(session, ids, utcnow())
            batch_cpu.append(time.process_time() - c)
            batch_wall.append(time.perf_counter() - w)
            assert len(found) == len(ids)
        ticket = await repo.get_ticket(session, ids[len(ids) // 2])
        for _ in range(rounds):
            c, w = time.process_time(), time.perf_counter()
            await queue_status(session, ticket, utcnow())
            one_cpu.append(time.process_time() - c)
            one_wall.append(time.perf_counter() - w)
    await engine.dispose()
    return {
        "round_cpu_ms": statistics.median(batch_cpu) * 1000,
        "round_wall_ms": statistics.median(batch_wall) * 1000,
        "one_cpu_ms": statistics.median(one_cpu) * 1000,
        "one_wall_ms": statistics.median(one_wall) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    add_pg_arguments(parser, "kefu_bench_queue")
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--waiting", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    target = make_target(args.backend, args.pg_url, args.pg_schema, "kefu-queue-bench-")
    result = asyncio.run(run(target, args.agents, args.waiting, args.rounds))
    print(f"backend {args.backend}: {args.agents} agents online, {args.waiting} waiting chats")
    print("| read | median CPU | median wall |")
    print("|---|---|---|")
    print(
        f"| one round: every waiting chat (queue watch) | {result['round_cpu_ms']:.1f} ms "
        f"| {result['round_wall_ms']:.1f} ms |"
    )
    print(
        f"| one ticket (`GET /tickets/{{n}}/queue`) | {result['one_cpu_ms']:.1f} ms "
        f"| {result['one_wall_ms']:.1f} ms |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
