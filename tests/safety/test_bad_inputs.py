"""Bad, broken and hostile inputs: each refused in one line, the project unchanged row for row.

One table, one test. Each row gives the real ``framing-app`` command one bad
input (a file, an argument, a project, a fault of the disk) on a copy of a
coded project and expects what the CLI documents for a command it cannot carry
out: exit status 1, exactly one line on stderr, ``framing-app: error: ...``,
naming the file or argument and the problem, no traceback, nothing on stdout.
Then every table of the project is compared row for row with its state before
the command, and every other file in the test's folder byte for byte (none
may appear, vanish or change: the command wrote nothing anywhere).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest
from cli_harness import (
    ERROR_PREFIX,
    NPR,
    Cli,
    cli_env,
    copy_database,
    describe,
    run_framing_app,
)
from disk_faults import fill_disk, read_only_folder, small_tmpfs
from project_state import folder_digests, rows_difference, table_rows, with_sidecars
from safety_summary import SafetyFigures

Arg = str | bytes | Path


@dataclass
class Workspace:
    """One test's folder: the coded project ``p.sqlite`` and the inputs a row makes beside it."""

    root: Path
    export: list[list[str]]  # the coded project's annotation export: header, then records

    @property
    def project(self) -> Path:
        return self.root / "p.sqlite"

    def file(self, name: str, content: bytes | str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def annotation_csv(self, name: str, **cells: str) -> Path:
        """The coded project's export with *cells* (column -> value) changed in its first row."""
        header, *records = (list(record) for record in self.export)
        for column, value in cells.items():
            records[0][header.index(column)] = value
        return self.file(name, csv_text([header, *records]))

    def codebook(self, name: str, labels: list[dict[str, object]]) -> Path:
        document = {"format": "framing-app codebook", "version": 1, "labels": labels}
        return self.file(name, json.dumps(document, indent=2))


@dataclass
class Invocation:
    """The command a row runs, and what else than ``p.sqlite`` must stay as it was."""

    args: list[Arg]
    project: Path | None = None  # given as --project; the workspace's p.sqlite by default
    watched: list[Path] = field(default_factory=list)  # other databases compared row for row
    # A fault in force only while the command runs (the checks must read the files).
    during: Callable[[], AbstractContextManager[object]] | None = None


@dataclass(frozen=True)
class BadInput:
    id: str
    build: Callable[[Workspace, ExitStack], Invocation]
    names: str  # the file (or argument) the error line must name
    problem: tuple[str, ...]  # the error line says one of these (in any case)


def csv_text(records: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(records)
    return out.getvalue()


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- the rows

TAG = ["annotate", "--coder", "alice", "--article", NPR, "--label", "sovereignty"]
SMALL_ARTICLE = "A small article\n\nWith a body of its own.\n"
LONG_NAME = "x" * 100_000
# Valid in GBK, Big5, Shift_JIS, EUC-JP, EUC-KR, Windows-1252 and KOI8-R alike:
# two bytes are no evidence of any of them.
AMBIGUOUS_CJK = b"\xb0\xa1\n"
OVER_THE_SIZE_LIMIT = 21 * 1024 * 1024  # the documented limit is 20 MiB of text
ROWS: list[BadInput] = []


def row(id_: str, names: str, *problem: str) -> Callable[[Callable[..., Invocation]], None]:
    """Add the decorated builder to the table under *id_*."""

    def add(build: Callable[..., Invocation]) -> None:
        ROWS.append(BadInput(id_, build, names, problem))

    return add


# Outputs that must never be written over (defect 1).


@row("export-out-is-the-project", "p.sqlite", "project", "database")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["export", "annotations", "--out", ws.project])


@row("export-out-is-the-project-wal", "p.sqlite-wal", "project", "database")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["export", "annotations", "--out", f"{ws.project}-wal"])


@row("export-out-is-the-project-shm", "p.sqlite-shm", "project", "database")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["export", "annotations", "--out", f"{ws.project}-shm"])


@row("export-out-is-another-database", "other.sqlite", "database", "sqlite")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    other = ws.root / "other.sqlite"
    copy_database(ws.project, other)
    return Invocation(["export", "annotations", "--out", other], watched=[other])


@row("export-out-is-a-backup", "p.backup-20240101T000000Z.sqlite", "database", "backup")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    backup = ws.root / "p.backup-20240101T000000Z.sqlite"
    copy_database(ws.project, backup)
    return Invocation(["export", "annotations", "--excel", "--out", backup], watched=[backup])


