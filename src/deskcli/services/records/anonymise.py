"""Names and numbers out of a real call's text, so it can be played in a class.

The caller's name (every part of it), organisation, e-mail and phone numbers become
a stand-in's; staff names become "the analyst"; e-mail addresses, references and any
other run of digits become harmless ones. The stand-in is chosen from the call's id,
so exporting the same call twice gives the same practice caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deskcli.models import Customer

_FIRST = ("Alex", "Jordan", "Morgan", "Robin", "Sam", "Taylor", "Casey", "Jamie", "Riley", "Avery")
_LAST = ("Hartley", "Pemberton", "Okafor", "Lindqvist", "Moreau", "Castellano", "Whitlock", "Nakamura", "Fenwick", "Adeyemi")
_ORGANISATIONS = ("Brightwater Trading", "Kestrel Housing Trust", "Northgate Logistics", "Elm Row Practice", "Harbour Print Co")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_REFERENCE = re.compile(r"\b[A-Z]{2,4}-\d{3,}\b")
_PHONE = re.compile(r"(?<!\w)\+?\(?\d[\d ()-]{6,}\d(?!\w)")
_DIGITS = re.compile(r"\d{4,}")


@dataclass(frozen=True)
class StandIn:
    """The practice caller standing in for the real one."""

    name: str
    organisation: str
    email: str
    phone: str


def stand_in(seed: int) -> StandIn:
    """A stand-in caller, the same for the same seed; the phone is in Ofcom's drama range (020 7946 0xxx)."""
    first = _FIRST[seed % len(_FIRST)]
    last = _LAST[(seed // len(_FIRST)) % len(_LAST)]
    organisation = _ORGANISATIONS[seed % len(_ORGANISATIONS)]
    domain = organisation.lower().replace(" ", "") + ".example"
    return StandIn(f"{first} {last}", organisation, f"{first.lower()}.{last.lower()}@{domain}", f"020 7946 0{seed % 1000:03d}")


def _words_pattern(words: list[str]) -> re.Pattern[str] | None:
    cleaned = sorted({word for word in words if len(word) >= 2}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(word) for word in cleaned) + r")\b", re.IGNORECASE)


class Anonymiser:
    """Replaces the real caller, staff and numbers in any text of the call."""

    def __init__(self, customer: Customer, staff: list[str], fake: StandIn) -> None:
        self.fake = fake
        fake_first, fake_last = fake.name.split(" ", 1)
        self._swaps: list[tuple[re.Pattern[str], str]] = []
        full = _words_pattern([customer.name])
        if full is not None:
            self._swaps.append((full, fake.name))
        if customer.organisation.strip():
            organisation = _words_pattern([customer.organisation.strip()])
            if organisation is not None:
                self._swaps.append((organisation, fake.organisation))
        parts = customer.name.split()
        if parts:
            first = _words_pattern([parts[0]])
            if first is not None:
                self._swaps.append((first, fake_first))
        rest = _words_pattern([part.strip("'") for part in parts[1:]])
        if rest is not None:
            self._swaps.append((rest, fake_last))
        people = _words_pattern([name for name in staff if name.strip()] + [part for name in staff for part in name.split()])
        if people is not None:
            self._swaps.append((people, "the analyst"))

    def __call__(self, text: str) -> str:
        """``text`` with names and numbers replaced."""
        if not text:
            return ""
        # What is put in goes in as a placeholder first, so no later rule rewrites it
        # (the stand-in's phone has digits; a stand-in name may share a word with staff).
        inserted: list[str] = []

        def hold(value: str) -> str:
            inserted.append(value)
            return f"\x00{len(inserted) - 1}\x00"

        text = _EMAIL.sub(lambda _m: hold(self.fake.email), text)
        text = _REFERENCE.sub(lambda _m: hold("the reference"), text)
        text = _PHONE.sub(lambda _m: hold(self.fake.phone), text)
        text = _DIGITS.sub(lambda match: "0" * len(match.group(0)), text)
        for pattern, replacement in self._swaps:
            text = pattern.sub(lambda _m, value=replacement: hold(value), text)
        text = re.sub("\x00(\\d+)\x00", lambda match: inserted[int(match.group(1))], text)
        return text.strip()
