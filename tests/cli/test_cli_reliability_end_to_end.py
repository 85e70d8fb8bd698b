"""End to end: coders' work made through the public CLI, its reliability checked independently.

Issue 8, "Done means": a test builds coders' work through the public command
line (import articles, import annotations and answers, mark done) and checks
``agreement --format json``, ``export reliability`` and ``agreement --matrix``
against the same statistics computed independently. Every step here is a
real ``framing-app`` process (see cli_harness) on a fresh project, a file
or a server database.

What is independent of the program: the articles, the three coders'
annotation CSVs and the answer CSV are written by this module from a seeded
``random.Random``; the expected numbers are worked out from those files
alone. Paragraphs are cut here by the README's rule (split at blank lines,
a line of white space only being blank; each paragraph without the white
space at its ends), the overlap rule ("any": the coder's passages with the
label cover at least one of the unit's characters; "majority": their union
covers more than half of them) is applied here, offsets are code points, and
the statistics come from the ``krippendorff`` package (alpha, nominal and
ordinal), scikit-learn (``cohen_kappa_score``), statsmodels (``cohens_kappa``
with its standard error, ``fleiss_kappa`` for Fleiss' kappa and, for two
coders, Scott's pi) and the README's definitions (percent agreement as
pairable-value agreement 1 - D_o; the coincidence matrix; Gwet's AC1 as
irrCAC's ``gwet.ac1.raw`` computes it, q = the scale's categories).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
import shlex
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from cli_harness import ANNOTATION_HEADER, Cli, check_error, check_ok
from cli_projects import Projects
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

TOLERANCE = 1e-9
SEED = 20_240_508
CODERS = ("alice", "bob", "carol")
# The default codebook's labels, then one that only the annotation CSVs name
# (the import creates it, after the others in codebook order).
DEFAULT_LABELS = ("sovereignty", "double standards", "universal rights")
NEW_LABEL = "economic interest"
LABELS = (*DEFAULT_LABELS, NEW_LABEL)
OVERALL = "(all labels)"
ANSWER_HEADER = [
    "article_id",
    "article_external_id",
    "article_title",
    "article_sha256",
    "coder",
    "question",
    "answer",
]

# Article-level questions: name, level, options in order.
TONE = "tone"
FRAME = "primary frame"
RELEVANT = "relevant"
TONE_OPTIONS = ("negative", "neutral", "positive")
FRAME_OPTIONS = ("sovereignty", "double standards", "universal rights", "none")
# Created by import-answers from the answers seen (see Built.questions).
RELEVANT_OPTIONS = ("yes", "no")
QUESTIONS = (
    (TONE, "ordinal", TONE_OPTIONS),
    (FRAME, "nominal", FRAME_OPTIONS),
    (RELEVANT, "nominal", RELEVANT_OPTIONS),
)

# The article carol leaves in progress: left out whenever carol is compared.
NOT_DONE_BY_CAROL = "ministry-statement"
# Cells left unanswered (missing values of the questions).
UNANSWERED = {("social-media", "carol", TONE), ("editorial", "bob", RELEVANT)}


def _letters(first: int, word: str) -> str:
    """*word* (a-z) in the mathematical alphabet starting at code point *first* (non-BMP)."""
    return "".join(chr(first + ord(letter) - ord("a")) for letter in word)


BOLD_SUMMIT = _letters(0x1D41A, "summit")  # MATHEMATICAL BOLD SMALL ...
GOTHIC = f"{chr(0x1D518)}{_letters(0x1D51E, 'niversal')} {_letters(0x1D51E, 'rights')}"  # FRAKTUR
DOUBLE_STRUCK_123 = "".join(chr(0x1D7D8 + n) for n in (1, 2, 3))  # DOUBLE-STRUCK DIGIT ...

# Eight articles, written as .txt files (external id = file stem, title = the
# first line). Line ends are LF and the text is NFC already, so the stored text
# is the file's text (checked through the SHA-256 that ``export answers``
# gives). Blank lines come in every form the README's rule covers: empty,
# spaces, a tab, no-break spaces, several in a row; some paragraphs run over
# several lines, some start with spaces.
ARTICLES: dict[str, str] = {
    "trade-talks": (
        "Trade talks resume in Geneva\n"
        "\n"
        "Negotiators from both sides met on Monday for the first time since the spring.\n"
        'Officials said the agenda was "wide open", and that nothing was excluded.\n'
        "\n"
        "  The delegation insisted that no country may dictate another's tariffs, calling "
        "it a matter of national sovereignty and of non-interference.\n"
        "\t\n"
        "Critics pointed to the West's own farm subsidies, accusing it of double standards; "
        "others said both sides protect what they can.\n"
        "\n"
        "\n"
        "\n"
        "Human rights groups asked that labour rights, the freedom of association and "
        "the right to strike be part of any deal.\n"
        "Business leaders asked for lower tariffs on machinery and electronics.\n"
    ),
    "social-media": (
        # Non-BMP characters (emoji, mathematical letters, a CJK extension B
        # ideograph, flags, a ZWJ sequence, a skin tone) from the first line
        # on, so that every later offset differs between code points and UTF-16.
        f"Online reaction 🌏😀 to the {BOLD_SUMMIT} 𠀀 comments 🇨🇳🇺🇸\n"
        "\n"
        "Users posted 👩\u200d🔬 scientists' statements and 👍🏽 thumbs, saying every nation "
        "has the right to choose its own path 🛤️ without lectures from abroad.\n"
        f"Others wrote {GOTHIC} in gothic letters 🙂 and {DOUBLE_STRUCK_123} in double-struck "
        "ones.\n"
        "\u00a0\u00a0\n"
        'A thread 🧵 compared the criticism with silence about allies: "hypocrisy 🤔", one '
        "user wrote, and 💯 others agreed.\n"
        "\n"
        "Émigré writers 📚 called for the freedom of expression of all people, "
        "everywhere 🕊️, and for an end to censorship 🚫.\n"
        "   \n"
        "Exporters 🏭 worried 📉 about sales if the dispute grows 💸.\n"
    ),
    "editorial": (
        "Editorial: whose rules?\n"
        "\n"
        "Every state has the right to run its own affairs, the editorial argues, and "
        "outside pressure only hardens positions.\n"
        "\n"
        "Yet the same governments that preach restraint abroad rarely apply it at home; "
        "the charge of hypocrisy is hard to dismiss.\n"
        "\n"
        "Rights are universal or they are nothing, the editorial concludes.\n"
        "\n"
        "The cost to trade, it adds, is real but secondary.\n"
    ),
    NOT_DONE_BY_CAROL: (
        "Ministry statement on the dialogue\n"
        "\n"
        "The ministry said the dialogue would proceed on the basis of mutual respect "
        "and non-interference in internal affairs.\n"
        "\n"
        "It rejected what it called selective criticism from countries with their own "
        "record to answer for.\n"
        "\n"
        "The statement did not mention the detained lawyers.\n"
    ),
    "op-ed": (
        "Op-ed: a narrow path\n"
        "\n"
        "Diplomats face a narrow path between principle and interest.\n"
        "\n"
        "Sovereignty matters, the author writes, but it is no shield for abuses.\n"
        "Universal standards bind everyone, including those who invoke them.\n"
        "\n"
        "Double standards, real or perceived, undermine every appeal to rights.\n"
        "\n"
        "Markets, meanwhile, shrugged off the dispute.\n"
    ),
    "press-briefing": (
        "Press briefing, Thursday\n"
        "\n"
        "The spokesman declined to comment on the detentions.\n"
        "He said each country should solve its problems by itself.\n"
        "\n"
        "Asked about the report, he called it biased and selective.\n"
        "\n"
        "\n"
        "Trade figures for the quarter will be published next week.\n"
    ),
    "analysis": (
        "Analysis: two vocabularies\n"
        "\n"
        "One side speaks of non-interference, the other of obligations that know no borders.\n"
        "\n"
        "Each accuses the other of applying its principles only when convenient.\n"
        "\n"
        "Investors read both vocabularies as noise.\n"
    ),
    "letters": (
        "Letters to the editor\n"
        "\n"
        "Sir, the freedoms we claim for ourselves belong to everyone.\n"
        "\n"
        "Sir, your correspondent forgets our own record.\n"
        "\n"
        "Sir, the price of soybeans is what matters to my farm.\n"
    ),
}
ORDER = list(ARTICLES)  # the import order: files are named on the command line in this order


# --------------------------------------------------------------------------- independent rules


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The README's paragraphs: runs of non-blank lines, without white space at their ends."""
    spans: list[tuple[int, int]] = []
    position = 0
    run: list[int] | None = None
    for line in [*text.split("\n"), ""]:
        if line.strip():  # str.strip: Unicode white space (no-break space too)
            if run is None:
                run = [position, position + len(line)]
            run[1] = position + len(line)
        elif run is not None:
            piece = text[run[0] : run[1]]
            start = run[0] + len(piece) - len(piece.lstrip())
            spans.append((start, start + len(piece.strip())))
            run = None
        position += len(line) + 1
    return spans


