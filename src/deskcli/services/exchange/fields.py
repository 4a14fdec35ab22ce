"""deskcli's import fields, and the column names other desks' exports use for them.

A column matches a field when its name, normalised (lower case, runs of anything but
letters and digits made ``_``), is the field's name or one of its aliases. The
export writes the field names themselves, so an export always re-imports as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise(column: str) -> str:
    """``"Customer E-mail "`` → ``customer_e_mail``; ``"Ticket #"`` → ``ticket``."""
    return _NOT_WORD.sub("_", column.strip().lower()).strip("_")


@dataclass(frozen=True)
class FieldSpec:
    """One field a column can be mapped to."""

    name: str
    kind: str
    """How cells are read: text, email, phones, bool, flags, datetime, priority, status, channel, rating."""
    help: str
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    label: str = ""
    """For phone fields: the label the numbers get (work, mobile, home)."""


def _spec(name: str, kind: str, help: str, *aliases: str, max_length: int | None = None, label: str = "") -> FieldSpec:
    return FieldSpec(name, kind, help, tuple(aliases), max_length, label)


CUSTOMER_FIELDS: tuple[FieldSpec, ...] = (
    _spec("external_id", "text", "the customer's id in the other system (dedupes the next import)",
          "id", "customer_id", "contact_id", "client_id", "account_number", "customer_number", "requester_id",
          "user_id", max_length=120),
    _spec("deskcli_id", "text", "the customer's id in the deskcli database the file was exported from",
          max_length=120),
    _spec("name", "text", "full name (or give first_name and last_name)",
          "full_name", "customer_name", "contact_name", "contact", "customer", "requester", "caller",
          "display_name", "client_name", max_length=160),
    _spec("first_name", "text", "given name, joined with last_name when there is no name column",
          "firstname", "given_name", "forename", max_length=80),
    _spec("last_name", "text", "family name", "lastname", "surname", "family_name", max_length=80),
    _spec("email", "email", "e-mail address", "e_mail", "email_address", "e_mail_address", "mail",
          "customer_email", "contact_email", "requester_email", max_length=254),
    _spec("phone", "phones", "phone number(s), several split by the separator",
          "telephone", "phone_number", "tel", "telephone_number", "phones", "contact_number", "landline",
          max_length=64),
    _spec("mobile", "phones", "mobile number(s)", "cell", "mobile_phone", "cell_phone", "mobile_number",
          max_length=64, label="mobile"),
    _spec("work_phone", "phones", "work number(s)", "office_phone", "business_phone", "work", max_length=64,
          label="work"),
    _spec("home_phone", "phones", "home number(s)", "home", max_length=64, label="home"),
    _spec("organisation", "text", "organisation or company", "organization", "company", "org", "account",
          "company_name", "organisation_name", "organization_name", "employer", max_length=160),
    _spec("department", "text", "department", "dept", "team", "division", max_length=160),
    _spec("is_vip", "bool", "VIP or executive (yes/no)", "vip", "executive", "priority_customer"),
    _spec("caution_flags", "flags", "things to know before speaking, split by the separator",
          "flags", "tags", "cautions"),
    _spec("notes", "text", "notes about the customer", "note", "comments", "comment", "remarks"),
    _spec("name_spelling", "text", "the spelling confirmed with the caller", "spelling", max_length=200),
    _spec("pronunciation", "text", "how to say the name", "pronounced", "phonetic", max_length=200),
    _spec("created_at", "datetime", "when the customer was first recorded",
          "created", "date_created", "customer_since", "created_date"),
)
"""Fields of ``deskcli import customers``."""

CALL_FIELDS: tuple[FieldSpec, ...] = (
    _spec("external_id", "text", "the call's id (ticket number) in the other desk",
          "ticket_id", "ticket", "ticket_number", "ticket_no", "case_id", "case_number", "incident_id",
          "incident_number", "id", "number", "call_id", "request_id", max_length=120),
    _spec("reference", "text", "a deskcli reference (HD-000123), kept when this database has not used it",
          "deskcli_reference", "ref", max_length=20),
    _spec("customer_external_id", "text", "the caller's id in the other system",
          "customer_id", "requester_id", "contact_id", "client_id", max_length=120),
    _spec("customer_deskcli_id", "text", "the caller's id in the deskcli database the file came from",
          max_length=120),
    _spec("customer_name", "text", "the caller's name", "customer", "requester", "requester_name", "contact",
          "contact_name", "caller", "caller_name", "name", "client", max_length=160),
    _spec("customer_email", "email", "the caller's e-mail", "requester_email", "email", "e_mail",
          "contact_email", "caller_email", max_length=254),
    _spec("customer_phone", "phones", "the caller's phone", "phone", "telephone", "requester_phone",
          "contact_phone", "caller_phone", max_length=64),
    _spec("customer_organisation", "text", "the caller's organisation", "organisation", "organization",
          "company", "customer_company", "account", max_length=160),
    _spec("opened_at", "datetime", "when the call was opened (required)",
          "opened", "created", "created_at", "date_opened", "open_date", "date_created", "created_date",
          "submitted", "reported", "logged", "date"),
    _spec("acknowledged_at", "datetime", "when it was acknowledged", "acknowledged", "first_response",
          "first_response_at"),
    _spec("resolved_at", "datetime", "when it was resolved", "resolved", "date_resolved", "resolution_date",
          "solved_at", "solved"),
    _spec("closed_at", "datetime", "when it was closed (required for a closed call)",
          "closed", "date_closed", "close_date", "closed_date"),
    _spec("status", "status", "open, escalated, awaiting_confirmation or closed (and other desks' words)",
          "state", "ticket_status"),
    _spec("priority", "priority", "1 (critical) to 4 (low), P1-P4, or critical/high/medium/low",
          "severity"),
    _spec("category", "text", "the problem category", "type", "ticket_type", "issue_type", "problem_type",
          "classification", max_length=64),
    _spec("channel", "channel", "phone, email, chat, face_to_face or fax", "source", "via", "origin",
          "contact_method"),
    _spec("summary", "text", "the problem in a line", "subject", "title", "problem", "short_description",
          "issue", max_length=500),
    _spec("notes", "text", "the analyst's notes or the ticket's description", "description", "details",
          "comments", "body", "problem_description"),
    _spec("resolution", "text", "how it was resolved", "solution", "resolution_notes", "fix",
          "resolution_text", "how_resolved"),
    _spec("instructions", "text", "what the caller was told to do"),
    _spec("owner", "text", "who worked it (a person or team)", "assigned_to", "assignee", "agent",
          "technician", "actual_owner", "handled_by", max_length=200),
    _spec("satisfaction", "rating", "the customer's satisfaction, 1 to 5", "csat", "rating",
          "satisfaction_rating", "satisfaction_score"),
    _spec("satisfaction_comment", "text", "what the customer said about it", "feedback", "csat_comment",
          "rating_comment", max_length=500),
)
"""Fields of ``deskcli import calls``."""

FIELDS = {"customers": CUSTOMER_FIELDS, "calls": CALL_FIELDS}


def by_name(kind: str) -> dict[str, FieldSpec]:
    """The fields of an import kind, by name."""
    return {spec.name: spec for spec in FIELDS[kind]}


def alias_table(kind: str) -> dict[str, str]:
    """Normalised column name → field name (a field's own name first, then its aliases in order)."""
    table: dict[str, str] = {}
    for spec in FIELDS[kind]:
        table.setdefault(spec.name, spec.name)
    for spec in FIELDS[kind]:
        for alias in spec.aliases:
            table.setdefault(alias, spec.name)
    return table
