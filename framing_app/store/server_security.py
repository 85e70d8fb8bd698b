"""Roles, grants and row-level security of a project database on a PostgreSQL server.

The database itself enforces who may do what, so a modified client (or
``psql``) gets no further than the program (PostgreSQL documentation, "Row
Security Policies", ``CREATE POLICY``, ``GRANT``):

* ``framing_lead`` (a group role): everything in the project.
* ``framing_coder`` (a group role): reads the codebook, articles, questions,
  assignments and settings; inserts, changes and deletes only their own
  annotations, answers and statuses (``coder.name = session_user``), and reads
  other coders' only while blind coding is off; may add their own coder row
  (never the consensus coder's) and nothing else.

Logins are members of one of the two groups. Everything here is idempotent:
:func:`apply_security` runs after ``server init`` and after every ``server
migrate``, so a table a migration adds gets its grants and policies at once.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from framing_app.store.server_notify import apply_notifications

LEAD_ROLE = "framing_lead"
CODER_ROLE = "framing_coder"
GROUP_ROLES = (LEAD_ROLE, CODER_ROLE)
# Rows each coder owns (column coder_id): coders write only their own.
OWNED_TABLES = ("annotation", "answer", "coding_status")
# Every other table: coders read, leads write.
SHARED_TABLES = (
    "article",
    "label",
    "question",
    "assignment",
    "project_setting",
    "adjudication_decision",
    "alembic_version",
    "schema_change",
)
# Serial ids coders draw from when they insert their own rows.
CODER_SEQUENCES = ("annotation_id_seq", "answer_id_seq", "coder_id_seq")
# One lock for every schema change of one database (pg_advisory_xact_lock).
MIGRATION_LOCK = 0x66726D67  # "frmg"

# The coder behind the session's login; NULL for a login with no coder row.
# STABLE and in SQL: the planner evaluates it once per statement, not per row.
_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION framing_coder_id() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT id FROM coder WHERE name = session_user::text AND NOT consensus
$$;
CREATE OR REPLACE FUNCTION framing_is_lead() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LEAD_ROLE}')
           AND pg_has_role(session_user, '{LEAD_ROLE}', 'MEMBER')
$$;
-- Spellings as framing_app.services.project_settings reads them.
CREATE OR REPLACE FUNCTION framing_blind() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT COALESCE((
        SELECT lower(btrim(value, E' \\t\\r\\n')) IN ('on', 'true', 'yes', '1')
        FROM project_setting WHERE name = 'blind-coding'
    ), false)
$$;
"""


def role_exists(conn: Connection, name: str) -> bool:
    found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    return found.first() is not None


def quote_ident(conn: Connection, name: str) -> str:
    """*name* quoted as an SQL identifier, by the server's own rules (``quote_ident``)."""
    return str(conn.execute(text("SELECT quote_ident(:n)"), {"n": name}).scalar_one())


def ensure_group_roles(conn: Connection) -> list[str]:
    """Create ``framing_lead`` and ``framing_coder`` where missing; the names created."""
    made = []
    for role in GROUP_ROLES:
        if not role_exists(conn, role):
            conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
            made.append(role)
    return made


