"""Finding the rows a user names, with a clear error when there is none."""

from __future__ import annotations

from difflib import get_close_matches
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.errors import NotFoundError
from framing_app.core.names import clean_name, find_by_name, name_key
from framing_app.store.models import Article, Coder, Label

__all__ = [
    "article_by_ref",
    "clean_name",
    "coder_by_name",
    "ensure_coder",
    "label_by_name",
    "names_to_ids",
    "near_miss",
]

M = TypeVar("M", Coder, Label)


def article_by_ref(session: Session, ref: str | int) -> Article:
    """The article *ref* names: an int is an internal id; a string is the
    external id, else the internal id written in digits.

    External ids come first for strings because they are the researcher's own
    ids (often numbers from a spreadsheet), typed on the command line; the
    GUI and other callers that hold an internal id pass it as an int, so that
    an article whose external id is "5" never stands in for internal id 5.
    """
    if isinstance(ref, int):
        article = session.get(Article, ref)
        if article is None:
            raise NotFoundError(f"no article with internal id {ref}")
        return article
    key = ref.strip()
    article = session.scalar(select(Article).where(Article.external_id == key))
    if article is None and key.isdigit():
        article = session.get(Article, int(key))
    if article is None:
        raise NotFoundError(f"no article with id '{key}'")
    return article


def coder_by_name(session: Session, name: str) -> Coder:
    """The coder whose name equals *name* as names compare (:mod:`framing_app.core.names`)."""
    coder = _by_name(session, Coder, name)
    if coder is None:
        raise NotFoundError(f"no coder named '{name.strip()}'{near_miss(session, Coder, name)}")
    return coder


def label_by_name(session: Session, name: str) -> Label:
    """The label whose name equals *name* as names compare (:mod:`framing_app.core.names`)."""
    label = _by_name(session, Label, name)
    if label is None:
        raise NotFoundError(
            f"no label named '{name.strip()}' in the codebook{near_miss(session, Label, name)}"
        )
    return label


def near_miss(session: Session, model: type[M], name: str) -> str:
    """ "; did you mean 'sovereignty'?" when a stored name is close to *name*, else "".

    Compared by name key (case-folded), so that "Soverignty" finds
    "sovereignty"; difflib's default cutoff (a ratio of 0.6) keeps unrelated
    names out.
    """
    by_key = {name_key(n): n for n in session.scalars(select(model.name))}
    close = get_close_matches(name_key(name), list(by_key), n=1)
    return f"; did you mean '{by_key[close[0]]}'?" if close else ""


def _by_name(session: Session, model: type[M], name: str) -> M | None:
    # Exact spelling first (one indexed query); else compare every name by its
    # case-folded key in Python, because SQLite's lower() folds ASCII only.
    # Codebooks and coder lists hold tens of names, not thousands.
    found = session.scalar(select(model).where(model.name == name))
    if found is not None:
        return found
    pairs = [(n, i) for n, i in session.execute(select(model.name, model.id))]
    ident = find_by_name(pairs, name)
    return session.get(model, ident) if ident is not None else None


def names_to_ids(session: Session, model: type[Coder] | type[Label]) -> dict[str, int]:
    """Every name of *model*'s table, by :func:`~framing_app.core.names.name_key`, to its id."""
    return {name_key(name): ident for name, ident in session.execute(select(model.name, model.id))}


def ensure_coder(session: Session, name: str) -> Coder:
    """The coder called *name* (compared case-insensitively), created if new."""
    cleaned = clean_name(name, "coder")
    coder = _by_name(session, Coder, cleaned)
    if coder is None:
        coder = Coder(name=cleaned)
        session.add(coder)
        session.flush()
    return coder
