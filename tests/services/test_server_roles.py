"""Roles on a real PostgreSQL server: the database itself refuses what a coder may not do.

Every refusal is checked twice: through the services (one sentence, nothing
changed) and with raw SQL as the coder's own login (psycopg), which is what
a modified client could send. Leads are shown to be able to do the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from raw_db import raw_connection
from server_team import Team

from framing_app.core.errors import FramingError, PermissionRefused, SchemaError
from framing_app.services import codebook, coding_status, project_settings, questions, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.article_removal import delete_articles
from framing_app.services.coding_status import CodingStatus
from framing_app.services.project import Project
from framing_app.services.server_admin import init_server, migrate_server, remove_login
from framing_app.services.server_identity import acting_coder, server_identity

TEXT = "Beijing rejects criticism. Washington insists on universal rights 🌏 for all."


@pytest.fixture
def coded(team: Team, tmp_path: Path) -> Team:
    """The team's project with one article, and one annotation by each coder, made by the lead."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a1.txt").write_text(TEXT, encoding="utf-8")
    with Project.open(url=team.url(team.lead)) as lead:
        import_articles(lead, [folder])
    for coder in team.coders:
        with Project.open(url=team.url(coder)) as mine:
            tagging.annotate(
                mine,
                coder=acting_coder(mine, None),
                article="a1",
                label="sovereignty",
                start=0,
                end=7,
            )
    return team


@pytest.fixture
def as_ann(coded: Team) -> Iterator[Project]:
    with Project.open(url=coded.url(coded.coders[0])) as project:
        yield project


def rows(team: Team, sql: str) -> list[tuple[object, ...]]:
    """What the database holds, read as the superuser who set it up."""
    with raw_connection(team.url()) as conn:
        return [tuple(r) for r in conn.execute(sql)]


ANNOTATIONS = (
    "SELECT a.id, c.name, a.label_id, a.start_offset, a.end_offset, a.memo "
    "FROM annotation a JOIN coder c ON c.id = a.coder_id ORDER BY a.id"
)


def test_the_login_is_the_coder_and_leads_are_told_apart(coded: Team) -> None:
    ann, bob = coded.coders
    with Project.open(url=coded.url(ann)) as project:
        assert server_identity(project) is not None
        identity = server_identity(project)
        assert identity is not None
        assert (identity.login, identity.lead) == (ann, False)
        assert acting_coder(project, None) == ann
        assert acting_coder(project, ann.upper()) == ann
        with pytest.raises(FramingError, match=f"you code as your login '{ann}', not as '{bob}'"):
            acting_coder(project, bob)
    with Project.open(url=coded.url(coded.lead)) as project:
        identity = server_identity(project)
        assert identity is not None
        assert (identity.login, identity.lead) == (coded.lead, True)
    assert [name for (name,) in rows(coded, "SELECT name FROM coder ORDER BY id")] == [ann, bob]


def test_a_coder_is_refused_the_codebook_articles_and_others_work(
    as_ann: Project, coded: Team, tmp_path: Path
) -> None:
    before = {
        t: rows(coded, f"SELECT * FROM {t} ORDER BY 1")
        for t in ("label", "article", "annotation", "question", "project_setting", "coder")
    }
    bob_annotation = next(r[0] for r in rows(coded, ANNOTATIONS) if r[1] == coded.coders[1])
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "a2.txt").write_text("Another text.", encoding="utf-8")
    refusals = [
        (
            lambda: codebook.add_label(as_ann, "new frame"),
            "only a project lead can change the codebook",
        ),
        (
            lambda: codebook.update_label(as_ann, "sovereignty", definition="x"),
            "change the codebook",
        ),
        (
            lambda: questions.add_question(as_ann, "tone", level="nominal", options=["a", "b"]),
            "only a project lead can change the article questions",
        ),
        (
            lambda: import_articles(as_ann, [folder]),
            "only a project lead can import or delete articles",
        ),
        (lambda: delete_articles(as_ann, ["a1"]), "import or delete articles"),
        (lambda: project_settings.set_blind_coding(as_ann, True), "change the project's settings"),
        # A modified client: the service asked to write another coder's rows.
        (
            lambda: tagging.annotate(
                as_ann, coder=coded.coders[1], article="a1", label="sovereignty", start=8, end=15
            ),
            "a coder can change only their own annotations",
        ),
        (
            lambda: coding_status.set_status(as_ann, coded.coders[1], CodingStatus.DONE, ["a1"]),
            "a coder can change only their own statuses",
        ),
    ]
    for action, message in refusals:
        with pytest.raises(PermissionRefused, match=message):
            action()
    # Changing or deleting bob's annotation: the row is invisible to the
    # update, so nothing changes (and the service says the id is unknown to ann).
    with pytest.raises(FramingError):
        tagging.relabel(as_ann, bob_annotation, "universal rights")
    after = {t: rows(coded, f"SELECT * FROM {t} ORDER BY 1") for t in before}
    assert after == before


