"""Call reference numbers: unique and readable (``HD-000123``), even across processes."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from deskcli.models import Call, Counter

COUNTER_NAME = "call_reference"


def next_reference(session: Session, prefix: str) -> str:
    """Take the next reference number inside the caller's write transaction.

    The counter row is incremented with ``UPDATE … RETURNING``; the write lock (SQLite's
    ``BEGIN IMMEDIATE``, PostgreSQL's row lock) makes concurrent callers wait their
    turn, so no two calls ever share a number. The unique index on ``call.reference``
    is the last line of defence.
    """
    value = session.connection().execute(
        update(Counter).where(Counter.name == COUNTER_NAME).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if value is None:  # the row was removed by hand: carry on after the highest number in use
        value = _highest_in_use(session) + 1
        session.connection().execute(insert(Counter).values(name=COUNTER_NAME, value=value))
    return format_reference(prefix, value)


def _highest_in_use(session: Session) -> int:
    """The highest number among existing references (longest first, then by text)."""
    reference = session.connection().execute(
        select(Call.reference).order_by(func.length(Call.reference).desc(), Call.reference.desc()).limit(1)
    ).scalar()
    digits = (reference or "").rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0


def format_reference(prefix: str, number: int) -> str:
    """``HD`` and 123 make ``HD-000123``."""
    return f"{prefix}-{number:06d}"
