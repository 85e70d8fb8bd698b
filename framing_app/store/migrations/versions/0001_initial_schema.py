"""Initial schema: articles, coders, codebook labels, annotations, coding status.

Times are ISO 8601 UTC text (framing_app.store.models.UTCDateTime converts).
A migration never imports the live models, which
will have moved on by the time an old database is upgraded.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=512), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=512), nullable=True),
        sa.Column("published", sa.String(length=64), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("char_count", sa.Integer(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.String(length=27), nullable=False),
        sa.CheckConstraint("char_count > 0", name=op.f("ck_article_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article")),
        sa.UniqueConstraint("external_id", name=op.f("uq_article_external_id")),
        sa.UniqueConstraint("sha256", name=op.f("uq_article_sha256")),
    )
    op.create_table(
        "coder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_coder_name_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coder")),
        sa.UniqueConstraint("name", name=op.f("uq_coder_name")),
    )
    op.create_table(
        "label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("shortcut", sa.String(length=32), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_label_name_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label")),
        sa.UniqueConstraint("name", name=op.f("uq_label_name")),
        sa.UniqueConstraint("shortcut", name=op.f("uq_label_shortcut")),
    )
    op.create_table(
        "annotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.CheckConstraint("start_offset < end_offset", name=op.f("ck_annotation_span_not_empty")),
        sa.CheckConstraint("start_offset >= 0", name=op.f("ck_annotation_start_not_negative")),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_annotation_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
            name=op.f("fk_annotation_coder_id_coder"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["label.id"],
            name=op.f("fk_annotation_label_id_label"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation")),
        sa.UniqueConstraint(
            "article_id",
            "coder_id",
            "label_id",
            "start_offset",
            "end_offset",
            name="uq_annotation_span",
        ),
    )
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_annotation_article_coder", ["article_id", "coder_id"], unique=False
        )
        batch_op.create_index("ix_annotation_coder", ["coder_id"], unique=False)
        batch_op.create_index("ix_annotation_label", ["label_id"], unique=False)

    op.create_table(
        "coding_status",
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.CheckConstraint(
            "status IN ('not-started', 'in-progress', 'done')",
            name=op.f("ck_coding_status_known_status"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_coding_status_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
            name=op.f("fk_coding_status_coder_id_coder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("coder_id", "article_id", name=op.f("pk_coding_status")),
    )
    with op.batch_alter_table("coding_status", schema=None) as batch_op:
        batch_op.create_index("ix_coding_status_article", ["article_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coding_status", schema=None) as batch_op:
        batch_op.drop_index("ix_coding_status_article")

    op.drop_table("coding_status")
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_index("ix_annotation_label")
        batch_op.drop_index("ix_annotation_coder")
        batch_op.drop_index("ix_annotation_article_coder")

    op.drop_table("annotation")
    op.drop_table("label")
    op.drop_table("coder")
    op.drop_table("article")
