"""Issue 9: a project of the first release (schema 0001) upgrades through every migration.

On a SQLite file and on a PostgreSQL database alike, the project of
:mod:`first_release` (every kind of row schema 0001 holds, written with the
drivers) keeps every row, ids included, after each single migration step and
after the upgrade that opening the project runs; once upgraded, the services
read back what the rows meant (each passage is ``text[start:end]`` of its
article, labels, coders and statuses as they were), the columns and tables
added since hold their documented defaults, ids are not given twice, and the
schema is the one a new project gets. An upgrade that fails part-way changes
nothing. The revisions come from the script directory, so a migration added
later is covered without touching this file.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from first_release import (
    ANNOTATIONS,
    ARTICLES,
    CODERS,
    CODING_STATUSES,
    FIRST_RELEASE,
    FIRST_REVISION,
    LABELS,
    TEXTS,
    Rows,
    columns_of,
    expected_rows,
    make_first_release_project,
    stored_rows,
)
from old_projects import STAMP, database_revision, revisions_after, upgrade_database
from raw_db import raw_connection
from sqlalchemy import create_engine, exc, inspect
from sqlalchemy.engine import make_url

from framing_app.core.records import CodingStatus
from framing_app.formats.annotation_csv import read_annotation_csv
from framing_app.services.agreement_options import agreement_coders
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.articles import get_article, list_articles
from framing_app.services.codebook import add_label, delete_label, list_labels
from framing_app.services.coders import list_coders
from framing_app.services.coding_status import status_table
from framing_app.services.project import Project
from framing_app.services.project_settings import blind_coding
from framing_app.services.questions import list_questions
from framing_app.services.server_admin import init_server, migrate_server
from framing_app.services.tagging import annotate, delete_annotation, list_annotations
from framing_app.store.engine import create_project_engine, sqlite_url
from framing_app.store.migrate import MIGRATIONS_DIR, head_revision, migrate
from framing_app.store.models import Base

# Columns added to the first release's tables since, with the value an
# upgraded row gets, as each migration documents it. A migration that adds a
# column to one of these tables must add it here.
ADDED_COLUMN_DEFAULTS: dict[tuple[str, str], object] = {
    # 0006: "An upgraded project has ... no consensus coder".
    ("coder", "consensus"): False,
    # 0008: "Existing annotations start at 1".
    ("annotation", "version"): 1,
}

# The table in which every schema change records itself (0008), if there is one.
UPGRADE_RECORD = "schema_change"

NewDatabase = Callable[[], str]


@pytest.fixture
def new_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[NewDatabase]:
    """Makes empty databases on the test's backend and gives their URLs.

    SQLite: a file name in ``tmp_path`` (the file appears when first opened);
    PostgreSQL: a new database with nothing in it, dropped after the test.
    """
    made: list[str] = []
    databases = request.getfixturevalue("pg_databases") if backend == "postgresql" else None

    def make() -> str:
        if databases is None:
            made.append(f"project-{len(made) + 1}")
            return sqlite_url(tmp_path / f"{made[-1]}.sqlite")
        made.append(databases.create_empty())
        return str(databases.server.url(made[-1]))

    yield make
    if databases is not None:
        for name in made:
            databases.drop(name)


# --------------------------------------------------------------------------- rows kept


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def assert_rows_kept(url: str, after: str, extra: Rows | None = None) -> None:
    """Every row of the fixture (and *extra*) is in the database at *url*, every value as written.

    Compared table by table and row by row, so that a failure names the
    table, the row's key and the columns that changed (not a diff of a
    quarter of a million characters of text).
    """
    found = stored_rows(url)
    for table, want in expected_rows(extra).items():
        columns = FIRST_RELEASE[table].columns
        got = found[table]
        assert [r[: len(FIRST_RELEASE[table].key)] for r in got] == [
            r[: len(FIRST_RELEASE[table].key)] for r in want
        ], f"after {after}: the rows of {table} are not the same rows"
        for old, new in zip(want, got, strict=True):
            changed = [
                f"{column}: {_shown(a)} -> {_shown(b)}"
                for column, a, b in zip(columns, old, new, strict=True)
                if a != b or type(a) is not type(b)
            ]
            assert not changed, f"after {after}: {table} row {old[0]} changed: {changed}"


def assert_sound(url: str) -> None:
    """SQLite: the file passes its integrity check and no row points at nothing.

    (PostgreSQL checks every foreign key on every write.)
    """
    with raw_connection(url) as conn:
        if conn.sqlite:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_fixture_is_what_schema_0001_holds(backend: str, new_database: NewDatabase) -> None:
    url = new_database()
    make_first_release_project(url)  # checks that every column of 0001 is filled
    assert database_revision(url) == FIRST_REVISION
    assert_rows_kept(url, "writing them")
    assert_sound(url)
    assert {status for *_, status, _when in CODING_STATUSES.rows} == {s.value for s in CodingStatus}


def test_each_migration_step_keeps_every_row(backend: str, new_database: NewDatabase) -> None:
    url = new_database()
    make_first_release_project(url)
    steps = revisions_after(FIRST_REVISION)
    assert steps[-1] == head_revision()
    for step in steps:
        upgrade_database(url, step)
        assert database_revision(url) == step
        assert_rows_kept(url, f"the step to {step}")
        assert_sound(url)


# --------------------------------------------------------------------------- meaning


def _when(stamp: object) -> datetime:
    assert isinstance(stamp, str)
    return datetime.fromisoformat(stamp)


def _coder_names() -> dict[int, str]:
    return {row["id"]: row["name"] for row in CODERS.as_dicts()}


def _label_names() -> dict[int, str]:
    return {row["id"]: row["name"] for row in LABELS.as_dicts()}


def _expected_annotations() -> list[tuple[Any, ...]]:
    """(id, article id, coder, label, start, end, passage, memo, created, updated) of each."""
    coders, labels = _coder_names(), _label_names()
    return [
        (
            a["id"],
            a["article_id"],
            coders[a["coder_id"]],
            labels[a["label_id"]],
            a["start_offset"],
            a["end_offset"],
            TEXTS[a["article_id"]][a["start_offset"] : a["end_offset"]],
            a["memo"],
            _when(a["created_at"]),
            _when(a["updated_at"]),
        )
        for a in ANNOTATIONS.as_dicts()
    ]


def check_articles(project: Project) -> None:
    coders = _coder_names()
    counts: dict[int, Counter[str]] = {}
    for a in ANNOTATIONS.as_dicts():
        counts.setdefault(a["article_id"], Counter())[coders[a["coder_id"]]] += 1
    summaries = {s.id: s for s in list_articles(project)}
    assert sorted(summaries) == [row["id"] for row in ARTICLES.as_dicts()]
    for row in ARTICLES.as_dicts():
        ident = row["id"]
        assert isinstance(ident, int)
        article = get_article(project, ident)
        assert (
            article.external_id,
            article.title,
            article.source,
            article.published,
            article.url,
            article.sha256,
        ) == (row["external_id"], row["title"], row["source"], row["published"], row["url"],
              row["sha256"])  # fmt: skip
        assert article.text == TEXTS[ident]
        summary = summaries[ident]
        assert summary.char_count == len(TEXTS[ident])
        assert summary.annotations_by_coder == dict(counts.get(ident, {}))


def check_passages(project: Project, folder: Path) -> None:
    """Each annotation, read by the reader's service and exported, points at its passage.

    The export cuts passages out in the database (``substr``), the reader in
    Python: both must count code points as the offsets do, on either backend.
    """
    expected = _expected_annotations()
    listed = [
        (i.id, i.article_id, i.coder, i.label, i.start, i.end, i.text, i.memo, i.created_at,
         i.updated_at)
        for article in TEXTS
        for i in list_annotations(project, article)
    ]  # fmt: skip
    assert sorted(listed) == expected
    path = folder / "annotations.csv"
    assert export_annotations_to_file(project, path) == len(expected)
    articles = {row["id"]: row for row in ARTICLES.as_dicts()}
    exported = [
        (r.annotation_id, r.article_id, r.coder, r.label, r.start, r.end, r.text, r.memo,
         r.created_at, r.updated_at)
        for r in read_annotation_csv(path)
    ]  # fmt: skip
    assert exported == expected
    for r in read_annotation_csv(path):
        article = articles[r.article_id]
        assert (r.article_external_id, r.article_title, r.article_sha256) == (
            article["external_id"],
            article["title"],
            article["sha256"],
        )


def check_codebook(project: Project) -> None:
    used = Counter(a["label_id"] for a in ANNOTATIONS.as_dicts())
    expected = [
        (*row[:7], used[row[0]])
        for row in sorted(LABELS.rows, key=lambda row: (row[5], row[0]))  # position, id
    ]
    labels = list_labels(project)
    assert [
        (i.id, i.name, i.definition, i.color, i.shortcut, i.position, i.archived, i.annotations)
        for i in labels
    ] == expected
    assert all(type(i.archived) is bool for i in labels)
    assert [i.id for i in list_labels(project, include_archived=False)] == [
        row[0] for row in expected if not row[6]
    ]


def check_coders(project: Project) -> None:
    used = Counter(a["coder_id"] for a in ANNOTATIONS.as_dicts())
    assert sorted((c.id, c.name, c.annotations) for c in list_coders(project)) == [
        (ident, name, used[ident]) for ident, name, _created in CODERS.rows
    ]
    choices = agreement_coders(project)
    assert sorted(c.name for c in choices) == sorted(_coder_names().values())
    assert [c.consensus for c in choices] == [False] * len(choices)


def check_statuses(project: Project) -> None:
    stored = {(row[0], row[1]): row[2] for row in CODING_STATUSES.rows}
    for ident, name in _coder_names().items():
        table = status_table(project, name)
        assert [line.id for line in table] == sorted(TEXTS)
        assert {line.id: line.status for line in table} == {
            article: CodingStatus(stored.get((ident, article), "not-started")) for article in TEXTS
        }, name


def check_later_additions(project: Project, url: str) -> None:
    """What later revisions added: documented defaults in new columns, new tables empty.

    Except the record of schema changes (0008), which holds this upgrade.
    """
    columns = columns_of(url)
    with raw_connection(url) as conn:
        for table, content in FIRST_RELEASE.items():
            for column in sorted(columns[table] - set(content.columns)):
                assert (table, column) in ADDED_COLUMN_DEFAULTS, (
                    f"{table}.{column} was added after 0001: give its documented value for "
                    "upgraded rows in ADDED_COLUMN_DEFAULTS"
                )
                default = ADDED_COLUMN_DEFAULTS[table, column]
                values = [row[0] for row in conn.execute(f'SELECT "{column}" FROM "{table}"')]
                if isinstance(default, bool):
                    assert all(type(v) in (int, bool) for v in values), (table, column, values)
                    values = [bool(v) for v in values]
                assert values == [default] * len(content.rows), (table, column)
        for table in sorted(set(columns) - set(FIRST_RELEASE) - {UPGRADE_RECORD}):
            count = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert count == 0, f"{table}, added after 0001, has {count} rows in an upgrade"
        if UPGRADE_RECORD in columns:
            recorded = conn.execute(
                f"SELECT from_revision, to_revision, changed_by, program FROM {UPGRADE_RECORD}"
            ).fetchall()
            assert [tuple(r[:2]) for r in recorded] == [(FIRST_REVISION, head_revision())]
            assert recorded[0][2]
            assert recorded[0][3].startswith("framing-app ")
    assert blind_coding(project) is False
    assert list_questions(project) == []


def _by_name(items: list[Any]) -> list[Any]:
    """Reflected constraints or indexes in name order.

    Alembic's batch mode rebuilds a SQLite table (0003, 0005) with its
    constraints in the order of a Python set, which differs from run to
    run; the order means nothing to SQLite.
    """
    return sorted(items, key=lambda item: str(item.get("name")))


def _clauses(sql: str | None) -> list[str] | None:
    """A SQLite ``CREATE`` statement as its clauses (one a line), in any order (see _by_name)."""
    if sql is None:
        return None
    return sorted(line.strip().rstrip(",") for line in sql.splitlines())


def _schema(url: str) -> dict[str, object]:
    """Tables, columns (names, types, nullability, defaults), keys, constraints and indexes.

    What SQLAlchemy reflects, plus each backend's own catalogue: SQLite's
    ``CREATE`` statements (they show AUTOINCREMENT and the expression index
    that reflection skips); PostgreSQL's constraint and index definitions,
    and its row-level security and policies.
    """
    engine = create_engine(url)
    try:
        found = inspect(engine)
        schema: dict[str, object] = {
            table: {
                "columns": [{**c, "type": str(c["type"])} for c in found.get_columns(table)],
                "primary key": found.get_pk_constraint(table),
                "foreign keys": _by_name(found.get_foreign_keys(table)),
                "unique": _by_name(found.get_unique_constraints(table)),
                "checks": _by_name(found.get_check_constraints(table)),
                "indexes": _by_name(found.get_indexes(table)),
            }
            for table in found.get_table_names()
        }
    finally:
        engine.dispose()
    with raw_connection(url) as conn:
        if conn.sqlite:
            schema["catalogue"] = [
                (kind, name, table, _clauses(sql))
                for kind, name, table, sql in conn.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
                )
            ]
            return schema
        public = "relnamespace = 'public'::regnamespace"
        catalogue = {
            "constraints": "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)"
            f" FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.{public}",
            "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = 'public'",
            "sequences": "SELECT sequencename, data_type FROM pg_sequences"
            " WHERE schemaname = 'public'",
            "row security": f"SELECT relname, relrowsecurity FROM pg_class WHERE {public}"
            " AND relkind = 'r'",
            "policies": "SELECT tablename, policyname, cmd, roles::text, qual, with_check"
            " FROM pg_policies WHERE schemaname = 'public'",
            "grants": "SELECT table_name, grantee, privilege_type"
            " FROM information_schema.role_table_grants WHERE table_schema = 'public'",
        }
        for part, query in catalogue.items():
            schema[part] = sorted(tuple(row) for row in conn.execute(query).fetchall())
    return schema


def check_schema_like_new(url: str, new_url: str) -> None:
    """The upgraded database has the schema (and, on a server, the policies) of a new project."""
    if make_url(new_url).get_backend_name() == "sqlite":
        Project.open(url=new_url).close()
    else:
        init_server(new_url)
    upgraded, new = _schema(url), _schema(new_url)
    assert sorted(upgraded) == sorted(new)
    for part in sorted(new):
        assert upgraded[part] == new[part], part


def check_models_match(url: str) -> None:
    """The application's models describe the upgraded database: types and server defaults too."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def check_ids_never_reused(project: Project) -> None:
    """Deleting the newest annotation (and label) and making one again gives a new id."""
    newest = max(row[0] for row in ANNOTATIONS.rows)
    gone = delete_annotation(project, newest)
    again = annotate(
        project,
        coder=gone.coder,
        article=gone.article_id,
        label=gone.label,
        start=gone.start,
        end=gone.end,
        memo=gone.memo,
    )
    assert again.id > gone.id
    assert again.text == gone.text == TEXTS[gone.article_id][gone.start : gone.end]
    newest_label = max(LABELS.rows, key=lambda row: row[0])
    assert delete_label(project, str(newest_label[1])) == 0
    assert add_label(project, str(newest_label[1])).id > newest_label[0]