def title_of(text: str) -> str:
    return next(line for line in text.split("\n") if line.strip()).strip()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Passage:
    coder: str
    article: str
    label: str
    start: int
    end: int
    memo: str


def make_passages(rng: random.Random) -> list[Passage]:
    """The coders' annotations: they agree often on where a frame is, not always.

    Each label is in some articles and not in others. Where it is, a few
    paragraphs "hold" it; each coder tags a random piece of such a paragraph
    with probability .8 and of another one with .08. Where it is not, a
    coder still tags one paragraph with probability .15. A tenth of the
    pieces run on into the next paragraph, and some paragraphs get a second,
    overlapping piece (coverage is a union).
    """
    passages: list[Passage] = []
    for article in ORDER:
        text = ARTICLES[article]
        units = paragraphs(text)
        for label in LABELS:
            if rng.random() < 0.6:
                holds = {i for i in range(len(units)) if rng.random() < 0.4}
                chances = [0.8 if i in holds else 0.08 for i in range(len(units))]
            else:
                chances = [0.0] * len(units)
            for coder in CODERS:
                tagged = [rng.random() < chance for chance in chances]
                if not any(chances) and rng.random() < 0.15:
                    tagged[rng.randrange(len(units))] = True
                for index, (start, end) in enumerate(units):
                    if not tagged[index]:
                        continue
                    first = rng.randrange(start, end)
                    last = rng.randrange(first + 1, end + 1)
                    if index + 1 < len(units) and rng.random() < 0.1:
                        next_start, next_end = units[index + 1]
                        last = rng.randrange(next_start + 1, next_end + 1)
                    memo = rng.choice(["", "", "see, also: line\ntwo", 'a "quoted" note', "🌏"])
                    passages.append(Passage(coder, article, label, first, last, memo))
                    if rng.random() < 0.2:
                        other = rng.randrange(start, end)
                        passages.append(
                            Passage(coder, article, label, other, rng.randrange(other, end) + 1, "")
                        )
    # Hand-made edges. A passage of white space only, between two paragraphs:
    # the label is in the article, in no paragraph.
    text = ARTICLES["editorial"]
    gap = text.index("\n\n", text.index("hypocrisy"))
    passages.append(Passage("alice", "editorial", "sovereignty", gap, gap + 2, "the gap"))
    # Exactly a ZWJ sequence, and from a non-BMP character to a paragraph's end.
    text = ARTICLES["social-media"]
    scientist = text.index("👩\u200d🔬")
    passages.append(
        Passage("bob", "social-media", "universal rights", scientist, scientist + 3, "")
    )
    gothic = text.index(GOTHIC)
    passages.append(
        Passage("carol", "social-media", "universal rights", gothic, text.index("\n", gothic), "")
    )
    # Duplicates (same coder, article, label and span) would be skipped by the
    # import; keep the first of each.
    seen: set[tuple[str, str, str, int, int]] = set()
    unique = []
    for passage in passages:
        key = (passage.coder, passage.article, passage.label, passage.start, passage.end)
        if key not in seen:
            seen.add(key)
            unique.append(passage)
    return unique


