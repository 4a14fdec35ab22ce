"""Correcting a caller's record during their call: spelling, pronunciation, VIP, caution
flags, phones, e-mail, organisation and department.

Every value is checked within the customer record's limits, with a message that names
the field; phone numbers are normalised exactly as :func:`customers.add_phone` does for
lookup, so a number retyped in another layout is the same number and no change. The
caller's function returns what changed (field → [old, new]) for the call's timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import Customer, CustomerPhone
from deskcli.services.actor import Actor
from deskcli.services.lookup import phones as phone_rules
from deskcli.services.lookup.customers import add_phone
from deskcli.services.lookup.email_rule import email_problem

LIMITS = {"name": 160, "name_spelling": 200, "pronunciation": 200, "organisation": 160, "department": 160}
"""The customer record's text limits (``CustomerBase``)."""

LABELS = {
    "name": "name", "name_spelling": "spelling", "pronunciation": "say it as", "email": "e-mail",
    "organisation": "organisation", "department": "department", "is_vip": "VIP / executive",
    "caution_flags": "caution flags", "phones": "phones",
}
"""Each field as the analyst sees it named (messages and the timeline use these)."""

MAX_FLAGS = 12
MAX_PHONES = 10
_FLAG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class CallerDetailsRefused(RuleViolation):
    """A value of the caller's details cannot be saved; ``field`` says which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{LABELS.get(field, field)}: {message}")
        self.field = field


@dataclass(frozen=True)
class CallerDetails:
    """The caller's details as the analyst left them in the edit dialog."""

    name: str
    name_spelling: str = ""
    pronunciation: str = ""
    email: str = ""
    organisation: str = ""
    department: str = ""
    is_vip: bool = False
    caution_flags: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


def flag_key(text: str) -> str:
    """A caution flag as stored: ``Hard of hearing`` → ``hard_of_hearing``."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _same(old: object, new: object) -> bool:
    """Unchanged: equal, or text that differs only in spaces (a value left as it was shown)."""
    if isinstance(old, str) and isinstance(new, str):
        return old.split() == new.split()
    return old == new


def _text(details: CallerDetails, field: str) -> str:
    value = str(getattr(details, field)).strip()
    if field == "name" and not value:
        raise CallerDetailsRefused(field, "required: the caller's name cannot be left empty.")
    if len(value) > LIMITS[field]:
        raise CallerDetailsRefused(field, f"at most {LIMITS[field]} characters (this has {len(value)}).")
    return value


def _email(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    problem = email_problem(value)
    if problem is not None or len(value) > 254:
        raise CallerDetailsRefused("email", f"{problem or 'at most 254 characters'}.")
    return value


def _flags(values: tuple[str, ...]) -> list[str]:
    flags: list[str] = []
    for text in values:
        if not text.strip():
            continue
        key = flag_key(text)
        if not _FLAG.match(key):
            raise CallerDetailsRefused(
                "caution_flags", f"{text.strip()!r} is not a flag: letters, digits and spaces, starting with a letter "
                "(e.g. hard of hearing), at most 64 characters.",
            )
        if key not in flags:
            flags.append(key)
    if len(flags) > MAX_FLAGS:
        raise CallerDetailsRefused("caution_flags", f"at most {MAX_FLAGS} flags (this has {len(flags)}).")
    return flags


def _phones(values: tuple[str, ...], region: str) -> list[phone_rules.NormalisedPhone]:
    """The numbers normalised for lookup, each once, in the order given."""
    numbers: list[phone_rules.NormalisedPhone] = []
    seen: set[str] = set()
    for raw in values:
        raw = raw.strip()
        if not raw:
            continue
        if len(raw) > 64:
            raise CallerDetailsRefused("phones", f"{raw[:20]!r}…: a number is at most 64 characters.")
        number = phone_rules.normalise(raw, region)
        if sum(char.isdigit() for char in raw) < 3 or not number.national_digits:
            raise CallerDetailsRefused("phones", f"{raw!r} is not a phone number (expected e.g. 020 7946 0000).")
        key = phone_key(number)
        if key not in seen:
            seen.add(key)
            numbers.append(number)
    if len(numbers) > MAX_PHONES:
        raise CallerDetailsRefused("phones", f"at most {MAX_PHONES} numbers (this has {len(numbers)}).")
    return numbers


def phone_key(number: phone_rules.NormalisedPhone) -> str:
    """What makes two typed numbers the same number: the international form, else the national digits."""
    return number.e164 or number.national_digits


def apply(session: Session, customer_id: int, details: CallerDetails, by: Actor, *, region: str) -> dict[str, list[object]]:
    """Save ``details`` on the customer; returns field → [old, new] for what changed.

    Everything is checked before anything is written (a refusal leaves the record as
    it was). Phones: numbers kept keep their row (and label); removed ones are deleted;
    new ones are added after them, normalised for lookup.
    """
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist.")
    wanted: dict[str, object] = {field: _text(details, field) for field in LIMITS}
    wanted["email"] = _email(details.email)
    wanted["is_vip"] = bool(details.is_vip)
    wanted["caution_flags"] = _flags(details.caution_flags)
    numbers = _phones(details.phones, region)
    changes: dict[str, list[object]] = {}
    for field, new in wanted.items():
        old = getattr(customer, field)
        if field == "caution_flags":
            old = list(old or [])
        if not _same(old, new):
            changes[field] = [old, new]
            setattr(customer, field, new)
    rows = list(session.exec(select(CustomerPhone).where(CustomerPhone.customer_id == customer_id).order_by(col(CustomerPhone.id))))
    old_keys = [row.e164 or row.national_digits for row in rows]
    new_keys = [phone_key(number) for number in numbers]
    # The same numbers in any layout or order are no change (their rows and labels stay).
    if set(old_keys) != set(new_keys):
        changes["phones"] = [[row.raw for row in rows], [number.raw for number in numbers]]
        for row, key in zip(rows, old_keys, strict=True):
            if key not in new_keys:
                session.delete(row)
        for number, key in zip(numbers, new_keys, strict=True):
            if key not in old_keys:
                add_phone(session, customer_id, number.raw, region=region)
    if changes:
        customer.updated_at = by.now()
        session.add(customer)
    return changes
