"""The fixed vocabularies of a call.

Stored as plain strings (not database enums) so adding a value never needs a
migration on PostgreSQL; the services only ever write these members.
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How the call came in (seed: a call may be a visit, phone call, fax or e-mail)."""

    PHONE = "phone"
    EMAIL = "email"
    FACE_TO_FACE = "face_to_face"
    CHAT = "chat"
    FAX = "fax"


class CallStatus(StrEnum):
    """Where the call stands as a record."""

    OPEN = "open"
    """Being worked by the analyst who took it."""
    ESCALATED = "escalated"
    """Handed to someone else (actual owner moved); the analyst keeps perceived ownership."""
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    """Resolved, but the customer has not yet agreed it can be closed."""
    CLOSED = "closed"
    """Closed with the customer's agreement."""


OPEN_STATUSES: tuple[CallStatus, ...] = (
    CallStatus.OPEN,
    CallStatus.ESCALATED,
    CallStatus.AWAITING_CONFIRMATION,
)
"""Statuses in which the call still needs somebody."""


class Stage(StrEnum):
    """The five stages of a support call (seed: Handling Support Calls)."""

    GREETING = "greeting"
    ASSESSMENT = "assessment"
    RESOLVE = "resolve"
    CLOSE = "close"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        """Human name of the stage."""
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.GREETING: "Greeting",
    Stage.ASSESSMENT: "Assessment",
    Stage.RESOLVE: "Resolve or escalate",
    Stage.CLOSE: "Close",
    Stage.FOLLOW_UP: "Follow-up",
}


class AckMethod(StrEnum):
    """How the call was acknowledged to the customer (seed: verbally or by e-mail)."""

    VERBAL = "verbal"
    EMAIL = "email"


class Urgency(StrEnum):
    """How soon the customer needs it fixed (asked during assessment)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class BusinessImpact(StrEnum):
    """How badly the problem hurts the customer's business."""

    NONE = "none"
    MINOR = "minor"
    SIGNIFICANT = "significant"
    SEVERE = "severe"


class EscalationType(StrEnum):
    """Seed 004: functional (to expertise) or hierarchical (to seniority)."""

    FUNCTIONAL = "functional"
    HIERARCHICAL = "hierarchical"


class CommitmentKind(StrEnum):
    """The kinds of promise made to a customer."""

    NEXT_CONTACT = "next_contact"
    """The time the customer was told to expect to hear from the desk after escalation."""
    CALLBACK = "callback"
    """A call back offered instead of a long hold."""
    FOLLOW_UP = "follow_up"
    """The relationship follow-up call after close."""
    PROMISE = "promise"
    """Anything else the analyst promised ("I'll ring you back at 3.05")."""
    FEEDBACK = "feedback"
    """A feedback meeting with the analyst after an escalation review (seed 004); owed by the reviewer."""


class CommitmentOutcome(StrEnum):
    """What became of a promise."""

    KEPT_ON_TIME = "kept_on_time"
    KEPT_LATE = "kept_late"
    MISSED = "missed"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"


class EventKind(StrEnum):
    """Kinds of entry on a call's append-only timeline."""

    CREATED = "created"
    GREETED = "greeted"
    ACKNOWLEDGED = "acknowledged"
    STAGE_CHANGED = "stage_changed"
    STAGE_SKIPPED = "stage_skipped"
    FIELDS_CHANGED = "fields_changed"
    NOTES_SAVED = "notes_saved"
    HOLD_STARTED = "hold_started"
    HOLD_ENDED = "hold_ended"
    WARNING_GIVEN = "warning_given"
    TRANSFERRED = "transferred"
    DISCONNECTED = "disconnected"
    COMPLAINT_LOGGED = "complaint_logged"
    ARTICLE_USED = "article_used"
    ESCALATED = "escalated"
    OWNERSHIP_MOVED = "ownership_moved"
    CONTACT_LOGGED = "contact_logged"
    COMMITMENT_MADE = "commitment_made"
    COMMITMENT_RESOLVED = "commitment_resolved"
    RESOLVED = "resolved"
    CUSTOMER_AGREED = "customer_agreed"
    CUSTOMER_DECLINED = "customer_declined"
    CLOSED = "closed"
    REOPENED = "reopened"
    EMAIL_SENT = "email_sent"
    EMAIL_QUEUED = "email_queued"
    EMAIL_FAILED = "email_failed"
    STATUS_CHANGED = "status_changed"
    SLA_PAUSED = "sla_paused"
    SLA_RESUMED = "sla_resumed"
    NAME_CONFIRMED = "name_confirmed"
    TALK_ENDED = "talk_ended"
    TALK_RESUMED = "talk_resumed"
    APOLOGISED = "apologised"
    """The analyst apologised and empathised (a complaint; seed: Complaints)."""
    IMPORTED = "imported"
    """The call came from another help desk's records (``deskcli import calls``), not a live call."""
    PRIORITY_ELEVATED = "priority_elevated"
    """The analyst raised the priority by hand, with a reason (elevation; seed 000)."""
    PROBLEM_READ_BACK = "problem_read_back"
    """The logged problem was read back to the caller, who confirmed it (seed 000: Complaints)."""
    SUPERVISOR_NOTIFIED = "supervisor_notified"
    """A valid complaint: the caller was told "I'll let my supervisor know", and the supervisor was sent a notice."""
    CUSTOMER_CHANGED = "customer_changed"
    """The caller's record was corrected from the call (spelling, phones, VIP, caution flags …): field, old → new."""


_WORDS = {
    CallStatus.AWAITING_CONFIRMATION: "awaiting the customer's confirmation",
    CommitmentKind.NEXT_CONTACT: "next contact",
    CommitmentKind.CALLBACK: "call-back",
    CommitmentKind.FOLLOW_UP: "follow-up call",
    CommitmentOutcome.KEPT_ON_TIME: "kept on time",
    CommitmentOutcome.KEPT_LATE: "kept late",
    Channel.FACE_TO_FACE: "face to face",
    Channel.EMAIL: "e-mail",
}


def status_words(value: str) -> str:
    """A stored status, kind or outcome in words (``awaiting_confirmation`` → "awaiting the customer's confirmation")."""
    return _WORDS.get(value, value.replace("_", " "))  # type: ignore[call-overload]


def contact_by(channel: str) -> str:
    """How the customer is reached on a channel, in words: "by e-mail", "face to face"."""
    words = status_words(channel)
    return words if channel == Channel.FACE_TO_FACE else f"by {words}"
