"""The initial schema: dossiers, events, attachments, drafts, idempotency keys, outbox, numbering.

Revision ID: 0001
Revises:
Create Date: 2026-05-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the column types: a migration must not change when tables.py does.
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ID = sa.String(64)


def _instant(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(80), nullable=False),
        sa.Column("agency_id", _ID, nullable=False),
        sa.Column("procedure_code", _ID, nullable=False),
        sa.Column("procedure_version", sa.Integer(), nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("step", _ID, nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("applicant_user_id", sa.String(200), nullable=True),
        sa.Column("applicant_subject_id", sa.String(64), nullable=True),
        sa.Column("applicant_name", sa.String(300), nullable=False),
        sa.Column("applicant_contact", _JSON, nullable=False),
        _instant("received_at", nullable=False),
        _instant("due_at", nullable=True),
        _instant("step_due_at", nullable=True),
        _instant("appointment_at", nullable=True),
        _instant("completed_at", nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        _instant("paused_since", nullable=True),
        sa.Column("extensions_used", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tracking_secret_hash", sa.String(64), nullable=False),
        _instant("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dossiers"),
        sa.UniqueConstraint("number", name="uq_dossiers_number"),
        sa.CheckConstraint("channel IN ('online', 'direct', 'postal')", name="ck_dossiers_channel"),
        sa.CheckConstraint("version >= 1", name="ck_dossiers_version"),
    )
    op.create_index("ix_dossiers_applicant_user_id", "dossiers", ["applicant_user_id"])
    op.create_index("ix_dossiers_due_at", "dossiers", ["due_at"])
    op.create_index("ix_dossiers_step_due_at", "dossiers", ["step_due_at"])
    op.create_index("ix_dossiers_procedure_code_step", "dossiers", ["procedure_code", "step"])

    op.create_table(
        "events",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        _instant("at", nullable=False),
        sa.Column("action", _ID, nullable=False),
        sa.Column("from_step", _ID, nullable=True),
        sa.Column("to_step", _ID, nullable=False),
        sa.Column("user_id", sa.String(200), nullable=True),
        sa.Column("roles", _JSON, nullable=False),
        sa.Column("role", _ID, nullable=True),
        sa.Column("inputs", _JSON, nullable=False),
        sa.Column("side_events", _JSON, nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("extension", _JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name="fk_events_dossier_id_dossiers"
        ),
        sa.UniqueConstraint("dossier_id", "seq", name="uq_events_dossier_id_seq"),
    )

    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("document_id", _ID, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False),
        _instant("added_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name="fk_attachments_dossier_id_dossiers"
        ),
        sa.CheckConstraint("size >= 0", name="ck_attachments_size"),
    )
    op.create_index("ix_attachments_dossier_id", "attachments", ["dossier_id"])

    op.create_table(
        "drafts",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("procedure_code", _ID, nullable=False),
        sa.Column("procedure_version", sa.Integer(), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        _instant("expires_at", nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_drafts"),
    )
    op.create_index("ix_drafts_expires_at", "drafts", ["expires_at"])

    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        _instant("created_at", nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_idempotency_keys"),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name="fk_idempotency_keys_dossier_id_dossiers"
        ),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])

    op.create_table(
        "outbox",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("payload", _JSON, nullable=False),
        _instant("created_at", nullable=False),
        _instant("claimed_at", nullable=True),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        _instant("delivered_at", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["id"],
        postgresql_where=sa.text("delivered_at IS NULL"),
        sqlite_where=sa.text("delivered_at IS NULL"),
    )

    op.create_table(
        "daily_sequences",
        sa.Column("agency_id", _ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "day", name="pk_daily_sequences"),
    )
    _append_only_events()


def _append_only_events() -> None:
    """Refuse UPDATE and DELETE on events in the database itself, not only in the code."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION procgen_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'procgen events are append-only: % refused', TG_OP; END $$"
        )
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION procgen_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events BEGIN "
                f"SELECT RAISE(ABORT, 'procgen events are append-only: {verb} refused'); END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER events_append_only ON events")
        op.execute("DROP FUNCTION procgen_events_append_only()")
    else:
        op.execute("DROP TRIGGER events_no_update")
        op.execute("DROP TRIGGER events_no_delete")
    for table in (
        "daily_sequences",
        "outbox",
        "idempotency_keys",
        "drafts",
        "attachments",
        "events",
        "dossiers",
    ):
        op.drop_table(table)
