"""URLs of any length: pages and images are unique by the SHA-256 of their URL, and
the URL itself is unbounded text

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 04:30:00.000000
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("pages", "images")


def _key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def upgrade() -> None:
    connection = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("url_key", sa.String(length=64), nullable=True))
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("url", sa.Text))
        keyed = sa.table(table, sa.column("id", sa.Integer), sa.column("url_key", sa.String))
        for row_id, url in connection.execute(sa.select(rows.c.id, rows.c.url)).all():
            connection.execute(
                sa.update(keyed).where(keyed.c.id == row_id).values(url_key=_key(url))
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_url", type_="unique")
            batch_op.alter_column(
                "url", existing_type=sa.String(length=2048), type_=sa.Text(), nullable=False
            )
            batch_op.alter_column("url_key", existing_type=sa.String(length=64), nullable=False)
            batch_op.create_unique_constraint(f"uq_{table}_url_key", ["url_key"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_url_key", type_="unique")
            batch_op.drop_column("url_key")
            batch_op.alter_column(
                "url", existing_type=sa.Text(), type_=sa.String(length=2048), nullable=False
            )
            batch_op.create_unique_constraint(f"uq_{table}_url", ["url"])
