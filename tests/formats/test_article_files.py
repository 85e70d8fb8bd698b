"""Finding article files in folders and reading each with the reader for its suffix."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest

from framing_app.core.errors import InputFileError
from framing_app.formats.article_files import (
    ARTICLE_SUFFIXES,
    find_article_files,
    read_article_file,
)


def touch(path: Path, content: bytes = b"Title\n\nBody.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def make_docx(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def test_folder_walk_order_recursion_and_skips(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    touch(root / "b.txt")
    touch(root / "A.MD")
    touch(root / "c" / "z.html")
    touch(root / "c" / "deeper" / "y.HTM")
    touch(root / "c" / "a.tsv", b"text\nx\n")
    touch(root / "d.csv", b"text\nx\n")
    make_docx(root / "e.docx", "Word text")
    # Not taken:
    touch(root / "notes.pdf")
    touch(root / "image.png")
    touch(root / "README")
    touch(root / ".hidden.txt")
    touch(root / ".git" / "HEAD.txt")
    touch(root / ".cache" / "inner" / "article.txt")
    touch(root / "~$e.docx", b"lock")
    touch(root / "c" / "~$draft.docx", b"lock")
    assert find_article_files([root]) == [
        root / "A.MD",
        root / "b.txt",
        root / "c" / "a.tsv",
        root / "c" / "deeper" / "y.HTM",
        root / "c" / "z.html",
        root / "d.csv",
        root / "e.docx",
    ]


def test_files_given_directly_keep_their_order_and_appear_once(tmp_path: Path) -> None:
    second = touch(tmp_path / "folder" / "second.txt")
    first = touch(tmp_path / "first.md")
    hidden = touch(tmp_path / ".hidden.txt")
    found = find_article_files([first, tmp_path / "folder", second, hidden, first])
    assert found == [first, second, hidden]


def test_unsupported_suffix_given_directly(tmp_path: Path) -> None:
    path = touch(tmp_path / "scan.xyz")
    with pytest.raises(InputFileError) as caught:
        find_article_files([path])
    assert str(caught.value) == (
        f"{path}: unsupported file type '.xyz'; "
        "supported: .txt, .md, .html, .htm, .docx, .csv, .tsv"
    )


def test_file_without_suffix_given_directly(tmp_path: Path) -> None:
    path = touch(tmp_path / "README")
    with pytest.raises(InputFileError) as caught:
        find_article_files([path])
    assert caught.value.reason.startswith("unsupported file type (no suffix); supported: .txt")


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(InputFileError) as caught:
        find_article_files([touch(tmp_path / "ok.txt"), missing])
    assert str(caught.value) == f"{missing}: no such file or folder"


def test_empty_folder_gives_no_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert find_article_files([tmp_path / "empty"]) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_folder_link_loops_are_not_followed(tmp_path: Path) -> None:
    article = touch(tmp_path / "corpus" / "a.txt")
    (tmp_path / "corpus" / "loop").symlink_to(tmp_path / "corpus", target_is_directory=True)
    assert find_article_files([tmp_path / "corpus"]) == [article]


def test_read_article_file_dispatches_on_suffix(tmp_path: Path) -> None:
    txt = touch(tmp_path / "2011-04-26_a.TXT", b"Plain title\n\nPlain body.")
    md = touch(tmp_path / "b.md", b"# Markdown title\n\nBody.")
    html = touch(tmp_path / "c.htm", b"<title>Page</title><p>Para one</p><p>Para two</p>")
    word = make_docx(tmp_path / "d.docx", "Word text")
    csv_file = touch(tmp_path / "e.csv", b"id;text\r\nr1;one\r\nr2;two\r\n")
    tsv_file = touch(tmp_path / "f.tsv", b"id\ttext\nt1\tthree\n")
    assert [(a.title, a.published) for a in read_article_file(txt)] == [
        ("Plain title", "2011-04-26")
    ]
    assert [a.title for a in read_article_file(md)] == ["Markdown title"]
    assert [a.text for a in read_article_file(html)] == ["Para one\n\nPara two"]
    assert [a.text for a in read_article_file(word)] == ["Word text"]
    assert [(a.external_id, a.text) for a in read_article_file(csv_file)] == [
        ("r1", "one"),
        ("r2", "two"),
    ]
    assert [(a.external_id, a.text) for a in read_article_file(tsv_file)] == [("t1", "three")]


def test_encoding_reaches_text_readers_and_is_ignored_for_docx(tmp_path: Path) -> None:
    russian = "Новости дня"
    txt = touch(tmp_path / "ru.txt", russian.encode("koi8_r"))
    table = touch(tmp_path / "ru.csv", f"text\n{russian}\n".encode("koi8_r"))
    page = touch(tmp_path / "ru.html", f"<p>{russian}</p>".encode("koi8_r"))
    word = make_docx(tmp_path / "ru.docx", russian)
    for path in (txt, table, page, word):
        assert [a.text.strip() for a in read_article_file(path, encoding="koi8-r")] == [russian]


def test_read_article_file_rejects_unsupported_suffix(tmp_path: Path) -> None:
    path = touch(tmp_path / "data.json", b"{}")
    with pytest.raises(InputFileError, match=r"unsupported file type '\.json'"):
        read_article_file(path)


def test_os_error_gives_the_system_reason(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.txt"
    folder.mkdir()
    with pytest.raises(InputFileError) as caught:
        read_article_file(folder)
    assert str(caught.value) == f"{folder}: is a directory"


def test_permission_denied_message_when_running_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads any file, so the system's refusal is simulated here.
    path = touch(tmp_path / "locked.txt")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputFileError) as caught:
        read_article_file(path)
    assert str(caught.value) == f"{path}: permission denied"


def test_suffix_list() -> None:
    assert ARTICLE_SUFFIXES == (".txt", ".md", ".html", ".htm", ".docx", ".csv", ".tsv")
