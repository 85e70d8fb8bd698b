"""The agreement report of a reliability matrix made elsewhere (``agreement --matrix``).

The file is read by :mod:`framing_app.formats.reliability_matrix`; each of
its items becomes one row of an
:class:`~framing_app.services.agreement_report.AgreementReport`, every item
at the one level of measurement asked for. How an item's cells become
reliability data:

* an item whose values are all numbers (decimal notation: ``3``, ``-1.5``,
  ``2e3``; not ``1,5``, not ``NaN``) is numeric: its scale is the values
  used, in numerical order, which is the order ordinal alpha ranks them by
  and the numbers interval and ratio alpha measure differences of;
* an item holding only 0 and 1 is a present/absent variable on the scale
  0/1, as the project's labels are, so that Gwet's AC1 has q = 2 even when
  one of the two never occurs and a matrix written by ``export reliability``
  gives back the project's numbers;
* any other item is a set of category names, which only the nominal level
  can measure: at another level it is refused, naming the file, the item,
  the unit and the value;
* unless the item's *scale* is given (``--scale ITEM=a,b,c``): then its
  categories are exactly those, in that order (the ranks of ordinal alpha),
  categories nobody used included (Gwet's q), and a cell outside them is
  refused. That is how an article-level question exported by ``export
  reliability`` reads back to the project's numbers: the file holds the
  answers, the scale says their order and the options nobody chose.

Each item is measured at the one *level* asked for, or at its own when
*item_levels* names it (``--level tone=ordinal``).

The row's kind is :data:`~framing_app.services.agreement_report.MATRIX_KIND`
(a file does not say whether an item is a label or a question), the
report's unit and articles are ``None`` and its matrix is the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np

from framing_app.core.agreement import Level, ReliabilityData, ReliabilityDataError, tally
from framing_app.core.agreement import reliability_data as make_reliability_data
from framing_app.core.agreement.bootstrap import DEFAULT_RESAMPLES
from framing_app.core.errors import InputFileError, NotFoundError
from framing_app.core.names import name_key
from framing_app.formats.reliability_matrix import MatrixItem, read_matrix
from framing_app.services.agreement_report import (
    DEFAULT_SEED,
    MATRIX_KIND,
    AgreementReport,
    agreement_row,
    check_bootstrap,
)
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report

NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""A cell that is a number: decimal notation, optionally signed, optionally with an exponent."""

ALPHA_U_REASON = "Krippendorff's unitizing alpha (alpha_u) needs spans; a matrix has none"


