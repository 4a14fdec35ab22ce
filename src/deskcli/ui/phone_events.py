"""Phone events as the phone system sends them, checked before anything acts on them.

The shape is Zammad's "generic CTI": ``event`` (``newCall``, ``answer``, ``hangup``),
``from``, ``to``, ``direction`` (``in``/``out``), ``callId``, ``user``, sent as a form
or a query string. An event is refused (and nothing changes) when its kind is
unknown, a field it needs is missing or too long, or its call id is unknown for an
``answer``/``hangup``; the refusal says which field and what was expected.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from deskcli.core.text import clean_line

KINDS = ("newCall", "answer", "hangup")
MAX_FIELD = 64
"""Characters in any field (numbers, ids, user names): more is not a phone event."""


@dataclass(frozen=True)
class PhoneEvent:
    """One event from the phone system (or ``deskcli ring``)."""

    kind: str
    """``newCall``, ``answer`` or ``hangup``."""
    call_id: str
    """The phone system's id of the call (ties its answer and hangup to it)."""
    number: str = ""
    """The caller's number (``from`` of an inbound call, ``to`` of an outbound one)."""
    direction: str = "in"
    user: str = ""
    """Who answered or placed it, as the phone system names them."""


class Refused(ValueError):
    """An event that is not taken: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def parse_event(fields: Mapping[str, str]) -> PhoneEvent:
    """The event these fields describe, or :class:`Refused` saying what is wrong."""
    kind = fields.get("event", "").strip()
    if kind not in KINDS:
        shown = f" (got {kind[:MAX_FIELD]!r})" if kind else ""
        raise Refused(400, f"event: expected one of {', '.join(KINDS)}{shown}")
    for name, value in fields.items():
        if len(value) > MAX_FIELD and name != "token":
            raise Refused(400, f"{name}: at most {MAX_FIELD} characters")
    call_id = clean_line(fields.get("callId", "")).strip()
    if not call_id:
        raise Refused(400, "callId: required (the phone system's id of the call)")
    direction = fields.get("direction", "in").strip() or "in"
    if direction not in ("in", "out"):
        raise Refused(400, f"direction: expected in or out (got {direction!r})")
    number = clean_line(fields.get("from" if direction == "in" else "to", "")).strip()
    if kind == "newCall" and not number:
        raise Refused(400, f"{'from' if direction == 'in' else 'to'}: required for a new call (the number)")
    return PhoneEvent(kind, call_id, number, direction, clean_line(fields.get("user", "")).strip())


class Throttle:
    """A token bucket: ``rate`` events a second, bursts up to ``burst``; the rest are refused."""

    def __init__(self, rate: float, burst: int = 5) -> None:
        self._rate, self._burst = rate, float(burst)
        self._tokens = float(burst)
        self._at = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """True when one more event may be taken now."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True
