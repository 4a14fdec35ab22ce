"""The new-customer form of the greeting: the caller as they say their name, how to
spell and say it, how to reach them. Enter moves to the next field; Enter on the last
(or ``submit()``) hands the answers up as :class:`NewCustomerForm.Submitted`."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from deskcli.widgets.field import Field
from deskcli.widgets.tick import Tick

FIELDS = (
    ("name", "Name", "as the caller says it"),
    ("spelling", "Spelling", "e.g. S-I-O-B-H-A-N"),
    ("pronunciation", "Say it as", "e.g. shi-VAWN"),
    ("phone", "Phone", "e.g. 020 7946 0000"),
    ("email", "E-mail", "name@example.org"),
    ("organisation", "Organisation", ""),
    ("department", "Department", ""),
)


@dataclass(frozen=True)
class NewCustomer:
    """What the form holds."""

    name: str
    spelling: str
    pronunciation: str
    phone: str
    email: str
    organisation: str
    department: str
    vip: bool


class NewCustomerForm(Vertical):
    """Add the caller as a customer."""

    class Submitted(Message):
        """The analyst asked to add this customer."""

        def __init__(self, customer: NewCustomer) -> None:
            super().__init__()
            self.customer = customer

    def compose(self) -> ComposeResult:
        yield Static("New customer - Enter for the next field, ctrl+s to add", classes="section-title")
        for key, label, hint in FIELDS:
            yield Field(label, Input(placeholder=hint, id=f"new-{key}", compact=True))
        yield Tick("VIP / executive", id="new-vip", compact=True)

    def first_field(self) -> Input:
        """Where typing starts."""
        return self.query_one("#new-name", Input)

    def prefill(self, typed: str, *, is_phone: bool) -> None:
        """Put what was typed in the lookup where it belongs: a number, an address or a name."""
        target = "#new-phone" if is_phone else "#new-email" if "@" in typed else "#new-name"
        self.query_one(target, Input).value = typed

    def values(self) -> NewCustomer:
        """The answers as they stand."""
        get = {key: self.query_one(f"#new-{key}", Input).value for key, _label, _hint in FIELDS}
        return NewCustomer(**get, vip=self.query_one("#new-vip", Tick).value)

    def submit(self) -> None:
        """Hand the answers up."""
        self.post_message(self.Submitted(self.values()))

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        ids = [f"new-{key}" for key, _label, _hint in FIELDS]
        position = ids.index(event.input.id) if event.input.id in ids else -1
        if 0 <= position < len(ids) - 1:
            self.query_one(f"#{ids[position + 1]}", Input).focus()
        else:
            self.submit()