def test_raw_sql_as_a_coder_is_refused_by_the_database(coded: Team) -> None:
    ann, bob = coded.coders
    before = rows(coded, ANNOTATIONS)
    bob_id = next(r[0] for r in before if r[1] == bob)
    ann_id = next(r[0] for r in before if r[1] == ann)
    with psycopg.connect(coded.conninfo(ann), autocommit=True) as conn:
        # Another coder's rows: not there for UPDATE or DELETE.
        assert (
            conn.execute("UPDATE annotation SET memo = 'x' WHERE id = %s", (bob_id,)).rowcount == 0
        )
        assert conn.execute("DELETE FROM annotation WHERE id = %s", (bob_id,)).rowcount == 0
        assert (
            conn.execute(
                "UPDATE annotation SET coder_id = (SELECT id FROM coder WHERE name = %s) "
                "WHERE id = %s",
                (bob, bob_id),
            ).rowcount
            == 0
        )
        refused = [
            (
                "INSERT INTO annotation (article_id, coder_id, label_id, start_offset, end_offset,"
                " memo, created_at, updated_at)"
                " SELECT 1, id, 1, 20, 25, '', '', '' FROM coder WHERE name = %s",
                (bob,),
            ),
            (
                "UPDATE annotation SET coder_id = (SELECT id FROM coder WHERE name = %s) "
                "WHERE id = %s",
                (bob, ann_id),
            ),
            (
                "INSERT INTO label (name, definition, color, position, archived, created_at) "
                "VALUES ('x', '', '#000000', 9, false, '')",
                (),
            ),
            ("UPDATE label SET definition = 'changed'", ()),
            ("DELETE FROM label", ()),
            ("UPDATE article SET title = 'changed'", ()),
            ("DELETE FROM article", ()),
            ("INSERT INTO project_setting (name, value) VALUES ('blind-coding', 'on')", ()),
            ("UPDATE coder SET consensus = true", ()),
            ("INSERT INTO coder (name, consensus, created_at) VALUES ('consensus', true, '')", ()),
            ("INSERT INTO coder (name, consensus, created_at) VALUES ('someone', false, '')", ()),
            (
                "INSERT INTO assignment (article_id, coder_id, in_sample, assigned_at) "
                "SELECT 1, id, false, '' FROM coder WHERE name = %s",
                (ann,),
            ),
            ("CREATE TABLE mine (x int)", ()),
            ("ALTER TABLE annotation DISABLE ROW LEVEL SECURITY", ()),
            ("SET ROLE framing_lead", ()),
        ]
        for sql, params in refused:
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql, params)
        # Their own annotation: theirs to change.
        assert (
            conn.execute("UPDATE annotation SET memo = 'mine' WHERE id = %s", (ann_id,)).rowcount
            == 1
        )
    after = rows(coded, ANNOTATIONS)
    assert [r for r in after if r[0] != ann_id] == [r for r in before if r[0] != ann_id]
    assert next(r for r in after if r[0] == ann_id)[5] == "mine"


def test_a_lead_may_do_what_coders_may_not(coded: Team, tmp_path: Path) -> None:
    ann, _bob = coded.coders
    ann_id = next(r[0] for r in rows(coded, ANNOTATIONS) if r[1] == ann)
    with Project.open(url=coded.url(coded.lead)) as lead:
        codebook.add_label(lead, "new frame")
        questions.add_question(lead, "tone", level="nominal", options=["a", "b"])
        project_settings.set_blind_coding(lead, True)
        tagging.relabel(lead, ann_id, "universal rights")
        folder = tmp_path / "more"
        folder.mkdir()
        (folder / "a2.txt").write_text("Another text.", encoding="utf-8")
        assert import_articles(lead, [folder]).added
    with psycopg.connect(coded.conninfo(coded.lead), autocommit=True) as conn:
        assert conn.execute("UPDATE annotation SET memo = 'by the lead'").rowcount == 2
        assert (
            conn.execute("UPDATE label SET definition = 'lead' WHERE name = 'new frame'").rowcount
            == 1
        )
        assert conn.execute("DELETE FROM article WHERE external_id = 'a2'").rowcount == 1


