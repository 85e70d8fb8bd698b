"""Reliability of article-level questions: at the article unit, at the question's level.

Reference values come from the ``krippendorff`` package (Castro 2017,
https://github.com/pln-fing-udelar/fast-krippendorff), an independent
implementation, on the same values coded as positions of the options.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from framing_app.core.errors import NotFoundError
from framing_app.core.records import CodingStatus
from framing_app.services import answers, coding_status, questions, tagging
from framing_app.services.agreement_report import project_report, to_json
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project
from framing_app.services.reliability_export import export_reliability
from framing_app.services.reliability_units import OVERALL, Unit, build_items

TONE = ("negative", "neutral", "positive")
# article -> (alice's tone, bob's tone, alice's count, bob's count); None: unanswered.
ANSWERS = {
    "a1": ("negative", "negative", "2", "2"),
    "a2": ("negative", "neutral", "0", "1"),
    "a3": ("positive", "positive", "5", "4"),
    "a4": ("neutral", None, "1", None),
    "a5": ("positive", "neutral", "3", "3"),
}
NOT_DONE = "a6"


@pytest.fixture
def answered(project: Project, tmp_path: Path) -> Project:
    folder = tmp_path / "in"
    folder.mkdir()
    for index, name in enumerate([*ANSWERS, NOT_DONE]):
        (folder / f"{name}.txt").write_text(
            f"Article {index}.\n\nIts second paragraph.\n", encoding="utf-8"
        )
    import_articles(project, [folder])
    questions.add_question(project, "tone", level="ordinal", options=list(TONE))
    questions.add_question(project, "count", level="interval")
    for article, (tone_a, tone_b, count_a, count_b) in ANSWERS.items():
        for coder, tone, count in (("alice", tone_a, count_a), ("bob", tone_b, count_b)):
            if tone is not None:
                answers.set_answer(
                    project, coder=coder, article=article, question="tone", value=tone
                )
            if count is not None:
                answers.set_answer(
                    project, coder=coder, article=article, question="count", value=count
                )
    answers.set_answer(project, coder="alice", article=NOT_DONE, question="tone", value="neutral")
    tagging.annotate(project, coder="alice", article="a1", label="sovereignty", start=0, end=7)
    for coder in ("alice", "bob"):
        coding_status.set_status(project, coder, CodingStatus.DONE, list(ANSWERS))
    return project


def reference(column: int, level: str, scale: tuple[str, ...] | None) -> float:
    """Krippendorff's alpha by the krippendorff package: coders x units, NaN missing."""
    matrix = np.full((2, len(ANSWERS)), np.nan)
    for unit, values in enumerate(ANSWERS.values()):
        for coder in (0, 1):
            value = values[column + coder]
            if value is not None:
                matrix[coder, unit] = scale.index(value) if scale else float(value)
    domain = list(range(len(scale))) if scale else None
    return float(
        krippendorff.alpha(reliability_data=matrix, level_of_measurement=level, value_domain=domain)
    )


def test_questions_are_reported_at_their_level_and_the_article_unit(answered: Project) -> None:
    report = project_report(answered, ["alice", "bob"], Unit.PARAGRAPH, bootstrap=0)
    rows = {row.item: row for row in report.rows}
    assert [(row.item, row.kind) for row in report.rows][-3:] == [
        (OVERALL, "overall"),
        ("tone", "question"),
        ("count", "question"),
    ]
    tone, count = rows["tone"], rows["count"]
    assert (tone.level.value, count.level.value) == ("ordinal", "interval")
    assert tone.summary.units == len(
        ANSWERS
    )  # one unit per article done by both, not per paragraph
    assert tone.alpha == pytest.approx(reference(0, "ordinal", TONE), abs=1e-9)
    assert count.alpha == pytest.approx(reference(2, "interval", None), abs=1e-9)
    tone_json = next(r for r in to_json(report)["rows"] if r["item"] == "tone")
    assert tone_json["counts"]["categories"] == list(TONE)
    coincidences = np.array(tone_json["counts"]["coincidences"])
    assert coincidences.sum() == 8  # four pairable units, two values each
    assert "whole article" in tone_json["undefined"]["alpha_u"]


def test_which_labels_and_questions(answered: Project) -> None:
    def kinds(**chosen: list[str]) -> list[tuple[str, str]]:
        items = build_items(answered, ["alice", "bob"], Unit.ARTICLE, **chosen)  # type: ignore[arg-type]
        return [(item.name, item.kind) for item in items.items]

    assert kinds(labels=["sovereignty"]) == [("sovereignty", "label"), (OVERALL, "overall")]
    assert kinds(questions=["COUNT"]) == [("count", "question")]
    assert kinds(labels=["sovereignty"], questions=["tone"])[-1] == ("tone", "question")
    with pytest.raises(NotFoundError, match="did you mean 'tone'"):
        kinds(questions=["tome"])


def test_all_articles_adds_the_article_not_done_with_missing_answers(answered: Project) -> None:
    items = build_items(answered, ["alice", "bob"], Unit.SENTENCE, all_articles=True)
    (tone,) = [item for item in items.items if item.name == "tone"]
    assert tone.unit_ids[-1] == NOT_DONE
    assert list(tone.values[-1]) == ["neutral", None]


def test_export_reliability_writes_the_answers(answered: Project) -> None:
    out = io.StringIO(newline="")
    written = export_reliability(answered, out, ["alice", "bob"], Unit.PARAGRAPH)
    assert written.questions == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["unit", "item", "alice", "bob"]
    tone = [row for row in rows if row[1] == "tone"]
    count = [row for row in rows if row[1] == "count"]
    assert tone[1] == ["a2", "tone", "negative", "neutral"]
    assert tone[3] == ["a4", "tone", "neutral", ""]
    assert count[2] == ["a3", "count", "5", "4"]
    labels = [row for row in rows if row[1] == "sovereignty"]
    assert labels[0][0] == "a1:0-10"  # labels keep their paragraph units
    assert written.rows == len(rows) - 1
