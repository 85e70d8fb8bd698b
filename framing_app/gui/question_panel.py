"""The article-level questions in the coding panel: one compact row per question.

Each row is the question's name and what answers it: a row of toggle
buttons for a few short options (click or Space; the checked one again
clears the answer), a combo box for more (its first entry, "—", is no
answer; arrow keys and typing choose), or a line for any number (Return
or leaving it commits; empty clears). Every control is reached with Tab;
Coding ▸ Answer questions (Ctrl+Shift+A) puts the focus on the first.

The box shows plain values and asks for answers through
:attr:`QuestionsBox.answer_requested` (question id, value; "" clears);
the window turns each into one committed, undoable step and sets the
stored answers back with :meth:`QuestionsBox.set_answers`. It only ever
holds the current coder's answers, so blind coding shows nobody else's.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.questions import options_text
from framing_app.services.questions import QuestionInfo

NO_ANSWER = "—"
"""The combo box entry that stands for no answer."""

# Options shown as buttons: at most this many, this short together.
BUTTON_OPTIONS = 3
BUTTON_CHARS = 22
# A question's name takes at most this share of the box's width, and at least
# room for this many characters; longer names are cut (the tooltip has them whole).
NAME_SHARE = 0.42
NAME_CHARS = 10


class _AnswerEditor(QWidget):
    """What answers one question; emits ``chosen(value)`` ("" for no answer)."""

    chosen = Signal(str)

    def set_value(self, value: str) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        raise NotImplementedError


class _ChoiceButtons(_AnswerEditor):
    """A few options as toggle buttons; the checked one clicked again clears the answer."""

    def __init__(self, options: Sequence[str]) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # No QButtonGroup: in one, Tab skips from the first button to the next
        # question, and the checked button must be uncheckable (no answer).
        self.buttons: list[QToolButton] = []
        for option in options:
            button = QToolButton()
            button.setText(option)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, b=button: self._clicked(b))
            layout.addWidget(button)
            self.buttons.append(button)
        # The chosen answer must stand out (the native checked look is faint);
        # the palette's highlight keeps to the system's colours and contrast.
        self.setStyleSheet(
            "QToolButton:checked { background-color: palette(highlight);"
            " color: palette(highlighted-text); border: 1px solid palette(dark);"
            " border-radius: 3px; padding: 3px; font-weight: bold; }"
            # Where the keyboard is: Tab and Space work these buttons.
            "QToolButton:focus { border: 2px solid palette(highlight); border-radius: 3px;"
            " padding: 2px; }"
            "QToolButton:checked:focus { border: 2px solid palette(text); }"
        )
        self._value = ""

    def _clicked(self, button: QAbstractButton) -> None:
        value = button.text() if button.isChecked() else ""
        self.set_value(self._value)  # the stored answer, until the window sets the new one
        self.chosen.emit(value)

    def set_value(self, value: str) -> None:
        self._value = value
        for button in self.buttons:
            button.setChecked(button.text() == value)

    def focus_widget(self) -> QWidget:
        checked = next((b for b in self.buttons if b.isChecked()), None)
        return checked or self.buttons[0]


class _ChoiceBox(_AnswerEditor):
    """The options in a combo box, after "—" (no answer)."""

    def __init__(self, options: Sequence[str]) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(8)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.addItem(NO_ANSWER, "")
        for option in options:
            self.combo.addItem(option, option)
        self.combo.activated.connect(self._activated)
        layout.addWidget(self.combo)
        self._value = ""

    def _activated(self, index: int) -> None:
        value = str(self.combo.itemData(index) or "")
        if value != self._value:
            self.chosen.emit(value)

    def set_value(self, value: str) -> None:
        self._value = value
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(0, index))

    def focus_widget(self) -> QWidget:
        return self.combo


class _NumberLine(QLineEdit):
    """A line for a number; Escape puts the stored answer back."""

    def __init__(self, editor: _NumberEdit) -> None:
        super().__init__()
        self._editor = editor

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.isModified():
            self._editor.set_value(self._editor.value)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._editor.commit()


class _NumberEdit(_AnswerEditor):
    """Any number: committed by Return or by leaving the line; empty clears the answer."""

    def __init__(self, level: str) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = _NumberLine(self)
        self.line.setPlaceholderText("a number ≥ 0" if level == "ratio" else "a number")
        self.line.returnPressed.connect(self.commit)
        layout.addWidget(self.line)
        self.value = ""

    def commit(self) -> None:
        text = self.line.text().strip()
        if self.line.isModified() and text != self.value:
            self.line.setModified(False)
            self.chosen.emit(text)

    def set_value(self, value: str) -> None:
        self.value = value
        if self.line.hasFocus() and self.line.isModified():
            return  # being typed: the coder's text stays until committed
        self.line.setText(value)
        self.line.setModified(False)

    def focus_widget(self) -> QWidget:
        return self.line


def _editor(question: QuestionInfo) -> _AnswerEditor:
    if question.spec.free:
        return _NumberEdit(question.level)
    options = question.options
    if len(options) <= BUTTON_OPTIONS and sum(len(o) for o in options) <= BUTTON_CHARS:
        return _ChoiceButtons(options)
    return _ChoiceBox(options)


class _RowsScrollArea(QScrollArea):
    """The question rows, scrolled up and down when the panel is low (at least two shown)."""

    def __init__(self, rows: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(rows)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from question to question

    def sizeHint(self) -> QSize:
        rows = self.widget()
        assert rows is not None
        return QSize(rows.minimumSizeHint().width(), rows.sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        rows = self.widget()
        assert rows is not None
        hint = rows.sizeHint()
        two = 2 * (self.fontMetrics().height() + 12)
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return QSize(rows.minimumSizeHint().width() + scroll_bar, min(hint.height(), two))


class QuestionsBox(QGroupBox):
    """The questions of the codebook (archived ones left out) and this coder's answers."""

    answer_requested = Signal(int, str)  # question id, value ("" clears)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Questions", parent)
        rows = QWidget()
        self._grid = QGridLayout(rows)
        self.rows_area = _RowsScrollArea(rows)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.rows_area)
        self._grid.setContentsMargins(6, 4, 6, 4)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(3)
        self._grid.setColumnStretch(1, 1)
        self.editors: dict[int, _AnswerEditor] = {}
        self._names: list[tuple[QLabel, str]] = []
        self._answers: dict[int, str] = {}
        self.setVisible(False)

    def set_questions(self, questions: Sequence[QuestionInfo]) -> None:
        """Show a row per question that is not archived, in codebook order."""
        for widget in (*(label for label, _ in self._names), *self.editors.values()):
            self._grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._names, self.editors = [], {}
        shown = [q for q in questions if not q.archived]
        for row, question in enumerate(shown):
            name = QLabel(question.name)
            hint = f"<b>{question.name}</b> ({question.level}: {options_text(question.options)})"
            if question.definition:
                hint += f"<p>{question.definition}</p>"
            name.setToolTip(hint)
            editor = _editor(question)
            editor.setToolTip(hint)
            name.setBuddy(editor.focus_widget())
            editor.chosen.connect(
                lambda value, ident=question.id: self.answer_requested.emit(ident, value)
            )
            self._grid.addWidget(name, row, 0)
            self._grid.addWidget(editor, row, 1)
            self._names.append((name, question.name))
            self.editors[question.id] = editor
        self.setVisible(bool(shown))
        self._elide_names()
        self.set_answers(self._answers)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._elide_names()

    def _elide_names(self) -> None:
        """Cut long names to their share of the width, so that the answers keep theirs."""
        metrics = self.fontMetrics()
        room = max(metrics.averageCharWidth() * NAME_CHARS, int(self.width() * NAME_SHARE))
        for label, name in self._names:
            label.setText(metrics.elidedText(name, Qt.TextElideMode.ElideRight, room))

    def set_answers(self, answers: dict[int, str]) -> None:
        """Show *answers* (question id -> value; a question without one shows no answer)."""
        self._answers = dict(answers)
        for ident, editor in self.editors.items():
            editor.set_value(self._answers.get(ident, ""))

    def answers(self) -> dict[int, str]:
        """The answers shown, by question id."""
        return dict(self._answers)

    def editing(self) -> bool:
        """Whether a number is being typed (a reload now would throw it away)."""
        return any(
            isinstance(editor, _NumberEdit) and editor.line.hasFocus() and editor.line.isModified()
            for editor in self.editors.values()
        )

    def focus_first(self) -> bool:
        """Put the keyboard focus on the first question; False when there is none."""
        if not self.editors or not self.isEnabled():
            return False
        next(iter(self.editors.values())).focus_widget().setFocus(
            Qt.FocusReason.ShortcutFocusReason
        )
        return True
