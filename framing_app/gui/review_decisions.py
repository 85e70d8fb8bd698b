"""The disagreement review's decisions: each one a service call and one undo step.

:class:`ReviewDecisions` carries out what the review window's buttons and
keys ask for on the disagreement shown: accept a coder's passages (or
answer), both, a new passage, absent (or no answer), or closing the
article after a confirmation. Each decision is one call through
:class:`~framing_app.gui.operations.Operations` (a refusal is shown as every
refusal is) and one step on the main window's undo stack
(:class:`~framing_app.gui.adjudication_steps.AdjudicationStep`, holding
ids): Edit ▸ Undo in either window undoes it. After each, the window is
told which article to read again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from framing_app.core.errors import FramingError
from framing_app.gui.adjudication_steps import AdjudicationStep, confirm_close
from framing_app.gui.disagreement_list import Item, ReviewList
from framing_app.gui.operations import Operations
from framing_app.gui.undo_commands import push_done
from framing_app.services.adjudication import Choice, Take, decide
from framing_app.services.adjudication_close import ClosePlan, close_article, plan_close
from framing_app.services.adjudication_record import Adjudication
from framing_app.services.answer_disagreements import AnswerDisagreement, decide_answer
from framing_app.services.disagreements import ReviewUnit
from framing_app.services.project import Project

# after(article id, move on): what the window does once a decision is made.
After = Callable[[int, bool], None]


class ReviewDecisions:
    """Decisions on the review's disagreements (see the module docstring)."""

    def __init__(
        self,
        parent: QWidget,
        project: Project,
        ops: Operations,
        undo_stack: QUndoStack,
        review: ReviewList,
        after: After,
    ) -> None:
        self.parent = parent
        self.project = project
        self.ops = ops
        self.undo_stack = undo_stack
        self.review = review
        self.after = after

    def decide(self, item: Item | None, choice: Choice) -> None:
        """Settle *item* by *choice* into the consensus coder (a question: a coder's or none)."""
        if item is None:
            return
        consensus = self.review.consensus
        if isinstance(item, AnswerDisagreement):
            if choice.take not in (Take.CODER, Take.NONE):
                return  # a question has one answer: a coder's, or none
            coder = choice.coder
            record = self.ops.run(
                choice.describe(),
                lambda: decide_answer(self.project, item, coder=coder, consensus=consensus),
                initiator=self.parent,
            )
        else:
            disagreement = item
            record = self.ops.run(
                choice.describe(),
                lambda: decide(self.project, disagreement, choice, consensus=consensus),
                initiator=self.parent,
            )
        if record is None:
            return
        self._push(record)
        self.after(item.article_id, True)

    def close_article(self, item: Item | None) -> None:
        """Close *item*'s article for the consensus, after saying what that decides."""
        if item is None:
            return
        review = self.review
        try:
            plan = plan_close(
                self.project,
                review.coders,
                review.unit,
                item.article_id,
                overlap=review.overlap
                if review.unit in (ReviewUnit.PARAGRAPH, ReviewUnit.SENTENCE)
                else "any",
                all_articles=review.all_articles,
                consensus=review.consensus,
                articles=None if review.all_articles else review.article_set,
            )
        except FramingError as error:
            self.ops.show_error("Close article", str(error))
            return
        confirm_close(self.parent, plan, item.title, review.consensus, lambda: self._close(plan))

    def _close(self, plan: ClosePlan) -> None:
        consensus = self.review.consensus
        record = self.ops.run(
            "Close article",
            lambda: close_article(self.project, plan, consensus=consensus),
            initiator=self.parent,
        )
        if record is not None:
            self._push(record)
        self.after(plan.article_id, False)

    def _push(self, record: Adjudication) -> None:
        if record.changed:
            push_done(self.undo_stack, AdjudicationStep(self.project, self.ops, record))
