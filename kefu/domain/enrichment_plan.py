"""How much enrichment an inbound message needs, from its place in its conversation.

Enrichers (kefu/actions/classify.py, kefu/actions/triage_enricher.py) embed text with a model,
15–45 ms of CPU a message: too much to spend on every line of a live chat. What a line can
still change decides whether it is worth it:

- **Language and intent** belong to the ticket, which takes them from its opening customer
  messages (kefu/actions/classify.py `_ticket_changes`). Once the ticket has a language and a
  settled intent (set by an agent, or by the model and not `other`), classifying another line
  changes nothing on it: the line is not classified. While the intent is unsettled, the first
  `CLASSIFY_LINES` customer lines are; after that an agent decides (a long chat the model could
  not place in its first lines rarely becomes clear to it later).
- **Duplicates and incidents** compare tickets, by the text they were opened with: only a
  ticket's first message, while the ticket has no stored embedding, is searched for.
- **Abuse and tone** start from cheap cues (kefu/triage/safety_cues.py: the lexicons, shouting,
  exclamation, words of anger or distress, a long line); the model scores a later line only when
  a cue fires. The opening line is always scored by the model (it is embedded for duplicates
  anyway). Flooding and repetition are counting and run on every line.

Every message is stored and marked enriched either way: nothing is dropped, only not re-done.
Pure: positions and ticket state come from the enrichers' reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kefu.domain.intents import OTHER

INTENT_BY_MODEL: Final = "model"
INTENT_BY_AGENT: Final = "agent"

# While a ticket's intent is unsettled, this many of its first customer lines are classified.
CLASSIFY_LINES: Final = 5
# The first this many customer lines of a ticket are scored for abuse and tone by the model.
SAFETY_MODEL_LINES: Final = 1


@dataclass(frozen=True)
class TicketIntent:
    """What a ticket knows of its conversation (columns of `tickets`)."""

    language: str | None
    intent: str | None
    source: str | None  # INTENT_BY_MODEL | INTENT_BY_AGENT | None


def intent_settled(ticket: TicketIntent) -> bool:
    """The model can no longer change the ticket's language or intent."""
    if ticket.language is None or ticket.intent is None:
        return False
    return ticket.source == INTENT_BY_AGENT or ticket.intent != OTHER


def needs_classifying(ticket: TicketIntent, position: int) -> bool:
    """Whether the customer's `position`-th line of the ticket (1 = first) is worth running the
    intent model on."""
    return not intent_settled(ticket) and position <= CLASSIFY_LINES


def may_duplicate(first_of_ticket: bool, ticket_embedded: bool) -> bool:
    """Whether a message is searched against the customer's open tickets (and incidents): it
    opened its ticket, and the ticket was not compared yet."""
    return first_of_ticket and not ticket_embedded


def needs_safety_model(position: int, cued: bool) -> bool:
    """Whether abuse and tone of the customer's `position`-th line need the embedding model;
    otherwise they are judged from the cheap cues alone (none fired: not abusive, neutral)."""
    return position <= SAFETY_MODEL_LINES or cued
