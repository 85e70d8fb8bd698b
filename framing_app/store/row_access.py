"""Whether this session may change a coder's rows, asked of the database itself.

On a server the answer is the row-level security policies' own test (a lead,
a superuser, or the coder whose login this is); asking first lets a service
say so in one sentence, where the policy alone would make an UPDATE or a
DELETE quietly match no row. A SQLite file has no logins: always yes.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def may_write_rows_of(session: Session, coder_id: int) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    allowed = session.scalar(
        text(
            "SELECT framing_is_lead() OR framing_coder_id() IS NOT DISTINCT FROM :coder "
            "OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)"
        ),
        {"coder": coder_id},
    )
    return bool(allowed)
