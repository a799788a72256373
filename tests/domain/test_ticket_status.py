"""The ticket status machine: allowed moves, closed is final, what messages do to status."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kefu.domain.enums import Direction, TicketStatus
from kefu.domain.errors import InvalidTransition
from kefu.domain.ticket_status import (
    ALLOWED,
    can_transition,
    check_transition,
    status_after_message,
)

S = TicketStatus

# The specification, written out independently of the implementation's table.
WORKING = {S.OPEN, S.PENDING, S.ON_HOLD}
EXPECTED: dict[TicketStatus, set[TicketStatus]] = {
    S.NEW: {S.OPEN, S.PENDING, S.ON_HOLD, S.SOLVED},
    S.OPEN: {S.PENDING, S.ON_HOLD, S.SOLVED},
    S.PENDING: {S.OPEN, S.ON_HOLD, S.SOLVED},
    S.ON_HOLD: {S.OPEN, S.PENDING, S.SOLVED},
    S.SOLVED: {S.OPEN, S.CLOSED},
    S.CLOSED: set(),
}
statuses = st.sampled_from(list(TicketStatus))
directions = st.sampled_from(list(Direction))


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_pair_matches_the_specification(current: TicketStatus, target: TicketStatus) -> None:
    allowed = target in EXPECTED[current]
    assert can_transition(current, target) is allowed
    if allowed:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition) as err:
            check_transition(current, target)
        assert err.value.status == 409
        assert current.value in err.value.detail


def test_table_covers_every_status() -> None:
    assert set(ALLOWED) == set(TicketStatus)
    assert {k: set(v) for k, v in ALLOWED.items()} == EXPECTED


def test_closed_is_final_and_only_reached_from_solved() -> None:
    assert not ALLOWED[S.CLOSED]
    assert [s for s in S if S.CLOSED in ALLOWED[s]] == [S.SOLVED]
    assert not any(S.NEW in ALLOWED[s] for s in S)  # nothing goes back to new
    with pytest.raises(InvalidTransition, match="closed is final"):
        check_transition(S.CLOSED, S.OPEN)


def _paths(start: TicketStatus, length: int) -> list[list[TicketStatus]]:
    paths = [[start]]
    for _ in range(length):
        paths = [[*p, n] for p in paths for n in sorted(EXPECTED[p[-1]])] + [
            p for p in paths if not EXPECTED[p[-1]]
        ]
    return paths


def test_every_allowed_path_of_up_to_six_moves_is_accepted() -> None:
    paths = _paths(S.NEW, 6)
    assert len(paths) > 100
    reached: set[TicketStatus] = set()
    for path in paths:
        for current, target in itertools.pairwise(path):
            check_transition(current, target)
        reached.update(path)
    assert reached == set(TicketStatus)


@given(statuses)
def test_same_status_is_never_a_transition(status: TicketStatus) -> None:
    with pytest.raises(InvalidTransition, match="already"):
        check_transition(status, status)


@given(statuses, directions)
def test_status_after_message_rules(current: TicketStatus, direction: Direction) -> None:
    if current == S.CLOSED:
        with pytest.raises(InvalidTransition, match="closed"):
            status_after_message(current, direction)
        return
    after = status_after_message(current, direction)
    if direction == Direction.INTERNAL:
        assert after is None
    elif direction == Direction.INBOUND:
        assert after == (S.OPEN if current in (S.PENDING, S.SOLVED) else None)
    else:
        assert after == (S.OPEN if current == S.NEW else None)
    if after is not None:  # a message never makes a move the machine forbids
        check_transition(current, after)


class TicketLifecycle(RuleBasedStateMachine):
    """Random walks: allowed moves succeed, everything else raises and changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.status = S.NEW
        self.history: list[TicketStatus] = [S.NEW]

    @rule(to=statuses)
    def move(self, to: TicketStatus) -> None:
        before = self.status
        if to in EXPECTED[before]:
            check_transition(before, to)
            self.status = to
            self.history.append(to)
        else:
            with pytest.raises(InvalidTransition):
                check_transition(before, to)
            assert self.status == before

    @rule(direction=directions)
    def message(self, direction: Direction) -> None:
        if self.status == S.CLOSED:
            with pytest.raises(InvalidTransition):
                status_after_message(self.status, direction)
            return
        after = status_after_message(self.status, direction)
        if after is not None:
            check_transition(self.status, after)
            self.status = after
            self.history.append(after)

    @precondition(lambda self: self.status == S.CLOSED)
    @rule(to=statuses)
    def closed_stays_closed(self, to: TicketStatus) -> None:
        with pytest.raises(InvalidTransition):
            check_transition(S.CLOSED, to)

    @invariant()
    def closed_only_at_the_end(self) -> None:
        if S.CLOSED in self.history:
            assert self.history.index(S.CLOSED) == len(self.history) - 1
            assert self.history[-2] == S.SOLVED

    @invariant()
    def new_only_at_the_start(self) -> None:
        assert S.NEW not in self.history[1:]


TestTicketLifecycle = TicketLifecycle.TestCase
TestTicketLifecycle.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)
