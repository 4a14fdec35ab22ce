"""The practice caller beside the call (trainer mode): who calls, what they have said,
what they answer when asked, and what a good analyst does next.

In the presenter layout (for projecting) the panel is wider and shows the trainer's
clock in large digits, the five stages with the current one marked, the caller's
last line and the next keys to press; the smaller details are left out so the rest
reads at a large terminal font.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from deskcli.core.enums import Stage
from deskcli.services.training.practice import CallerScript
from deskcli.widgets.call_header import STAGE_ORDER
from deskcli.widgets.safe import visible

RECENT_LINES = 6
"""Caller lines kept on the panel (the newest last, in bold)."""


@dataclass(frozen=True)
class PanelState:
    """What the panel draws, handed over by the trainer app."""

    script: CallerScript
    now: datetime
    zone: ZoneInfo
    stage: Stage
    presenter: bool


class CallerPanel(Vertical):
    """The practice caller's side of the call."""

    DEFAULT_CSS = """
    CallerPanel {
        dock: right;
        width: 44;
        height: 1fr;
        border-left: tall $warning;
        padding: 0 1;
        background: $boost;
    }
    CallerPanel.-presenter { width: 60; }
    CallerPanel > Digits { display: none; width: auto; }
    CallerPanel.-presenter > Digits { display: block; }
    CallerPanel > Static { height: auto; }
    /* 80 columns: a strip of three lines above the stage, the panel opened with F11. */
    CallerPanel.-compact {
        dock: top;
        width: 1fr;
        height: auto;
        max-height: 4;
        border-left: none;
        border-bottom: tall $warning;
    }
    CallerPanel.-compact > Digits { display: none; }
    """

    NARROW = 100
    """Below this many columns the panel is a strip above the stage (F11 opens it)."""

    def __init__(self, state: Callable[[], PanelState | None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state = state

    def compose(self) -> ComposeResult:
        yield Digits("", id="trainer-clock")
        yield Static(id="caller-text")

    def on_mount(self) -> None:
        self.update_panel()
        # The trainer's clock runs: keep the time (and anything said meanwhile) current,
        # on the screen in view only (every stage screen has its own panel).
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.screen.is_current:
            self.update_panel()

    def on_resize(self) -> None:
        self.update_panel()

    def update_panel(self) -> None:
        """Redraw from the practice state (cheap: one Text)."""
        state = self._state()
        if state is None:
            self.query_one("#caller-text", Static).update("No practice call. ctrl+p → Practice caller.")
            return
        narrow = self.app.size.width < self.NARROW
        compact = narrow and not state.presenter
        self.set_class(compact, "-compact")
        self.set_class(state.presenter and not narrow, "-presenter")
        local = state.now.astimezone(state.zone)
        if compact:
            text = _strip_text(state, local)
        elif state.presenter and not narrow:
            self.query_one(Digits).update(f"{local:%H:%M}")
            text = _presenter_text(state)
        else:
            text = _panel_text(state, local)
        self.query_one("#caller-text", Static).update(text)


def _said(text: Text, script: CallerScript, count: int) -> None:
    recent = script.said[-count:]
    for number, line in enumerate(recent, start=1):
        latest = number == len(recent)
        marker = "» " if line.source.startswith("reaction") else "  "
        text.append(f"{marker}\"{visible(line.text)}\"\n", style="bold" if latest else "")


def _keys(text: Text, script: CallerScript) -> None:
    text.append("F10", style="bold reverse")
    text.append(f" next line ({script.lines_left} left)  ")
    text.append("ctrl+k", style="bold reverse")
    text.append(" clock  ")
    text.append("F12", style="bold reverse")
    text.append(" score\n")


def _panel_text(state: PanelState, local: datetime) -> Text:
    script = state.script
    scenario = script.scenario
    persona = scenario.persona
    text = Text()
    text.append("PRACTICE CALLER", style="bold reverse")
    text.append(f"  {visible(scenario.title)}\n", style="bold")
    text.append(visible(persona.name), style="bold")
    if persona.pronunciation:
        text.append(f" (say: {visible(persona.pronunciation)})", style="italic")
    where = ", ".join(part for part in (persona.organisation, persona.department) if part)
    text.append(f"\n{visible(where)}")
    if persona.mood:
        text.append(f" · {visible(persona.mood)}", style="italic")
    text.append(f"\nTrainer's clock {local:%a %d %b %H:%M}\n\n")
    text.append("Caller says\n", style="bold underline")
    _said(text, script, RECENT_LINES)
    # The hint and the keys before the answers: the panel may be cut at the bottom.
    if script.next_hint:
        text.append("\nA good analyst now\n", style="bold underline")
        text.append(f"{visible(script.next_hint)}\n")
    text.append("\n")
    _keys(text, script)
    text.append("\nIf asked\n", style="bold underline")
    for answer in script.answers:
        text.append(f"{visible(answer.ask)}: ", style="bold")
        text.append(f"{visible(answer.say)}\n")
    return text


def _strip_text(state: PanelState, local: datetime) -> Text:
    """The panel as a strip of three lines (narrow terminals): who, the last line, what next."""
    script = state.script
    persona = script.scenario.persona
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("PRACTICE", style="bold reverse")
    text.append(f" {visible(persona.name)}", style="bold")
    if persona.pronunciation:
        text.append(f" (say: {visible(persona.pronunciation)})", style="italic")
    text.append(f" · {local:%H:%M} · F10 next ({script.lines_left}) · ctrl+k clock · F12 score · F11 open\n")
    if script.said:
        text.append(f"\"{visible(script.said[-1].text)}\"\n", style="bold")
    if script.next_hint:
        text.append(f"Next: {visible(script.next_hint)}", style="italic")
    return text


def _presenter_text(state: PanelState) -> Text:
    script = state.script
    text = Text()
    text.append(f"{visible(script.scenario.title)}\n\n", style="bold")
    for stage in STAGE_ORDER:
        if stage == state.stage:
            text.append(f" ▶ {stage.label.upper()} \n", style="bold reverse")
        else:
            text.append(f"   {stage.label}\n", style="dim")
    text.append("\nCaller:\n", style="bold underline")
    _said(text, script, 2)
    if script.next_hint:
        text.append("\nNext:\n", style="bold underline")
        text.append(f"{visible(script.next_hint)}\n", style="bold")
    text.append("\n")
    _keys(text, script)
    return text
