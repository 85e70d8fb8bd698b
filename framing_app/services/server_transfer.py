"""A whole project between a PostgreSQL server and a project file: backing up, pushing.

:func:`backup_server_to_file` (``framing-app --db URL backup --out FILE``)
writes everything a server project holds into a new SQLite project file, a
normal project that framing-app opens, merges or restores like any other,
and that :func:`push_file_to_server` (``framing-app --project FILE push --db
URL``) loads into an empty server database again. Every row of every table
keeps its id (:mod:`framing_app.store.table_copy`), so annotation and answer
ids in exported CSVs, memos and undo steps go on naming the same rows.

The logins are not part of either: PostgreSQL's roles belong to the server
(the cluster), not to the database. A push reports the coders who have no
login yet, for the lead to add with ``server add-coder``.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, exc, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.core.errors import ConflictError, FramingError, PermissionRefused, SchemaError
from framing_app.core.permissions import LeadAction, refusal_for_table
from framing_app.services.project import Project, database_reason, server_command
from framing_app.services.project_file_source import (
    SourceFile,
    check_source,
    open_source,
    reason_of,
)
from framing_app.services.server_admin import init_server
from framing_app.services.server_identity import require_lead
from framing_app.store import new_database_file
from framing_app.store.bulk import insert_rows
from framing_app.store.engine import create_project_engine, public_url, write_options
from framing_app.store.migrate import checked_revision, head_revision
from framing_app.store.models import Label
from framing_app.store.sqlite_backup import CopyError
from framing_app.store.table_copy import (
    begin_snapshot,
    copy_into_server,
    count_rows,
    file_high_waters,
    lock_for_load,
    project_tables,
    read_rows,
    select_all,
    serial_tables,
    server_high_water,
    set_file_high_waters,
    set_server_high_water,
    storage_rows,
)

__all__ = ["TransferReport", "backup_server_to_file", "push_file_to_server"]

# Rows read and written at a time: large enough that round trips do not count, small
# enough that a chunk of long article texts stays a few megabytes.
CHUNK = 1_000
# Tables a database just set up by ``server init`` has rows in: its history,
# and the default codebook, which a push replaces.
_SET_UP_BY_INIT = frozenset({"label", "schema_change"})
# SQLSTATE 42501: a privilege or a row-level security policy said no.
_INSUFFICIENT_PRIVILEGE = "42501"
_NOUNS = {
    "article": ("article", "articles"),
    "coder": ("coder", "coders"),
    "question": ("question", "questions"),
    "annotation": ("annotation", "annotations"),
    "answer": ("answer", "answers"),
    "coding_status": ("coding status", "coding statuses"),
    "assignment": ("assignment", "assignments"),
    "project_setting": ("setting", "settings"),
    "adjudication_decision": ("adjudication decision", "adjudication decisions"),
}


@dataclass(frozen=True)
class TransferReport:
    """What a backup wrote or a push loaded.

    *path* is the project file written (backup) or read (push); *location*
    the server database, as messages show it (no password). *counts* has
    every table of the schema, by name, with its rows. *coders_without_logins*
    (push): the coders, the consensus coder aside, with no login on the
    server yet. *upgraded_from*: a pushed file's own older schema revision
    (it was read through an upgraded temporary copy). *initialised*: the
    database was empty and was set up with ``server init`` first.
    """

    path: Path
    location: str
    counts: Mapping[str, int]
    coders_without_logins: tuple[str, ...] = ()
    upgraded_from: str | None = None
    initialised: bool = False
    seconds: float = field(default=0.0, compare=False)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


# --------------------------------------------------------------------------- backup


def backup_server_to_file(project: Project, out: Path) -> TransferReport:
    """Write everything the server project *project* holds into the new project file *out*.

    Promises: when this returns, *out* is a project file at this version's
    schema (write-ahead log and all, as framing-app makes them) holding every
    row of every table of the server project with its id, read in one
    consistent snapshot (:func:`~framing_app.store.table_copy.begin_snapshot`),
    with each id sequence's high-water mark; checked (``PRAGMA
    integrity_check``, the snapshot's row count in every table) and on disk.
    It was written under the hidden name ``.OUT.part`` beside *out* and given
    its name only then, so a file named *out* is never anything less, even
    if the process is killed; a ``.part`` that a killed backup left behind
    is removed by the next backup to the same *out*.

    Refused, in one line and with nothing written: an *out* that exists
    (never written over, even if it appears during the backup) or whose
    folder does not; a project file (its backup is ``framing-app backup``);
    a login that is not a project lead (a coder may not read everyone's rows
    on a blind project, and a backup missing rows would be worse than none).
    """
    started = time.perf_counter()
    out = Path(out)
    if project.path is not None:
        raise FramingError(
            f"{project.location}: is a project file, not a server database; back it up with "
            "`framing-app backup` (or `framing-app backup --out FILE`)"
        )
    _check_new_file(out)
    require_lead(project, LeadAction.BACKUP)
    target = out.absolute()
    try:
        part = new_database_file.start(target)
    except FileExistsError:
        raise FramingError(
            f"{out}: another backup to this file is being made; nothing was written"
        ) from None
    except CopyError as error:
        raise FramingError(_file_failure(out, error)) from None
    try:
        counts = _copy_snapshot(project, part, out)
        new_database_file.check(part, counts)
        new_database_file.finish(part, target)
    except FileExistsError:
        raise FramingError(
            f"{out}: was created while the backup was being made; a backup never writes over "
            "a file, nothing was written"
        ) from None
    except CopyError as error:
        raise FramingError(_file_failure(out, error)) from None
    finally:
        new_database_file.abandon(part)  # gone already when the backup got its name
    return TransferReport(
        path=out, location=project.location, counts=counts, seconds=time.perf_counter() - started
    )


def _check_new_file(out: Path) -> None:
    if str(out) == "-":
        raise FramingError("--out -: a backup is a project file, not text; name a new file")
    if out.is_dir():
        raise FramingError(f"{out}: is a folder; name a new file for the backup")
    if os.path.lexists(out):
        raise FramingError(
            f"{out}: already exists; a backup never writes over a file, name a new one"
        )
    if not out.absolute().parent.is_dir():
        raise FramingError(f"{out}: no such folder {out.parent}")


def _copy_snapshot(project: Project, part: Path, out: Path) -> dict[str, int]:
    """Fill the new project file *part* from one snapshot of *project*; rows per table.

    The file gets its schema, write-ahead log and all, the way every new
    project does (:meth:`Project.open`); its seeded codebook and history are
    then replaced by the server's rows in the same write transaction as the
    rest.
    """
    tables = project_tables()
    try:
        copy = Project.open(path=part)
    except FramingError as error:
        raise FramingError(
            f"{out}: cannot set up the backup file ({error}); nothing was written"
        ) from None
    try:
        with (
            copy,
            project.db.engine.connect() as server,
            Session(copy.db.engine) as session,
            session.begin(),
        ):
            session.connection(execution_options=write_options())
            begin_snapshot(server)
            revision = server.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            if revision != head_revision():
                raise SchemaError(
                    f"{project.location}: its schema changed to {revision} since it was opened; "
                    f"open it again (nothing was written to {out})"
                )
            counts = {table.name: count_rows(server, table) for table in tables}
            marks = {table.name: server_high_water(server, table) for table in serial_tables()}
            for table in reversed(tables):
                session.execute(delete(table))
            for table in tables:
                names = [column.name for column in table.columns]
                for rows in read_rows(server, table, CHUNK):
                    insert_rows(session, table, names, rows)
            set_file_high_waters(session.connection(), marks)
    except exc.DBAPIError as error:
        raise _backup_failure(project.location, out, error) from None
    return counts


def _backup_failure(location: str, out: Path, error: exc.DBAPIError) -> FramingError:
    """One line for a database error during a backup: the server's, or the new file's."""
    original = error.orig
    if isinstance(original, sqlite3.Error):
        return FramingError(_file_failure(out, CopyError.of(original)))
    reason = database_reason(error)
    if getattr(original, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
        return PermissionRefused(
            f"{location}: {refusal_for_table(reason)}; nothing was written to {out}"
        )
    return FramingError(
        f"{location}: cannot back up the project ({reason}); nothing was written to {out}"
    )


def _file_failure(out: Path, error: CopyError) -> str:
    advice = ""
    if error.number in (errno.ENOSPC, errno.EDQUOT):
        advice = "; free some space on the disk, then try again"
    elif error.number in (errno.EROFS, errno.EACCES, errno.EPERM):
        advice = "; choose a folder you may write to"
    return f"{out}: cannot write the backup ({error.reason}); nothing was written{advice}"


# --------------------------------------------------------------------------- push


def push_file_to_server(path: Path, url: str) -> TransferReport:
    """Load the project file *path* into the server database at *url*, all or nothing.

    The database must be empty (it is then set up with ``server init`` first,
    as the login of *url*, which needs ``CREATEROLE``) or a project that
    ``server init`` has just set up: no rows but the default codebook and
    the schema's history, both of which the push replaces. Anything else is
    refused in one line and left as it was. The login must be a project lead.

    Every row of every table arrives with its id, in one transaction, under
    a lock that keeps other writers out; then each id sequence is set past
    the highest id (and past the file's own high-water mark), so the rows
    added later never take an id the file had. The file is only read: never
    written, never upgraded (an older one is read through an upgraded
    temporary copy; a newer one, a damaged one or one that is not a project
    is refused). Logins are not made: see
    :attr:`TransferReport.coders_without_logins`.
    """
    started = time.perf_counter()
    path = Path(path)
    location = _check_server_url(url)
    revision = check_source(path)
    initialised = _prepare_server(url, location)
    with open_source(path, revision) as source, Project.open(url=url) as project:
        require_lead(project, LeadAction.PUSH)
        counts, coders = _load(project, source)
    return TransferReport(
        path=path,
        location=location,
        counts=counts,
        coders_without_logins=coders,
        upgraded_from=source.upgraded_from,
        initialised=initialised,
        seconds=time.perf_counter() - started,
    )


def _check_server_url(url: str) -> str:
    """*url* as messages show it, after refusing anything but a PostgreSQL URL."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise FramingError(
            f"{url!r}: not a database URL; push needs the server as postgresql://user@host/database"
        ) from None
    if parsed.get_backend_name() != "postgresql":
        raise FramingError(
            f"{public_url(parsed)}: push loads a project into a PostgreSQL database; give its "
            "URL (postgresql://user@host/database)"
        )
    return public_url(parsed)


