"""The codebook editor: add, rename, recolour, reorder, archive and delete labels.

Every change is committed at once (there is no Save) through the window's
operations, and is one step on the window's undo stack: Undo in the editor
or in the window puts the label back, by id, with the annotations a delete
took. The dialog keeps no database state of its own: it re-reads the
codebook whenever the operations announce a codebook change, its own or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QUndoStack
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

from framing_app.core.changes import Changes
from framing_app.core.default_codebook import SPARE_LABEL_COLORS
from framing_app.core.errors import FramingError
from framing_app.gui.label_row_delegate import (
    ARCHIVED_ROLE,
    COUNT_ROLE,
    ID_ROLE,
    SHORTCUT_ROLE,
    LabelRowDelegate,
    uses_text,
)
from framing_app.gui.operations import Operations, R
from framing_app.gui.swatches import swatch
from framing_app.gui.undo_commands import (
    AddLabelCommand,
    LabelEditCommand,
    LabelOrderCommand,
    RemoveLabelCommand,
    push_done,
)
from framing_app.services import label_states
from framing_app.services.codebook import (
    LabelInfo,
    add_label,
    export_codebook,
    import_codebook,
    label_use_by_coder,
    list_labels,
)
from framing_app.services.label_states import LabelOrder
from framing_app.services.project import Project

DEFINITION_IDLE_MS = 600
"""A definition being typed is committed this long after the last keystroke."""

_FALLBACK_COLOR = "#999999"

_PORTABLE = QKeySequence.SequenceFormat.PortableText


class CodebookEditor(QDialog):
    """Edits the project's codebook; each change is committed when it is made.

    ``codebook_changed`` is emitted after every committed change, and after
    an undo or redo of one (not after a refused one, nor after an export).
    A refused change (a name or shortcut already taken, an empty name, ...)
    is explained in red under the form, and the form shows the stored values
    again.

    The file dialogs, the colour dialog and the delete confirmation sit behind
    ``_ask_open_path``, ``_ask_save_path``, ``_ask_color`` and ``_confirm`` so
    that tests can answer them without a modal loop.
    """

    codebook_changed = Signal()

    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        *,
        ops: Operations | None = None,
        undo_stack: QUndoStack | None = None,
        counts_of: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._project = project
        self._counts_of = counts_of  # whose uses the list counts (None: everyone's)
        # The window's, so that its views follow and its Undo undoes; a
        # dialog opened on its own (tests, tools) gets its own.
        self._ops = ops if ops is not None else Operations(self)
        self._stack = undo_stack if undo_stack is not None else QUndoStack(self)
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

        self.undo_button = QToolButton()
        self.undo_button.setDefaultAction(self._stack.createUndoAction(self, "&Undo"))
        self.undo_button.defaultAction().setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_button = QToolButton()
        self.redo_button.setDefaultAction(self._stack.createRedoAction(self, "&Redo"))
        self.redo_button.defaultAction().setShortcuts(
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        )
        for button in (self.undo_button, self.redo_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.addAction(button.defaultAction())
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        self.close_button = QPushButton("Close")

        self._definition_timer = QTimer(self)
        self._definition_timer.setSingleShot(True)
        self._definition_timer.setInterval(DEFINITION_IDLE_MS)

        self._lay_out()
        self._connect()
        self._reload()
        if self._labels:
            self._select_id(self._labels[0].id)
        else:
            self._show_label()
        self.resize(760, 480)

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

    def _connect(self) -> None:
        self._ops.changed.connect(self._on_changed)
        self.label_list.currentRowChanged.connect(self._on_row_changed)
        self.add_button.clicked.connect(self._add)
        self.delete_button.clicked.connect(self._delete)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(+1))
        self.name_edit.editingFinished.connect(self._commit_name)
        self.color_button.clicked.connect(self._choose_color)
        self.shortcut_edit.editingFinished.connect(self._commit_shortcut)
        self.clear_shortcut_button.clicked.connect(self._clear_shortcut)
        self.definition_edit.textChanged.connect(self._definition_typed)
        self._definition_timer.timeout.connect(self._commit_definition)
        self.definition_edit.installEventFilter(self)
        self.archived_check.clicked.connect(self._commit_archived)
        self.import_button.clicked.connect(self._import)
        self.export_button.clicked.connect(self._export)
        self.close_button.clicked.connect(self.accept)

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
        color = label.color if label else _FALLBACK_COLOR
        self.color_button.setIcon(swatch(color))
        self.color_button.setText(f" {color}" if label else "")
        with QSignalBlocker(self.shortcut_edit):
            self.shortcut_edit.setKeySequence(
                QKeySequence.fromString(label.shortcut or "", _PORTABLE)
                if label
                else QKeySequence()
            )
        self.archived_check.setChecked(bool(label and label.archived))
        self._update_buttons()

    def _show_error(self, text: str) -> None:
        self.message_label.setStyleSheet("color: #C0392B;")
        self.message_label.setText(text[:1].upper() + text[1:])

    def _show_note(self, text: str) -> None:
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)

    # ---- committing -------------------------------------------------------

    def _run(self, title: str, action: Callable[[], R]) -> R | None:
        """Run one service call through the operations; None when it was refused.

        A refusal is explained in the message line and the form shows what
        is stored again; a commit is announced, and :meth:`_on_changed`
        re-reads the list.
        """
        self.message_label.clear()
        return self._ops.run(title, action, initiator=self, on_error=self._refused)

    def _refused(self, _title: str, message: str) -> None:
        self._reload()
        self._show_fields()
        self._show_error(message)

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        """Show the codebook as it is now, after any change: this dialog's, an undo, another's."""
        if not (changes.codebook or changes.everything):
            return
        self._reload()
        if initiator is self:
            self._show_fields()  # a definition may still be being typed
        elif self._current_id is not None:
            self._show_label()
        elif self._labels:
            self._select_id(self._labels[0].id)
        else:
            self._show_label()
        self.codebook_changed.emit()

    def _edit_label(self, text: str, **values: Any) -> bool:
        """Change the selected label's stored *values* as one undoable step."""
        label = self.current_label()
        if label is None:
            return False
        try:
            before = label_states.label_state(self._project, label.id)
        except FramingError as error:
            self._refused(text, str(error))
            return False
        wanted = replace(before, **values)
        after = self._run(text, lambda: label_states.apply_label_state(self._project, wanted))
        if after is None:
            return False
        push_done(self._stack, LabelEditCommand(text, self._project, self._ops, before, after))
        return True

    def _flush_edits(self) -> None:
        """Commit a name or definition still being typed, before another action."""
        self._commit_name()
        self._commit_definition()

    def _commit_name(self) -> None:
        label = self.current_label()
        if not self.name_edit.isModified():
            return
        self.name_edit.setModified(False)
        new_name = self.name_edit.text()
        if label is not None and new_name != label.name:
            self._edit_label(f"Rename “{label.name}” to “{new_name.strip()}”", name=new_name)

    def _definition_typed(self) -> None:
        self._definition_dirty = True
        self._definition_timer.start()

    def _commit_definition(self) -> None:
        self._definition_timer.stop()
        if not self._definition_dirty:
            return
        self._definition_dirty = False
        label = self.current_label()
        text = self.definition_edit.toPlainText()
        if label is None or text == label.definition:
            return
        if not self._edit_label(f"Edit the definition of “{label.name}”", definition=text):
            self._show_label()

    def _commit_shortcut(self) -> None:
        label = self.current_label()
        shortcut = self.shortcut_edit.keySequence().toString(_PORTABLE) or None
        if label is None or shortcut == label.shortcut:
            return
        self._flush_edits()
        label = self.current_label()
        if label is None:
            return
        text = f"Shortcut {shortcut} for “{label.name}”" if shortcut else "Clear shortcut"
        self._edit_label(text, shortcut=shortcut)

    def _clear_shortcut(self) -> None:
        self.shortcut_edit.clear()
        self._commit_shortcut()

    def _choose_color(self) -> None:
        label = self.current_label()
        if label is None:
            return
        chosen = self._ask_color(QColor(label.color))
        if chosen is not None:
            self.apply_color(chosen)

    def apply_color(self, color: QColor) -> None:
        """Give the selected label *color* (what the colour button does once chosen)."""
        self._flush_edits()
        label = self.current_label()
        if label is None or not color.isValid():
            return
        hex_rgb = color.name(QColor.NameFormat.HexRgb).upper()
        if hex_rgb != label.color:
            self._edit_label(f"Recolour “{label.name}”", color=hex_rgb)

    def _commit_archived(self, archived: bool) -> None:
        self._flush_edits()
        label = self.current_label()
        if label is None:
            return
        verb = "Archive" if archived else "Restore"
        self._edit_label(f"{verb} “{label.name}”", archived=archived)

    def _add(self) -> None:
        """Append a label with a free placeholder name and let the user type its name."""
        self._flush_edits()
        names = {lab.name for lab in self._labels}
        name = next(
            n for n in ("new label", *(f"new label {i}" for i in range(2, 1000))) if n not in names
        )
        used = {lab.color for lab in self._labels}
        color = next((c for c in SPARE_LABEL_COLORS if c not in used), _FALLBACK_COLOR)
        added = self._run("Add label", lambda: add_label(self._project, name, color=color))
        if added is None:
            return
        try:
            state = label_states.label_state(self._project, added.id)
        except FramingError as error:  # deleted already by another program
            self._refused("Add label", str(error))
            return
        push_done(self._stack, AddLabelCommand(f"Add “{name}”", self._project, self._ops, state))
        self._select_id(added.id)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.name_edit.selectAll()

    def _delete(self) -> None:
        """Delete the selected label; one in use only after the user confirmed."""
        self._flush_edits()
        label = self.current_label()
        if label is None:
            return
        # Read now, not when the list was filled: another program may have
        # tagged with the label since, and the question must say what goes.
        try:
            by_coder = label_use_by_coder(self._project, label.name)
        except FramingError as error:
            self._refused("Delete label", str(error))
            return
        used = sum(by_coder.values())
        if used:
            noun = "annotation" if used == 1 else "annotations"
            # Whose work goes matters more than how much: say it per coder.
            whose = ", ".join(f"{coder} {count}" for coder, count in by_coder.items())
            question = (
                f"Delete label '{label.name}' and its {used} {noun} ({whose})? Undo puts them back."
            )
            if not self._confirm(question):
                return
        row = self.label_list.currentRow()
        removed = self._run(
            "Delete label",
            lambda: label_states.remove_label(
                self._project,
                label.id,
                with_annotations=used > 0,
                # Exactly what the question said, or nothing.
                expect=used,
            ),
        )
        if removed is None:
            return
        push_done(
            self._stack,
            RemoveLabelCommand(f"Delete “{label.name}”", self._project, self._ops, removed),
        )
        if self._labels:
            self._select_id(self._labels[min(row, len(self._labels) - 1)].id)
        else:
            self._show_label()

    def _move(self, step: int) -> None:
        self._flush_edits()
        label = self.current_label()
        target = self.label_list.currentRow() + step
        if label is None or not 0 <= target < len(self._labels):
            return
        before = LabelOrder(tuple(lab.id for lab in self._labels))
        ids = [i for i in before.ids if i != label.id]
        ids.insert(target, label.id)
        after = self._run("Move label", lambda: label_states.set_label_order(self._project, ids))
        if after is not None:
            text = f"Move “{label.name}” {'up' if step < 0 else 'down'}"
            push_done(self._stack, LabelOrderCommand(text, self._project, self._ops, before, after))

    def _import(self) -> None:
        self._flush_edits()
        path = self._ask_open_path()
        if path is None:
            return
        report = self._run("Import codebook", lambda: import_codebook(self._project, path))
        if report is not None:
            self._show_label()
            self._show_note(
                f"Imported {path.name}: {len(report.added)} label(s) added, "
                f"{len(report.updated)} updated."
            )

    def _export(self) -> None:
        self._flush_edits()
        path = self._ask_save_path()
        if path is None:
            return
        try:
            count = export_codebook(self._project, path)
        except FramingError as error:
            self._show_error(str(error))
            return
        self._show_note(f"Exported {count} label(s) to {path}.")

    # ---- selection and closing -------------------------------------------

    def _select_id(self, label_id: int) -> None:
        self._current_id = label_id
        row = next(i for i, lab in enumerate(self._labels) if lab.id == label_id)
        with QSignalBlocker(self.label_list):
            self.label_list.setCurrentRow(row)
        self._show_label()

    def _on_row_changed(self, row: int) -> None:
        item = self.label_list.item(row)
        new_id = item.data(ID_ROLE) if item is not None else None
        self.message_label.clear()
        # Edits still being typed belong to the label being left.
        self._flush_edits()
        if new_id is None:
            self._current_id = None
            self._show_label()
        else:
            self._select_id(new_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.definition_edit and event.type() == QEvent.Type.FocusOut:
            self._commit_definition()
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        """Close, committing a name or definition still being typed."""
        self._flush_edits()
        super().done(result)
