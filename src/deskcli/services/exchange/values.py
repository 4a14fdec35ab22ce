"""Cells made into values: missing-value markers, yes/no, lists, and the call's vocabularies.

Each reader returns the value or raises :class:`CellError` with what was expected;
the import turns that into a row error naming the line and the column.
"""

from __future__ import annotations

import re
import unicodedata

from deskcli.core.enums import CallStatus, Channel

DEFAULT_MISSING = ("", "?", "??", "n/a", "#n/a", "-", "--", "null", "(null)", "none", "(none)", "(blank)")
"""Cells that mean "not known" (compared ignoring case). ``--missing VALUE`` adds more."""

DEFAULT_SEPARATOR = ";"
"""What separates several values in one cell (phone numbers, caution flags)."""


class CellError(ValueError):
    """A cell that cannot be read as its field; the message says what was expected."""


class Missing:
    """The missing-value markers of one import."""

    def __init__(self, extra: tuple[str, ...] | list[str] = ()) -> None:
        self.markers = {marker.strip().casefold() for marker in (*DEFAULT_MISSING, *extra)}
        self.longest = max(len(marker) for marker in self.markers)

    def __call__(self, cell: str) -> bool:
        """True when ``cell`` (already stripped) means "not known"."""
        return not cell or (len(cell) <= self.longest and cell.casefold() in self.markers)


_TRUE = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "vip", "on"}
_FALSE = {"no", "n", "false", "f", "0", "off"}


def boolean(cell: str) -> bool:
    """yes/no, true/false, 1/0, x."""
    value = cell.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(f"{cell!r} is not yes or no (expected yes/no, true/false, 1/0).")


def text(cell: str, max_length: int | None) -> str:
    """The cell as text, refused when longer than the column holds."""
    if max_length is not None and len(cell) > max_length:
        raise CellError(f"longer than the {max_length} characters deskcli keeps ({len(cell)}).")
    return cell


_SPACE = re.compile(r"\s")


def email(cell: str) -> str:
    """An e-mail address, as written (compared ignoring case)."""
    value = cell.strip().strip("<>").strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    local, _, domain = value.partition("@")
    if not local or "." not in domain or _SPACE.search(value) or value.count("@") != 1:
        raise CellError(f"{cell!r} is not an e-mail address (expected name@example.org).")
    if len(value) > 254:
        raise CellError("longer than the 254 characters an e-mail address may have.")
    return value


def split(cell: str, separator: str) -> list[str]:
    """The values of a multi-value cell (already stripped; empty ones left out)."""
    if not separator or separator not in cell:
        return [cell] if cell else []
    return [part for part in (piece.strip() for piece in cell.split(separator)) if part]


_HAS_DIGIT = re.compile(r"\d")


def phone_texts(cell: str, separator: str) -> list[str]:
    """The phone numbers of a cell, as written; each must hold a digit."""
    numbers = split(cell, separator)
    for number in numbers:
        if not _HAS_DIGIT.search(number):
            raise CellError(f"{number!r} is not a phone number.")
        if len(number) > 64:
            raise CellError(f"{number[:20]!r}… is longer than the 64 characters a phone number is kept in.")
    return numbers


def flags(cell: str, separator: str) -> list[str]:
    """Caution flags: ``Abusive history; Hard of hearing`` → ``["abusive_history", "hard_of_hearing"]``."""
    return [re.sub(r"[^0-9a-z]+", "_", part.casefold()).strip("_") for part in split(cell, separator)]


_PRIORITY_WORDS = {
    "critical": 1, "urgent": 1, "highest": 1, "emergency": 1, "p1": 1, "1": 1,
    "high": 2, "p2": 2, "2": 2,
    "medium": 3, "normal": 3, "moderate": 3, "p3": 3, "3": 3,
    "low": 4, "lowest": 4, "minor": 4, "p4": 4, "4": 4,
}


def priority(cell: str) -> int:
    """1 (critical) to 4 (low): numbers, P1-P4 or the usual words."""
    value = re.sub(r"[\s_-]+", "", cell.strip().casefold()).removeprefix("priority")
    if value in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[value]
    raise CellError(f"{cell!r} is not a priority (expected 1-4, P1-P4, or critical, high, medium, low).")


_STATUS_WORDS = {
    CallStatus.OPEN: ("open", "new", "in_progress", "inprogress", "active", "pending", "assigned", "reopened",
                      "on_hold", "waiting", "work_in_progress", "wip"),
    CallStatus.ESCALATED: ("escalated",),
    CallStatus.AWAITING_CONFIRMATION: ("awaiting_confirmation", "resolved", "solved", "fixed",
                                       "awaiting_customer_confirmation", "pending_confirmation"),
    CallStatus.CLOSED: ("closed", "done", "complete", "completed", "cancelled", "canceled"),
}
_STATUS = {word: status for status, words in _STATUS_WORDS.items() for word in words}


def status(cell: str) -> CallStatus:
    """A call status; other desks' words (new, in progress, solved, done …) map to deskcli's four."""
    value = re.sub(r"[\s-]+", "_", cell.strip().casefold())
    if value in _STATUS:
        return _STATUS[value]
    raise CellError(
        f"{cell!r} is not a status deskcli knows (expected open, escalated, awaiting_confirmation or closed, "
        "or new, in progress, resolved, solved, done)."
    )


_CHANNEL_WORDS = {
    Channel.PHONE: ("phone", "telephone", "call", "voice", "tel", "phone_call"),
    Channel.EMAIL: ("email", "e_mail", "mail"),
    Channel.CHAT: ("chat", "web_chat", "webchat", "live_chat", "messaging"),
    Channel.FACE_TO_FACE: ("face_to_face", "walk_in", "walkin", "in_person", "visit", "desk"),
    Channel.FAX: ("fax",),
}
_CHANNEL = {word: channel for channel, words in _CHANNEL_WORDS.items() for word in words}


def channel(cell: str) -> Channel:
    """How the call came in."""
    value = re.sub(r"[\s-]+", "_", cell.strip().casefold())
    if value in _CHANNEL:
        return _CHANNEL[value]
    raise CellError(f"{cell!r} is not a channel (expected phone, email, chat, face_to_face or fax).")


def rating(cell: str) -> int:
    """Satisfaction 1-5 (``4``, ``4/5``)."""
    value = cell.strip().removesuffix("/5").strip()
    if value.isdigit() and 1 <= int(value) <= 5:
        return int(value)
    raise CellError(f"{cell!r} is not a satisfaction rating (expected 1 to 5).")


def same_name(first: str, second: str) -> bool:
    """Two spellings of one name: case, accents, apostrophes and spacing aside."""
    return name_key(first) == name_key(second)


_NOT_WORD = re.compile(r"[^\w\s]")


def name_key(name: str) -> str:
    """A name reduced for comparison: ``Siobhán O’Neill`` and ``siobhan o'neill`` are one."""
    if name.isascii():
        return " ".join(_NOT_WORD.sub("", name.lower()).split())
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub("", letters.casefold()).split())
