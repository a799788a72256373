"""`FastTfidf` gives the rows scikit-learn's vectorizers give, side by side, for any text."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from kefu.triage.intents.classifier import IntentClassifier
from kefu.triage.intents.ngrams import FastTfidf

CORPUS = [
    "My withdrawal has been pending for three hours",
    "my WITHDRAWAL is stuck, txid 0xabc",
    "Wie aktiviere ich 2FA?",
    "我的提现一直没到账",
    "我的充值没到账",
    "la verificación KYC falló otra vez",
    "KYC verification failed again",
    "funding fee on my BTC perpetual",
    "funding fee again?!",
    "P2P seller did not release the USDT",
]


def _fitted() -> list[TfidfVectorizer]:
    # kefu's own vectorizers, with its settings.
    clf = IntentClassifier()
    chars, words = clf._chars, clf._words
    chars.fit(CORPUS)
    words.fit(CORPUS)
    return [chars, words]


VECTORIZERS = _fitted()
FAST = FastTfidf(VECTORIZERS)


def _expected(texts: list[str]) -> sparse.csr_matrix:
    return sparse.hstack([v.transform(texts) for v in VECTORIZERS], format="csr")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(CORPUS).map(lambda s: s.upper()),
            st.lists(st.sampled_from(CORPUS), max_size=3).map(" ".join),
        ),
        min_size=1,  # scikit-learn refuses an empty batch; the classifier never sends one
        max_size=4,
    )
)
def test_the_rows_are_scikit_learns(texts: list[str]) -> None:
    got, expected = FAST.transform(texts), _expected(texts)
    assert got.shape == expected.shape == (len(texts), FAST.width)
    expected.sort_indices()
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    np.testing.assert_allclose(got.data, expected.data, rtol=1e-12, atol=1e-12)


def test_only_vectorizers_it_can_reproduce() -> None:
    binary = TfidfVectorizer(binary=True).fit(CORPUS)
    with pytest.raises(ValueError, match="non-binary"):
        FastTfidf([binary])
    l1 = TfidfVectorizer(norm="l1").fit(CORPUS)
    with pytest.raises(ValueError, match="L2 or no norm"):
        FastTfidf([l1])
