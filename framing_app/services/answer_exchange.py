"""Exporting the answers as CSV and merging an answer CSV into the project, all or nothing.

The file format is :mod:`framing_app.formats.answer_csv`. An import matches
the file to the project as ``import-annotations`` does: articles by
``article_external_id``, else by ``article_sha256`` (a text whose SHA-256
differs from the project's is refused); coders and questions by name,
ignoring case. A coder new to the project is created; so is a question,
as a nominal one whose options are the answers the file gives it, in the
order they first appear. An answer that a known question does not accept
refuses the file, naming the row and the value.

By default rows are added: an answer the project has already (same
article, coder, question and value) is *unchanged*, so importing a file
twice adds nothing, and a different answer in a slot the coder has answered
already refuses the file (adding never overwrites a coder's answer). With
*replace*, each coder's answers on the articles the file covers (any row
names them) become exactly the file's: a different value is *changed*
(the answer keeps its id), an answer the file lacks is *removed*, the rest
*added*. Other coders, and articles no row names, are untouched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from pathlib import Path
from typing import TextIO

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import InputFileError
from framing_app.core.names import InvalidNameError, clean_name, name_key
from framing_app.core.questions import InvalidQuestionError, QuestionSpec, checked_answer
from framing_app.core.timestamps import iso_utc
from framing_app.formats.answer_csv import AnswerRow, read_answer_csv, write_answer_csv
from framing_app.services.coding_status import advance_to_in_progress
from framing_app.services.lookup import coder_by_name, ensure_coder, names_to_ids
from framing_app.services.output_files import output_file
from framing_app.services.project import Project
from framing_app.services.questions import spec_of, store_new_question
from framing_app.store.bulk import insert_rows
from framing_app.store.models import Answer, Article, Coder, Question, table_of, utc_now

_CHUNK = 500


# --------------------------------------------------------------------------- export


def export_answers(project: Project, out: TextIO, *, coders: Sequence[str] | None = None) -> int:
    """Write every answer (of *coders*, if given) to *out*; returns the number of rows.

    Rows come by article (import order), coder (name) and question (codebook
    order). Naming a coder who does not exist is an error, not an empty file.
    """
    with project.db.read() as session:
        query = (
            select(
                Article.id,
                Article.external_id,
                Article.title,
                Article.sha256,
                Coder.name,
                Question.name,
                Answer.value,
            )
            .join(Article, Article.id == Answer.article_id)
            .join(Coder, Coder.id == Answer.coder_id)
            .join(Question, Question.id == Answer.question_id)
            .order_by(Article.id, Coder.name, Question.position, Question.id)
        )
        if coders:
            ids = [coder_by_name(session, name).id for name in coders]
            query = query.where(Answer.coder_id.in_(ids))

        def rows() -> Iterator[AnswerRow]:
            for values in session.execute(query):
                yield AnswerRow(*values)

        return write_answer_csv(rows(), out)


def export_answers_to_file(
    project: Project, path: Path, *, coders: Sequence[str] | None = None
) -> int:
    """Export to *path*, replaced only once the whole file is written, never over a database."""
    with output_file(Path(path), project, newline="") as out:
        return export_answers(project, out, coders=coders)


# --------------------------------------------------------------------------- import


@dataclass
class CoderAnswers:
    """What an import does to one coder's answers."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass
class AnswerImportReport:
    """What an import did (or, from :func:`preview_answer_import`, would do)."""

    rows: int = 0
    replace: bool = False
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    new_coders: list[str] = field(default_factory=list)
    new_questions: list[str] = field(default_factory=list)
    coders: dict[str, CoderAnswers] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    articles: frozenset[int] = frozenset()

    @property
    def changes(self) -> Changes:
        if not (self.added or self.changed or self.removed or self.new_coders):
            return Changes(codebook=bool(self.new_questions))
        return Changes(
            answered=self.articles,
            articles=self.articles,
            codebook=bool(self.new_questions),
            coders=bool(self.new_coders),
        )


@dataclass(frozen=True)
class _Slot:
    article_id: int
    coder: str  # name key
    question: str  # name key


@dataclass
class _Plan:
    report: AnswerImportReport
    coder_names: dict[str, str]  # key -> name as the project has it or will have it
    new_coders: list[str]
    new_questions: dict[str, QuestionSpec]  # key -> spec to create
    question_ids: dict[str, int]  # key -> id, known questions
    coder_ids: dict[str, int]  # key -> id, known coders
    inserts: list[tuple[_Slot, str]]
    updates: list[tuple[int, str]]  # answer id, new value
    deletes: list[int]
    touched: set[tuple[str, int]]  # (coder key, article id) whose answers were added or changed