def make_answers(rng: random.Random) -> dict[tuple[str, str, str], str]:
    """(article, coder, question) -> answer; coders mostly agree, a few cells unanswered.

    Nobody answers the primary frame "none": its scale has four categories,
    the answers three (Gwet's q is the scale's).
    """
    answers: dict[tuple[str, str, str], str] = {}
    for article in ORDER:
        for question, _, options in QUESTIONS:
            chosen = options[:3] if question == FRAME else options
            truth = rng.randrange(len(chosen))
            for coder in CODERS:
                if (article, coder, question) in UNANSWERED:
                    continue
                choice = truth
                if rng.random() > 0.7:
                    if question == TONE:  # an ordinal slip is mostly to a neighbour
                        choice = min(len(chosen) - 1, max(0, truth + rng.choice([-1, 1])))
                    else:
                        choice = rng.randrange(len(chosen))
                answers[article, coder, question] = chosen[choice]
    return answers


def covered(passages: Sequence[Passage], article: str, coder: str, label: str) -> np.ndarray:
    """Which characters (code points) of the article the coder's passages with the label cover."""
    mask = np.zeros(len(ARTICLES[article]), dtype=bool)
    for p in passages:
        if (p.article, p.coder, p.label) == (article, coder, label):
            mask[p.start : p.end] = True
    return mask


def present(
    passages: Sequence[Passage], article: str, coder: str, label: str, unit: str, overlap: str
) -> list[tuple[str, int]]:
    """(unit id, 1/0) for each unit of the article: the label's presence for the coder."""
    text = ARTICLES[article]
    tagged = any((p.article, p.coder, p.label) == (article, coder, label) for p in passages)
    if unit == "article":
        return [(article, int(tagged))]
    mask = covered(passages, article, coder, label)
    cells = []
    for start, end in paragraphs(text):
        hits = int(mask[start:end].sum())
        value = hits > 0 if overlap == "any" else 2 * hits > end - start
        cells.append((f"{article}:{start}-{end}", int(value)))
    return cells


def label_matrices(
    passages: Sequence[Passage],
    coders: Sequence[str],
    articles: Sequence[str],
    unit: str,
    overlap: str = "any",
) -> dict[str, tuple[list[str], np.ndarray]]:
    """Label -> (unit ids, units x coders matrix of 0/1): every coder marked these articles done."""
    result = {}
    for label in LABELS:
        ids: list[str] = []
        columns: list[list[int]] = [[] for _ in coders]
        for article in articles:
            for column, coder in enumerate(coders):
                cells = present(passages, article, coder, label, unit, overlap)
                if column == 0:
                    ids.extend(unit_id for unit_id, _ in cells)
                columns[column].extend(value for _, value in cells)
        result[label] = (ids, np.array(columns, dtype=float).T)
    return result


def question_matrix(
    answers: dict[tuple[str, str, str], str],
    question: str,
    options: Sequence[str],
    coders: Sequence[str],
    articles: Sequence[str],
) -> np.ndarray:
    """Articles x coders of the answers' positions among the options (NaN: unanswered)."""
    matrix = np.full((len(articles), len(coders)), np.nan)
    for row, article in enumerate(articles):
        for column, coder in enumerate(coders):
            answer = answers.get((article, coder, question))
            if answer is not None:
                matrix[row, column] = options.index(answer)
    return matrix


# --------------------------------------------------------------------------- independent statistics


def value_counts(matrix: np.ndarray, q: int) -> np.ndarray:
    """Units x categories: how many coders put each unit in each category."""
    counts = np.zeros((matrix.shape[0], q))
    for k in range(q):
        counts[:, k] = (matrix == k).sum(axis=1)
    return counts