def _prepare_server(url: str, location: str) -> bool:
    """Set an empty database up with ``server init``; whether it had to be.

    Refuses a database of another program, or at another schema revision
    (the lead upgrades it first with ``server migrate``).
    """
    try:
        engine = create_project_engine(url)
    except (exc.ArgumentError, exc.NoSuchModuleError) as error:
        raise FramingError(f"{location}: not a usable database URL ({error})") from None
    try:
        current = checked_revision(engine)
    except exc.DBAPIError as error:
        raise FramingError(
            f"{location}: cannot connect ({database_reason(error)}); nothing was pushed"
        ) from None
    finally:
        engine.dispose()
    if current is None:
        init_server(url)
        return True
    if current != head_revision():
        raise SchemaError(
            f"{location} has project schema {current} and this framing-app needs "
            f"{head_revision()}: run {server_command(location, 'migrate')} first"
        )
    return False


def _load(project: Project, source: SourceFile) -> tuple[dict[str, int], tuple[str, ...]]:
    """Copy every row of *source* into *project* in one transaction; counts, coders to log in."""
    path, file = source.path, source.connection
    tables = project_tables()
    counts: dict[str, int] = {}
    try:
        with project.db.write() as session:
            conn = session.connection()
            lock_for_load(conn)
            _check_empty(conn, project.location)
            file.execute("BEGIN")  # one snapshot of the file, if it is being written
            try:
                marks = file_high_waters(file)
                for table in reversed(tables):
                    session.execute(delete(table))
                for table in tables:
                    counts[table.name] = _copy_table(conn, file, table)
            finally:
                if file.in_transaction:
                    file.execute("ROLLBACK")
            for table in serial_tables():
                set_server_high_water(conn, table, marks[table.name])
            loaded = {table.name: count_rows(conn, table) for table in tables}
            if loaded != counts:  # pragma: no cover - a row lost on the way is a bug
                raise RuntimeError(f"pushed {counts}, the database holds {loaded}")
            source.check_unchanged()
            coders = _coders_without_logins(conn)
    except sqlite3.Error as error:
        raise FramingError(
            f"{path}: cannot read it ({reason_of(error)}); nothing was pushed"
        ) from None
    except exc.DBAPIError as error:
        # What the server refuses and SQLite let in (a name longer than its
        # column, text PostgreSQL cannot hold), or a lost connection.
        raise FramingError(
            f"{path}: cannot push it into {project.location} ({database_reason(error)}); "
            "nothing was pushed"
        ) from None
    return counts, coders


