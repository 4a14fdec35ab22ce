"""Recording the read-back: the caller confirmed the problem as logged (seed 000).

"While logging the enquiry, you can confirm that you have correctly understood the
customer and that the customer has the facts right." The event keeps the problem it
confirmed; :attr:`CallView.problem_read_back` compares it with the record.
"""

from __future__ import annotations

from sqlmodel import Session

from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallStatus, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.rules.read_back import Problem, problem_of


def confirm(session: Session, call_id: int, by: Actor, *, shown: Problem, line: str) -> Call:
    """Record that the caller confirmed ``shown``, read back to them as ``line``.

    Refused when the record no longer holds what was read back (a field changed
    since, here or by another analyst): it must be read back again.
    """
    call = get_call(session, call_id)
    if call.status == CallStatus.CLOSED:
        raise RuleViolation(f"{call.reference} is closed: reopen it (with a reason) before you change the assessment.")
    if problem_of(call) != shown:
        raise RuleViolation(
            "The problem on record is not the one read back (it changed meanwhile).",
            "Read it back to the caller again: ctrl+s shows it.",
        )
    events.record(session, call, EventKind.PROBLEM_READ_BACK, by, line=line, problem=shown.payload())
    return call
