"""The floor for the first-frame figure: a bare Textual app with one label.

Started exactly like deskcli (``python -m``) in the same pseudo-terminal.
"""

from textual.app import App, ComposeResult
from textual.widgets import Label

MARK = "bare textual floor"


class BareApp(App[None]):
    """One label, nothing else."""

    def compose(self) -> ComposeResult:
        yield Label(MARK)


if __name__ == "__main__":
    BareApp().run()