@row("codebook-export-onto-the-project", "p.sqlite", "project", "database")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["codebook", "export", ws.project])


@row("codebook-export-onto-another-database", "other.sqlite", "database", "sqlite")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    other = ws.root / "other.sqlite"
    copy_database(ws.project, other)
    return Invocation(["codebook", "export", other], watched=[other])


# Article files (defects 6, 7, 9, 10, and the ones that always passed).


@row("gbk-too-short-to-tell", "gbk-short.txt", "--encoding")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import", ws.file("gbk-short.txt", AMBIGUOUS_CJK)])


@row("annotation-export-in-an-import-folder", "coded.csv", "import-annotations")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    ws.file("incoming/story.txt", SMALL_ARTICLE)
    ws.file("incoming/coded.csv", csv_text(ws.export))
    return Invocation(["import", ws.root / "incoming"])


@row("article-over-the-size-limit", "huge.txt", "MB", "MiB", "limit")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    words = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n"
    content = words * (OVER_THE_SIZE_LIMIT // len(words) + 1)
    return Invocation(["import", ws.file("huge.txt", content)])


@row("utf16-article-of-nul-characters", "nul.txt", "NUL", "control", "no text", "binary")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    # Refused whether NULs are removed (then nothing is left) or refused outright.
    # (Not NUL first: a UTF-16 LE mark followed by NUL is the UTF-32 LE mark.)
    content = codecs.BOM_UTF16_LE + "\n\x00\x00\n".encode("utf-16-le")
    return Invocation(["import", ws.file("nul.txt", content)])


@row("binary-file", "image.txt", "binary")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    content = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    return Invocation(["import", ws.file("image.txt", content)])


@row("truncated-docx", "truncated.docx", "docx", "word")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    whole = docx_bytes("A Word document cut in half by a failed download.")
    return Invocation(["import", ws.file("truncated.docx", whole[: len(whole) // 2])])


@row("text-renamed-docx", "renamed.docx", "docx", "word")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import", ws.file("renamed.docx", SMALL_ARTICLE)])


@row("empty-article-file", "empty.txt", "no text", "empty")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import", ws.file("empty.txt", b"")])


@row("article-table-without-text-column", "no-text.csv", "text")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    table = csv_text([["id", "title", "date"], ["a1", "A title", "2012-07-01"]])
    return Invocation(["import", ws.file("no-text.csv", table)])


@row("article-table-wrong-column-count", "uneven.csv", "fields", "columns")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    table = "id,title,text\r\na1,One,First text.\r\na2,Two,Second text,stray\r\n"
    return Invocation(["import", ws.file("uneven.csv", table)])


@row("unsupported-file-type", "report.pdf", "unsupported")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import", ws.file("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")])


@row("missing-file", "missing.txt", "no such", "not found", "does not exist")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import", ws.root / "missing.txt"])


@row("symlink-loop", "loop", "loop", "link", "no such")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    (ws.root / "loop").symlink_to("loop")
    return Invocation(["import", ws.root / "loop"])


@row("unknown-encoding-name", "klingon", "encoding")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import", ws.file("story.txt", SMALL_ARTICLE), "--encoding", "klingon"])


# Annotation CSV files (defect 8, and the ones that always passed).


@row("label-name-with-a-newline", "label-newline.csv", "control", "line", "newline")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    path = ws.annotation_csv("label-newline.csv", label="sovereignty\nclaims")
    return Invocation(["import-annotations", path])


@row("coder-name-with-a-newline", "coder-newline.csv", "control", "line", "newline")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    path = ws.annotation_csv("coder-newline.csv", coder="alice\nbob")
    return Invocation(["import-annotations", path])


@row("label-name-of-100000-characters", "label-long.csv", "200", "long")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import-annotations", ws.annotation_csv("label-long.csv", label=LONG_NAME)])


@row("coder-name-of-100000-characters", "coder-long.csv", "200", "long")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import-annotations", ws.annotation_csv("coder-long.csv", coder=LONG_NAME)])


@row("empty-annotation-csv", "empty.csv", "empty")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import-annotations", ws.file("empty.csv", b"")])


@row("annotation-csv-wrong-header", "header.csv", "missing", "column")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    header, *records = ws.export
    renamed = ["annotator" if name == "coder" else name for name in header]
    return Invocation(["import-annotations", ws.file("header.csv", csv_text([renamed, *records]))])


@row("annotation-csv-wrong-column-count", "short-row.csv", "fields", "columns")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    header, first, *rest = ws.export
    path = ws.file("short-row.csv", csv_text([header, first[:-1], *rest]))
    return Invocation(["import-annotations", path])


@row("offset-not-a-number", "offset-word.csv", "integer", "number")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import-annotations", ws.annotation_csv("offset-word.csv", start="ten")])


@row("negative-offset", "negative.csv", "negative")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["import-annotations", ws.annotation_csv("negative.csv", start="-5")])


@row("offsets-past-the-end", "past-end.csv", "past", "outside", "beyond")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    path = ws.annotation_csv("past-end.csv", start="50000", end="50010")
    return Invocation(["import-annotations", path])


@row("mismatched-passage", "mismatch.csv", "does not match", "differ")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    path = ws.annotation_csv("mismatch.csv", text="Words this article never says.")
    return Invocation(["import-annotations", path])


@row("unknown-article", "unknown.csv", "unknown", "no article")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    path = ws.annotation_csv(
        "unknown.csv", article_external_id="no-such-article", article_sha256="0" * 64
    )
    return Invocation(["import-annotations", path])


# Codebook files (defect 9, and the ones that always passed).


@row("codebook-lone-surrogate", "surrogate.json", "surrogate", "unicode", "invalid", "character")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    # json.dumps writes the lone surrogate as the escape "\ud800", as a hand-edited file would.
    path = ws.codebook("surrogate.json", [{"name": "broken \ud800 label"}])
    assert b"\\ud800" in path.read_bytes()
    return Invocation(["codebook", "import", path])


@row("codebook-label-without-name", "no-name.json", "name")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    path = ws.codebook("no-name.json", [{"definition": "A label somebody forgot to name."}])
    return Invocation(["codebook", "import", path])


@row("codebook-duplicate-names", "twice.json", "already used", "duplicate", "twice")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    path = ws.codebook("twice.json", [{"name": "Economy"}, {"name": "economy"}])
    return Invocation(["codebook", "import", path])


@row("codebook-not-json", "broken.json", "JSON")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(["codebook", "import", ws.file("broken.json", '{"format": "framing-app')])


# Command-line arguments (defect 9, and the ones that always passed).


@row("memo-not-utf8", "memo", "UTF-8", "encoding", "byte", "decode")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation([*TAG, "--start", "0", "--end", "5", "--memo", b"caf\xe9 \xff"])


@row("coder-not-utf8", "coder", "UTF-8", "encoding", "byte", "decode")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    args: list[Arg] = ["annotate", "--coder", b"\xff", "--article", NPR, "--label", "sovereignty"]
    return Invocation([*args, "--start", "0", "--end", "5"])


@row("unknown-label", "propaganda", "no label", "codebook", "unknown")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    args = ["annotate", "--coder", "alice", "--article", NPR, "--label", "propaganda"]
    return Invocation([*args, "--start", "0", "--end", "5"])


@row("span-past-the-end", "99999", "past", "outside", "beyond")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation([*TAG, "--start", "10", "--end", "99999"])


@row("status-of-unknown-article", "no-such-article", "no article", "unknown", "not found")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    return Invocation(
        ["status", "--coder", "alice", "--article", "no-such-article", "--set", "done"]
    )


# Projects that cannot be used.


@row("not-a-database-as-project", "notes.txt", "not a database", "not a framing-app")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    notes = ws.file("notes.txt", "Meeting notes: code the NPR article first.\n")
    return Invocation(["articles"], project=notes)


@row("other-programs-database-as-project", "inventory.sqlite", "not a framing-app")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    other = ws.root / "inventory.sqlite"
    connection = sqlite3.connect(other)
    with connection:
        connection.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO item (name) VALUES ('stapler')")
    connection.close()
    return Invocation(["articles"], project=other, watched=[other])


@row("project-of-a-newer-schema", "p.sqlite", "newer")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    connection = sqlite3.connect(ws.project)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    connection.close()
    return Invocation(["articles"])


@row("folder-as-project", "project-folder", "folder", "directory")
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    folder = ws.root / "project-folder"
    folder.mkdir()
    return Invocation(["articles"], project=folder)


@row(
    "read-only-project",
    "p.sqlite",
    "read-only",
    "read only",
    "readonly",
    "permission",
    "cannot open",
)
def _(ws: Workspace, _stack: ExitStack) -> Invocation:
    folder = ws.root / "read-only"
    folder.mkdir()
    project = folder / "p.sqlite"
    copy_database(ws.project, project)
    return Invocation(
        [*TAG, "--start", "0", "--end", "5"],
        project=project,
        watched=[project],
        during=lambda: read_only_folder(folder),
    )


@row("full-disk", "p.sqlite", "full", "space")
def _(ws: Workspace, stack: ExitStack) -> Invocation:
    disk = stack.enter_context(small_tmpfs(ws.root / "small-disk", 2048))
    project = disk / "p.sqlite"
    copy_database(ws.project, project)
    article = ws.file("long-article.txt", "Long article\n\n" + "Many words here. " * 150_000)

    @contextmanager
    def full() -> Iterator[None]:
        # Room to open the project, not to store the article.
        fill_disk(disk, leave_bytes=256 * 1024)
        try:
            yield
        finally:
            (disk / ".filler").unlink()

    return Invocation(["import", article], project=project, watched=[project], during=full)


BAD_INPUTS = ROWS


# --------------------------------------------------------------------------- the test


@pytest.fixture(scope="module")
def coded_export(tmp_path_factory: pytest.TempPathFactory, coded_template: Path) -> list[list[str]]:
    """The coded project's annotations as ``framing-app export annotations`` writes them."""
    root = tmp_path_factory.mktemp("coded-export")
    out = root / "coded.csv"
    result = run_framing_app(
        ["export", "annotations", "--out", out], env=cli_env(root), cwd=root, project=coded_template
    )
    assert result.returncode == 0, describe(result)
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def run_bytes(ws: Workspace, invocation: Invocation) -> subprocess.CompletedProcess[str]:
    """Run the command with arguments that may be bytes (not UTF-8), as a shell would pass them."""
    argv: list[Arg] = [sys.executable, "-m", "framing_app"]
    argv += ["--project", invocation.project or ws.project, *invocation.args]
    done = subprocess.run(
        [os.fsencode(a) if isinstance(a, Path) else a for a in argv],
        capture_output=True,
        env=cli_env(ws.root),
        cwd=ws.root,
        timeout=120,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", errors="backslashreplace"),
        done.stderr.decode("utf-8", errors="backslashreplace"),
    )


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[case.id for case in BAD_INPUTS])
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    case: BadInput,
    tmp_path: Path,
    coded_template: Path,
    coded_export: list[list[str]],
    safety_figures: SafetyFigures,
) -> None:
    safety_figures.bad_inputs_tried += 1
    ws = Workspace(tmp_path, coded_export)
    copy_database(coded_template, ws.project)
    with ExitStack() as stack:
        invocation = case.build(ws, stack)
        projects = [ws.project, *invocation.watched]
        own_files = set().union(*(with_sidecars(project) for project in projects))
        rows_before = [table_rows(project) for project in projects]
        files_before = folder_digests(ws.root, skip=own_files)
        with invocation.during() if invocation.during is not None else nullcontext():
            result = run_bytes(ws, invocation)
        # The data first: a refusal that damaged the project is the worst outcome.
        for project, before in zip(projects, rows_before, strict=True):
            after = table_rows(project)
            assert after == before, (
                f"{project.name} changed:\n{rows_difference(before, after)}\n{describe(result)}"
            )
        assert folder_digests(ws.root, skip=own_files) == files_before, describe(result)

    assert "Traceback" not in result.stderr + result.stdout, describe(result)
    assert result.returncode == 1, describe(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, describe(result)
    line = lines[0]
    assert line.startswith(ERROR_PREFIX), describe(result)
    assert case.names.casefold() in line.casefold(), f"does not name {case.names!r}: {line}"
    assert any(word.casefold() in line.casefold() for word in case.problem), (
        f"says none of {case.problem}: {line}"
    )
    assert result.stdout == "", describe(result)
    safety_figures.bad_inputs_refused += 1


def test_nul_in_a_utf16_article_is_refused_or_removed(tmp_path: Path, coded_template: Path) -> None:
    """Defect 10 allows two fixes: refuse the file, or remove the NUL on import.

    Either way no NUL reaches the stored text (where it cut exported passages
    short), and a refusal is one line that changes nothing.
    """
    cli = Cli(tmp_path)
    copy_database(coded_template, cli.project)
    text = "Talks resume\n\nOfficials met\x00 in Beijing on Monday.\n"
    article = tmp_path / "talks.txt"
    article.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    before = table_rows(cli.project)
    result = cli("import", article)
    if result.returncode == 0:
        assert cli.article_text("talks") == text.replace("\x00", ""), describe(result)
    else:
        assert result.returncode == 1, describe(result)
        assert len(result.stderr.splitlines()) == 1, describe(result)
        assert "talks.txt" in result.stderr, describe(result)
        assert table_rows(cli.project) == before
