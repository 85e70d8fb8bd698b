"""``framing-app --db URL server ...``: set up and administer a project on a PostgreSQL server.

``init`` and ``migrate`` change the schema (only ever when a lead runs them);
``add-coder``, ``add-lead``, ``remove-coder`` and ``logins`` manage who may
work on the project; ``whoami`` says as whom, and in which role, this
program connects. Each connects as the person running it; PostgreSQL
decides whether they may.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from framing_app.cli_table import format_table
from framing_app.core.errors import FramingError
from framing_app.services.server_admin import (
    add_login,
    generated_password,
    init_server,
    list_logins,
    migrate_server,
    remove_login,
)

PROG = "framing-app"
SERVER_HELP = "set up and administer a project on a PostgreSQL server (--db URL)"
SERVER_DESCRIPTION = (
    "Commands for the project lead on a PostgreSQL server; give the server with --db, e.g. "
    "framing-app --db postgresql://lead@dbhost/framing server init. The password comes from "
    "PGPASSWORD, ~/.pgpass, a client certificate or the system keyring, or is asked for."
)
NEEDS_NO_PROJECT = "needs_no_project"
"""The dest that tells ``main`` a command opens no project (it connects by itself)."""


def add_server_command(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``server`` and its actions through *command* (``build_parser``'s helper)."""
    sub = command("server", cmd_server, SERVER_HELP)
    sub.description = SERVER_DESCRIPTION
    sub.set_defaults(**{NEEDS_NO_PROJECT: True})
    actions = sub.add_subparsers(dest="server_action", metavar="ACTION", required=True)
    actions.add_parser(
        "init",
        help="make an empty database a project: schema, default codebook, the roles "
        "framing_lead and framing_coder, row-level security; you become a lead",
    )
    actions.add_parser(
        "migrate",
        help="upgrade the project to this version's schema (one transaction, under a lock; "
        "recorded with your login)",
    )
    for name, what in (("add-coder", "a coder"), ("add-lead", "a project lead")):
        action = actions.add_parser(name, help=f"create a login for {what}")
        action.add_argument("name", metavar="NAME", help="the login (and coder) name")
        how = action.add_mutually_exclusive_group()
        how.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input (for scripts)",
        )
        how.add_argument(
            "--generate-password",
            action="store_true",
            help="make a strong password and show it once",
        )
    action = actions.add_parser(
        "remove-coder", help="remove a login; the coder's annotations, answers and statuses stay"
    )
    action.add_argument("name", metavar="NAME")
    actions.add_parser("logins", help="list the project's leads and coders")


def cmd_server(_project: None, args: argparse.Namespace) -> int:
    url = args.db
    if not url:
        raise FramingError("server commands need the server: --db postgresql://user@host/database")
    action = args.server_action
    if action == "init":
        report = init_server(url)
        if report.created:
            print(f"Set up a framing-app project (schema {report.revision}) in {report.location}.")
        else:
            print(f"{report.location} was a project already; its roles and policies are applied.")
        if report.roles_created:
            print(f"  created the group roles {', '.join(report.roles_created)}")
        print(f"  next: {PROG} --db {report.location} server add-coder NAME")
    elif action == "migrate":
        migrated = migrate_server(url)
        if migrated.changed:
            print(
                f"Upgraded {migrated.location} from schema {migrated.before} to {migrated.after}."
            )
        else:
            print(f"{migrated.location} is at schema {migrated.after} already; nothing to do.")
    elif action in ("add-coder", "add-lead"):
        password, shown = _password(args)
        login = add_login(url, args.name, password, lead=action == "add-lead")
        print(f"Added {login.role} {login.name!r}.")
        if shown:
            print(f"  password (shown once; give it to them privately): {password}")
    elif action == "remove-coder":
        removed = remove_login(url, args.name)
        print(f"Removed the login {removed.name!r}; their work stays in the project.")
    elif action == "logins":
        rows = [
            [login.name, login.role, "yes" if login.can_log_in else "no"]
            for login in list_logins(url)
        ]
        print(format_table(["login", "role", "can log in"], rows))
    return 0


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """The new login's password, and whether it was generated (and so must be shown)."""
    if args.generate_password:
        return generated_password(), True
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise FramingError("--password-stdin: standard input held no password")
        return line, False
    if not sys.stdin.isatty():
        raise FramingError(
            "no terminal to ask for the password: give --password-stdin or --generate-password"
        )
    first = getpass.getpass(f"Password for {args.name}: ")
    if first != getpass.getpass("Again: "):
        raise FramingError("the two passwords differ; nothing was changed")
    return first, False
