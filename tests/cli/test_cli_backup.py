"""``framing-app backup``, ``backups``, ``restore`` and the backup after a changing command.

Real ``framing-app`` processes on real project files (``cli_harness``); what
they wrote is read back with the standard library's ``sqlite3``.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from cli_harness import GLOBALPOST, LAWYERS, NPR, OPPOSE, Cli, check_error, check_usage_error
from old_projects import dump_rows, integrity
from server_databases import sqlite_only

# Rolling backups, lists and restores are for project files (a server is refused:
# tests/services/test_backups.py); every test here works on the file itself.
pytestmark = sqlite_only


def _backups(cli: Cli) -> list[Path]:
    folder = cli.project.parent / "backups"
    return sorted(folder.glob("p-*.sqlite")) if folder.is_dir() else []


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_writes_a_complete_copy_and_backups_lists_it(coded_cli: Cli) -> None:
    path = Path(coded_cli.ok("backup").stdout.strip())
    assert path.parent == coded_cli.project.parent / "backups"
    assert path.name.startswith("p-")
    assert path.suffix == ".sqlite"
    assert integrity(path) == "ok"
    assert dump_rows(path) == dump_rows(coded_cli.project)

    table, tsv = coded_cli.many(["backups"], ["backups", "--tsv"])
    header, row = table.stdout.splitlines()
    assert header.split() == ["file", "made", "(UTC)", "bytes"]
    assert row.startswith(str(path))
    assert f"{path.stat().st_size:,}" in row
    header, row = tsv.stdout.splitlines()
    assert header == "file\tmade (UTC)\tbytes"
    file, made, size = row.split("\t")
    assert (file, int(size)) == (str(path), path.stat().st_size)
    stamp = datetime.strptime(path.stem.removeprefix("p-"), "%Y%m%dT%H%M%SZ")
    assert made == stamp.strftime("%Y-%m-%d %H:%M:%S")


def test_backups_says_when_there_are_none(coded_cli: Cli) -> None:
    out = coded_cli.ok("backups").stdout
    assert out.splitlines()[-1] == f"No backups yet in {coded_cli.project.parent / 'backups'}."
    assert coded_cli.ok("backups", "--tsv").stdout == "file\tmade (UTC)\tbytes\n"


def test_backup_out_writes_a_new_file_and_never_over_one(coded_cli: Cli) -> None:
    out = coded_cli.root / "for Ana.sqlite"
    assert coded_cli.ok("backup", "--out", out).stdout == f"{out}\n"
    assert dump_rows(out) == dump_rows(coded_cli.project)
    before = _digest(out)
    project = _digest(coded_cli.project)
    again, itself, wal = coded_cli.many(
        ["backup", "--out", out],
        ["backup", "--out", coded_cli.project],
        ["backup", "--out", f"{coded_cli.project}-wal"],
    )
    check_error(again, [str(out), "already exists"])
    check_error(itself, [str(coded_cli.project), "is the project itself"])
    check_error(wal, ["belongs to the project's database"])
    assert _digest(out) == before
    assert _digest(coded_cli.project) == project
    assert not (coded_cli.root / f"{coded_cli.project.name}-wal").exists()
    assert _backups(coded_cli) == [], "--out makes no rolling backup"


def test_the_commands_need_an_existing_project_and_create_nothing(run_cli: Cli) -> None:
    path = run_cli.root / "typo" / "p.sqlite"
    commands = [["backup"], ["backups"], ["restore", run_cli.root / "x.sqlite"]]
    for result in run_cli.many(*commands, project=path):
        check_error(result, [str(path), "no project there"])
    assert not path.parent.exists()


def test_restore_round_trip_and_its_undo(coded_cli: Cli) -> None:
    at_backup = dump_rows(coded_cli.project)
    backup = Path(coded_cli.ok("backup").stdout.strip())
    coded_cli.annotate("carol", NPR, "sovereignty", OPPOSE)
    coded_cli.ok("delete-annotation", "1")
    changed = dump_rows(coded_cli.project)
    assert changed != at_backup

    out = coded_cli.ok("restore", backup).stdout.splitlines()
    assert out[0] == f"Restored {backup} into {coded_cli.project}."
    assert out[1].startswith("The project as it was before is backed up in ")
    before = Path(out[1].removeprefix("The project as it was before is backed up in "))
    assert dump_rows(coded_cli.project) == at_backup
    assert dump_rows(before) == changed
    assert integrity(coded_cli.project) == "ok"
    undo = shlex.split(out[2].strip().removeprefix("(to undo the restore: ").removesuffix(")"))
    assert undo[0] == "framing-app"
    assert undo[-2:] == ["restore", str(before)]

    # The printed command undoes the restore.
    coded_cli.ok(*undo[1:], project=None)
    assert dump_rows(coded_cli.project) == changed


def test_restore_refuses_a_file_that_is_no_backup_and_changes_nothing(coded_cli: Cli) -> None:
    backup = Path(coded_cli.ok("backup").stdout.strip())
    coded_cli.annotate("carol", GLOBALPOST, "universal rights", LAWYERS)
    table = coded_cli.root / "annotations.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    newer = coded_cli.root / "newer.sqlite"
    shutil.copyfile(backup, newer)
    connection = sqlite3.connect(newer)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    rows = dump_rows(coded_cli.project)
    listed = coded_cli.ok("backups", "--tsv").stdout

    csv, future, missing = coded_cli.many(
        ["restore", table], ["restore", newer], ["restore", coded_cli.root / "nothing.sqlite"]
    )
    check_error(csv, [f"{table}: not a framing-app project", "the project is unchanged"])
    check_error(future, [f"{newer}: ", "newer version of framing-app", "9999_future"])
    check_error(missing, ["nothing.sqlite: no such file"])
    assert dump_rows(coded_cli.project) == rows
    assert coded_cli.ok("backups", "--tsv").stdout == listed, "no backup made for nothing"


def test_a_changing_command_backs_up_when_the_newest_backup_is_old(sample_cli: Cli) -> None:
    cli = sample_cli
    # Reading, and a refused change, write no file.
    cli.many(["articles"], ["export", "annotations"], ["labels"], ["backups"])
    cli.fails("annotate", "--coder", "a", "--article", "nope", "--label", "x", "--find", "y")
    assert not (cli.project.parent / "backups").exists()

    cli.annotate("alice", NPR, "sovereignty", OPPOSE)
    (first,) = _backups(cli)
    assert dump_rows(first) == dump_rows(cli.project), "the backup holds the change"
    # Within the interval (10 minutes): no second backup.
    cli.annotate("bob", NPR, "sovereignty", OPPOSE)
    assert _backups(cli) == [first]
    # The newest backup is from long ago: the next change is backed up.
    old = first.with_name("p-20000101T000000Z.sqlite")
    first.rename(old)
    cli.annotate("bob", GLOBALPOST, "universal rights", LAWYERS)
    (new,) = [path for path in _backups(cli) if path != old]
    assert dump_rows(new) == dump_rows(cli.project)


def test_settings_show_and_set_the_backup_interval_and_number_kept(coded_cli: Cli) -> None:
    rows = coded_cli.ok("settings", "--tsv").stdout.splitlines()
    assert [row.split("\t")[:3] for row in rows[3:]] == [
        ["backup-interval", "10", "10"],
        ["backups-kept", "10", "10"],
    ]
    assert coded_cli.ok("settings", "backup-interval").stdout == "10\n"
    out = coded_cli.ok("settings", "backup-interval", "30").stdout
    assert out == "Automatic backups are made every 30 minute(s) of work.\n"
    assert coded_cli.ok("settings", "backup-interval").stdout == "30\n"
    assert coded_cli.ok("settings", "backups-kept", "3").stdout.startswith("The newest 3 ")
    assert coded_cli.ok("settings", "backups-kept").stdout == "3\n"
    zero, word, huge = coded_cli.many(
        ["settings", "backups-kept", "0"],
        ["settings", "backup-interval", "ten"],
        ["settings", "backup-interval", "100000"],
    )
    check_usage_error(zero, ["argument N", "from 1 to 1000"])
    check_usage_error(word, ["argument MINUTES", "invalid number: 'ten'"])
    check_usage_error(huge, ["from 1 to 1440"])
    assert coded_cli.ok("settings", "backup-interval").stdout == "30\n"


def test_help_explains_backup_and_restore(run_cli: Cli) -> None:
    top, backup, restore = run_cli.many(
        ["--help"], ["backup", "--help"], ["restore", "--help"], project=None
    )
    assert all(word in top.stdout for word in ("backup", "backups", "restore"))
    backup_text = " ".join(backup.stdout.split())
    assert "backups folder beside the project" in backup_text
    assert "--out FILE" in backup_text
    restore_text = " ".join(restore.stdout.split())
    assert "undoes the restore" in restore_text
    assert not list(run_cli.root.rglob("*.sqlite"))
