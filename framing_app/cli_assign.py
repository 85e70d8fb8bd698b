"""``framing-app assign``, ``unassign`` and ``assignments``: who codes which article.

``assign`` draws the reliability (overlap) sample that every listed coder
codes and splits the other articles between them; re-running it assigns only
articles that have no assignment yet, without moving anyone's work (the
rules: :mod:`framing_app.services.assignments`). ``assignments`` lists them;
``unassign`` takes them back. All three need an existing project
(:mod:`framing_app.cli_project`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from framing_app.cli_table import format_table, print_table
from framing_app.core.assignment_draw import DEFAULT_OVERLAP, Overlap
from framing_app.core.errors import FramingError
from framing_app.core.text import excerpt
from framing_app.services import assignments
from framing_app.services.project import Project

COMMANDS = ("assign", "unassign", "assignments")
"""The commands of this module: they read or change an existing project, never create one."""

SAMPLE_SHOWN = 20
"""Sample articles listed one per line after a draw; the rest are counted."""

ASSIGN_HELP = "assign articles to coders, drawing the reliability sample they all code"
ASSIGN_DESCRIPTION = (
    "Assign the articles that have no assignment yet to the listed coders. A share of them "
    "(--overlap) is the reliability sample: each of those articles is assigned to every "
    "listed coder, and the agreement report compares the coders on it by default. The others "
    "are split between the coders, one coder each, balanced (each goes to the coder with the "
    "fewest assignments; on a first draw the counts differ by at most one). The draw is "
    "random and repeatable: the same --seed, coders and articles give the same assignments "
    "on any machine (articles in the order of their text's SHA-256, shuffled by Python's "
    "random.Random(seed)). Run it again after importing more articles: only the new ones are "
    "assigned, the sample grows to the same share of the whole draw, and no article moves "
    "away from a coder; a new article a listed coder has already started goes to them. "
    "The consensus coder is never assigned articles."
)
OVERLAP_HELP = (
    "the reliability sample: a share of the articles (0.1 or 10%%; rounded half up, at least "
    "one article when above 0) or a number of articles (50: digits only; 1 is one article, "
    f"1.0 or 100%% every one); 0: no sample (default {float(DEFAULT_OVERLAP):g})"
)
ASSIGNMENTS_HELP = "list how many articles each coder is assigned, or one coder's articles"
UNASSIGN_HELP = "take assignments back from a coder (their annotations and statuses stay)"


def add_assign_commands(
    command: Callable[..., argparse.ArgumentParser], after: argparse.ArgumentParser
) -> None:
    """Add ``assign``, ``unassign`` and ``assignments`` through *command* (``build_parser``'s
    helper, which gives each ``--project``/``--db`` after its name; *after* is unused)."""
    del after
    sub = command("assign", cmd_assign, ASSIGN_HELP)
    sub.description = ASSIGN_DESCRIPTION
    sub.add_argument(
        "--coders", nargs="+", required=True, metavar="NAME", help="the coders (any case)"
    )
    sub.add_argument(
        "--overlap",
        type=_overlap,
        default=Overlap(fraction=DEFAULT_OVERLAP),
        metavar="SHARE|N",
        help=OVERLAP_HELP,
    )
    sub.add_argument(
        "--seed",
        type=_seed,
        required=True,
        metavar="N",
        help="the random seed (0 or more): note it, it repeats the draw",
    )
    sub.add_argument(
        "--articles",
        nargs="+",
        metavar="ID",
        help="draw only among these articles (external or internal ids); default: every article",
    )
    sub.add_argument(
        "--create-coders",
        action="store_true",
        help="create the coders the project does not know yet (otherwise an unknown name is "
        "an error, with a close name suggested)",
    )

    sub = command("unassign", cmd_unassign, UNASSIGN_HELP)
    sub.add_argument("--coder", required=True, metavar="NAME")
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--articles", nargs="+", metavar="ID", help="external or internal ids")
    which.add_argument("--all", action="store_true", help="every article assigned to the coder")

    sub = command("assignments", cmd_assignments, ASSIGNMENTS_HELP)
    sub.add_argument(
        "--coder",
        metavar="NAME",
        help="list this coder's articles (id, external id, title, in the sample, status)",
    )
    sub.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")


def _overlap(value: str) -> Overlap:
    try:
        return Overlap.parse(value)
    except FramingError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _seed(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: '{value}'") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{number}: the seed cannot be negative")
    return number


def cmd_assign(project: Project, args: argparse.Namespace) -> int:
    report = assignments.assign(
        project,
        args.coders,
        args.overlap,
        seed=args.seed,
        articles=args.articles,
        create_coders=args.create_coders,
    )
    for line in assign_summary(report):
        print(line)
    return 0


def assign_summary(report: assignments.AssignmentReport) -> list[str]:
    """What ``assign`` prints: the draw, the sample, each coder's part, the sample articles."""
    names = _names(report.coders)
    if not report.new and not report.left_alone:
        return ["No article to assign: the draw has no articles. Nothing was changed."]
    if not report.new:
        return [
            f"Nothing to assign: every one of the {report.left_alone:,} article(s) in the draw "
            "already has an assignment. Nothing was changed."
        ]
    left = (
        f"; {report.left_alone:,} already assigned article(s) left as they were"
        if report.left_alone
        else ""
    )
    lines = [f"Assigned {len(report.new):,} new article(s) to {names} (seed {report.seed}){left}."]
    drawn = len(report.sample_added)
    if report.overlap.positive:
        share = f"{100 * report.sample / report.pool:.1f}%" if report.pool else "-"
        lines.append(
            f"Reliability sample of {names}: {report.sample:,} article(s), {share} of the "
            f"{report.pool:,} in the draw (asked: {report.overlap}); {drawn:,} drawn now, each "
            "assigned to every one of them."
        )
        if report.short:
            lines.append(
                f"note: the sample is {report.short:,} article(s) short of the {report.target:,} "
                "asked for: only articles without an assignment are drawn into it"
            )
    else:
        lines.append("No reliability sample (--overlap 0).")
    header = ["coder", "new", "new in sample", "assigned", "in sample"]
    rows = [
        [
            load.coder,
            str(load.added),
            str(load.added_in_sample),
            str(load.assigned),
            str(load.in_sample),
        ]
        for load in report.loads
    ]
    lines.append("")
    lines.append(format_table(header, rows, right={1, 2, 3, 4}))
    kept = [f"{load.coder} {load.kept_started:,}" for load in report.loads if load.kept_started]
    if kept:
        lines.append(
            "Given to the coder who had already started them (not drawn into the sample): "
            + ", ".join(kept)
            + "."
        )
    if drawn:
        lines.append("Drawn into the sample now:")
        for ref in report.sample_added[:SAMPLE_SHOWN]:
            lines.append(f"  {ref.external_id}  {excerpt(ref.title, 60)}")
        if drawn > SAMPLE_SHOWN:
            lines.append(
                f"  and {drawn - SAMPLE_SHOWN:,} more (framing-app assignments --coder "
                f"{report.coders[0]} lists them)"
            )
    return lines


