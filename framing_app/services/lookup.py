"""Finding the rows a user names, with a clear error when there is none."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.errors import FramingError, NotFoundError
from framing_app.store.models import Article, Coder, Label


def article_by_ref(session: Session, ref: str | int) -> Article:
    """The article whose external id is *ref*, else whose internal id is *ref*.

    External ids come first because they are the researcher's own ids (often
    numbers from a spreadsheet); the internal id is the fallback.
    """
    key = str(ref).strip()
    article = session.scalar(select(Article).where(Article.external_id == key))
    if article is None and key.isdigit():
        article = session.get(Article, int(key))
    if article is None:
        raise NotFoundError(f"no article with id '{key}'")
    return article


def coder_by_name(session: Session, name: str) -> Coder:
    coder = session.scalar(select(Coder).where(Coder.name == name.strip()))
    if coder is None:
        raise NotFoundError(f"no coder named '{name}'")
    return coder


def label_by_name(session: Session, name: str) -> Label:
    label = session.scalar(select(Label).where(Label.name == name.strip()))
    if label is None:
        raise NotFoundError(f"no label named '{name}' in the codebook")
    return label


def clean_name(name: str, what: str) -> str:
    """*name* without surrounding white space; an empty name is an error."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise FramingError(f"a {what} name cannot be empty")
    return cleaned


def ensure_coder(session: Session, name: str) -> Coder:
    """The coder called *name*, created if new."""
    cleaned = clean_name(name, "coder")
    coder = session.scalar(select(Coder).where(Coder.name == cleaned))
    if coder is None:
        coder = Coder(name=cleaned)
        session.add(coder)
        session.flush()
    return coder
