"""Who is ringing, at a glance, before the data layer is loaded (``--caller-id`` on SQLite).

Starting with ``--caller-id`` the analyst needs the caller's name first: the card, the
open calls and the greeting screen can follow. SQLAlchemy, SQLModel and the models take
half a second or more to import, so this looks the number up with the standard
library's ``sqlite3``, read-only, with the same matching as the lookup
(:func:`deskcli.services.lookup.customers.lookup` for a phone number: national digits or
the international form starting with the number). Anything unexpected (no file yet, a
schema from before the phone table, a lock) gives no glance: the full lookup follows
and reports what is wrong.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from deskcli.services.lookup import phones
from deskcli.store.dbfile import open_for_a_glance

SHOWN = 3
"""Callers named in the glance; more are counted."""


@dataclass(frozen=True)
class CallerGlance:
    """The customers whose phone numbers match the ringing number."""

    number: str
    callers: tuple[tuple[str, str], ...]
    """(name, organisation) of up to :data:`SHOWN` of them."""
    more: bool
    """More customers match than are named."""

    def describe(self) -> str:
        """``Inés Llewellyn (Greenway Energy), 02920187073`` or how many share the number."""
        if not self.callers:
            return f"{self.number}: not on record yet"
        if len(self.callers) == 1 and not self.more:
            name, organisation = self.callers[0]
            return f"{name} ({organisation}), {self.number}" if organisation else f"{name}, {self.number}"
        names = ", ".join(name for name, _ in self.callers)
        return f"{self.number}: {'more than ' if self.more else ''}{len(self.callers)} customers share it ({names}{'…' if self.more else ''})"


def _after(prefix: str) -> str:
    """The smallest string above every string starting with ``prefix`` (digits and ``+`` only)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def glance(path: Path, number: str, region: str) -> CallerGlance | None:
    """The customers ``number`` belongs to, read from the SQLite file at ``path``; ``None`` if unknown."""
    prefix = phones.query_prefix(number, region)
    conditions, parameters = [], []
    if prefix.e164_prefix and len(prefix.e164_prefix) > 1:
        conditions.append("(p.e164 >= ? AND p.e164 < ?)")
        parameters += [prefix.e164_prefix, _after(prefix.e164_prefix)]
    if prefix.national_prefix:
        conditions.append("(p.national_digits >= ? AND p.national_digits < ?)")
        parameters += [prefix.national_prefix, _after(prefix.national_prefix)]
    if not conditions:
        return None
    sql = (
        "SELECT c.name, c.organisation FROM customer AS c WHERE c.id IN "
        f"(SELECT DISTINCT p.customer_id FROM customer_phone AS p WHERE {' OR '.join(conditions)} LIMIT ?) "
        "ORDER BY c.id"
    )
    try:
        connection = open_for_a_glance(path)
        try:
            rows = connection.execute(sql, [*parameters, SHOWN + 1]).fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    callers = tuple((str(name), str(organisation or "")) for name, organisation in rows[:SHOWN])
    return CallerGlance(number, callers, more=len(rows) > SHOWN)