def coincidences(matrix: np.ndarray, q: int) -> np.ndarray:
    """Krippendorff's o_ck: sum over pairable units of n_uc n_uk (less the pair with itself)."""
    result = np.zeros((q, q))
    for n_u in value_counts(matrix, q):
        m = n_u.sum()
        if m >= 2:
            result += (np.outer(n_u, n_u) - np.diag(n_u)) / (m - 1)
    return result


def percent_agreement(matrix: np.ndarray, q: int) -> float:
    """Pairable-value agreement 1 - D_o (nominal): the diagonal share of the coincidences."""
    o = coincidences(matrix, q)
    return float(np.trace(o) / o.sum())


def gwet_ac1(matrix: np.ndarray, q: int) -> float:
    """AC1 as irrCAC's gwet.ac1.raw (Gwet 2014), missing values allowed."""
    counts = value_counts(matrix, q)
    r = counts.sum(axis=1)
    two = r >= 2
    pa = np.mean((counts[two] * (counts[two] - 1)).sum(axis=1) / (r[two] * (r[two] - 1)))
    one = r >= 1
    pi = (counts[one] / r[one][:, None]).mean(axis=0)
    pe = float((pi * (1 - pi)).sum() / (q - 1))
    return float((pa - pe) / (1 - pe))


def alpha(matrix: np.ndarray, q: int, level: Any) -> float:
    return float(
        krippendorff.alpha(
            reliability_data=matrix.T, level_of_measurement=level, value_domain=list(range(q))
        )
    )


def defined(value: float) -> float | None:
    """A package's number, or None where it gives NaN (a statistic the data leave undefined)."""
    number = float(value)
    return number if np.isfinite(number) else None


def fce_variance(contingency: np.ndarray) -> Fraction:
    """The large-sample variance of Cohen's kappa (Fleiss, Cohen & Everitt 1969), exactly.

    Only a cross-check of statsmodels and the reference where kappa's
    variance is 0: there a square root turns rounding errors of 1e-17 into
    1e-8 (statsmodels gives 8.3e-09, or NaN for a variance rounded below 0).
    """
    n = int(contingency.sum())
    p = [[Fraction(int(cell), n) for cell in line] for line in contingency]
    k = len(p)
    rows = [sum(p[i]) for i in range(k)]
    cols = [sum(p[i][j] for i in range(k)) for j in range(k)]
    po = sum(p[i][i] for i in range(k))
    pe = sum(rows[i] * cols[i] for i in range(k))
    diagonal = sum(p[i][i] * ((1 - pe) - (rows[i] + cols[i]) * (1 - po)) ** 2 for i in range(k))
    off = (1 - po) ** 2 * sum(
        p[i][j] * (cols[i] + rows[j]) ** 2 for i in range(k) for j in range(k) if i != j
    )
    return Fraction(diagonal + off - (po * pe - 2 * pe + po) ** 2) / (n * (1 - pe) ** 4)


def expected_row(matrix: np.ndarray, q: int, level: str) -> dict[str, Any]:
    """Every statistic of one variable, by the packages; None where it does not apply.

    The packages answer NaN (with a warning) where a statistic is 0/0, e.g.
    alpha and the kappas of a label every coder found in every unit; the
    report must say null with a reason there.
    """
    n_coders = matrix.shape[1]
    complete = matrix[~np.isnan(matrix).any(axis=1)].astype(int)
    table, _ = aggregate_raters(complete, n_cat=q)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        row: dict[str, Any] = {
            "units": matrix.shape[0],
            "percent_agreement": percent_agreement(matrix, q),
            "krippendorff_alpha": defined(alpha(matrix, q, level)),
            "fleiss_kappa": defined(sm_fleiss_kappa(table, method="fleiss")),
            "gwet_ac1": gwet_ac1(matrix, q),
            "cohen_kappa": None,
            "cohen_kappa_se": None,
            "scotts_pi": None,
            "coincidences": coincidences(matrix, q),
        }
        if n_coders == 2:
            first, second = complete[:, 0], complete[:, 1]
            contingency = np.zeros((q, q), dtype=int)
            np.add.at(contingency, (first, second), 1)
            theirs = cohens_kappa(contingency.astype(float))
            kappa = defined(cohen_kappa_score(first, second, labels=list(range(q))))
            variance: float | None = None
            se: float | None = None
            if kappa is None:
                assert defined(theirs.kappa) is None
            else:
                assert theirs.kappa == pytest.approx(kappa, abs=TOLERANCE)
                variance = float(fce_variance(contingency))
                se = defined(theirs.std_kappa)
                exact = math.sqrt(max(variance, 0.0))
                if se is None:  # statsmodels' NaN: the root of a variance rounded below 0
                    assert variance == 0
                    se = exact
                else:
                    assert se == pytest.approx(exact, abs=1e-7)
            row.update(
                cohen_kappa=kappa,
                cohen_kappa_se=se,
                cohen_kappa_variance=variance,
                # Scott's pi is Fleiss' kappa of two coders (Fleiss 1971).
                scotts_pi=defined(sm_fleiss_kappa(table, method="fleiss")),
            )
    return row


STATISTICS = (
    "percent_agreement",
    "krippendorff_alpha",
    "fleiss_kappa",
    "gwet_ac1",
    "cohen_kappa",
    "cohen_kappa_se",
    "scotts_pi",
)


