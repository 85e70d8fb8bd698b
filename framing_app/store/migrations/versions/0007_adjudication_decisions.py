"""Adjudication decisions: a record of each disagreement the consensus coder has settled.

Until now a consensus meeting's decisions were read from the consensus
coder's own coding: a passage of the label in a unit said "present", its
status *done* on an article said "absent wherever it has no passage". An
*absent* decision leaves no passage, so it counted as resolved only once
the whole article was closed, and "12 of 40 resolved" lagged behind the
meeting. ``adjudication_decision`` records each decision itself, so that
every decision counts at once:

- a label decision: the consensus coder, the article, the label, the unit
  it was made at (``article``, ``paragraph``, ``sentence`` or ``span``) and
  its offsets (code points, end exclusive), and what it took (``coder``,
  ``both``, ``new`` or ``none``); one per unit;
- a question decision: the same with the question instead of the label,
  about the whole article; one per article and question.

Ids are never reused (undo steps hold them, as they hold annotation ids).
Deleting the coder, the article, the label or the question deletes its
decisions: a decision about something gone means nothing. An upgraded
project has no decisions; its consensus coder's passages and closed
articles still count as before. Plain types only, so the same migration
runs on PostgreSQL.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_STAMP = sa.String(length=27)
_TABLE = "adjudication_decision"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_at", _STAMP, nullable=False),
        sa.CheckConstraint(
            "(label_id IS NULL) <> (question_id IS NULL)",
            name=op.f("ck_adjudication_decision_label_or_question"),
        ),
        sa.CheckConstraint(
            "start_offset >= 0", name=op.f("ck_adjudication_decision_start_not_negative")
        ),
        sa.CheckConstraint(
            "start_offset < end_offset", name=op.f("ck_adjudication_decision_span_not_empty")
        ),
        sa.CheckConstraint(
            "unit IN ('article', 'paragraph', 'sentence', 'span')",
            name=op.f("ck_adjudication_decision_known_unit"),
        ),
        sa.CheckConstraint(
            "decision IN ('coder', 'both', 'new', 'none')",
            name=op.f("ck_adjudication_decision_known_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
            name=op.f("fk_adjudication_decision_coder_id_coder"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_adjudication_decision_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["label.id"],
            name=op.f("fk_adjudication_decision_label_id_label"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_adjudication_decision_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjudication_decision")),
        sa.UniqueConstraint(
            "coder_id",
            "article_id",
            "label_id",
            "unit",
            "start_offset",
            "end_offset",
            name=op.f("uq_adjudication_decision_label_unit"),
        ),
        sa.UniqueConstraint(
            "coder_id",
            "article_id",
            "question_id",
            name=op.f("uq_adjudication_decision_question"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_adjudication_decision_article", _TABLE, ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_adjudication_decision_article", table_name=_TABLE)
    op.drop_table(_TABLE)
