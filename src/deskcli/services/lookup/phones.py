"""Phone numbers: normalised so the same number typed two ways finds the same caller.

``+44 20 7946 0000`` and ``020 7946 0000`` (office region GB) are one number. Uses
libphonenumber's rules (the ``phonenumbers`` package) for each region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

# Re-exported (``as`` marks it so): the CLI needs it without importing phonenumbers.
from deskcli.config.launch import looks_like_phone as looks_like_phone

_NON_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class NormalisedPhone:
    """A number as typed and in the forms used for lookup."""

    raw: str
    e164: str | None
    """``+442079460000`` when the number is a possible number; otherwise ``None``."""
    national_digits: str
    """National significant digits (no trunk prefix): ``2079460000``."""


def normalise(raw: str, region: str) -> NormalisedPhone:
    """Normalise a number typed in the office's ``region``."""
    raw = raw.strip()
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException:
        return NormalisedPhone(raw, None, _strip_trunk(_NON_DIGITS.sub("", raw), region))
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164) if phonenumbers.is_possible_number(number) else None
    return NormalisedPhone(raw, e164, phonenumbers.national_significant_number(number))


@dataclass(frozen=True)
class PhonePrefix:
    """What a partly typed number can match."""

    e164_prefix: str | None
    """Match international forms starting with this (``+44207``)."""
    national_prefix: str | None
    """Match national digits starting with this (``207``)."""


def query_prefix(text: str, region: str) -> PhonePrefix:
    """Turn a partly typed number into prefixes for indexed range lookups."""
    text = text.strip()
    digits = _NON_DIGITS.sub("", text)
    if text.startswith(("+", "00")):
        international = digits[2:] if text.startswith("00") else digits
        return PhonePrefix("+" + international, None)
    return PhonePrefix(None, _strip_trunk(digits, region))


def _strip_trunk(digits: str, region: str) -> str:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    trunk = metadata.national_prefix if metadata is not None else None
    if trunk and digits.startswith(trunk):
        return digits[len(trunk):]
    return digits


def display(raw: str, region: str) -> str:
    """A number formatted for reading aloud: national form for the office's region."""
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException:
        return raw
    if not phonenumbers.is_possible_number(number):
        return raw
    style = PhoneNumberFormat.NATIONAL if phonenumbers.region_code_for_number(number) == region else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)

