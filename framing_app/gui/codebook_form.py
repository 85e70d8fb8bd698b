"""The codebook editor's form: the label list, the fields of one label, and how they show.

:class:`CodebookForm` lays out the widgets and fills them from the codebook
as stored; it changes nothing. :class:`~framing_app.gui.codebook_editor.CodebookEditor`
adds the editing, each change one undoable operation.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QSignalBlocker,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from framing_app.gui.label_row_delegate import (
    ARCHIVED_ROLE,
    COUNT_ROLE,
    ID_ROLE,
    SHORTCUT_ROLE,
    LabelRowDelegate,
    uses_text,
)
from framing_app.gui.swatches import swatch
from framing_app.services.codebook import (
    LabelInfo,
    list_labels,
)
from framing_app.services.project import Project

DEFINITION_IDLE_MS = 600
"""A definition being typed is committed this long after the last keystroke."""

FALLBACK_COLOR = "#999999"

PORTABLE = QKeySequence.SequenceFormat.PortableText


class CodebookForm(QDialog):
    """The codebook as a list and a form (see the module's docstring).

    The file dialogs, the colour dialog and the delete confirmation sit behind
    ``_ask_open_path``, ``_ask_save_path``, ``_ask_color`` and ``_confirm`` so
    that tests can answer them without a modal loop.
    """

    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        counts_of: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._project = project
        self._counts_of = counts_of  # whose uses the list counts (None: everyone's)
        self._labels: list[LabelInfo] = []
        self._current_id: int | None = None
        # Set by the user's typing only (the form is filled with signals blocked),
        # so that filling the form can never be mistaken for an edit.
        self._definition_dirty = False
        self.setWindowTitle("Codebook")

        self.label_list = QListWidget()
        self.label_list.setItemDelegate(LabelRowDelegate(self.label_list))
        self.label_list.setUniformItemSizes(True)
        self.label_list.setMinimumWidth(280)
        self.add_button = QPushButton("Add")
        self.delete_button = QPushButton("Delete")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")

        self.name_edit = QLineEdit()
        self.color_button = QPushButton()
        self.shortcut_edit = QKeySequenceEdit()
        self.shortcut_edit.setMaximumSequenceLength(1)
        self.clear_shortcut_button = QPushButton("Clear")
        self.definition_edit = QPlainTextEdit()
        self.definition_edit.setPlaceholderText("What a passage must do to get this label.")
        self.definition_edit.document().setDocumentMargin(6)
        self.definition_edit.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding
        )
        self.archived_check = QCheckBox("&Archived (hidden from tagging)")
        self.archived_check.setToolTip(
            "An archived label cannot be used for new annotations; its annotations "
            "stay in the project and in every export."
        )
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.undo_button = QToolButton()  # their actions come from the editor's undo stack
        self.redo_button = QToolButton()
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        self.close_button = QPushButton("Close")

        self._definition_timer = QTimer(self)
        self._definition_timer.setSingleShot(True)
        self._definition_timer.setInterval(DEFINITION_IDLE_MS)

        self._lay_out()

    # ---- building -------------------------------------------------------

    def _lay_out(self) -> None:
        buttons = (
            self.add_button,
            self.delete_button,
            self.up_button,
            self.down_button,
            self.color_button,
            self.clear_shortcut_button,
            self.import_button,
            self.export_button,
            self.close_button,
        )
        for button in buttons:
            # Enter in the name field must only finish the name, never press a button.
            button.setAutoDefault(False)
            button.setDefault(False)

        list_buttons = QHBoxLayout()
        for button in (self.add_button, self.delete_button, self.up_button, self.down_button):
            list_buttons.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.label_list, 1)
        left.addLayout(list_buttons)

        color_row = QHBoxLayout()
        color_row.addWidget(self.color_button)
        color_row.addStretch(1)
        shortcut_row = QHBoxLayout()
        self.shortcut_edit.setMaximumWidth(180)
        shortcut_row.addWidget(self.shortcut_edit)
        shortcut_row.addWidget(self.clear_shortcut_button)
        shortcut_row.addStretch(1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        for text, buddy, field in (
            ("&Name", self.name_edit, self.name_edit),
            ("&Colour", self.color_button, color_row),
            ("&Shortcut", self.shortcut_edit, shortcut_row),
            ("&Definition", self.definition_edit, self.definition_edit),
        ):
            caption = QLabel(text)
            caption.setBuddy(buddy)
            form.addRow(caption, field)
        form.addRow("", self.archived_check)
        self._form = QWidget()
        self._form.setLayout(form)
        form.setContentsMargins(0, 0, 0, 0)
        right = QVBoxLayout()
        right.addWidget(self._form, 1)
        right.addWidget(self.message_label)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addLayout(left, 5)
        body.addLayout(right, 6)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.redo_button)
        bottom.addSpacing(12)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        root = QVBoxLayout(self)
        root.setSpacing(12)
        root.addLayout(body, 1)
        root.addLayout(bottom)

    # ---- questions to the user (overridden in tests) ----------------------

    def _ask_open_path(self) -> Path | None:
        """The codebook file to import, or None if the user cancelled."""
        name, _ = QFileDialog.getOpenFileName(
            self, "Import codebook", "", "Codebook (*.json);;All files (*)"
        )
        return Path(name) if name else None

    def _ask_save_path(self) -> Path | None:
        """Where to export the codebook (``.json`` added when missing), or None."""
        folder = self._project.path.parent if self._project.path is not None else Path.home()
        name, _ = QFileDialog.getSaveFileName(
            self, "Export codebook", str(folder / "codebook.json"), "Codebook (*.json)"
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".json")

    def _ask_color(self, current: QColor) -> QColor | None:
        """The colour the user picked, or None if they cancelled."""
        chosen = QColorDialog.getColor(current, self, "Label colour")
        return chosen if chosen.isValid() else None

    def _confirm(self, text: str) -> bool:
        """True when the user answers Yes to *text* (default: No)."""
        answer = QMessageBox.question(
            self,
            "Delete label",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # ---- what the editor shows ------------------------------------------

    def current_label(self) -> LabelInfo | None:
        """The selected label as last read from the project, or None."""
        return next((lab for lab in self._labels if lab.id == self._current_id), None)

    def select_label(self, name: str) -> None:
        """Select the label called *name* (committing edits still being typed)."""
        for row, label in enumerate(self._labels):
            if label.name == name:
                self.label_list.setCurrentRow(row)
                return
        raise KeyError(name)

    def _reload(self) -> None:
        """Re-read the codebook into the list, keeping the selected label if it exists."""
        self._labels = list_labels(self._project, coder=self._counts_of)
        ids = [lab.id for lab in self._labels]
        shown = [self.label_list.item(row).data(ID_ROLE) for row in range(self.label_list.count())]
        blocker = QSignalBlocker(self.label_list)
        if ids == shown:
            # Same rows: update in place, which is safe even while the list
            # is in the middle of changing its current row.
            for row, label in enumerate(self._labels):
                self._fill_item(self.label_list.item(row), label)
        else:
            self.label_list.clear()
            for label in self._labels:
                item = QListWidgetItem()
                self._fill_item(item, label)
                self.label_list.addItem(item)
            if self._current_id in ids:
                self.label_list.setCurrentRow(ids.index(self._current_id))
        blocker.unblock()
        if self._current_id not in ids:
            self._current_id = None
        self._update_buttons()

    @staticmethod
    def _fill_item(item: QListWidgetItem, label: LabelInfo) -> None:
        item.setData(Qt.ItemDataRole.DisplayRole, label.name)
        item.setData(Qt.ItemDataRole.DecorationRole, swatch(label.color))
        item.setData(ID_ROLE, label.id)
        item.setData(SHORTCUT_ROLE, label.shortcut or "")
        item.setData(COUNT_ROLE, label.annotations)
        item.setData(ARCHIVED_ROLE, label.archived)
        key = f"shortcut {label.shortcut}" if label.shortcut else "no shortcut"
        state = ", archived" if label.archived else ""
        summary = f"{label.name}: {key}, {uses_text(label.annotations)}{state}"
        item.setData(Qt.ItemDataRole.AccessibleTextRole, summary)
        item.setToolTip(f"{summary}\n\n{label.definition or 'No definition yet.'}")

    def _update_buttons(self) -> None:
        row = self.label_list.currentRow() if self._current_id is not None else -1
        self.delete_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.label_list.count() - 1)
        self._form.setEnabled(row >= 0)

    def _show_label(self) -> None:
        """Fill the whole form, definition included, from the selected label."""
        self._definition_timer.stop()
        self._definition_dirty = False
        label = self.current_label()
        with QSignalBlocker(self.definition_edit):
            self.definition_edit.setPlainText(label.definition if label else "")
        self._show_fields()

    def _show_fields(self) -> None:
        """Show the stored name, colour, shortcut and archived flag.

        The definition is left alone: the user may still be typing it.
        """
        label = self.current_label()
        self.name_edit.setText(label.name if label else "")
        color = label.color if label else FALLBACK_COLOR
        self.color_button.setIcon(swatch(color))
        self.color_button.setText(f" {color}" if label else "")
        with QSignalBlocker(self.shortcut_edit):
            self.shortcut_edit.setKeySequence(
                QKeySequence.fromString(label.shortcut or "", PORTABLE) if label else QKeySequence()
            )
        self.archived_check.setChecked(bool(label and label.archived))
        self._update_buttons()

    def _show_error(self, text: str) -> None:
        self.message_label.setStyleSheet("color: #C0392B;")
        self.message_label.setText(text[:1].upper() + text[1:])

    def _show_note(self, text: str) -> None:
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)

    # ---- selection and closing -------------------------------------------

    def _select_id(self, label_id: int) -> None:
        self._current_id = label_id
        row = next(i for i, lab in enumerate(self._labels) if lab.id == label_id)
        with QSignalBlocker(self.label_list):
            self.label_list.setCurrentRow(row)
        self._show_label()
