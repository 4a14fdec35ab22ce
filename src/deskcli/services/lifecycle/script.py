"""The call script: the steps each stage expects, and which were skipped.

The analyst may move between stages freely; moving past a stage whose steps are not
done is allowed, and the steps skipped are recorded on the call's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskcli.models import CallStatus, Stage
from deskcli.services.lifecycle.callview import CallView

ORDER = (Stage.GREETING, Stage.ASSESSMENT, Stage.RESOLVE, Stage.CLOSE, Stage.FOLLOW_UP)


@dataclass(frozen=True)
class Step:
    """One step of the script and whether it is done on this call."""

    stage: Stage
    label: str
    done: bool


def steps(view: CallView) -> list[Step]:
    """Every step of the script for this call."""
    call = view.call
    resolved_or_escalated = bool(call.resolution.strip()) or bool(view.escalations)
    return [
        Step(Stage.GREETING, "caller identified", True),
        Step(Stage.GREETING, "name spelling and pronunciation confirmed", view.name_confirmed),
        Step(Stage.GREETING, "call acknowledged (reference given)", call.acknowledged_at is not None),
        Step(Stage.ASSESSMENT, "problem summary", bool(call.summary.strip())),
        Step(Stage.ASSESSMENT, "category", call.category is not None),
        Step(Stage.ASSESSMENT, "impact (people affected)", call.people_affected is not None),
        Step(Stage.ASSESSMENT, "urgency", call.urgency is not None),
        # Seed 000: "confirm that you have correctly understood the customer".
        Step(Stage.ASSESSMENT, "problem read back to the caller", view.problem_read_back),
        Step(Stage.RESOLVE, "resolved or escalated", resolved_or_escalated),
        Step(
            Stage.CLOSE,
            "customer asked to agree to close",
            call.customer_agreed_at is not None or call.status in (CallStatus.AWAITING_CONFIRMATION, CallStatus.CLOSED),
        ),
    ]


def done_stages(view: CallView) -> set[Stage]:
    """Stages whose steps are all done."""
    all_steps = steps(view)
    return {stage for stage in ORDER if all(step.done for step in all_steps if step.stage == stage) and any(step.stage == stage for step in all_steps)}


def skipped_steps(view: CallView, leaving: Stage, going_to: Stage) -> list[str]:
    """Steps not done in ``leaving`` and the stages passed over, when moving forward."""
    start, end = ORDER.index(Stage(leaving)), ORDER.index(Stage(going_to))
    if end <= start:
        return []
    passed = set(ORDER[start:end])
    return [step.label for step in steps(view) if step.stage in passed and not step.done]
