"""The greeting policy and its templates, checked the way they are used.

A template is checked by rendering it once with the longest values the analyst
profile and the customer record allow, so a template that passes ``deskcli policies
check`` (or the ``greeting_template`` setting) can never fail when the phone rings:
placeholders are the names in :mod:`deskcli.core.greeting_template`, written plainly
(``{department}``, never ``{department:%}``, ``{department!z}`` or
``{department.upper}``), and the line stays short enough to read.

Seed (call handling): "A 'call' could be a face-to-face request, a telephone call, a
fax or e-mail"; the greeting section "concentrates on telephone support calls, but
many of the suggestions can be adapted for face-to-face and written communications".
So each channel says whether the greeting is spoken, written or not given at all, and
how the call may be acknowledged ("verbally or by e-mail").
"""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field, field_validator, model_validator

from deskcli.config.datafiles import LocalTime, Strict
from deskcli.core.enums import AckMethod, Channel
from deskcli.core.greeting_template import (
    GREETING_FIELDS,
    MAX_TEMPLATE,
    PERSONAL_EXAMPLE,
    PERSONAL_FIELDS,
    REQUIRED_FIELDS,
    check_personal_template,
    check_template,
    fill_template,
)

__all__ = [
    "GREETING_FIELDS", "MAX_TEMPLATE", "PERSONAL_FIELDS", "REQUIRED_FIELDS", "ChannelGreeting", "GreetingPolicy",
    "check_personal_template", "check_template", "fill_template",
]


class ChannelGreeting(Strict):
    """How a call that came in on one channel is greeted and acknowledged."""

    greeting: Literal["spoken", "written", "none"] = "spoken"
    """``spoken`` (said aloud: phone, face to face), ``written`` (typed: chat) or ``none``
    (an e-mail or a fax: nothing to say; the written acknowledgement answers it)."""
    acknowledge: list[AckMethod] = Field(default_factory=lambda: [AckMethod.VERBAL, AckMethod.EMAIL], min_length=1)
    """How the reference may be given: ``verbal`` (said, or typed in the chat) and/or ``email``."""
    note: str = Field(default="", max_length=300)
    """Shown instead of the greeting when there is none to give (one line)."""

    @field_validator("acknowledge")
    @classmethod
    def _once_each(cls, value: list[AckMethod]) -> list[AckMethod]:
        if len(set(value)) != len(value):
            raise ValueError("list each way of acknowledging once (verbal, email)")
        return value


DEFAULT_CHANNELS: dict[Channel, ChannelGreeting] = {
    Channel.PHONE: ChannelGreeting(),
    Channel.FACE_TO_FACE: ChannelGreeting(),
    Channel.CHAT: ChannelGreeting(greeting="written"),
    Channel.EMAIL: ChannelGreeting(
        greeting="none", acknowledge=[AckMethod.EMAIL],
        note="An e-mail: there is no greeting to say. Find the sender, then acknowledge it in writing.",
    ),
    Channel.FAX: ChannelGreeting(
        greeting="none",
        note="A fax: there is no greeting to say. Find the sender, then acknowledge it (by e-mail, or ring them).",
    ),
}
"""What a channel does when the policy file does not say (phone is the default channel)."""


class GreetingPolicy(Strict):
    """The greeting script (seed: "The Greeting": never just "Hello")."""

    template: str = Field(min_length=10)
    """E.g. ``Good {time_of_day}, {analyst_name}, {department}. How may I help you today?``"""
    identified: str = Field(default=PERSONAL_EXAMPLE, min_length=10)
    """The personal line once the caller is identified, e.g. ``Thank you, {caller_name}. How can I help you today?``
    (seed: "Offer assistance, using the customer's name")."""
    morning_from: LocalTime = time(0, 0)
    afternoon_from: LocalTime = time(12, 0)
    evening_from: LocalTime = time(18, 0)
    channels: dict[Channel, ChannelGreeting] = Field(default_factory=dict)
    """Per channel (phone, email, face_to_face, chat, fax); a channel not listed keeps its default."""

    @field_validator("template")
    @classmethod
    def _template_ok(cls, value: str) -> str:
        return check_template(value)

    @field_validator("identified")
    @classmethod
    def _identified_ok(cls, value: str) -> str:
        return check_personal_template(value)

    @model_validator(mode="after")
    def _in_order(self) -> GreetingPolicy:
        if not self.morning_from < self.afternoon_from < self.evening_from:
            raise ValueError(
                "morning_from, afternoon_from and evening_from must come in that order through the day "
                f"(found {self.morning_from:%H:%M}, {self.afternoon_from:%H:%M}, {self.evening_from:%H:%M})"
            )
        return self

    def channel(self, channel: str) -> ChannelGreeting:
        """How a call on ``channel`` is greeted (an unknown stored value is greeted as a phone call)."""
        try:
            known = Channel(channel)
        except ValueError:
            known = Channel.PHONE
        return self.channels.get(known) or DEFAULT_CHANNELS[known]
