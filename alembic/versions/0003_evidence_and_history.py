"""Evidence and history: page fetches, images as read, finding events, revocable
waivers, a rights register that keeps every change

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 02:16:17.206940
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_fetches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("requested_url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("images", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["pages.id"],
            name=op.f("fk_page_fetches_page_id_pages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_page_fetches_run_id_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_fetches")),
    )
    with op.batch_alter_table("page_fetches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_page_fetches_page_fetched", ["page_id", "fetched_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_page_fetches_run_id"), ["run_id"], unique=False)

    op.create_table(
        "rights_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rights_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rights_id"],
            ["rights.id"],
            name=op.f("fk_rights_events_rights_id_rights"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_events")),
    )
    with op.batch_alter_table("rights_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rights_events_rights_id"), ["rights_id"], unique=False)

    op.create_table(
        "finding_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["findings.id"],
            name=op.f("fk_finding_events_finding_id_findings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_finding_events_run_id_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_events")),
    )
    with op.batch_alter_table("finding_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finding_events_finding_id"), ["finding_id"], unique=False
        )

    with op.batch_alter_table("appearances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fetch_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("image_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("image_bytes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("embedded", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_appearances_fetch_id"), ["fetch_id"], unique=False)
        batch_op.create_index("ix_appearances_page_image", ["page_id", "image_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appearances_fetch_id_page_fetches"),
            "page_fetches",
            ["fetch_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("rights", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("removed_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("removed_reason", sa.Text(), nullable=True))

    with op.batch_alter_table("waivers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))

    _backfill_history()


def _backfill_history() -> None:
    """Give what an earlier release recorded its place in the new history tables: each
    finding was found (and perhaps resolved or waived), each agreement was added."""
    bind = op.get_bind()
    meta = sa.MetaData()
    findings = sa.Table("findings", meta, autoload_with=bind)
    waivers = sa.Table("waivers", meta, autoload_with=bind)
    rights = sa.Table("rights", meta, autoload_with=bind)
    finding_events = sa.Table("finding_events", meta, autoload_with=bind)
    rights_events = sa.Table("rights_events", meta, autoload_with=bind)
    note = "recorded before this database kept history"
    events: list[dict[str, object]] = []
    for row in bind.execute(sa.select(findings)).mappings():
        events.append(
            {
                "finding_id": row["id"],
                "at": row["first_seen"],
                "event": "found",
                "status": "open",
                "run_id": row["first_run_id"],
                "actor": None,
                "note": note,
            }
        )
        if row["resolved_at"] is not None:
            events.append(
                {
                    "finding_id": row["id"],
                    "at": row["resolved_at"],
                    "event": "resolved",
                    "status": "resolved",
                    "run_id": row["last_run_id"],
                    "actor": None,
                    "note": note,
                }
            )
    for row in bind.execute(sa.select(waivers)).mappings():
        events.append(
            {
                "finding_id": row["finding_id"],
                "at": row["created_at"],
                "event": "waived",
                "status": "waived",
                "run_id": None,
                "actor": row["created_by"],
                "note": row["reason"],
            }
        )
    if events:
        bind.execute(finding_events.insert(), events)
    added = [
        {
            "rights_id": row["id"],
            "at": row["created_at"],
            "action": "added",
            "actor": None,
            "reason": note,
            "entry": {
                "provider": row["provider"],
                "scope": row["scope"],
                "valid_from": row["valid_from"].isoformat() if row["valid_from"] else None,
                "valid_until": row["valid_until"].isoformat() if row["valid_until"] else None,
                "reference": row["reference"],
            },
        }
        for row in bind.execute(sa.select(rights)).mappings()
    ]
    if added:
        bind.execute(rights_events.insert(), added)


def downgrade() -> None:
    with op.batch_alter_table("waivers", schema=None) as batch_op:
        batch_op.drop_column("revoke_reason")
        batch_op.drop_column("revoked_by")
        batch_op.drop_column("revoked_at")

    with op.batch_alter_table("rights", schema=None) as batch_op:
        batch_op.drop_column("removed_reason")
        batch_op.drop_column("removed_by")
        batch_op.drop_column("removed_at")
        batch_op.drop_column("note")
        batch_op.drop_column("created_by")
        batch_op.drop_column("provider_name")

    with op.batch_alter_table("appearances", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_appearances_fetch_id_page_fetches"), type_="foreignkey"
        )
        batch_op.drop_index("ix_appearances_page_image")
        batch_op.drop_index(batch_op.f("ix_appearances_fetch_id"))
        batch_op.drop_column("embedded")
        batch_op.drop_column("image_bytes")
        batch_op.drop_column("image_sha256")
        batch_op.drop_column("fetch_id")

    with op.batch_alter_table("finding_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_events_finding_id"))

    op.drop_table("finding_events")
    with op.batch_alter_table("rights_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rights_events_rights_id"))

    op.drop_table("rights_events")
    with op.batch_alter_table("page_fetches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_fetches_run_id"))
        batch_op.drop_index("ix_page_fetches_page_fetched")

    op.drop_table("page_fetches")
