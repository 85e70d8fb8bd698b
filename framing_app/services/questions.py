"""The codebook's article-level questions: add, list, edit, archive, reorder, delete.

The rules a question follows are those of :mod:`framing_app.core.questions`;
this module keeps them in the project. Each call is one committed
transaction. An edit never leaves an answer behind that the question would
no longer accept: changing a question's level or options is refused while an
answer does not fit them (a change of an option's case only respells the
answers). Question ids are never reused (migration 0006), so the undo steps
and answers that hold them always mean the same question.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from sqlalchemy import delete, false, func, select
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, InputFileError, NotFoundError
from framing_app.core.names import find_by_name, name_key
from framing_app.core.questions import (
    InvalidQuestionError,
    QuestionSpec,
    checked_answer,
    checked_question,
)
from framing_app.services.project import Project
from framing_app.store.models import Answer, Coder, Question


@dataclass(frozen=True)
class QuestionInfo:
    """A question of the codebook with its number of answers."""

    id: int
    name: str
    level: str
    options: tuple[str, ...]
    definition: str
    position: int
    archived: bool
    answers: int

    @property
    def spec(self) -> QuestionSpec:
        return QuestionSpec(self.name, self.level, self.options, self.definition, self.archived)

    @property
    def changes(self) -> Changes:
        return Changes(codebook=True)


@dataclass(frozen=True)
class QuestionRemoval:
    """A deleted question and how many answers of each coder went with it."""

    name: str
    answers_by_coder: dict[str, int]

    @property
    def answers(self) -> int:
        return sum(self.answers_by_coder.values())

    @property
    def changes(self) -> Changes:
        return Changes(codebook=True, everything=bool(self.answers))


def spec_of(question: Question) -> QuestionSpec:
    """The stored question as a :class:`QuestionSpec`."""
    return QuestionSpec(
        question.name,
        question.level,
        tuple(json.loads(question.options)),
        question.definition,
        question.archived,
    )


def _info(question: Question, answers: int) -> QuestionInfo:
    spec = spec_of(question)
    return QuestionInfo(
        question.id,
        spec.name,
        spec.level,
        spec.options,
        spec.definition,
        question.position,
        spec.archived,
        answers,
    )


def list_questions(
    project: Project, *, include_archived: bool = True, coder: str | None = None
) -> list[QuestionInfo]:
    """The questions in codebook order, each with its number of answers.

    With *coder*, only that coder's answers are counted (0 for a coder the
    project does not know): what a coder may see while blind coding is on.
    """
    with project.db.read() as session:
        counted = select(func.count()).where(Answer.question_id == Question.id)
        if coder is not None:
            pairs = [(n, i) for n, i in session.execute(select(Coder.name, Coder.id))]
            coder_id = find_by_name(pairs, coder)
            counted = counted.where(
                Answer.coder_id == coder_id if coder_id is not None else false()
            )
        query = select(Question, counted.correlate(Question).scalar_subquery()).order_by(
            Question.position, Question.id
        )
        if not include_archived:
            query = query.where(Question.archived.is_(False))
        return [_info(question, n) for question, n in session.execute(query).all()]


def question_by_ref(session: Session, ref: str | int) -> Question:
    """The question *ref* names: an int is its id, a string its name (any case).

    An unknown name is a :class:`NotFoundError` suggesting a close one.
    """
    if isinstance(ref, int):
        found = session.get(Question, ref)
        if found is None:
            raise NotFoundError(f"question {ref} is no longer in the codebook (deleted)")
        return found
    found = session.scalar(select(Question).where(Question.name == ref))
    if found is not None:
        return found
    pairs = [(n, i) for n, i in session.execute(select(Question.name, Question.id))]
    ident = find_by_name(pairs, ref)
    if ident is not None:
        question = session.get(Question, ident)
        assert question is not None
        return question
    by_key = {name_key(n): n for n, _ in pairs}
    close = get_close_matches(name_key(ref), list(by_key), n=1)
    hint = f"; did you mean '{by_key[close[0]]}'?" if close else ""
    raise NotFoundError(f"no question named '{ref.strip()}' in the codebook{hint}")


def get_question(project: Project, ref: str | int) -> QuestionInfo:
    with project.db.read() as session:
        question = question_by_ref(session, ref)
        return _info(question, _count_answers(session, question.id))


def _count_answers(session: Session, question_id: int) -> int:
    return session.scalar(select(func.count()).where(Answer.question_id == question_id)) or 0


def _check_free(session: Session, name: str, own_id: int | None = None) -> None:
    pairs = [(n, i) for n, i in session.execute(select(Question.name, Question.id))]
    holder = find_by_name(pairs, name)
    if holder is not None and holder != own_id:
        taken = next(n for n, i in pairs if i == holder)
        raise ConflictError(f"the codebook already has a question named '{taken}'")


def add_question(
    project: Project,
    name: str,
    *,
    level: str = "nominal",
    options: Sequence[str] = (),
    definition: str = "",
) -> QuestionInfo:
    """Add a question after the others.

    Its rules: :func:`~framing_app.core.questions.checked_question`.
    """
    spec = checked_question(name, level, options, definition)
    with project.db.write() as session:
        _check_free(session, spec.name)
        question = store_new_question(session, spec)
        return _info(question, 0)


def store_new_question(session: Session, spec: QuestionSpec) -> Question:
    """Add *spec* (already checked, its name free) after the other questions; flushed."""
    last = session.scalar(select(func.max(Question.position)))
    question = Question(
        name=spec.name,
        level=spec.level,
        options=_options_json(spec.options),
        definition=spec.definition,
        position=(last if last is not None else -1) + 1,
        archived=spec.archived,
    )
    session.add(question)
    session.flush()
    return question


def _options_json(options: Iterable[str]) -> str:
    return json.dumps(list(options), ensure_ascii=False)


def update_question(
    project: Project,
    ref: str | int,
    *,
    new_name: str | None = None,
    level: str | None = None,
    options: Sequence[str] | None = None,
    definition: str | None = None,
    archived: bool | None = None,
) -> QuestionInfo:
    """Change a question; what is not given stays. Answers keep pointing at it.

    Refused (:class:`ConflictError`) when a stored answer would not fit the
    new level or options; see :func:`refit_answers`.
    """
    with project.db.write() as session:
        question = question_by_ref(session, ref)
        old = spec_of(question)
        spec = checked_question(
            old.name if new_name is None else new_name,
            old.level if level is None else level,
            old.options if options is None else options,
            old.definition if definition is None else definition,
            old.archived if archived is None else archived,
        )
        _check_free(session, spec.name, question.id)
        refit_answers(session, question.id, spec)
        apply_spec(question, spec)
        session.flush()
        return _info(question, _count_answers(session, question.id))


def apply_spec(question: Question, spec: QuestionSpec) -> None:
    """Give the stored *question* the values of *spec* (its place is left alone)."""
    question.name = spec.name
    question.level = spec.level
    question.options = _options_json(spec.options)
    question.definition = spec.definition
    question.archived = spec.archived


def refit_answers(session: Session, question_id: int, spec: QuestionSpec) -> None:
    """Make the question's stored answers those *spec* accepts, or refuse.

    An answer that *spec* reads as another spelling (an option whose case
    changed, ``3.0`` for ``3``) takes that spelling; an answer *spec* does
    not accept raises :class:`ConflictError` saying how many there are, and
    one of them.
    """
    rows = list(session.scalars(select(Answer).where(Answer.question_id == question_id)))
    misfits: list[str] = []
    for row in rows:
        try:
            value = checked_answer(spec, row.value)
        except InvalidQuestionError:
            misfits.append(row.value)
            continue
        if value != row.value:
            row.value = value
    if misfits:
        shown = ", ".join(f"'{v}'" for v in list(dict.fromkeys(misfits))[:3])
        raise ConflictError(
            f"question '{spec.name}': {len(misfits)} stored answer(s) would not fit "
            f"(e.g. {shown}); change or clear those answers first, or keep the options"
        )


def question_order(project: Project) -> tuple[int, ...]:
    """The question ids in codebook order."""
    with project.db.read() as session:
        return tuple(session.scalars(select(Question.id).order_by(Question.position, Question.id)))


def set_question_order(project: Project, order: Sequence[int]) -> Changes:
    """Put the questions in *order* (ids); those it does not name follow in their order."""
    with project.db.write() as session:
        reorder(session, order)
        return Changes(codebook=True)


def reorder(session: Session, order: Sequence[int]) -> tuple[int, ...]:
    questions = {q.id: q for q in session.scalars(select(Question))}
    named = [i for i in dict.fromkeys(order) if i in questions]
    rest = sorted(
        (q for i, q in questions.items() if i not in set(named)),
        key=lambda q: (q.position, q.id),
    )
    final = [*named, *(q.id for q in rest)]
    for position, ident in enumerate(final):
        questions[ident].position = position
    return tuple(final)


def move_question(project: Project, ref: str | int, position: int) -> Changes:
    """Put the question at *position* (0-based) among the questions."""
    with project.db.write() as session:
        question = question_by_ref(session, ref)
        order = list(session.scalars(select(Question.id).order_by(Question.position, Question.id)))
        order.remove(question.id)
        order.insert(max(0, min(position, len(order))), question.id)
        reorder(session, order)
        return Changes(codebook=True)


def question_use_by_coder(session: Session, question_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Coder.name, func.count())
        .join(Answer, Answer.coder_id == Coder.id)
        .where(Answer.question_id == question_id)
        .group_by(Coder.name)
        .order_by(Coder.name)
    ).all()
    return {name: count for name, count in rows}


def delete_question(
    project: Project, ref: str | int, *, with_answers: bool = False
) -> QuestionRemoval:
    """Delete a question; its answers go too only with ``with_answers=True``.

    A question with answers is otherwise refused with a
    :class:`ConflictError` saying whose answers would go (archive it to keep
    them and hide it from coding).
    """
    with project.db.write() as session:
        question = question_by_ref(session, ref)
        used = question_use_by_coder(session, question.id)
        if used and not with_answers:
            whose = ", ".join(f"{name} {n}" for name, n in used.items())
            raise ConflictError(
                f"question '{question.name}' has {sum(used.values())} answer(s) ({whose}); "
                "archive it to keep them, or delete it together with them (--with-answers)"
            )
        session.execute(delete(Answer).where(Answer.question_id == question.id))
        name = question.name
        session.delete(question)
        return QuestionRemoval(name, used)


# -- codebook files -------------------------------------------------------------


@dataclass
class QuestionImport:
    """What importing a codebook file did to the questions."""

    added: list[str]
    updated: list[str]


def import_question_specs(
    session: Session, path: Path, specs: Sequence[QuestionSpec]
) -> QuestionImport:
    """Merge a codebook file's questions (checked by the reader) into the project.

    Matched by name (any case): a known question takes the file's level,
    options, definition, archived flag and place, a new one is added;
    questions the file does not name are kept, after the file's. A file
    whose question would no longer accept a stored answer is refused with an
    :class:`InputFileError` naming the file (nothing is changed).
    """
    existing = {name_key(q.name): q for q in session.scalars(select(Question))}
    report = QuestionImport([], [])
    for spec in specs:
        question = existing.get(name_key(spec.name))
        if question is None:
            question = store_new_question(session, spec)
            report.added.append(spec.name)
        else:
            try:
                refit_answers(session, question.id, spec)
            except ConflictError as error:
                raise InputFileError(path, str(error)) from None
            apply_spec(question, spec)
            report.updated.append(spec.name)
    session.flush()
    # Every question of the file now has the file's spelling of its name.
    ids = {q.name: q.id for q in session.scalars(select(Question))}
    reorder(session, [ids[spec.name] for spec in specs])
    return report