# SQLite cannot reflect the expression index on lower(title) (SQLAlchemy and
# Alembic say so); the comparison of the catalogues covers it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_first_release_project_opens_upgraded_with_its_meaning(
    backend: str, new_database: NewDatabase, tmp_path: Path
) -> None:
    url = new_database()
    make_first_release_project(url)

    if backend == "sqlite":
        engine = create_project_engine(url)  # as Project.open upgrades a file
        try:
            result = migrate(engine)
        finally:
            engine.dispose()
        assert (result.created, result.upgraded_from) == (False, FIRST_REVISION)
        # The file as it was, beside it.
        assert result.backup is not None
        assert result.backup.is_file()
        backup_url = sqlite_url(result.backup)
        assert database_revision(backup_url) == FIRST_REVISION
        assert_rows_kept(backup_url, "the backup")
        assert set(columns_of(backup_url)) == set(FIRST_RELEASE)
    else:
        # As the lead upgrades a server (`server migrate`); Project.open never does.
        # (The group roles exist: the session's template was made by `server init`.)
        report = migrate_server(url)
        assert (report.before, report.after, report.changed) == (
            FIRST_REVISION,
            head_revision(),
            True,
        )
    assert database_revision(url) == head_revision()
    assert_rows_kept(url, "the upgrade")
    assert_sound(url)

    with Project.open(url=url) as project:
        assert project.migration.upgraded_from is None
        check_articles(project)
        check_passages(project, tmp_path)
        check_codebook(project)
        check_coders(project)
        check_statuses(project)
        check_later_additions(project, url)
    check_schema_like_new(url, new_database())
    check_models_match(url)
    with Project.open(url=url) as project:
        check_ids_never_reused(project)