def check_row(
    row: dict[str, Any],
    matrix: np.ndarray,
    q: int,
    level: str,
    coders: Sequence[str],
    *,
    binary: bool,
) -> None:
    """One JSON row against the statistics of *matrix* computed here."""
    want = expected_row(matrix, q, level)
    where = f"item {row['item']!r}"
    assert row["level"] == level, where
    assert row["units"] == want["units"], where
    for name in STATISTICS:
        if want[name] is None:
            assert row[name] is None, (where, name, row[name])
            assert row["undefined"].get(name), (where, name, row["undefined"])
        elif name == "cohen_kappa_se" and want["cohen_kappa_variance"] < 1e-12:
            # Near 0, compare the variances (see fce_variance).
            assert abs(row[name] ** 2 - want["cohen_kappa_variance"]) <= 1e-15, (where, row[name])
        else:
            assert row[name] == pytest.approx(want[name], abs=TOLERANCE), (where, name)
            assert name not in row["undefined"], (where, name)
    if want["krippendorff_alpha"] is None:
        assert row["alpha_ci"] is None, where
        assert row["undefined"].get("alpha_ci"), where
    else:
        # Alpha and its bootstrap interval can fall below -1 on few units.
        low, high = row["alpha_ci"]
        assert low <= high <= 1, where
    counts = row["counts"]
    if binary and len(coders) == 2:
        complete = matrix[~np.isnan(matrix).any(axis=1)]
        a, b = complete[:, 0], complete[:, 1]
        assert counts == {
            "coders": list(coders),
            "both": int(((a == 1) & (b == 1)).sum()),
            "only_first": int(((a == 1) & (b == 0)).sum()),
            "only_second": int(((a == 0) & (b == 1)).sum()),
            "neither": int(((a == 0) & (b == 0)).sum()),
            "incomplete_units": int(matrix.shape[0] - complete.shape[0]),
        }, where
    else:
        assert len(counts["coincidences"]) == q, where
        assert np.asarray(counts["coincidences"], dtype=float) == pytest.approx(
            want["coincidences"], abs=TOLERANCE
        ), where


# --------------------------------------------------------------------------- the project


@dataclass(frozen=True)
class Built:
    cli: Cli
    passages: list[Passage]
    answers: dict[tuple[str, str, str], str]
    # QUESTIONS, with the options of the question import-answers created in
    # the order they are first seen in the answer CSV.
    questions: tuple[tuple[str, str, tuple[str, ...]], ...]


def write_annotation_csv(path: Path, passages: Sequence[Passage]) -> None:
    """An annotation CSV as another machine writes it (its own ids; matched by external id)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(ANNOTATION_HEADER)
        for number, p in enumerate(passages, start=1):
            text = ARTICLES[p.article]
            writer.writerow(
                [
                    1000 + number,
                    700 + ORDER.index(p.article),
                    p.article,
                    title_of(text),
                    sha256(text),
                    p.coder,
                    p.label,
                    p.start,
                    p.end,
                    text[p.start : p.end],
                    p.memo,
                    "2026-03-01T09:00:00.000000Z",
                    "2026-03-01T09:30:00.000000Z",
                ]
            )


def answer_rows(answers: dict[tuple[str, str, str], str]) -> list[list[str]]:
    rows = []
    for (article, coder, question), answer in answers.items():
        text = ARTICLES[article]
        # Coder names in another case than the annotation CSVs': the same coders.
        rows.append(["", article, title_of(text), sha256(text), coder.title(), question, answer])
    return rows


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def built_per_backend() -> Iterator[dict[str, Built]]:
    """Each backend's project, built once for the module (see :func:`built`)."""
    made: dict[str, Built] = {}
    yield made
    for one in made.values():
        one.cli.close()


@pytest.fixture
def built(
    built_per_backend: dict[str, Built],
    cli_projects: Projects,
    tmp_path_factory: pytest.TempPathFactory,
) -> Built:
    """The project, made only through ``framing-app`` commands; copy it to change it."""
    backend = cli_projects.backend
    if backend not in built_per_backend:
        root = tmp_path_factory.mktemp(f"reliability-end-to-end-{backend}")
        built_per_backend[backend] = build(Cli(root, cli_projects))
    return built_per_backend[backend]


