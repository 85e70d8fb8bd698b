"""``framing-app import`` of saved news pages: the article's text, not the page's furniture."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli

STORY = [
    "The city council voted on Monday to close two public libraries, citing a budget "
    "shortfall that officials said had grown by a third since the spring.",
    "Residents packed the chamber. “These rooms are where my children learned to read,” "
    "one mother told the council before the vote.",
    "The mayor said the decision was painful but unavoidable, and promised that mobile "
    "libraries would visit the affected neighbourhoods twice a week.",
    "Opposition members called the closures a false economy and said they would ask the "
    "regional government to review the council's spending plans.",
]
HEADLINE = "Council votes to close two libraries"
FURNITURE = (
    "Home",
    "Sport",
    "We use cookies",
    "Accept",
    "Share on",
    "Most read",
    "Weather warning",
    "Related",
    "All rights reserved",
)
NAV = """<header><a class="logo" href="/">Riverside Courier</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="cookie-notice"><p>We use cookies to personalise content and ads.</p>
<button>Accept</button></div>"""
SHARE = """<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>"""
FIGURE = """<figure><img src="/library.jpg" alt=""><figcaption>The central library.
Photo: Courier</figcaption></figure>"""
ASIDE = """<aside><h2>Most read</h2><ol><li><a href="/1">Weather warning for the weekend</a></li>
<li><a href="/2">Bridge closed for repairs</a></li></ol></aside>
<div class="related"><h3>Related</h3><a href="/3">Budget talks stall</a></div>"""
FOOTER = """<footer><p>© 2024 Riverside Courier. All rights reserved.</p>
<a href="/privacy">Privacy</a></footer>"""


def head(title: str) -> str:
    return (
        f'<head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="og:site_name" content="Riverside Courier">'
        '<link rel="canonical" href="https://courier.example/local/libraries">'
        '<meta property="article:published_time" content="2024-03-04T18:00:00+01:00"></head>'
    )


def closing(layout: str) -> str:
    """The last paragraph, different on each page so that no page is a duplicate."""
    return f"The full council meets again next month; this report ran in the {layout} edition."


def story(layout: str, tag: str, attributes: str = "") -> str:
    texts = [*STORY, closing(layout)]
    return "".join(f"<{tag}{attributes}>{text}</{tag}>\n" for text in texts)


PAGES = {
    "article": f"""<!DOCTYPE html><html>{head(HEADLINE + " | Riverside Courier")}<body>
{NAV}<main><article><h1>{HEADLINE}</h1>{SHARE}{FIGURE}{story("article", "p")}</article>
{ASIDE}</main>{FOOTER}</body></html>""",
    "divs": f"""<!DOCTYPE html><html>{head(HEADLINE + " - Riverside Courier")}<body>
<div class="top">{NAV}</div><div class="main"><div class="entry">
<h2 class="entry-title">{HEADLINE}</h2>{SHARE}<div class="entry-content">{story("divs", "p")}</div>
</div><div class="sidebar">{ASIDE}</div></div><div class="bottom">{FOOTER}</div></body></html>""",
    "paragraph-divs": f"""<!DOCTYPE html><html>{head(HEADLINE + " – Riverside Courier")}<body>
{NAV}<div class="story"><h1>{HEADLINE}</h1>{SHARE}{FIGURE}
<div class="body">{story("paragraph-divs", "div", ' class="paragraph"')}</div></div>
{ASIDE}{FOOTER}</body></html>""",
}
# Too little text for a main text: read whole by the fallback reader, menu and all.
SHORT_PAGE = """<html><head><title>Opening hours</title></head><body>
<div class="menu"><a href="/">Home</a></div><p>Open daily.</p><p>Closed on Sundays.</p>
</body></html>"""


def write_pages(folder: Path) -> Path:
    folder.mkdir()
    for name, page in PAGES.items():
        (folder / f"{name}.html").write_text(page, encoding="utf-8")
    (folder / "hours.htm").write_text(SHORT_PAGE, encoding="utf-8")
    return folder


def test_import_a_folder_of_news_pages(run_cli: Cli) -> None:
    pages = write_pages(run_cli.root / "pages")
    result = run_cli.ok("import", pages)
    assert result.stdout == "Imported 4 article(s) from 4 file(s).\n"
    rows = {
        row[0]: row[1:]
        for row in run_cli.query(
            "SELECT external_id, title, text, source, url, published FROM article"
        )
    }
    for name in PAGES:
        title, text, source, url, published = rows[name]
        assert text == "\n\n".join([HEADLINE, *STORY, closing(name)]), name
        assert not any(furniture in text for furniture in FURNITURE), (name, text)
        assert title == HEADLINE, name
        assert source == "Riverside Courier"
        assert url == "https://courier.example/local/libraries"
        assert published == "2024-03-04"
    title, text, *_ = rows["hours"]
    assert (title, text) == ("Opening hours", "Home\n\nOpen daily.\n\nClosed on Sundays.")


def test_the_same_pages_give_the_same_text_in_another_process(run_cli: Cli) -> None:
    pages = write_pages(run_cli.root / "pages")
    other = run_cli.new_project("other")
    run_cli.many(
        [*run_cli.project_args(), "import", pages],
        [*run_cli.project_args(other), "import", pages],
        project=None,
    )
    sql = "SELECT external_id, title, text FROM article ORDER BY external_id"
    first = run_cli.query(sql)
    assert len(first) == 4
    assert run_cli.query(sql, project=other) == first
