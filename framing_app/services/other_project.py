"""Reading another project file for a merge, without ever writing to it.

A coder's project arrives on a USB stick or in a shared folder; merging it
must leave that file exactly as it was, byte for byte, with no ``-wal`` or
``-shm`` beside it afterwards, whatever its schema:

* it is opened through SQLite's URI interface with ``mode=ro``, so SQLite
  itself refuses every write. A file with no write-ahead log beside it (a
  project that was closed cleanly) is opened ``immutable=1`` too: a plain
  ``mode=ro`` open of a WAL-mode database creates ``-wal`` and ``-shm``
  files and leaves them behind (measured with SQLite 3.40). A file whose
  ``-wal`` exists (open in framing-app elsewhere, or not closed cleanly) is
  read with locking, so that the transactions in its log are seen; its side
  files already exist. An immutable read is checked afterwards: if the file
  changed meanwhile, the merge is refused and can be tried again.
* it is never migrated: a project at this version's schema is read as it
  is; an older one is copied (SQLite's backup API, from the read-only
  connection) into a temporary folder, the copy upgraded with the shipped
  migrations and read, and the copy deleted; a newer one is refused, since
  this version cannot know what its data mean.

Everything but the article texts is read into plain records at once; texts
are read on demand (:meth:`OtherProject.texts`), only for the articles the
merge brings in.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, exc, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from framing_app.core.errors import FramingError, SchemaError
from framing_app.store.engine import create_project_engine, sqlite_url
from framing_app.store.migrate import MIGRATIONS_DIR, head_revision, migrate
from framing_app.store.models import (
    AdjudicationDecision,
    Annotation,
    Answer,
    Article,
    Assignment,
    Coder,
    CodingStatusRow,
    Label,
    Question,
)

__all__ = [
    "OtherAnnotation",
    "OtherAnswer",
    "OtherArticle",
    "OtherAssignment",
    "OtherCoder",
    "OtherDecision",
    "OtherLabel",
    "OtherProject",
    "OtherQuestion",
    "OtherStatus",
    "check_other_project",
    "connect_read_only",
    "read_other_project",
    "same_file",
    "upgraded_copy",
]

_SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every framing-app project has had since the first schema.
_CORE_TABLES = frozenset({"article", "coder", "label", "annotation", "coding_status"})
_CHUNK = 500
T = TypeVar("T")


class OtherCoder(NamedTuple):
    id: int
    name: str
    consensus: bool
    created_at: datetime


class OtherLabel(NamedTuple):
    id: int
    name: str
    definition: str
    color: str
    shortcut: str | None
    position: int
    archived: bool
    created_at: datetime


class OtherQuestion(NamedTuple):
    id: int
    name: str
    level: str
    options: str  # the JSON array as stored
    definition: str
    position: int
    archived: bool
    created_at: datetime


class OtherArticle(NamedTuple):
    id: int
    external_id: str
    title: str
    source: str | None
    published: str | None
    url: str | None
    sha256: str
    char_count: int
    origin: str


class OtherAnnotation(NamedTuple):
    id: int
    article_id: int
    coder_id: int
    label_id: int
    start: int
    end: int
    memo: str
    created_at: datetime
    updated_at: datetime


class OtherAnswer(NamedTuple):
    id: int
    article_id: int
    coder_id: int
    question_id: int
    value: str
    created_at: datetime
    updated_at: datetime


class OtherStatus(NamedTuple):
    coder_id: int
    article_id: int
    status: str
    updated_at: datetime


class OtherAssignment(NamedTuple):
    article_id: int
    coder_id: int
    in_sample: bool
    assigned_at: datetime


class OtherDecision(NamedTuple):
    """A consensus coder's adjudication decision (migration 0007)."""

    id: int
    coder_id: int
    article_id: int
    label_id: int | None
    question_id: int | None
    unit: str
    start: int
    end: int
    decision: str
    decided_at: datetime


