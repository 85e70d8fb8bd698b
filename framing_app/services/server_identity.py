"""Who is working, on a server: the database login, and whether it is a project lead.

On a PostgreSQL server the coder of every action is the session's login
(``session_user``), never a name typed at start: PostgreSQL has checked the
password, and its row-level security compares rows with that same login.
SQLite projects have no logins: the coder is the name given, as always.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from framing_app.core.errors import FramingError, PermissionRefused
from framing_app.core.names import name_key
from framing_app.core.permissions import LeadAction
from framing_app.services.project import Project


@dataclass(frozen=True)
class Identity:
    login: str
    lead: bool


_CACHE_ATTRIBUTE = "_server_identity"


def server_identity(project: Project) -> Identity | None:
    """The login and role of a server project's session; None for a SQLite project.

    Read once per open project: a login's role changes only when a lead
    changes it, and the database enforces the change at once either way.
    """
    if project.path is not None:
        return None
    cached = getattr(project, _CACHE_ATTRIBUTE, None)
    if isinstance(cached, Identity):
        return cached
    with project.db.read() as session:
        login, lead = session.execute(
            text(
                "SELECT session_user::text, framing_is_lead() OR "
                "(SELECT rolsuper FROM pg_roles WHERE rolname = session_user)"
            )
        ).one()
    found = Identity(str(login), bool(lead))
    setattr(project, _CACHE_ATTRIBUTE, found)
    return found


def acting_coder(project: Project, requested: str | None) -> str:
    """The coder an action is done as: the login on a server, *requested* on SQLite.

    On a server, *requested* may be omitted or name the login (in any case);
    naming anyone else is refused: a coder cannot code as somebody else.
    """
    identity = server_identity(project)
    if identity is None:
        if requested is None:
            raise FramingError("name the coder (--coder NAME)")
        return requested
    if requested is None or name_key(requested) == name_key(identity.login):
        return identity.login
    raise FramingError(
        f"{project.location}: on a server you code as your login {identity.login!r}, "
        f"not as {requested!r}"
    )


def lead_refusal(project: Project, action: LeadAction) -> str | None:
    """Why this session may not do *action* (one sentence), or None when it may."""
    identity = server_identity(project)
    if identity is None or identity.lead:
        return None
    return action.refusal()


def require_lead(project: Project, action: LeadAction) -> None:
    """Raise :class:`PermissionRefused` unless this session may do *action*."""
    refusal = lead_refusal(project, action)
    if refusal is not None:
        raise PermissionRefused(f"{project.location}: {refusal}")
