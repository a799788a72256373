"""team calendars, wait estimates, escalation triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

SLA rules stored before this revision all named a calendar ("24x7" by default); naming none
now means "the team's calendar, else 24x7". No team had a calendar before, so rules that said
"24x7" become "none named" and count exactly as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "wait_estimates",
        sa.Column("id", _ID, nullable=False),
        sa.Column("ticket_id", _ID, nullable=False),
        sa.Column("open_ticket_id", _ID, nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("estimated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("expected_seconds", sa.Float(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_wait_estimates_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wait_estimates")),
        sa.UniqueConstraint("open_ticket_id", name=op.f("uq_wait_estimates_open_ticket_id")),
    )
    with op.batch_alter_table("wait_estimates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wait_estimates_ended_at"), ["ended_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_wait_estimates_ticket_id"), ["ticket_id"], unique=False
        )

    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trigger", sa.String(length=32), nullable=True))

    with op.batch_alter_table("sla_policy_rules", schema=None) as batch_op:
        batch_op.alter_column("calendar", existing_type=sa.String(length=64), nullable=True)
    op.execute("UPDATE sla_policy_rules SET calendar = NULL WHERE calendar = '24x7'")

    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("languages", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("languages")
        batch_op.drop_column("calendar")

    op.execute("UPDATE sla_policy_rules SET calendar = '24x7' WHERE calendar IS NULL")
    with op.batch_alter_table("sla_policy_rules", schema=None) as batch_op:
        batch_op.alter_column("calendar", existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("trigger")

    with op.batch_alter_table("wait_estimates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wait_estimates_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_wait_estimates_ended_at"))
    op.drop_table("wait_estimates")
