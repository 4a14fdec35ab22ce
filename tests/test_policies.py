"""Policies are data: the shipped files carry the seeds; a broken office copy is named precisely."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskcli.core.errors import DataFileError
from deskcli.models import EscalationType
from deskcli.services.actions import assessment
from deskcli.services.rules.policy import load_policies

SEED_ROUTES = {"senior_staff", "technical_experts", "customer_services", "suppliers", "contractors"}
SEED_TRIGGERS = {
    "customer_request", "resists_help", "business_impact", "executive_affected", "no_solution",
    "several_people", "several_departments", "sla_breached", "no_authority", "crossed_the_line",
    "security", "promise_passed",
}


def test_shipped_escalation_policy_carries_the_seed_routes_and_triggers(policies):
    """All five seed routes and every seed trigger are in the shipped policy."""
    assert {route.key for route in policies.escalation.routes} == SEED_ROUTES
    assert {trigger.key for trigger in policies.escalation.triggers} == SEED_TRIGGERS
    assert policies.escalation.close_target_days == 30
    types = {route.type for route in policies.escalation.routes}
    assert types == {EscalationType.FUNCTIONAL, EscalationType.HIERARCHICAL}


def test_some_triggers_start_above_tier_two(policies):
    """Grave situations start at tier 3 (seed 004)."""
    assert policies.escalation.trigger("crossed_the_line").start_tier == 3
    assert policies.escalation.trigger("security").start_tier == 3


def test_shipped_greeting_is_never_a_bare_hello(policies):
    """The greeting opens with the time of day and the analyst's name and offers help."""
    template = policies.greeting.template
    assert "{time_of_day}" in template and "{analyst_name}" in template and "help" in template.lower()


def write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


def test_office_copy_replaces_the_shipped_file(tmp_path):
    """A file of the same name in the office folder is used instead."""
    office = write(tmp_path / "office", "greeting.toml", 'template = "Good {time_of_day}, {analyst_name} at IT. What can I do for you?"\n')
    assert load_policies(office).greeting.template.endswith("What can I do for you?")


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("greeting.toml", 'template = "Hello, how can I help?"\n', "greeting.toml: field template"),
        ("greeting.toml", 'template = "Good {time_of_day}, {analyst_name} {mood}"\n', "{mood}"),
        ("greeting.toml", "template = \n", "not valid TOML"),
        ("escalation.toml", "routes = []\ntriggers = []\n", "escalation.toml: field routes"),
        ("categories.toml", '[[categories]]\nkey = "Bad Key"\nlabel = "x"\nquestions = ["q"]\n', "categories.0.key"),
        ("categories.toml", '[[categories]]\nkey = "x"\nlabel = "x"\nquestions = ["q"]\ncolour = "red"\n', "categories.0.colour"),
    ],
)
def test_broken_office_file_names_file_and_field(tmp_path, name, body, expected):
    """A broken policy file is reported with its path and the field at fault."""
    office = write(tmp_path / "office", name, body)
    with pytest.raises(DataFileError) as broken:
        load_policies(office)
    assert str(office / name) in broken.value.message
    assert expected in broken.value.message


def test_trigger_pointing_at_a_missing_route_is_refused(tmp_path):
    """Triggers must suggest routes that exist."""
    body = """
[[routes]]
key = "senior_staff"
label = "Senior"
type = "hierarchical"
tiers = [{ tier = 2, receiver = "Senior analyst" }]

[[triggers]]
key = "customer_request"
label = "asks"
reason = "asks"
source = "analyst"
suggests_type = "hierarchical"
suggests_route = "wizards"
"""
    office = write(tmp_path / "office", "escalation.toml", body)
    with pytest.raises(DataFileError, match="wizards"):
        load_policies(office)


# --- the assessment's prompts (seeds 000 and 002) ----------------------------------------------------

def _titles(found) -> list[str]:
    return [prompt.title for prompt in found]


def test_de_personalise_and_say_you_want_to_help_on_a_complaint(policies):
    """Seed 002: "de-personalize what you are hearing" and "verbalize ... that you want to help",
    shown on a complaint (an upset caller), beside the complaint."""
    [prompt] = [p for p in policies.prompts.prompts if p.title == "Don't take it personally; say you want to help"]
    assert prompt.when == "complaint"
    assert "De-personalize what you are hearing" in prompt.text
    assert "view the situation from the customer's perspective" in prompt.text
    assert "you want to help and are there to help" in prompt.text
    shown = assessment.assessment_prompts({"complaint"}, policies)
    assert prompt in shown.complaint and prompt not in shown.general


@pytest.mark.parametrize(
    ("valid", "shown", "not_shown"),
    [
        (None, [], ["Be accurate and honest", "Empathise, then correct", "Let your supervisor know"]),
        (True, ["Be accurate and honest", "Let your supervisor know"], ["Empathise, then correct"]),
        (False, ["Empathise, then correct"], ["Be accurate and honest", "Let your supervisor know"]),
    ],
)
def test_valid_or_not_is_the_analysts_judgement(policies, valid, shown, not_shown):
    """Until the complaint is judged, neither the valid nor the not-valid advice applies."""
    situations = assessment.situations(
        None, {"is_complaint": True, "complaint_valid": valid}, suggestions_found=None, now=datetime(2026, 3, 10, 14, 0, tzinfo=UTC), policies=policies
    )
    titles = _titles(assessment.assessment_prompts(situations, policies).complaint)
    assert "Apologise and empathise" in titles and "Agree the steps" in titles
    assert all(title in titles for title in shown) and not any(title in titles for title in not_shown)


def test_prompts_not_about_the_complaint_stay_at_the_foot(policies):
    found = assessment.assessment_prompts({"customer_identified", "no_solution", "complaint"}, policies)
    assert "Use their name" in _titles(found.general) and "Listen" in _titles(found.general)
    assert "Offer a solution only if you have one" in _titles(found.general)
    assert not {p.when for p in found.general} & assessment.COMPLAINT_SITUATIONS
