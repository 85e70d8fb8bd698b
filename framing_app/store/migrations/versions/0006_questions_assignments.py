"""Article-level questions and their answers, assignments, the consensus coder.

Issue 8 (reliability) needs four things the schema did not hold:

- ``question``: an article-level question of the codebook (name, level of
  measurement, options in order as a JSON array, definition, position,
  archived); ids never reused, since undo steps hold them.
- ``answer``: one coder's answer to one question about one article; at most
  one per (article, coder, question). Deleting an article deletes its
  answers, as it deletes its annotations; a coder or a question with
  answers cannot be deleted behind the user's back (RESTRICT).
- ``assignment``: which coder is to code which article, and whether the
  article is in the reliability (overlap) sample.
- ``coder.consensus``: marks the coder that holds adjudicated decisions.

An upgraded project has no questions, answers or assignments and no
consensus coder: it behaves exactly as before. Plain types only, so the same
migration runs on PostgreSQL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_STAMP = sa.String(length=27)


def upgrade() -> None:
    with op.batch_alter_table("coder") as batch:
        batch.add_column(sa.Column("consensus", sa.Boolean(), server_default="0", nullable=False))
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_question_name_not_empty")),
        sa.CheckConstraint(
            "level IN ('nominal', 'ordinal', 'interval', 'ratio')",
            name=op.f("ck_question_known_level"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
        sa.UniqueConstraint("name", name=op.f("uq_question_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("updated_at", _STAMP, nullable=False),
        sa.CheckConstraint("value <> ''", name=op.f("ck_answer_value_not_empty")),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_answer_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coder.id"], name=op.f("fk_answer_coder_id_coder"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_answer_question_id_question"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
        sa.UniqueConstraint("article_id", "coder_id", "question_id", name="uq_answer_one"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_answer_question", "answer", ["question_id"])
    op.create_index("ix_answer_coder", "answer", ["coder_id"])
    op.create_table(
        "assignment",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("in_sample", sa.Boolean(), nullable=False),
        sa.Column("assigned_at", _STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_assignment_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
            name=op.f("fk_assignment_coder_id_coder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "coder_id", name=op.f("pk_assignment")),
    )
    op.create_index("ix_assignment_coder", "assignment", ["coder_id"])


def downgrade() -> None:
    op.drop_index("ix_assignment_coder", table_name="assignment")
    op.drop_table("assignment")
    op.drop_index("ix_answer_coder", table_name="answer")
    op.drop_index("ix_answer_question", table_name="answer")
    op.drop_table("answer")
    op.drop_table("question")
    with op.batch_alter_table("coder") as batch:
        batch.drop_column("consensus")
