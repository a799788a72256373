"""The choice of a second encoder by cross-validation, and the classifier over two encoders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.triage.intents.classifier import IntentClassifier
from kefu.triage.intents.selection import choose_encoders, fit_chosen

INTENTS = ["a", "b", "c", "d"]


def _unit(x: Any) -> Any:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _data(
    per_intent: int, first_signal: float, second_signal: float, seed: int = 0
) -> tuple[list[str], Any, Any, list[str]]:
    """Texts with no lexical cue to their intent, and two encoders' vectors: each is the
    intent's centre times its signal plus noise (signal 0: noise alone)."""
    rng = np.random.default_rng(seed)
    labels = [intent for intent in INTENTS for _ in range(per_intent)]
    y = np.array([INTENTS.index(label) for label in labels])
    texts = [f"message {rng.integers(10**9)} {rng.choice(['x', 'y', 'z'])}" for _ in labels]

    def vectors(signal: float) -> Any:
        centres = rng.normal(size=(len(INTENTS), 16))
        return _unit(signal * centres[y] + rng.normal(size=(len(labels), 16)))

    return texts, vectors(first_signal), vectors(second_signal), labels


def test_a_second_encoder_that_carries_the_intent_is_chosen() -> None:
    texts, first, second, labels = _data(30, first_signal=0.3, second_signal=3.0)
    choice = choose_encoders(texts, first, second, labels)
    assert choice.use_second
    assert choice.folds == 3
    assert choice.messages == len(texts)
    assert choice.right_with > choice.right_without
    assert choice.z >= 2.0
    clf, chosen = fit_chosen(texts, first, labels, second)
    assert chosen == choice
    assert clf.uses_second


def test_a_second_encoder_of_noise_is_left_out() -> None:
    texts, first, second, labels = _data(30, first_signal=3.0, second_signal=0.0)
    choice = choose_encoders(texts, first, second, labels)
    assert not choice.use_second
    clf, _ = fit_chosen(texts, first, labels, second)
    assert not clf.uses_second
    # A model without the second encoder predicts from the first alone.
    assert len(clf.predict(texts[:3], first[:3])) == 3


def test_too_few_examples_per_intent_are_not_cross_validated() -> None:
    texts, first, second, labels = _data(30, 3.0, 3.0)
    texts, first, second, labels = texts[:31], first[:31], second[:31], labels[:31]
    choice = choose_encoders(texts, first, second, labels)  # intent "b" has one example
    assert (choice.use_second, choice.folds) == (False, 0)
    assert "too few" in choice.reason


def test_without_a_second_encoder_nothing_is_cross_validated() -> None:
    texts, first, _, labels = _data(10, 3.0, 0.0)
    clf, choice = fit_chosen(texts, first, labels, None)
    assert choice is None
    assert not clf.uses_second


def test_the_blend_without_the_second_encoder_is_what_a_model_without_it_predicts() -> None:
    texts, first, second, labels = _data(20, 1.0, 1.0, seed=3)
    both = IntentClassifier().fit(texts[::2], first[::2], labels[::2], second=second[::2])
    alone = IntentClassifier().fit(texts[::2], first[::2], labels[::2])
    without, with_second = both.predict_proba_both(texts[1::2], first[1::2], second[1::2])
    np.testing.assert_allclose(without, alone.predict_proba(texts[1::2], first[1::2]), atol=1e-9)
    np.testing.assert_allclose(
        with_second, both.predict_proba(texts[1::2], first[1::2], second[1::2])
    )
    np.testing.assert_allclose(with_second.sum(axis=1), 1.0)


def test_a_model_of_two_encoders_needs_both_vectors() -> None:
    texts, first, second, labels = _data(10, 1.0, 1.0)
    clf = IntentClassifier().fit(texts, first, labels, second=second)
    with pytest.raises(ValueError, match="second encoder"):
        clf.predict(texts[:2], first[:2])
    with pytest.raises(ValueError, match="second encoder"):
        IntentClassifier().fit(texts, first, labels, second=second[:5])
    alone = IntentClassifier().fit(texts, first, labels)
    with pytest.raises(ValueError, match="without a second encoder"):
        alone.predict_proba_both(texts[:2], first[:2], second[:2])


@settings(max_examples=15, deadline=None)
@given(
    per_intent=st.integers(min_value=3, max_value=12),
    first_signal=st.floats(min_value=0.0, max_value=3.0),
    second_signal=st.floats(min_value=0.0, max_value=3.0),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_the_choice_is_consistent_with_its_counts(
    per_intent: int, first_signal: float, second_signal: float, seed: int
) -> None:
    texts, first, second, labels = _data(per_intent, first_signal, second_signal, seed)
    choice = choose_encoders(texts, first, second, labels)
    assert choice.right_with - choice.right_without == choice.only_with - choice.only_without
    assert 0 <= choice.right_with <= choice.messages == len(texts)
    assert choice.use_second == (choice.z >= 2.0)
    if choice.only_with + choice.only_without:
        expected = (choice.only_with - choice.only_without) / np.sqrt(
            choice.only_with + choice.only_without
        )
        assert choice.z == pytest.approx(expected)
    # The same data decides the same.
    assert choose_encoders(texts, first, second, labels) == choice
