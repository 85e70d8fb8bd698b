"""``framing-app merge OTHER_PROJECT [--replace] [--dry-run]``: a coder's project into this one.

The other project is checked before this one is opened (a missing file, a
CSV, a folder, a newer schema, this project itself: one line naming the
file, and no project is created behind a mistake); then
:func:`framing_app.services.project_merge.merge_project` merges it, all or
nothing. Conflicts are refused with the error line followed by one line per
conflict on stderr; ``--dry-run`` prints the report and changes nothing
(not even creating this project).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from framing_app.cli_table import format_table
from framing_app.services.project import Project, default_project_path
from framing_app.services.project_merge import (
    KINDS,
    MergeConflictError,
    MergeReport,
    check_other_project,
    merge_project,
)

PROG = "framing-app"

MERGE_HELP = "merge another coder's project into this one (coders, codebook, articles, work)"
MERGE_DESCRIPTION = (
    "Merge another framing-app project file into this one, all or nothing: its coders, labels, "
    "questions, articles (matched by the SHA-256 of their text; articles this project lacks are "
    "brought in with their text), annotations, answers, coding statuses and assignments. Coders, "
    "labels and questions match by name, whatever their case. Running it twice adds nothing. "
    "Refused, with one line per conflict and nothing changed: a label with another definition "
    "there, a question with another level or options, an article whose id names another text "
    "here, an answer with another value (unless --replace), a coder who is the consensus coder "
    "on one side only. Colours and shortcuts that differ are no conflict: this project's are "
    "kept. A coding status takes the more advanced of the two; assignments are joined. The other "
    "file is only read: never changed, never upgraded (an older one is read through an upgraded "
    "temporary copy; a newer one is refused)."
)
REPLACE_HELP = (
    "for each coder with work in OTHER (an annotation, answer or status there), make that "
    "coder's annotations, answers and status on the articles OTHER holds exactly OTHER's "
    "(a corrected project: relabelled, edited and deleted work arrives; equal annotations keep "
    "their ids); other coders and other articles are untouched"
)
BEFORE_OPEN = "before_open"
"""The dest of a check ``main`` runs before opening (or creating) the project."""


def add_merge_command(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``merge`` through *command* (``build_parser``'s helper)."""
    sub = command("merge", cmd_merge, MERGE_HELP)
    sub.description = MERGE_DESCRIPTION
    sub.set_defaults(**{BEFORE_OPEN: check_merge_source})
    sub.add_argument(
        "other", type=Path, metavar="OTHER_PROJECT", help="the other project's .sqlite file"
    )
    sub.add_argument("--replace", action="store_true", help=REPLACE_HELP)
    sub.add_argument(
        "--dry-run", action="store_true", help="print what the merge would do, change nothing"
    )


def check_merge_source(args: argparse.Namespace) -> None:
    """Refuse a mistaken OTHER_PROJECT before this project is opened or created."""
    this = None
    if not args.db:
        this = Path(args.project) if args.project else default_project_path()
    check_other_project(args.other, this)


def cmd_merge(project: Project, args: argparse.Namespace) -> int:
    try:
        report = merge_project(project, args.other, replace=args.replace, dry_run=args.dry_run)
    except MergeConflictError as refused:
        _print_conflicts(refused.report, str(refused))
        return 1
    for line in report_lines(report, project.location):
        print(line)
    if report.conflicts:
        n = len(report.conflicts)
        _print_conflicts(
            report,
            f"{report.other}: {n} conflict{'' if n == 1 else 's'} with this project; "
            "the merge would be refused",
        )
        return 1
    return 0


def _print_conflicts(report: MergeReport, message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    for conflict in report.conflicts:
        print(f"  conflict: {conflict}", file=sys.stderr)


def report_lines(report: MergeReport, location: str) -> list[str]:
    """The report as printed: a summary line, counts per kind, new names, notes."""
    written = {
        what: sum(getattr(counts, what) for counts in report.counts.values())
        for what in ("added", "replaced", "removed")
    }
    verb = "Would merge" if report.dry_run else "Merged"
    how = " replacing its coders' work" if report.replace else ""
    lines = [
        f"{verb} {report.other} into {location}{how}: {written['added']} row(s) added, "
        f"{written['replaced']} replaced, {written['removed']} removed."
    ]
    if report.upgraded_from is not None:
        lines.append(
            f"  (its schema {report.upgraded_from} is older: read through an upgraded "
            "temporary copy; the file itself is unchanged)"
        )
    header = ["", "added", "unchanged", "replaced", "removed", "conflicts"]
    rows = [
        [
            kind,
            *(
                str(getattr(report.counts[kind], what))
                for what in ("added", "unchanged", "replaced", "removed", "conflicts")
            ),
        ]
        for kind in KINDS
    ]
    lines.extend(
        "  " + line for line in format_table(header, rows, right={1, 2, 3, 4, 5}).split("\n")
    )
    for what, names in (
        ("coder(s)", report.new_coders),
        ("label(s)", report.new_labels),
        ("question(s)", report.new_questions),
    ):
        if names:
            lines.append(f"  new {what}: {', '.join(names)}")
    lines.extend(f"  note: {note}" for note in report.notes)
    if report.dry_run:
        lines.append("Dry run: nothing was changed.")
    return lines
