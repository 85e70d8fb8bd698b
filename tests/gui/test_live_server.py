"""Two coders' programs on one PostgreSQL server: live updates, presence, stale edits.

Window A is the real coding window of coder ann on the server; client B is
a second open project (bob, or a lead) in the same process, with its own
connections and its own ``application_name``, exactly as another program
on another laptop would be.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from server_team import Team

from framing_app.core.changes import Changes
from framing_app.gui.main_window import MainWindow
from framing_app.gui.operations import OUTSIDE
from framing_app.services import tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.live_updates import say_here
from framing_app.services.project import Project

TEXT = "Beijing rejects criticism. Washington insists on universal rights 🌏 for all.\n"


@pytest.fixture
def server_window(qtbot: QtBot, team: Team, tmp_path: Path) -> Iterator[MainWindow]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a1.txt").write_text(TEXT, encoding="utf-8")
    with Project.open(url=team.url(team.lead)) as lead:
        import_articles(lead, [folder])
    project = Project.open(url=team.url(team.coders[0]))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(project, team.coders[0], settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.article_list.select_article(get_article(project, "a1").id)
    qtbot.waitUntil(lambda: window.article_id is not None)
    try:
        yield window
    finally:
        window.close()
        project.close()


def _boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_a_teammates_tag_reaches_the_window_within_a_second(
    qtbot: QtBot, server_window: MainWindow, team: Team
) -> None:
    window = server_window
    with Project.open(url=team.url(team.coders[1])) as bob:
        article = get_article(bob, "a1").id
        with qtbot.waitSignal(
            window.ops.changed,
            timeout=1000,  # the promise: within 1 s
            check_params_cb=lambda changes, initiator: (
                initiator == OUTSIDE and bool(changes.annotations)
            ),
        ) as blocker:
            sent = time.monotonic()
            info = tagging.annotate(
                bob, coder=team.coders[1], article=article, label="sovereignty", start=0, end=7
            )
        print(f"teammate's tag shown after {1000 * (time.monotonic() - sent):.1f} ms")
    changes, _initiator = blocker.args
    assert changes == Changes.of_annotations(article, (info.id,))
    # Blind coding is off: the window's compare layer and list can show bob's tag.
    assert any(a.id == info.id for a in window._annotations)


def test_who_has_an_article_open_shows_in_the_list(
    qtbot: QtBot, server_window: MainWindow, team: Team
) -> None:
    window = server_window
    model = window.article_list.model
    with Project.open(url=team.url(team.coders[1])) as bob:
        article = get_article(bob, "a1").id
        say_here(bob, article)
        qtbot.waitUntil(lambda: team.coders[1] in str(model.data(model.index(0, 0))), timeout=2000)
        say_here(bob, None)
        qtbot.waitUntil(
            lambda: team.coders[1] not in str(model.data(model.index(0, 0))), timeout=2000
        )


def test_a_stale_edit_and_a_stale_undo_are_refused_and_the_view_refreshed(
    qtbot: QtBot, server_window: MainWindow, team: Team
) -> None:
    window = server_window
    project = window.project
    article = window.article_id
    assert article is not None
    window.reader.view.set_selection(0, 7)
    window.tag(1)
    (mine,) = [a for a in tagging.list_annotations(project, article) if a.coder == team.coders[0]]
    window.relabel(mine.id, 2)
    qtbot.waitUntil(lambda: any(a.version == 2 for a in window._annotations))
    # The lead changes ann's annotation; ann's window has not heard of it yet
    # (no event processed in between), so it shows version 2.
    with Project.open(url=team.url(team.lead)) as lead:
        tagging.set_memo(lead, mine.id, "the lead's note")
    window.set_memo(mine.id, "ann's note")
    qtbot.waitUntil(lambda: bool(_boxes()))
    assert "was changed since it was shown here" in _boxes()[0].text()
    for box in _boxes():
        box.close()
    stored = tagging.annotation_state(project, mine.id)
    assert stored.memo == "the lead's note"  # the lead's change was not overwritten
    # The view shows the annotation as it now is.
    assert next(a for a in window._annotations if a.id == mine.id).memo == "the lead's note"
    # Undoing ann's relabel would put back the old memo too: refused, nothing changed.
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(_boxes()))
    assert "Cannot undo" in _boxes()[0].text()
    for box in _boxes():
        box.close()
    assert tagging.annotation_state(project, mine.id) == stored


def test_a_coder_sees_lead_only_actions_disabled_with_the_reason(
    qtbot: QtBot, server_window: MainWindow, team: Team, tmp_path: Path
) -> None:
    window = server_window
    disabled = {a.text().replace("&", ""): a.toolTip() for a in window.lead_only_actions}
    assert disabled["Edit codebook…"] == "Only a project lead can change the codebook."
    assert disabled["Import articles…"] == "Only a project lead can import or delete articles."
    assert disabled["Delete…"] == "Only a project lead can import or delete articles."
    assert not any(a.isEnabled() for a in window.lead_only_actions)
    # The coder is the login: no name to pick.
    assert not window.coder_box.isEnabled()
    assert team.coders[0] in window.coder_box.toolTip()
    # A lead's window has them all.
    with Project.open(url=team.url(team.lead)) as lead:
        settings = QSettings(str(tmp_path / "lead.ini"), QSettings.Format.IniFormat)
        lead_window = MainWindow(lead, team.lead, settings)
        qtbot.addWidget(lead_window)
        assert lead_window.lead_only_actions == []
        lead_window.close()
