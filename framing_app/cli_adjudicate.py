"""``framing-app disagreements`` and ``framing-app adjudicate``: the consensus meeting, for scripts.

``disagreements`` lists where the coders differ
(:mod:`framing_app.services.disagreements`); ``adjudicate`` settles one of
them into the consensus coder, or closes an article
(:mod:`framing_app.services.adjudication`,
:mod:`framing_app.services.adjudication_close`). Both need an existing
project (:mod:`framing_app.cli_project`). The services import numpy (the
inclusion rule is the agreement report's); they are imported when the
command runs, so that other commands do not pay for it at start-up.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from framing_app.cli_table import print_table
from framing_app.core.errors import FramingError

if TYPE_CHECKING:
    from framing_app.services.answer_disagreements import AnswerDisagreement
    from framing_app.services.disagreements import Disagreement, Side
    from framing_app.services.project import Project

REVIEW_UNITS = ("article", "paragraph", "sentence", "span")
OVERLAPS = ("any", "majority")
ARTICLE_SETS = ("sample", "done", "all")
DEFAULT_CONSENSUS = "consensus"

DISAGREEMENTS_HELP = "list the units where coders differ, and what the consensus decided"
DISAGREEMENTS_DESCRIPTION = (
    "List the units where the coders differ, label by label, in article import order, then by "
    "position: at the article, paragraph or sentence unit, a unit where the label is present "
    "for one coder and absent for another (the agreement report's rules, --overlap included); "
    "at the span unit, a stretch of overlapping passages that the coders did not tag with "
    "exactly the same spans. Only articles every listed coder marked done, unless "
    "--all-articles. Each coder's passages are shown as START-END#ID (code points, end "
    "exclusive). A disagreement is resolved as soon as the consensus coder has decided it "
    "(framing-app adjudicate; an absent decision counts too), has a passage of the label "
    "there, or has closed the article (framing-app adjudicate --close)."
)
ADJUDICATE_HELP = "settle one disagreement into the consensus coder, or close an article"
ADJUDICATE_DESCRIPTION = (
    "Settle one disagreement (see framing-app disagreements) into the consensus coder, which "
    "is created if new: --take a coder's name (accept that coder's passages there), both "
    "(every listed coder's, each span once; 'all' is the same), none (the label is absent "
    "there) or new (the passage --start to --end). What the consensus had with the label in "
    "the unit is replaced; passages are copied whole with a memo naming the source "
    "('from alice #12'). --start and --end pick the disagreement when the article has more "
    "than one on the label (any offsets inside its unit). Each decision is recorded, so that "
    "it counts as resolved at once, absent included. --close instead closes the article: "
    "the consensus takes over the passages and the answers on which the coders agree, every "
    "disagreement it has not decided becomes absent (or unanswered), and its status on the "
    "article becomes done. One transaction each; the window's Edit > Undo undoes its own "
    "decisions."
)


def add_adjudication_commands(
    command: Callable[..., argparse.ArgumentParser], after: argparse.ArgumentParser
) -> None:
    """Add ``disagreements`` and ``adjudicate`` through *command* (``build_parser``'s helper)."""
    del after
    sub = command("disagreements", cmd_disagreements, DISAGREEMENTS_HELP)
    sub.description = DISAGREEMENTS_DESCRIPTION
    _comparison(sub)
    sub.add_argument(
        "--label", action="append", metavar="NAME", help="only this label (repeatable)"
    )
    sub.add_argument(
        "--question",
        action="append",
        metavar="NAME",
        help="only this article-level question (repeatable); with neither --label nor "
        "--question, every label and every question",
    )
    sub.add_argument(
        "--unresolved", action="store_true", help="only those the consensus has not decided"
    )
    sub.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")

    sub = command("adjudicate", cmd_adjudicate, ADJUDICATE_HELP)
    sub.description = ADJUDICATE_DESCRIPTION
    _comparison(sub)
    sub.add_argument("--article", required=True, metavar="ID", help="external or internal id")
    sub.add_argument("--label", metavar="NAME", help="the disagreement's label")
    sub.add_argument(
        "--question", metavar="NAME", help="or the article-level question the coders answered"
    )
    sub.add_argument(
        "--take",
        metavar="CODER|both|none|new",
        help="whose passages (or answer) the consensus takes: a listed coder's, both, none "
        "or new (a question's new answer is --value)",
    )
    sub.add_argument("--value", metavar="TEXT", help="with --question and --take new: the answer")
    sub.add_argument("--start", type=int, metavar="N", help="0-based, inclusive")
    sub.add_argument("--end", type=int, metavar="N", help="exclusive")
    sub.add_argument("--memo", metavar="TEXT", help="with --take new: the passage's memo")
    sub.add_argument(
        "--close",
        action="store_true",
        help="close the article instead: take over the agreements, the rest absent, done",
    )
    sub.add_argument(
        "--dry-run", action="store_true", help="with --close: say what it would do, change nothing"
    )


def _comparison(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--coders", nargs="+", required=True, metavar="NAME", help="two or more coders"
    )
    sub.add_argument("--unit", required=True, choices=REVIEW_UNITS, help="the unit compared")
    sub.add_argument(
        "--overlap",
        choices=OVERLAPS,
        default="any",
        help="with paragraph or sentence: a label is present when any character of the unit "
        "is tagged (any, the default) or more than half of them (majority)",
    )
    sub.add_argument(
        "--all-articles",
        action="store_true",
        help="every article, not only those every coder marked done",
    )
    sub.add_argument(
        "--articles",
        choices=ARTICLE_SETS,
        help="which articles, as for framing-app agreement: sample (the coders' reliability "
        "sample), done (every article), each time only those every coder marked done; all "
        "(the same as --all-articles). Default: sample when the coders have one, else done",
    )
    sub.add_argument(
        "--consensus",
        default=DEFAULT_CONSENSUS,
        metavar="NAME",
        help=f"the consensus coder (default: {DEFAULT_CONSENSUS})",
    )


def _passages(side: Side) -> str:
    if side.present is None:
        return "not started"
    if not side.passages:
        return "absent"
    return " ".join(f"{p.start}-{p.end}#{p.id}" for p in side.passages)


def _decided(item: Disagreement) -> str:
    if item.consensus:
        return " ".join(f"{p.start}-{p.end}#{p.id}" for p in item.consensus)
    if item.decision is not None:
        return "absent (decided)"
    return "absent (closed)" if item.closed else ""


def cmd_disagreements(project: Project, args: argparse.Namespace) -> int:
    from framing_app.services.answer_disagreements import list_answer_disagreements
    from framing_app.services.disagreements import list_disagreements

    # Labels, questions or both, as the agreement report chooses its items.
    listed = list_disagreements(
        project,
        args.coders,
        args.unit,
        labels=args.label,
        all_articles=args.all_articles,
        articles=args.articles,
        overlap=args.overlap,
        consensus=args.consensus,
    )
    label_items = listed.items if args.question is None or args.label is not None else ()
    answer_items = (
        list_answer_disagreements(
            project,
            args.coders,
            questions=args.question,
            all_articles=args.all_articles,
            articles=args.articles,
            consensus=args.consensus,
        )
        if args.question is not None or args.label is None
        else ()
    )
    # Article import order (ids grow with it); an article's questions after its labels.
    rows = sorted(
        [*(_label_row(item) for item in label_items), *(_answer_row(a) for a in answer_items)],
        key=lambda row: (int(row[0]), row[2] == "question"),
    )
    if args.unresolved:
        rows = [row for row in rows if row[6] == "no"]
    total = len(label_items) + len(answer_items)
    resolved = sum(item.resolved for item in label_items) + sum(a.resolved for a in answer_items)
    if args.tsv:
        header = ["article_id", "article_external_id", "kind", "start", "end", "item"]
        print_table([*header, "resolved", *listed.coders, listed.consensus], rows, True)
        return 0
    header = ["article", "unit", "item", *listed.coders, listed.consensus]
    shown = [
        [row[1], f"{row[3]}-{row[4]}" if row[2] == "label" else "article", row[5], *row[7:]]
        for row in rows
    ]
    if shown:
        print_table(header, [[cell or "-" for cell in row] for row in shown], False, wide=0)
    articles = f"{listed.articles:,} article{'' if listed.articles == 1 else 's'} compared"
    if listed.excluded:
        articles += f", {len(listed.excluded):,} not (not marked done by every coder)"
    print(
        f"{total:,} disagreements at the {listed.unit} unit ({articles}); "
        f"{resolved:,} of {total:,} resolved by {listed.consensus}"
    )
    return 0


def _label_row(item: Disagreement) -> list[str]:
    return [
        str(item.article_id),
        item.external_id,
        "label",
        str(item.start),
        str(item.end),
        item.label,
        "yes" if item.resolved else "no",
        *[_passages(side) for side in item.sides],
        _decided(item),
    ]


def _answer_row(item: AnswerDisagreement) -> list[str]:
    decided = item.consensus or (
        "no answer (decided)"
        if item.decision is not None
        else "no answer (closed)"
        if item.closed
        else ""
    )
    return [
        str(item.article_id),
        item.external_id,
        "question",
        "0",
        str(item.length),
        item.question,
        "yes" if item.resolved else "no",
        *[side.value or "no answer" for side in item.sides],
        decided,
    ]


def cmd_adjudicate(project: Project, args: argparse.Namespace) -> int:
    if args.close:
        for option, value in (
            ("--label", args.label),
            ("--question", args.question),
            ("--take", args.take),
        ):
            if value is not None:
                raise FramingError(f"argument {option}: not allowed with --close")
        return _close(project, args)
    if args.dry_run:
        raise FramingError("argument --dry-run: only with --close")
    if args.question is not None:
        return _adjudicate_answer(project, args)
    if args.value is not None:
        raise FramingError("argument --value: only with --question")
    if args.label is None or args.take is None:
        raise FramingError("give --label and --take (or --close)")
    if (args.start is None) != (args.end is None):
        raise FramingError("give --start and --end together")
    from framing_app.services.adjudication import decide, parse_choice
    from framing_app.services.disagreements import list_disagreements

    listed = list_disagreements(
        project,
        args.coders,
        args.unit,
        labels=[args.label],
        all_articles=args.all_articles,
        articles=args.articles,
        overlap=args.overlap,
        consensus=args.consensus,
        article=args.article,
    )
    span = None if args.start is None else (args.start, args.end)
    choice = parse_choice(
        args.take, listed.coders, span if args.take.strip().casefold() == "new" else None
    )
    item = _pick(listed.items, span, args.article, listed.labels[0], listed.unit)
    record = decide(project, item, choice, consensus=args.consensus, memo=args.memo)
    created = ", ".join(str(state.id) for state in record.created) or "none"
    removed = ", ".join(str(state.id) for state in record.deleted) or "none"
    print(f"{record.title}: {record.consensus} annotations created: {created}; removed: {removed}")
    return 0


def _adjudicate_answer(project: Project, args: argparse.Namespace) -> int:
    from framing_app.services.answer_disagreements import (
        decide_answer,
        list_answer_disagreements,
    )

    for option, value in (("--label", args.label), ("--start", args.start), ("--end", args.end)):
        if value is not None:
            raise FramingError(f"argument {option}: not allowed with --question")
    if args.take is None:
        raise FramingError("give --take (a coder, none, or new with --value)")
    found = list_answer_disagreements(
        project,
        args.coders,
        questions=[args.question],
        all_articles=args.all_articles,
        articles=args.articles,
        consensus=args.consensus,
        article=args.article,
    )
    if not found:
        raise FramingError(
            f"no disagreement on question '{args.question}' in article '{args.article}' "
            "(framing-app disagreements --question lists them)"
        )
    item = found[0]
    take = args.take.strip().casefold()
    if (take == "new") != (args.value is not None):
        raise FramingError("--take new goes with --value (the consensus's own answer)")
    if take in ("both", "all"):
        raise FramingError("a question has one answer: take a coder's, none, or new")
    coder = None if take in ("none", "new") else item.side(args.take).coder
    record = decide_answer(project, item, coder=coder, value=args.value, consensus=args.consensus)
    answer = record.answer if record.answer is not None else "no answer"
    print(f"{record.consensus}: '{item.question}' on {item.external_id}: {answer}")
    return 0


def _pick(
    items: Sequence[Disagreement],
    span: tuple[int, int] | None,
    article: str,
    label: str,
    unit: str,
) -> Disagreement:
    """The one disagreement *span* (any offsets inside its unit) or the article picks."""
    found = list(items)
    if span is not None:
        start, end = span
        found = [item for item in items if item.start < max(end, start + 1) and item.end > start]
    where = f" at {span[0]}-{span[1]}" if span is not None else ""
    if not found:
        raise FramingError(
            f"no disagreement on '{label}' in article '{article}'{where} at the {unit} unit "
            "(framing-app disagreements lists them)"
        )
    if len(found) > 1:
        units = ", ".join(f"{item.start}-{item.end}" for item in found)
        raise FramingError(
            f"{len(found)} disagreements on '{label}' in article '{article}'{where}: "
            f"give --start and --end inside one of {units}"
        )
    return found[0]


def _close(project: Project, args: argparse.Namespace) -> int:
    from framing_app.services.adjudication_close import close_article, plan_close

    plan = plan_close(
        project,
        args.coders,
        args.unit,
        args.article,
        overlap=args.overlap,
        all_articles=args.all_articles,
        articles=args.articles,
        consensus=args.consensus,
    )
    for label, start, end, memo in ((p.label, p.start, p.end, p.memo) for p in plan.agreed):
        print(f"take over {label} {start}-{end} ({memo})")
    for label, start, end in plan.absent:
        print(f"absent {label} {start}-{end}")
    for agreed in plan.answers:
        print(f"take over the answer to {agreed.question}: {agreed.value}")
    for question in plan.unanswered:
        print(f"no answer to {question}")
    if args.dry_run:
        print(f"{plan.summary()} (dry run: nothing was changed)")
        return 0
    close_article(project, plan, consensus=args.consensus)
    print(plan.summary(done=True))
    return 0