# --------------------------------------------------------------------------- all or nothing

FAILING_REVISION = '''"""Test-only: coder names unique whatever their case."""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("uq_coder_name_key", "coder", [sa.text("lower(name)")], unique=True)


def downgrade() -> None:
    op.drop_index("uq_coder_name_key", table_name="coder")
'''


def _with_failing_revision(tmp_path: Path) -> Path:
    """The shipped migrations and a newer one that two coders of the first release break."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9001_coder_name_key.py").write_text(
        FAILING_REVISION.format(head=head_revision()), encoding="utf-8"
    )
    return folder


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_an_upgrade_that_fails_part_way_changes_nothing(
    backend: str, new_database: NewDatabase, tmp_path: Path
) -> None:
    """Every step but the last succeeds; the last fails on a row; the database stays at 0001."""
    url = new_database()
    # "alice" and "Alice": two coders to schema 0001, one to a case-blind unique index.
    extra: Rows = {"coder": [(6, "Alice", STAMP)]}
    make_first_release_project(url, extra)
    before = _schema(url)
    folder = _with_failing_revision(tmp_path)
    assert revisions_after(FIRST_REVISION, folder)[-2:] == [head_revision(), "9001"]

    engine = create_project_engine(url)
    try:
        with pytest.raises(exc.IntegrityError, match="uq_coder_name_key"):
            migrate(engine, folder)
    finally:
        engine.dispose()

    assert database_revision(url) == FIRST_REVISION
    assert _schema(url) == before
    assert_rows_kept(url, "the failed upgrade", extra)
    assert_sound(url)
    if backend == "sqlite":
        (backup,) = tmp_path.glob("project-1.backup-*.sqlite")
        assert database_revision(sqlite_url(backup)) == FIRST_REVISION

    # Nothing was left half-done: the shipped migrations upgrade it as usual.
    if backend == "sqlite":
        with Project.open(url=url) as project:
            assert project.migration.upgraded_from == FIRST_REVISION
    else:
        assert migrate_server(url).before == FIRST_REVISION
    assert database_revision(url) == head_revision()
    assert_rows_kept(url, "the upgrade after the failed one", extra)


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_a_failing_step_leaves_the_revision_before_it(
    backend: str, new_database: NewDatabase, tmp_path: Path
) -> None:
    """Step by step, the failing step alone is undone: the database stays at the head before it."""
    url = new_database()
    extra: Rows = {"coder": [(6, "Alice", STAMP)]}
    make_first_release_project(url, extra)
    folder = _with_failing_revision(tmp_path)
    *steps, failing = revisions_after(FIRST_REVISION, folder)
    for step in steps:
        upgrade_database(url, step, folder)
    before = _schema(url)

    with pytest.raises(exc.IntegrityError, match="uq_coder_name_key"):
        upgrade_database(url, failing, folder)

    assert database_revision(url) == head_revision()
    assert _schema(url) == before
    assert_rows_kept(url, f"the failed step to {failing}", extra)
    assert_sound(url)
