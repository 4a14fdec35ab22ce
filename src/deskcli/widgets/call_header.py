"""The call header shown on every stage screen.

Caller's name with its pronunciation and spelling (seed: "establish how to pronounce
it correctly and how to spell it correctly ... use it throughout the call"), caution
flags, the channel when it is not the phone, reference number, the SLA countdown
(response, then resolution), the five stages, the live call timer, the hold timer with
its warnings, and whatever needs the analyst's eye (the response due, someone else is
working the call, a promise is due). Data comes in through :meth:`CallHeader.show`;
the widget only reads the clock to tick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widget import Widget

from deskcli.core.enums import Stage, status_words
from deskcli.core.timefmt import duration, when
from deskcli.widgets.safe import visible

if TYPE_CHECKING:
    from deskcli.services.timekeeping.countdown import Countdown

STAGE_ORDER = (Stage.GREETING, Stage.ASSESSMENT, Stage.RESOLVE, Stage.CLOSE, Stage.FOLLOW_UP)
_SHORT = {
    Stage.GREETING: "Greeting",
    Stage.ASSESSMENT: "Assess",
    Stage.RESOLVE: "Resolve",
    Stage.CLOSE: "Close",
    Stage.FOLLOW_UP: "Follow-up",
}
_FLAG_LABELS = {"abusive_history": "ABUSIVE HISTORY"}


@dataclass(frozen=True)
class HeaderData:
    """What the header shows; built by the screen from the call view."""

    name: str = ""
    pronunciation: str = ""
    spelling: str = ""
    vip: bool = False
    flags: tuple[str, ...] = ()
    reference: str = ""
    status: str = ""
    started_at: datetime | None = None
    talk_ended_at: datetime | None = None
    hold_started_at: datetime | None = None
    hold_warnings: Callable[[datetime], tuple[str, ...]] | None = None
    """Warnings about holds at a given moment (too long, too often, offer a call-back)."""
    working_it: str = ""
    """Set when someone other than this analyst is working the call."""
    next_promise_at: datetime | None = None
    sla: Callable[[datetime], Countdown | None] | None = None
    """The SLA countdown at a given moment: the response target until the call is
    responded to, then the resolution target once the priority is known."""
    priority: str = ""
    """The priority on record (``P2``, ``P1 elevated``), shown before the SLA."""
    timer_label: str = "call"
    """``call`` while talking to the caller; ``open`` for a call opened from the queue."""
    channel: str = "phone"
    """How the call came in; shown when it is not the phone (the default)."""


class CallHeader(Widget):
    """Who is calling, which call, which stage, and the clocks."""

    DEFAULT_CSS = """
    CallHeader {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(
        self, now: Callable[[], datetime], zone: Callable[[], ZoneInfo], *, demo: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._demo = demo
        self._now = now
        self._zone = zone
        self._data = HeaderData()
        self._stage = Stage.GREETING
        self._done: set[Stage] = set()
        self._promises_due = 0
        self._save_note = ""
        self._save_alarm = False

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def show(self, data: HeaderData, stage: Stage, done: set[Stage] | None = None) -> None:
        """Display another call (or the same call in another state)."""
        self._data = data
        self._stage = stage
        self._done = set(done or ())
        self.refresh(layout=True)

    def set_promises_due(self, count: int) -> None:
        """How many of the analyst's promises are due or overdue (any call)."""
        if count != self._promises_due:
            self._promises_due = count
            self.refresh(layout=True)

    def set_save_state(self, note: str, *, alarm: bool = False) -> None:
        """Whether what was typed on this call is saved ("" when it is)."""
        if (note, alarm) != (self._save_note, self._save_alarm):
            self._save_note, self._save_alarm = note, alarm
            self.refresh(layout=True)

    def _stages(self, text: Text, narrow: bool) -> None:
        for number, stage in enumerate(STAGE_ORDER, start=2):
            label = f"F{number} {_SHORT[stage]}"
            if stage == self._stage:
                text.append(f"[{label}]", style="bold reverse")
            elif narrow:
                text.append(f" F{number}{'✓' if stage in self._done else ''}", style="" if stage in self._done else "dim")
            elif stage in self._done:
                text.append(f" {label}✓ ")
            else:
                text.append(f" {label} ", style="dim")

    def render(self) -> Text:
        data = self._data
        now = self._now()
        text = Text(no_wrap=False, overflow="fold")
        if self._demo:  # never mistake practice for a real caller
            text.append(" DEMO ", style="bold reverse")
            text.append(" ")
        if data.reference:  # first: it is read out to the caller
            text.append(data.reference, style="bold")
            if data.status and data.status != "open":
                text.append(f" ({status_words(data.status)})")
            text.append("  ")
        if data.name:
            text.append(visible(data.name), style="bold")
            if data.pronunciation:
                text.append(f" (say: {visible(data.pronunciation)})", style="italic")
            if data.spelling:
                text.append(f" spelt {visible(data.spelling)}")
        elif data.started_at is None:
            text.append("No call on the line", style="bold")
        else:
            text.append("New call: identify the caller", style="bold")
        if data.channel and data.channel != "phone":
            text.append(f"  [{status_words(data.channel).upper()}]", style="bold")
        if data.vip:
            text.append("  ★ VIP/EXECUTIVE", style="bold reverse")
        for flag in data.flags:
            text.append(f"  ⚠ {_FLAG_LABELS.get(flag, visible(flag).upper())}", style="bold reverse")
        if data.priority:
            text.append(f"  {data.priority}", style="bold")
        sla = data.sla(now) if data.sla is not None else None
        if sla is not None:
            text.append(" · " if data.priority else "  ")
            text.append(f"SLA {sla.text}", style="bold reverse" if sla.alarm else "")
        text.append("\n")
        self._stages(text, narrow=(self.size.width or 200) < 100)
        if data.started_at is not None:
            end = data.talk_ended_at or now
            text.append(f"  {data.timer_label} {duration(end - data.started_at)}")
        if data.hold_started_at is not None:
            text.append(f"  HOLD {duration(now - data.hold_started_at)}", style="bold reverse")
        notes = []
        if data.working_it:
            notes.append(f"Being worked by {visible(data.working_it)}: you stay the caller's contact - keep them informed.")
        if sla is not None and sla.notice:
            notes.append(sla.notice)
        if data.hold_warnings is not None:
            notes.extend(data.hold_warnings(now))
        if data.next_promise_at is not None:
            zone = self._zone()
            overdue = data.next_promise_at < now
            notes.append(("OVERDUE promise " if overdue else "Next promise ") + when(data.next_promise_at, zone, now))
        if self._promises_due:
            notes.append(f"⚑ {self._promises_due} promise(s) due - F6")
        if self._save_note:
            notes.insert(0, self._save_note)
        if notes:
            text.append("\n")
            if self._save_alarm:
                text.append(notes[0], style="bold reverse")
                notes = notes[1:]
                if notes:
                    text.append(" · ")
            text.append(" · ".join(notes), style="bold")
        return text
