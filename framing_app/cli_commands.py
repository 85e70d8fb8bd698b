"""The commands that let a script read an article and work on single annotations.

``show`` prints an article's stored text exactly, so that the offsets of
``annotate``, ``show --annotations`` and the annotation CSV slice it;
``annotate --find`` names a passage by its text; ``delete-annotation`` and
``labels rename`` edit one annotation or label.
"""

from __future__ import annotations

import argparse
import io
import sys

from framing_app.cli_table import print_table
from framing_app.core.errors import FramingError
from framing_app.core.names import clean_name
from framing_app.core.text import excerpt
from framing_app.services import articles, codebook, passages, tagging
from framing_app.services.project import Project


def cmd_show(project: Project, args: argparse.Namespace) -> int:
    if not args.annotations:
        text = articles.get_article(project, args.article_ref).text
        if isinstance(sys.stdout, io.TextIOWrapper):
            # The stored text exactly: no newline translation on any platform.
            sys.stdout.reconfigure(newline="")
        sys.stdout.write(text)
        if not text.endswith("\n") and sys.stdout.isatty():
            # Only so that the prompt starts on its own line; a pipe or a
            # file gets the text alone, and offsets slice it.
            sys.stdout.write("\n")
        return 0
    rows = [
        [str(a.id), a.coder, a.label, str(a.start), str(a.end), a.text, a.memo]
        for a in passages.article_annotations(project, args.article_ref, args.coder)
    ]
    header = ["id", "coder", "label", "start", "end", "text", "memo"]
    print_table(header, rows, args.tsv, right={0, 3, 4}, wide=5)
    return 0


def passage_span(project: Project, args: argparse.Namespace) -> tuple[int, int]:
    """The span ``annotate --find TEXT [--occurrence N]`` names, or a one-line error."""
    try:
        passage = passages.find_passage(project, args.article, args.find, args.occurrence)
    except passages.AmbiguousPassageError as error:
        raise FramingError(
            f"argument --find: {error.shown} occurs {error.count} times in article "
            f"'{error.article}'; give --occurrence N (1 to {error.count})"
        ) from None
    except passages.PassageNotFoundError as error:
        raise FramingError(f"argument --find: {error}") from None
    return passage.start, passage.end


def cmd_delete_annotation(project: Project, args: argparse.Namespace) -> int:
    info = tagging.delete_annotation(project, args.annotation_id)
    print(
        f"Deleted annotation {info.id}: {info.coder}'s '{info.label}' on {info.start}-{info.end} "
        f"'{excerpt(info.text, 60)}'."
    )
    return 0


def cmd_labels_rename(project: Project, args: argparse.Namespace) -> int:
    codebook.update_label(project, args.old, new_name=args.new)
    # The new name as stored (trimmed, NFC); the service has accepted it.
    print(f"Renamed label '{args.old.strip()}' to '{clean_name(args.new, 'label')}'.")
    return 0
