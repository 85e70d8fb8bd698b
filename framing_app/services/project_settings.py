"""Settings that belong to the project, one typed accessor each.

They live in the project's database (table ``project_setting``, migration
0004), so every coder who opens the project, on any machine, works under the
same ones; the person's own settings (window layout, font size, last project)
are the GUI's, in ``QSettings``. Nothing outside this module knows how a
setting is stored: callers use :func:`blind_coding` / :func:`set_blind_coding`,
:func:`show_sample` / :func:`set_show_sample`, :func:`backup_interval` /
:func:`set_backup_interval`, :func:`backups_kept` / :func:`set_backups_kept`
(and :func:`list_settings` to show them all), never a name and a string.

A setting that was never set has no row and reads as its default. A stored
value this version cannot read (edited by hand, or written by a newer
framing-app) also reads as the default instead of failing; the next change
through this module writes a clean value over it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError
from framing_app.services.project import Project
from framing_app.store.models import ProjectSetting

# How an on/off setting is stored; also what the command line shows and takes.
ON, OFF = "on", "off"
# Spellings read as on/off besides those written, for values edited by hand.
_TRUE = frozenset({ON, "true", "yes", "1"})
_FALSE = frozenset({OFF, "false", "no", "0"})


@dataclass(frozen=True)
class _Switch:
    """An on/off setting: its stored (and command-line) name, default and meaning."""

    name: str
    default: bool
    description: str


BLIND_CODING = _Switch(
    "blind-coding",
    default=False,
    description="the coding window shows each coder only their own annotations and counts "
    "(no 'Compare with' layer, no other coders' counts)",
)
SHOW_SAMPLE = _Switch(
    "show-sample",
    default=False,
    description="the article list marks the articles of the reliability sample (the overlap "
    "every coder codes); never while blind coding is on",
)


@dataclass(frozen=True)
class NumberSetting:
    """A whole-number setting: its stored (and command-line) name, default, range and meaning."""

    name: str
    default: int
    minimum: int
    maximum: int
    description: str


BACKUP_INTERVAL = NumberSetting(
    "backup-interval",
    default=10,
    minimum=1,
    maximum=24 * 60,
    description="minutes of work between the automatic backups of a SQLite project into the "
    "backups folder beside it (the coding window also backs up when it opens the project)",
)
BACKUPS_KEPT = NumberSetting(
    "backups-kept",
    default=10,
    minimum=1,
    maximum=1000,
    description="how many automatic backups are kept in the backups folder; the oldest "
    "beyond that are deleted when a new one is made",
)
# Every setting, in the order they are listed.
_SETTINGS: tuple[_Switch | NumberSetting, ...] = (
    BLIND_CODING,
    SHOW_SAMPLE,
    BACKUP_INTERVAL,
    BACKUPS_KEPT,
)


@dataclass(frozen=True)
class SettingInfo:
    """One setting as it is shown: values as text (``on``/``off`` for a switch)."""

    name: str
    value: str
    default: str
    description: str


def blind_coding(project: Project) -> bool:
    """Whether blind coding is on: coders must not see each other's work while coding.

    The coding window then hides the "Compare with" layer and counts of other
    coders' annotations. Off (False) in a project where it was never set, and
    when the stored value is unreadable: that is the default, and how every
    project behaved before the setting existed.
    """
    with project.db.read() as session:
        return _read_switch(session, BLIND_CODING)


def set_blind_coding(project: Project, on: bool) -> Changes:
    """Turn blind coding on or off for everyone who codes this project.

    Returns ``Changes(settings=True)`` when the setting changed, and an empty
    :class:`Changes` when it already had that value (an unreadable stored
    value is replaced by a clean one either way).
    """
    return _write_switch(project, BLIND_CODING, on)


def show_sample(project: Project) -> bool:
    """Whether the lead lets coders see which of their articles are in the reliability sample.

    Off (False) by default: a coder who knows an article is compared may code
    it more carefully than the rest, so the sample is hidden unless the lead
    decides otherwise. What the window does is :func:`sample_marks_visible`.
    """
    with project.db.read() as session:
        return _read_switch(session, SHOW_SAMPLE)


def set_show_sample(project: Project, on: bool) -> Changes:
    """Show or hide the reliability sample to coders (``Changes(settings=True)`` if it changed)."""
    return _write_switch(project, SHOW_SAMPLE, on)


def sample_marks_visible(project: Project) -> bool:
    """Whether the article list marks the reliability sample: :func:`show_sample` is on and
    :func:`blind_coding` is off (blind coding hides it whatever the other setting says)."""
    with project.db.read() as session:
        return _read_switch(session, SHOW_SAMPLE) and not _read_switch(session, BLIND_CODING)


def backup_interval(project: Project) -> int:
    """Minutes of work between two automatic backups (10 unless set; see :mod:`.backups`).

    "Of work": the coding window backs up when this much time has passed
    *and* something was committed since its last backup, never while idle.
    """
    with project.db.read() as session:
        return _read_count(session, BACKUP_INTERVAL)


def set_backup_interval(project: Project, minutes: int) -> Changes:
    """Set the minutes between automatic backups (``Changes(settings=True)`` if it changed).

    Raises :class:`ConflictError` for a number outside 1 to 1440 (a day).
    """
    return _write_count(project, BACKUP_INTERVAL, minutes)


def backups_kept(project: Project) -> int:
    """How many automatic backups are kept (10 unless set); older ones are deleted."""
    with project.db.read() as session:
        return _read_count(session, BACKUPS_KEPT)


def set_backups_kept(project: Project, count: int) -> Changes:
    """Set how many automatic backups are kept (``Changes(settings=True)`` if it changed).

    Raises :class:`ConflictError` for a number outside 1 to 1000. Lowering it
    deletes nothing now: the oldest go when the next backup is made.
    """
    return _write_count(project, BACKUPS_KEPT, count)


def list_settings(project: Project) -> list[SettingInfo]:
    """Every project setting with its current value, default and meaning, in one read."""
    with project.db.read() as session:
        return [
            SettingInfo(
                setting.name,
                _shown_value(session, setting),
                _shown(setting.default) if isinstance(setting, _Switch) else str(setting.default),
                setting.description,
            )
            for setting in _SETTINGS
        ]


def _shown_value(session: Session, setting: _Switch | NumberSetting) -> str:
    if isinstance(setting, _Switch):
        return _shown(_read_switch(session, setting))
    return str(_read_count(session, setting))


def _read_count(session: Session, setting: NumberSetting) -> int:
    return _count_value(session.get(ProjectSetting, setting.name), setting)


def _count_value(row: ProjectSetting | None, setting: NumberSetting) -> int:
    """What *row* says of *setting*: its default when there is no row, or it is unreadable
    or out of range."""
    if row is None:
        return setting.default
    try:
        value = int(row.value.strip())
    except ValueError:
        return setting.default
    return value if setting.minimum <= value <= setting.maximum else setting.default


def _write_count(project: Project, setting: NumberSetting, value: int) -> Changes:
    if not setting.minimum <= value <= setting.maximum:
        raise ConflictError(
            f"{setting.name} must be a whole number from {setting.minimum} to "
            f"{setting.maximum}, not {value}"
        )
    with project.db.write() as session:
        row = session.get(ProjectSetting, setting.name)
        before = _count_value(row, setting)
        if row is None:
            session.add(ProjectSetting(name=setting.name, value=str(value)))
        elif row.value != str(value):
            row.value = str(value)
    return Changes(settings=True) if before != value else Changes()


def _read_switch(session: Session, setting: _Switch) -> bool:
    return _switch_value(session.get(ProjectSetting, setting.name), setting)


def _switch_value(row: ProjectSetting | None, setting: _Switch) -> bool:
    """What *row* says of *setting*: its default when there is no row or it is unreadable."""
    value = None if row is None else _parse_switch(row.value)
    return setting.default if value is None else value


def _write_switch(project: Project, setting: _Switch, on: bool) -> Changes:
    with project.db.write() as session:
        row = session.get(ProjectSetting, setting.name)
        before = _switch_value(row, setting)
        if row is None:
            session.add(ProjectSetting(name=setting.name, value=_shown(on)))
        elif row.value != _shown(on):
            row.value = _shown(on)
    return Changes(settings=True) if before != on else Changes()


def _parse_switch(text: str) -> bool | None:
    """The on/off value *text* stands for, or None when it stands for neither."""
    key = text.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


def _shown(value: bool) -> str:
    return ON if value else OFF
