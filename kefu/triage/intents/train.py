"""`python -m kefu.triage.intents.train MODEL_PATH [EMBEDDER [SECOND_ENCODER]]`: (re)build the
default model in a child process, so a server never trains on its own interpreter (see
service.py). SECOND_ENCODER "none" offers no second encoder."""

from __future__ import annotations

import sys
from pathlib import Path

from kefu.triage.embedding import DEFAULT_EMBEDDER, ENGLISH_EMBEDDER, get_embedder
from kefu.triage.intents.service import offered_second, rebuild


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 3:
        print(
            "usage: python -m kefu.triage.intents.train MODEL_PATH [EMBEDDER [SECOND_ENCODER]]",
            file=sys.stderr,
        )
        return 2
    embedder = get_embedder(argv[1] if len(argv) >= 2 else DEFAULT_EMBEDDER)
    second = offered_second(argv[2] if len(argv) == 3 else ENGLISH_EMBEDDER)
    model = rebuild(Path(argv[0]), embedder, second)
    print(f"trained on {model.info.examples} examples: {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
