"""Annotation ids are never reused: the annotation table gets SQLite's AUTOINCREMENT.

Without it SQLite gives a new row the highest rowid + 1, so deleting the
newest annotation and tagging again reuses its id, and an id written in an
exported CSV or a memo comes to mean another annotation. AUTOINCREMENT keeps
the highest id ever used (in ``sqlite_sequence``) and never goes below it.

SQLite cannot add AUTOINCREMENT to a table: the table is rebuilt (batch
"recreate": a new table, every row copied with its id, the old one dropped,
the new one renamed), from the table as 0001 made it, spelled out here
(a migration never imports the live models). Every row, id, constraint and
index is kept; ``sqlite_sequence`` starts at the highest id present. (Ids
above it, deleted before this upgrade, were not recorded anywhere and may be
given once more.) Nothing references the annotation table, so the rebuild
touches no other table.

On PostgreSQL the id's sequence never reuses an id; nothing to do there.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def _annotation_table(*, autoincrement: bool) -> sa.Table:
    """The annotation table as 0001 created it, with or without AUTOINCREMENT."""
    return sa.Table(
        "annotation",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.CheckConstraint("start_offset < end_offset", name="ck_annotation_span_not_empty"),
        sa.CheckConstraint("start_offset >= 0", name="ck_annotation_start_not_negative"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name="fk_annotation_article_id_article",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coder.id"], name="fk_annotation_coder_id_coder", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["label_id"], ["label.id"], name="fk_annotation_label_id_label", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_annotation"),
        sa.UniqueConstraint(
            "article_id",
            "coder_id",
            "label_id",
            "start_offset",
            "end_offset",
            name="uq_annotation_span",
        ),
        sa.Index("ix_annotation_article_coder", "article_id", "coder_id"),
        sa.Index("ix_annotation_coder", "coder_id"),
        sa.Index("ix_annotation_label", "label_id"),
        sqlite_autoincrement=autoincrement,
    )


def _rebuild(*, autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "annotation",
        copy_from=_annotation_table(autoincrement=not autoincrement),
        recreate="always",
        table_kwargs={"sqlite_autoincrement": autoincrement},
    ):
        pass


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
