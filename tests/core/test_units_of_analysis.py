"""Units of analysis: paragraphs, sentences and characters as exact offsets of the stored text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing_app.core.text import normalise_text
from framing_app.core.units import (
    character_spans,
    paragraph_spans,
    sentence_spans,
    sentence_splitter,
)


def texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


def reference_paragraphs(text: str) -> list[tuple[int, int]]:
    """The rule as the module states it, the slow way: runs of non-blank lines, trimmed."""
    runs: list[list[int]] = []
    position = 0
    in_run = False
    for line in text.split("\n"):
        if line.strip():
            if in_run:
                runs[-1][1] = position + len(line)
            else:
                runs.append([position, position + len(line)])
            in_run = True
        else:
            in_run = False
        position += len(line) + 1
    spans = []
    for start, end in runs:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + len(piece.rstrip())))
    return spans


def check_well_formed(text: str, spans: list[tuple[int, int]]) -> None:
    """Disjoint, ascending, non-empty, and without white space at either end."""
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace()
        assert not text[end - 1].isspace()
        previous_end = end


# --------------------------------------------------------------------------- paragraphs


def test_paragraphs_at_blank_lines_without_their_white_space() -> None:
    text = "  Title line\n\nFirst paragraph,\nsecond line.  \n \t \n\n\tLast one.\n"
    assert texts(text, paragraph_spans(text)) == [
        "Title line",
        "First paragraph,\nsecond line.",
        "Last one.",
    ]
    assert paragraph_spans(text) == [(2, 12), (14, 43), (52, 61)]


def test_a_text_without_blank_lines_is_one_paragraph() -> None:
    text = "One line\nanother line\n  an indented one"
    assert paragraph_spans(text) == [(0, len(text))]


def test_white_space_only_has_no_paragraph() -> None:
    assert paragraph_spans("") == []
    assert paragraph_spans(" \n\t\n\u00a0\n") == []


def test_a_line_of_unicode_white_space_is_blank() -> None:
    # No-break space, ideographic space, line separator: str.isspace says white space.
    text = "one\n\u00a0\u3000\u2028\ntwo"
    assert texts(text, paragraph_spans(text)) == ["one", "two"]


def test_a_line_separator_inside_a_line_does_not_end_it() -> None:
    # Only LF ends a line in the stored text (normalise_text makes CR and CRLF LF).
    text = "one\u2028\u2028two"
    assert paragraph_spans(text) == [(0, len(text))]


def test_normalised_windows_line_ends_separate_paragraphs() -> None:
    text = normalise_text("one\r\n\r\ntwo\r\nthree\r\n")
    assert texts(text, paragraph_spans(text)) == ["one", "two\nthree"]


def test_emoji_and_cjk_offsets_are_code_points() -> None:
    text = "🌏 Asia 👨\u200d👩\u200d👧 family\n\n中国外交部发言人表示反对。\n\n👍🏽"
    spans = paragraph_spans(text)
    assert texts(text, spans) == [
        "🌏 Asia 👨\u200d👩\u200d👧 family",
        "中国外交部发言人表示反对。",
        "👍🏽",
    ]
    # The family emoji is five code points (three people, two joiners), the
    # thumbs-up with its skin tone two: offsets count code points, as the store does.
    assert spans == [(0, 19), (21, 34), (36, 38)]


@settings(max_examples=500)
@given(
    st.text(alphabet=st.sampled_from([" ", "\n", "\t", "a", "é", "\u00a0", "\u2028", "🌏", "."]))
)
def test_paragraphs_follow_the_stated_rule(text: str) -> None:
    spans = paragraph_spans(text)
    assert spans == reference_paragraphs(text)
    check_well_formed(text, spans)


def test_long_runs_of_white_space_take_linear_time() -> None:
    text = "a" + " " * 200_000 + "\n" + " \n" * 50_000 + "b" + "\t" * 100_000
    assert paragraph_spans(text) == [(0, 1), (len(text) - 100_001, len(text) - 100_000)]


# --------------------------------------------------------------------------- sentences


def test_sentence_splitter_is_named_with_its_version() -> None:
    assert sentence_splitter().startswith("syntok ")


def test_abbreviations_do_not_end_sentences() -> None:
    text = "The U.S. Department of State said so. Mr. Smith met Dr. Jones at 3 p.m. today."
    assert texts(text, sentence_spans(text)) == [
        "The U.S. Department of State said so.",
        "Mr. Smith met Dr. Jones at 3 p.m. today.",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = 'He said: “We oppose any interference.” Then he left. She said "No." It ended.'
    assert texts(text, sentence_spans(text)) == [
        "He said: “We oppose any interference.”",
        "Then he left.",
        'She said "No."',
        "It ended.",
    ]


def test_urls_and_numbers_are_not_split() -> None:
    text = "See http://example.com/a.b?c=d for 3.5 million. Next one."
    assert texts(text, sentence_spans(text)) == [
        "See http://example.com/a.b?c=d for 3.5 million.",
        "Next one.",
    ]


def test_sentences_with_emoji_keep_exact_offsets() -> None:
    text = "Emoji 🌏 here. Another 👍🏽 sentence! Family 👨\u200d👩\u200d👧 third."
    spans = sentence_spans(text)
    assert texts(text, spans) == [
        "Emoji 🌏 here.",
        "Another 👍🏽 sentence!",
        "Family 👨\u200d👩\u200d👧 third.",
    ]
    assert spans == [(0, 13), (14, 34), (35, 54)]


def test_chinese_and_japanese_sentences_end_at_fullwidth_marks() -> None:
    bang, ask = "\N{FULLWIDTH EXCLAMATION MARK}", "\N{FULLWIDTH QUESTION MARK}"
    text = f"中国外交部发言人表示反对。美国表示关切{bang}“这是第三句吗{ask}”是的。日本語の文です｡次"
    assert texts(text, sentence_spans(text)) == [
        "中国外交部发言人表示反对。",
        f"美国表示关切{bang}",
        f"“这是第三句吗{ask}”",
        "是的。",
        "日本語の文です｡",
        "次",
    ]


def test_text_the_splitter_would_normalise_keeps_its_own_characters() -> None:
    # A word hyphenated across a line break and a "n't" contraction are the
    # tokens syntok can rewrite (joined, "not"); the units are cut from the
    # stored text all the same.
    text = "The exam-\nple wasn't hyphen-\nated here. Didn't it? Yes."
    spans = sentence_spans(text)
    assert texts(text, spans) == [
        "The exam-\nple wasn't hyphen-\nated here.",
        "Didn't it?",
        "Yes.",
    ]


def test_sentences_never_cross_a_blank_line() -> None:
    text = "A heading without a stop\n\nThe body begins here. It goes on"
    assert texts(text, sentence_spans(text)) == [
        "A heading without a stop",
        "The body begins here.",
        "It goes on",
    ]


def test_sentences_follow_the_stated_rule_on_a_news_article() -> None:
    text = (
        "China, United States To Begin Human Rights Talks\n\n"
        "  The Chinese foreign ministry said Tuesday it \u201copposes\u201d any country "
        "using human rights issues to interfere in China\u2019s internal affairs.  "
        "Spokesman Hong Lei made the remarks\u2014ahead of the talks\u2014in Beijing.\n\n"
        "\u201cWe oppose any country using human rights issues as an excuse to interfere "
        "in China\u2019s domestic affairs.\u201d\n"
    )
    spans = sentence_spans(text)
    check_well_formed(text, spans)
    assert len(spans) == 4
    assert texts(text, spans)[0] == "China, United States To Begin Human Rights Talks"
    assert texts(text, spans)[2].endswith("in Beijing.")


PIECES = [" ", "\n", "a", "B", ".", "?", "!", "\u201d", '"', "(", ")", "U.S.", "。", "🌏", "e.g."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_sentences_tile_each_paragraph(text: str) -> None:
    """Every character of a paragraph that is not white space is in exactly one sentence."""
    sentences = sentence_spans(text)
    check_well_formed(text, sentences)
    for start, end in paragraph_spans(text):
        inside = [(s, e) for s, e in sentences if start <= s < end]
        assert all(e <= end for _, e in inside)
        covered = set()
        for s, e in inside:
            covered.update(range(s, e))
        wanted = {i for i in range(start, end) if not text[i].isspace()}
        assert wanted <= covered
    assert all(any(ps <= s and e <= pe for ps, pe in paragraph_spans(text)) for s, e in sentences)


def test_the_same_text_gives_the_same_sentences() -> None:
    text = "One. Two? Three! “Four.” Five (six. seven) eight."
    assert sentence_spans(text) == sentence_spans(str(text))
    assert sentence_spans(text) == sentence_spans("".join(list(text)))


# --------------------------------------------------------------------------- characters


@pytest.mark.parametrize("text", ["", "ab", "a b\n", "🌏👍🏽", "中文"])
def test_every_code_point_is_a_unit(text: str) -> None:
    assert character_spans(text) == [(i, i + 1) for i in range(len(text))]


def test_remembered_sentences_are_the_same_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second cut of a text comes from memory, equal to a fresh cut; memory stays bounded."""
    from framing_app.core import units

    monkeypatch.setattr(units, "_SENTENCES", type(units._SENTENCES)())
    monkeypatch.setattr(units, "_SENTENCES_KEPT", 3)
    texts = [
        f"Dr. Smith met Mr. Jones {n}. They talked. \N{EARTH GLOBE ASIA-AUSTRALIA} Fine!"
        for n in range(5)
    ]
    fresh = [units.sentence_spans(text) for text in texts]
    assert len(units._SENTENCES) == 3
    again = units.sentence_spans(texts[-1])
    assert again == fresh[-1]
    again.append((0, 1))  # the caller's list is its own
    assert units.sentence_spans(texts[-1]) == fresh[-1]
    monkeypatch.setattr(units, "_SENTENCES", type(units._SENTENCES)())
    assert [units.sentence_spans(text) for text in texts] == fresh
