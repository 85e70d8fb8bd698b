"""The project schema as SQLAlchemy 2 typed ORM classes.

Rules that protect the data live in the schema too (unique names, offset
checks, foreign keys with deliberate ``ON DELETE``), not only in Python, so a
second program writing to the same database cannot break them either.
Column names avoid SQL keywords (``start_offset`` rather than ``start``) so the
same schema works unquoted on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from framing_app.core.timestamps import iso_utc

# Deterministic constraint names: Alembic's batch mode on SQLite needs them to
# alter a table, and PostgreSQL error messages name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUS_VALUES = ("not-started", "in-progress", "done")
# Levels of measurement of an article-level question (Krippendorff 2011).
QUESTION_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp, stored as ISO 8601 text ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    Text rather than the backends' own time types: it reads the same in any
    SQLite browser and in PostgreSQL, sorts chronologically as text (fixed
    width, always UTC), and converts in C (``isoformat``/``fromisoformat``)
    instead of SQLAlchemy's per-value string formatting, which dominated bulk
    imports and exports of annotations.
    """

    impl = String(27)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return iso_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Article(Base):
    """An imported article. ``text`` never changes: annotations point into it."""

    __tablename__ = "article"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(512), unique=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(512))
    published: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Length in code points, kept so that lists and range checks need not
    # load the text.
    char_count: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("char_count > 0", name="not_empty"),
        # The article list sorts by title (case-insensitively) and by date,
        # ties by id (migration 0002).
        Index("ix_article_title_key", func.lower(title), "id"),
        Index("ix_article_published", "published", "id"),
    )


class Coder(Base):
    __tablename__ = "coder"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The consensus coder holds adjudicated decisions (the gold standard); it
    # is never one of the coders whose agreement is measured (migration 0006).
    consensus: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    __table_args__ = (CheckConstraint("name <> ''", name="name_not_empty"),)


class Label(Base):
    """A codebook entry."""

    __tablename__ = "label"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    definition: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(7), default="#999999")
    shortcut: Mapped[str | None] = mapped_column(String(32), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        # Undo steps hold label ids: an id must never come to mean another
        # label (migration 0005; PostgreSQL's sequences never reuse ids).
        {"sqlite_autoincrement": True},
    )


class Annotation(Base):
    """A passage ``article.text[start:end]`` tagged by one coder with one label."""

    __tablename__ = "annotation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Annotations cannot outlive the text they point into; coders and labels
    # are never deleted behind the user's back (the services ask first).
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="RESTRICT"))
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="RESTRICT"))
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Raised by every change of the row; an UPDATE or DELETE that finds
    # another version changes nothing and fails (migration 0008).
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    article: Mapped[Article] = relationship(lazy="raise")
    coder: Mapped[Coder] = relationship(lazy="raise")
    label: Mapped[Label] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    __table_args__ = (
        CheckConstraint("start_offset >= 0", name="start_not_negative"),
        CheckConstraint("start_offset < end_offset", name="span_not_empty"),
        # One coder tagging the same span twice with the same label means nothing.
        UniqueConstraint(
            "article_id",
            "coder_id",
            "label_id",
            "start_offset",
            "end_offset",
            name="uq_annotation_span",
        ),
        Index("ix_annotation_article_coder", "article_id", "coder_id"),
        Index("ix_annotation_label", "label_id"),
        Index("ix_annotation_coder", "coder_id"),
        # An annotation id never names another annotation later (ids are
        # written into exported CSVs and memos): SQLite's AUTOINCREMENT keeps
        # the highest id ever used, instead of reusing the rowid of the newest
        # annotation once it is deleted (migration 0003). PostgreSQL's
        # sequences never reuse ids anyway.
        {"sqlite_autoincrement": True},
    )


class CodingStatusRow(Base):
    """A coder's status on an article; no row means "not started"."""

    __tablename__ = "coding_status"

    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coder.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("status IN ('not-started', 'in-progress', 'done')", name="known_status"),
        Index("ix_coding_status_article", "article_id"),
    )


