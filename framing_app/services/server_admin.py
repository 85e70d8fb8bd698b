"""Setting up and administering a project on a PostgreSQL server: the lead's commands.

``server init`` makes an empty database a project (schema, default codebook,
group roles, grants and row-level security, in one transaction);
``server migrate`` upgrades it when a newer framing-app needs it; ``server
add-coder`` / ``add-lead`` / ``remove-coder`` manage the logins. Every one
of them connects as the person running it: PostgreSQL, not this program,
decides whether they may (creating roles needs ``CREATEROLE``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, exc, insert, select, text

from framing_app.core.errors import ConflictError, FramingError, NotFoundError
from framing_app.core.names import clean_name
from framing_app.services.project import Project, database_reason, server_command
from framing_app.store.engine import create_project_engine, public_url, sqlite_path
from framing_app.store.migrate import MigrationResult, checked_revision, head_revision, migrate
from framing_app.store.models import Coder, table_of
from framing_app.store.server_security import (
    CODER_ROLE,
    LEAD_ROLE,
    apply_security,
    create_login,
    drop_login,
    ensure_group_roles,
    grant_group,
    may_create_roles,
    member_groups,
    revoke_groups,
    role_exists,
)

# Long enough that guessing is hopeless, short enough to read out over the phone.
GENERATED_PASSWORD_BYTES = 15


@dataclass(frozen=True)
class InitReport:
    location: str
    revision: str
    created: bool  # False: it was a project already; grants and policies applied again
    roles_created: tuple[str, ...]


@dataclass(frozen=True)
class MigrateReport:
    location: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class Login:
    name: str
    role: str  # "lead" or "coder"
    can_log_in: bool


def generated_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


@contextmanager
def _server(url: str) -> Iterator[tuple[Engine, str]]:
    if sqlite_path(url) is not None or not url.startswith(("postgresql", "postgres:")):
        raise FramingError(
            f"{url}: server commands need a PostgreSQL URL (postgresql://user@host/database)"
        )
    try:
        engine = create_project_engine(url)
    except (exc.ArgumentError, exc.NoSuchModuleError) as error:
        raise FramingError(f"{url}: not a usable database URL ({error})") from None
    location = public_url(url)
    try:
        yield engine, location
    except exc.DBAPIError as error:
        raise FramingError(f"{location}: {database_reason(error)}") from None
    finally:
        engine.dispose()


def _require_role_maker(conn: Connection, location: str, what: str) -> None:
    if not may_create_roles(conn):
        raise FramingError(
            f"{location}: {what} needs a login that may create roles (CREATEROLE); "
            "ask the database administrator"
        )


def init_server(url: str) -> InitReport:
    """Make the empty database at *url* a project, or re-apply a project's grants and policies.

    One transaction: the group roles ``framing_lead`` and ``framing_coder``
    (where the cluster lacks them), the schema, the default codebook, the
    grants and row-level security, and the login running it made a lead.
    """
    with _server(url) as (engine, location):
        with engine.connect() as conn:
            _require_role_maker(conn, location, "server init")
        made: list[str] = []

        def secure(conn: Connection) -> None:
            made.extend(ensure_group_roles(conn))
            apply_security(conn)
            login = str(conn.execute(text("SELECT session_user")).scalar_one())
            if LEAD_ROLE not in member_groups(conn, login):
                grant_group(conn, login, LEAD_ROLE)

        current = checked_revision(engine)
        if current is not None and current != head_revision():
            raise FramingError(
                f"{location} is a framing-app project already (schema {current}); "
                f"to bring it up to date run {server_command(location, 'migrate')}"
            )
        result = migrate(engine, on_create=Project.seed_codebook, after=secure)
        if not result.created:
            with engine.begin() as conn:
                secure(conn)
        return InitReport(location, head_revision(), result.created, tuple(made))


def migrate_server(url: str) -> MigrateReport:
    """Upgrade the project at *url* to this version's schema, in one transaction under a lock.

    The grants and policies are applied again in the same transaction, so a
    table that the upgrade adds is protected from its first moment.
    """
    with _server(url) as (engine, location):
        before = checked_revision(engine)
        if before is None:
            raise FramingError(
                f"{location} holds no framing-app project yet: run "
                f"{server_command(location, 'init')} first"
            )
        with engine.connect() as conn:
            _require_role_maker(conn, location, "server migrate")

        def secure(conn: Connection) -> None:
            # Roles belong to the cluster: a database restored onto another
            # server arrives without them.
            ensure_group_roles(conn)
            apply_security(conn)

        result: MigrationResult = migrate(engine, create=False, after=secure)
        return MigrateReport(
            location,
            result.upgraded_from or before,
            head_revision(),
            result.upgraded_from is not None,
        )


def add_login(url: str, name: str, password: str, *, lead: bool) -> Login:
    """Create login *name* with *password*, a coder (with their coder row) or a lead.

    Refuses a name that is already a role of the server: an existing role may
    be a person's account elsewhere on it, and is not taken over silently.
    """
    name = clean_name(name, "login")
    if not password:
        raise FramingError("the password is empty")
    with _server(url) as (engine, location), engine.begin() as conn:
        _require_project(engine, location)
        _require_role_maker(conn, location, "adding a login")
        if role_exists(conn, name):
            raise ConflictError(f"{location}: a role named {name!r} exists already")
        create_login(conn, name, password, LEAD_ROLE if lead else CODER_ROLE)
        # A lead gets a coder row when they first code; many never do.
        known = conn.execute(select(Coder.id).where(Coder.name == name)).first()
        if known is None and not lead:
            conn.execute(insert(table_of(Coder)).values(name=name, consensus=False))
        return Login(name, "lead" if lead else "coder", True)


def remove_login(url: str, name: str) -> Login:
    """Drop login *name*; their coder row, annotations, answers and statuses stay."""
    with _server(url) as (engine, location), engine.begin() as conn:
        _require_project(engine, location)
        _require_role_maker(conn, location, "removing a login")
        me = str(conn.execute(text("SELECT session_user")).scalar_one())
        if not role_exists(conn, name):
            raise NotFoundError(f"{location}: no login named {name!r}")
        groups = member_groups(conn, name)
        if not groups:
            raise FramingError(f"{location}: {name!r} is not a coder or lead of framing-app")
        if name == me:
            raise FramingError(f"{location}: you cannot remove your own login ({name!r})")
        revoke_groups(conn, name)
        try:
            with conn.begin_nested():
                drop_login(conn, name)
        except exc.DBAPIError as error:
            raise FramingError(
                f"{location}: cannot remove {name!r} ({database_reason(error)}); "
                "nothing was changed"
            ) from None
        return Login(name, "lead" if LEAD_ROLE in groups else "coder", False)


def list_logins(url: str) -> list[Login]:
    """The server's framing-app logins, leads first, by name."""
    with _server(url) as (engine, _location), engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.rolname, r.rolcanlogin, "
                f"pg_has_role(r.oid, '{LEAD_ROLE}', 'MEMBER') AS lead "
                "FROM pg_roles r WHERE r.rolname NOT IN (:lead, :coder) "
                f"AND (pg_has_role(r.oid, '{LEAD_ROLE}', 'MEMBER') "
                f"OR pg_has_role(r.oid, '{CODER_ROLE}', 'MEMBER')) "
                "ORDER BY 3 DESC, 1"
            ),
            {"lead": LEAD_ROLE, "coder": CODER_ROLE},
        ).all()
    return [Login(str(n), "lead" if lead else "coder", bool(can)) for n, can, lead in rows]


def _require_project(engine: Engine, location: str) -> None:
    if checked_revision(engine) is None or not _has_groups(engine):
        raise FramingError(
            f"{location} holds no framing-app project yet: run "
            f"{server_command(location, 'init')} first"
        )


def _has_groups(engine: Engine) -> bool:
    with engine.connect() as conn:
        return role_exists(conn, LEAD_ROLE) and role_exists(conn, CODER_ROLE)