def build(cli: Cli) -> Built:
    """The coders' work, through the commands of a lead who receives their files."""
    rng = random.Random(SEED)
    passages = make_passages(rng)
    answers = make_answers(rng)

    folder = cli.root / "articles"
    folder.mkdir()
    files = []
    for name, text in ARTICLES.items():
        assert unicodedata.is_normalized("NFC", text)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="\n")
        files.append(folder / f"{name}.txt")
    cli.ok("import", *files)

    cli.ok("question", "add", TONE, "--level", "ordinal", "--options", ",".join(TONE_OPTIONS))
    cli.ok("question", "add", FRAME, "--level", "nominal", "--options", ",".join(FRAME_OPTIONS))

    # One annotation CSV holds the three coders' work (and names a label the
    # codebook lacks: the import creates it and says so).
    write_annotation_csv(cli.root / "annotations.csv", passages)
    out = cli.ok("import-annotations", "annotations.csv").stdout.splitlines()
    assert out[0] == f"Imported {len(passages)} annotation(s) from annotations.csv.", out
    assert any(NEW_LABEL in line for line in out[1:]), out

    rows = answer_rows(answers)
    seen = tuple(dict.fromkeys(row[6] for row in rows if row[5] == RELEVANT))
    assert sorted(seen) == sorted(RELEVANT_OPTIONS)
    questions = tuple((name, level, seen if name == RELEVANT else options)
                      for name, level, options in QUESTIONS)  # fmt: skip
    write_csv(cli.root / "answers.csv", ANSWER_HEADER, rows)
    out = cli.ok("import-answers", "answers.csv").stdout.splitlines()
    assert f"{len(answers)} added" in out[0], out
    # Only the question the project lacked is new (the two added keep their level).
    assert out[-1].startswith("  new question(s) added (nominal"), out
    assert out[-1].endswith(f": {RELEVANT}"), out

    done_by_carol = [a for a in ORDER if a != NOT_DONE_BY_CAROL]
    for result in cli.many(
        ["status", "--coder", "alice", "--all", "--set", "done"],
        ["status", "--coder", "Bob", "--all", "--set", "done"],
        ["status", "--coder", "carol", "--article", *done_by_carol, "--set", "done"],
    ):
        check_ok(result)
    return Built(cli, passages, answers, questions)


