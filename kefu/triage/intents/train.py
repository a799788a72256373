"""`python -m kefu.triage.intents.train MODEL_PATH [EMBEDDER]`: (re)build the default model in a
child process, so a server never trains on its own interpreter (see service.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from kefu.triage.embedding import DEFAULT_EMBEDDER, get_embedder
from kefu.triage.intents.service import rebuild


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("usage: python -m kefu.triage.intents.train MODEL_PATH [EMBEDDER]", file=sys.stderr)
        return 2
    embedder = get_embedder(argv[1] if len(argv) == 2 else DEFAULT_EMBEDDER)
    model = rebuild(Path(argv[0]), embedder)
    print(f"trained on {model.info.examples} examples: {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
