"""``--coder`` of the commands that act as a coder (annotate, status, answer).

In a SQLite project the option is required, as it always was. On a server
the coder is the login: the option may be left out, and naming anyone else
is refused (see :func:`framing_app.services.server_identity.acting_coder`).
"""

from __future__ import annotations

import argparse

from framing_app.services.project import Project, is_server_url
from framing_app.services.server_identity import acting_coder

ACTING_DEST = "acting_coder"


def add_acting_coder(sub: argparse.ArgumentParser, help_: str | None) -> None:
    """Give *sub* the ``--coder`` of a command done as a coder."""
    sub.add_argument(
        "--coder",
        metavar="NAME",
        help=(help_ + "; " if help_ else "")
        + "required for a project file; on a server, your login (may be left out)",
    )
    sub.set_defaults(**{ACTING_DEST: True})


def check_acting_coder(sub: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The usage error (exit 2) for a missing ``--coder`` where there is no login to use."""
    if getattr(args, ACTING_DEST, False) and args.coder is None and not is_server_url(args.db):
        sub.error("the following arguments are required: --coder")


def resolve_acting_coder(project: Project, args: argparse.Namespace) -> None:
    """Set ``args.coder`` to the coder the command acts as (the login on a server)."""
    if not getattr(args, ACTING_DEST, False):
        return
    if args.command == "status" and args.set is None and args.coder is not None:
        return  # showing someone's statuses reads; the database decides what may be seen
    args.coder = acting_coder(project, args.coder)
