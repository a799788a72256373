"""Triage safety, measured: duplicate detection and abuse scoring on kefu's labelled sets, and
the whole triage enrichment (embedding, duplicates, incidents, abuse, flood, sentiment, with
their database work) per message.

    OMP_NUM_THREADS=1 .venv/bin/python bench/eval_triage.py
    OMP_NUM_THREADS=1 .venv/bin/python bench/eval_triage.py --backend postgresql --messages 300

The labelled sets are kefu's own (bench/data/duplicate_pairs.json, bench/data/abuse_labelled.json),
written for it in a dozen languages; they are small, and the thresholds were chosen looking at
the duplicate set, so its figures are optimistic. Prints tables to stdout (`--json` for JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import migrated_database, reset_pg_schema, store_chat_line  # noqa: E402

DATA = ROOT / "bench" / "data"
DEFAULT_PG_URL = "postgresql://127.0.0.1:5432/test"
PG_SCHEMA = "kefu_bench_triage"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def eval_duplicates(path: Path) -> dict[str, Any]:
    from kefu.domain.triage_thresholds import DUPLICATE_SIMILARITY
    from kefu.triage.duplicates import is_duplicate
    from kefu.triage.embedding import embed_queries

    pairs = json.loads(path.read_text(encoding="utf-8"))["pairs"]
    a = embed_queries([p[0] for p in pairs])
    b = embed_queries([p[1] for p in pairs])
    sims = (a * b).sum(axis=1)
    rows = []
    for threshold in (0.87, 0.88, 0.89, DUPLICATE_SIMILARITY, 0.90, 0.91):
        tp = fp = fn = 0
        for (x, y, same), sim in zip(pairs, sims, strict=True):
            said = is_duplicate(x, y, float(sim), threshold)
            tp += said and same
            fp += said and not same
            fn += same and not said
        precision, recall = pr(tp, fp, fn)
        rows.append(
            {
                "threshold": threshold,
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "chosen": threshold == DUPLICATE_SIMILARITY,
            }
        )
    cross = [
        (same, float(sim) >= DUPLICATE_SIMILARITY)
        for (x, y, same), sim in zip(pairs, sims, strict=True)
        if x.isascii() != y.isascii() and same
    ]
    return {
        "pairs": len(pairs),
        "positives": sum(1 for p in pairs if p[2]),
        "sweep": rows,
        "cross_language_recall": round(sum(s for _, s in cross) / max(len(cross), 1), 3),
        "cross_language_pairs": len(cross),
    }


def eval_abuse(path: Path) -> dict[str, Any]:
    from kefu.triage.abuse import AbuseScorer
    from kefu.triage.embedding import embed_queries

    items = json.loads(path.read_text(encoding="utf-8"))["messages"]
    texts = [t for t, _ in items]
    scores = AbuseScorer(embed_queries).score(texts, embed_queries(texts))
    tp = sum(s.abusive and label for s, (_, label) in zip(scores, items, strict=True))
    fp = sum(s.abusive and not label for s, (_, label) in zip(scores, items, strict=True))
    fn = sum(label and not s.abusive for s, (_, label) in zip(scores, items, strict=True))
    precision, recall = pr(tp, fp, fn)
    errors = [t for s, (t, label) in zip(scores, items, strict=True) if s.abusive != label]
    return {
        "messages": len(items),
        "abusive": sum(1 for _, label in items if label),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "errors": errors,
    }


def eval_sentiment(path: Path) -> dict[str, Any]:
    from kefu.triage.embedding import embed_queries
    from kefu.triage.sentiment import SentimentScorer

    items = json.loads(path.read_text(encoding="utf-8"))["messages"]
    texts = [t for t, _ in items]
    got = [s.label for s in SentimentScorer(embed_queries).score(texts, embed_queries(texts))]
    care = [(g != "neutral", label != "neutral") for g, (_, label) in zip(got, items, strict=True)]
    tp = sum(g and t for g, t in care)
    fp = sum(g and not t for g, t in care)
    fn = sum(t and not g for g, t in care)
    precision, recall = pr(tp, fp, fn)
    exact = sum(g == label for g, (_, label) in zip(got, items, strict=True))
    return {
        "messages": len(items),
        "needs_care_precision": round(precision, 3),
        "needs_care_recall": round(recall, 3),
        "label_accuracy": round(exact / len(items), 3),
    }


def eval_later_lines(data: Path) -> dict[str, Any]:
    """The labelled sets scored as later lines of a conversation: the model reads a message only
    when a cheap cue fires (kefu/triage/safety_cues.py), else the lexicons alone judge it. The cue
    words were written looking at these sets, so these figures are optimistic; the held-out
    lines of bench/eval_enrichment.py are the fairer test. Also: the share of ordinary chat lines
    (bench/corpus.py) that fire a cue, i.e. still cost a model run."""
    from corpus import chat_lines

    from kefu.triage.embedding import embed_queries
    from kefu.triage.safety_cues import safety_cue
    from kefu.triage.safety_scoring import SafetyScoring

    scoring = SafetyScoring(embed_queries)
    abuse_items = json.loads((data / "abuse_labelled.json").read_text(encoding="utf-8"))
    tone_items = json.loads((data / "sentiment_labelled.json").read_text(encoding="utf-8"))
    texts = [t for t, _ in abuse_items["messages"]]
    cued = [safety_cue(t) is not None for t in texts]
    abuse = scoring(texts, cued, []).abuse
    said = [
        (a.abusive, label) for a, (_, label) in zip(abuse, abuse_items["messages"], strict=True)
    ]
    a_precision, a_recall = pr(
        sum(s and t for s, t in said),
        sum(s and not t for s, t in said),
        sum(t and not s for s, t in said),
    )
    texts = [t for t, _ in tone_items["messages"]]
    tone_cued = [safety_cue(t) is not None for t in texts]
    tone = scoring(texts, tone_cued, []).tone
    care = [
        (g.label != "neutral", label != "neutral")
        for g, (_, label) in zip(tone, tone_items["messages"], strict=True)
    ]
    t_precision, t_recall = pr(
        sum(g and t for g, t in care),
        sum(g and not t for g, t in care),
        sum(t and not g for g, t in care),
    )
    lines = chat_lines(2000)
    return {
        "abuse_precision": round(a_precision, 3),
        "abuse_recall": round(a_recall, 3),
        "abuse_cued": f"{sum(cued)}/{len(cued)}",
        "tone_precision": round(t_precision, 3),
        "tone_recall": round(t_recall, 3),
        "tone_cued": f"{sum(tone_cued)}/{len(tone_cued)}",
        "chat_lines_cued": round(sum(safety_cue(t) is not None for t in lines) / len(lines), 3),
    }


def _corpus() -> list[str]:
    pairs = json.loads((DATA / "duplicate_pairs.json").read_text(encoding="utf-8"))["pairs"]
    abuse = json.loads((DATA / "abuse_labelled.json").read_text(encoding="utf-8"))["messages"]
    texts = [p[0] for p in pairs] + [p[1] for p in pairs] + [t for t, _ in abuse]
    return list(dict.fromkeys(texts))


async def bench_enrichment(
    url: str, schema: str | None, count: int, customers: int
) -> dict[str, Any]:
    """Store `count` inbound messages (new tickets and follow-ups of `customers` customers),
    then run the triage enricher on each, one at a time, as the pipeline does after commit."""
    from kefu.actions.inbound import build_deps
    from kefu.actions.triage_enricher import triage_enricher
    from kefu.actions.unit_of_work import UnitOfWork
    from kefu.domain.permissions import SYSTEM
    from kefu.events.bus import InProcessBus
    from kefu.settings import Settings
    from kefu.store.db import make_engine, make_sessionmaker
    from kefu.store.files import FileStore
    from kefu.triage.embedding import embed_queries, get_embedder

    await migrated_database(url, schema)
    tmp = Path(tempfile.mkdtemp(prefix="kefu-triage-bench-"))
    settings = Settings(database_url=url, database_schema=schema, data_dir=tmp, triage_safety=False)
    engine = make_engine(url, 5, schema=schema)
    bus = InProcessBus()
    files = FileStore(tmp / "attachments")
    plain = build_deps(settings, make_sessionmaker(engine), bus, files, enrichers=[])
    corpus = _corpus()
    ids: list[int] = []
    tickets: dict[int, int] = {}
    for n in range(count):
        # Every message its own text (the corpus has ~150): a repeated text would be a hit in
        # the embedder's memory of recent texts, and the model's time would go uncounted.
        text = f"{corpus[(n * 7) % len(corpus)]} (#{n})"
        who = n % customers
        async with UnitOfWork(plain, SYSTEM) as uow:
            opened = None if who not in tickets or n % 3 == 0 else tickets[who]
            tickets[who], message_id = await store_chat_line(uow, f"B{who}", text, opened)
            ids.append(message_id)
    enrich = triage_enricher(plain)
    embedder = get_embedder()
    if hasattr(embedder, "forget"):
        embedder.forget()  # the sets above were embedded in this process
    embed_queries(["warm up"])
    await enrich(ids[:1])  # examples embedded once per process, not counted
    latencies = []
    started = time.perf_counter()
    for message_id in ids[1:]:
        t0 = time.perf_counter()
        await enrich([message_id])
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    embed_ms = []
    if hasattr(embedder, "forget"):
        embedder.forget()
    for text in corpus[:100]:
        t0 = time.perf_counter()
        embed_queries([text])
        embed_ms.append((time.perf_counter() - t0) * 1000)
    await engine.dispose()
    if schema:
        await reset_pg_schema(url, schema, create=False)
    latencies.sort()
    return {
        "messages": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
        "embedding_p50_ms": round(statistics.median(embed_ms), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("KEFU_BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--messages", type=int, default=300, help="messages to enrich (300)")
    parser.add_argument("--customers", type=int, default=40, help="distinct customers (40)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the labelled sets")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    log("duplicates …")
    dup = eval_duplicates(args.data / "duplicate_pairs.json")
    log("abuse …")
    abuse = eval_abuse(args.data / "abuse_labelled.json")
    log("sentiment …")
    tone = eval_sentiment(args.data / "sentiment_labelled.json")
    log("as later lines …")
    later = eval_later_lines(args.data)
    log(f"enrichment on {args.backend} …")
    if args.backend == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='kefu-triage-db-')}/bench.db"
        schema = None
    else:
        url, schema = args.pg_url, PG_SCHEMA
    enrichment = asyncio.run(bench_enrichment(url, schema, args.messages, args.customers))
    enrichment["backend"] = args.backend
    result = {
        "duplicates": dup,
        "abuse": abuse,
        "sentiment": tone,
        "later_lines": later,
        "enrichment": enrichment,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"Duplicate detection ({dup['pairs']} pairs, {dup['positives']} same-issue)")
    print("| threshold | precision | recall |")
    print("|---|---|---|")
    for row in dup["sweep"]:
        mark = " (kefu)" if row["chosen"] else ""
        print(f"| {row['threshold']}{mark} | {row['precision']:.3f} | {row['recall']:.3f} |")
    print(
        f"cross-language same-issue pairs: recall {dup['cross_language_recall']:.3f} "
        f"({dup['cross_language_pairs']} pairs)\n"
    )
    print(
        f"Abuse scoring ({abuse['messages']} messages, {abuse['abusive']} abusive): "
        f"precision {abuse['precision']:.3f}, recall {abuse['recall']:.3f}"
    )
    for text in abuse["errors"]:
        print(f"  wrong: {text}")
    print(
        f"\nSentiment ({tone['messages']} messages): distressed-or-angry precision "
        f"{tone['needs_care_precision']:.3f}, recall {tone['needs_care_recall']:.3f}; "
        f"exact label accuracy {tone['label_accuracy']:.3f}"
    )
    lt = later
    print(
        f"\nAs later lines of a chat (model only on a cue): abuse precision "
        f"{lt['abuse_precision']:.3f}, recall {lt['abuse_recall']:.3f} (cued {lt['abuse_cued']}); "
        f"distressed-or-angry precision {lt['tone_precision']:.3f}, recall "
        f"{lt['tone_recall']:.3f} (cued {lt['tone_cued']}); ordinary chat lines cued "
        f"{lt['chat_lines_cued']:.3f}"
    )
    e = enrichment
    print(
        f"\nWhole triage enrichment ({e['backend']}, {e['messages']} messages, one at a time): "
        f"{e['per_second']} messages/s, p50 {e['p50_ms']} ms, p95 {e['p95_ms']} ms, "
        f"max {e['max_ms']} ms (embedding alone p50 {e['embedding_p50_ms']} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
