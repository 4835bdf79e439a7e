"""Scans on workers: how many times a run's target was in the hands of a worker that
was lost, which worker took it up, and the workers themselves as they last reported
(health and progress in ``attribution runs``)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_targets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("workers_lost", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("worker", sa.String(length=255), nullable=True))
    op.create_table(
        "workers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("concurrency", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("in_hand", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_workers_run_id_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
        sa.UniqueConstraint("name", name=op.f("uq_workers_name")),
    )
    op.create_index(op.f("ix_workers_run_id"), "workers", ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_workers_run_id"), table_name="workers")
    op.drop_table("workers")
    with op.batch_alter_table("run_targets", schema=None) as batch_op:
        batch_op.drop_column("worker")
        batch_op.drop_column("workers_lost")
