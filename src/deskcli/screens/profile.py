"""First start: who is at this seat? (name and department are said in every greeting)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from deskcli.config.launch import AnalystFields


class ProfileScreen(ModalScreen[AnalystFields]):
    """Asks for the analyst profile; returns it when the form is complete."""

    BINDINGS = [Binding("escape", "app.quit", "Quit", id="profile.quit")]

    def __init__(self, current: AnalystFields | None = None) -> None:
        super().__init__()
        self._current = current or AnalystFields()

    def compose(self) -> ComposeResult:
        with Vertical(id="profile-form", classes="dialog"):
            yield Static("Welcome to deskcli", classes="dialog-title")
            yield Static(
                "Your name and department open every greeting: "
                "“Good morning, Ann Jones, Help Desk. How may I help you today?”",
                classes="dialog-help",
                markup=False,
            )
            yield Label("Your name")
            yield Input(self._current.name, placeholder="e.g. Ann Jones", id="name", compact=True)
            yield Label("Department")
            yield Input(self._current.department or "Help Desk", placeholder="e.g. Help Desk", id="department", compact=True)
            yield Label("Organisation (optional)")
            yield Input(self._current.organisation, placeholder="e.g. Acme Ltd", id="organisation", compact=True)
            yield Label("E-mail for acknowledgements (optional)")
            yield Input(self._current.email, placeholder="e.g. helpdesk@acme.example", id="email", compact=True)
            yield Static("", id="profile-error", classes="error", markup=False)
            yield Button("Save and start", variant="primary", id="save", compact=True)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "email":
            self._save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in ("name", "department", "organisation", "email")}
        missing = [label for label, key in (("your name", "name"), ("your department", "department")) if not values[key]]
        if missing:
            self.query_one("#profile-error", Static).update("Please give " + " and ".join(missing) + ".")
            self.query_one("#name" if not values["name"] else "#department", Input).focus()
            return
        self.dismiss(AnalystFields(**values))
