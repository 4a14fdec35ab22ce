"""A labelled field: the label on the left, the control beside it, one line.

Replaces the ``Horizontal(Label, Input)`` rows every form repeated. The control keeps
its own id, so the screen still finds it by that.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label


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
        if isinstance(control, Input):
            # Textual selects an input's text when it gets the focus, and the next key then
            # replaces it: the name carried over from the lookup ("Zoe", then " Adams" typed
            # on) was lost that way. Here the cursor goes to the end of the text instead.
            control.select_on_focus = False

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        yield self._control
