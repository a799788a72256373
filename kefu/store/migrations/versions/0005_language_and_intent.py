"""triage: language and intent of messages, intent corrections

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "intent_corrections",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("ticket_id", BIG_ID, nullable=False),
        sa.Column("message_id", BIG_ID, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("predicted", sa.String(length=64), nullable=True),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("agent_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_intent_corrections_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intent_corrections")),
    )
    with op.batch_alter_table("intent_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intent_corrections_ticket_id"), ["ticket_id"], unique=False
        )

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("intent", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("intent_confidence", sa.Float(), nullable=True))

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("intent_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("intent_source", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("intent_source")
        batch_op.drop_column("intent_confidence")

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("intent_confidence")
        batch_op.drop_column("intent")
        batch_op.drop_column("language")

    with op.batch_alter_table("intent_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intent_corrections_ticket_id"))

    op.drop_table("intent_corrections")
