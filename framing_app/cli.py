"""The ``framing-app`` command: argparse over the same services the GUI uses.

Exit status: 0 on success, 1 when the command could not be carried out (a
one-line ``framing-app: error: ...`` on stderr, never a traceback), 2 for a
command line argparse rejects, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from framing_app import __version__
from framing_app.cli_adjudicate import add_adjudication_commands
from framing_app.cli_agreement import add_agreement_command, check_agreement_arguments
from framing_app.cli_assign import add_assign_commands
from framing_app.cli_backup import add_backup_commands, backup_after_command
from framing_app.cli_commands import (
    cmd_delete_annotation,
    cmd_labels_rename,
    cmd_show,
    passage_span,
)
from framing_app.cli_identity import add_acting_coder, check_acting_coder, resolve_acting_coder
from framing_app.cli_merge import BEFORE_OPEN, add_merge_command
from framing_app.cli_project import (
    merge_options_after_command,
    needs_existing_project,
    needs_project,
    open_project,
    options_after_command,
)
from framing_app.cli_push import add_push_command, check_push_arguments
from framing_app.cli_questions import (
    ANSWERS,
    add_question_commands,
    check_question_arguments,
    cmd_export_answers,
)
from framing_app.cli_reliability import (
    add_export_reliability,
    check_export_arguments,
    cmd_export_reliability,
)
from framing_app.cli_server import NEEDS_NO_PROJECT, add_server_command
from framing_app.cli_settings import add_settings_command
from framing_app.cli_table import print_table as _print_table
from framing_app.core.errors import Cancelled, FramingError
from framing_app.core.records import CodingStatus
from framing_app.core.text import excerpt, undecodable
from framing_app.services import (
    annotation_export,
    annotation_import,
    article_import,
    article_removal,
    articles,
    codebook,
    coders,
    coding_status,
    passages,
    tagging,
)
from framing_app.services.project import Project, default_project_path
from framing_app.services.sample_corpus import sample_folder

PROG = "framing-app"
SIGPIPE_NUMBER = 13  # the exit status of a pipeline stage cut short is 128 + SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    merge_options_after_command(parser, args)
    _check_combinations(args)
    # Titles and passages are Unicode whatever the locale says.
    # A file name that is not valid UTF-8 reaches Python as surrogate escapes
    # (PEP 383); write its original bytes back rather than fail on it.
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", errors=errors)
    try:
        _check_text_arguments(args)
        if args.command is None:
            try:
                from framing_app.gui.app import run_gui
            except ImportError as error:
                raise FramingError(
                    f"the coding window needs Qt for Python ({error.name or error}); "
                    "install framing-app with its dependencies (pip install framing-app), "
                    "or use a command (framing-app --help)"
                ) from None

            return run_gui(project_path=args.project, db_url=args.db)
        if not needs_project(args) or getattr(args, NEEDS_NO_PROJECT, False):
            return int(args.handler(None, args))
        if (before_open := getattr(args, BEFORE_OPEN, None)) is not None:
            before_open(args)  # a command's check of its input, before a project is created
        with open_project(args, create=not needs_existing_project(args)) as project:
            resolve_acting_coder(project, args)
            result: int = args.handler(project, args)
            backup_after_command(project, args)
            return result
    except FramingError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"{PROG}: interrupted; nothing was changed by the unfinished command", file=sys.stderr
        )
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``... | head``): stop quietly, as
        # Unix tools killed by SIGPIPE do, and keep Python's final flush of
        # stdout from failing again (the recipe of Python's signal docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + SIGPIPE_NUMBER


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse a text argument (a memo, a name, an id) holding bytes that are not UTF-8.

    Python hands such bytes over as lone surrogates (PEP 383's surrogateescape),
    which no database can store. File paths are exempt: a path in any bytes
    names a real file, and Python opens it as given.
    """
    for dest, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and (bad := undecodable(item)) is not None:
                raise FramingError(
                    f"argument {_option_name(dest)} is not valid UTF-8 text ({bad}); "
                    "check the terminal's encoding"
                )


def _option_name(dest: str) -> str:
    names = {"refs": "ID", "paths": "PATH", "article_ref": "ARTICLE", "old": "OLD", "new": "NEW"}
    return names.get(dest, "--" + dest.replace("_", "-"))


