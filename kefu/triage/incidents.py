"""Incidents: many customers reporting the same thing ("ETH withdrawals delayed").

Pure clustering over ticket embeddings. A new ticket joins the open incident whose centroid it
is closest to (at or above the incident similarity); otherwise, when enough *other* customers
have recent tickets that similar, they form a new incident together. One customer counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kefu.domain import triage_thresholds as th
from kefu.triage.embedding import DIM, Vectors


@dataclass(frozen=True)
class Member:
    ticket_id: int
    customer_id: int
    subject: str
    vector: Vectors


@dataclass(frozen=True)
class OpenIncident:
    incident_id: int
    centroid: Vectors


@dataclass(frozen=True)
class Placement:
    """Join `incident_id` (None: found a new incident titled `title`) with these members."""

    incident_id: int | None
    members: tuple[tuple[int, float], ...]  # (ticket id, similarity to the new ticket)
    title: str = ""


def centroid(vectors: Sequence[Vectors]) -> Vectors:
    """The normalised mean direction of the vectors."""
    mean = np.mean(np.stack([v.reshape(DIM) for v in vectors]), axis=0)
    norm = float(np.linalg.norm(mean))
    out: Vectors = (mean / norm if norm else mean).astype(np.float32)
    return out


def place(
    new: Member,
    incidents: Sequence[OpenIncident],
    recent: Sequence[Member],
    *,
    threshold: float = th.INCIDENT_SIMILARITY,
    min_customers: int = th.INCIDENT_MIN_CUSTOMERS,
) -> Placement | None:
    """Where the new ticket belongs; `recent` are unclustered open tickets of the window."""
    vector = new.vector.reshape(DIM)
    if incidents:
        sims = np.stack([i.centroid.reshape(DIM) for i in incidents]) @ vector
        best = int(np.argmax(sims))
        if float(sims[best]) >= threshold:
            return Placement(incidents[best].incident_id, ((new.ticket_id, float(sims[best])),))
    others = [
        m for m in recent if m.customer_id != new.customer_id and m.ticket_id != new.ticket_id
    ]
    if not others:
        return None
    sims = np.stack([m.vector.reshape(DIM) for m in others]) @ vector
    per_customer: dict[int, tuple[Member, float]] = {}
    for member, sim in zip(others, sims, strict=True):
        s = float(sim)
        if s >= threshold and s > per_customer.get(member.customer_id, (member, -1.0))[1]:
            per_customer[member.customer_id] = (member, s)
    if len(per_customer) + 1 < min_customers:
        return None
    chosen = [new] + [m for m, _ in per_customer.values()]
    center = centroid([m.vector for m in chosen])
    title = max(chosen, key=lambda m: float(m.vector.reshape(DIM) @ center)).subject
    ranked = sorted(per_customer.values(), key=lambda x: -x[1])
    members = ((new.ticket_id, 1.0), *((m.ticket_id, s) for m, s in ranked))
    return Placement(None, members, title)
