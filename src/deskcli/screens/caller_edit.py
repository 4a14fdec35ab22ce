"""Correct the caller's record from their call: name, spelling, pronunciation, phones,
e-mail, organisation, department, VIP / executive, caution flags.

The dialog saves through one use case (:func:`deskcli.services.actions.greeting.edit_caller`)
and stays open when a value is refused, with the message naming the field and the
cursor in it, so nothing typed is lost. Phones and flags are written one after another,
separated by commas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskcli.screens.modal import Dialog
from deskcli.widgets.field import Field
from deskcli.widgets.safe import safe_text
from deskcli.widgets.tick import Tick

if TYPE_CHECKING:
    from deskcli.models import Customer
    from deskcli.services.actions.greeting import CallerEdited

TEXT_FIELDS = (
    ("name", "Name", "as the caller says it"),
    ("name_spelling", "Spelling", "e.g. S-I-O-B-H-A-N"),
    ("pronunciation", "Say it as", "e.g. shi-VAWN"),
    ("phones", "Phones", "e.g. 020 7946 0000, 07700 900123"),
    ("email", "E-mail", "name@example.org"),
    ("organisation", "Organisation", ""),
    ("department", "Department", ""),
    ("caution_flags", "Caution flags", "e.g. hard of hearing, abusive history"),
)
"""The text fields: the record's field, its label and a hint."""


def _shown(values: object) -> str:
    """A list of phones or flags as the analyst edits it."""
    return ", ".join(str(value).replace("_", " ") for value in values or ())  # type: ignore[attr-defined]


def _listed(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


class CallerEditScreen(Dialog["CallerEdited | None"]):
    """Returns what changed (saved), or ``None`` when cancelled."""

    BINDINGS = [Binding("ctrl+s", "save", "Save details", id="caller_edit.save", priority=True)]

    def __init__(self, call_id: int, customer: Customer, phones: tuple[str, ...]) -> None:
        super().__init__()
        self._call_id = call_id
        self._values = {
            "name": customer.name, "name_spelling": customer.name_spelling, "pronunciation": customer.pronunciation,
            "phones": _shown(phones), "email": customer.email or "", "organisation": customer.organisation,
            "department": customer.department, "caution_flags": _shown(customer.caution_flags),
        }
        self._vip = customer.is_vip
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="caller-edit"):
            yield Static("The caller's details (each change goes on the call's timeline)", classes="dialog-title")
            for key, label, hint in TEXT_FIELDS:
                yield Field(label, Input(self._values[key], placeholder=hint, id=f"edit-{key}", compact=True))
            yield Tick("VIP / executive", self._vip, id="edit-is_vip", compact=True)
            yield Static("", id="edit-error", classes="error")
            yield Static("enter next field · ctrl+s save · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#edit-name", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        """Save the details (the dialog stays open, with the message, when a value is refused)."""
        if self._saving:
            return
        from deskcli.services.lookup.customer_edit import CallerDetails

        value = {key: self.query_one(f"#edit-{key}", Input).value for key, _label, _hint in TEXT_FIELDS}
        details = CallerDetails(
            name=value["name"], name_spelling=value["name_spelling"], pronunciation=value["pronunciation"],
            email=value["email"], organisation=value["organisation"], department=value["department"],
            is_vip=self.query_one("#edit-is_vip", Tick).value,
            caution_flags=_listed(value["caution_flags"]), phones=_listed(value["phones"]),
        )
        call_id = self._call_id
        self._saving = True

        def job(runtime):
            from deskcli.services.actions import greeting

            return greeting.edit_caller(runtime.store, runtime.actor(), call_id, details, region=runtime.settings.phone_region)

        self.desk.flow.submit(job, self._saved, self._refused)

    def _saved(self, edited: CallerEdited) -> None:
        self._saving = False
        self.dismiss(edited)

    def _refused(self, error: BaseException) -> None:
        self._saving = False
        from deskcli.core.errors import DeskError
        from deskcli.services.lookup.customer_edit import CallerDetailsRefused

        if not isinstance(error, DeskError):
            self.desk.report_error(error)
            return
        self.query_one("#edit-error", Static).update(safe_text(error.message))
        if isinstance(error, CallerDetailsRefused) and error.field != "is_vip":
            self.query_one(f"#edit-{error.field}", Input).focus()
