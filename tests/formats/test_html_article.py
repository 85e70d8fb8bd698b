"""HTML articles: readable text, title, metadata and the page's declared encoding."""

# Typographic quotes and dashes and non-Latin letters are what these tests are about.

from __future__ import annotations

import codecs
import socket
from collections.abc import Callable
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
    # Too little text for a main text: read whole, by the fallback reader.
    path = write(tmp_path / "budget.html", PAGE)
    article = read_html(path)
    assert article.text == PAGE_TEXT
    # The page's one <h1> is its headline; the <title> comes after it now.
    assert article.title == "The headline"
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


# Realistic news pages: the article between the furniture of a news site.
HEADLINE = "Talks resume after three years"
PARAGRAPHS = [
    "Negotiators from both governments returned to the table on Tuesday after a break of "
    "nearly three years, promising a frank exchange on detained lawyers and press freedom.",
    "Officials described the first session as “constructive but difficult”, and said the "
    "agenda included the treatment of ethnic minorities and the rights of migrant workers.",
    "Critics said the talks risked becoming a ritual. “Dialogue is not a substitute for "
    "results,” said a spokesperson for a human rights group based in Hong Kong.",
    "The foreign ministry rejected what it called interference in domestic affairs and said "
    "the country had made historic progress in lifting hundreds of millions out of poverty.",
    "A second round is planned for the autumn, when both sides are expected to publish a "
    "joint statement setting out the areas where they agree and those where they do not.",
]
ARTICLE_TEXT = "\n\n".join([HEADLINE, *PARAGRAPHS])
# Strings of the page around the article, none of which may reach the stored text.
FURNITURE = [
    "Politics",
    "Subscribe",
    "cookies",
    "Accept all",
    "Manage preferences",
    "Share on",
    "Email this article",
    "Photograph",
    "Most read",
    "Celebrity chef",
    "Related stories",
    "Previous round",
    "Privacy policy",
    "All rights reserved",
    "dataLayer",
    "Posted by",
]
HEADER = """
<header class="site-header">
  <a class="logo" href="/"><img src="/logo.svg" alt="The Daily Ledger"></a>
  <nav class="main-nav"><ul>
    <li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
    <li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li>
    <li><a href="/subscribe">Subscribe</a></li></ul></nav>
</header>
<div id="cookie-banner" class="cookie-consent">
  <p>We use cookies to improve your experience and to show you personalised advertising.
  By clicking Accept all you agree to our use of cookies.</p>
  <button>Accept all</button><button>Manage preferences</button>
</div>
"""
SHARE = """
<ul class="share-buttons">
  <li><a href="https://facebook.com/share">Share on Facebook</a></li>
  <li><a href="https://x.com/share">Share on X</a></li>
  <li><a href="mailto:?subject=talks">Email this article</a></li>
</ul>
"""
FIGURE = """
<figure class="lead-image">
  <img src="/img/talks.jpg" alt="Delegates at the table">
  <figcaption>Delegates take their seats in Geneva. Photograph: Agency staff</figcaption>
</figure>
"""
MOST_READ = """
<aside class="most-read">
  <h2>Most read</h2>
  <ol>
    <li><a href="/a">Celebrity chef opens restaurant on the moon</a></li>
    <li><a href="/b">Ten gadgets you will not believe exist</a></li>
    <li><a href="/c">Markets tumble as investors fret over rates</a></li>
  </ol>
</aside>
"""
RELATED = """
<section class="related">
  <h3>Related stories</h3>
  <ul><li><a href="/r1">Previous round of talks ended without agreement</a></li>
  <li><a href="/r2">Explainer: what is at stake for both sides</a></li></ul>
</section>
"""
FOOTER = """
<footer class="site-footer">
  <ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy policy</a></li>
  <li><a href="/terms">Terms of use</a></li></ul>
  <p>© 2024 The Daily Ledger Media Group. All rights reserved.</p>
</footer>
"""


def head(title: str, site_name: str) -> str:
    return f"""<head><meta charset="utf-8">
<title>{title}</title>
<meta property="og:site_name" content="{site_name}">
<meta property="og:title" content="{title}">
<link rel="canonical" href="https://ledger.example/world/2024/05/14/talks-resume">
<meta property="article:published_time" content="2024-05-14T08:30:00Z">
</head>"""


def paragraphs(tag: str = "p", attributes: str = "") -> str:
    return "\n".join(f"<{tag}{attributes}>{text}</{tag}>" for text in PARAGRAPHS)


