"""Word (.docx) articles built with python-docx and read back."""

# Typographic quotes and dashes and non-Latin letters are what these tests are about.

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from framing_app.core.errors import InputFileError
from framing_app.formats.docx_article import read_docx


def build(path: Path, *, title: str | None = None) -> Path:
    """A document with a heading, body paragraphs, an empty paragraph and a table."""
    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    document.add_heading("Austerity   returns", level=1)
    document.add_paragraph("The chancellor announced £2bn of cuts – “unavoidable”, he said.")
    document.add_paragraph("")
    document.add_paragraph("   ")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Department"
    table.cell(0, 1).text = "Cut"
    merged = table.cell(0, 2).merge(table.cell(1, 2))  # spans two rows
    merged.text = "Note"
    table.cell(1, 0).text = "Health"
    table.cell(1, 1).text = "5 %"
    wide = table.cell(2, 0).merge(table.cell(2, 2))  # spans three columns
    wide.text = "Total: £2bn"
    document.add_paragraph("Opposition leaders called the plan 中国-style 🙃.")
    document.save(str(path))
    return path


EXPECTED_TEXT = (
    "Austerity   returns\n\n"
    "The chancellor announced £2bn of cuts – “unavoidable”, he said.\n\n"
    "Department\n\nCut\n\nNote\n\nHealth\n\n5 %\n\nTotal: £2bn\n\n"
    "Opposition leaders called the plan 中国-style 🙃."
)


def test_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    path = build(tmp_path / "2012-07-03_guardian.docx", title="  Core   title ")
    article = read_docx(path)
    assert article.text == EXPECTED_TEXT
    assert article.title == "Core title"
    assert article.external_id == "2012-07-03_guardian"
    assert article.published == "2012-07-03"
    assert article.origin == str(path)


def test_title_falls_back_to_first_paragraph(tmp_path: Path) -> None:
    article = read_docx(build(tmp_path / "story.docx"))
    assert article.title == "Austerity returns"
    assert article.published is None


def test_text_in_nested_tables_is_read(tmp_path: Path) -> None:
    document = docx.Document()
    outer = document.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    cell.text = "Outer"
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Inner A"
    inner.cell(0, 1).text = "Inner B"
    path = tmp_path / "nested.docx"
    document.save(str(path))
    assert read_docx(path).text == "Outer\n\nInner A\n\nInner B"


def test_text_is_normalised(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(unicodedata.normalize("NFD", "Élève à Zürich"))
    path = tmp_path / "nfd.docx"
    document.save(str(path))
    assert read_docx(path).text == "Élève à Zürich"


def test_empty_document_is_rejected(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("  ")
    path = tmp_path / "empty.docx"
    document.save(str(path))
    with pytest.raises(InputFileError) as caught:
        read_docx(path)
    assert str(caught.value) == f"{path}: the file holds no text"


def test_not_a_zip_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(b"This is plain text saved with the wrong suffix.")
    with pytest.raises(InputFileError) as caught:
        read_docx(path)
    assert str(caught.value).startswith(f"{path}: not a readable .docx file: ")


def test_zip_without_word_parts_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    with pytest.raises(InputFileError, match=r"not a readable \.docx file"):
        read_docx(path)


def test_truncated_document_is_rejected(tmp_path: Path) -> None:
    whole = build(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputFileError, match=r"not a readable \.docx file"):
        read_docx(path)


def test_broken_document_xml_is_rejected(tmp_path: Path) -> None:
    whole = build(tmp_path / "whole.docx")
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[:300]  # cut inside the XML
            target.writestr(item, data)
    with pytest.raises(InputFileError, match=r"not a readable \.docx file"):
        read_docx(path)


def test_missing_file_gives_the_system_reason(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_docx(tmp_path / "gone.docx")
    assert caught.value.reason == "no such file or directory"