def rows_by_item(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    items = [row["item"] for row in data["rows"]]
    assert len(items) == len(set(items)), items
    return {row["item"]: row for row in data["rows"]}


THREE = ["--coders", *CODERS]
TWO = ["--coders", "alice", "BOB"]  # any case: the report names the coders as stored
# The commands whose output the tests read: none changes the project, so
# they run side by side, once for the whole module.
READS: dict[str, list[str]] = {
    "articles": ["articles", "--tsv"],
    "answers": ["export", "answers"],
    "questions": ["question", "list", "--tsv"],
    "three paragraph": ["agreement", *THREE, "--unit", "paragraph", "--format", "json"],
    "three majority": [
        "agreement", *THREE, "--unit", "paragraph", "--overlap", "majority", "--format", "json"
    ],
    "three article": ["agreement", *THREE, "--unit", "article", "--format", "json"],
    "three table": ["agreement", *THREE, "--unit", "paragraph"],
    "two paragraph": ["agreement", *TWO, "--unit", "paragraph", "--format", "json"],
    "two article": ["agreement", *TWO, "--unit", "article", "--format", "json"],
    "export": ["export", "reliability", *THREE, "--unit", "paragraph", "--out", "rel.csv"],
}  # fmt: skip
# Then, on the exported matrix (no project opened), with the options the
# export printed for reading it back (the questions' levels and scales).
READ_BACK = "Read it back with the questions' levels and scales: framing-app "


@pytest.fixture(scope="module")
def outputs_per_backend() -> dict[str, dict[str, Any]]:
    """Each backend's :func:`outputs`, made once for the module."""
    return {}


@pytest.fixture
def outputs(built: Built, outputs_per_backend: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The result of each command of READS and of the matrix reads, by name."""
    if built.cli.backend not in outputs_per_backend:
        outputs_per_backend[built.cli.backend] = read_outputs(built.cli)
    return outputs_per_backend[built.cli.backend]


def read_outputs(cli: Cli) -> dict[str, Any]:
    """Every command of READS, side by side, then the matrix reads."""
    results = dict(zip(READS, cli.many(*READS.values()), strict=True))
    printed = check_ok(results["export"]).stdout.splitlines()
    hints = [line for line in printed if line.startswith(READ_BACK)]
    assert len(hints) == 1, printed
    read_back = shlex.split(hints[0].removeprefix(READ_BACK))
    assert read_back[:3] == ["agreement", "--matrix", "rel.csv"], read_back
    assert ["--level", f"{TONE}=ordinal"] == read_back[3:5], read_back
    matrix_reads = {
        "matrix": [*read_back, "--format", "json"],
        "matrix tone": [*read_back, "--label", TONE, "--format", "json"],
    }
    matrix = cli.many(*matrix_reads.values(), project=None)
    results.update(zip(matrix_reads, matrix, strict=True))
    return results


def json_of(outputs: dict[str, Any], name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(check_ok(outputs[name]).stdout)
    return data


def check_report(
    built: Built,
    data: dict[str, Any],
    coders: Sequence[str],
    unit: str,
    overlap: str = "any",
) -> None:
    """A project report against everything computed here for these coders and unit."""
    articles = [a for a in ORDER if "carol" not in coders or a != NOT_DONE_BY_CAROL]
    assert data["coders"] == list(coders)
    assert data["unit"] == unit
    assert data["articles"] == len(articles)
    if "carol" in coders:
        text = ARTICLES[NOT_DONE_BY_CAROL]
        assert data["excluded_articles"] == [
            {
                "external_id": NOT_DONE_BY_CAROL,
                "title": title_of(text),
                "reason": "carol has not marked it done",
            }
        ]
    else:
        assert data["excluded_articles"] == []
    rows = rows_by_item(data)
    assert list(rows) == [*LABELS, OVERALL, TONE, FRAME, RELEVANT]
    matrices = label_matrices(built.passages, coders, articles, unit, overlap)
    for label in LABELS:
        assert rows[label]["kind"] == "label"
        check_row(rows[label], matrices[label][1], 2, "nominal", coders, binary=True)
    pooled = np.vstack([matrices[label][1] for label in LABELS])
    assert rows[OVERALL]["kind"] == "overall"
    check_row(rows[OVERALL], pooled, 2, "nominal", coders, binary=True)
    for question, level, options in built.questions:
        matrix = question_matrix(built.answers, question, options, coders, articles)
        assert rows[question]["kind"] == "question"
        check_row(rows[question], matrix, len(options), level, coders, binary=False)
        assert rows[question]["counts"]["categories"] == list(options)


# --------------------------------------------------------------------------- tests


def test_the_project_holds_what_the_files_say(built: Built, outputs: dict[str, Any]) -> None:
    """The stored texts are the files' (code points and all); the answers read back."""
    articles, answers, questions = (
        check_ok(outputs[name]).stdout for name in ("articles", "answers", "questions")
    )
    # The articles in import order (which the units follow).
    assert [line.split("\t")[1] for line in articles.splitlines()[1:]] == ORDER
    records = list(csv.DictReader(io.StringIO(answers, newline="")))
    assert list(records[0]) == ANSWER_HEADER
    assert {
        (r["article_external_id"], r["coder"], r["question"]): r["answer"] for r in records
    } == built.answers
    # Every article has answers, and the SHA-256 the program computes from each
    # stored text is that of the file's text: the units cut here are its units.
    assert {r["article_external_id"] for r in records} == set(ORDER)
    for record in records:
        text = ARTICLES[record["article_external_id"]]
        assert (record["article_title"], record["article_sha256"]) == (title_of(text), sha256(text))
    # The questions in codebook order: the two added, then the one the import
    # made, nominal, with the answers seen as its options.
    listed = questions.splitlines()
    assert listed[0].split("\t")[:3] == ["question", "level", "options"]
    assert [tuple(line.split("\t")[:3]) for line in listed[1:]] == [
        (name, level, ", ".join(options)) for name, level, options in built.questions
    ]


def test_three_coders_paragraphs_and_articles(built: Built, outputs: dict[str, Any]) -> None:
    """``--coders alice bob carol``: Fleiss' kappa, alpha; carol's unfinished article left out."""
    check_report(built, json_of(outputs, "three paragraph"), CODERS, "paragraph")
    check_report(built, json_of(outputs, "three majority"), CODERS, "paragraph", "majority")
    check_report(built, json_of(outputs, "three article"), CODERS, "article")
    # The table says it too: the article left out, with the reason.
    out = check_ok(outputs["three table"]).stdout
    title = title_of(ARTICLES[NOT_DONE_BY_CAROL])
    assert f"{NOT_DONE_BY_CAROL} ({title}): carol has not marked it done" in out, out


def test_two_coders_have_cohen_kappa(built: Built, outputs: dict[str, Any]) -> None:
    """``--coders alice BOB``: every article (both marked all done); kappa with its SE."""
    check_report(built, json_of(outputs, "two paragraph"), ("alice", "bob"), "paragraph")
    check_report(built, json_of(outputs, "two article"), ("alice", "bob"), "article")


def expected_matrix_rows(built: Built, coders: Sequence[str]) -> list[list[str]]:
    """The reliability matrix CSV's rows: labels (1/0), then questions (the answer or empty)."""
    articles = [a for a in ORDER if "carol" not in coders or a != NOT_DONE_BY_CAROL]
    rows = []
    matrices = label_matrices(built.passages, coders, articles, "paragraph")
    for label, (ids, matrix) in matrices.items():
        for unit_id, values in zip(ids, matrix, strict=True):
            rows.append([unit_id, label, *(str(int(v)) for v in values)])
    for question, _, _ in QUESTIONS:
        for article in articles:
            cells = [built.answers.get((article, coder, question), "") for coder in coders]
            rows.append([article, question, *cells])
    return rows


def test_export_reliability_cell_by_cell(built: Built, outputs: dict[str, Any]) -> None:
    """``export reliability``: the matrix built here, and the article it left out."""
    written = check_ok(outputs["export"])
    lines = written.stdout.splitlines()
    assert lines[0].startswith("Wrote "), written.stdout
    assert any(
        NOT_DONE_BY_CAROL in line and "carol has not marked it done" in line for line in lines[1:]
    ), written.stdout
    data = (built.cli.root / "rel.csv").read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(data, newline="")))
    assert records[0] == ["unit", "item", *CODERS]
    want = expected_matrix_rows(built, CODERS)
    assert {tuple(r[:2]): r[2:] for r in records[1:]} == {tuple(r[:2]): r[2:] for r in want}
    assert records[1:] == want  # and in order: label by label, then the questions


COMPARED = ("units", *STATISTICS, "alpha_ci", "pabak", "prevalence_index", "bias_index")


def check_same_numbers(
    other: dict[str, Any], mine: dict[str, Any], *, but: Sequence[str] = ()
) -> None:
    """A row of ``agreement --matrix`` against the project report's row of the same item."""
    item = mine["item"]
    assert other["item"] == item
    assert other["level"] == mine["level"], item
    for key in COMPARED:
        if key in but:
            continue
        if mine[key] is None:
            assert other[key] is None, (item, key, other[key])
        else:
            assert other[key] == pytest.approx(mine[key], abs=1e-12), (item, key)
    if not but:
        assert other["counts"] == mine["counts"], item


