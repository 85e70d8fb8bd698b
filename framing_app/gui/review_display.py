"""What the disagreement review shows of one disagreement: panes, heading, the decision.

Functions over the panes (:mod:`framing_app.gui.disagreement_panes`) and
plain text, called by the review window: each coder's passages with the
label (or their answer) in their pane, the consensus coder's in the last,
a heading saying which disagreement of how many this is, and a line saying
what the consensus has decided there.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from framing_app.gui.disagreement_list import Item
from framing_app.gui.disagreement_panes import CoderPane, passage_summary
from framing_app.gui.reader import Highlight
from framing_app.services.answer_disagreements import AnswerDisagreement
from framing_app.services.disagreements import Disagreement
from framing_app.services.tagging import AnnotationInfo


def highlight(annotation: AnnotationInfo, color: str) -> Highlight:
    return Highlight(
        annotation.id,
        annotation.start,
        annotation.end,
        color,
        annotation.label,
        annotation.coder,
        annotation.memo,
    )


def show_passages(
    panes: Sequence[CoderPane],
    item: Disagreement,
    text: str,
    annotations: Sequence[AnnotationInfo],
    color: str,
    consensus: str,
) -> None:
    """Each coder's passages with *item*'s label in their pane, the consensus's in the last.

    *annotations* are the article's annotations with the label, every coder's.
    """
    unit = (item.start, item.end)
    for pane, side in zip(panes, item.sides, strict=False):
        mine = [a for a in annotations if a.coder == side.coder]
        spans = [(p.start, p.end) for p in side.passages]
        summary = passage_summary(spans, text, missing=side.present is None)
        pane.set_content(text, [highlight(a, color) for a in mine], unit, summary)
    decided = [a for a in annotations if a.coder.casefold() == consensus.casefold()]
    summary = (
        passage_summary([(p.start, p.end) for p in item.consensus], text, missing=False)
        if item.consensus
        else "no passage with this label here"
    )
    panes[-1].set_content(text, [highlight(a, color) for a in decided], unit, summary)
    for pane in panes:
        pane.view.show_unit()


def show_answers(panes: Sequence[CoderPane], item: AnswerDisagreement, text: str) -> None:
    """Each coder's answer above the article in their pane, the consensus's in the last."""
    for pane, side in zip(panes, item.sides, strict=False):
        answer = f"answer: {side.value}" if side.value is not None else "no answer"
        pane.set_content(text, [], None, answer)
    decided = f"answer: {item.consensus}" if item.consensus is not None else "no answer"
    panes[-1].set_content(text, [], None, decided)


def heading(item: Item, index: int, count: int, color: str) -> str:
    """ "3 of 40 · ■ sovereignty · paragraph 120–340 of *Title* (id)", as rich text."""
    where = f"<i>{escape(item.title)}</i> ({escape(item.external_id)})"
    if isinstance(item, AnswerDisagreement):
        return (
            f"<b>{index + 1} of {count}</b> · question <b>{escape(item.question)}</b> · "
            f"the article {where}"
        )
    return (
        f"<b>{index + 1} of {count}</b> · "
        f"<span style='color:{color}'>&#9632;</span> <b>{escape(item.label)}</b> · "
        f"{item.unit.value} {item.start}–{item.end} of {where}"
    )


def decision_text(item: Item, text: str) -> str:
    """What the consensus has decided on *item*, in a few words."""
    if isinstance(item, AnswerDisagreement):
        if item.consensus is not None:
            return f"answered {item.consensus}"
        if item.decision is not None:
            return "no answer (decided)"
        if item.closed:
            return "no answer (article closed)"
        return "not decided yet"
    if item.consensus:
        spans = [(p.start, p.end) for p in item.consensus]
        return "present: " + passage_summary(spans, text, missing=False)
    decision = item.decision
    if decision is not None:
        if (decision.unit, decision.start, decision.end) == (item.unit.value, item.start, item.end):
            return "absent (decided)"
        return f"absent (decided at the {decision.unit} {decision.start}–{decision.end})"
    if item.closed:
        return "absent (article closed)"
    return "not decided yet"


def nothing_message(coders: int, loaded: bool, unit: str, label: str | None, articles: int) -> str:
    """The heading when there is no disagreement to show, and why."""
    if coders < 2:
        return "Choose two or more coders to compare (Coders ▾)."
    if not loaded:
        return "The disagreements are not listed."
    return (
        f"No disagreements at the {unit} unit{' on ' + label if label else ''} "
        f"({articles} article{'' if articles == 1 else 's'} compared)."
    )
