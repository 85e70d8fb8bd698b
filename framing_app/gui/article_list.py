"""The coding window's left pane: the article list with its filter, status and sort controls."""

from __future__ import annotations

import contextlib
from collections.abc import Collection

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError
from framing_app.gui.article_list_model import (
    ANNOTATIONS,
    SOURCE_DATE,
    STATUS,
    TITLE,
    ArticleListModel,
)
from framing_app.services import article_browser, assignments, project_settings
from framing_app.services.article_browser import ArticleQuery, ArticleSort, Scope, StatusFilter
from framing_app.services.project import Project

# Long enough to let a word be typed without a query per key, short enough
# to feel immediate.
FILTER_DELAY_MS = 250
# The title column's share of the list's width: what the other columns give
# way to (TITLE_SHARE), and below which source and date are hidden.
TITLE_SHARE = 0.35
TITLE_LEAST_SHARE = 0.25

STATUS_CHOICES = (
    ("All", StatusFilter.ALL),
    ("Not started", StatusFilter.NOT_STARTED),
    ("In progress", StatusFilter.IN_PROGRESS),
    ("Done", StatusFilter.DONE),
    ("Unfinished", StatusFilter.UNFINISHED),
)
SCOPE_CHOICES = (
    ("My articles", Scope.MINE),
    ("Mine first", Scope.MINE_FIRST),
    ("All articles", Scope.ALL),
)
SCOPE_TIP = "The articles assigned to you, every article with yours first, or every article"
SORT_CHOICES = (
    ("Import order", ArticleSort.IMPORT),
    ("Title", ArticleSort.TITLE),
    ("Date", ArticleSort.DATE),
)


