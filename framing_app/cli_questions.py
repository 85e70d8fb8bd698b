"""The commands for article-level questions and their answers.

``question add|list|rename|archive|restore|delete`` edit the codebook's
questions; ``answer`` sets or clears one coder's answer; ``export answers``
writes the answer CSV (:mod:`framing_app.formats.answer_csv`) and
``import-answers`` merges one, all or nothing. ``cli.py`` adds them with
:func:`add_question_commands` and sends ``export answers`` to
:func:`cmd_export_answers`.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path

from framing_app.cli_identity import add_acting_coder
from framing_app.cli_table import print_table
from framing_app.core.questions import LEVELS, options_text, split_options
from framing_app.services import answer_exchange, answers, questions
from framing_app.services.project import Project

ANSWERS = "answers"
"""The value of ``export``'s first argument that selects :func:`cmd_export_answers`."""

QUESTION_HELP = "list the codebook's article-level questions, or add, rename or delete one"
QUESTION_DESCRIPTION = (
    "Article-level questions are answered once per article by each coder: the primary frame "
    "(nominal), the tone (ordinal: options in the order of the scale), relevance (yes/no), a "
    "count (interval or ratio: numbers). Their reliability is measured at the article unit "
    "(framing-app agreement --question NAME)."
)
ANSWER_HELP = "set (or --clear) a coder's answer to a question about an article"
IMPORT_HELP = "merge an answer CSV (from export answers) into the project, all or nothing"
EXPORT_ANSWERS_HELP = (
    "export answers [--out FILE.csv] [--coder NAME]...: one row per coder, article and question "
    "(article_id, article_external_id, article_title, article_sha256, coder, question, answer)"
)

Command = Callable[[str, Callable[..., int], str], argparse.ArgumentParser]


def add_question_commands(command: Command, after: argparse.ArgumentParser) -> None:
    """Add ``question``, ``answer`` and ``import-answers`` through *command*
    (``build_parser``'s helper); *after* gives nested subcommands ``--project``/``--db``."""
    sub = command("question", cmd_question_list, QUESTION_HELP)
    sub.description = QUESTION_DESCRIPTION
    actions = sub.add_subparsers(dest="question_action", metavar="ACTION", required=True)

    def action(name: str, handler: Callable[..., int], help_: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_, description=help_, parents=[after])
        parser.set_defaults(handler=handler, subparser=parser)
        return parser

    add = action("add", cmd_question_add, "add a question at the end of the codebook's questions")
    add.add_argument("name", metavar="NAME", help="the question's name, e.g. tone")
    add.add_argument(
        "--level",
        required=True,
        type=str.lower,
        choices=LEVELS,
        help="level of measurement: nominal (categories), ordinal (ordered categories), "
        "interval or ratio (numbers; ratio: >= 0)",
    )
    add.add_argument(
        "--options",
        default="",
        metavar='"a,b,c"',
        help="the answers, comma-separated, in order (the order of the scale for ordinal); "
        "nominal needs one or more, ordinal two or more; interval/ratio: numbers, or none "
        "for any number",
    )
    add.add_argument("--definition", default="", metavar="TEXT", help="what the question asks")

    listing = action("list", cmd_question_list, "list the questions with their options")
    listing.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")

    rename = action("rename", cmd_question_rename, "rename question OLD to NEW; answers keep it")
    rename.add_argument("old", metavar="OLD", help="the question's name (any case)")
    rename.add_argument("new", metavar="NEW", help="its new name")

    for name, flag, help_ in (
        ("archive", True, "hide a question from coding; its answers stay in data and exports"),
        ("restore", False, "show an archived question for coding again"),
    ):
        parser = action(name, cmd_question_archive, help_)
        parser.add_argument("name", metavar="NAME")
        parser.set_defaults(archived=flag)

    remove = action("delete", cmd_question_delete, "delete a question (refused if answered)")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument(
        "--with-answers",
        action="store_true",
        help="delete it even though coders answered it: their answers go with it",
    )

    sub = command("answer", cmd_answer, ANSWER_HELP)
    add_acting_coder(sub, "coder name (created if new)")
    sub.add_argument("--article", required=True, metavar="ID", help="external or internal id")
    sub.add_argument("--question", required=True, metavar="NAME")
    sub.add_argument(
        "value", nargs="?", metavar="VALUE", help="the answer: one of the options, or a number"
    )
    sub.add_argument("--clear", action="store_true", help="remove the coder's answer instead")

    sub = command("import-answers", cmd_import_answers, IMPORT_HELP)
    sub.add_argument("file", metavar="FILE.csv", type=Path)
    sub.add_argument(
        "--replace",
        action="store_true",
        help="for each coder in the file, make their answers on the articles the file covers "
        "exactly the file's (changed answers are taken, answers the file lacks removed)",
    )
    sub.add_argument(
        "--dry-run", action="store_true", help="print what the import would do, change nothing"
    )


