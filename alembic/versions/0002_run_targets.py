"""Run targets: what each run was asked to check and how far it got

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 07:33:34.293991
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["pages.id"],
            name=op.f("fk_run_targets_page_id_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_targets_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_targets")),
        sa.UniqueConstraint("run_id", "position", name=op.f("uq_run_targets_run_id")),
    )
    with op.batch_alter_table("run_targets", schema=None) as batch_op:
        batch_op.create_index("ix_run_targets_run_status", ["run_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("run_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_run_targets_run_status")

    op.drop_table("run_targets")
