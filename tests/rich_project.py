"""A server project holding a row of every kind, made through the services by its team.

The lead imports articles (emoji, flags, a ZWJ family, Fraktur letters outside
the Basic Multilingual Plane, CJK), adds a nominal and an ordinal question,
turns blind coding on and assigns the articles with a reliability sample;
each coder tags passages (memos with line breaks, quotes and emoji), answers
and marks articles done, and one coder deletes an annotation (so the id
sequence is ahead of the highest id left); the lead then adjudicates one
passage and one answer into the consensus coder. Every table of the schema
must end up with rows: :func:`check_every_table_has_rows` fails loudly for
a table this fixture does not fill (a table a new migration added), so that
the transfer tests cannot pass by comparing empty tables.

:func:`dump_tables` reads every table with the drivers themselves, by column
name, in key order, on either backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from raw_db import raw_connection
from server_team import Team

from framing_app.core.records import CodingStatus
from framing_app.services import answers, assignments, coding_status, questions, tagging
from framing_app.services.adjudication import Choice, decide
from framing_app.services.answer_disagreements import decide_answer, list_answer_disagreements
from framing_app.services.article_import import import_articles
from framing_app.services.disagreements import list_disagreements
from framing_app.services.project import Project
from framing_app.services.project_settings import set_blind_coding
from framing_app.store.models import Base

FAMILY = "\N{WOMAN}\N{ZERO WIDTH JOINER}\N{WOMAN}\N{ZERO WIDTH JOINER}\N{GIRL}"
FRAKTUR = "\U0001d509\U0001d52f\U0001d51e\U0001d52a\U0001d526\U0001d52b\U0001d524"  # 𝔉𝔯𝔞𝔪𝔦𝔫𝔤
TEXTS = {
    "talks": (
        "China 🇨🇳 rejects any interference in its internal affairs.\n\n"
        f"The U.S. 🌏 insists on universal rights; {FRAKTUR} was the headline.\n\n"
        "Both sides met in Geneva to discuss double standards."
    ),
    "beijing": (
        f"北京 says the report {FAMILY} ignores progress.\n\n"
        "Critics call for peaceful reform and universal rights."
    ),
    "geneva": "Delegates in Geneva spoke of sovereignty 😀 and of non-interference.",
    "summit": "A summit later this year may take up the question of human rights again.",
}
SOV, DOUBLE, RIGHTS = "sovereignty", "double standards", "universal rights"
MEMOS = ('quoted "inside", a comma,\nnew line', "🌏 globe\tand a tab", "")


def span(article: str, passage: str) -> tuple[int, int]:
    """Code-point offsets of *passage* in the article (Python's str counts code points)."""
    start = TEXTS[article].index(passage)
    return start, start + len(passage)


def tag(
    project: Project, coder: str, article: str, label: str, passage: str, memo: str = ""
) -> int:
    start, end = span(article, passage)
    info = tagging.annotate(
        project, coder=coder, article=article, label=label, start=start, end=end, memo=memo
    )
    return info.id


def build_rich_project(team: Team, folder: Path) -> None:
    """Fill *team*'s empty server project (see the module docstring), as its people would."""
    lead, (ann, bob) = team.lead, team.coders
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in TEXTS.items():
        (folder / f"{name}.txt").write_bytes(body.encode("utf-8"))
    with Project.open(url=team.url(lead)) as project:
        import_articles(project, sorted(folder.glob("*.txt")))
        questions.add_question(project, "frame", level="nominal", options=("sov", "rights"))
        questions.add_question(
            project, "tone", level="ordinal", options=("negative", "neutral", "positive")
        )
        set_blind_coding(project, True)
        assignments.assign(project, [ann, bob], overlap=3, seed=11)
    with Project.open(url=team.url(ann)) as project:
        tag(project, ann, "talks", SOV, "rejects any interference", MEMOS[0])
        tag(project, ann, "talks", RIGHTS, f"🌏 insists on universal rights; {FRAKTUR}", MEMOS[1])
        tag(project, ann, "beijing", RIGHTS, "universal rights")
        tag(project, ann, "geneva", SOV, "sovereignty 😀")
        answer(project, ann, "talks", "tone", "negative")
        answer(project, ann, "talks", "frame", "sov")
        answer(project, ann, "beijing", "tone", "neutral")
        coding_status.set_status(project, ann, CodingStatus.DONE, ["talks", "beijing"])
    with Project.open(url=team.url(bob)) as project:
        tag(project, bob, "talks", SOV, "interference in its internal affairs")
        tag(project, bob, "talks", DOUBLE, "double standards", MEMOS[1])
        tag(project, bob, "beijing", RIGHTS, "universal rights", "agreed")
        answer(project, bob, "talks", "tone", "neutral")
        answer(project, bob, "talks", "frame", "sov")
        answer(project, bob, "beijing", "tone", "neutral")
        coding_status.set_status(project, bob, CodingStatus.DONE, ["talks", "beijing"])
        coding_status.set_status(project, bob, CodingStatus.IN_PROGRESS, ["geneva"])
    with Project.open(url=team.url(lead)) as project:
        items = list_disagreements(project, [ann, bob], "span").items
        decide(project, next(i for i in items if i.label == SOV), Choice.accept(ann))
        decide(project, next(i for i in items if i.label == DOUBLE), Choice.none())
        (tone,) = list_answer_disagreements(project, [ann, bob], questions=["tone"])
        decide_answer(project, tone, coder=bob)
    # Deleted last: each id sequence ends ahead of the highest id left.
    with Project.open(url=team.url(bob)) as project:
        mistake = tag(project, bob, "beijing", DOUBLE, f"report {FAMILY} ignores")
        tagging.delete_annotation(project, mistake)
        answer(project, bob, "geneva", "frame", "rights")
        answers.clear_answer(project, coder=bob, article="geneva", question="frame")
    check_every_table_has_rows(team.url())


def answer(project: Project, coder: str, article: str, question: str, value: str) -> None:
    answers.set_answer(project, coder=coder, article=article, question=question, value=value)


def database_tables(url: str) -> set[str]:
    """The tables the database itself holds (not the models'), the version stamp aside."""
    with raw_connection(url) as conn:
        if conn.sqlite:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = (
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        return {str(row[0]) for row in conn.execute(sql).fetchall()} - {"alembic_version"}


def check_every_table_has_rows(url: str) -> None:
    empty = [table for table, rows in dump_tables(url).items() if not rows]
    assert not empty, (
        f"the rich project has no rows in {empty}: give it rows of every table, "
        "or the transfer tests compare nothing there"
    )


Dump = dict[str, list[tuple[tuple[str, Any], ...]]]


def dump_tables(url: str) -> Dump:
    """Every row of every table of the database at *url*, by column name, in key order.

    Columns are named (their order may differ between a SQLite file whose
    tables a migration rebuilt and a server whose tables it altered);
    booleans are read as 0/1 on both backends.
    """
    keys = {
        table.name: [c.name for c in table.primary_key.columns]
        for table in Base.metadata.sorted_tables
    }
    found: Dump = {}
    with raw_connection(url) as conn:
        for table in sorted(database_tables(url)):
            order = ", ".join(f'"{name}"' for name in keys.get(table, ["1"]))
            cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}')
            names = [d[0] for d in cursor.description]
            found[table] = [
                tuple(sorted((name, _plain(value)) for name, value in zip(names, row, strict=True)))
                for row in cursor.fetchall()
            ]
    return found


def _plain(value: object) -> object:
    return int(value) if isinstance(value, bool) else value


def high_waters(url: str) -> dict[str, int]:
    """Per table with a drawn id: the highest id the database would never hand out again."""
    marks: dict[str, int] = {}
    with raw_connection(url) as conn:
        for table in Base.metadata.sorted_tables:
            if table.autoincrement_column is None:
                continue
            highest = conn.execute(f'SELECT max(id) FROM "{table.name}"').fetchone()[0] or 0
            if conn.sqlite:
                row = conn.execute(
                    "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)
                ).fetchone()
                kept = row[0] if row else 0
            else:
                kept = conn.execute(
                    "SELECT coalesce(pg_sequence_last_value("
                    "pg_get_serial_sequence(?, 'id')::regclass), 0)",
                    (table.name,),
                ).fetchone()[0]
            marks[table.name] = max(int(highest), int(kept))
    return marks
