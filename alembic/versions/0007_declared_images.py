"""Images a page's sitemap declares: with a reading of a page in a scan, what its image
sitemap said of its images (address, caption, title, licence), as evidence beside
what the page itself showed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "declared_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fetch_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("licence", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fetch_id"],
            ["page_fetches.id"],
            name=op.f("fk_declared_images_fetch_id_page_fetches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declared_images")),
    )
    with op.batch_alter_table("declared_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declared_images_fetch_id"), ["fetch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("declared_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declared_images_fetch_id"))
    op.drop_table("declared_images")
