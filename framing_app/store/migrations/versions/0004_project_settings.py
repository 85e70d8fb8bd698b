"""Project settings: a small table of named values that belong to the project.

Settings that belong to the project (blind coding, first of all) live in its
database, so that every coder who opens it, on any machine, gets the same;
the person's own settings (window layout, font size) stay in QSettings.

One row per setting that has been set: ``name`` (the setting's name, e.g.
``blind-coding``) and ``value`` (its value as text, written and read only by
``framing_app.services.project_settings``, which gives every setting a typed
accessor and a default). A setting never set has no row and reads as its
default, so this migration adds the table empty: an upgraded project behaves
exactly as before (blind coding off). Plain text columns, nothing
SQLite-specific: the same table works on PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "project_setting",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_project_setting_name_not_empty")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_project_setting")),
    )


def downgrade() -> None:
    op.drop_table("project_setting")
