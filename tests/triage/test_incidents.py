from __future__ import annotations

import numpy as np

from kefu.triage.embedding import DIM
from kefu.triage.incidents import Member, OpenIncident, centroid, place


def _unit(seed: int, base: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    v /= np.linalg.norm(v)
    if base is not None:
        v = base + noise * v
        v /= np.linalg.norm(v)
    return v


THEME = _unit(0)


def _member(ticket: int, customer: int, noise: float = 0.1, subject: str = "s") -> Member:
    return Member(ticket, customer, subject, _unit(ticket, THEME, noise))


def test_three_customers_found_an_incident_and_one_counts_once() -> None:
    new = _member(1, customer=1, subject="ETH withdrawals delayed")
    recent = [_member(2, 2), _member(3, 2), Member(4, 3, "other", _unit(99))]
    assert place(new, [], recent, threshold=0.9, min_customers=3) is None  # two customers
    recent.append(_member(5, 4))
    placement = place(new, [], recent, threshold=0.9, min_customers=3)
    assert placement is not None
    assert placement.incident_id is None
    ids = [t for t, _ in placement.members]
    assert ids[0] == 1
    assert sorted(ids) in ([1, 2, 5], [1, 3, 5])  # customer 2 once, the unrelated ticket never
    assert placement.title


def test_a_new_report_joins_the_nearest_open_incident() -> None:
    incident = OpenIncident(7, centroid([_unit(i, THEME, 0.1) for i in range(10, 14)]))
    elsewhere = OpenIncident(8, _unit(50))
    placement = place(_member(20, 9), [elsewhere, incident], [], threshold=0.9)
    assert placement is not None
    assert placement.incident_id == 7
    assert place(Member(21, 9, "x", _unit(77)), [incident], [], threshold=0.9) is None


def test_centroid_is_a_unit_vector() -> None:
    c = centroid([_unit(1), _unit(2), _unit(3)])
    assert abs(float(np.linalg.norm(c)) - 1.0) < 1e-5
