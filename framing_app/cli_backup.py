"""``framing-app backup``, ``backups`` and ``restore``; and the backup after a changing command.

The rules are :mod:`framing_app.services.backups`'. All three commands need
an existing project (:mod:`framing_app.cli_project`): there is nothing to
back up or restore into otherwise.

The command line makes no rolling backup on open: a script running a
thousand commands would spend its time copying the project and flood the
backups folder, and a command that only reads, or refuses its input, must
leave every file as it was. Instead, after a command that changed the
project, a rolling backup is made when the newest is older than the
project's backup interval (:func:`backup_after_command`).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from framing_app.cli_table import print_table
from framing_app.core.errors import FramingError
from framing_app.services import backups
from framing_app.services.project import Project

PROG = "framing-app"

COMMANDS = ("backup", "backups", "restore")
"""The commands of this module: they need an existing project, and never create one."""

BACKUP_HELP = "back up the project now, into its backups folder or to --out FILE"
BACKUP_DESCRIPTION = (
    "Back up the project now: a complete, checked copy made with SQLite's backup API, written "
    "under a hidden .part name and renamed when complete. Without --out it is a rolling "
    "backup in the backups folder beside the project (named PROJECT-YYYYMMDDTHHMMSSZ.sqlite, "
    "UTC), and the oldest beyond the number kept (framing-app settings backups-kept) are "
    "deleted. Prints the path of the file written."
)
OUT_HELP = (
    "write the backup to this new file instead (never over an existing file, the project "
    "or its -wal/-shm)"
)
BACKUPS_HELP = "list the project's rolling backups, newest first: file, time (UTC), size"
RESTORE_HELP = "make the project what a backup holds (undoable: it backs up the project first)"
RESTORE_DESCRIPTION = (
    "Restore a backup into the project. First the project as it is now is backed up into its "
    "backups folder (the path is printed: restoring that file undoes the restore); then the "
    "backup is copied into the project in one transaction, so a coding window open on the "
    "project shows the restored project, never a mixture. Any framing-app project file can be "
    "restored: a rolling backup, one made with --out, the backup made before a schema upgrade "
    "(an older schema is upgraded on the way in; the file itself is not changed). A file that "
    "is not a framing-app project, is damaged or was written by a newer framing-app is "
    "refused, and the project is left as it was."
)


def add_backup_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``backup``, ``backups`` and ``restore`` through *command* (``build_parser``'s helper)."""
    sub = command("backup", cmd_backup, BACKUP_HELP)
    sub.description = BACKUP_DESCRIPTION
    sub.add_argument("--out", type=Path, metavar="FILE", help=OUT_HELP)

    sub = command("backups", cmd_backups, BACKUPS_HELP)
    sub.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")

    sub = command("restore", cmd_restore, RESTORE_HELP)
    sub.description = RESTORE_DESCRIPTION
    sub.add_argument(
        "backup",
        type=Path,
        metavar="BACKUP_FILE",
        help="the backup to restore (see framing-app backups)",
    )


def cmd_backup(project: Project, args: argparse.Namespace) -> int:
    print(backups.backup_now(project, args.out))
    return 0


def cmd_backups(project: Project, args: argparse.Namespace) -> int:
    found = backups.list_backups(project)
    if args.tsv:
        rows = [[str(b.path), _stamp(b), str(b.size)] for b in found]
    else:
        rows = [[str(b.path), _stamp(b), f"{b.size:,}"] for b in found]
    print_table(["file", "made (UTC)", "bytes"], rows, args.tsv, right={2})
    if not found and not args.tsv:
        print(f"No backups yet in {backups.backup_folder(project)}.")
    return 0


def cmd_restore(project: Project, args: argparse.Namespace) -> int:
    result = backups.restore(project, args.backup)
    print(f"Restored {result.restored} into {project.location}.")
    if result.upgraded_from is not None:
        print(
            f"  (its schema {result.upgraded_from} was older: upgraded on the way in; "
            "the backup file itself is unchanged)"
        )
    print(f"The project as it was before is backed up in {result.before}")
    where = f"--db {shlex.quote(project.location)}"
    if project.path is not None:
        where = f"--project {shlex.quote(str(project.path))}"
    print(f"  (to undo the restore: {PROG} {where} restore {shlex.quote(str(result.before))})")
    return 0


def backup_after_command(project: Project, args: argparse.Namespace) -> None:
    """After a command that changed *project*: a rolling backup if the newest is old enough.

    Commands that changed nothing (reads, refused input) write no file at
    all. A backup that fails does not fail the command, whose work is
    committed: it is reported on stderr as a warning.
    """
    if args.command in COMMANDS or project.db.commits == 0:
        return
    try:
        backups.backup_if_due(project)
    except FramingError as error:
        print(f"{PROG}: warning: the automatic backup failed: {error}", file=sys.stderr)


def _stamp(info: backups.BackupInfo) -> str:
    return info.made.strftime("%Y-%m-%d %H:%M:%S")