def cmd_unassign(project: Project, args: argparse.Namespace) -> int:
    report = assignments.unassign(project, args.coder, None if args.all else args.articles)
    if not report.removed:
        print(f"{report.coder} had none of these articles assigned. Nothing was changed.")
        return 0
    sample = (
        f", {report.removed_in_sample:,} of them in the sample" if report.removed_in_sample else ""
    )
    started = (
        f"; {report.started:,} of them started: {report.coder}'s annotations and statuses stay"
        if report.started
        else ""
    )
    print(f"Took {report.removed:,} article(s) back from {report.coder}{sample}{started}.")
    return 0


def cmd_assignments(project: Project, args: argparse.Namespace) -> int:
    if args.coder is not None:
        lines = assignments.list_assignments(project, args.coder)
        rows = [
            [
                str(a.article_id),
                a.external_id,
                a.title,
                "yes" if a.in_sample else "no",
                a.status.value,
            ]
            for a in lines
        ]
        header = ["id", "external id", "title", "sample", "status"]
        print_table(header, rows, args.tsv, right={0}, wide=2)
        return 0
    coders = assignments.coder_assignments(project)
    header = ["coder", "assigned", "in sample", "done", "in progress", "not started"]
    rows = [
        [
            c.coder,
            str(c.assigned),
            str(c.in_sample),
            str(c.done),
            str(c.in_progress),
            str(c.not_started),
        ]
        for c in coders
    ]
    print_table(header, rows, args.tsv, right={1, 2, 3, 4, 5})
    if args.tsv:
        return 0
    groups = assignments.sample_groups(project)
    if not coders:
        print("No article is assigned yet (framing-app assign draws assignments).")
    elif not groups:
        print("No reliability sample.")
    for group in groups:
        print(f"Reliability sample of {_names(group.coders)}: {group.articles:,} article(s).")
    return 0


def _names(names: Sequence[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"
