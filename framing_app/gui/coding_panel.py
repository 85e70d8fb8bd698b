"""The coding panel: the codebook to tag with, and this article's annotations."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.text import excerpt
from framing_app.gui.memo_edit import MemoEdit
from framing_app.gui.question_panel import QuestionsBox
from framing_app.gui.swatches import swatch
from framing_app.services.codebook import LabelInfo
from framing_app.services.tagging import AnnotationInfo

# How far a definition is indented under its label's button (past the swatch).
DEFINITION_INDENT = 24
# Label names may be long (up to 200 characters): buttons and the relabel box
# show about this many characters of them (the tooltip has the whole name), so
# that a long name does not widen the panel and squeeze the reader.
LABEL_NAME_CHARS = 24


class _VerticalScrollArea(QScrollArea):
    """Scrolls its widget up and down only; as wide as the widget needs, never cut."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:
        widget = self.widget()
        if widget is None:
            return super().minimumSizeHint()
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        least = widget.minimumSizeHint()
        # Room for one label button, so the codebook never disappears.
        height = min(least.height(), self.fontMetrics().height() * 3)
        return QSize(least.width() + scroll_bar + 2 * self.frameWidth(), height)

    def sizeHint(self) -> QSize:
        # What the labels (and definitions, when shown) ask for at this width,
        # not QScrollArea's fixed bound of 24 lines.
        widget = self.widget()
        if widget is None:
            return super().sizeHint()
        width = max(self.viewport().width(), widget.minimumSizeHint().width())
        layout = widget.layout()
        height = (
            layout.heightForWidth(width)
            if layout is not None and layout.hasHeightForWidth()
            else widget.sizeHint().height()
        )
        return QSize(self.minimumSizeHint().width(), height + 2 * self.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # wrapped definitions: the height follows the width


class CodingPanel(QWidget):
    """Label buttons (click, or press the shortcut in the reader) and the annotation list.

    The panel shows plain values and emits what the coder asked for; the
    main window turns requests into undoable commands.
    """

    label_chosen = Signal(int)  # the label's id
    annotation_selected = Signal(int)  # -1 when none
    relabel_requested = Signal(int, int)  # annotation id, label id
    memo_edited = Signal(int, str)
    span_to_selection_requested = Signal(int)
    delete_requested = Signal(int)
    mark_done_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[LabelInfo] = []
        self._annotations: list[AnnotationInfo] = []

        self.codebook_box = QGroupBox("Codebook")
        # The label buttons and their definitions live in a layout of their
        # own, rebuilt on every codebook change; the toggle below it is built
        # once and never taken out (deleting it with the buttons broke the panel).
        # They scroll: definitions are shown whole, and in a low window they
        # need more room than the panel has.
        labels = QWidget()
        self._buttons_layout = QVBoxLayout(labels)
        self._buttons_layout.setContentsMargins(0, 0, 0, 0)
        self._buttons_layout.setSpacing(4)
        self.codebook_scroll = _VerticalScrollArea()
        self.codebook_scroll.setWidget(labels)
        codebook_layout = QVBoxLayout(self.codebook_box)
        codebook_layout.setSpacing(4)
        codebook_layout.addWidget(self.codebook_scroll)
        self.definitions_toggle = QToolButton()
        self.definitions_toggle.setText("Show definitions")
        self.definitions_toggle.setCheckable(True)
        self.definitions_toggle.setAutoRaise(True)
        self.definitions_toggle.toggled.connect(self._show_definitions)
        codebook_layout.addWidget(self.definitions_toggle, 0, Qt.AlignmentFlag.AlignRight)
        self._definition_labels: list[QLabel] = []
        self.label_buttons: list[QPushButton] = []

        self.annotations_box = QGroupBox("Annotations")
        self.annotation_list = QListWidget()
        self.annotation_list.setWordWrap(True)
        self.annotation_list.setIconSize(QSize(12, 12))
        self.annotation_list.setSpacing(2)
        self.annotation_list.currentRowChanged.connect(self._current_changed)
        self.relabel_box = QComboBox()
        self.relabel_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.relabel_box.setToolTip("Change the label of the selected annotation")
        self.relabel_box.activated.connect(self._relabel)
        self.memo_edit = MemoEdit()
        self.memo_edit.finished.connect(self._memo_done)
        self.span_button = QPushButton("Span ← selection")
        self.span_button.setToolTip(
            "Set the selected annotation's span to the text selected in the reader"
        )
        self.span_button.clicked.connect(self._span)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected annotation (Del)")
        self.delete_button.clicked.connect(self._delete)
        label_row = QHBoxLayout()
        label_row.addWidget(QLabel("Label:"))
        label_row.addWidget(self.relabel_box, 1)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.span_button, 1)
        edit_row.addWidget(self.delete_button)
        annotations_layout = QVBoxLayout(self.annotations_box)
        annotations_layout.addWidget(self.annotation_list, 1)
        annotations_layout.addLayout(label_row)
        annotations_layout.addWidget(self.memo_edit)
        annotations_layout.addLayout(edit_row)

        self.mark_done_button = QPushButton("Mark done, next  (Ctrl+Return)")
        self.mark_done_button.setToolTip(
            "Mark this article done and go to the next unfinished one (Ctrl+Return)"
        )
        self.mark_done_button.clicked.connect(self.mark_done_requested)

        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.codebook_box)
        layout.addWidget(self.annotations_box, 1)
        # The article-level questions, answered before marking the article done.
        self.questions_box = QuestionsBox()
        layout.addWidget(self.questions_box)
        layout.addWidget(self.mark_done_button)
        self._update_edit_controls()

    # -- codebook -----------------------------------------------------------
    def set_labels(self, labels: Sequence[LabelInfo]) -> None:
        """Show the labels a coder can tag with (archived ones are left out).

        Only the widgets made here (a button and a definition per label) are
        replaced; everything else in the panel is built once and kept.
        """
        self._labels = [label for label in labels if not label.archived]
        for widget in (*self.label_buttons, *self._definition_labels):
            self._buttons_layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.label_buttons, self._definition_labels = [], []
        shown = self.definitions_toggle.isChecked()
        for label in self._labels:
            shortcut = label.shortcut or " "
            button = QPushButton(f"{shortcut}   {self._shown_name(label.name)}")
            button.setIcon(swatch(label.color, 16))
            button.setToolTip(f"<b>{label.name}</b><p>{label.definition}</p>")
            button.setStyleSheet("text-align: left; padding: 5px 8px;")
            button.setFocusPolicy(
                Qt.FocusPolicy.NoFocus
            )  # keep focus (and selection) in the reader
            button.clicked.connect(lambda _=False, ident=label.id: self.label_chosen.emit(ident))
            self._buttons_layout.addWidget(button)
            self.label_buttons.append(button)
            # In full, in the panel's own text colour and size: a definition is
            # read while coding, not a footnote.
            definition = QLabel(label.definition)
            definition.setWordWrap(True)
            definition.setTextFormat(Qt.TextFormat.PlainText)
            definition.setContentsMargins(DEFINITION_INDENT, 0, 0, 6)
            definition.setVisible(shown)
            # (A size policy set here would drop the height-for-width that
            # word wrap asks for, and the text would be cut to fit.)
            self._buttons_layout.addWidget(definition)
            self._definition_labels.append(definition)
        self.codebook_scroll.updateGeometry()
        self.relabel_box.clear()
        for label in self._labels:
            self.relabel_box.addItem(swatch(label.color), self._shown_name(label.name), label.id)
            # The whole name: the tooltip in the list, and what is compared.
            self.relabel_box.setItemData(
                self.relabel_box.count() - 1, label.name, Qt.ItemDataRole.ToolTipRole
            )

    def _shown_name(self, name: str) -> str:
        """*name*, elided to about :data:`LABEL_NAME_CHARS` characters."""
        metrics = self.fontMetrics()
        room = metrics.averageCharWidth() * LABEL_NAME_CHARS
        return metrics.elidedText(name, Qt.TextElideMode.ElideRight, room)

    def _show_definitions(self, shown: bool) -> None:
        self.definitions_toggle.setText("Hide definitions" if shown else "Show definitions")
        for definition in self._definition_labels:
            definition.setVisible(shown)
        # Shown, the definitions share the panel's height with the annotations.
        self._layout.setStretchFactor(self.codebook_box, 1 if shown else 0)
        self.codebook_scroll.updateGeometry()

    # -- annotations --------------------------------------------------------
    def set_annotations(
        self, annotations: Sequence[AnnotationInfo], colors: dict[str, str]
    ) -> None:
        """List this article's annotations of the current coder, keeping the selection."""
        keep = self.selected_annotation()
        self._annotations = list(annotations)
        self.annotation_list.blockSignals(True)
        self.annotation_list.clear()
        for info in self._annotations:
            memo = f"\n✎ {excerpt(info.memo, 70)}" if info.memo else ""
            item = QListWidgetItem(
                swatch(colors.get(info.label, "#999999")),
                f"{info.label}  ·  {info.start}–{info.end}\n“{excerpt(info.text, 90)}”{memo}",
            )
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setToolTip(info.text)
            self.annotation_list.addItem(item)
        self.annotations_box.setTitle(f"Annotations ({len(self._annotations)})")
        self.annotation_list.blockSignals(False)
        self.select_annotation(keep, emit=False)

    def selected_annotation(self) -> int | None:
        item = self.annotation_list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def select_annotation(self, annotation_id: int | None, *, emit: bool = True) -> None:
        row = next((i for i, info in enumerate(self._annotations) if info.id == annotation_id), -1)
        self.annotation_list.blockSignals(not emit)
        self.annotation_list.setCurrentRow(row)
        self.annotation_list.blockSignals(False)
        self._update_edit_controls()

    def _current_info(self) -> AnnotationInfo | None:
        row = self.annotation_list.currentRow()
        return self._annotations[row] if 0 <= row < len(self._annotations) else None

    def _current_changed(self, _row: int) -> None:
        self._update_edit_controls()
        info = self._current_info()
        self.annotation_selected.emit(info.id if info is not None else -1)

    def _update_edit_controls(self) -> None:
        info = self._current_info()
        for widget in (self.relabel_box, self.memo_edit, self.span_button, self.delete_button):
            widget.setEnabled(info is not None)
        self.memo_edit.setText(info.memo if info is not None else "")
        if info is not None:
            self.relabel_box.setCurrentIndex(
                self.relabel_box.findData(info.label, Qt.ItemDataRole.ToolTipRole)
            )

    def _relabel(self, index: int) -> None:
        info = self._current_info()
        name = self.relabel_box.itemData(index, Qt.ItemDataRole.ToolTipRole)
        label_id = self.relabel_box.itemData(index)
        if info is not None and name and name != info.label and label_id is not None:
            self.relabel_requested.emit(info.id, int(label_id))

    def _memo_done(self) -> None:
        info = self._current_info()
        if info is not None and self.memo_edit.text() != info.memo:
            self.memo_edited.emit(info.id, self.memo_edit.text())

    def _span(self) -> None:
        info = self._current_info()
        if info is not None:
            self.span_to_selection_requested.emit(info.id)

    def _delete(self) -> None:
        info = self._current_info()
        if info is not None:
            self.delete_requested.emit(info.id)