def _check_combinations(args: argparse.Namespace) -> None:
    """Usage errors (exit 2) for options that depend on each other."""
    sub: argparse.ArgumentParser | None = getattr(args, "subparser", None)
    if sub is None:
        return
    check_acting_coder(sub, args)
    if args.command == "annotate":
        if args.find is not None and (args.start is not None or args.end is not None):
            sub.error("argument --find: not allowed with --start/--end")
        if args.find is None and (args.start is None or args.end is None):
            sub.error("give --start and --end, or --find")
        if args.occurrence is not None and args.find is None:
            sub.error("argument --occurrence: only with --find")
    if args.command == "agreement":
        check_agreement_arguments(args)
    if args.command == "export":
        check_export_arguments(args)
    check_question_arguments(args)
    if args.command == "push":
        check_push_arguments(sub, args)
    if args.command == "show" and not args.annotations:
        for option, value in (("--coder", args.coder), ("--tsv", args.tsv)):
            if value:
                sub.error(f"argument {option}: only with --annotations")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Code news articles with framing labels, export the annotations as CSV. "
        "With no command, opens the coding window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--project",
        type=Path,
        metavar="PATH",
        help=f"SQLite project file to open or create (default: {default_project_path()}); "
        "before or after the command",
    )
    where.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL, e.g. postgresql+psycopg://user@host/project; "
        "before or after the command",
    )
    after = options_after_command()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, handler: Callable[..., int], help_: str, *, project_options: bool = True
    ) -> argparse.ArgumentParser:
        # Without *project_options* the command defines --project/--db itself, meaning
        # something else than the project to open (push: the file to read, the target).
        parents = [after] if project_options else []
        sub = commands.add_parser(name, help=help_, description=help_, parents=parents)
        sub.set_defaults(handler=handler, subparser=sub)
        return sub

    sub = command("import", cmd_import, "import articles from files and folders")
    sub.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help=".txt .md .html .htm .docx files, .csv/.tsv tables (one article per row), "
        "or folders (searched recursively)",
    )
    sub.add_argument("--sample", action="store_true", help="import the bundled sample articles")
    sub.add_argument(
        "--encoding",
        help="read every text file in this encoding instead of detecting it (e.g. cp1252)",
    )

    sub = command("articles", cmd_articles, "list the articles")
    sub.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")

    sub = command("coders", cmd_coders, "list the coders")
    sub.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")

    sub = command("labels", cmd_labels, "list the codebook's labels, or rename one")
    sub.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")
    sub.add_argument("--definitions", action="store_true", help="show each label's definition")
    # Optional: "labels" alone (or with --tsv, --definitions) lists as before.
    actions = sub.add_subparsers(dest="labels_action", metavar="[ACTION]")
    rename = actions.add_parser(
        "rename",
        help="rename label OLD to NEW; its annotations keep it",
        description="Rename label OLD to NEW; its annotations keep it.",
        parents=[after],
    )
    rename.set_defaults(handler=cmd_labels_rename, subparser=rename)
    rename.add_argument("old", metavar="OLD", help="the label's name (any case)")
    rename.add_argument("new", metavar="NEW", help="its new name")

    sub = command("show", cmd_show, "print an article's stored text, or list its annotations")
    sub.add_argument("article_ref", metavar="ARTICLE", help="external or internal id")
    sub.add_argument(
        "--annotations", action="store_true", help="list the article's annotations instead"
    )
    sub.add_argument("--coder", metavar="NAME", help="only this coder's annotations")
    sub.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")

    sub = command("codebook", cmd_codebook, "export or import the codebook as JSON")
    sub.add_argument("action", choices=["export", "import"])
    sub.add_argument("file", type=Path, metavar="FILE.json")

    sub = command("annotate", cmd_annotate, "tag a passage of an article (for scripts and tests)")
    add_acting_coder(sub, "coder name (created if new)")
    sub.add_argument("--article", required=True, metavar="ID", help="external or internal id")
    sub.add_argument("--label", required=True, metavar="NAME")
    sub.add_argument("--start", type=int, metavar="N", help="0-based, inclusive")
    sub.add_argument("--end", type=int, metavar="N", help="exclusive")
    sub.add_argument(
        "--find",
        metavar="TEXT",
        help="the passage's text, instead of --start and --end (see framing-app show)",
    )
    sub.add_argument(
        "--occurrence",
        type=_positive_int,
        metavar="N",
        help="with --find: tag the Nth match (1-based) when the text occurs more than once",
    )
    sub.add_argument("--memo", default="", metavar="TEXT")

    sub = command("delete-annotation", cmd_delete_annotation, "delete one annotation by its id")
    sub.add_argument(
        "annotation_id",
        type=int,
        metavar="ID",
        help="the annotation's id (show ARTICLE --annotations, or the CSV's annotation_id)",
    )

    sub = command("status", cmd_status, "show or set a coder's status on articles")
    add_acting_coder(sub, None)
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--article", nargs="+", metavar="ID", help="external or internal ids")
    which.add_argument("--all", action="store_true", help="every article")
    sub.add_argument(
        "--set",
        metavar="STATUS",
        type=_status_argument,
        help="not-started, in-progress or done; without --set, show the status",
    )

    sub = command(
        "export", cmd_export, "export annotations, answers, or a reliability matrix, as CSV"
    )
    sub.add_argument("what", choices=["annotations", ANSWERS, "reliability"])
    sub.add_argument(
        "--out", type=Path, metavar="FILE", help="file to write (default, or -: stdout)"
    )
    sub.add_argument(
        "--coder", action="append", metavar="NAME", help="only this coder (repeatable)"
    )
    sub.add_argument(
        "--excel",
        action="store_true",
        help="for spreadsheets: UTF-8 BOM, and cells that would run as formulas made inert",
    )
    add_export_reliability(sub)

    sub = command(
        "import-annotations", cmd_import_annotations, "merge an annotation CSV from another coder"
    )
    sub.add_argument("file", type=Path, metavar="FILE.csv")
    flavour = sub.add_mutually_exclusive_group()
    flavour.add_argument(
        "--excel",
        dest="flavour",
        action="store_const",
        const="excel",
        help="the file is an Excel-flavour export: drop the apostrophe put before = + - @ "
        "(needed only for a file without the excel_escaped column)",
    )
    flavour.add_argument(
        "--plain",
        dest="flavour",
        action="store_const",
        const="plain",
        help="the file is plain: keep every cell as it is",
    )
    sub.add_argument(
        "--replace",
        action="store_true",
        help="for each coder in the file, make their annotations on the articles the file "
        "covers exactly the file's rows (a corrected file: relabelled, edited and deleted "
        "annotations arrive; unchanged ones keep their ids)",
    )
    sub.add_argument(
        "--no-new-labels",
        dest="new_labels",
        action="store_false",
        help="refuse the file if it names a label the codebook lacks (catches typos)",
    )
    sub.add_argument(
        "--dry-run", action="store_true", help="print what the import would do, change nothing"
    )

    sub = command(
        "delete-articles",
        cmd_delete_articles,
        "delete articles with their annotations and statuses (asks first)",
    )
    sub.add_argument("refs", nargs="+", metavar="ID", help="external or internal ids")
    sub.add_argument(
        "--yes", action="store_true", help="delete without asking (needed when not at a terminal)"
    )

    add_settings_command(command, after)
    add_question_commands(command, after)
    add_agreement_command(command, after)
    add_adjudication_commands(command, after)
    add_merge_command(command)
    add_assign_commands(command, after)
    add_backup_commands(command)
    add_server_command(command)
    add_push_command(command)
    return parser


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: '{value}'") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number}: the first occurrence is 1")
    return number