def import_answers(project: Project, path: Path, *, replace: bool = False) -> AnswerImportReport:
    """Merge the answer CSV *path* into the project (module docstring); one transaction."""
    numbered = read_answer_csv(path)
    with project.db.write() as session:
        plan = _plan(session, path, numbered, replace)
        _apply(session, plan)
    return plan.report


def preview_answer_import(
    project: Project, path: Path, *, replace: bool = False
) -> AnswerImportReport:
    """The report :func:`import_answers` would give, writing nothing (same errors too)."""
    numbered = read_answer_csv(path)
    with project.db.read() as session:
        return _plan(session, path, numbered, replace).report


def _plan(
    session: Session, path: Path, numbered: list[tuple[int, AnswerRow]], replace: bool
) -> _Plan:
    articles = _match_articles(session, path, numbered)
    coder_ids = names_to_ids(session, Coder)
    coder_names = {name_key(n): n for n in session.scalars(select(Coder.name))}
    known = {name_key(q.name): q for q in session.scalars(select(Question))}
    specs = {key: spec_of(q) for key, q in known.items()}
    new_questions: dict[str, QuestionSpec] = {}
    new_coders: list[str] = []
    wanted: dict[_Slot, tuple[str, int]] = {}  # slot -> (value, row)
    for (number, row), article_id in zip(numbered, articles, strict=True):
        coder = name_key(row.coder)
        if coder not in coder_names:
            coder_names[coder] = row.coder
            new_coders.append(row.coder)
        question = name_key(row.question)
        try:
            if question in specs:
                value = checked_answer(specs[question], row.answer)
            else:
                value = _new_option(new_questions, question, row)
        except InvalidQuestionError as error:
            raise InputFileError(path, str(error), row=number) from None
        slot = _Slot(article_id, coder, question)
        earlier = wanted.get(slot)
        if earlier is not None and earlier[0] != value:
            raise InputFileError(
                path,
                f"{row.coder}'s answer to '{row.question}' about article "
                f"'{row.article_external_id or row.article_sha256}' is '{value}' here but "
                f"'{earlier[0]}' in row {earlier[1]}",
                row=number,
            )
        wanted.setdefault(slot, (value, number))

    question_names = {key: q.name for key, q in known.items()}
    question_names.update((key, spec.name) for key, spec in new_questions.items())
    report = AnswerImportReport(
        rows=len(numbered),
        replace=replace,
        new_coders=new_coders,
        new_questions=[spec.name for spec in new_questions.values()],
    )
    for key, spec in new_questions.items():
        near = get_close_matches(key, list(known), n=1)
        if near:
            first = next(n for n, r in numbered if name_key(r.question) == key)
            report.notes.append(
                f"row {first}: question '{spec.name}' is new to the codebook; "
                f"did you mean '{known[near[0]].name}'?"
            )
    stored = _stored(session, articles, coder_ids, wanted, known)
    plan = _Plan(
        report, coder_names, new_coders, new_questions,
        {key: q.id for key, q in known.items()}, coder_ids, [], [], [], set(),
    )  # fmt: skip
    per_coder = {key: CoderAnswers() for key in dict.fromkeys(s.coder for s in wanted)}
    for slot, (value, number) in wanted.items():
        counts = per_coder[slot.coder]
        old = stored.get(slot)
        if old is None:
            plan.inserts.append((slot, value))
            plan.touched.add((slot.coder, slot.article_id))
            counts.added += 1
        elif old[1] == value:
            counts.unchanged += 1
        elif replace:
            plan.updates.append((old[0], value))
            plan.touched.add((slot.coder, slot.article_id))
            counts.changed += 1
        else:
            raise InputFileError(
                path,
                f"{coder_names[slot.coder]} has answered '{question_names[slot.question]}' "
                f"about this article already with '{old[1]}', the file says '{value}'; "
                "import with --replace to take the file's answers",
                row=number,
            )
    touched_articles = {article for _, article in plan.touched}
    if replace:
        for slot, (ident, _value) in stored.items():
            if slot not in wanted:
                plan.deletes.append(ident)
                per_coder[slot.coder].removed += 1
                touched_articles.add(slot.article_id)
    report.coders = {
        coder_names[key]: counts
        for key, counts in sorted(per_coder.items(), key=lambda item: coder_names[item[0]])
    }
    report.added = len(plan.inserts)
    report.changed = len(plan.updates)
    report.removed = len(plan.deletes)
    report.unchanged = sum(c.unchanged for c in per_coder.values())
    report.articles = frozenset(touched_articles)
    return plan


