"""The hand-off passed to whoever takes an escalated call (seed: "pass on as much detail
as possible"): summary, steps tried, impact, contact details and when to call back."""

from __future__ import annotations

from deskcli.services.lifecycle.callview import CallView
from deskcli.services.rules.triggers import TriggerResult


def compose(view: CallView, triggers: list[TriggerResult]) -> str:
    """A hand-off text from the assessment, for the analyst to edit before sending."""
    call, customer = view.call, view.customer
    impact = []
    if call.people_affected is not None:
        impact.append(f"{call.people_affected} people affected")
    if call.departments_affected is not None:
        impact.append(f"{call.departments_affected} department(s) affected")
    if call.business_impact:
        impact.append(f"business impact: {call.business_impact}")
    if call.executive_affected or customer.is_vip:
        impact.append("executive / VIP affected")
    if call.security_concern:
        impact.append("SECURITY CONCERN")
    contact = [customer.name]
    if customer.organisation or customer.department:
        contact.append(", ".join(part for part in (customer.department, customer.organisation) if part))
    contact.extend(view.phones)
    if customer.email:
        contact.append(customer.email)
    holding = [f"- {t.label}: {t.because}" for t in triggers if t.holds]
    lines = [
        f"Call {call.reference}: {call.summary or '(no summary yet)'}",
        f"Category: {call.category or '-'}; priority: {('P' + str(call.priority)) if call.priority else '-'}"
        + (f" ({call.priority_reason})" if call.priority_reason else ""),
        "Impact: " + ("; ".join(impact) if impact else "one person"),
        "",
        "What was said and tried:",
        call.notes.strip() or "(no notes)",
    ]
    if call.resolution.strip():
        lines += ["", f"Attempted resolution: {call.resolution.strip()}"]
    if holding:
        lines += ["", "Why it is escalated:", *holding]
    lines += [
        "",
        "Contact: " + " / ".join(contact),
        f"Preferred call-back: {call.callback_preference or 'not given'}",
    ]
    if call.is_complaint:
        lines.append("This is a complaint" + (" (valid)" if call.complaint_valid else "") + ".")
    return "\n".join(lines)
