"""kefu's intent model: training it, and its versioned file.

A model file starts with a JSON header line — format, embedder, the second encoder it was offered
and whether it uses it (with the cross-validation behind that choice), scikit-learn version,
digests of the shipped examples and of all training data, the agents' corrections it learnt
from — followed by the pickled classifier. The header is checked before anything is unpickled:
a model made by another embedder, with another second encoder on offer, another scikit-learn or
another file format is refused (`ModelMismatch`), and the corrections in the header let a
replacement be trained without the database.

Model files are written by kefu itself under KEFU_DATA_DIR (or a path an operator gives); like
any pickle they must not come from an untrusted source.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from kefu.triage.embedding import Embedder, EmbedderUnavailable, Vectors
from kefu.triage.intents.classifier import ClassifierConfig, IntentClassifier, Prediction
from kefu.triage.intents.examples import Example, examples_hash, shipped_examples
from kefu.triage.intents.selection import fit_chosen
from kefu.triage.intents.vector_cache import VectorCache, embed_cached, shipped_cache

log = logging.getLogger("kefu.triage")

# 4: a second encoder, used where cross-validation says so; 3: embeddings centred on the
# training mean; 2: RBF SVM; 1: logistic regression
FORMAT = 4
MAGIC = b"KEFU-INTENT-MODEL\n"
# Below this confidence kefu's taxonomy calls a message out of scope (none of the intents fits).
DEFAULT_THRESHOLD = 0.3


class ModelMismatch(Exception):
    """The model file does not fit this installation (or is not a model file)."""


@dataclass(frozen=True)
class ModelInfo:
    format: int
    embedder: str
    sklearn: str
    shipped_hash: str  # the shipped examples it learnt from
    data_hash: str  # everything it learnt from (shipped examples and corrections)
    examples: int
    threshold: float
    labels: list[str]
    trained_at: str
    corrections: list[dict[str, str]] = field(default_factory=list)
    # The second encoder offered at training (None: none installed or configured), whether the
    # model uses it, and the cross-validation that decided (selection.EncoderChoice.summary).
    second_candidate: str | None = None
    second_embedder: str | None = None
    encoder_choice: dict[str, Any] | None = None


@dataclass
class IntentModel:
    info: ModelInfo
    classifier: IntentClassifier

    def corrections(self) -> list[Example]:
        return [Example(c["text"], c["intent"]) for c in self.info.corrections]


def merge_examples(shipped: Sequence[Example], corrections: Sequence[Example]) -> list[Example]:
    """The training set: shipped examples, with an agent's correction replacing any example of
    the same text (the latest correction of a text wins)."""
    latest = {c.text: c for c in corrections}
    return [e for e in shipped if e.text not in latest] + list(latest.values())


def second_cache_path(vector_cache: Path) -> Path:
    """Where the second encoder's vectors of training texts are kept, beside the first's."""
    return vector_cache.with_name(f"{vector_cache.stem}.second{vector_cache.suffix}")


def _vectors(embedder: Embedder, texts: Sequence[str], cache: Path | None) -> Vectors:
    store = VectorCache.read(cache, embedder.name)
    vectors = embed_cached(embedder, texts, [shipped_cache(embedder.name)], store)
    if cache is not None and store.dirty:
        store.write(cache)
    return vectors


def train_model(
    embedder: Embedder,
    corrections: Sequence[Example] = (),
    *,
    shipped: Sequence[Example] | None = None,
    vector_cache: Path | None = None,
    config: ClassifierConfig | None = None,
    second: Embedder | None = None,
) -> IntentModel:
    """Train on the shipped examples (or `shipped`) plus `corrections`; with `second`'s vectors
    too if cross-validation on these examples says they help (`selection.py`)."""
    base = shipped_examples() if shipped is None else list(shipped)
    examples = merge_examples(base, corrections)
    texts = [e.text for e in examples]
    vectors = _vectors(embedder, texts, vector_cache)
    second_vectors = None
    if second is not None:
        try:
            cache = None if vector_cache is None else second_cache_path(vector_cache)
            second_vectors = _vectors(second, texts, cache)
        except EmbedderUnavailable as exc:
            log.warning("second encoder unavailable", extra={"fields": {"why": str(exc)}})
            second = None
    config = config or ClassifierConfig(threshold=DEFAULT_THRESHOLD)
    intents = [e.intent for e in examples]
    classifier, choice = fit_chosen(texts, vectors, intents, second_vectors, config)
    latest = {c.text: c for c in corrections}
    info = ModelInfo(
        format=FORMAT,
        embedder=embedder.name,
        sklearn=version("scikit-learn"),
        shipped_hash=examples_hash(base),
        data_hash=examples_hash(examples),
        examples=len(examples),
        threshold=classifier.threshold,
        labels=classifier.labels,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        corrections=[{"text": c.text, "intent": c.intent} for c in latest.values()],
        second_candidate=None if second is None else second.name,
        second_embedder=None if second is None or not classifier.uses_second else second.name,
        encoder_choice=None if choice is None else choice.summary(),
    )
    return IntentModel(info, classifier)


def save_model(model: IntentModel, path: Path) -> None:
    """Write atomically: readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = json.dumps(asdict(model.info), ensure_ascii=False).encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        f.write(MAGIC + header + b"\n")
        pickle.dump(model.classifier, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def read_info(path: Path) -> ModelInfo:
    """The header of a model file, without unpickling anything."""
    with path.open("rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise ModelMismatch(f"{path} is not a kefu intent model")
        return _info(json.loads(f.readline()))


def _info(raw: dict[str, Any]) -> ModelInfo:
    try:
        return ModelInfo(**raw)
    except TypeError as exc:
        raise ModelMismatch(f"unreadable model header: {exc}") from None


def mismatch(info: ModelInfo, embedder_name: str, second_name: str | None = None) -> str | None:
    """Why a model with this header cannot be used here (None: it can). `second_name`: the
    second encoder this process offers (None: none)."""
    if info.format != FORMAT:
        return f"model format {info.format}, this kefu reads {FORMAT}"
    if info.embedder != embedder_name:
        return f"trained with embedder {info.embedder!r}, this process uses {embedder_name!r}"
    if info.second_candidate != second_name:
        return (
            f"trained with second encoder {info.second_candidate!r} on offer, "
            f"this process offers {second_name!r}"
        )
    if info.sklearn != version("scikit-learn"):
        return f"trained with scikit-learn {info.sklearn}, installed {version('scikit-learn')}"
    return None


def load_model(path: Path, embedder_name: str, second_name: str | None = None) -> IntentModel:
    """The model at `path`; `ModelMismatch` if it was made for another installation."""
    with path.open("rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise ModelMismatch(f"{path} is not a kefu intent model")
        info = _info(json.loads(f.readline()))
        why = mismatch(info, embedder_name, second_name)
        if why is not None:
            raise ModelMismatch(f"{path}: {why}")
        classifier = pickle.load(f)
    if not isinstance(classifier, IntentClassifier):
        raise ModelMismatch(f"{path} does not hold an intent classifier")
    return IntentModel(info, classifier)


def predict(
    model: IntentModel, texts: Sequence[str], embedder: Embedder, second: Embedder | None = None
) -> list[Prediction]:
    """Predictions for `texts`; `second` is needed when the model uses a second encoder."""
    items = list(texts)
    second_vectors = None
    if model.classifier.uses_second:
        if second is None or second.name != model.info.second_embedder:
            raise ModelMismatch(f"this model also needs {model.info.second_embedder!r}")
        second_vectors = second.embed_queries(items)
    return model.classifier.predict(items, embedder.embed_queries(items), second_vectors)