@dataclass
class OtherProject:
    """Another project's rows, read-only; the article texts come from :meth:`texts`.

    *upgraded_from* is the file's own schema revision when it was older than
    this version's and was read through a temporary upgraded copy.
    """

    path: Path
    revision: str
    upgraded_from: str | None
    coders: list[OtherCoder] = field(default_factory=list)
    labels: list[OtherLabel] = field(default_factory=list)
    questions: list[OtherQuestion] = field(default_factory=list)
    articles: list[OtherArticle] = field(default_factory=list)
    annotations: list[OtherAnnotation] = field(default_factory=list)
    answers: list[OtherAnswer] = field(default_factory=list)
    statuses: list[OtherStatus] = field(default_factory=list)
    assignments: list[OtherAssignment] = field(default_factory=list)
    decisions: list[OtherDecision] = field(default_factory=list)
    _engine: Engine | None = None
    # (mtime, size) of a file read immutable=1, whose changes SQLite would not notice.
    _seen: tuple[int, int] | None = None

    def check_unchanged(self) -> None:
        """Refuse to go on if the file changed since it was opened without locking.

        Call it after the last read, before committing what was read.
        """
        if self._seen is not None and _stamp(self.path) != self._seen:
            raise FramingError(
                f"{self.path}: the file changed while it was being read (is it open in "
                "framing-app elsewhere?); nothing was changed: close it there, then merge again"
            )

    def texts(self, article_ids: Iterable[int]) -> dict[int, str]:
        """The texts of the other project's articles *article_ids*, by id."""
        if self._engine is None:
            raise RuntimeError("the other project is closed")
        wanted = sorted(set(article_ids))
        found: dict[int, str] = {}
        with _read_errors(self.path), Session(self._engine) as session:
            for begin in range(0, len(wanted), _CHUNK):
                chunk = wanted[begin : begin + _CHUNK]
                found.update(
                    (ident, text)
                    for ident, text in session.execute(
                        select(Article.id, Article.text).where(Article.id.in_(chunk))
                    )
                )
        return found


def same_file(path: Path, this: Path | None) -> bool:
    """Whether *path* is the file *this* (also by another path, a symlink or a hard link)."""
    if this is None:
        return False
    try:
        return os.path.samefile(path, this)
    except OSError:
        return False


def check_other_project(path: Path, this: Path | None = None) -> str:
    """Refuse *path* unless it is a framing-app project this version can merge; its revision.

    Cheap checks first, each a one-line :class:`FramingError` naming *path*:
    no such file, a folder, the project *this* itself (any path to the same
    file), not a SQLite database (a CSV, an empty file), a SQLite database
    that is not a framing-app project, a project written by a newer
    framing-app. Nothing is written, and no side file is created.
    """
    path = Path(path)
    _check_file(path, this)
    connection = connect_read_only(path)
    try:
        return _revision(connection, path)
    finally:
        connection.close()


@contextlib.contextmanager
def read_other_project(path: Path, this: Path | None = None) -> Iterator[OtherProject]:
    """The project file *path*, read-only, for the block (see the module's docstring).

    Raises what :func:`check_other_project` raises, and a one-line
    :class:`FramingError` naming *path* when it cannot be read (damaged,
    locked) or when an older schema cannot be upgraded in a temporary copy
    (the temporary folder is full, say). The file itself is never written.
    """
    path = Path(path)
    _check_file(path, this)
    with contextlib.ExitStack() as stack:
        immutable = _immutable(path)
        before = _stamp(path)
        connection = connect_read_only(path)
        stack.callback(connection.close)
        revision = _revision(connection, path)
        upgraded_from = None
        if revision == head_revision():
            engine = _engine_over(connection)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="framing-app-")))
            engine = upgraded_copy(connection, path, folder / "other.sqlite")
            connection.close()
            upgraded_from = revision
            revision = head_revision()
        stack.callback(engine.dispose)
        other = OtherProject(path, revision, upgraded_from, _engine=engine)
        if immutable:
            other._seen = before
        _load(engine, other)
        try:
            yield other
        finally:
            other._engine = None


