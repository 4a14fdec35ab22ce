"""Scorecards: a practice call checked against the seeds' practice, kept per trainee."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from deskcli.models.columns import json, nocase, text


class Scorecard(SQLModel, table=True):
    """One scored practice call. Written once by :func:`deskcli.services.training.scorecard.save_scorecard`."""

    __tablename__ = "scorecard"
    # A trainer lists one trainee's cards, newest first: (trainee, scored_at) serves
    # both the filter and the order.
    __table_args__ = (Index("ix_scorecard_trainee_scored", "trainee", "scored_at"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id")
    """The practice call that was scored."""
    scenario_key: str = Field(max_length=64)
    """The scenario played (its file name without the ordering prefix)."""
    scenario_title: str = Field(max_length=120)
    """The title at the time of scoring (a scenario file may later change or go)."""
    trainee: str = Field(max_length=120, sa_type=nocase(120))
    """Who practised, as the trainer typed it (compared case-insensitively on SQLite)."""
    analyst_id: int | None = Field(default=None, foreign_key="analyst.id")
    """The seat the call was taken on, when known."""
    scored_at: datetime
    """When the call was scored, UTC."""
    passed: int = Field(default=0, ge=0)
    applicable: int = Field(default=0, ge=0)
    """Items that applied to this call; the score is ``passed/applicable``."""
    items: list[dict[str, Any]] = Field(default_factory=list, sa_type=json())
    """Every item checked, in order: ``{"key", "label", "result", "why"}``."""
    trainer_note: str = Field(default="", sa_type=text())
