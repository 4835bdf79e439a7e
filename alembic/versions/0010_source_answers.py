"""Licences checked at their source: every answer of Wikimedia Commons and Flickr kept
with its time (``source_answers``), and what the source said of each image as the rules
used it (``appearances.at_source``)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=True),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_answers")),
    )
    op.create_index(
        "ix_source_answers_item_asked", "source_answers", ["item_key", "asked_at"], unique=False
    )
    with op.batch_alter_table("appearances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("at_source", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appearances", schema=None) as batch_op:
        batch_op.drop_column("at_source")
    op.drop_index("ix_source_answers_item_asked", table_name="source_answers")
    op.drop_table("source_answers")
