"""Incremental scans: each reading of a page keeps the validators its server gave
(ETag, Last-Modified) for the next scan's conditional request, and whether the page was
found unchanged (not parsed again); a run counts its unchanged and skipped pages

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page_fetches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("etag", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("last_modified", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("unchanged", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pages_unchanged", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("pages_skipped", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("pages_skipped")
        batch_op.drop_column("pages_unchanged")
    with op.batch_alter_table("page_fetches", schema=None) as batch_op:
        batch_op.drop_column("unchanged")
        batch_op.drop_column("last_modified")
        batch_op.drop_column("etag")
