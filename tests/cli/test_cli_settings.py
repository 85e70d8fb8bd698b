"""``framing-app settings``: list the project's settings, show and set blind coding.

Listing and showing only read (a mistyped path creates nothing); setting writes
the project; a bad value is a usage error that changes nothing; the help says
what blind coding hides, and what it does not.
"""

from __future__ import annotations

from pathlib import Path

from cli_harness import NPR, Cli, check_error, check_ok, check_usage_error
from cli_projects import Place
from server_databases import sqlite_only


def _all_files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def _stored(cli: Cli, project: Place | None = None) -> list[tuple[str, str]]:
    return [
        (str(name), str(value))
        for name, value in cli.query("SELECT name, value FROM project_setting", project=project)
    ]


@sqlite_only
def test_listing_and_showing_never_create_a_project(run_cli: Cli) -> None:
    path = run_cli.root / "new folder" / "typo.sqlite"
    before = _all_files(run_cli.root)
    reading = [["settings"], ["settings", "--tsv"], ["settings", "blind-coding"]]
    for args, result in zip(reading, run_cli.many(*reading, project=path), strict=True):
        line = check_error(result, [str(path), "no project there"])
        assert line.endswith("`framing-app --project PATH import ...` creates one"), args
    assert _all_files(run_cli.root) == before, "no file, folder, -wal or -shm may appear"


def test_show_and_set_blind_coding(coded_cli: Cli) -> None:
    listing, tsv, shown = coded_cli.many(
        ["settings"], ["settings", "--tsv"], ["settings", "blind-coding"]
    )
    header, row, sample, *_backup_settings = check_ok(listing).stdout.splitlines()
    assert header.split()[:3] == ["setting", "value", "default"]
    assert row.split()[:3] == ["blind-coding", "off", "off"]
    assert sample.split()[:3] == ["show-sample", "off", "off"]
    assert tsv.stdout.splitlines()[0] == "setting\tvalue\tdefault\tmeaning"
    assert tsv.stdout.splitlines()[1].startswith("blind-coding\toff\toff\t")
    assert shown.stdout == "off\n"
    assert _stored(coded_cli) == []  # reading wrote nothing

    out = coded_cli.ok("settings", "blind-coding", "on").stdout
    assert out.startswith("Blind coding is on")
    assert _stored(coded_cli) == [("blind-coding", "on")]
    assert coded_cli.ok("settings", "blind-coding").stdout == "on\n"
    rows = coded_cli.ok("settings", "--tsv").stdout.splitlines()
    assert rows[1].startswith("blind-coding\ton\toff\t")
    # Again: nothing to change, and it says so.
    assert coded_cli.ok("settings", "blind-coding", "on").stdout == "Blind coding was already on.\n"

    # --project (--db) after the command, and any case for the value.
    out = coded_cli.ok(
        "settings", "blind-coding", "OFF", *coded_cli.project_args(), project=None
    ).stdout
    assert out.startswith("Blind coding is off")
    assert _stored(coded_cli) == [("blind-coding", "off")]


def test_a_bad_value_or_setting_is_refused_and_changes_nothing(coded_cli: Cli) -> None:
    coded_cli.ok("settings", "blind-coding", "on")
    before = coded_cli.snapshot()
    bad_value, bad_setting, too_many = coded_cli.many(
        ["settings", "blind-coding", "maybe"],
        ["settings", "blind-codng", "on"],
        ["settings", "blind-coding", "on", "off"],
    )
    check_usage_error(bad_value, ["invalid choice: 'maybe'", "'on', 'off'"])
    check_usage_error(bad_setting, ["invalid choice: 'blind-codng'", "blind-coding"])
    check_usage_error(too_many, ["unrecognized arguments: off"])
    assert coded_cli.snapshot() == before
    assert _stored(coded_cli) == [("blind-coding", "on")]


@sqlite_only
def test_setting_a_value_creates_the_project_like_other_changes(run_cli: Cli) -> None:
    path = run_cli.root / "new.sqlite"
    run_cli.ok("settings", "blind-coding", "on", project=path)
    assert _stored(run_cli, path) == [("blind-coding", "on")]
    assert run_cli.ok("labels", project=path).stdout.count("\n") == 4  # the default codebook


def test_help_says_what_blind_coding_hides_and_what_it_does_not(bare_cli: Cli) -> None:
    top, settings, blind = bare_cli.many(
        ["--help"], ["settings", "--help"], ["settings", "blind-coding", "--help"], project=None
    )
    assert "settings" in top.stdout
    text = " ".join(settings.stdout.split())
    assert "blind-coding" in text
    assert "coding window" in text
    assert "'Compare with'" in text
    assert "other coders' counts" in text
    assert "the team server" in text
    assert "still sees every coder's work" in text
    blind_text = " ".join(blind.stdout.split())
    assert "on|off" in blind_text
    assert "coding window" in blind_text
    assert not bare_cli.project.exists()
    assert not list(bare_cli.root.rglob("*.sqlite"))


def test_other_commands_are_unchanged_by_blind_coding(coded_cli: Cli) -> None:
    """Blind coding hides other coders in the coding window only (see the help)."""
    reads = [
        ["articles", "--tsv"],
        ["coders"],
        ["labels", "--tsv"],
        ["show", NPR, "--annotations", "--tsv"],
        ["export", "annotations"],
    ]
    before = [result.stdout for result in coded_cli.many(*reads)]
    coded_cli.ok("settings", "blind-coding", "on")
    after = [result.stdout for result in coded_cli.many(*reads)]
    assert after == before
    assert "bob" in after[3]