def test_the_matrix_reads_back_to_the_projects_numbers(
    built: Built, outputs: dict[str, Any]
) -> None:
    """``agreement --matrix`` on the exported matrix: the project report's numbers, item by item.

    (The README: the matrix "that ``agreement --matrix`` reads back".) The
    bootstrap intervals are compared too: both default to 1,000 resamples
    from seed 0.
    """
    project_rows = rows_by_item(json_of(outputs, "three paragraph"))
    matrix = json_of(outputs, "matrix")
    assert matrix["coders"] == list(CODERS)
    matrix_rows = rows_by_item(matrix)
    assert list(matrix_rows) == [*LABELS, TONE, FRAME, RELEVANT]
    # Every label and every question, the ordinal one at its level and the
    # primary frame with its unused option (Gwet's q), through the --level and
    # --scale options the export printed.
    for item in [*LABELS, TONE, FRAME, RELEVANT]:
        check_same_numbers(matrix_rows[item], project_rows[item])
    # The tone question read at the default level (nominal), without the
    # printed options: its statistics as categories, computed here.
    articles = [a for a in ORDER if a != NOT_DONE_BY_CAROL]
    tone = question_matrix(built.answers, TONE, TONE_OPTIONS, CODERS, articles)
    plain = built.cli(
        "agreement", "--matrix", "rel.csv", "--label", TONE, "--format", "json", project=None
    )
    check_row(
        rows_by_item(json.loads(check_ok(plain).stdout))[TONE],
        tone,
        3,
        "nominal",
        CODERS,
        binary=False,
    )


def test_an_ordinal_question_reads_back_from_the_matrix(outputs: dict[str, Any]) -> None:
    """The tone question's ordinal numbers from the matrix, with the printed --level and --scale."""
    project_row = rows_by_item(json_of(outputs, "three paragraph"))[TONE]
    assert project_row["level"] == "ordinal"
    matrix_row = rows_by_item(json_of(outputs, "matrix tone"))[TONE]
    assert matrix_row["level"] == "ordinal"
    check_same_numbers(matrix_row, project_row)


def test_unused_options_read_back_from_the_matrix(built: Built, outputs: dict[str, Any]) -> None:
    """Gwet's AC1 of the primary frame (q = 4 options; nobody chose "none") from the matrix."""
    project_row = rows_by_item(json_of(outputs, "three paragraph"))[FRAME]
    matrix_row = rows_by_item(json_of(outputs, "matrix"))[FRAME]
    articles = [a for a in ORDER if a != NOT_DONE_BY_CAROL]
    frame = question_matrix(built.answers, FRAME, FRAME_OPTIONS, CODERS, articles)
    assert not (frame == FRAME_OPTIONS.index("none")).any()
    assert project_row["gwet_ac1"] == pytest.approx(gwet_ac1(frame, 4), abs=TOLERANCE)
    assert matrix_row["gwet_ac1"] == pytest.approx(gwet_ac1(frame, 4), abs=TOLERANCE)
    check_same_numbers(matrix_row, project_row)


def test_a_misspelt_coder_gets_a_suggestion(built: Built) -> None:
    """One line naming the name and the coder meant, exit 1, no traceback, no file written."""
    cli = built.cli
    paragraph, export, question = cli.many(
        ["agreement", "--coders", "alice", "bbo", "carol", "--unit", "paragraph"],
        ["export", "reliability", "--coders", "Alcie", "bob", "--unit", "article", "--out", "x"],
        ["agreement", "--coders", "alice", "bob", "--unit", "article", "--question", "tnoe"],
    )  # fmt: skip
    check_error(paragraph, ["no coder named 'bbo'", "did you mean 'bob'?"])
    check_error(export, ["no coder named 'Alcie'", "did you mean 'alice'?"])
    check_error(question, ["no question named 'tnoe'", "did you mean 'tone'?"])
    assert not (cli.root / "x").exists()


def test_answers_naming_an_unknown_article_change_nothing(
    built: Built, run_cli: Cli, tmp_path: Path
) -> None:
    """import-answers is all or nothing: one bad row, and no answer, question or coder is added."""
    cli = run_cli.use(built.cli.project)
    text = ARTICLES["social-media"]
    rows = [
        # Good rows first: an answer carol left out, a new coder, a new question...
        ["", "social-media", title_of(text), sha256(text), "carol", TONE, "positive"],
        ["", "social-media", title_of(text), sha256(text), "dave", FRAME, "none"],
        ["", "social-media", title_of(text), sha256(text), "alice", "headline frame", "none"],
        # ... then (row 5, the header being row 1) an article the project lacks.
        ["", "no-such-article", "Nowhere", sha256("not an article"), "bob", TONE, "neutral"],
    ]
    write_csv(tmp_path / "bad.csv", ANSWER_HEADER, rows)
    tables = ("answer", "question", "coder")
    counts = [cli.count(table) for table in tables]
    before = check_ok(cli("export", "answers", binary=True)).stdout
    result = cli("import-answers", "bad.csv")
    check_error(result, ["bad.csv, row 5", "unknown article 'no-such-article'"])
    assert check_ok(cli("export", "answers", binary=True)).stdout == before
    assert [cli.count(table) for table in tables] == counts
