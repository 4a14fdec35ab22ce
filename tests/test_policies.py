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
    "security", "promise_passed", "company_wide",
}
SEED_CAUSES = {
    "experience_or_training", "operational_efficiency", "dissatisfaction", "security", "better_tier", "caller_behaviour",
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


def test_an_office_copy_from_before_the_causes_takes_the_shipped_ones(tmp_path):
    """An escalation.toml copied from an older deskcli has no [[causes]]: it loads, with the shipped causes;
    causes the office writes itself stand."""
    import re

    from deskcli.config.datafiles import read

    shipped = read("policies/escalation.toml").text
    older = re.sub(r"\[\[causes\]\].*?(?=\n\[\[|\Z)", "", shipped, flags=re.S)
    older = re.sub(r"(?m)^suggests_cause = .*\n", "", older)  # the triggers' suggestions came with the causes
    import tomllib

    parsed = tomllib.loads(older)
    assert "causes" not in parsed and not any("suggests_cause" in trigger for trigger in parsed["triggers"])
    office = write(tmp_path / "office", "escalation.toml", older)
    assert [cause.key for cause in load_policies(office).escalation.causes] == [
        cause.key for cause in load_policies().escalation.causes]
    own = older + '\n[[causes]]\nkey = "other"\nlabel = "Another reason"\n'
    write(tmp_path / "office", "escalation.toml", own)
    assert [cause.key for cause in load_policies(office).escalation.causes] == ["other"]
    write(tmp_path / "office", "escalation.toml", "causes = []\n" + older)  # written empty on purpose: refused
    with pytest.raises(DataFileError, match=r"escalation\.toml: field causes"):
        load_policies(office)


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


ESCALATION_HEAD = """
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
suggests_route = "senior_staff"
"""


def test_trigger_pointing_at_a_missing_route_is_refused(tmp_path):
    """Triggers must suggest routes that exist."""
    body = ESCALATION_HEAD.replace('suggests_route = "senior_staff"', 'suggests_route = "wizards"')
    office = write(tmp_path / "office", "escalation.toml", body + '\n[[causes]]\nkey = "dissatisfaction"\nlabel = "Dissatisfied"\n')
    with pytest.raises(DataFileError, match="wizards"):
        load_policies(office)


def test_shipped_causes_are_seed_003s_reasons_each_picked_by_its_own_key(policies):
    """Lack of experience or training, low operational efficiency, dissatisfaction with a product
    or service, security, a tier that can better assist (seed 003) and the abusive caller (seed 002)."""
    causes = policies.escalation.causes
    assert {cause.key for cause in causes} == SEED_CAUSES
    assert len({cause.pick_key for cause in causes}) == len(causes)
    assert policies.escalation.cause("dissatisfaction").label == "Dissatisfied with a product or service"
    # Each label starts with the key that picks it, so the escalate pane underlines it.
    assert all(cause.label[0].lower() == cause.pick_key for cause in causes)


def test_triggers_suggest_causes_where_one_follows(policies):
    """The customer asking for a manager points to dissatisfaction, a breached SLA to operational
    efficiency; an executive being affected says nothing about why."""
    escalation = policies.escalation
    assert escalation.trigger("customer_request").suggests_cause == "dissatisfaction"
    assert escalation.trigger("sla_breached").suggests_cause == "operational_efficiency"
    assert escalation.trigger("security").suggests_cause == "security"
    assert escalation.trigger("executive_affected").suggests_cause == ""
    assert escalation.trigger("company_wide").suggests_cause == ""
    # A route's usual cause (for escalations made without an analyst): what its triggers point to first.
    assert escalation.usual_cause("senior_staff").key == "dissatisfaction"
    assert escalation.usual_cause("customer_services").key == escalation.causes[0].key


def test_company_wide_issues_go_to_the_manager(policies):
    """Seed 000: "refer your call to the manager or supervisor … if the customer … begins to raise
    other, company-wide issues"."""
    trigger = policies.escalation.trigger("company_wide")
    assert (trigger.source, trigger.suggests_route, trigger.suggests_type, trigger.start_tier) == (
        "computed", "senior_staff", EscalationType.HIERARCHICAL, 3,
    )



@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ('[[causes]]\nkey = "Bad Key"\nlabel = "x"\n', "causes.0.key"),
        ('[[causes]]\nkey = "slow"\nlabel = ""\n', "causes.0.label"),
        ('[[causes]]\nkey = "slow"\nlabel = "x"\nhotkey = "ab"\n', "causes.0.hotkey"),
        ('[[causes]]\nkey = "slow"\nlabel = "x"\n[[causes]]\nkey = "slow"\nlabel = "y"\n', "cause key 'slow' is used twice"),
        ('[[causes]]\nkey = "slow"\nlabel = "x"\n[[causes]]\nkey = "sad"\nlabel = "y"\n', "both picked by 's'"),
    ],
)
def test_a_bad_cause_is_named_with_its_field(tmp_path, tail, expected):
    """Causes are checked like triggers and routes: required, keys and hotkeys distinct."""
    office = write(tmp_path / "office", "escalation.toml", ESCALATION_HEAD + "\n" + tail)
    with pytest.raises(DataFileError) as broken:
        load_policies(office)
    assert str(office / "escalation.toml") in broken.value.message
    assert expected in broken.value.message


def test_a_trigger_suggesting_an_unknown_cause_is_refused(tmp_path):
    body = ESCALATION_HEAD.replace('suggests_route = "senior_staff"\n', 'suggests_route = "senior_staff"\nsuggests_cause = "luck"\n')
    office = write(tmp_path / "office", "escalation.toml", body + '\n[[causes]]\nkey = "slow"\nlabel = "x"\n')
    with pytest.raises(DataFileError, match="suggests cause 'luck'"):
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