def _check_file(path: Path, this: Path | None) -> None:
    if path.is_dir():
        raise FramingError(f"{path}: is a folder, not a project file")
    if not path.exists():
        raise FramingError(f"{path}: no such file")
    if same_file(path, this):
        raise FramingError(f"{path}: is this project itself; merge another coder's project into it")
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise FramingError(f"{path}: cannot read it ({error.strerror})") from None
    if header != _SQLITE_HEADER:
        hint = ""
        if path.suffix.lower() in (".csv", ".tsv"):
            hint = " (a table: import-annotations merges an annotation CSV)"
        elif not header:
            hint = " (an empty file)"
        raise FramingError(f"{path}: not a framing-app project{hint}")


def _immutable(path: Path) -> bool:
    """Whether *path* may be read ``immutable=1``: nothing in a log or journal beside it.

    A ``-wal`` may hold committed transactions that the file itself lacks, and
    a ``-journal`` may be hot; both need SQLite's locking read.
    """
    real = path.resolve()  # SQLite keeps the side files beside the file a symlink names
    return not any(real.with_name(real.name + side).exists() for side in ("-wal", "-journal"))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to *path* (see :func:`_immutable`) that SQLite cannot create.

    Raises a one-line :class:`FramingError` naming *path* when it cannot be opened.
    """
    uri = f"{path.absolute().as_uri()}?mode=ro"
    if _immutable(path):
        uri += "&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        connection.isolation_level = None  # transactions are begun explicitly
        connection.execute("PRAGMA query_only=ON")
    except sqlite3.Error as error:
        raise FramingError(f"{path}: cannot read it ({_reason(error)})") from None
    return connection


def _revision(connection: sqlite3.Connection, path: Path) -> str:
    """The framing-app schema revision of the open file, after refusing a foreign or newer one."""
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        stamped = (
            connection.execute("SELECT version_num FROM alembic_version").fetchall()
            if "alembic_version" in tables
            else []
        )
    except sqlite3.DatabaseError as error:
        reason = _reason(error)
        if "not a database" in reason:
            raise FramingError(f"{path}: not a framing-app project") from None
        raise FramingError(f"{path}: cannot read it ({reason})") from None
    if len(stamped) != 1 or not tables >= _CORE_TABLES:
        what = "an empty database" if not tables else "a SQLite database of another program"
        raise FramingError(f"{path}: not a framing-app project ({what})")
    revision = str(stamped[0][0])
    head = head_revision()
    if revision != head:
        try:
            ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(revision)
        except CommandError:
            raise SchemaError(
                f"{path}: was written by a newer version of framing-app (schema {revision}; "
                f"this version knows up to {head}); upgrade framing-app to merge it"
            ) from None
    return revision


def _engine_over(connection: sqlite3.Connection) -> Engine:
    """An engine whose one connection is *connection*; each session reads one snapshot.

    The driver's own transaction handling is off (:func:`_connect`) and a
    session's first query begins a read transaction, so that a file being
    written elsewhere is read as of one moment, not table by table.
    """
    engine = create_engine("sqlite+pysqlite://", creator=lambda: connection, poolclass=StaticPool)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def upgraded_copy(connection: sqlite3.Connection, path: Path, copy: Path) -> Engine:
    """An engine on *copy*: the open database *connection* (of *path*) copied, then upgraded
    to the head with the shipped migrations; *path* itself is never written.

    Raises a one-line :class:`FramingError` naming *path* when the copy cannot be
    made or upgraded.
    """
    try:
        target = sqlite3.connect(copy)
        try:
            connection.backup(target)
        finally:
            target.close()
    except sqlite3.Error as error:
        raise FramingError(
            f"{path}: cannot make the temporary copy its older schema is upgraded in, in "
            f"{copy.parent.parent} ({_reason(error)}); nothing was changed"
        ) from None
    engine = create_project_engine(sqlite_url(copy))
    try:
        migrate(engine)
    except (FramingError, exc.SQLAlchemyError) as error:
        engine.dispose()
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise FramingError(
            f"{path}: cannot upgrade a temporary copy of its older schema ({reason}); "
            "nothing was changed"
        ) from None
    return engine


def _load(engine: Engine, other: OtherProject) -> None:
    """Read every row but the texts, in one snapshot, into *other*'s lists."""

    def rows(kind: Callable[..., T], *columns: Any, order_by: tuple[Any, ...]) -> list[T]:
        return [kind(*row) for row in session.execute(select(*columns).order_by(*order_by))]

    with _read_errors(other.path), Session(engine) as session:
        other.coders = rows(
            OtherCoder,
            *(Coder.id, Coder.name, Coder.consensus, Coder.created_at),
            order_by=(Coder.id,),
        )
        other.labels = rows(
            OtherLabel,
            *(Label.id, Label.name, Label.definition, Label.color, Label.shortcut),
            *(Label.position, Label.archived, Label.created_at),
            order_by=(Label.position, Label.id),
        )
        other.questions = rows(
            OtherQuestion,
            *(Question.id, Question.name, Question.level, Question.options),
            *(Question.definition, Question.position, Question.archived, Question.created_at),
            order_by=(Question.position, Question.id),
        )
        other.articles = rows(
            OtherArticle,
            *(Article.id, Article.external_id, Article.title, Article.source),
            *(Article.published, Article.url, Article.sha256, Article.char_count),
            Article.origin,
            order_by=(Article.id,),
        )
        other.annotations = rows(
            OtherAnnotation,
            *(Annotation.id, Annotation.article_id, Annotation.coder_id, Annotation.label_id),
            *(Annotation.start, Annotation.end, Annotation.memo),
            *(Annotation.created_at, Annotation.updated_at),
            order_by=(Annotation.id,),
        )
        other.answers = rows(
            OtherAnswer,
            *(Answer.id, Answer.article_id, Answer.coder_id, Answer.question_id),
            *(Answer.value, Answer.created_at, Answer.updated_at),
            order_by=(Answer.id,),
        )
        other.statuses = rows(
            OtherStatus,
            *(CodingStatusRow.coder_id, CodingStatusRow.article_id),
            *(CodingStatusRow.status, CodingStatusRow.updated_at),
            order_by=(CodingStatusRow.coder_id, CodingStatusRow.article_id),
        )
        other.assignments = rows(
            OtherAssignment,
            *(Assignment.article_id, Assignment.coder_id),
            *(Assignment.in_sample, Assignment.assigned_at),
            order_by=(Assignment.article_id, Assignment.coder_id),
        )
        other.decisions = rows(
            OtherDecision,
            *(AdjudicationDecision.id, AdjudicationDecision.coder_id),
            *(AdjudicationDecision.article_id, AdjudicationDecision.label_id),
            *(AdjudicationDecision.question_id, AdjudicationDecision.unit),
            *(AdjudicationDecision.start, AdjudicationDecision.end),
            *(AdjudicationDecision.decision, AdjudicationDecision.decided_at),
            order_by=(AdjudicationDecision.id,),
        )


@contextlib.contextmanager
def _read_errors(path: Path) -> Iterator[None]:
    """A database error while reading the other file as one line naming it."""
    try:
        yield
    except (exc.SQLAlchemyError, sqlite3.Error, ValueError) as error:
        original = getattr(error, "orig", None) or error
        raise FramingError(
            f"{path}: cannot read it as a framing-app project ({_reason(original)})"
        ) from None


def _reason(error: BaseException) -> str:
    text = str(error)
    return text.splitlines()[0] if text else type(error).__name__