def matrix_report(
    path: Path,
    *,
    level: Level | str = Level.NOMINAL,
    item_levels: Mapping[str, Level | str] | None = None,
    scales: Mapping[str, Sequence[str]] | None = None,
    items: Sequence[str] | None = None,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> AgreementReport:
    """The report of the reliability matrix file *path*, every item at *level*.

    *items* keeps only the items of those names (compared as label names
    are, ignoring case), in the file's order; a name the file lacks is a
    :class:`~framing_app.core.errors.NotFoundError`. The file's errors are
    :class:`~framing_app.core.errors.InputFileError`\\ s (see
    :func:`~framing_app.formats.reliability_matrix.read_matrix` and
    :func:`report_from_matrix`).
    """
    path = Path(path)
    matrix = read_matrix(path)
    # Levels and scales may name items that --label leaves out, not items the file lacks.
    item_levels = {find_item(path, matrix, n).item: v for n, v in (item_levels or {}).items()}
    scales = {find_item(path, matrix, n).item: v for n, v in (scales or {}).items()}
    if items is not None:
        matrix = select_items(path, matrix, items)
    return report_from_matrix(
        path,
        matrix,
        level=level,
        item_levels=item_levels,
        scales=scales,
        bootstrap=bootstrap,
        seed=seed,
        progress=progress,
        should_cancel=should_cancel,
    )


def report_from_matrix(
    path: Path,
    matrix: Sequence[MatrixItem],
    *,
    level: Level | str = Level.NOMINAL,
    item_levels: Mapping[str, Level | str] | None = None,
    scales: Mapping[str, Sequence[str]] | None = None,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> AgreementReport:
    """The report of *matrix* (read from *path*, which error messages name).

    Raises :class:`~framing_app.core.errors.InputFileError` naming *path* and
    the item when an item cannot be measured at *level*: text that is not a
    number at the ordinal, interval or ratio level, or a negative number at
    the ratio level.
    """
    check_bootstrap(bootstrap, seed)
    wanted = Level(level)
    if not matrix:
        raise InputFileError(path, "the matrix has no items")
    # Named as the items are (any case); a name no item has is ignored here:
    # matrix_report has checked the names against the whole file.
    levels = {name_key(name): Level(value) for name, value in (item_levels or {}).items()}
    scale_of = {name_key(name): tuple(scale) for name, scale in (scales or {}).items()}
    coders = matrix[0].coders
    rows = []
    for done, item in enumerate(matrix):
        check_cancel(should_cancel, "agreement report")
        report(progress, done, len(matrix), "computing")
        key = name_key(item.item)
        item_level = levels.get(key, wanted)
        try:
            data = item_data(path, item, item_level, scale_of.get(key))
            row = agreement_row(
                item.item, MATRIX_KIND, data, item_level, coders, ALPHA_U_REASON, bootstrap, seed
            )
        except ReliabilityDataError as error:
            raise InputFileError(path, f"item {item.item!r}: {error}") from None
        rows.append(row)
    report(progress, len(matrix), len(matrix), "computing")
    return AgreementReport(
        coders=tuple(coders),
        unit=None,
        articles=None,
        excluded=None,
        overlap=None,
        matrix=path,
        rows=tuple(rows),
        bootstrap=bootstrap,
        seed=seed,
    )


def select_items(
    path: Path, matrix: Sequence[MatrixItem], names: Sequence[str]
) -> list[MatrixItem]:
    """The items of *matrix* named in *names* (any case), in the file's order."""
    chosen = {name_key(find_item(path, matrix, name).item) for name in names}
    return [item for item in matrix if name_key(item.item) in chosen]


def find_item(path: Path, matrix: Sequence[MatrixItem], name: str) -> MatrixItem:
    """The item of *matrix* called *name* (any case), or a NotFoundError listing its items."""
    key = name_key(name)
    for item in matrix:
        if name_key(item.item) == key:
            return item
    shown = ", ".join(repr(i.item) for i in matrix[:10])
    more = f" and {len(matrix) - 10} more" if len(matrix) > 10 else ""
    raise NotFoundError(f"{path} has no item named {name!r}; its items: {shown}{more}")


def item_data(
    path: Path, item: MatrixItem, level: Level, scale: Sequence[str] | None = None
) -> ReliabilityData:
    """The reliability data of one matrix item, on its *scale* if given (module docstring)."""
    if scale is not None:
        return _scaled_data(path, item, scale)
    shape = (len(item.values), len(item.coders))
    # Each distinct cell is parsed once: a matrix repeats a few values.
    codes: dict[str, int] = {}
    inverse = np.fromiter(
        (codes.setdefault(cell, len(codes)) for row in item.values for cell in row),
        dtype=np.int64,
        count=shape[0] * shape[1],
    ).reshape(shape)
    texts = list(codes)
    numeric = [text == "" or NUMBER.fullmatch(text) is not None for text in texts]
    if all(numeric):
        table = np.array([float(text) if text else np.nan for text in texts], dtype=np.float64)
        numbers = table[inverse] if texts else np.full(shape, np.nan)
        used = set(np.unique(numbers[~np.isnan(numbers)]).tolist())
        # A 0/1 item is present/absent, on the scale 0/1 whatever was used.
        categories = (0, 1) if used <= {0.0, 1.0} else None
        return tally(make_reliability_data(numbers, categories=categories))
    if level is not Level.NOMINAL:
        text_cells = ~np.array(numeric, dtype=bool)[inverse]
        unit, coder = np.unravel_index(int(np.argmax(text_cells)), shape)
        raise InputFileError(
            path,
            f"item {item.item!r}: {level.value} data must be numbers, but "
            f"{item.coders[coder]} gave unit {item.units[unit]!r} the value "
            f"{item.values[unit][coder]!r}; use the nominal level for categories given "
            "as text, or write them as numbers in order",
        )
    names = np.array([text or None for text in texts], dtype=object)
    # Tallied as project reports are, so that a matrix exported from a project
    # gives back exactly the project's numbers (the sums run in one order).
    return tally(
        make_reliability_data(names[inverse] if texts else np.full(shape, None, dtype=object))
    )


def _scaled_data(path: Path, item: MatrixItem, scale: Sequence[str]) -> ReliabilityData:
    """An item on a given scale: numbers if every category is one, else category names."""
    if not scale or len(set(scale)) != len(scale):
        raise InputFileError(
            path, f"item {item.item!r}: the scale must list each category once: {list(scale)!r}"
        )
    cells = [cell for row in item.values for cell in row]
    shape = (len(item.values), len(item.coders))
    if all(NUMBER.fullmatch(category) for category in scale):
        categories: tuple[float | str, ...] = tuple(float(category) for category in scale)
        known = set(categories)
        values = []
        for cell in cells:
            number = float(cell) if cell and NUMBER.fullmatch(cell) else None
            if cell and number not in known:
                _off_scale(path, item, cell, scale)
            values.append(np.nan if number is None else number)
        numbers = np.array(values, dtype=np.float64).reshape(shape)
        return tally(make_reliability_data(numbers, categories=categories))
    known_names = set(scale)
    for cell in cells:
        if cell and cell not in known_names:
            _off_scale(path, item, cell, scale)
    names = np.array([cell or None for cell in cells], dtype=object).reshape(shape)
    return tally(make_reliability_data(names, categories=tuple(scale)))


def _off_scale(path: Path, item: MatrixItem, cell: str, scale: Sequence[str]) -> NoReturn:
    raise InputFileError(
        path, f"item {item.item!r}: the value {cell!r} is not on its scale {', '.join(scale)}"
    )
