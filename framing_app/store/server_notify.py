"""Triggers that tell every listening client what a committed statement changed (PostgreSQL).

``NOTIFY`` is transactional: a notification is delivered when, and only
when, the transaction that sent it commits, so a listener never hears of a
change that was rolled back (PostgreSQL documentation, ``NOTIFY``). One
notification per statement, not per row: statement-level triggers read the
statement's transition tables (``REFERENCING NEW TABLE``), so an import of
200,000 annotations sends a handful of notifications, each naming articles,
and one saying "everything" when the list would not fit in a payload
(8,000 bytes at most).

Each payload is JSON: ``t`` the table, ``u`` the login, ``o`` the client
(``application_name``, unique per open project: see
:func:`framing_app.store.engine.create_project_engine`), ``a`` article ids,
``i`` row ids; or ``all: true``.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

CHANGES_CHANNEL = "framing_changes"
PRESENCE_CHANNEL = "framing_presence"
# Rows whose statement names their articles (and row ids where there is an id).
_ROW_TABLES = {
    "annotation": True,
    "answer": True,
    "coding_status": False,
    "adjudication_decision": True,
}
_TABLE_TABLES = ("article", "label", "question", "coder", "assignment", "project_setting")
# Below PostgreSQL's 8,000-byte limit, with room for the rest of the payload.
_MAX_PAYLOAD = 7000

_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION framing_notify_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    payload text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed_rows) THEN
        RETURN NULL;  -- the statement changed no row
    END IF;
    IF TG_ARGV[0] = 'ids' THEN
        SELECT json_build_object(
            't', TG_TABLE_NAME, 'u', session_user, 'o', current_setting('application_name', true),
            'a', array_agg(DISTINCT article_id), 'i', array_agg(id))::text
        INTO payload FROM changed_rows;
    ELSE
        SELECT json_build_object(
            't', TG_TABLE_NAME, 'u', session_user, 'o', current_setting('application_name', true),
            'a', array_agg(DISTINCT article_id))::text
        INTO payload FROM changed_rows;
    END IF;
    IF length(payload) > {_MAX_PAYLOAD} THEN
        payload := json_build_object(
            't', TG_TABLE_NAME, 'u', session_user, 'o', current_setting('application_name', true),
            'all', true)::text;
    END IF;
    PERFORM pg_notify('{CHANGES_CHANNEL}', payload);
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION framing_notify_table() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANGES_CHANNEL}', json_build_object(
        't', TG_TABLE_NAME, 'u', session_user,
        'o', current_setting('application_name', true))::text);
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION framing_here(article integer) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('{PRESENCE_CHANNEL}', json_build_object(
        'u', session_user, 'a', article,
        'o', current_setting('application_name', true))::text)
$$;
"""


def apply_notifications(conn: Connection) -> None:
    """Create or replace the notification functions and triggers (idempotent)."""
    run = conn.exec_driver_sql
    run(_FUNCTIONS)
    for table, with_ids in _ROW_TABLES.items():
        argument = "'ids'" if with_ids else "'noids'"
        for event, transition in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"framing_notify_{event.lower()}"
            run(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            run(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"REFERENCING {transition} TABLE AS changed_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION framing_notify_rows({argument})"
            )
    for table in _TABLE_TABLES:
        run(f"DROP TRIGGER IF EXISTS framing_notify ON {table}")
        run(
            f"CREATE TRIGGER framing_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION framing_notify_table()"
        )


def client_id(engine: Engine) -> str | None:
    """The ``application_name`` this engine's connections carry (its notifications' ``o``)."""
    value = engine.url.query.get("application_name")
    return value if isinstance(value, str) else None
