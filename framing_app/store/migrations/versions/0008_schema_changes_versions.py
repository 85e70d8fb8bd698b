"""A record of every schema change, and a version on every annotation.

``schema_change``: which revision, from which, by whom, when.

On a shared server schema changes are never automatic (issue 9): the lead
runs ``framing-app --db URL server migrate``, and the project keeps who did
it and when, as a DBA expects to find in the database itself. SQLite
projects upgrade on open; their upgrades are recorded the same way, with the
operating system's user name. ``server init`` records the creation.

Rows are only ever added. Plain columns, nothing backend-specific.

``annotation.version``: a counter that every change of the row increases
(SQLAlchemy's ``version_id_col``), so that on a shared server an edit or an
undo made from a stale view is refused instead of silently overwriting what
someone else did meanwhile. Existing annotations start at 1.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "schema_change",
        sa.Column("id", sa.Integer(), nullable=False),
        # None: the schema was created from nothing.
        sa.Column("from_revision", sa.String(length=32), nullable=True),
        sa.Column("to_revision", sa.String(length=32), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("program", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schema_change")),
    )
    # A constant default: SQLite adds the column in place, no table rebuild.
    op.add_column(
        "annotation", sa.Column("version", sa.Integer(), nullable=False, server_default="1")
    )


def downgrade() -> None:
    with op.batch_alter_table("annotation") as batch:
        batch.drop_column("version")
    op.drop_table("schema_change")
