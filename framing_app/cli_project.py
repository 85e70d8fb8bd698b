"""Which project a ``framing-app`` command opens, and whether it may create it.

``--project`` and ``--db`` are accepted before the command's name and after it
(``framing-app articles --project p.sqlite``); a command that only reads never
creates a project behind a mistyped path.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from framing_app.cli_agreement import MATRIX_DEST
from framing_app.cli_assign import COMMANDS as ASSIGN_COMMANDS
from framing_app.cli_backup import COMMANDS as BACKUP_COMMANDS
from framing_app.cli_settings import VALUE_DEST
from framing_app.core.errors import AuthenticationNeeded, FramingError
from framing_app.services.project import NoProjectError, Project, is_server_url
from framing_app.services.server_login import open_server

PROG = "framing-app"

# The copies after the command have their own dests (and no defaults), so that
# a value given before the command is never overwritten by a default.
_AFTER = {"project_after": "project", "db_after": "db"}

# Commands that must find a project: reading ones, and deletions, which a new
# project has nothing for. Others create the project they name.
_NEVER_CREATE = frozenset(
    {"agreement", "articles", "coders", "export", "show", "delete-annotation"}
    # Adjudication needs coders who have coded: a new project has none.
    | {"disagreements", "adjudicate"}
    # Assignments need the project's articles and coders.
    | set(ASSIGN_COMMANDS)
    # Nothing to back up, list or restore into in a project that does not exist.
    | set(BACKUP_COMMANDS)
)


def options_after_command() -> argparse.ArgumentParser:
    """A parent parser giving a command ``--project`` and ``--db`` after its name."""
    after = argparse.ArgumentParser(add_help=False)
    group = after.add_argument_group("project (also accepted before the command)")
    group.add_argument(
        "--project",
        dest="project_after",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="SQLite project file (default: the default project, see framing-app --help)",
    )
    group.add_argument(
        "--db",
        dest="db_after",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="SQLAlchemy database URL instead of a project file",
    )
    return after


def merge_options_after_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Move --project/--db given after the command to ``args.project``/``args.db``.

    Both of them, or one given before and after, is a usage error (exit 2).
    """
    given = [name for name in ("project", "db", *_AFTER) if getattr(args, name, None)]
    if len(given) > 1:
        options = sorted({_AFTER.get(name, name) for name in given})
        if len(options) > 1:
            parser.error("argument --db: not allowed with argument --project")
        parser.error(f"argument --{options[0]}: given twice (before and after the command)")
    for after, before in _AFTER.items():
        if hasattr(args, after):
            setattr(args, before, getattr(args, after))
            delattr(args, after)


def needs_project(args: argparse.Namespace) -> bool:
    """Whether *args*' command works on a project at all.

    ``agreement --matrix FILE`` reads a file made elsewhere: its handler is
    called with ``None`` for the project, and no database is opened.
    """
    return not (args.command == "agreement" and getattr(args, MATRIX_DEST, None) is not None)


def needs_existing_project(args: argparse.Namespace) -> bool:
    """Whether *args*' command must find its project instead of creating it."""
    if args.command in _NEVER_CREATE or args.command == "delete-articles":
        return True
    if args.command == "labels":
        return getattr(args, "labels_action", None) is None
    if args.command == "status":
        return args.set is None
    if args.command == "codebook":
        return bool(args.action == "export")
    if args.command == "question":
        # Listing reads; deleting needs something to delete.
        return getattr(args, "question_action", None) in ("list", "delete")
    if args.command == "merge":
        return bool(args.dry_run)
    if args.command == "settings":
        # Listing or showing reads; only a new value changes the project.
        return getattr(args, VALUE_DEST, None) is None
    return False


def open_project(args: argparse.Namespace, *, create: bool = True) -> Project:
    """The project *args* name; without *create*, a missing one is a one-line error."""
    try:
        if is_server_url(args.db):
            return _open_server(args.db)
        if args.db:
            return Project.open(url=args.db, create=create)
        return Project.open(path=args.project, create=create)
    except NoProjectError as error:
        if args.db:
            hint = f"`{PROG} --db URL import ...` creates one"
        elif args.project:
            hint = f"`{PROG} --project PATH import ...` creates one"
        else:
            hint = f"`{PROG} import ...` creates the default project"
        raise FramingError(f"{error}; {hint}") from None


def _open_server(url: str) -> Project:
    """A server project, its password from the keyring, libpq's own sources, or the terminal."""
    prompt = _ask_password if sys.stdin.isatty() else None
    try:
        return open_server(url, prompt)
    except AuthenticationNeeded as error:
        raise FramingError(
            f"{error}; give the password through PGPASSWORD or ~/.pgpass, or run the "
            "command at a terminal to be asked"
        ) from None


def _ask_password(location: str) -> str | None:
    try:
        return getpass.getpass(f"Password for {location}: ")
    except EOFError:
        return None