class ArticleListPane(QWidget):
    """Every article of the project for the current coder, filtered and sorted.

    ``article_selected`` is emitted whenever the current article changes to
    another one, whether the user moved (mouse, keyboard) or
    :meth:`select_article` did; never twice in a row for the same article.
    ``progress_changed`` carries :meth:`progress_text` after
    :meth:`set_coder` and :meth:`refresh`.
    """

    article_selected = Signal(int)
    progress_changed = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._project = project
        self._coder: str | None = None
        # The article last made current here. It is remembered when a refresh
        # or a filter hides it, so that "next" still starts from it.
        self._article_id: int | None = None
        self._quiet = False  # a refresh is moving rows: the current row is not chosen
        self._progress_pending = False  # a progress signal is on its way
        self._pending: set[int] = set()  # articles whose rows wait to be re-read
        self._has_assignments = False  # the coder has articles assigned: the scope box shows
        self._scope_chosen = False  # the coder picked a scope since the coder was set

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter title and text…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip(
            "Show only articles whose title or text contains these characters (Ctrl+F)"
        )
        self.scope_box = _combo(SCOPE_CHOICES, SCOPE_TIP)
        self.scope_box.setCurrentIndex(len(SCOPE_CHOICES) - 1)  # every article
        self.scope_box.setVisible(False)  # until the coder has assignments
        self.status_box = _combo(STATUS_CHOICES, "Show the articles with this status for you")
        self.sort_box = _combo(SORT_CHOICES, "Order of the list")
        self.model = ArticleListModel(project, self)
        self.view = self._make_view()

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)

        self._lay_out()
        self._connect()
        self.model.set_query(self._query())
        self._update_placeholder()

    # -- public API -----------------------------------------------------------
    def set_coder(self, name: str | None) -> None:
        """List statuses and annotation counts of coder *name* (None: nobody's).

        A coder with assignments sees "My articles" first; the reliability
        sample is marked if the project shows it (never while blind).
        """
        self._coder = name
        self._scope_chosen = False
        self._read_assignments(fresh=True)
        self.model.set_show_sample(project_settings.sample_marks_visible(self._project))
        self._apply_query(reload=True)
        self.progress_changed.emit(self.progress_text())

    def _read_assignments(self, *, fresh: bool = False) -> None:
        """Show the scope box if the coder has assignments; default to "My articles" then.

        The default is set for a new coder (*fresh*), and when the coder's
        first assignments arrive or the last go, unless the coder has picked
        a scope since.
        """
        had = self._has_assignments
        self._has_assignments = assignments.has_assignments(self._project, self._coder)
        if fresh or (not self._scope_chosen and had != self._has_assignments):
            wanted = Scope.MINE if self._has_assignments else Scope.ALL
            self.scope_box.blockSignals(True)
            self.scope_box.setCurrentIndex(self.scope_box.findData(wanted))
            self.scope_box.blockSignals(False)
        self.scope_box.setVisible(self._has_assignments or self._scope() is not Scope.ALL)

    def follow_changes(self, changes: Changes, _initiator: object = None) -> None:
        """Redraw what *changes* concerns (connected to ``Operations.changed``).

        Articles added or deleted, or an unknown change, re-read the list at
        once (the window may select a neighbour next). Rows whose counts or
        statuses changed are re-read on the next turn of the event loop, so
        that the reader paints a new tag first; changes arriving in the same
        turn are re-read together.
        """
        if changes.everything or changes.settings:
            self.model.set_show_sample(project_settings.sample_marks_visible(self._project))
        if changes.everything or changes.assignments:
            self._read_assignments()
            if self._query() != self.model.query():  # "My articles" became the default
                self._apply_query()
                return
        if changes.everything or changes.article_set or changes.assignments:
            self._pending.clear()
            self.refresh(everything=True)
        elif changes.articles:
            if not self._pending:
                QTimer.singleShot(0, self._refresh_pending)
            self._pending.update(changes.articles)

    def _refresh_pending(self) -> None:
        if self._pending:
            ids, self._pending = self._pending, set()
            # Deferred, so no caller is left to hear of a failure: a server
            # that went away (or a locked file) leaves the rows as they were
            # until the next change or reload brings them up to date.
            with contextlib.suppress(FramingError):
                self.refresh(ids)

    def refresh(
        self, article_ids: Collection[int] | None = None, *, everything: bool = False
    ) -> None:
        """Re-read the list and the progress, after tagging, status changes or imports.

        What is re-read is the rows of *article_ids* (by default the current
        article, the one the coder acts on) and the rows in sight, plus one
        count that catches articles joining or leaving the list, which then
        re-reads every loaded row. So an action deep in a long list costs
        what it costs at the top. With *everything* every loaded row is
        re-read (another program changed the project: anything may differ).
        """
        ids: set[int] | None = None
        if not everything:
            ids = set(self._visible_ids())
            if article_ids is not None:
                ids.update(article_ids)
            elif self._article_id is not None:
                ids.add(self._article_id)
        # A removed current row would make the view move on to its neighbour:
        # that is not the coder choosing it, so nothing is announced and the
        # view is left without a current row, as after a reset.
        self._quiet = True
        try:
            self.model.refresh(ids)
        finally:
            self._quiet = False
        current = self.view.currentIndex()
        if current.isValid() and self.model.article_id(current.row()) != self._article_id:
            self.view.selectionModel().clear()
        self._reselect()
        self._update_placeholder()
        self.progress_changed.emit(self.progress_text())

    def select_article(self, article_id: int) -> bool:
        """Make *article_id* the current row, reading windows down to it if needed.

        Returns False, and changes nothing, when the list does not show that
        article (filtered out, or no such article).
        """
        row = self.model.row_of(article_id)
        if row is None:
            return False
        index = self.model.index(row, TITLE)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)
        return True

    def current_article_id(self) -> int | None:
        """The article last made current in the list, even if a filter now hides it."""
        return self._article_id

    def neighbour(self, forward: bool, unfinished_only: bool) -> int | None:
        """The article after (or before) the current one in the list's order, or None.

        With *unfinished_only*, done articles are skipped and a forward search
        that reaches the end starts again from the top; without a current
        article, forward gives the first one.
        """
        return article_browser.neighbour(
            self._project,
            self.model.query(),
            self._article_id,
            forward=forward,
            unfinished_only=unfinished_only,
        )

    def progress_text(self) -> str:
        """ "3 of 50 done" for the current coder; "50 articles" when there is no coder.

        While the filter or the status box narrows the list, how many articles
        it shows comes first: "12 of 50 articles match · 3 of 50 done".
        """
        done, total = article_browser.progress(self._project, self._coder)
        progress = (
            f"{total:,} article{'' if total == 1 else 's'}"
            if self._coder is None
            else f"{done:,} of {total:,} done"
        )
        if self._has_assignments:
            mine_done, mine = article_browser.assigned_progress(self._project, self._coder)
            progress = f"{mine_done:,} of {mine:,} assigned done · {progress}"
        if not self._filtered():
            return progress
        matches = self.model.total()
        verb = "matches" if matches == 1 else "match"
        found = f"{matches:,} of {total:,} article{'' if total == 1 else 's'} {verb}"
        return found if self._coder is None else f"{found} · {progress}"

    def shows_status_words(self) -> bool:
        """Whether the status column shows its words (in a narrow list only the dots)."""
        return self._status_delegate.words

    def focus_filter(self) -> None:
        """Put the keyboard in the filter box with its text selected (for Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- construction ---------------------------------------------------------
    def _make_view(self) -> ArticleTable:
        view = ArticleTable()
        view.setModel(self.model)
        # Installed only while the status column shows dots: a delegate written
        # in Python costs a little on every cell it paints.
        self._status_delegate = StatusDelegate(view)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        view.setTabKeyNavigation(False)  # Tab leaves the list instead of walking its cells
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.verticalHeader().hide()
        # Uniform row heights: the view never measures rows it has not shown.
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        columns = view.horizontalHeader()
        columns.setHighlightSections(False)
        columns.setTextElideMode(Qt.TextElideMode.ElideRight)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        columns.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # The other columns fit their contents, set by _fit_columns rather than
        # ResizeToContents, which would leave the title no room in a narrow pane.
        for column in (SOURCE_DATE, STATUS, ANNOTATIONS):
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        view.viewport().installEventFilter(self)
        return view

    def _lay_out(self) -> None:
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        for text, box in (("&Show:", self.status_box), ("S&ort:", self.sort_box)):
            label = QLabel(text)
            label.setBuddy(box)
            controls.addWidget(label)
            controls.addWidget(box)
            controls.addSpacing(8)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        # The scope box beside the filter, which gives way: the list's controls
        # would otherwise make the window wider than a 1024-pixel screen.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.scope_box)
        layout.addLayout(top)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.filter_edit, self.scope_box)
        QWidget.setTabOrder(self.scope_box, self.status_box)
        QWidget.setTabOrder(self.status_box, self.sort_box)
        QWidget.setTabOrder(self.sort_box, self.view)

    def _connect(self) -> None:
        self.filter_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        self.filter_edit.returnPressed.connect(self._filter_now)
        self._filter_timer.timeout.connect(self._apply_query)
        self.scope_box.currentIndexChanged.connect(lambda _i: self._scope_picked())
        self.status_box.currentIndexChanged.connect(lambda _i: self._apply_query())
        self.sort_box.currentIndexChanged.connect(lambda _i: self._apply_query())
        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(lambda _now, _before: self._announce_current())
        # Space selects the row the focus made current, without moving.
        selection.selectionChanged.connect(lambda _new, _old: self._announce_current())
        # A reset brings new rows. Windows appended while scrolling do not
        # refit: columns jumping under the pointer would be worse than a cut.
        self.model.modelReset.connect(self._fit_columns)

    # -- reacting -------------------------------------------------------------
    def _query(self) -> ArticleQuery:
        return ArticleQuery(
            coder=self._coder,
            text=self.filter_edit.text(),
            status=StatusFilter(self.status_box.currentData()),
            sort=ArticleSort(self.sort_box.currentData()),
            scope=self._scope(),
        )

    def _scope(self) -> Scope:
        return Scope(self.scope_box.currentData())

    def _scope_picked(self) -> None:
        self._scope_chosen = True
        self._apply_query()

    def _filter_now(self) -> None:
        """Enter in the filter: apply it without waiting, and go to the list."""
        self._apply_query()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _apply_query(self, *, reload: bool = False) -> None:
        """Show the query the controls describe, if it changed (or on *reload*)."""
        self._filter_timer.stop()
        query = self._query()
        if reload or query != self.model.query():
            # The list starts again at the top; the current article stays
            # highlighted when it is among the rows read.
            self.model.set_query(query)
            self._reselect()
            if not reload:  # (a reload says it itself, with the new coder's figures)
                self._announce_progress_soon()
        self._update_placeholder()

    def _announce_progress_soon(self) -> None:
        """Emit the progress (with the match count) once the new rows are on screen.

        Counting the matches of a text filter reads every article's text
        (70-200 ms at 50,000 articles): the list is drawn first, and filter
        changes in the same turn of the event loop share one count.
        """
        if not self._progress_pending:
            self._progress_pending = True
            QTimer.singleShot(0, self, self._announce_progress)

    def _announce_progress(self) -> None:
        self._progress_pending = False
        self.progress_changed.emit(self.progress_text())

    def _reselect(self) -> None:
        """Show the remembered article as current again if it is loaded (no read, no signal)."""
        if self._article_id is None:
            return
        row = self.model.loaded_row(self._article_id)
        current = self.view.currentIndex()
        if row is None or (current.isValid() and current.row() == row):
            return
        self.view.selectionModel().setCurrentIndex(
            self.model.index(row, TITLE),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Size the columns to their contents, keeping the title at least 35% of the width.

        A header is never cut. What gives way is first source and date, cut
        (elided) down to the width of their header, then the status word (its
        dot stays, and its shape says the same; the tooltip has the word),
        and in a very narrow pane (title under 25%) source and date are
        hidden. The title takes the rest and is elided.
        """
        view = self.view
        header = view.horizontalHeader()
        available = view.viewport().width()
        others = (SOURCE_DATE, STATUS, ANNOTATIONS)
        delegate = self._status_delegate
        showed_words, delegate.words = delegate.words, True  # measure the words too
        full = {
            column: max(self._content_width(column), header.sectionSizeHint(column))
            for column in others
        }
        least_source = header.sectionSizeHint(SOURCE_DATE)
        widths = dict(full)
        wanted = int(available * TITLE_SHARE)

        def shortfall() -> int:
            return wanted - (available - sum(widths.values()))

        def fit_source() -> None:
            # Source and date take what the title leaves, between header and content.
            room = widths[SOURCE_DATE] - shortfall()
            widths[SOURCE_DATE] = max(least_source, min(full[SOURCE_DATE], room))

        fit_source()
        words = shortfall() <= 0
        if not words:
            dot = max(header.sectionSizeHint(STATUS), delegate.dot_width(view))
            widths[STATUS] = dot
            fit_source()
        hide_source = available - sum(widths.values()) < available * TITLE_LEAST_SHARE
        if hide_source:
            del widths[SOURCE_DATE]
            if not words and shortfall() + full[STATUS] - widths[STATUS] <= 0:
                words, widths[STATUS] = True, full[STATUS]
        view.setColumnHidden(SOURCE_DATE, hide_source)
        delegate.words = words
        if showed_words != words:
            view.setItemDelegateForColumn(STATUS, None if words else delegate)  # type: ignore[arg-type]
        for column, width in widths.items():
            header.resizeSection(column, width)

    def _content_width(self, column: int) -> int:
        """The width *column*'s cells ask for, over the rows in sight (or the first 50).

        Not ``sizeHintForColumn``: it measures up to 1,000 rows, 250 ms once
        thousands are loaded.
        """
        view = self.view
        count = self.model.rowCount()
        top = max(view.rowAt(0), 0)
        bottom = view.rowAt(view.viewport().height() - 1)
        if bottom < 0 or not view.isVisible():
            bottom = top + 49
        rows = range(top, min(bottom, count - 1) + 1)
        return max(
            (view.sizeHintForIndex(self.model.index(row, column)).width() for row in rows),
            default=0,
        )

    def _visible_ids(self) -> list[int]:
        """The ids of the rows in sight (none while the view is hidden)."""
        view = self.view
        count = self.model.rowCount()
        if count == 0 or not view.isVisible():
            return []
        top = max(view.rowAt(0), 0)
        bottom = view.rowAt(view.viewport().height() - 1)
        if bottom < 0:
            bottom = count - 1
        return [self.model.article_id(row) for row in range(top, min(bottom, count - 1) + 1)]

    def _announce_current(self) -> None:
        """Emit ``article_selected`` when the current row is a newly chosen article."""
        # The view makes the first row current, unselected, when it gets the
        # focus without a current row; that is not the user choosing it.
        if self._quiet:
            return
        current = self.view.currentIndex()
        if not current.isValid() or not self.view.selectionModel().isRowSelected(current.row()):
            return
        article_id = self.model.article_id(current.row())
        if article_id != self._article_id:
            self._article_id = article_id
            self.article_selected.emit(article_id)

    def _filtered(self) -> bool:
        """Whether the text filter or the status box leaves articles out."""
        query = self.model.query()
        return bool(query.text.strip()) or query.status is not StatusFilter.ALL

    def _update_placeholder(self) -> None:
        if self._filtered():
            text = "No articles match."
        elif self._scope() is Scope.MINE:
            text = "No articles are assigned to you. Choose All articles to see every one."
        else:
            text = "No articles yet: import some from the File menu."
        self.view.set_placeholder(text)


class StatusDelegate(QStyledItemDelegate):
    """The status column: dot and word, or only the dot (centred) when :attr:`words` is off."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.words = True

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if not self.words:
            option.text = ""
            option.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDisplay
            option.decorationAlignment = Qt.AlignmentFlag.AlignCenter

    @staticmethod
    def dot_width(view: QAbstractItemView) -> int:
        """The width of a status cell showing only its dot."""
        icon = view.iconSize().width()
        if icon <= 0:
            icon = view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)
        return icon + 2 * view.fontMetrics().averageCharWidth() + 6


class ArticleTable(QTableView):
    """A table that says why it is empty instead of showing a blank area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""

    def placeholder(self) -> str:
        """The text shown while the table has no rows (whether or not it shows now)."""
        return self._placeholder

    def showing_placeholder(self) -> bool:
        model = self.model()
        return bool(self._placeholder) and model is not None and model.rowCount() == 0

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.showing_placeholder():
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(12, 24, -12, -12)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(area, int(flags), self._placeholder)
        painter.end()


def _combo(choices: tuple[tuple[str, str], ...], tip: str) -> QComboBox:
    box = QComboBox()
    for text, value in choices:
        box.addItem(text, value)
    box.setToolTip(tip)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box
