"""The people who code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from framing_app.core.changes import Changes
from framing_app.services.lookup import ensure_coder
from framing_app.services.project import Project
from framing_app.store.models import Annotation, Coder


@dataclass(frozen=True)
class CoderInfo:
    id: int
    name: str
    annotations: int

    @property
    def changes(self) -> Changes:
        """Adding a coder (if new) changes the lists of coders."""
        return Changes(coders=True)


def list_coders(project: Project) -> list[CoderInfo]:
    with project.db.read() as session:
        n = (
            select(func.count())
            .where(Annotation.coder_id == Coder.id)
            .correlate(Coder)
            .scalar_subquery()
        )
        rows = session.execute(select(Coder.id, Coder.name, n).order_by(Coder.name)).all()
        return [CoderInfo(*row) for row in rows]


def add_coder(project: Project, name: str) -> CoderInfo:
    """The coder called *name*, created if new (white space is tidied)."""
    with project.db.write() as session:
        coder = ensure_coder(session, name)
        count = session.scalar(select(func.count()).where(Annotation.coder_id == coder.id))
        return CoderInfo(coder.id, coder.name, count or 0)
