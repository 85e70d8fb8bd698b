"""Label ids are never reused: the label table gets SQLite's AUTOINCREMENT.

Undo and redo hold label ids (issue 7): a step that renames, restores or
re-tags with label 3 must never reach another label that took id 3 after
the first was deleted. Without AUTOINCREMENT SQLite gives a new row the
highest rowid + 1, so deleting the newest label and adding one reuses its
id; AUTOINCREMENT keeps the highest id ever used (in ``sqlite_sequence``).

As in 0003, SQLite cannot add AUTOINCREMENT to a table, so the table is
rebuilt from its definition as 0001 made it, every row copied with its id.
The annotation table refers to the label table, so the rebuild follows the
procedure of SQLite's documentation ("Making Other Kinds Of Table Schema
Changes", https://www.sqlite.org/lang_altertable.html): foreign keys are
switched off around the upgrade's transaction and checked before it
commits (see :func:`framing_app.store.migrate.migrate`).

On PostgreSQL the id's sequence never reuses an id; nothing to do there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def _label_table(*, autoincrement: bool) -> sa.Table:
    """The label table as 0001 created it, with or without AUTOINCREMENT."""
    return sa.Table(
        "label",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("shortcut", sa.String(length=32), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.CheckConstraint("name <> ''", name="ck_label_name_not_empty"),
        sa.PrimaryKeyConstraint("id", name="pk_label"),
        sa.UniqueConstraint("name", name="uq_label_name"),
        sa.UniqueConstraint("shortcut", name="uq_label_shortcut"),
        sqlite_autoincrement=autoincrement,
    )


def _rebuild(*, autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "label",
        copy_from=_label_table(autoincrement=not autoincrement),
        recreate="always",
        table_kwargs={"sqlite_autoincrement": autoincrement},
    ):
        pass


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
