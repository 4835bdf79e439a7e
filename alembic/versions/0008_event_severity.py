"""The severity of a finding with each event of its history, so that what changed
between two runs can say when a finding became more or less serious (a profile's
severity overrides change it); older events take their finding's severity

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("finding_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.String(length=10), nullable=True))
    op.execute(
        "UPDATE finding_events SET severity = "
        "(SELECT findings.severity FROM findings WHERE findings.id = finding_events.finding_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("finding_events", schema=None) as batch_op:
        batch_op.drop_column("severity")
