"""`PairDecision` gives scikit-learn's one-vs-one decision values, for any fitted RBF SVM."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.svm import SVC

from kefu.triage.intents.svm_decision import PairDecision


@settings(max_examples=40, deadline=None)
@given(
    classes=st.integers(2, 7),
    per_class=st.integers(2, 12),
    dim=st.integers(1, 16),
    gamma=st.floats(0.05, 5.0),
    c=st.floats(0.1, 100.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_values_are_scikit_learns(
    classes: int, per_class: int, dim: int, gamma: float, c: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, dim))
    x = np.repeat(centres, per_class, axis=0) + rng.normal(
        scale=0.8, size=(classes * per_class, dim)
    )
    y = np.repeat([f"c{i}" for i in range(classes)], per_class)
    svm = SVC(C=c, kernel="rbf", gamma=gamma, decision_function_shape="ovo").fit(x, y)
    queries = rng.normal(scale=2.0, size=(9, dim))
    expected = np.reshape(svm.decision_function(queries), (len(queries), -1))
    got = PairDecision(svm)(queries)
    assert got.shape == (len(queries), classes * (classes - 1) // 2)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


def test_only_an_rbf_kernel_with_a_numeric_gamma() -> None:
    x = np.array([[0.0], [0.1], [1.0], [1.1]])
    y = ["a", "a", "b", "b"]
    with pytest.raises(ValueError, match="RBF"):
        PairDecision(SVC(kernel="linear").fit(x, y))
    with pytest.raises(ValueError, match="numeric gamma"):
        PairDecision(SVC(kernel="rbf", gamma="scale").fit(x, y))
