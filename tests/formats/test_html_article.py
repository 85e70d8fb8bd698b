"""HTML articles: readable text, title, metadata and the page's declared encoding."""

# Typographic quotes and dashes and non-Latin letters are what these tests are about.

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from framing_app.core.errors import InputFileError
from framing_app.formats.html_article import read_html

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>  Budget   cuts &amp; the
     “crisis” </title>
  <meta property="og:site_name" content="NPR">
  <meta property="og:url" content="https://npr.org/og">
  <link rel="canonical" href="https://npr.org/2011/04/26/budget">
  <meta property="article:published_time" content="2011-04-26T10:00:00-04:00">
  <style>p { color: red }</style>
  <script>var hidden = "<p>script text</p>";</script>
</head>
<body>
  <nav><ul><li>Home</li><li>News</li></ul></nav>
  <article>
    <h1>The   headline</h1>
    <p>First   paragraph
       with <b>bold</b> and <a href="#">a link</a>&nbsp;here.</p>
    <p>&nbsp;</p>
    <div>Second &eacute;l&egrave;ve &#8364; &#x2014; done<br>after the break</div>
    <blockquote>A quote</blockquote>
    <pre>
  indented   code
    kept</pre>
    <table><tr><td>cell a</td><td>cell b</td></tr><tr><th>cell c</th></tr></table>
    <svg><title>icon title</title><text>svg text</text></svg>
    <noscript>Please enable JavaScript</noscript>
    <template><p>template text</p></template>
  </article>
  <footer>© 2011 NPR</footer>
</body>
</html>
"""

PAGE_TEXT = (
    "Home\n\nNews\n\nThe headline\n\n"
    "First paragraph with bold and a link\xa0here.\n\n"
    "Second élève € — done\n\nafter the break\n\n"
    "A quote\n\n"
    "  indented   code\n    kept\n\n"
    "cell a cell b\n\ncell c\n\n"
    "© 2011 NPR"
)


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_full_page(tmp_path: Path) -> None:
    path = write(tmp_path / "budget.html", PAGE)
    article = read_html(path)
    assert article.text == PAGE_TEXT
    assert article.title == "Budget cuts & the “crisis”"
    assert article.source == "NPR"
    assert article.url == "https://npr.org/2011/04/26/budget"
    assert article.published == "2011-04-26"
    assert article.external_id == "budget"
    assert article.origin == str(path)


def test_crlf_page_gives_lf_text(tmp_path: Path) -> None:
    path = write(tmp_path / "budget.htm", PAGE.replace("\n", "\r\n"))
    assert read_html(path).text == PAGE_TEXT


def test_title_falls_back_to_first_h1_then_first_line(tmp_path: Path) -> None:
    with_h1 = write(
        tmp_path / "a.html",
        "<body><p>Intro</p><h1>Main  <i>story</i></h1><h1>Second</h1><p>Text</p></body>",
    )
    assert read_html(with_h1).title == "Main story"
    plain = write(tmp_path / "b.html", "<body><p>Only   a paragraph</p><p>two</p></body>")
    assert read_html(plain).title == "Only a paragraph"


def test_svg_title_is_not_the_page_title(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", "<body><svg><title>Logo</title></svg><p>Words</p></body>")
    article = read_html(path)
    assert article.title == "Words"
    assert article.text == "Words"


def test_url_from_og_url_without_canonical(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.html",
        '<head><meta property="og:url" content=" https://example.org/x "></head><p>t</p>',
    )
    assert read_html(path).url == "https://example.org/x"


def test_published_from_time_element_then_file_stem(tmp_path: Path) -> None:
    timed = write(
        tmp_path / "2010-01-01_x.html",
        '<p>Posted <time datetime="2011-04-26T09:30:00Z">Tuesday</time></p>'
        '<p><time datetime="2012-01-01">later</time></p>',
    )
    assert read_html(timed).published == "2011-04-26"
    untimed = write(tmp_path / "2010-01-02_y.html", "<p>No date here</p>")
    assert read_html(untimed).published == "2010-01-02"


def test_unrecognised_published_time_is_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.html",
        '<meta property="article:published_time" content="early spring"><p>t</p>',
    )
    assert read_html(path).published == "early spring"


def test_unclosed_head_does_not_swallow_the_body(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", "<html><head><title>T</title><p>Body text</p></html>")
    article = read_html(path)
    assert article.title == "T"
    assert article.text == "Body text"


def test_entities_and_numeric_references(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.html", "<p>&lt;tag&gt; &quot;q&quot; &#39;s&#39; &#x1F600; &copy;</p>"
    )
    assert read_html(path).text == "<tag> \"q\" 's' 😀 ©"


def test_declared_windows_1252_charset(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"><title>Maßnahmen</title></head>'
    page += "<body><p>„Schön“ – sagte sie, 5 €.</p></body></html>"
    article = read_html(write(tmp_path / "a.html", page.encode("cp1252")))
    assert article.title == "Maßnahmen"
    assert article.text == "„Schön“ – sagte sie, 5 €."


def test_declared_latin1_means_windows_1252(tmp_path: Path) -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    page += "<p>“Quoted” – café</p>"
    article = read_html(write(tmp_path / "a.html", page.encode("cp1252")))
    assert article.text == "“Quoted” – café"


def test_declared_cyrillic_charset_is_honoured(tmp_path: Path) -> None:
    page = '<meta charset="koi8-r"><p>Новости дня</p>'
    assert read_html(write(tmp_path / "a.html", page.encode("koi8_r"))).text == "Новости дня"


def test_declared_charset_beats_detection(tmp_path: Path) -> None:
    # Detection alone reads this short Polish text as cp1252 ("powiedzia³").
    page = '<meta charset="windows-1250"><p>Premier powiedział, że budżet będzie większy.</p>'
    article = read_html(write(tmp_path / "a.html", page.encode("cp1250")))
    assert article.text == "Premier powiedział, że budżet będzie większy."


def test_wrong_declaration_falls_back_to_detection(tmp_path: Path) -> None:
    page = '<meta charset="utf-8"><p>Größere Maßnahmen – „schön“</p>'
    article = read_html(write(tmp_path / "a.html", page.encode("cp1252")))
    assert article.text == "Größere Maßnahmen – „schön“"


def test_valid_utf8_wins_over_a_wrong_declaration(tmp_path: Path) -> None:
    page = '<meta charset="iso-8859-1"><p>Zürich – “ok”</p>'
    assert read_html(write(tmp_path / "a.html", page.encode())).text == "Zürich – “ok”"


def test_bom_wins_over_the_declaration(tmp_path: Path) -> None:
    page = '<meta charset="windows-1252"><p>Grüße</p>'
    data = codecs.BOM_UTF16_LE + page.encode("utf-16-le")
    assert read_html(write(tmp_path / "a.html", data)).text == "Grüße"


def test_explicit_encoding_wins(tmp_path: Path) -> None:
    page = '<meta charset="utf-8"><p>Правительство</p>'
    path = write(tmp_path / "a.html", page.encode("cp1251"))
    assert read_html(path, encoding="cp1251").text == "Правительство"


def test_page_without_text_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.html", "<html><head><title>T</title></head><body> </body>")
    with pytest.raises(InputFileError) as caught:
        read_html(path)
    assert str(caught.value) == f"{path}: the file holds no text"


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", b"<p>\x00\x01\x02</p>")
    with pytest.raises(InputFileError, match="binary"):
        read_html(path)
