"""What a process uses to classify messages: language and intent, with the model on disk.

The model lives at one path (default `KEFU_DATA_DIR/models/intents.model`). It is loaded on
first use; when there is none yet, or it does not fit this installation (another embedder,
another scikit-learn, newer shipped examples), a new one is trained from the shipped examples
plus the corrections the old file carried, and saved. Servers train in a child process so that
training never holds the event loop's interpreter; a model path given explicitly by an
operator is never replaced, a mismatch there is an error.

Everything here is blocking: async callers run it in a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kefu.domain.intents import OTHER
from kefu.triage.embedding import (
    ENGLISH_EMBEDDER,
    Embedder,
    english_encoder_available,
    get_embedder,
)
from kefu.triage.intents.examples import Example, examples_hash, shipped_examples
from kefu.triage.intents.model import (
    IntentModel,
    ModelMismatch,
    load_model,
    predict,
    read_info,
    save_model,
    train_model,
)
from kefu.triage.language import get_detector

log = logging.getLogger("kefu.triage")

# Longer messages are cut before embedding: the model reads 512 tokens at most, and the intent
# of a support message is almost always in its first lines.
MAX_CHARS = 1000
TRAIN_TIMEOUT = 900.0
# After a failed load or training, callers fail fast for this long instead of trying again on
# every message (the sweep retries pending messages every few seconds).
RETRY_AFTER = 300.0


class ModelUnavailable(RuntimeError):
    """The model could not be loaded or trained recently; try again later."""


@dataclass(frozen=True)
class Classification:
    intent: str
    confidence: float
    out_of_scope: bool
    language: str | None
    language_confidence: float
    language_source: str  # detected | prior | none


def vector_cache_path(model_path: Path) -> Path:
    return model_path.with_name("intent-vectors.npz")


def carried_corrections(model_path: Path) -> list[Example]:
    """The corrections an existing model file learnt from (none if there is no readable one)."""
    try:
        info = read_info(model_path)
    except (OSError, ValueError, ModelMismatch):
        return []
    return [Example(c["text"], c["intent"]) for c in info.corrections]


NO_SECOND = "none"


def offered_second(spec: str | None) -> Embedder | None:
    """The second encoder a `KEFU_INTENT_SECOND_ENCODER` value offers to the intent model: None
    for "none" (or empty), or when kefu's English encoder is selected but its wheel is not
    installed (kefu then runs on the multilingual encoder alone)."""
    if not spec or spec == NO_SECOND:
        return None
    if spec == ENGLISH_EMBEDDER and not english_encoder_available():
        return None
    return get_embedder(spec)


def rebuild(model_path: Path, embedder: Embedder, second: Embedder | None = None) -> IntentModel:
    """Train a model from the shipped examples and the corrections the old file carried."""
    model = train_model(
        embedder,
        carried_corrections(model_path),
        vector_cache=vector_cache_path(model_path),
        second=second,
    )
    save_model(model, model_path)
    return model


class IntentService:
    def __init__(
        self,
        model_path: Path,
        embedder: str,
        languages: Sequence[str],
        *,
        explicit: bool = False,
        train_in_subprocess: bool = False,
        second_encoder: str | None = ENGLISH_EMBEDDER,
    ) -> None:
        self.model_path = model_path
        self.embedder_spec = embedder
        self.second_spec = second_encoder or NO_SECOND
        self.languages = tuple(languages)
        self.explicit = explicit
        self.train_in_subprocess = train_in_subprocess
        self._lock = threading.Lock()
        self._model: IntentModel | None = None
        self._failed: tuple[float, str] | None = None  # when, why

    @property
    def embedder(self) -> Embedder:
        return get_embedder(self.embedder_spec)

    @cached_property
    def second(self) -> Embedder | None:
        """The second encoder offered to the model (used only if its training chose it);
        looked up once per service, not on every message."""
        return offered_second(self.second_spec)

    def model(self) -> IntentModel:
        with self._lock:
            if self._model is None:
                if self._failed is not None and time.monotonic() - self._failed[0] < RETRY_AFTER:
                    raise ModelUnavailable(f"intent model unavailable: {self._failed[1]}")
                try:
                    self._model = self._load_or_train()
                except Exception as exc:
                    self._failed = (time.monotonic(), f"{exc.__class__.__name__}: {exc}")
                    raise
                self._failed = None
            return self._model

    def _load(self) -> IntentModel:
        second = self.second
        second_name = None if second is None else second.name
        model = load_model(self.model_path, self.embedder.name, second_name)
        if model.info.shipped_hash != examples_hash(shipped_examples()):
            raise ModelMismatch(f"{self.model_path}: trained on older shipped examples")
        return model

    def _load_or_train(self) -> IntentModel:
        try:
            return self._load()
        except (FileNotFoundError, ModelMismatch) as exc:
            if self.explicit:
                raise ModelMismatch(f"{exc}; retrain it with `kefu intents train`") from exc
            log.info("training the intent model", extra={"fields": {"why": str(exc)}})
        if not self.train_in_subprocess:
            return rebuild(self.model_path, self.embedder, self.second)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kefu.triage.intents.train",
                str(self.model_path),
                self.embedder_spec,
                self.second_spec,
            ],
            check=True,
            capture_output=True,
            timeout=TRAIN_TIMEOUT,
        )
        return self._load()

    def classify(
        self, texts: Sequence[str], known_languages: Sequence[str | None] | None = None
    ) -> list[Classification]:
        """Language and intent of each text; `known_languages` are the customers' languages
        (the prior for short or ambiguous messages)."""
        if not texts:
            return []
        known = list(known_languages) if known_languages is not None else [None] * len(texts)
        model = self.model()
        cut = [text[:MAX_CHARS] for text in texts]
        predictions = predict(model, cut, self.embedder, self.second)
        detector = get_detector(self.languages)
        out = []
        for text, prior, prediction in zip(cut, known, predictions, strict=True):
            guess = detector.detect(text, prior)
            intent = prediction.label
            if prediction.out_of_scope and OTHER in model.classifier.labels:
                intent = OTHER
            out.append(
                Classification(
                    intent=intent,
                    confidence=round(prediction.confidence, 4),
                    out_of_scope=prediction.out_of_scope,
                    language=guess.language,
                    language_confidence=round(guess.confidence, 4),
                    language_source=guess.source,
                )
            )
        return out
