"""``framing-app settings``: list the project's settings, show or set one.

``settings`` alone (and ``settings SETTING`` without a value) only reads, and
never creates a project (see :mod:`framing_app.cli_project`); setting a value
creates the project like every other command that changes one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from framing_app.cli_table import print_table
from framing_app.services import project_settings
from framing_app.services.project import Project

SETTINGS_HELP = "list the project's settings, or show or set one"
SETTINGS_DESCRIPTION = (
    "List the project's settings, or show or set one. They are stored in the project "
    "and apply to everyone who codes it. blind-coding: while it is on, the coding window "
    "shows each coder only their own annotations and counts (no 'Compare with' layer, no "
    "other coders' counts), so that coders code independently. It hides other coders in "
    "the coding window only: anyone who can read the project file, or run the other "
    "commands on it (articles, show, export), still sees every coder's work. Enforcement "
    "on the server comes with the team server. show-sample: while it is on, the article list "
    "marks the articles of the reliability sample (drawn by framing-app assign), which is "
    "hidden from coders by default and always while blind coding is on. backup-interval and "
    "backups-kept: how often (in minutes of work) a SQLite project is backed up into the "
    "backups folder beside it, and how many of those backups are kept (see framing-app "
    "backup --help)."
)
BLIND_CODING_HELP = (
    "show blind coding (on or off), or turn it on or off: while on, the coding window "
    "hides other coders' annotations and counts"
)
SHOW_SAMPLE_HELP = (
    "show whether coders see the reliability sample (on or off), or turn it on or off: while "
    "on, the article list marks the articles every coder codes (never while blind coding is on)"
)
BACKUP_INTERVAL_HELP = (
    "show or set the minutes of work between automatic backups (the coding window backs up "
    "when it opens the project, then every so many minutes if something was changed)"
)
BACKUPS_KEPT_HELP = (
    "show or set how many automatic backups are kept; the oldest beyond that are deleted "
    "when a new one is made"
)
# The dest of a setting's value; without one the command only reads.
VALUE_DEST = "setting_value"


def add_settings_command(
    command: Callable[..., argparse.ArgumentParser], after: argparse.ArgumentParser
) -> None:
    """Add ``settings`` through *command* (``build_parser``'s helper); *after* gives
    its subcommands ``--project``/``--db`` after their names."""
    sub = command("settings", cmd_settings, SETTINGS_HELP)
    sub.description = SETTINGS_DESCRIPTION
    sub.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")
    settings = sub.add_subparsers(dest="setting", metavar="[SETTING]")
    _switch(
        settings,
        after,
        project_settings.BLIND_CODING.name,
        cmd_blind_coding,
        BLIND_CODING_HELP,
        "Hidden in the coding window only; see framing-app settings --help.",
    )
    _switch(
        settings,
        after,
        project_settings.SHOW_SAMPLE.name,
        cmd_show_sample,
        SHOW_SAMPLE_HELP,
        "Off by default: a coder who knows which articles are compared may code them differently.",
    )
    _count(
        settings,
        after,
        project_settings.BACKUP_INTERVAL,
        cmd_backup_interval,
        BACKUP_INTERVAL_HELP,
        "MINUTES",
    )
    _count(settings, after, project_settings.BACKUPS_KEPT, cmd_backups_kept, BACKUPS_KEPT_HELP, "N")


def cmd_settings(project: Project, args: argparse.Namespace) -> int:
    rows = [
        [setting.name, setting.value, setting.default, setting.description]
        for setting in project_settings.list_settings(project)
    ]
    print_table(["setting", "value", "default", "meaning"], rows, args.tsv, wide=3)
    return 0


def cmd_blind_coding(project: Project, args: argparse.Namespace) -> int:
    value = getattr(args, VALUE_DEST)
    if value is None:
        on = project_settings.blind_coding(project)
        print(project_settings.ON if on else project_settings.OFF)
        return 0
    on = value == project_settings.ON
    changes = project_settings.set_blind_coding(project, on)
    if not changes:
        print(f"Blind coding was already {value}.")
    elif on:
        print("Blind coding is on: the coding window shows each coder only their own work.")
    else:
        print("Blind coding is off: coders can compare their work with others' again.")
    return 0


def cmd_show_sample(project: Project, args: argparse.Namespace) -> int:
    value = getattr(args, VALUE_DEST)
    if value is None:
        on = project_settings.show_sample(project)
        print(project_settings.ON if on else project_settings.OFF)
        return 0
    on = value == project_settings.ON
    changes = project_settings.set_show_sample(project, on)
    if not changes:
        print(f"Showing the reliability sample was already {value}.")
    elif not on:
        print("The reliability sample is hidden from coders again.")
    elif project_settings.blind_coding(project):
        print(
            "Coders will see the reliability sample marked in the article list once blind "
            "coding is off (it is on now, and hides it)."
        )
    else:
        print("Coders see the reliability sample marked in the article list.")
    return 0


def cmd_backup_interval(project: Project, args: argparse.Namespace) -> int:
    minutes = getattr(args, VALUE_DEST)
    if minutes is None:
        print(project_settings.backup_interval(project))
        return 0
    if not project_settings.set_backup_interval(project, minutes):
        print(f"The backup interval was already {minutes} minute(s).")
    else:
        print(f"Automatic backups are made every {minutes} minute(s) of work.")
    return 0


def cmd_backups_kept(project: Project, args: argparse.Namespace) -> int:
    count = getattr(args, VALUE_DEST)
    if count is None:
        print(project_settings.backups_kept(project))
        return 0
    if not project_settings.set_backups_kept(project, count):
        print(f"The number of backups kept was already {count}.")
    else:
        print(
            f"The newest {count} automatic backup(s) are kept; older ones go when the next "
            "backup is made."
        )
    return 0


def _switch(
    settings: argparse._SubParsersAction[argparse.ArgumentParser],
    after: argparse.ArgumentParser,
    name: str,
    handler: Callable[..., int],
    help_: str,
    more: str,
) -> None:
    """The subcommand of an on/off setting: ``settings NAME [on|off]``."""
    switch = settings.add_parser(
        name, help=help_, description=f"{help_[0].upper()}{help_[1:]}. {more}", parents=[after]
    )
    switch.set_defaults(handler=handler, subparser=switch)
    switch.add_argument(
        VALUE_DEST,
        nargs="?",
        type=str.lower,
        choices=[project_settings.ON, project_settings.OFF],
        metavar="on|off",
        help="the new value; without it, print the current one",
    )


def _count(
    settings: argparse._SubParsersAction[argparse.ArgumentParser],
    after: argparse.ArgumentParser,
    setting: project_settings.NumberSetting,
    handler: Callable[..., int],
    help_: str,
    metavar: str,
) -> None:
    """The subcommand of a whole-number setting: ``settings NAME [VALUE]``."""

    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid number: '{text}'") from None
        if not setting.minimum <= value <= setting.maximum:
            raise argparse.ArgumentTypeError(
                f"must be from {setting.minimum} to {setting.maximum}, not {value}"
            )
        return value

    sub = settings.add_parser(
        setting.name,
        help=help_,
        description=f"{help_[0].upper()}{help_[1:]} (default {setting.default}).",
        parents=[after],
    )
    sub.set_defaults(handler=handler, subparser=sub)
    sub.add_argument(
        VALUE_DEST,
        nargs="?",
        type=number,
        metavar=metavar,
        help=f"the new value, {setting.minimum} to {setting.maximum}; without it, print the "
        "current one",
    )
