"""Latency of checking a value against the official-channel registry.

    OMP_NUM_THREADS=1 .venv/bin/python bench/verify.py              # N = 10, 100, 1000
    .venv/bin/python bench/verify.py --entries 50 --lookups 20000 --json

For each registry size N it builds a registry of N official values (a third domains, then email
addresses, handles on Telegram and X, and phone numbers; names made up from syllables with a
fixed seed, so runs compare), then times single lookups of a mixed set of values: official ones
as customers paste them (upper case, `www.`, a path), lookalikes (a Cyrillic letter, words added,
another ending, the official domain in front of another, one letter off) and unrelated values.
Reported: p50/p99/max per lookup in microseconds, for the pure check (`parse_value` + index
`check`, what the verify API and the message scan do per value), the time to build the index
(once per registry change), and with `--http` the whole `GET /api/v1/verify` in process (ASGI,
SQLite file, the registry cache's version query included, no network).

It also times the message scan that decides whether the slower check runs at all (`mentions` on a
message without any address, and on one with a link).

No data files are needed: the registry and the queries are generated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.domain.official import ChannelKind  # noqa: E402
from kefu.triage.channel_values import parse_entry, parse_value  # noqa: E402
from kefu.triage.lookalikes import OfficialEntry, OfficialIndex  # noqa: E402
from kefu.triage.mentions import mentions  # noqa: E402

SYLLABLES = ["ka", "ri", "mo", "zu", "te", "na", "lo", "vi", "xe", "qu", "fa", "do", "pe"]
ENDINGS = ["com", "io", "exchange", "co.uk", "net", "app"]
CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "x": "х", "i": "і", "c": "с"}


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def make_registry(n: int, seed: int = 7) -> list[tuple[ChannelKind, str]]:
    rng = random.Random(seed)
    out: list[tuple[ChannelKind, str]] = []
    seen: set[tuple[ChannelKind, str]] = set()
    cycle = [ChannelKind.DOMAIN] * 3 + [ChannelKind.EMAIL, ChannelKind.TELEGRAM, ChannelKind.X]
    cycle.append(ChannelKind.PHONE)
    while len(out) < n:
        kind = cycle[len(out) % len(cycle)]
        name = _name(rng)
        if kind == ChannelKind.DOMAIN:
            value = f"{name}.{rng.choice(ENDINGS)}"
        elif kind == ChannelKind.EMAIL:
            value = f"support@{name}.com"
        elif kind == ChannelKind.PHONE:
            value = f"+44 20 7946 {rng.randint(0, 9999):04d}"
        else:
            value = f"@{name}_support"
        if (kind, value) not in seen:
            seen.add((kind, value))
            out.append((kind, value))
    return out


def build(registry: list[tuple[ChannelKind, str]]) -> OfficialIndex:
    entries = []
    for i, (kind, raw) in enumerate(registry, 1):
        parsed = parse_entry(kind, raw)
        entries.append(OfficialEntry(i, kind, parsed.value, parsed.display))
    return OfficialIndex.build(entries)


def make_queries(registry: list[tuple[ChannelKind, str]], count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    domains = [v for k, v in registry if k == ChannelKind.DOMAIN]
    handles = [v for k, v in registry if k.is_handle]
    out = []
    for _ in range(count):
        domain = rng.choice(domains)
        label, _, ending = domain.partition(".")
        roll = rng.random()
        if roll < 0.2:
            out.append(f"https://www.{domain.upper()}/login")
        elif roll < 0.35:
            i = next((j for j, c in enumerate(label) if c in CYRILLIC), 0)
            out.append(f"{label[:i]}{CYRILLIC.get(label[i], label[i])}{label[i + 1 :]}.{ending}")
        elif roll < 0.45:
            out.append(f"{label}-support.{ending}")
        elif roll < 0.55:
            out.append(f"{domain}.{_name(rng)}.io")
        elif roll < 0.6:
            out.append(f"{label}.xyz")
        elif roll < 0.7:
            out.append(f"{label[:-1]}.{ending}")
        elif roll < 0.8:
            out.append(rng.choice(handles) + rng.choice(["", "_help", "_team"]))
        elif roll < 0.85:
            out.append(f"help@{label}-desk.com")
        else:
            out.append(f"{_name(rng)}.{rng.choice(ENDINGS)}")
    return out


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50": round(at(0.50), 1),
        "p99": round(at(0.99), 1),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


def time_lookups(index: OfficialIndex, queries: list[str]) -> dict[str, Any]:
    """Wall-clock and CPU time per lookup: on a shared machine the wall-clock tail is mostly
    the time the process waited for a core; the CPU time is what the lookup costs."""
    for q in queries[:200]:  # warm up
        index.check(parse_value(q))
    wall, cpu = [], []
    verdicts = {"official": 0, "lookalike": 0, "not_official": 0}
    for q in queries:
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        verdict = index.check(parse_value(q))
        cpu.append((time.thread_time_ns() - start_cpu) / 1000)
        wall.append((time.perf_counter_ns() - start) / 1000)
        verdicts[verdict.status.value] += 1
    return {**percentiles(wall), "cpu": percentiles(cpu), "verdicts": verdicts}


def time_scan(repeat: int) -> dict[str, dict[str, float]]:
    plain = "My withdrawal of 0.25 BTC has been pending for three hours, order 4411093, please help"
    linked = "Is https://kefux-support.com/login yours? @kefux_help asked for my 2FA code"
    out = {}
    for name, text in (("no address", plain), ("with a link and an @account", linked)):
        mentions(text)
        samples = []
        for _ in range(repeat):
            start = time.perf_counter_ns()
            mentions(text)
            samples.append((time.perf_counter_ns() - start) / 1000)
        out[name] = percentiles(samples)
    return out


async def time_http(registry: list[tuple[ChannelKind, str]], queries: list[str]) -> dict[str, Any]:
    import httpx

    from kefu.actions.official_channels import OfficialChannelInput, do_add_official_channel
    from kefu.actions.unit_of_work import UnitOfWork
    from kefu.domain.permissions import SYSTEM
    from kefu.events.bus import InProcessBus
    from kefu.settings import Settings
    from kefu.store.db import make_engine
    from kefu.store.migrate import upgrade
    from kefu.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/kefu.db"
        engine = make_engine(url, 1)
        await upgrade(engine)
        await engine.dispose()
        settings = Settings(
            env="development",
            database_url=url,
            data_dir=Path(tmp),
            sweep_seconds=0,
            verify_per_minute=10**9,
            log_json=False,
        )
        app = create_app(settings, bus=InProcessBus())
        async with app.router.lifespan_context(app):
            async with UnitOfWork(app.state.kefu.deps, SYSTEM) as uow:
                for kind, value in registry:
                    await do_add_official_channel(uow, OfficialChannelInput(kind, value))
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for q in queries[:100]:
                    await client.get("/api/v1/verify", params={"value": q})
                samples = []
                for q in queries:
                    start = time.perf_counter_ns()
                    r = await client.get("/api/v1/verify", params={"value": q})
                    samples.append((time.perf_counter_ns() - start) / 1000)
                    if r.status_code != 200:
                        raise SystemExit(f"verify answered {r.status_code}: {r.text}")
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--entries", type=int, nargs="*", default=[10, 100, 1000])
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument(
        "--http", type=int, default=100, help="registry size for the HTTP run; 0: skip"
    )
    parser.add_argument("--http-lookups", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    results: dict[str, Any] = {"lookups": args.lookups, "check_us": {}, "build_ms": {}}
    build(make_registry(10))  # first use loads the confusables table and the suffix list
    for n in args.entries:
        registry = make_registry(n)
        start = time.perf_counter()
        index = build(registry)
        results["build_ms"][n] = round((time.perf_counter() - start) * 1000, 2)
        results["check_us"][n] = time_lookups(index, make_queries(registry, args.lookups))
    results["scan_us"] = time_scan(20_000)
    if args.http:
        registry = make_registry(args.http)
        queries = make_queries(registry, args.http_lookups)
        results["http_us"] = {args.http: asyncio.run(time_http(registry, queries))}

    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"check = parse_value + index.check, {args.lookups} mixed lookups per registry size")
    print(
        "| official entries | p50 µs | p99 µs | max µs | CPU p50 µs | CPU p99 µs "
        "| index build ms | verdicts |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n, r in results["check_us"].items():
        v, c = r["verdicts"], r["cpu"]
        print(
            f"| {n} | {r['p50']} | {r['p99']} | {r['max']} | {c['p50']} | {c['p99']} "
            f"| {results['build_ms'][n]} "
            f"| {v['official']} official, {v['lookalike']} lookalike, {v['not_official']} not |"
        )
    print()
    for name, r in results["scan_us"].items():
        print(f"message scan, {name}: p50 {r['p50']} µs, p99 {r['p99']} µs")
    for n, r in results.get("http_us", {}).items():
        print(
            f"GET /api/v1/verify in process (SQLite, {n} entries, {args.http_lookups} requests): "
            f"p50 {r['p50'] / 1000:.2f} ms, p99 {r['p99'] / 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
