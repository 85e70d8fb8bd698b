"""The article list's item model: windows of rows read from the project as the view scrolls.

The model never holds a session or an ORM object, only the plain
:class:`ArticleRow` values of the windows loaded so far; the view asks for
the next window through ``canFetchMore``/``fetchMore`` when the user scrolls
near the end, so opening a project of 50,000 articles reads 200 rows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

from framing_app.core.records import CodingStatus
from framing_app.services.article_browser import (
    ArticleQuery,
    ArticleRow,
    ArticleSort,
    Scope,
    article_rows,
    count_articles,
    row_index,
    rows_by_id,
)
from framing_app.services.project import Project

WINDOW = 200  # rows per read

TITLE, SOURCE_DATE, STATUS, ANNOTATIONS = range(4)
# Short headers: the list is narrow, and a header is never cut (titles are).
HEADERS = ("Title", "Source · Date", "Status", "Tags")
HEADER_TIPS = (
    "The article's title",
    "Where and when the article was published",
    "Your progress on the article",
    "How many passages you have tagged in the article (your annotations)",
)

STATUS_WORDS = {
    CodingStatus.NOT_STARTED: "Not started",
    CodingStatus.IN_PROGRESS: "In progress",
    CodingStatus.DONE: "Done",
}
# The dot repeats what the word says, for scanning a long list. Its shape
# says it too (empty, half full, full), so that in a narrow list, where the
# word gives way, the status does not rest on colour alone.
STATUS_COLORS = {
    CodingStatus.NOT_STARTED: "#9e9e9e",  # grey
    CodingStatus.IN_PROGRESS: "#e69f00",  # amber
    CodingStatus.DONE: "#2e9d4a",  # green
}
STATUS_FILL = {
    CodingStatus.NOT_STARTED: 0.0,
    CodingStatus.IN_PROGRESS: 0.5,
    CodingStatus.DONE: 1.0,
}
ARTICLE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
IN_SAMPLE_ROLE = Qt.ItemDataRole.UserRole + 2  # True when the mark is shown
# The reliability sample's mark: two overlapping rings, the overlap every coder codes.
SAMPLE_COLOR = "#0072b2"  # Okabe & Ito blue: apart from the status dots' grey, amber, green
SAMPLE_TIP = (
    "Reliability sample: every coder in the sample codes this article on their own, "
    "and their agreement is measured on it"
)
NOT_ASSIGNED_TIP = "Not assigned to you"

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invalid index: the table's parent, never changed


class ArticleListModel(QAbstractTableModel):
    """The rows of one :class:`ArticleQuery`, loaded a window at a time."""

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project = project
        self._query = ArticleQuery(coder=None)
        self._rows: list[ArticleRow] = []
        self._row_of_id: dict[int, int] = {}
        self._complete = False  # the last read returned less than it asked for
        self._total: int | None = None  # how many the query lists; None: not counted yet
        self._dots: dict[CodingStatus, QIcon] = {}
        self._show_sample = False
        self._sample_mark: QIcon | None = None
        self._present: dict[int, list[str]] = {}  # article id -> teammates who have it open

    # -- the query ----------------------------------------------------------
    def query(self) -> ArticleQuery:
        return self._query

    def set_query(self, query: ArticleQuery) -> None:
        """Show *query*'s list from the top: the first window is read now."""
        self.beginResetModel()
        self._query = query
        self._total = None
        self._set_rows(article_rows(self._project, query, 0, WINDOW))
        self.endResetModel()

    def refresh(self, article_ids: Collection[int] | None = None) -> None:
        """Re-read what may have changed: the rows of *article_ids*, or every loaded row.

        With *article_ids* (the articles an action changed) the cost does not
        depend on how many rows are loaded: those rows are re-read by id,
        updated in place, removed when the query no longer lists them or
        inserted at their place when it now does; then one count checks that
        nothing else joined or left the list (an import, another process),
        and only if something did is every loaded row re-read.

        A full re-read keeps the view's selection and scroll position when
        the same articles come back in the same places (only the cells
        change); otherwise the model is reset and the caller re-selects by id.
        """
        if article_ids is not None and self._refresh_ids(article_ids):
            return
        wanted = max(len(self._rows), WINDOW)
        rows = article_rows(self._project, self._query, 0, wanted)
        self._total = None
        if [r.id for r in rows] == [r.id for r in self._rows]:
            self._rows = rows
            self._complete = len(rows) < wanted
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(HEADERS) - 1))
            return
        self.beginResetModel()
        self._set_rows(rows, asked=wanted)
        self.endResetModel()

    def _refresh_ids(self, article_ids: Collection[int]) -> bool:
        """Bring the rows of *article_ids* up to date; False when a full re-read is needed."""
        if self._total is None:
            self._total = len(self._rows) if self._complete else None
        expected = self._total
        if expected is None:
            expected = count_articles(self._project, self._query)
        fresh = rows_by_id(self._project, self._query, article_ids)
        for article_id in dict.fromkeys(article_ids):
            row = self._row_of_id.get(article_id)
            new = fresh.get(article_id)
            if row is not None and new is not None:
                if not self._same_place(self._rows[row], new):
                    return False
                self._rows[row] = new
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
            elif row is not None:
                self._remove(row)
                expected -= 1
            elif new is not None:
                expected += 1
                self._insert(new)
        self._total = count_articles(self._project, self._query)
        return self._total == expected

    def _same_place(self, old: ArticleRow, new: ArticleRow) -> bool:
        """Whether *new* sorts where *old* did (statuses and counts never move a row)."""
        match self._query.sort:
            case ArticleSort.TITLE:
                return old.title.lower() == new.title.lower()
            case ArticleSort.DATE:
                return old.published == new.published
            case ArticleSort.IMPORT:
                return True

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        gone = self._rows.pop(row)
        del self._row_of_id[gone.id]
        for i in range(row, len(self._rows)):
            self._row_of_id[self._rows[i].id] = i
        self.endRemoveRows()

    def _insert(self, new: ArticleRow) -> None:
        """Put a newly listed row at its place if that place is among the loaded rows."""
        position = row_index(self._project, self._query, new.id)
        if position is None or position > len(self._rows):
            return
        if position == len(self._rows) and not self._complete:
            return  # it comes with the next window
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, new)
        for i in range(position, len(self._rows)):
            self._row_of_id[self._rows[i].id] = i
        self.endInsertRows()

    def total(self) -> int:
        """How many articles the query lists, loaded or not.

        Known without a query once the last window is read or after a
        refresh (which counts anyway); otherwise one COUNT, remembered until
        the query changes or the list is re-read.
        """
        if self._total is None:
            self._total = (
                len(self._rows) if self._complete else count_articles(self._project, self._query)
            )
        return self._total

    def set_show_sample(self, on: bool) -> None:
        """Mark the reliability sample's rows (the lead allows it and blind coding is off)."""
        if on == self._show_sample:
            return
        self._show_sample = on
        if self._rows:
            self.dataChanged.emit(self.index(0, TITLE), self.index(len(self._rows) - 1, TITLE))

    # -- rows and ids -------------------------------------------------------
    def article_id(self, row: int) -> int:
        """The id of the article in loaded row *row* (IndexError outside them)."""
        if row < 0:
            raise IndexError(row)
        return self._rows[row].id

    def article(self, row: int) -> ArticleRow:
        """The plain row behind loaded row *row*."""
        return self._rows[row]

    def loaded_row(self, article_id: int) -> int | None:
        """The row of *article_id* among the rows already read, without reading more."""
        return self._row_of_id.get(article_id)

    def row_of(self, article_id: int) -> int | None:
        """The row of *article_id*, reading the windows up to it if needed; None if not listed."""
        row = self._row_of_id.get(article_id)
        if row is not None:
            return row
        if self._complete:
            return None
        position = row_index(self._project, self._query, article_id)
        if position is None:
            return None
        # Whole windows up to and including the article's, in one read.
        end = (position // WINDOW + 1) * WINDOW
        self._append(end - len(self._rows))
        return self._row_of_id.get(article_id)

    # -- QAbstractItemModel -------------------------------------------------
    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent: _Index) -> None:
        if not parent.isValid() and not self._complete:
            self._append(WINDOW)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == ANNOTATIONS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            shown = _display(row, column)
            if column == TITLE and (here := self._present.get(row.id)):
                # In front: a long title is elided at its end, and the names must show.
                return f"\N{BULLET} {', '.join(here)} \N{EM DASH} {shown}"
            return shown
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = _tooltip(row, column, self._query.coder)
            if column == TITLE and (here := self._present.get(row.id)):
                tip = f"{tip}\nOpen now by {', '.join(here)}"
            if column == TITLE:
                if self._show_sample and row.in_sample:
                    tip = f"{tip}\n{SAMPLE_TIP}"
                elif self._set_apart(row):
                    tip = f"{tip}\n{NOT_ASSIGNED_TIP}"
            return tip
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS:
            return self._dot(row.status)
        if role == Qt.ItemDataRole.DecorationRole and column == TITLE:
            return self._mark() if self._show_sample and row.in_sample else None
        if role == Qt.ItemDataRole.ForegroundRole and self._set_apart(row):
            # "Mine first": the articles after the coder's own are greyed.
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == IN_SAMPLE_ROLE:
            return self._show_sample and row.in_sample
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ANNOTATIONS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == ARTICLE_ID_ROLE:
            return row.id
        return None

    def set_present(self, present: dict[int, list[str]]) -> None:
        """Show which teammates have which articles open (a server's presence), redrawing
        only the rows whose names changed."""
        changed = {
            a
            for a in present.keys() | self._present.keys()
            if present.get(a) != self._present.get(a)
        }
        self._present = dict(present)
        for article_id in changed:
            row = self._row_of_id.get(article_id)
            if row is not None:
                index = self.index(row, TITLE)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    # -- inside -------------------------------------------------------------
    def _set_rows(self, rows: list[ArticleRow], asked: int = WINDOW) -> None:
        self._rows = rows
        self._row_of_id = {r.id: i for i, r in enumerate(rows)}
        self._complete = len(rows) < asked

    def _append(self, count: int) -> None:
        """Read the next *count* rows and insert them at the end."""
        if count <= 0:
            return
        rows = article_rows(self._project, self._query, len(self._rows), count)
        self._complete = len(rows) < count
        if self._complete:
            self._total = len(self._rows) + len(rows)
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._row_of_id.update((r.id, first + i) for i, r in enumerate(rows))
        self.endInsertRows()

    def _set_apart(self, row: ArticleRow) -> bool:
        return self._query.scope is Scope.MINE_FIRST and not row.assigned

    def _mark(self) -> QIcon:
        if self._sample_mark is None:
            self._sample_mark = sample_mark(SAMPLE_COLOR)
        return self._sample_mark

    def _dot(self, status: CodingStatus) -> QIcon:
        icon = self._dots.get(status)
        if icon is None:
            icon = self._dots[status] = status_dot(STATUS_COLORS[status], STATUS_FILL[status])
        return icon