def check_question_arguments(args: argparse.Namespace) -> None:
    """Usage errors (exit 2): ``answer`` needs a VALUE or --clear, not both;
    ``export answers`` has no Excel flavour."""
    sub: argparse.ArgumentParser | None = getattr(args, "subparser", None)
    if sub is None:
        return
    if args.command == "answer":
        if args.clear and args.value is not None:
            sub.error("argument --clear: not allowed with a VALUE")
        if not args.clear and args.value is None:
            sub.error("give the answer (VALUE), or --clear to remove it")
    if args.command == "export" and args.what == ANSWERS and args.excel:
        sub.error("argument --excel: only with export annotations")


def cmd_question_list(project: Project, args: argparse.Namespace) -> int:
    rows = [
        [
            q.name,
            q.level,
            options_text(q.options) if q.options or q.spec.numeric else "-",
            str(q.answers),
            "yes" if q.archived else "no",
            q.definition,
        ]
        for q in questions.list_questions(project)
    ]
    header = ["question", "level", "options", "answers", "archived", "definition"]
    print_table(header, rows, getattr(args, "tsv", False), right={3}, wide=5)
    return 0


def cmd_question_add(project: Project, args: argparse.Namespace) -> int:
    info = questions.add_question(
        project,
        args.name,
        level=args.level,
        options=split_options(args.options),
        definition=args.definition,
    )
    print(f"Added question '{info.name}' ({info.level}: {options_text(info.options)}).")
    return 0


def cmd_question_rename(project: Project, args: argparse.Namespace) -> int:
    info = questions.update_question(project, args.old, new_name=args.new)
    print(f"Renamed question '{args.old.strip()}' to '{info.name}'.")
    return 0


def cmd_question_archive(project: Project, args: argparse.Namespace) -> int:
    info = questions.update_question(project, args.name, archived=args.archived)
    state = "archived (hidden from coding; its answers stay)" if info.archived else "restored"
    print(f"Question '{info.name}' {state}.")
    return 0


def cmd_question_delete(project: Project, args: argparse.Namespace) -> int:
    removed = questions.delete_question(project, args.name, with_answers=args.with_answers)
    whose = ", ".join(f"{name} {n}" for name, n in removed.answers_by_coder.items())
    gone = f" with {removed.answers} answer(s) ({whose})" if removed.answers else ""
    print(f"Deleted question '{removed.name}'{gone}.")
    return 0


def cmd_answer(project: Project, args: argparse.Namespace) -> int:
    check_question_arguments(args)
    if args.clear:
        change = answers.clear_answer(
            project, coder=args.coder, article=args.article, question=args.question
        )
        if change.before is None:
            print(f"{change.coder} had no answer to '{change.question}' on this article.")
        else:
            print(f"Cleared {change.coder}'s answer to '{change.question}'.")
        return 0
    change = answers.set_answer(
        project, coder=args.coder, article=args.article, question=args.question, value=args.value
    )
    if not change.changed:
        print(f"{change.coder}'s answer to '{change.question}' was already '{change.value}'.")
    elif change.before is None:
        print(f"{change.coder} answered '{change.question}': '{change.value}'.")
    else:
        print(
            f"{change.coder}'s answer to '{change.question}' changed from "
            f"'{change.before.value}' to '{change.value}'."
        )
    return 0


def cmd_export_answers(project: Project, args: argparse.Namespace) -> int:
    """``export answers``: to ``--out`` (a file; stdout without it or with ``-``)."""
    check_question_arguments(args)
    if args.out is None or str(args.out) == "-":
        if isinstance(sys.stdout, io.TextIOWrapper):
            # The CSV writer emits RFC 4180 CRLF itself; no translation on top.
            sys.stdout.reconfigure(newline="")
        answer_exchange.export_answers(project, sys.stdout, coders=args.coder)
        return 0
    count = answer_exchange.export_answers_to_file(project, args.out, coders=args.coder)
    print(f"Wrote {count} answer(s) to {args.out}.")
    return 0


def cmd_import_answers(project: Project, args: argparse.Namespace) -> int:
    if args.dry_run:
        report = answer_exchange.preview_answer_import(project, args.file, replace=args.replace)
    else:
        report = answer_exchange.import_answers(project, args.file, replace=args.replace)
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} the {report.rows} answer row(s) of {args.file}: {report.added} added, "
        f"{report.changed} changed, {report.removed} removed, {report.unchanged} unchanged."
    )
    for name, counts in report.coders.items():
        print(
            f"  {name}: {counts.added} added, {counts.changed} changed, "
            f"{counts.removed} removed ({counts.unchanged} unchanged)"
        )
    if report.new_coders:
        print(f"  new coder(s): {', '.join(report.new_coders)}")
    if report.new_questions:
        made = "to add" if args.dry_run else "added"
        print(f"  new question(s) {made} (nominal, options as answered): ", end="")
        print(", ".join(report.new_questions))
    for note in report.notes:
        print(f"  note: {note}")
    if args.dry_run:
        print("Dry run: nothing was changed.")
    return 0
