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
    "on the server comes with the team server."
)
BLIND_CODING_HELP = (
    "show blind coding (on or off), or turn it on or off: while on, the coding window "
    "hides other coders' annotations and counts"
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
    blind = settings.add_parser(
        project_settings.BLIND_CODING.name,
        help=BLIND_CODING_HELP,
        description=f"{BLIND_CODING_HELP[0].upper()}{BLIND_CODING_HELP[1:]}. "
        "Hidden in the coding window only; see framing-app settings --help.",
        parents=[after],
    )
    blind.set_defaults(handler=cmd_blind_coding, subparser=blind)
    blind.add_argument(
        VALUE_DEST,
        nargs="?",
        type=str.lower,
        choices=[project_settings.ON, project_settings.OFF],
        metavar="on|off",
        help="the new value; without it, print the current one",
    )


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
