"""The caller's card: what the analyst sees about a caller before speaking.

Fed a read model (:class:`~deskcli.services.lifecycle.callview.CustomerCard`); the
widget only lays it out. Open calls and promises owed come before the history, so
they stay in sight at 80x24.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from deskcli.core.enums import status_words
from deskcli.core.timefmt import when
from deskcli.widgets.safe import visible

if TYPE_CHECKING:
    from deskcli.services.lifecycle.callview import CustomerCard


def card_text(card: CustomerCard, *, now: datetime, zone: ZoneInfo, in_call: bool) -> Text:
    """The card as text (``in_call``: this caller's call is already logged)."""
    customer = card.customer
    text = Text()
    if customer.is_vip:
        text.append("★ VIP / EXECUTIVE\n", style="bold reverse")
    for flag in customer.caution_flags or ():
        label = "ABUSIVE HISTORY: follow the warning protocol (F9) if it happens again" if flag == "abusive_history" else visible(flag)
        text.append(f"⚠ {label}\n", style="bold reverse")
    if card.repeat_caller:
        text.append("↻ REPEAT CALLER", style="bold")
        text.append(f" ({card.calls_total} earlier call(s))\n")
    text.append(visible(customer.name), style="bold")
    if customer.pronunciation:
        text.append(f"  say: {visible(customer.pronunciation)}", style="italic")
    if customer.name_spelling:
        text.append(f"  spelt: {visible(customer.name_spelling)}")
    text.append("\n")
    org = ", ".join(part for part in (customer.department, customer.organisation) if part)
    if org:
        text.append(visible(org) + "\n")
    contact = [*card.phones, *([customer.email] if customer.email else [])]
    if contact:
        text.append(visible("  ".join(contact)) + "\n")
    if card.open_calls:
        hint = "" if in_call else "  (ctrl+t if they are asking about it)"
        text.append(f"Open calls:{hint}\n", style="bold")
        for past in card.open_calls:
            text.append(f"  {past.reference} {when(past.opened_at, zone, now)} {status_words(past.status)}: {visible(past.summary)}\n")
    if card.promises_due:
        text.append("Promises owed to them:\n", style="bold")
        for promise in card.promises_due:
            overdue = promise.due_at < now
            text.append(
                f"  {'OVERDUE ' if overdue else ''}{when(promise.due_at, zone, now)} "
                f"{visible(promise.description or status_words(promise.kind))}\n",
                style="bold reverse" if overdue else "",
            )
    closed = [past for past in card.recent_calls if past not in card.open_calls]
    if closed:
        text.append("Previous calls:\n", style="bold")
        for past in closed:
            text.append(f"  {past.reference} {when(past.opened_at, zone, now)}: {visible(past.summary)}")
            if past.resolution:
                text.append(f" → {visible(past.resolution)}", style="dim")
            text.append("\n")
    if customer.notes:
        text.append(f"Notes: {visible(customer.notes)}\n")
    return text


class CallerCard(Static):
    """The highlighted (or identified) caller's card."""

    def show_card(self, card: CustomerCard, *, now: datetime, zone: ZoneInfo, in_call: bool) -> None:
        """Display ``card``."""
        self.update(card_text(card, now=now, zone=zone, in_call=in_call))

    def show_message(self, message: str) -> None:
        """Display a line instead of a card (no match, nothing highlighted)."""
        self.update(Text(visible(message)))


STEP_KEYS = {"name spelling and pronunciation confirmed": "ctrl+s", "call acknowledged (reference given)": "ctrl+r / ctrl+l"}


def greeting_steps(steps: list[tuple[str, bool]], reference: str, *, ack_keys: str = "") -> Text:
    """The greeting's script steps (label, done), ticked, with the key for each one not done.

    ``ack_keys``: the keys that acknowledge this call (its channel may allow only the e-mail).
    """
    keys = {**STEP_KEYS, **({"call acknowledged (reference given)": ack_keys} if ack_keys else {})}
    text = Text("\nThe greeting, step by step\n", style="bold")
    for label, done in steps:
        mark = "✓" if done else "·"
        hint = "" if done or label not in keys else f"  ({keys[label]})"
        text.append(f" {mark} {label}{hint}\n", style="" if done else "bold")
    text.append(f" · then F3: assess the problem (reference {reference})\n")
    return text