def _new_option(new_questions: dict[str, QuestionSpec], key: str, row: AnswerRow) -> str:
    """The answer *row* gives a question new to the project; a new option is added to it."""
    try:
        value = clean_name(row.answer, "option")
    except InvalidNameError as error:
        raise InvalidQuestionError(f"question '{row.question}': {error}") from None
    spec = new_questions.setdefault(key, QuestionSpec(row.question, "nominal"))
    for option in spec.options:
        if name_key(option) == name_key(value):
            return option
    new_questions[key] = replace(spec, options=(*spec.options, value))
    return value


def _stored(
    session: Session,
    articles: list[int],
    coder_ids: dict[str, int],
    wanted: dict[_Slot, tuple[str, int]],
    known: dict[str, Question],
) -> dict[_Slot, tuple[int, str]]:
    """The answers the file's (known) coders have on the file's articles: slot -> (id, value)."""
    file_coders = [coder_ids[key] for key in {s.coder for s in wanted} if key in coder_ids]
    key_of_coder = {ident: key for key, ident in coder_ids.items()}
    key_of_question = {q.id: key for key, q in known.items()}
    stored: dict[_Slot, tuple[int, str]] = {}
    for chunk in _chunks(sorted(set(articles))):
        for ident, article_id, coder_id, question_id, value in session.execute(
            select(
                Answer.id, Answer.article_id, Answer.coder_id, Answer.question_id, Answer.value
            ).where(Answer.article_id.in_(chunk), Answer.coder_id.in_(file_coders))
        ):
            slot = _Slot(article_id, key_of_coder[coder_id], key_of_question[question_id])
            stored[slot] = (ident, value)
    return stored


def _apply(session: Session, plan: _Plan) -> None:
    coder_ids = dict(plan.coder_ids)
    for name in plan.new_coders:
        coder_ids[name_key(name)] = ensure_coder(session, name).id
    question_ids = dict(plan.question_ids)
    for key, spec in plan.new_questions.items():
        question_ids[key] = store_new_question(session, spec).id
    for chunk in _chunks(plan.deletes):
        session.execute(delete(Answer).where(Answer.id.in_(chunk)))
    now = utc_now()
    if plan.updates:
        session.execute(
            update(Answer),
            [{"id": ident, "value": value, "updated_at": now} for ident, value in plan.updates],
        )
    stamp = iso_utc(now)
    insert_rows(
        session,
        table_of(Answer),
        ("article_id", "coder_id", "question_id", "value", "created_at", "updated_at"),
        [
            (
                slot.article_id,
                coder_ids[slot.coder],
                question_ids[slot.question],
                value,
                stamp,
                stamp,
            )
            for slot, value in plan.inserts
        ],
    )
    advance_to_in_progress(session, {(coder_ids[c], a) for c, a in plan.touched})


def _chunks(values: list[int]) -> list[list[int]]:
    return [values[begin : begin + _CHUNK] for begin in range(0, len(values), _CHUNK)]


def _match_articles(
    session: Session, path: Path, numbered: list[tuple[int, AnswerRow]]
) -> list[int]:
    """Each row's article id, matched as ``import-annotations`` matches them."""
    by_external: dict[str, tuple[int, str]] = {}
    by_sha: dict[str, tuple[int, str]] = {}
    for ident, external, sha in session.execute(
        select(Article.id, Article.external_id, Article.sha256)
    ):
        by_external[external] = (ident, sha)
        by_sha[sha] = (ident, sha)
    matched = []
    for number, row in numbered:
        found = by_external.get(row.article_external_id) if row.article_external_id else None
        if found is None and row.article_sha256:
            found = by_sha.get(row.article_sha256)
        shown = row.article_external_id or row.article_sha256
        if found is None:
            raise InputFileError(
                path,
                f"unknown article '{shown}' (no article in this project has that id or that text)",
                row=number,
            )
        if row.article_sha256 and row.article_sha256 != found[1]:
            raise InputFileError(
                path,
                f"article '{shown}' has a different text in this project (SHA-256 differs): "
                "the answers were given about another version of it",
                row=number,
            )
        matched.append(found[0])
    return matched
