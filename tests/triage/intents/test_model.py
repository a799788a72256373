"""The model file: versioned, refused when it does not fit, retrained from corrections."""

import json
from pathlib import Path

import pytest

from kefu.triage.embedding import DEFAULT_EMBEDDER, get_embedder
from kefu.triage.intents import model as model_module
from kefu.triage.intents.examples import Example, examples_hash, shipped_examples
from kefu.triage.intents.model import (
    MAGIC,
    ModelMismatch,
    load_model,
    merge_examples,
    read_info,
    save_model,
    train_model,
)
from kefu.triage.intents.service import IntentService, ModelUnavailable, carried_corrections


def _small_set() -> list[Example]:
    """Three intents, English only: trains in well under a second."""
    keep = {"deposit_missing", "withdrawal_issue", "derivatives"}
    return [e for e in shipped_examples() if e.language == "en" and e.intent in keep]


def test_the_model_file_records_what_it_was_made_from(intent_model_path: Path) -> None:
    info = read_info(intent_model_path)
    embedder = get_embedder()
    assert info.embedder == embedder.name
    assert info.shipped_hash == examples_hash(shipped_examples())
    assert info.examples == len(shipped_examples())
    assert len(info.labels) == 14
    assert load_model(intent_model_path, embedder.name).info == info


def test_a_model_of_another_embedder_or_format_is_refused(
    intent_model_path: Path, tmp_path: Path
) -> None:
    with pytest.raises(ModelMismatch, match="embedder"):
        load_model(intent_model_path, "sentence-transformers:something-else")
    raw = intent_model_path.read_bytes()
    header, rest = raw[len(MAGIC) :].split(b"\n", 1)
    info = json.loads(header)
    for field, value, why in (("format", 99, "format 99"), ("sklearn", "0.1", "scikit-learn 0.1")):
        bad = tmp_path / f"{field}.model"
        changed = json.dumps({**info, field: value}).encode()
        bad.write_bytes(MAGIC + changed + b"\n" + rest)
        with pytest.raises(ModelMismatch, match=why):
            load_model(bad, get_embedder().name)
    junk = tmp_path / "junk.model"
    junk.write_bytes(b"not a model")
    with pytest.raises(ModelMismatch, match="not a kefu intent model"):
        load_model(junk, get_embedder().name)


def test_an_explicit_model_path_is_never_replaced(tmp_path: Path) -> None:
    service = IntentService(tmp_path / "missing.model", DEFAULT_EMBEDDER, ["en"], explicit=True)
    with pytest.raises(ModelMismatch, match="kefu intents train"):
        service.classify(["hello"])


def test_a_default_model_that_does_not_fit_is_retrained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = _small_set()
    monkeypatch.setattr(model_module, "shipped_examples", lambda: shipped)
    monkeypatch.setattr("kefu.triage.intents.service.shipped_examples", lambda: shipped)
    path = tmp_path / "intents.model"
    correction = Example("where did my money go", "withdrawal_issue")
    old = train_model(get_embedder(), [correction], shipped=shipped)
    save_model(old, path)
    raw = path.read_bytes()
    header, rest = raw[len(MAGIC) :].split(b"\n", 1)
    stale = json.dumps({**json.loads(header), "sklearn": "0.1"}).encode()
    path.write_bytes(MAGIC + stale + b"\n" + rest)

    service = IntentService(path, DEFAULT_EMBEDDER, ["en"])
    (found,) = service.classify(["my deposit has not arrived"])
    assert found.intent == "deposit_missing"
    assert found.language == "en"
    fresh = read_info(path)
    assert fresh.sklearn != "0.1"
    assert carried_corrections(path) == [correction]  # the corrections survived the retrain


def test_corrections_replace_shipped_examples_of_the_same_text() -> None:
    shipped = [Example("card charged twice", "fiat_payment"), Example("hi", "other")]
    corrections = [
        Example("card charged twice", "complaint"),
        Example("card charged twice", "spot_trading"),  # the latest correction wins
        Example("new text", "p2p_trading"),
    ]
    merged = merge_examples(shipped, corrections)
    assert merged == [
        Example("hi", "other"),
        Example("card charged twice", "spot_trading"),
        Example("new text", "p2p_trading"),
    ]


def test_retraining_with_corrections_changes_the_answer(tmp_path: Path) -> None:
    shipped = _small_set()
    text = "the bridge ate my coins"
    embedder = get_embedder()
    before = train_model(embedder, shipped=shipped)
    correction = Example(text, "derivatives")
    after = train_model(
        embedder, [correction] * 1, shipped=shipped, vector_cache=tmp_path / "vectors.npz"
    )
    assert after.info.data_hash != before.info.data_hash
    assert after.info.corrections == [{"text": text, "intent": "derivatives"}]
    (prediction,) = model_module.predict(after, [text], embedder)
    assert prediction.label == "derivatives"
    assert (tmp_path / "vectors.npz").exists()  # the correction's vector is cached


def test_a_failing_model_is_not_retried_on_every_message(tmp_path: Path) -> None:
    service = IntentService(tmp_path / "missing.model", DEFAULT_EMBEDDER, ["en"], explicit=True)
    with pytest.raises(ModelMismatch):
        service.model()
    with pytest.raises(ModelUnavailable, match=r"missing\.model"):
        service.model()  # fails fast now, tries again after RETRY_AFTER
