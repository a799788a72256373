"""Language identification: lingua's two modes on kefu's own examples (fourteen languages).

For each mode: the time to build the detector and load its models (first message), the time per
message afterwards (p50/p95), the memory the models take, and the accuracy on the language
labels of kefu/triage/intents/data/examples.jsonl (2,700 short support messages), without the
customer's language as a prior (kefu's prior only ever helps; its rules are unit-tested).

    .venv/bin/python bench/eval_language.py
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import numpy as np

from kefu.domain.language import DEFAULT_LANGUAGES, choose_language


def measure(low_accuracy: bool) -> None:
    """Runs in a child process so each mode's memory is its own."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    from kefu.triage.intents.examples import shipped_examples

    examples = [e for e in shipped_examples() if e.language]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in DEFAULT_LANGUAGES
    ]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()
    detector.compute_language_confidence_values(examples[0].text)
    first = time.perf_counter() - start
    times, right = [], 0
    for example in examples:
        t0 = time.perf_counter()
        values = detector.compute_language_confidence_values(example.text)
        times.append((time.perf_counter() - t0) * 1000)
        scores = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
        guess = choose_language(scores, example.text, None, DEFAULT_LANGUAGES)
        right += guess.language == example.language
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    p50, p95 = np.percentile(times, [50, 95])
    mode = "low accuracy " if low_accuracy else "high accuracy"
    print(
        f"{mode}: accuracy {right / len(examples) * 100:.1f}% on {len(examples)} messages; "
        f"first message {first:.2f} s (builds and loads models), then p50 {p50:.3f} ms, "
        f"p95 {p95:.3f} ms per message; models +{rss:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["high", "low"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        measure(args.mode == "low")
        return
    for mode in ("high", "low"):
        subprocess.run([sys.executable, __file__, "--mode", mode], check=True)


if __name__ == "__main__":
    main()
