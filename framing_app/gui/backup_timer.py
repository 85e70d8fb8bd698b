"""The coding window's automatic backups: on open, then every N minutes of work.

"Of work": when the interval has passed, a backup is made only if this
window committed something since the last one; an idle window makes none,
however long it stays open. (Another program's changes are that program's
to back up: the command line does after a command that changed the project.)
The interval is the project's setting
(:func:`~framing_app.services.project_settings.backup_interval`), followed
when it changes. The copy runs off the GUI thread
(:class:`~framing_app.gui.job_runner.JobRunner`): coding goes on meanwhile,
and only an action that writes waits for the copy to finish (it holds the
project's write lock). A server database gets no automatic backups.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from framing_app.core.changes import Changes
from framing_app.gui.job_runner import JobRunner
from framing_app.services import backups, project_settings
from framing_app.services.progress import CancelCheck, ProgressCallback
from framing_app.services.project import Project

MINUTE_MS = 60_000


class BackupTimer(QObject):
    """Makes a project's rolling backups while a window has it open.

    :attr:`backed_up` carries the new backup's path, :attr:`failed` the
    one-line reason a backup could not be made (the next tick tries again).
    """

    backed_up = Signal(object)  # Path
    failed = Signal(str)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._runner = JobRunner(self)
        self._runner.succeeded.connect(self._succeeded)
        self._runner.failed.connect(self.failed)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)
        # This process's commit count when the last backup began (None: none yet).
        self._backed_up_at: int | None = None
        self._started_at = 0

    @property
    def enabled(self) -> bool:
        """Whether the project gets automatic backups (a SQLite file does, a server does not)."""
        return self.project.path is not None

    def start(self) -> None:
        """Back up now (the project as it was opened) and every interval of work from now on."""
        if not self.enabled:
            return
        self._timer.setInterval(project_settings.backup_interval(self.project) * MINUTE_MS)
        self._timer.start()
        self._run()

    def stop(self) -> None:
        """No more backups; waits for one under way (call before the project closes)."""
        self._timer.stop()
        self._runner.stop()

    def running(self) -> bool:
        """Whether a backup is being made now."""
        return self._runner.running()

    def tick(self) -> None:
        """The interval has passed: back up if something was committed since the last backup."""
        if self.enabled and self.project.db.commits != self._backed_up_at:
            self._run()

    def mark_backed_up(self) -> None:
        """The project as it is now is in a backup already (Back up now, a restore)."""
        self._backed_up_at = self.project.db.commits

    def follow_changes(self, changes: Changes, _initiator: object = None) -> None:
        """Take up a new interval when the project's settings changed."""
        if self.enabled and (changes.settings or changes.everything):
            minutes = project_settings.backup_interval(self.project)
            if self._timer.interval() != minutes * MINUTE_MS:
                self._timer.setInterval(minutes * MINUTE_MS)

    def _run(self) -> None:
        project = self.project

        def work(_progress: ProgressCallback, _cancel: CancelCheck) -> Path:
            return backups.make_backup(project)

        commits = project.db.commits
        if self._runner.start(work, "backup"):
            self._started_at = commits

    def _succeeded(self, path: object) -> None:
        # What was committed while the copy ran may or may not be in it: only
        # the state when it began counts as backed up.
        self._backed_up_at = self._started_at
        self.backed_up.emit(path)
