"""The hand-off passed to whoever takes an escalated call (seed: "pass on as much detail
as possible"): summary, steps tried, impact, contact details and when to call back."""

from __future__ import annotations

from deskcli.core.enums import contact_by
from deskcli.services.lifecycle.callview import CallView
from deskcli.services.rules.triggers import TriggerResult


def channel_line(channel: str) -> str:
    """The hand-off's line for a change of channel (seed 003: escalating "can entail
    changing the communication method, such as from phone to email")."""
    return f"Contact the customer {contact_by(channel)} from now on."


def with_channel(handoff: str, channel: str | None) -> str:
    """The hand-off with the channel change in it (added when the analyst's text lacks it)."""
    if not channel or channel_line(channel) in handoff:
        return handoff
    return f"{handoff.rstrip()}\n{channel_line(channel)}"


def compose(view: CallView, triggers: list[TriggerResult], channel: str | None = None) -> str:
    """A hand-off text from the assessment, for the analyst to edit before sending
    (with the channel the customer is to be contacted on, when it changes)."""
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
    if call.company_wide:
        impact.append("company-wide issue raised")
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
    if channel:
        lines.append(channel_line(channel))
    if call.is_complaint:
        lines.append("This is a complaint" + (" (valid)" if call.complaint_valid else "") + ".")
    return "\n".join(lines)