def _status_argument(value: str) -> CodingStatus:
    try:
        return coding_status.parse_status(value)
    except FramingError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _progress_bar(description: str) -> Callable[[int, int, str], None]:
    """A tqdm bar on stderr (silent when stderr is not a terminal)."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(done: int, total: int, what: str) -> None:
        bar = bars.get(what)
        if bar is None:
            for old in bars.values():
                old.close()
            bar = bars[what] = tqdm(
                total=total, desc=f"{description}: {what}", unit="", file=sys.stderr, disable=None
            )
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def cmd_import(project: Project, args: argparse.Namespace) -> int:
    if not args.paths and not args.sample:
        raise FramingError("name the files or folders to import, or give --sample")
    if args.sample:
        with sample_folder() as folder:
            report = article_import.import_articles(
                project,
                [*args.paths, folder],
                encoding=args.encoding,
                progress=_progress_bar("import"),
            )
    else:
        report = article_import.import_articles(
            project, args.paths, encoding=args.encoding, progress=_progress_bar("import")
        )
    print(
        f"Imported {len(report.added)} article(s) from {report.files} file(s)"
        f"{f'; skipped {len(report.duplicates)} duplicate(s)' if report.duplicates else ''}."
    )
    for duplicate in report.duplicates:
        print(f"  duplicate: {duplicate.origin} (same text as '{duplicate.existing_external_id}')")
    return 0


def cmd_articles(project: Project, args: argparse.Namespace) -> int:
    rows = [
        [
            str(a.id),
            a.external_id,
            a.title,
            str(a.char_count),
            ", ".join(f"{coder}: {n}" for coder, n in a.annotations_by_coder.items()) or "-",
        ]
        for a in articles.list_articles(project)
    ]
    header = ["id", "external id", "title", "characters", "annotations"]
    _print_table(header, rows, args.tsv, right={0, 3}, wide=2)
    return 0


def cmd_coders(project: Project, args: argparse.Namespace) -> int:
    rows = [[c.name, str(c.annotations)] for c in coders.list_coders(project)]
    _print_table(["coder", "annotations"], rows, args.tsv, right={1})
    return 0


def cmd_labels(project: Project, args: argparse.Namespace) -> int:
    header = ["label", "shortcut", "colour", "annotations", "archived"]
    rows = []
    for label in codebook.list_labels(project):
        row = [
            label.name,
            label.shortcut or "-",
            label.color,
            str(label.annotations),
            "yes" if label.archived else "no",
        ]
        if args.definitions:
            row.append(label.definition)
        rows.append(row)
    if args.definitions:
        header.append("definition")
    _print_table(header, rows, args.tsv, right={3}, wide=5 if args.definitions else None)
    return 0


def cmd_codebook(project: Project, args: argparse.Namespace) -> int:
    if args.action == "export":
        count = codebook.export_codebook(project, args.file)
        print(f"Wrote {count} label(s) to {args.file}.")
    else:
        report = codebook.import_codebook(project, args.file)
        asked = report.questions_added or report.questions_updated
        print(
            f"Codebook imported from {args.file}: "
            f"{len(report.added)} label(s) added, {len(report.updated)} updated"
            + (
                f"; {len(report.questions_added)} question(s) added, "
                f"{len(report.questions_updated)} updated."
                if asked
                else "."
            )
        )
    return 0


def cmd_annotate(project: Project, args: argparse.Namespace) -> int:
    start, end = args.start, args.end
    if args.find is not None:
        start, end = passage_span(project, args)
    info = tagging.annotate(
        project,
        coder=args.coder,
        article=args.article,
        label=args.label,
        start=start,
        end=end,
        memo=args.memo,
    )
    print(
        f"Annotation {info.id}: {info.coder} tagged {info.start}-{info.end} "
        f"'{excerpt(info.text, 60)}' as {info.label}."
    )
    return 0


def cmd_status(project: Project, args: argparse.Namespace) -> int:
    refs = None if args.all else args.article
    if args.set is not None:
        count = coding_status.set_status(project, args.coder, args.set, refs).count
        print(f"Set {count} article(s) to {args.set.value} for {args.coder}.")
        return 0
    # Showing reads: a mistyped coder is an error, not a column of not-started.
    args.coder = passages.known_coder(project, args.coder)
    rows = [
        [str(line.id), line.external_id, line.title, line.status.value]
        for line in coding_status.status_table(project, args.coder, refs)
    ]
    _print_table(["id", "external id", "title", "status"], rows, tsv=False, right={0}, wide=2)
    return 0


def cmd_export(project: Project, args: argparse.Namespace) -> int:
    if args.what == "reliability":
        return cmd_export_reliability(project, args)
    if args.what == ANSWERS:
        return cmd_export_answers(project, args)
    if args.out is None or str(args.out) == "-":
        if isinstance(sys.stdout, io.TextIOWrapper):
            # The CSV writer emits RFC 4180 CRLF itself; no translation on top.
            sys.stdout.reconfigure(newline="")
        annotation_export.export_annotations(
            project, sys.stdout, coders=args.coder, excel=args.excel
        )
        return 0
    count = annotation_export.export_annotations_to_file(
        project, args.out, coders=args.coder, excel=args.excel, progress=_progress_bar("export")
    )
    print(f"Wrote {count} annotation(s) to {args.out}.")
    return 0


def cmd_import_annotations(project: Project, args: argparse.Namespace) -> int:
    options: dict[str, Any] = {
        "flavour": args.flavour,
        "replace": args.replace,
        "new_labels": args.new_labels,
    }
    if args.dry_run:
        report = annotation_import.preview_import(project, args.file, **options)
    else:
        report = annotation_import.import_annotations(
            project, args.file, progress=_progress_bar("import"), **options
        )
    if args.replace:
        print(
            f"{'Would replace' if args.dry_run else 'Replaced'} the annotations of "
            f"{len(report.coders)} coder(s) on the articles in {args.file}:"
        )
        for name, counts in report.coders.items():
            print(
                f"  {name}: {counts.added} added, {counts.changed} changed, "
                f"{counts.removed} removed ({counts.unchanged} unchanged)"
            )
    else:
        skipped = f"; skipped {report.duplicates} already in the project"
        print(
            f"{'Would import' if args.dry_run else 'Imported'} {report.added} annotation(s) "
            f"from {args.file}{skipped if report.duplicates else ''}."
        )
    if report.new_coders:
        print(f"  new coder(s): {', '.join(report.new_coders)}")
    if report.new_labels:
        added = "to add to" if args.dry_run else "added to"
        print(f"  new label(s) {added} the codebook: {', '.join(report.new_labels)}")
    for note in report.notes[:_NOTES_SHOWN]:
        print(f"  note: {note}")
    if len(report.notes) > _NOTES_SHOWN:
        print(f"  note: and {len(report.notes) - _NOTES_SHOWN} more like these")
    if args.dry_run:
        print("Dry run: nothing was changed.")
    return 0


# Enough to see what a file does wrong; a file wrong in every row says so in one more line.
_NOTES_SHOWN = 20


def cmd_delete_articles(project: Project, args: argparse.Namespace) -> int:
    preview = article_removal.preview_removal(project, args.refs)
    if not args.yes:
        if not sys.stdin.isatty():
            raise FramingError(
                f"deleting {_removal_counts(preview)} needs confirmation; "
                "add --yes to delete without asking"
            )
        for article in preview.articles:
            print(f"  {article.id}  {article.external_id}  {excerpt(article.title, 60)}")
        print(f"Delete {_removal_counts(preview, colon=True)}? [y/N] ", end="", flush=True)
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            raise Cancelled("deletion")
    # The confirmed counts are passed on: if someone tagged these articles
    # meanwhile, more would go than was agreed to, and nothing is deleted.
    removal = article_removal.delete_articles(project, args.refs, expect=preview)
    print(f"Deleted {_removal_counts(removal, colon=True)}.")
    for article in removal.articles:
        print(f"  deleted: {article.external_id} ({excerpt(article.title, 60)})")
    return 0


def _removal_counts(removal: article_removal.ArticleRemoval, colon: bool = False) -> str:
    """'2 article(s) with 14 annotation(s): alice 9, bob 5' (in brackets without *colon*)."""
    counts = f"{len(removal.articles)} article(s) with {removal.annotations} annotation(s)"
    answers = f" and {removal.answers} answer(s)" if removal.answers else ""
    if not removal.annotations_by_coder:
        return counts + answers
    coders = ", ".join(f"{name} {n}" for name, n in removal.annotations_by_coder.items())
    return f"{counts}: {coders}{answers}" if colon else f"{counts} ({coders}){answers}"


if __name__ == "__main__":
    raise SystemExit(main())
