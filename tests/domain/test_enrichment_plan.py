from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.domain import enrichment_plan as plan
from kefu.domain.intents import INTENTS, OTHER

T = plan.TicketIntent
MODEL, AGENT = plan.INTENT_BY_MODEL, plan.INTENT_BY_AGENT

tickets = st.builds(
    plan.TicketIntent,
    language=st.sampled_from([None, "en", "es", "zh"]),
    intent=st.sampled_from([None, *INTENTS]),
    source=st.sampled_from([None, MODEL, AGENT]),
)


@pytest.mark.parametrize(
    ("ticket", "position", "classify"),
    [
        (T(None, None, None), 1, True),  # a new conversation
        (T("es", "deposit_missing", MODEL), 1, False),  # settled, even its first line
        (T("es", "deposit_missing", MODEL), 2, False),  # line 2 of a placed conversation
        (T("es", "deposit_missing", MODEL), 37, False),
        (T("es", OTHER, MODEL), 2, True),  # "hi" first, the matter may come next
        (T("es", OTHER, MODEL), plan.CLASSIFY_LINES, True),
        (T("es", OTHER, MODEL), plan.CLASSIFY_LINES + 1, False),  # an agent decides now
        (T("es", OTHER, AGENT), 2, False),  # an agent said "other": the model may not change it
        (T(None, "withdrawal_issue", AGENT), 2, True),  # the language is still unknown
        (T("en", None, None), 3, True),
        (T("en", None, None), 6, False),
    ],
)
def test_which_lines_are_classified(
    ticket: plan.TicketIntent, position: int, classify: bool
) -> None:
    assert plan.needs_classifying(ticket, position) is classify


@given(tickets, st.integers(min_value=1, max_value=10_000))
def test_a_settled_ticket_never_needs_the_model(ticket: plan.TicketIntent, position: int) -> None:
    if plan.intent_settled(ticket):
        assert not plan.needs_classifying(ticket, position)


@given(tickets, st.integers(min_value=1, max_value=10_000))
def test_classifying_is_bounded_to_the_opening_lines(
    ticket: plan.TicketIntent, position: int
) -> None:
    """At most CLASSIFY_LINES lines of any conversation meet the model, and the first line of a
    ticket the model could still change always does."""
    if position > plan.CLASSIFY_LINES:
        assert not plan.needs_classifying(ticket, position)
    if position == 1 and not plan.intent_settled(ticket):
        assert plan.needs_classifying(ticket, position)


@given(tickets)
def test_settled_means_the_model_could_not_change_the_ticket(ticket: plan.TicketIntent) -> None:
    """The rule of kefu/actions/classify.py `_ticket_changes`: the language is set while it is
    none, the intent while it is none or the model's `other`."""
    could_change = (
        ticket.language is None
        or ticket.intent is None
        or (ticket.source == MODEL and ticket.intent == OTHER)
    )
    # An unsourced intent (not written by kefu) is treated like the model's.
    if ticket.source is None and ticket.intent == OTHER:
        could_change = True
    assert plan.intent_settled(ticket) is not could_change


@given(st.booleans(), st.booleans())
def test_only_a_ticket_opening_message_is_searched_for_duplicates(
    first: bool, embedded: bool
) -> None:
    assert plan.may_duplicate(first, embedded) is (first and not embedded)


@given(st.integers(min_value=1, max_value=10_000), st.booleans())
def test_the_safety_model_reads_the_opening_line_and_cued_lines(position: int, cued: bool) -> None:
    wanted = plan.needs_safety_model(position, cued)
    if cued or position <= plan.SAFETY_MODEL_LINES:
        assert wanted
    else:
        assert not wanted
