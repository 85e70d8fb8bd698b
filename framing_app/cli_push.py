"""``framing-app --project FILE push --db URL``: a project file into an empty server database.

Unlike every other command, ``push`` has two databases: the project file it
reads (``--project``) and the server database it fills (``--db``). So it
takes neither as "the project to open": ``main`` opens nothing and calls
:func:`cmd_push` (see ``NEEDS_NO_PROJECT``), and each option may stand
before the command or after it, once.
:func:`framing_app.services.server_transfer.push_file_to_server` does the
work, all or nothing.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from pathlib import Path

from framing_app.cli_server import NEEDS_NO_PROJECT
from framing_app.cli_table import format_table
from framing_app.services.server_transfer import TransferReport, push_file_to_server

PROG = "framing-app"

PUSH_HELP = "load a project file into an empty database on a PostgreSQL server"
PUSH_DESCRIPTION = (
    "Load the project file given with --project into the PostgreSQL database given with --db, "
    "all or nothing: every article, label, question, coder, annotation, answer, status, "
    "assignment, adjudication decision and setting, each with its id. The database must be "
    "empty (it is then set up as by `server init`, which needs a login that may create roles) "
    "or just set up by `server init`, with nothing in it but the default codebook; a database "
    "holding a project is refused and left as it was. The file is only read (an older one "
    "through an upgraded temporary copy). Logins are not made: the coders without one are "
    "listed, with the `server add-coder` command for each. For a backup made with "
    "`framing-app --db URL backup --out FILE`, this is the way back onto a server."
)
SOURCE_DEST = "push_source"
TARGET_DEST = "push_target"


def add_push_command(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``push`` through *command* (``build_parser``'s helper), with its own --project/--db."""
    sub = command("push", cmd_push, PUSH_HELP, project_options=False)
    sub.description = PUSH_DESCRIPTION
    sub.set_defaults(**{NEEDS_NO_PROJECT: True})
    sub.add_argument(
        "--project",
        dest=SOURCE_DEST,
        type=Path,
        metavar="FILE",
        help="the project file to push (also accepted before the command)",
    )
    sub.add_argument(
        "--db",
        dest=TARGET_DEST,
        metavar="URL",
        help="the server database to load it into, e.g. postgresql://lead@dbhost/framing "
        "(also accepted before the command)",
    )


def check_push_arguments(sub: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Usage errors (exit 2): each of --project and --db once, before or after ``push``."""
    for option, before, after in (
        ("--project", args.project, getattr(args, SOURCE_DEST, None)),
        ("--db", args.db, getattr(args, TARGET_DEST, None)),
    ):
        if before is not None and after is not None:
            sub.error(f"argument {option}: given twice (before and after the command)")
    if args.db is None and getattr(args, TARGET_DEST, None) is None:
        sub.error("the following arguments are required: --db (the server database to fill)")
    if args.project is None and getattr(args, SOURCE_DEST, None) is None:
        sub.error("the following arguments are required: --project (the project file to push)")


def cmd_push(_project: None, args: argparse.Namespace) -> int:
    source = getattr(args, SOURCE_DEST, None) or args.project
    target = getattr(args, TARGET_DEST, None) or args.db
    report = push_file_to_server(Path(source), str(target))
    for line in report_lines(report):
        print(line)
    return 0


def report_lines(report: TransferReport) -> list[str]:
    """What was pushed (rows per table), then the ``server add-coder`` line of each coder."""
    lines = [
        f"Pushed {report.path} into {report.location}: {report.rows} row(s), every one with "
        f"its id, in {report.seconds:.1f} s."
    ]
    if report.initialised:
        lines.append("  (the database was empty: it was set up first, as by `server init`)")
    if report.upgraded_from is not None:
        lines.append(
            f"  (its schema {report.upgraded_from} is older: read through an upgraded "
            "temporary copy; the file itself is unchanged)"
        )
    rows = [[table, str(count)] for table, count in report.counts.items()]
    table = format_table(["table", "rows"], rows, right={1})
    lines.extend("  " + line for line in table.split("\n"))
    if report.coders_without_logins:
        lines.append(
            f"{len(report.coders_without_logins)} coder(s) have no login on the server yet; "
            "for each, run:"
        )
        where = shlex.quote(report.location)
        lines.extend(
            f"  {PROG} --db {where} server add-coder {shlex.quote(name)}"
            for name in report.coders_without_logins
        )
    return lines
