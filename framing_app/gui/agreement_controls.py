"""The Agreement window's choices: coders, unit, overlap rule, labels, articles, bootstrap.

:class:`AgreementControls` is the form; :meth:`AgreementControls.request`
turns it into an :class:`AgreementRequest`, the plain values the services'
``build_items`` / ``report_from_items`` take, or says in one line what is
missing. The consensus coder (the adjudicated gold standard) is hidden
unless asked for: agreement is measured between coders, and comparing a
coder with the consensus is another question (accuracy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.agreement.bootstrap import DEFAULT_RESAMPLES
from framing_app.services.agreement_options import CoderChoice
from framing_app.services.agreement_report import DEFAULT_SEED
from framing_app.services.reliability_units import ArticleSet, OverlapRule, Unit

MAX_RESAMPLES = 100_000
_OVERLAP_UNITS = (Unit.PARAGRAPH, Unit.SENTENCE)
_UNIT_TIPS = {
    "article": "A label is present in an article when the coder tagged it at least once there",
    "paragraph": "Paragraphs, split at blank lines; the overlap rule says when a label is present",
    "sentence": "Sentences (syntok 1.4.4) within paragraphs; the overlap rule applies",
    "character": "Every character (code point) is a unit: present where a passage covers it",
    "span": "The coders' passages themselves: matching spans and unitizing alpha",
}
_ARTICLE_TEXT = {
    ArticleSet.SAMPLE: "the reliability sample",
    ArticleSet.DONE: "every article all marked done",
    ArticleSet.ALL: "every article",
}
_ARTICLE_TIPS = {
    ArticleSet.SAMPLE: "The articles of the coders' overlap sample that every one of them "
    "marked done",
    ArticleSet.DONE: "Every article that every compared coder marked done",
    ArticleSet.ALL: "Every article, done or not; a coder who never started one is missing "
    "there, not absent",
}
_OVERLAP_TEXT = {
    OverlapRule.ANY: "any character of the unit",
    OverlapRule.MAJORITY: "more than half of the unit",
}


# The entries of the labels-and-questions list say which they are.
_KIND_ROLE = Qt.ItemDataRole.UserRole + 1
_LABEL = "label"
_QUESTION = "question"


@dataclass(frozen=True)
class AgreementRequest:
    """What to compute: the arguments of ``build_items`` and ``report_from_items``."""

    coders: tuple[str, ...]
    unit: str
    overlap: str
    labels: tuple[str, ...] | None  # None: every label (the services' default)
    articles: str | None  # an ArticleSet value; None: the sample if any, else all done
    bootstrap: int
    seed: int
    # Article-level questions; with labels None, None means every question too
    # and a tuple only those questions (the services' rule).
    questions: tuple[str, ...] | None = None

    @property
    def all_articles(self) -> bool:
        """Every article, done or not (the services' ``all_articles``)."""
        return self.articles == ArticleSet.ALL.value


class AgreementControls(QWidget):
    """The form (see the module docstring); ``edited`` says that any choice changed."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._coders: list[CoderChoice] = []
        self._filled = False

        coders = QGroupBox("Coders (two or more)")
        self.coder_list = QListWidget()
        self.coder_list.setAccessibleName("Coders to compare")
        self.coder_list.setMinimumHeight(70)
        self.coder_list.setMaximumHeight(150)
        self.show_consensus = QCheckBox("Offer the consensus coder")
        self.show_consensus.setToolTip(
            "The consensus coder holds the adjudicated decisions; comparing a coder with it "
            "measures accuracy against the gold standard, not agreement between coders"
        )
        self.show_consensus.toggled.connect(lambda _on: self._fill_coders())
        box = QVBoxLayout(coders)
        box.addWidget(self.coder_list)
        box.addWidget(self.show_consensus)

        self.unit_box = QComboBox()
        for unit in Unit:
            self.unit_box.addItem(unit.value, unit.value)
            self.unit_box.setItemData(
                self.unit_box.count() - 1,
                _UNIT_TIPS.get(unit.value, ""),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.unit_box.setCurrentIndex(max(self.unit_box.findData(Unit.PARAGRAPH.value), 0))
        self.overlap_box = QComboBox()
        for rule in OverlapRule:
            self.overlap_box.addItem(_OVERLAP_TEXT.get(rule, rule.value), rule.value)
        self.overlap_box.setToolTip(
            "When a label is present in a paragraph or sentence: the coder's passages with it "
            "cover any of its characters, or more than half of them"
        )
        self.unit_box.currentIndexChanged.connect(lambda _i: self._unit_changed())

        labels = QGroupBox("Labels and questions")
        self.all_labels = QCheckBox("Every label and question")
        self.all_labels.setToolTip(
            "Every label, the pooled “(all labels)” row and every article-level question"
        )
        self.all_labels.setChecked(True)
        self.label_list = QListWidget()
        self.label_list.setAccessibleName("Labels and questions to compare")
        self.label_list.setMinimumHeight(70)
        self.label_list.setMaximumHeight(190)
        self.label_list.setEnabled(False)
        self.all_labels.toggled.connect(lambda on: self.label_list.setEnabled(not on))
        lab = QVBoxLayout(labels)
        lab.addWidget(self.all_labels)
        lab.addWidget(self.label_list)

        self.article_box = QComboBox()
        self.article_box.addItem("sample, else all done", None)
        self.article_box.setItemData(
            0,
            "The coders' reliability sample if they have one, else every article they all "
            "marked done (only articles every coder marked done either way)",
            Qt.ItemDataRole.ToolTipRole,
        )
        for choice in ArticleSet:
            self.article_box.addItem(_ARTICLE_TEXT.get(choice, choice.value), choice.value)
            self.article_box.setItemData(
                self.article_box.count() - 1,
                _ARTICLE_TIPS.get(choice, ""),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.bootstrap_box = QSpinBox()
        self.bootstrap_box.setRange(0, MAX_RESAMPLES)
        self.bootstrap_box.setSingleStep(1000)
        self.bootstrap_box.setGroupSeparatorShown(True)
        self.bootstrap_box.setValue(DEFAULT_RESAMPLES)
        self.bootstrap_box.setSpecialValueText("none")
        self.bootstrap_box.setToolTip(
            "Resamples for alpha's 95% interval (Hayes & Krippendorff 2007); 0: no interval"
        )
        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 2_147_483_647)
        self.seed_box.setValue(DEFAULT_SEED)
        self.seed_box.setToolTip("The same seed on the same data gives the same interval")

        form = QFormLayout()
        form.addRow("Unit:", self.unit_box)
        form.addRow("Present when:", self.overlap_box)
        form.addRow("Articles:", self.article_box)
        form.addRow("Resamples:", self.bootstrap_box)
        form.addRow("Seed:", self.seed_box)
        for combo in (self.unit_box, self.overlap_box, self.article_box):
            # A long choice must not widen the panel: it shows in full when opened.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.addWidget(coders)
        root.addLayout(form)
        root.addWidget(labels)
        root.addStretch(1)
        for signal in (
            self.coder_list.itemChanged,
            self.label_list.itemChanged,
            self.overlap_box.currentIndexChanged,
            self.all_labels.toggled,
            self.article_box.currentIndexChanged,
            self.bootstrap_box.valueChanged,
            self.seed_box.valueChanged,
        ):
            signal.connect(lambda *_args: self.edited.emit())
        self._unit_changed()

    # -- filling ------------------------------------------------------------------

    def set_coders(self, choices: Sequence[CoderChoice]) -> None:
        """Offer *choices*; checks survive a refill, and at first every coder is checked."""
        self._coders = list(choices)
        self._fill_coders()

    def _fill_coders(self) -> None:
        checked = set(self.coders()) if self._filled else None
        self.coder_list.blockSignals(True)
        self.coder_list.clear()
        for choice in self._coders:
            if choice.consensus and not self.show_consensus.isChecked():
                continue
            role = "consensus, " if choice.consensus else ""
            item = QListWidgetItem(f"{choice.name}  ({role}{choice.done:,} done)")
            item.setData(Qt.ItemDataRole.UserRole, choice.name)
            item.setToolTip(
                f"{choice.name}: {choice.annotations:,} annotations, "
                f"{choice.done:,} articles marked done"
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = choice.name in checked if checked is not None else not choice.consensus
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.coder_list.addItem(item)
        self.coder_list.blockSignals(False)
        self._filled = True
        self.edited.emit()

    def set_labels(
        self,
        names: Sequence[tuple[str, bool]],
        questions: Sequence[tuple[str, str, bool]] = (),
    ) -> None:
        """Offer the labels (name, archived), then the questions (name, level, archived).

        Both in codebook order; checks survive a refill.
        """
        known = {self._entry(self.label_list.item(n)) for n in range(self.label_list.count())}
        checked = {
            self._entry(self.label_list.item(n))
            for n in range(self.label_list.count())
            if self.label_list.item(n).checkState() == Qt.CheckState.Checked
        }
        entries = [(name, _LABEL, "archived" if archived else "") for name, archived in names]
        entries += [
            (name, _QUESTION, f"question, {level}{', archived' if archived else ''}")
            for name, level, archived in questions
        ]
        self.label_list.blockSignals(True)
        self.label_list.clear()
        for name, kind, note in entries:
            item = QListWidgetItem(f"{name} ({note})" if note else name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setData(_KIND_ROLE, kind)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = (name, kind) in checked or (name, kind) not in known
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.label_list.addItem(item)
        self.label_list.blockSignals(False)

    def check_coders(self, names: Sequence[str]) -> None:
        """Check exactly the coders *names* (the others are unchecked)."""
        for n in range(self.coder_list.count()):
            item = self.coder_list.item(n)
            on = self._name(item) in names
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    # -- reading ------------------------------------------------------------------

    def coders(self) -> list[str]:
        return self._checked(self.coder_list)

    def request(self) -> AgreementRequest | str:
        """The request the form describes, or one line saying what is missing."""
        coders = self.coders()
        if len(coders) < 2:
            return "Choose at least two coders to compare."
        labels: tuple[str, ...] | None = None
        questions: tuple[str, ...] | None = None
        if not self.all_labels.isChecked():
            chosen = [
                self._entry(self.label_list.item(n))
                for n in range(self.label_list.count())
                if self.label_list.item(n).checkState() == Qt.CheckState.Checked
            ]
            labels = tuple(name for name, kind in chosen if kind == _LABEL)
            questions = tuple(name for name, kind in chosen if kind == _QUESTION)
            if not labels and not questions:
                return "Choose at least one label or question, or tick “Every label and question”."
            # The services' rule: labels None with questions given means those
            # questions only; questions None with labels given, those labels only.
            labels = labels or None
            questions = questions or None
        unit = str(self.unit_box.currentData())
        overlap = OverlapRule.ANY.value
        if self.overlap_box.isEnabled():
            overlap = str(self.overlap_box.currentData())
        return AgreementRequest(
            coders=tuple(coders),
            unit=unit,
            overlap=overlap,
            labels=labels,
            articles=self.article_box.currentData(),
            bootstrap=self.bootstrap_box.value(),
            seed=self.seed_box.value(),
            questions=questions,
        )

    def _unit_changed(self) -> None:
        unit = str(self.unit_box.currentData())
        self.overlap_box.setEnabled(unit in {u.value for u in _OVERLAP_UNITS})
        self.unit_box.setToolTip(_UNIT_TIPS.get(unit, unit))
        self.edited.emit()

    @staticmethod
    def _name(item: QListWidgetItem) -> str:
        return str(item.data(Qt.ItemDataRole.UserRole))

    @staticmethod
    def _entry(item: QListWidgetItem) -> tuple[str, str]:
        """(name, kind) of an entry of the labels-and-questions list."""
        return str(item.data(Qt.ItemDataRole.UserRole)), str(item.data(_KIND_ROLE))

    def _checked(self, widget: QListWidget) -> list[str]:
        return [
            self._name(widget.item(n))
            for n in range(widget.count())
            if widget.item(n).checkState() == Qt.CheckState.Checked
        ]
