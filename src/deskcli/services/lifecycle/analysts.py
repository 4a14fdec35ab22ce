"""Analysts: the person at this seat becomes a row that events and promises point at."""

from __future__ import annotations

from sqlmodel import Session, select

from deskcli.core.errors import NotFound
from deskcli.models import Analyst, AnalystBase
from deskcli.services.actor import Actor


def ensure_analyst(session: Session, profile: AnalystBase, by: Actor) -> Analyst:
    """Return the analyst with ``profile.handle``, creating or updating it to match."""
    analyst = session.exec(select(Analyst).where(Analyst.handle == profile.handle)).first()
    if analyst is None:
        analyst = Analyst(**profile.model_dump(), created_at=by.now())
    else:
        for field, value in profile.model_dump().items():
            setattr(analyst, field, value)
    session.add(analyst)
    session.flush()
    return analyst


def get_analyst(session: Session, analyst_id: int) -> Analyst:
    """The analyst with this id, or :class:`NotFound`."""
    analyst = session.get(Analyst, analyst_id)
    if analyst is None:
        raise NotFound(f"analyst {analyst_id} does not exist.")
    return analyst
