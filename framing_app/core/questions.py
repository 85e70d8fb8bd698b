"""The rules of article-level questions and their answers, wherever they come from.

A question is about a whole article (the primary frame, the tone, whether it
is relevant, a count). It has a level of measurement (Stevens 1946;
Krippendorff 2011, section E) and, in order, the options a coder chooses
from:

* **nominal**: at least one option; an answer is one of them;
* **ordinal**: at least two options, in the order of the scale (negative <
  neutral < positive); an answer is one of them, and ordinal alpha ranks the
  answers by that order;
* **interval** and **ratio**: numbers. With options, an answer is one of
  them (compared as numbers: ``3`` and ``3.0`` are one option); without, any
  number. A ratio scale has an absolute zero, so its numbers are >= 0.

Question names and options follow the naming rule of labels and coders
(:func:`framing_app.core.names.clean_name`: NFC, trimmed, one line, at most
200 characters) and are compared as names are, ignoring case: a question
cannot offer ``Yes`` and ``yes``, and an answer ``YES`` is the option
``Yes``. Pure Python: the command line, the codebook file, the answer CSV
and the coding panel all go through these functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from framing_app.core.errors import FramingError
from framing_app.core.names import InvalidNameError, clean_name, name_key

LEVELS = ("nominal", "ordinal", "interval", "ratio")
"""The levels of measurement, as stored and as typed (``--level``)."""

NUMERIC_LEVELS = frozenset({"interval", "ratio"})

NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""A number as an option or answer: decimal notation, optionally signed, with an exponent."""


class InvalidQuestionError(FramingError):
    """A question, or an answer to one, breaks the rules of this module."""


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """A question as it travels in codebook files and between the layers (no id)."""

    name: str
    level: str = "nominal"
    options: tuple[str, ...] = ()
    definition: str = ""
    archived: bool = False

    @property
    def numeric(self) -> bool:
        """Whether answers are numbers (interval or ratio)."""
        return self.level in NUMERIC_LEVELS

    @property
    def free(self) -> bool:
        """Whether any number is an answer (a numeric question without options)."""
        return self.numeric and not self.options


def checked_level(level: str) -> str:
    """*level* as stored (lower case), or :class:`InvalidQuestionError` naming the choices."""
    key = level.strip().lower()
    if key not in LEVELS:
        raise InvalidQuestionError(
            f"unknown level of measurement '{level.strip()}'; choose one of {', '.join(LEVELS)}"
        )
    return key


def parse_number(text: str) -> float | None:
    """The number *text* writes in decimal notation (``3``, ``-1.5``, ``2e3``), else None."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def number_text(number: float) -> str:
    """How a number is stored: a whole number without a decimal point, else Python's repr."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def checked_question(
    name: str,
    level: str = "nominal",
    options: Iterable[str] = (),
    definition: str = "",
    archived: bool = False,
) -> QuestionSpec:
    """The question as stored: name and options cleaned, level checked (module docstring).

    Raises :class:`InvalidQuestionError` (one line) for a bad name or level,
    an empty, repeated (ignoring case, or the same number) or invalid option,
    a nominal question without options, an ordinal one with fewer than two,
    or an option of an interval or ratio question that is not a number (or
    is negative, for ratio).
    """
    try:
        name = clean_name(name, "question")
    except InvalidNameError as error:
        raise InvalidQuestionError(str(error)) from None
    level = checked_level(level)
    cleaned: list[str] = []
    seen: dict[object, str] = {}
    for raw in options:
        if not raw.strip():
            raise InvalidQuestionError(f"question '{name}': an option is empty")
        try:
            option = clean_name(raw, "option")
        except InvalidNameError as error:
            raise InvalidQuestionError(f"question '{name}': {error}") from None
        key: object = name_key(option)
        if level in NUMERIC_LEVELS:
            number = _number(name, level, option, "option")
            option, key = number_text(number), number
        if key in seen:
            raise InvalidQuestionError(
                f"question '{name}': option '{option}' is given twice (as '{seen[key]}')"
            )
        seen[key] = option
        cleaned.append(option)
    if level == "nominal" and not cleaned:
        raise InvalidQuestionError(
            f"question '{name}': a nominal question needs its options (e.g. --options \"a,b,c\")"
        )
    if level == "ordinal" and len(cleaned) < 2:
        raise InvalidQuestionError(
            f"question '{name}': an ordinal question needs at least two options, in the "
            'order of the scale (e.g. "negative,neutral,positive")'
        )
    return QuestionSpec(name, level, tuple(cleaned), definition, archived)


def _number(question: str, level: str, text: str, what: str) -> float:
    number = parse_number(text)
    if number is None:
        raise InvalidQuestionError(
            f"question '{question}' is {level}: {what} '{text}' is not a number "
            "(write it like 3, -1.5 or 2e3)"
        )
    if level == "ratio" and number < 0:
        raise InvalidQuestionError(
            f"question '{question}' is ratio: {what} '{text}' is negative "
            "(a ratio scale starts at an absolute zero)"
        )
    return number


def checked_answer(question: QuestionSpec, value: str) -> str:
    """*value* as stored for *question*: the option's own spelling, or the number's text.

    Raises :class:`InvalidQuestionError` for an empty value, one that is not
    an option (the options are listed), or not a number when numbers are
    asked for.
    """
    text = " ".join(value.split())
    if not text:
        raise InvalidQuestionError(f"question '{question.name}': the answer is empty")
    if question.numeric:
        number = _number(question.name, question.level, text, "answer")
        if question.free:
            return number_text(number)
        for option in question.options:
            if parse_number(option) == number:
                return option
    else:
        key = name_key(text)
        for option in question.options:
            if name_key(option) == key:
                return option
    raise InvalidQuestionError(
        f"question '{question.name}': '{text}' is not one of its options "
        f"({options_text(question.options)})"
    )


def options_text(options: Sequence[str]) -> str:
    """The options for a message or a table: ``a, b, c`` (``any number`` when there are none)."""
    return ", ".join(options) if options else "any number"


def split_options(text: str) -> list[str]:
    """The options of ``--options "a,b,c"``: split at commas, each trimmed; "" gives none."""
    if not text.strip():
        return []
    return [part.strip() for part in text.split(",")]
