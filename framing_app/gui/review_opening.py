"""Opening the disagreement review: from the Coding menu, and from the Agreement window.

:func:`open_review` brings the main window's one review window forward on
the coders, unit and label asked for; :func:`connect_agreement` lets the
Agreement window's "Review disagreements…" open it on the figures it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from framing_app.gui.agreement_window import AgreementWindow
from framing_app.gui.disagreement_review import DisagreementReview
from framing_app.gui.operations import Operations
from framing_app.services.disagreements import independent_coders
from framing_app.services.project import Project


def open_review(
    parent: QWidget,
    project: Project,
    ops: Operations,
    undo_stack: QUndoStack,
    coders: Sequence[str] | None = None,
    unit: str = "paragraph",
    label: str | None = None,
    **options: object,
) -> DisagreementReview:
    """Open (or bring forward) *parent*'s review window on *coders* at *unit*, on *label*.

    Without *coders*: the coders chosen last, else the first two who code.
    *label* None or ``(all labels)`` shows every label. *options*:
    ``all_articles`` (bool), ``articles`` ("sample", "done", "all": the
    Agreement window's choice), ``overlap`` ("any", "majority"). The
    disagreements are listed in the background: :attr:`DisagreementReview.listed`
    says when they are shown.
    """
    window = parent.findChild(DisagreementReview)
    if window is None:
        window = DisagreementReview(project, ops, undo_stack, parent)
    chosen = tuple(coders) if coders else window.coders or tuple(independent_coders(project)[:2])
    all_articles = options.get("all_articles")
    overlap = options.get("overlap")
    articles_ = options.get("articles")
    window.set_comparison(
        chosen,
        unit,
        None if label in (None, "(all labels)") else label,
        all_articles=bool(all_articles) if all_articles is not None else None,
        overlap=str(overlap) if overlap is not None else None,
        articles=str(articles_) if articles_ is not None else None,
    )
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def connect_agreement(agreement: AgreementWindow, open_: Callable[..., object]) -> None:
    """Let the Agreement window's "Review disagreements…" open the review on what it shows.

    *open_* is the main window's :meth:`open_review`; the review takes the
    coders, unit, overlap rule and articles of the figures shown, and the
    label chosen in the table.
    """

    def review(item: str) -> None:
        request = agreement.shown_request()
        if request is None:
            return
        open_(
            request.coders,
            request.unit,
            item,
            articles=request.articles,
            overlap=request.overlap,
        )

    agreement.reviewRequested.connect(review)
    agreement.set_review_available(True)