def test_blind_coding_hides_other_coders_work_in_the_database(coded: Team) -> None:
    ann, bob = coded.coders

    def seen_by(login: str) -> set[str]:
        with psycopg.connect(coded.conninfo(login)) as conn:
            found = conn.execute(
                "SELECT c.name FROM annotation a JOIN coder c ON c.id = a.coder_id"
            ).fetchall()
        return {name for (name,) in found}

    assert seen_by(ann) == {ann, bob}
    with Project.open(url=coded.url(coded.lead)) as lead:
        project_settings.set_blind_coding(lead, True)
    assert seen_by(ann) == {ann}
    assert seen_by(bob) == {bob}
    assert seen_by(coded.lead) == {ann, bob}


def test_removing_a_coder_keeps_their_work_and_ends_their_access(coded: Team) -> None:
    _ann, bob = coded.coders
    before = rows(coded, ANNOTATIONS)
    removed = remove_login(coded.url(), bob)
    assert (removed.name, removed.role) == (bob, "coder")
    assert rows(coded, ANNOTATIONS) == before
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(coded.conninfo(bob)).close()


def test_a_coder_cannot_run_server_commands(coded: Team) -> None:
    ann, bob = coded.coders
    with pytest.raises(FramingError, match="may create roles"):
        init_server(coded.url(ann))
    with pytest.raises(FramingError, match="may create roles"):
        remove_login(coded.url(ann), bob)


def test_an_older_schema_waits_for_the_lead_to_migrate(team: Team) -> None:
    """A client newer than the server's schema refuses to touch it until ``server migrate``."""
    from alembic import command

    from framing_app.store.engine import create_project_engine
    from framing_app.store.migrate import MIGRATIONS_DIR, _config, head_revision

    engine = create_project_engine(team.url())
    previous = f"{int(head_revision()) - 1:04d}"
    with engine.begin() as conn:
        config = _config(MIGRATIONS_DIR)
        config.attributes["connection"] = conn
        command.downgrade(config, previous)
    engine.dispose()
    ann = team.coders[0]
    with pytest.raises(
        SchemaError, match=r"the project lead must run `framing-app --db .* server migrate`"
    ) as refused:
        Project.open(url=team.url(ann))
    # The command to type names the login, never the password.
    assert f"postgresql+psycopg://{ann}@" in str(refused.value)
    assert team.passwords[ann] not in str(refused.value)
    with pytest.raises(FramingError, match="may create roles"):
        migrate_server(team.url(team.coders[0]))
    report = migrate_server(team.url())
    assert (report.before, report.after, report.changed) == (previous, head_revision(), True)
    assert not migrate_server(team.url()).changed
    changes = rows(
        team, "SELECT from_revision, to_revision, changed_by FROM schema_change ORDER BY id"
    )
    assert changes[-1] == (previous, head_revision(), team.server.superuser)
    with Project.open(url=team.url(team.coders[0])) as project:
        assert codebook.list_labels(project)


def test_two_leads_migrating_at_once_upgrade_once(team: Team) -> None:
    """The advisory lock: the second waits, then finds the schema up to date."""
    from concurrent.futures import ThreadPoolExecutor

    from alembic import command

    from framing_app.store.engine import create_project_engine
    from framing_app.store.migrate import MIGRATIONS_DIR, _config, head_revision

    engine = create_project_engine(team.url())
    previous = f"{int(head_revision()) - 1:04d}"
    with engine.begin() as conn:
        config = _config(MIGRATIONS_DIR)
        config.attributes["connection"] = conn
        command.downgrade(config, previous)
    engine.dispose()
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda _n: migrate_server(team.url()), range(2)))
    assert sorted(r.changed for r in reports) == [False, True]
    upgrades = rows(
        team, f"SELECT to_revision FROM schema_change WHERE from_revision = '{previous}'"
    )
    assert upgrades == [(head_revision(),)]