def _copy_table(conn: Connection, source: sqlite3.Connection, table: Table) -> int:
    cursor = source.execute(select_all(table))

    def chunks() -> Iterator[list[tuple[Any, ...]]]:
        while rows := cursor.fetchmany(CHUNK):
            yield storage_rows(table, rows)

    return copy_into_server(conn, table, chunks())


def _check_empty(conn: Connection, location: str) -> None:
    """Refuse a database that holds more than ``server init`` puts there (one line)."""
    counts = {table.name: count_rows(conn, table) for table in project_tables()}
    held = [name for name, n in counts.items() if n and name not in _SET_UP_BY_INIT]
    changed = counts["label"] > 0 and not _default_codebook(conn)
    if not held and not changed:
        return
    parts = [_phrase(counts["article"], "article")]
    parts += [_phrase(counts[name], name) for name in held if name != "article"]
    if changed:
        parts.append("a codebook of its own")
    raise ConflictError(
        f"{location} already holds a project with {_join(parts)}; push only into an empty "
        "database (or one that `server init` has just set up)"
    )


def _default_codebook(conn: Connection) -> bool:
    """Whether the labels are exactly the default codebook a new project is given."""
    found = conn.execute(
        select(Label.name, Label.definition, Label.color, Label.shortcut, Label.archived).order_by(
            Label.position, Label.id
        )
    ).all()
    wanted = [(s.name, s.definition, s.color, s.shortcut, s.archived) for s in DEFAULT_LABELS]
    return [tuple(row) for row in found] == wanted


def _phrase(count: int, table: str) -> str:
    one, many = _NOUNS.get(table, (f"{table} row", f"{table} rows"))
    return f"{count} {one if count == 1 else many}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _coders_without_logins(conn: Connection) -> tuple[str, ...]:
    """The coders (the consensus coder aside) with no role of their name on the server, by id."""
    rows = conn.execute(
        text(
            "SELECT name FROM coder WHERE NOT consensus "
            "AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = coder.name) ORDER BY id"
        )
    )
    return tuple(str(name) for name in rows.scalars())
