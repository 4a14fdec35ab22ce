"""The greeting read aloud when the call is answered, and the personal line once the
caller is known (seed: "The Greeting").

Seed: "Offer assistance, using the customer's name. It is vital to establish the
customers name from the greeting. It is equally vital that you establish how to
pronounce it correctly [...] Once you have learned the customer's name, you should use
it throughout the call." And: "Even though you may have a 'standard greeting', it is
important to make it sound personal and welcoming."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from deskcli.core.enums import Channel, status_words
from deskcli.services.rules.greeting_policy import GreetingPolicy, fill_template

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "lord", "lady"})
"""Words before a first name that are not the first name ("Dr Siobhan O'Neill")."""


def time_of_day(moment: datetime, zone: ZoneInfo, policy: GreetingPolicy) -> str:
    """``morning``, ``afternoon`` or ``evening`` at ``moment`` in the office zone."""
    local = moment.astimezone(zone).time()
    if local >= policy.evening_from:
        return "evening"
    if local >= policy.afternoon_from:
        return "afternoon"
    return "morning"


def render(
    policy: GreetingPolicy,
    moment: datetime,
    zone: ZoneInfo,
    *,
    analyst_name: str,
    department: str,
    organisation: str = "",
    template: str | None = None,
) -> str:
    """The greeting line: "Good afternoon, Ann Jones, Help Desk. How may I help you today?"."""
    # Both templates were checked by rendering them once (GreetingPolicy, Settings).
    return fill_template(
        template or policy.template,
        time_of_day=time_of_day(moment, zone, policy),
        analyst_name=analyst_name,
        department=department,
        organisation=organisation,
    )


@dataclass(frozen=True)
class Speaker:
    """Who is greeting: the analyst's name, department and organisation (the analyst profile)."""

    name: str
    department: str
    organisation: str = ""


@dataclass(frozen=True)
class Opening:
    """What the analyst gives when the call comes in, on its channel."""

    channel: str
    kind: str
    """``spoken``, ``written`` (typed into the chat) or ``none`` (an e-mail, a fax)."""
    text: str
    """The greeting to give, or (``none``) the note saying what to do instead."""

    @property
    def given(self) -> bool:
        """True when a greeting is said or written to the customer (and so is recorded)."""
        return self.kind != "none"


def opening(
    policy: GreetingPolicy, channel: str, moment: datetime, zone: ZoneInfo, speaker: Speaker, *, template: str | None = None
) -> Opening:
    """The opening for a call on ``channel``: the greeting, or what to do when there is none to give."""
    script = policy.channel(channel)
    if script.greeting == "none":
        note = script.note or f"{status_words(channel).capitalize()}: there is no greeting to say. Acknowledge it in writing."
        return Opening(channel, "none", note)
    text = render(
        policy, moment, zone, analyst_name=speaker.name, department=speaker.department,
        organisation=speaker.organisation, template=template,
    )
    return Opening(channel, script.greeting, text)


def name_parts(name: str) -> tuple[str, str]:
    """The first and last name of a name as recorded ("Dr Siobhan O'Neill" → Siobhan, O'Neill).

    One word is both; titles before the first name are passed over.
    """
    words = name.split()
    if not words:
        return "", ""
    given = [word for word in words if word.rstrip(".").lower() not in TITLES] or words
    return given[0], words[-1]


@dataclass(frozen=True)
class PersonalLine:
    """The line said once the caller is identified, and how to say their name.

    ``before + name + after`` is the line; the name is the first placeholder naming the
    caller, so a screen can show the pronunciation right beside it.
    """

    before: str
    name: str
    after: str
    say_as: str
    """The recorded pronunciation of the name (empty when none is recorded)."""
    spoken: bool
    """False for a written channel (chat): the line is typed, not said."""

    @property
    def text(self) -> str:
        """The whole line."""
        return self.before + self.name + self.after


_NAME_START, _NAME_END = "\x01", "\x02"
"""Marks around the first caller name while the line is filled (control characters never
reach a stored name: they are cleaned on every write)."""


def personal_line(
    policy: GreetingPolicy,
    moment: datetime,
    zone: ZoneInfo,
    speaker: Speaker,
    *,
    caller_name: str,
    pronunciation: str = "",
    channel: str = Channel.PHONE,
) -> PersonalLine | None:
    """The policy's personal line with the caller's name ("Thank you, Siobhan O'Neill. How can I help you today?").

    ``None`` on a channel with no greeting (an e-mail answered in writing: the
    acknowledgement opens "Dear ..." itself).
    """
    script = policy.channel(channel)
    if script.greeting == "none":
        return None
    name = " ".join(caller_name.split()).replace(_NAME_START, "").replace(_NAME_END, "")
    first, last = name_parts(name)
    values = {
        "caller_name": name,
        "caller_first_name": first,
        "caller_last_name": last,
        "time_of_day": time_of_day(moment, zone, policy),
        "analyst_name": speaker.name,
        "department": speaker.department,
        "organisation": speaker.organisation,
    }
    marked = _mark_first_name(policy.identified, values)
    before, _, rest = marked.partition(_NAME_START)
    named, _, after = rest.partition(_NAME_END)
    return PersonalLine(before, named, after, " ".join(pronunciation.split()), spoken=script.greeting == "spoken")


def _mark_first_name(template: str, values: dict[str, str]) -> str:
    """The template filled (spaces collapsed), the first caller placeholder's value between marks."""
    import string

    pieces: list[str] = []
    marked = False
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        pieces.append(literal)
        if field is None:
            continue
        value = values[field]
        if not marked and field.startswith("caller_"):
            value, marked = f"{_NAME_START}{value}{_NAME_END}", True
        pieces.append(value)
    return " ".join("".join(pieces).split())
