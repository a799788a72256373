"""Where triage scores become decisions. Each value was chosen on kefu's labelled sets
(`bench/eval_triage.py` prints precision and recall around them; docs/benchmarks.md).

Similarities are cosines of multilingual-e5-small query embeddings, which crowd into a narrow
band: unrelated support messages still score about 0.77–0.86, same-issue pairs 0.87–0.97.
"""

from __future__ import annotations

from kefu.domain.enums import Priority

# A new ticket joins the customer's open ticket at or above this similarity (and when no
# deposit-versus-withdrawal style conflict separates them). Chosen for precision: a wrong merge
# costs an agent an unmerge, a missed one only a second ticket.
DUPLICATE_SIMILARITY = 0.895
# Tickets of different customers this similar report the same thing …
INCIDENT_SIMILARITY = 0.90
# … and this many distinct customers make an incident.
INCIDENT_MIN_CUSTOMERS = 3
# How far back tickets are clustered into incidents, and how many are compared.
INCIDENT_WINDOW_HOURS = 24
INCIDENT_MAX_CANDIDATES = 500

# Abuse score (0–1) at which a message is marked abusive and counts as a violation …
ABUSE_SCORE = 0.5
# … and at which several insults in one message make it severe (a threat always is).
ABUSE_SEVERE = 0.85

# Flood: more than this many messages from one customer in the window.
FLOOD_MESSAGES = 8
FLOOD_WINDOW_SECONDS = 10.0
# Repetition: this many identical or near-identical messages in the window.
REPEAT_MESSAGES = 3
REPEAT_WINDOW_SECONDS = 120.0
REPEAT_SIMILARITY = 0.9  # character-level ratio of normalised texts

# Sentiment: a label wins at this score (0–1).
SENTIMENT_SCORE = 0.5


def boosted(priority: Priority) -> Priority:
    """One step up, at most urgent: what a distressed or angry customer's ticket gets."""
    order = list(Priority)
    return order[min(order.index(priority) + 1, len(order) - 1)]
