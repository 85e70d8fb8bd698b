"""How the codebook editor draws one label: swatch, name, shortcut key cap, use count."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

ID_ROLE = Qt.ItemDataRole.UserRole
SHORTCUT_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2
ARCHIVED_ROLE = Qt.ItemDataRole.UserRole + 3


def uses_text(count: int) -> str:
    """How many annotations a label has, in words."""
    if count == 0:
        return "unused"
    return "1 annotation" if count == 1 else f"{count} annotations"


class LabelRowDelegate(QStyledItemDelegate):
    """Paints one codebook row on one line.

    Left: swatch, name (elided if it must be), and "(archived)" in grey italics.
    Right-aligned, so that rows line up: the shortcut as a key cap, then the
    annotation count in grey.
    """

    _PAD = 8

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 14))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        # Copies: opt's fields are views into the option, cleared just below.
        name, icon = opt.text, QIcon(opt.icon)
        # The style draws background, selection and focus; the content is ours.
        opt.text, opt.icon = "", QIcon()
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        ink = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        grey = QColor(ink)
        grey.setAlphaF(0.6)
        fm = opt.fontMetrics
        rect = opt.rect.adjusted(self._PAD, 0, -self._PAD, 0)
        middle = rect.center().y()

        painter.save()
        icon.paint(painter, QRect(rect.left(), middle - 7, 14, 14))

        # The count column is as wide as the widest count, so that key caps line up.
        model = index.model()
        count_width = max(
            fm.horizontalAdvance(uses_text(int(model.index(row, 0).data(COUNT_ROLE) or 0)))
            for row in range(model.rowCount())
        )
        count_rect = QRect(rect.right() - count_width, rect.top(), count_width, rect.height())
        painter.setPen(grey)
        align_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(count_rect, align_right, uses_text(int(index.data(COUNT_ROLE) or 0)))

        name_right = count_rect.left() - self._PAD
        shortcut = index.data(SHORTCUT_ROLE)
        if shortcut:
            width = fm.horizontalAdvance(shortcut) + 12
            cap = QRect(name_right - width, middle - fm.height() // 2 - 2, width, fm.height() + 4)
            painter.drawRoundedRect(cap, 3, 3)
            painter.setPen(ink)
            painter.drawText(cap, Qt.AlignmentFlag.AlignCenter, shortcut)
            name_right = cap.left() - self._PAD

        left = rect.left() + 14 + self._PAD
        suffix, suffix_font, suffix_width = "", opt.font, 0
        if index.data(ARCHIVED_ROLE):
            suffix = " (archived)"
            suffix_font = QFont(opt.font)
            suffix_font.setItalic(True)
            painter.setFont(suffix_font)
            suffix_width = painter.fontMetrics().horizontalAdvance(suffix)
            painter.setFont(opt.font)
        room = max(0, name_right - left - suffix_width)
        shown = fm.elidedText(name, Qt.TextElideMode.ElideRight, room)
        painter.setPen(ink)
        align_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(left, rect.top(), room, rect.height()), align_left, shown)
        if suffix:
            painter.setPen(grey)
            painter.setFont(suffix_font)
            after = left + fm.horizontalAdvance(shown)
            painter.drawText(
                QRect(after, rect.top(), suffix_width + 2, rect.height()), align_left, suffix
            )
        painter.restore()