def news_page() -> str:
    """A news site: the story in <article>, the site's furniture around it."""
    return f"""<!DOCTYPE html><html lang="en">
{head(HEADLINE + " | The Daily Ledger", "The Daily Ledger")}<body>{HEADER}
<main><article>
<h1>{HEADLINE}</h1>
<p class="byline">By Jane Reporter</p>
<time datetime="2024-05-14T08:30:00Z">14 May 2024</time>
{SHARE}{FIGURE}
<div class="article-body">{paragraphs()}</div>
{SHARE}
</article>{MOST_READ}{RELATED}</main>{FOOTER}
<script>window.dataLayer = [];</script></body></html>"""


def blog_page() -> str:
    """A blog: nothing but <div>s, the headline an <h2>, a sidebar."""
    return f"""<!DOCTYPE html><html lang="en">
{head(HEADLINE + " - Ledger Blog", "Ledger Blog")}<body>
<div id="top">{HEADER}</div>
<div class="wrapper"><div class="content">
<div class="post">
<div class="post-header"><h2 class="post-title">{HEADLINE}</h2>
<div class="meta">Posted by admin on May 14, 2024</div></div>
{SHARE}
<div class="post-entry">{paragraphs()}</div>
</div>
<div class="sidebar">{MOST_READ}</div>
</div></div>
<div class="footer">{FOOTER}</div></body></html>"""


def split_page() -> str:
    """The main text split across <div class="paragraph"> elements, no <p> at all."""
    return f"""<!DOCTYPE html><html lang="en">
{head(HEADLINE + " – Ledger News", "The Daily Ledger")}<body>{HEADER}
<div class="page"><div class="story">
<div class="headline"><h1>{HEADLINE}</h1></div>
{SHARE}{FIGURE}
<div class="story-body">{paragraphs("div", ' class="paragraph"')}</div>
</div>{RELATED}{MOST_READ}</div>{FOOTER}</body></html>"""


@pytest.mark.parametrize("page", [news_page, blog_page, split_page])
def test_only_the_article_is_kept(tmp_path: Path, page: Callable[[], str]) -> None:
    path = write(tmp_path / "2024-05-14_ledger_talks.html", page())
    article = read_html(path)
    assert article.text == ARTICLE_TEXT
    for furniture in FURNITURE:
        assert furniture not in article.text
    assert article.title == HEADLINE
    assert article.url == "https://ledger.example/world/2024/05/14/talks-resume"
    assert article.published == "2024-05-14"


def test_same_bytes_same_text(tmp_path: Path) -> None:
    first = write(tmp_path / "a.html", news_page())
    second = write(tmp_path / "b.html", news_page())
    # Reading other pages in between must not change what a page gives.
    texts = [read_html(path).text for path in (first, second, first, second)]
    assert texts == [ARTICLE_TEXT] * 4


def test_no_network_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("read_html tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert read_html(write(tmp_path / "a.html", split_page())).text == ARTICLE_TEXT


def test_headline_is_put_first_when_the_main_text_lacks_it(tmp_path: Path) -> None:
    # On this page the main text the library finds is the story body alone.
    article = read_html(write(tmp_path / "a.html", news_page()))
    assert article.text.startswith(HEADLINE + "\n\n" + PARAGRAPHS[0])
    assert article.text.count(HEADLINE) == 1


def test_page_without_main_text_is_read_whole(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Notes</title></head><body>"
        '<div class="menu"><a href="/">Home</a></div>'
        "<p>Short note.</p><p>Another  line.</p></body></html>"
    )
    article = read_html(write(tmp_path / "notes.html", page))
    assert article.text == "Home\n\nShort note.\n\nAnother line."
    assert article.title == "Notes"


@pytest.mark.parametrize(
    ("title", "site_name", "expected"),
    [
        ("Talks resume | The Guardian", "The Guardian", "Talks resume"),
        ("U.S. and China resume talks - Reuters", "", "U.S. and China resume talks"),
        ("Talks resume – BBC News", "BBC News", "Talks resume"),
        ("Talks resume — BBC News", "", "Talks resume"),
        # Not site names: the second half of a headline, a colon.
        ("Budget cuts - the crisis deepens", "", "Budget cuts - the crisis deepens"),
        ("Explainer: what is at stake", "Ledger", "Explainer: what is at stake"),
        # A site name alone is no title: the <title> without it is.
        ("Reuters", "Reuters", ""),
    ],
)
def test_title_loses_the_site_name(
    tmp_path: Path, title: str, site_name: str, expected: str
) -> None:
    meta = f'<meta property="og:site_name" content="{site_name}">' if site_name else ""
    page = f"""<html><head><title>{title}</title>{meta}
<meta property="og:title" content="{title}"></head>
<body><article>{paragraphs()}</article></body></html>"""
    article = read_html(write(tmp_path / "a.html", page))
    assert article.title == (expected or PARAGRAPHS[0][:200].rstrip())
    assert article.text == "\n\n".join(PARAGRAPHS)