def apply_security(conn: Connection) -> None:
    """Grants and row-level security policies for the project's current tables (idempotent)."""
    database = quote_ident(conn, str(conn.execute(text("SELECT current_database()")).scalar()))
    run = conn.exec_driver_sql
    run(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC")
    run(f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {LEAD_ROLE}, {CODER_ROLE}")
    run("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    run(f"GRANT USAGE ON SCHEMA public TO {LEAD_ROLE}, {CODER_ROLE}")
    run(_FUNCTIONS)
    run(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {LEAD_ROLE}")
    run(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {LEAD_ROLE}")
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {CODER_ROLE}")
    run(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {CODER_ROLE}")
    run(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(OWNED_TABLES)} TO {CODER_ROLE}")
    run(f"GRANT INSERT ON coder TO {CODER_ROLE}")
    run(f"GRANT USAGE, SELECT ON {', '.join(CODER_SEQUENCES)} TO {CODER_ROLE}")
    for table in OWNED_TABLES:
        _owned_policies(conn, table)
    _coder_table_policies(conn)
    apply_notifications(conn)


def _replace_policy(conn: Connection, table: str, name: str, body: str) -> None:
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS {name} ON {table}")
    conn.exec_driver_sql(f"CREATE POLICY {name} ON {table} {body}")


def _owned_policies(conn: Connection, table: str) -> None:
    conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    own = "coder_id = framing_coder_id()"
    _replace_policy(conn, table, "lead_all", f"TO {LEAD_ROLE} USING (true) WITH CHECK (true)")
    _replace_policy(
        conn,
        table,
        "coder_read",
        f"FOR SELECT TO {CODER_ROLE} USING ({own} OR framing_is_lead() OR NOT framing_blind())",
    )
    _replace_policy(conn, table, "coder_insert", f"FOR INSERT TO {CODER_ROLE} WITH CHECK ({own})")
    _replace_policy(
        conn, table, "coder_update", f"FOR UPDATE TO {CODER_ROLE} USING ({own}) WITH CHECK ({own})"
    )
    _replace_policy(conn, table, "coder_delete", f"FOR DELETE TO {CODER_ROLE} USING ({own})")


def _coder_table_policies(conn: Connection) -> None:
    """Everyone sees the coders; a coder may add only themself, never as the consensus coder."""
    conn.exec_driver_sql("ALTER TABLE coder ENABLE ROW LEVEL SECURITY")
    _replace_policy(conn, "coder", "lead_all", f"TO {LEAD_ROLE} USING (true) WITH CHECK (true)")
    _replace_policy(conn, "coder", "coder_read", f"FOR SELECT TO {CODER_ROLE} USING (true)")
    _replace_policy(
        conn,
        "coder",
        "coder_insert",
        f"FOR INSERT TO {CODER_ROLE} WITH CHECK (name = session_user::text AND NOT consensus)",
    )


def lock_for_schema_change(conn: Connection) -> None:
    """Wait for, then hold until commit, the database's one schema-change lock."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def encrypted_password(conn: Connection, login: str, password: str) -> str:
    """*password* hashed by libpq as the server wants it (SCRAM), so no clear text is sent.

    What ``psql``'s ``\\password`` does (libpq's ``PQencryptPasswordConn``):
    a ``CREATE ROLE ... PASSWORD`` with the clear password would land in the
    server's statement log.
    """
    raw = conn.connection.dbapi_connection
    pgconn = getattr(raw, "pgconn", None)
    if pgconn is None:  # pragma: no cover - only psycopg 3 is supported
        raise RuntimeError("server accounts need the psycopg 3 driver")
    hashed: bytes = pgconn.encrypt_password(password.encode(), login.encode(), None)
    return hashed.decode()


def create_login(conn: Connection, login: str, password: str, group: str) -> None:
    """A login role *login* with *password* (sent hashed), member of *group*."""
    name = quote_ident(conn, login)
    secret = encrypted_password(conn, login, password)
    literal = str(conn.execute(text("SELECT quote_literal(:s)"), {"s": secret}).scalar_one())
    conn.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD {literal} IN ROLE {group}")


def grant_group(conn: Connection, login: str, group: str) -> None:
    conn.exec_driver_sql(f"GRANT {group} TO {quote_ident(conn, login)}")


def revoke_groups(conn: Connection, login: str) -> None:
    for group in GROUP_ROLES:
        conn.exec_driver_sql(f"REVOKE {group} FROM {quote_ident(conn, login)}")


def drop_login(conn: Connection, login: str) -> None:
    conn.exec_driver_sql(f"DROP ROLE {quote_ident(conn, login)}")


def may_create_roles(conn: Connection) -> bool:
    found = conn.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = session_user")
    ).scalar()
    return bool(found)


def member_groups(conn: Connection, login: str) -> set[str]:
    """The framing group roles *login* is a member of (directly or not)."""
    rows = conn.execute(
        text(
            "SELECT g.rolname FROM pg_roles g WHERE g.rolname = ANY(:groups) "
            "AND pg_has_role(:login, g.oid, 'MEMBER')"
        ),
        {"groups": list(GROUP_ROLES), "login": login},
    )
    return {str(row[0]) for row in rows}
