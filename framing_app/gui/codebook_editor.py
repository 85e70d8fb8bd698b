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
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from framing_app.core.changes import Changes
from framing_app.core.default_codebook import SPARE_LABEL_COLORS
from framing_app.core.errors import FramingError
from framing_app.gui.codebook_form import (
    FALLBACK_COLOR,
    PORTABLE,
    CodebookForm,
)
from framing_app.gui.label_row_delegate import ID_ROLE
from framing_app.gui.operations import Operations, R
from framing_app.gui.undo_commands import (
    AddLabelCommand,
    LabelEditCommand,
    LabelOrderCommand,
    RemoveLabelCommand,
    push_done,
)
from framing_app.services import label_states
from framing_app.services.codebook import (
    add_label,
    export_codebook,
    import_codebook,
    label_use_by_coder,
)
from framing_app.services.label_states import LabelOrder
from framing_app.services.project import Project


class CodebookEditor(CodebookForm):
    """Edits the project's codebook; each change is committed when it is made.

    ``codebook_changed`` is emitted after every committed change, and after
    an undo or redo of one (not after a refused one, nor after an export).
    A refused change (a name or shortcut already taken, an empty name, ...)
    is explained in red under the form, and the form shows the stored values
    again.
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
        super().__init__(project, parent, counts_of)
        # The window's, so that its views follow and its Undo undoes; a
        # dialog opened on its own (tests, tools) gets its own.
        self._ops = ops if ops is not None else Operations(self)
        self._stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.undo_button.setDefaultAction(self._stack.createUndoAction(self, "&Undo"))
        self.undo_button.defaultAction().setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_button.setDefaultAction(self._stack.createRedoAction(self, "&Redo"))
        self.redo_button.defaultAction().setShortcuts(
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        )
        for button in (self.undo_button, self.redo_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.addAction(button.defaultAction())
        self._connect()
        self._reload()
        if self._labels:
            self._select_id(self._labels[0].id)
        else:
            self._show_label()
        self.resize(760, 480)

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
        shortcut = self.shortcut_edit.keySequence().toString(PORTABLE) or None
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
        color = next((c for c in SPARE_LABEL_COLORS if c not in used), FALLBACK_COLOR)
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