def status_dot(color: str, fill: float = 1.0, size: int = 12) -> QIcon:
    """A circle of *color* on a transparent square, sharp at 1x and 2x.

    *fill* 0 leaves it empty (a ring), 0.5 fills its left half, 1 fills it.
    """
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        circle = QRectF(1.5, 1.5, size - 3, size - 3)
        pen = QPen(QColor(color).darker(130), 1.2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        if fill >= 1:
            painter.drawEllipse(circle)
        elif fill > 0:
            painter.drawPie(circle, 90 * 16, round(360 * fill) * 16)  # from the top, leftwards
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(circle)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def sample_mark(color: str, size: int = 12) -> QIcon:
    """Two overlapping rings of *color*, their overlap filled: the articles every coder codes.

    A shape, not a colour, says it (like the status dots), sharp at 1x and 2x;
    white on a selected row, where the selection's colour would swallow it.
    """
    icon = QIcon()
    for mode, ink in ((QIcon.Mode.Normal, color), (QIcon.Mode.Selected, "#ffffff")):
        for scale in (1, 2):
            pixmap = QPixmap(size * scale, size * scale)
            pixmap.setDevicePixelRatio(scale)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            diameter = size * 0.54
            top = (size - diameter) / 2
            left = QRectF(0.6, top, diameter, diameter)
            right = QRectF(size - 0.6 - diameter, top, diameter, diameter)
            # The lens where the rings overlap, filled; then both rings.
            first, second = QPainterPath(), QPainterPath()
            first.addEllipse(left)
            second.addEllipse(right)
            painter.fillPath(first.intersected(second), QColor(ink))
            painter.setPen(QPen(QColor(ink), 1.1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(left)
            painter.drawEllipse(right)
            painter.end()
            icon.addPixmap(pixmap, mode)
    return icon


def source_and_date(row: ArticleRow) -> str:
    """ "Source · date", either part alone, or "" when the article has neither."""
    return " · ".join(part for part in (row.source, row.published) if part)


def _display(row: ArticleRow, column: int) -> object:
    if column == TITLE:
        return row.title
    if column == SOURCE_DATE:
        return source_and_date(row)
    if column == STATUS:
        return STATUS_WORDS[row.status]
    if column == ANNOTATIONS:
        return row.annotations
    return None


def _tooltip(row: ArticleRow, column: int, coder: str | None) -> str | None:
    if column == TITLE:
        lines = [row.title, source_and_date(row), f"id: {row.external_id}"]
        return "\n".join(line for line in lines if line)
    if column == SOURCE_DATE:
        return source_and_date(row) or "No source or date"
    if column == STATUS:
        return STATUS_WORDS[row.status]  # for when the column shows only the dot
    if column == ANNOTATIONS and coder:
        plural = "" if row.annotations == 1 else "s"
        return f"{row.annotations} annotation{plural} by {coder}"
    return None
