"""Agreement at the span unit over a real project: alpha_u and span matches per label.

The expected numbers come from the core function (checked against published
values, a brute force and DKPro Agreement in tests/core/agreement) applied
to the passages as tagged here, offsets found in the texts, and from a hand
count of the matches.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from framing_app.core.agreement.unitizing import unitizing_alpha
from framing_app.core.errors import FramingError
from framing_app.core.records import CodingStatus
from framing_app.services import codebook, coding_status, tagging
from framing_app.services.agreement_report import (
    STATISTICS,
    AgreementReport,
    AgreementRow,
    project_report,
    to_json,
)
from framing_app.services.agreement_table import CSV_COLUMNS, report_table, write_report_csv
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.progress import Cancelled
from framing_app.services.project import Project
from framing_app.services.reliability_export import export_reliability_to_file
from framing_app.services.reliability_units import OVERALL, Unit, build_items
from framing_app.services.span_agreement import NOT_FOR_SPANS, span_report
from framing_app.services.span_counts import SpanCounts
from framing_app.services.span_table import SPAN_PAIR_COLUMNS

SOV, DOUBLE, RIGHTS = "sovereignty", "double standards", "universal rights"

TALKS = (
    "Talks open\n\n"
    "China rejects any interference in its internal affairs. "
    "The U.S. disagrees \N{EARTH GLOBE ASIA-AUSTRALIA} strongly.\n\n"
    "Both sides met in Geneva."
)
REPORT = "Annual report\n\nLawyers are detained.\n\nCritics speak of double standards."
LATE = "Late piece\n\nNobody has finished this one."
TEXTS = {"talks": TALKS, "report": REPORT, "late": LATE}


def add_articles(project: Project, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for external_id, text in TEXTS.items():
        path = folder / f"{external_id}.txt"
        path.write_bytes(text.encode("utf-8"))
        import_articles(project, [path])
        assert get_article(project, external_id).text == text


def where(article: str, passage: str) -> tuple[int, int]:
    start = TEXTS[article].index(passage)
    return start, start + len(passage)


def tag(project: Project, coder: str, article: str, label: str, passage: str) -> None:
    start, end = where(article, passage)
    tagging.annotate(project, coder=coder, article=article, label=label, start=start, end=end)


def done(project: Project, coder: str, *articles: str) -> None:
    coding_status.set_status(project, coder, CodingStatus.DONE, list(articles))


# (coder, article, label, passage): tagged in this order.
PASSAGES = [
    ("alice", "talks", SOV, "rejects any interference in its internal affairs"),
    ("bob", "talks", SOV, "rejects any interference in its internal affairs"),  # exact
    ("carol", "talks", SOV, "internal affairs. The U.S."),  # overlaps
    ("alice", "talks", SOV, "Both sides"),
    ("bob", "talks", RIGHTS, "\N{EARTH GLOBE ASIA-AUSTRALIA} strongly"),  # after the emoji
    ("alice", "report", DOUBLE, "double standards"),
    ("bob", "report", DOUBLE, "Critics speak"),  # touches nothing of alice's
    ("carol", "report", DOUBLE, "speak of double"),  # overlaps both
    ("alice", "late", SOV, "Nobody"),
]


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """alice, bob and carol on TALKS and REPORT (all done); LATE done by alice only."""
    add_articles(project, tmp_path / "in")
    for coder, article, label, passage in PASSAGES:
        tag(project, coder, article, label, passage)
    done(project, "alice", "talks", "report", "late")
    done(project, "bob", "talks", "report")
    done(project, "carol", "talks", "report")
    return project


def row(report: AgreementReport, name: str) -> AgreementRow:
    return next(each for each in report.rows if each.item == name)


def counts(report: AgreementReport, name: str) -> SpanCounts:
    found = row(report, name).counts
    assert isinstance(found, SpanCounts)
    return found


def spans_of(
    label: str, articles: list[str], coders: list[str]
) -> list[list[list[tuple[int, int]]]]:
    return [
        [
            [where(a, p) for c, a, lab, p in PASSAGES if (c, a, lab) == (coder, article, label)]
            for coder in coders
        ]
        for article in articles
    ]


CODERS = ["alice", "bob", "carol"]


def test_alpha_u_per_label_is_the_definitions(coded: Project) -> None:
    report = project_report(coded, CODERS, Unit.SPAN)
    assert report.unit == "span"
    assert report.articles == 2
    assert [r.item for r in report.rows] == [SOV, DOUBLE, RIGHTS, OVERALL]
    lengths = [len(TALKS), len(REPORT)]  # code points: the emoji is one
    totals = [0.0, 0.0]
    for label in (SOV, DOUBLE, RIGHTS):
        want = unitizing_alpha(lengths, spans_of(label, ["talks", "report"], CODERS))
        observed, expected = want.observed_disagreement, want.expected_disagreement
        assert observed is not None
        assert expected is not None
        totals[0] += observed
        totals[1] += expected
        got = counts(report, label).unitizing
        assert got.observed_disagreement == pytest.approx(observed, rel=1e-12)
        assert got.expected_disagreement == pytest.approx(expected, rel=1e-12)
        assert row(report, label).values()["alpha_u"] == pytest.approx(1 - observed / expected)
    overall = row(report, OVERALL).values()["alpha_u"]
    assert overall == pytest.approx(1 - totals[0] / totals[1])


def test_span_matches_per_pair(coded: Project) -> None:
    report = span_report(coded, CODERS)
    sov = counts(report, SOV)
    assert sov.passages == (2, 1, 1)
    assert sov.units == (2, 1, 1)
    pairs = {(sov.coders[p.reference], sov.coders[p.candidate]): p for p in sov.pairs}
    assert len(pairs) == 6
    alice_bob = pairs["alice", "bob"]
    assert alice_bob.exact.precision.value == 1.0
    assert alice_bob.exact.recall.value == 0.5
    assert alice_bob.exact.f1.value == pytest.approx(2 / 3)
    bob_alice = pairs["bob", "alice"]
    assert bob_alice.exact.precision.value == 0.5
    assert bob_alice.exact.recall.value == 1.0
    alice_carol = pairs["alice", "carol"]
    assert alice_carol.exact.f1.value == 0.0
    assert alice_carol.overlap.precision.value == 1.0
    assert alice_carol.overlap.recall.value == 0.5
    double = counts(report, DOUBLE)
    bob_alice_double = next(
        p for p in double.pairs if (p.reference, p.candidate) == (1, 0)
    )  # bob's "Critics speak" and alice's "double standards" do not meet
    assert bob_alice_double.overlap.f1.value == 0.0
    carol_alice = next(p for p in double.pairs if (p.reference, p.candidate) == (2, 0))
    assert carol_alice.overlap.f1.value == 1.0
    rights = counts(report, RIGHTS)
    alice_bob_rights = next(p for p in rights.pairs if (p.reference, p.candidate) == (0, 1))
    assert alice_bob_rights.overlap.precision.value == 0.0
    assert alice_bob_rights.overlap.recall.value is None
    alice_carol_rights = next(p for p in rights.pairs if (p.reference, p.candidate) == (0, 2))
    assert alice_carol_rights.overlap.f1.value is None
    # All labels: the counts summed over the labels.
    overall = counts(report, OVERALL)
    assert overall.passages == (3, 3, 2)
    everyone = next(p for p in overall.pairs if (p.reference, p.candidate) == (0, 1))
    assert everyone.exact.matched_candidates == 1
    assert everyone.exact.reference_spans == 3


def test_json_keeps_the_contract(coded: Project) -> None:
    data = to_json(project_report(coded, ["alice", "bob"], "span", bootstrap=50))
    text = json.dumps(data, allow_nan=False)
    assert "NaN" not in text
    assert data["unit"] == "span"
    assert data["articles"] == 2
    assert data["overlap"] is None
    assert [e["external_id"] for e in data["excluded_articles"]] == ["late"]
    for entry in data["rows"]:
        for name in STATISTICS:
            assert name in entry
        null = {name for name in STATISTICS if entry[name] is None}
        assert set(entry["undefined"]) == null
        assert "alpha_u" not in null or entry["item"] == RIGHTS
        for name in null - {"alpha_u"}:
            assert "not computed at the span unit" in entry["undefined"][name]
        assert entry["counts"]["coders"] == ["alice", "bob"]
        assert len(entry["counts"]["pairs"]) == 2
        assert "bootstrap" not in entry
    sov = data["rows"][0]
    assert sov["units"] == 3  # alice 2, bob 1
    pair = sov["counts"]["pairs"][0]
    assert (pair["reference"], pair["candidate"]) == ("alice", "bob")
    assert pair["exact"]["precision"] == 1.0
    assert pair["exact"]["recall"] == 0.5
    assert sov["counts"]["alpha_u"]["length"] == len(TALKS) + len(REPORT)
    assert sov["counts"]["alpha_u"]["continua"] == 2
    assert "1995" in sov["counts"]["alpha_u"]["definition"]
    assert "not the 2016" in sov["counts"]["alpha_u"]["definition"]
    rights = data["rows"][2]
    assert rights["alpha_u"] is not None  # bob tagged it: alice's gaps disagree
    assert rights["counts"]["pairs"][0]["undefined"] == {
        "overlap_recall": rights["counts"]["pairs"][0]["undefined"]["overlap_recall"],
        "exact_recall": rights["counts"]["pairs"][0]["undefined"]["exact_recall"],
    }


def test_a_label_nobody_used_has_no_alpha_u(coded: Project) -> None:
    codebook.add_label(coded, "economy")
    data = to_json(span_report(coded, ["alice", "bob"], labels=["economy"]))
    economy = data["rows"][0]
    assert economy["alpha_u"] is None
    assert "no coder marked a passage" in economy["undefined"]["alpha_u"]
    assert economy["counts"]["pairs"][0]["exact"]["f1"] is None


def test_articles_follow_the_other_units_rules(coded: Project) -> None:
    """Done by all unless every article; then an article someone has not started is left out."""
    by_units = build_items(coded, CODERS, Unit.ARTICLE)
    report = span_report(coded, CODERS)
    assert report.articles == by_units.articles
    assert report.excluded == by_units.excluded
    everything = span_report(coded, CODERS, all_articles=True)
    assert everything.articles == 2
    assert [(a.external_id, a.reason) for a in everything.excluded] == [
        (
            "late",
            "bob and carol have not started it (spans need every coder's reading of an article)",
        )
    ]
    # Starting it (an in-progress status) puts it back: no passage is then "none found".
    coding_status.set_status(coded, "bob", CodingStatus.IN_PROGRESS, ["late"])
    coding_status.set_status(coded, "carol", CodingStatus.IN_PROGRESS, ["late"])
    started = span_report(coded, CODERS, all_articles=True)
    assert started.articles == 3
    assert counts(started, SOV).unitizing.continua == 3


def test_csv_has_a_record_per_ordered_pair(coded: Project) -> None:
    out = io.StringIO(newline="")
    written = write_report_csv(span_report(coded, CODERS), out)
    records = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert written == len(records) == 4 * 6
    for name in SPAN_PAIR_COLUMNS:
        assert name in CSV_COLUMNS
    first = records[0]
    assert (first["item"], first["first_coder"], first["second_coder"]) == (SOV, "alice", "bob")
    assert first["unit"] == "span"
    assert float(first["exact_precision"]) == 1.0
    assert float(first["exact_recall"]) == 0.5
    assert first["exact_matches"] == "1"
    assert first["krippendorff_alpha"] == ""
    assert float(first["alpha_u"]) == counts(span_report(coded, CODERS), SOV).alpha_u
    assert "not computed at the span unit" in first["undefined"]


def test_table_shows_alpha_u_and_each_pair_once(coded: Project) -> None:
    table = report_table(span_report(coded, CODERS))
    assert table.header[:4] == ("item", "units", "alpha_u", "verdict")
    assert len(table.rows) == 4 * 3  # three unordered pairs per item
    assert table.rows[0][0] == SOV
    assert table.rows[0][4:6] == ("alice", "bob")
    assert table.rows[1][0] == ""
    assert any("unit: span" in line for line in table.above)
    notes = "\n".join(table.below)
    assert "Krippendorff 1995" in notes
    assert "swaps P and R" in notes
    assert "excluded: late" in notes


def test_questions_keep_their_rows(coded: Project) -> None:
    from framing_app.services.answers import set_answer
    from framing_app.services.questions import add_question

    add_question(coded, "tone", level="ordinal", options=["negative", "neutral", "positive"])
    for coder, answers in (("alice", ("negative", "neutral")), ("bob", ("negative", "positive"))):
        for article, value in zip(("talks", "report"), answers, strict=True):
            set_answer(coded, coder=coder, article=article, question="tone", value=value)
    report = span_report(coded, ["alice", "bob"], bootstrap=0)
    assert [r.item for r in report.rows] == [SOV, DOUBLE, RIGHTS, OVERALL, "tone"]
    tone = row(report, "tone")
    assert tone.kind == "question"
    assert tone.summary.units == 2
    only = span_report(coded, ["alice", "bob"], questions=["tone"], bootstrap=0)
    assert [r.item for r in only.rows] == ["tone"]
    table = report_table(only)
    assert any("tone (ordinal, 2 units)" in line for line in table.below)


def test_the_span_unit_has_no_matrix(coded: Project, tmp_path: Path) -> None:
    with pytest.raises(FramingError, match="the span unit has no reliability matrix"):
        build_items(coded, CODERS, Unit.SPAN)
    out = tmp_path / "matrix.csv"
    with pytest.raises(FramingError, match="no reliability matrix"):
        export_reliability_to_file(coded, out, CODERS, "span")
    assert not out.exists()


def test_bad_requests_are_refused(coded: Project) -> None:
    with pytest.raises(FramingError, match="overlap rule applies to paragraph and sentence"):
        project_report(coded, CODERS, "span", overlap="majority")
    with pytest.raises(FramingError, match="at least two coders"):
        span_report(coded, ["alice"])
    with pytest.raises(FramingError, match="did you mean 'alice'"):
        span_report(coded, ["alcie", "bob"])
    with pytest.raises(ValueError, match="negative"):
        span_report(coded, CODERS, bootstrap=-1)


def test_not_applicable_reason_names_the_statistic() -> None:
    assert NOT_FOR_SPANS.format(name="Cohen's kappa").startswith("Cohen's kappa is not computed")


def test_progress_and_cancel(coded: Project) -> None:
    seen: list[tuple[int, int]] = []
    span_report(coded, CODERS, progress=lambda done, total, _: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1]
    with pytest.raises(Cancelled):
        span_report(coded, CODERS, should_cancel=lambda: True)