class ProjectSetting(Base):
    """One project setting that has been set; a setting without a row has its default.

    ``value`` is text that only :mod:`framing_app.services.project_settings`
    writes and reads back, through one typed accessor per setting (migration 0004).
    """

    __tablename__ = "project_setting"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

    __table_args__ = (CheckConstraint("name <> ''", name="name_not_empty"),)


class Question(Base):
    """An article-level question of the codebook (primary frame, tone, relevance, a count).

    ``options`` is a JSON array of the answers in their order (the order is
    the scale of an ordinal question); an interval or ratio question without
    options takes any number. Only :mod:`framing_app.services.questions`
    writes it (migration 0006).
    """

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(16), default="nominal")
    options: Mapped[str] = mapped_column(Text, default="[]")
    definition: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("level IN ('nominal', 'ordinal', 'interval', 'ratio')", name="known_level"),
        {"sqlite_autoincrement": True},
    )


class Answer(Base):
    """One coder's answer to one question about one article (at most one)."""

    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="RESTRICT"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"))
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("value <> ''", name="value_not_empty"),
        UniqueConstraint("article_id", "coder_id", "question_id", name="uq_answer_one"),
        Index("ix_answer_question", "question_id"),
        Index("ix_answer_coder", "coder_id"),
        # Undo steps hold answer ids, as they hold annotation ids.
        {"sqlite_autoincrement": True},
    )


class Assignment(Base):
    """An article a lead gave a coder to code; ``in_sample`` marks the reliability sample.

    The reliability (overlap) sample is the set of articles assigned to every
    coder of a draw with ``in_sample`` set; the rest are split between them
    (:mod:`framing_app.services.assignments`, migration 0006).
    """

    __tablename__ = "assignment"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coder.id", ondelete="CASCADE"), primary_key=True
    )
    in_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (Index("ix_assignment_coder", "coder_id"),)


class AdjudicationDecision(Base):
    """One decision of a consensus coder on one disagreement (migration 0007).

    A label decision names its unit (``unit``, ``start``-``end``: code
    points, end exclusive); a question decision is about the whole article
    (unit ``article``) and there is at most one per article and question.
    The consensus coder's passages and answers are what it decided; this row
    says *that* it decided, so that an "absent" or "no answer" decision,
    which leaves nothing behind, counts as resolved at once.
    """

    __tablename__ = "adjudication_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    label_id: Mapped[int | None] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    unit: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    decision: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("(label_id IS NULL) <> (question_id IS NULL)", name="label_or_question"),
        CheckConstraint("start_offset >= 0", name="start_not_negative"),
        CheckConstraint("start_offset < end_offset", name="span_not_empty"),
        CheckConstraint("unit IN ('article', 'paragraph', 'sentence', 'span')", name="known_unit"),
        # What the decision took (services/adjudication.py): a coder's passages
        # or answer, every coder's passages, a new passage or answer, nothing.
        CheckConstraint("decision IN ('coder', 'both', 'new', 'none')", name="known_decision"),
        # NULLs are distinct in a unique constraint (SQLite and PostgreSQL
        # alike), so each of these binds only the rows of its own kind.
        UniqueConstraint(
            "coder_id",
            "article_id",
            "label_id",
            "unit",
            "start_offset",
            "end_offset",
            name="uq_adjudication_decision_label_unit",
        ),
        UniqueConstraint(
            "coder_id", "article_id", "question_id", name="uq_adjudication_decision_question"
        ),
        Index("ix_adjudication_decision_article", "article_id"),
        # Undo steps hold decision ids, as they hold annotation ids.
        {"sqlite_autoincrement": True},
    )


class SchemaChange(Base):
    """One schema creation or upgrade: revisions, who, which program, when (migration 0008)."""

    __tablename__ = "schema_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_revision: Mapped[str | None] = mapped_column(String(32))
    to_revision: Mapped[str] = mapped_column(String(32))
    changed_by: Mapped[str] = mapped_column(String(200))
    program: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


def table_of(model: type[Base]) -> Table:
    """The Core table behind an ORM class, for bulk ``executemany`` inserts.

    Bulk paths (imports of thousands of rows) insert through the table to
    skip the ORM's per-row bookkeeping; their dicts use column names
    (``start_offset``), not attribute names.
    """
    table = model.__table__
    assert isinstance(table, Table)
    return table
