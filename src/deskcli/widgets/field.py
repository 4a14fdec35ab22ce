"""A labelled field: the label on the left, the control beside it, one line.

Replaces the ``Horizontal(Label, Input)`` rows every form repeated. The control keeps
its own id, so the screen still finds it by that.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label


class Field(Horizontal):
    """``label`` and ``control`` on one line."""

    DEFAULT_CSS = """
    Field { height: auto; }
    Field > .field-label { width: 16; }
    """

    def __init__(self, label: str, control: Widget, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._label = label
        self._control = control

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        yield self._control
