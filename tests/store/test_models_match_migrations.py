"""The ORM models and the shipped migrations describe the same schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from framing_app.services.project import Project
from framing_app.store.models import Base


# SQLite cannot reflect the expression index on lower(title); Alembic skips
# it (and says so), the other columns, constraints and indexes are compared.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_no_difference_between_models_and_migrated_database(tmp_path: Path) -> None:
    with Project.open(path=tmp_path / "p.sqlite") as project, project.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
