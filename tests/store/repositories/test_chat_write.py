"""The one-statement chat write renders what Python renders: timestamps as
`kefu.store.serialize.iso` does, the status rule as `status_after_message` decides."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.domain.enums import Direction, TicketStatus
from kefu.domain.ticket_status import status_after_message
from kefu.store.raw_pg import RawPostgres, postgres_dsn
from kefu.store.repositories.chat_write import _iso_sql, _status_case, statement
from kefu.store.serialize import iso
from tests import support

MOMENTS = [
    datetime(2026, 11, 24, 13, 5, 0, tzinfo=UTC),  # no fraction: isoformat leaves it out
    datetime(2026, 11, 24, 13, 5, 0, 1, tzinfo=UTC),
    datetime(2026, 11, 24, 13, 5, 0, 999_999, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC),
    datetime(2000, 2, 29, 0, 0, 0, 120_000, tzinfo=UTC),
]


@pytest.fixture
async def raw(pg_ready: bool) -> RawPostgres:
    if not pg_ready:
        pytest.skip("PostgreSQL unreachable")
    dsn = postgres_dsn(support.PG_URL)
    assert dsn is not None
    pool = RawPostgres(dsn, size=1)
    yield pool  # type: ignore[misc]
    await pool.close()


async def test_timestamps_render_as_python_renders_them(raw: RawPostgres) -> None:
    async with raw.connection() as connection:
        for moment in MOMENTS:
            rendered = await connection.fetchval(f"SELECT {_iso_sql('$1::timestamptz')}", moment)
            assert rendered == iso(moment)


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    )
)
async def test_any_timestamp_renders_as_python_renders_it(moment: datetime) -> None:
    dsn = postgres_dsn(support.PG_URL)
    assert dsn is not None
    pool = RawPostgres(dsn, size=1)
    try:
        async with pool.connection() as connection:
            rendered = await connection.fetchval(f"SELECT {_iso_sql('$1::timestamptz')}", moment)
    except OSError:
        pytest.skip("PostgreSQL unreachable")
    finally:
        await pool.close()
    assert rendered == iso(moment)


@pytest.mark.parametrize("direction", [Direction.INBOUND, Direction.OUTBOUND])
def test_the_status_rule_is_the_domains(direction: Direction) -> None:
    case = _status_case(direction)
    for status in TicketStatus:
        if status == TicketStatus.CLOSED:
            assert f"WHEN '{status.value}'" not in case
            continue
        after = status_after_message(status, direction)
        arm = f"WHEN '{status.value}' THEN '{after.value}'" if after else None
        assert (arm in case) if arm else f"WHEN '{status.value}'" not in case
    assert _status_case(direction) in statement(direction)
