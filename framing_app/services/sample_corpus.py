"""The bundled sample articles (2011-2012 news on the US-China human rights dialogue)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path


@contextmanager
def sample_folder() -> Iterator[Path]:
    """A folder holding the sample articles as .txt files, for the article importer."""
    with resources.as_file(resources.files("framing_app.resources") / "sample") as folder:
        yield folder
