"""The SLA as the call header shows it: the response target until the call has been
responded to, then the resolution target.

Seed 000: "You should also remember to check the level of response guaranteed to the
customer and get back to them within the time stated. It is so easy to become
engrossed in finding a solution that you forget to keep in touch with the customer!"

A call is responded to when it is acknowledged to the customer (the reference given
on the phone, or sent by e-mail): :func:`deskcli.services.timekeeping.sla.state`
takes ``acknowledged_at`` as the response. Until then the header counts down the
response time (at the assumed priority if none is set yet); it warns at the same
share of the target as the resolution countdown (``warning_percent`` of ``sla.toml``)
and reads RESPONSE LATE once the due time has passed, with a line on the header's
notices saying what to do. Once responded, the resolution countdown shows as before,
from the moment the priority is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from deskcli.core.timefmt import when
from deskcli.services.timekeeping.sla import SlaState, short_duration


@dataclass(frozen=True)
class Countdown:
    """The SLA in the header at one moment."""

    text: str
    """``response 1h 45m left``, ``response WARNING 20m left``, ``RESPONSE LATE 10m over``;
    once responded, the resolution's label (``2h 10m left``, ``WARNING …``, ``BREACHED …``)."""
    alarm: bool
    """Shown loudly: a warning or a target passed."""
    notice: str = ""
    """A line for the header's notices (what to do), or empty."""


def countdown(state: SlaState, *, priority_set: bool, zone: ZoneInfo, now: datetime) -> Countdown | None:
    """What the header shows of ``state`` (``None``: nothing yet - responded, and no priority set)."""
    if state.awaiting_response:
        return _response(state, zone, now)
    if not priority_set:
        return None  # the resolution target waits for the assessed priority
    label = state.label()
    return Countdown(label, alarm=label.startswith(("BREACHED", "WARNING")))


def _response(state: SlaState, zone: ZoneInfo, now: datetime) -> Countdown:
    due = f" {when(state.response_due_at, zone, now)}" if state.response_due_at is not None else ""
    # The response time runs on while the desk waits on the customer (its due time is fixed
    # at opening, as the reports judge it); the resolution clock's pause is said beside it.
    paused = " (resolution clock paused)" if state.paused else ""
    if state.response_breached:
        return Countdown(
            f"RESPONSE LATE {short_duration(-state.response_remaining)} over{paused}",
            alarm=True,
            notice=f"Response was due{due}: get back to the caller now and acknowledge the call (its reference)",
        )
    if state.response_warning:
        return Countdown(
            f"response WARNING {short_duration(state.response_remaining)} left{paused}",
            alarm=True,
            notice=f"Response due{due}: acknowledge the call to the caller (its reference) before then",
        )
    return Countdown(f"response {short_duration(state.response_remaining)} left{paused}", alarm=False)
