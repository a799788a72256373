import numpy as np

from kefu.triage.embedding import DIM, embed_passages, embed_queries


def test_similar_meaning_is_closer_across_languages() -> None:
    vectors = embed_queries(["my withdrawal is stuck", "我的提现一直没到账", "how to enable 2FA"])
    assert vectors.shape == (3, DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2]


def test_empty_input_gives_an_empty_matrix() -> None:
    assert embed_queries([]).shape == (0, DIM)
    assert embed_passages([]).shape == (0, DIM)
