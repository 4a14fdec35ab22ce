"""`deskcli due` and `deskcli policies`, through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from deskcli.config.launch import LaunchOptions
from deskcli.core.clock import SystemClock
from deskcli.models import CommitmentKind, CustomerCreate
from deskcli.runtime import open_runtime
from deskcli.services.lifecycle import calls, commitments
from deskcli.services.lookup import customers


def deskcli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskcli", *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
    )


@pytest.fixture
def profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKCLI_ANALYST__NAME", "Ann Jones")
    monkeypatch.setenv("DESKCLI_ANALYST__DEPARTMENT", "Help Desk")
    monkeypatch.setenv("DESKCLI_ANALYST__HANDLE", "ajones")


def promises(db_path: Path, *minutes_from_now: int) -> None:
    """One call with a promise due at each offset (negative: already overdue)."""
    runtime = open_runtime(LaunchOptions(db=db_path), SystemClock())
    try:
        with runtime.store.write() as session:
            customer = customers.create_customer(session, CustomerCreate(name="Dee Ue"), runtime.actor(), region="GB")
            call = calls.create_call(session, customer.id, runtime.actor())
            for offset in minutes_from_now:
                promise = commitments.make_commitment(
                    session, call.id, CommitmentKind.CALLBACK, runtime.clock.now() + timedelta(minutes=abs(offset) + 1),
                    runtime.actor(), description=f"promise {offset}",
                )
                if offset < 0:  # make it overdue: due in the past
                    promise.due_at = runtime.clock.now() - timedelta(minutes=-offset)
                    session.add(promise)
    finally:
        runtime.close()


def test_due_lists_and_exits_1_when_overdue(db_path, profile):
    """Overdue promises are marked and make the exit status 1 (for cron and status bars)."""
    promises(db_path, -20, 30)
    result = deskcli("--db", str(db_path), "due", "--within", "120")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OVERDUE") and "promise -20" in lines[0]
    assert lines[1].startswith("due") and "promise 30" in lines[1]
    assert "1 overdue" in result.stderr


def test_due_json_and_nothing_overdue_exits_0(db_path, profile):
    """--json prints the list as JSON; with nothing overdue the exit status is 0."""
    promises(db_path, 30)
    result = deskcli("--db", str(db_path), "due", "--json", "--within", "120")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [item["description"] for item in data] == ["promise 30"]
    assert data[0]["overdue"] is False and data[0]["reference"] == "HD-000001"


def test_due_shows_the_number_to_ring(db_path, profile):
    """A call-back's number is on its line ("ring …") and in the JSON; a promise without one has no "ring"."""
    runtime = open_runtime(LaunchOptions(db=db_path), SystemClock())
    try:
        with runtime.store.write() as session:
            customer = customers.create_customer(session, CustomerCreate(name="Ray Ring"), runtime.actor(), region="GB")
            call = calls.create_call(session, customer.id, runtime.actor())
            soon = runtime.clock.now() + timedelta(minutes=20)
            commitments.make_commitment(session, call.id, CommitmentKind.CALLBACK, soon, runtime.actor(),
                                        description="Ring Ray", contact_number="07700 900321")
            commitments.make_commitment(session, call.id, CommitmentKind.PROMISE, soon + timedelta(minutes=5), runtime.actor(),
                                        description="Send the form")
    finally:
        runtime.close()
    text = deskcli("--db", str(db_path), "due", "--within", "60")
    assert text.returncode == 0, text.stderr
    ring, form = text.stdout.splitlines()
    assert ring.endswith("Ring Ray  ring 07700 900321") and "ring" not in form.removesuffix("Send the form")
    data = json.loads(deskcli("--db", str(db_path), "due", "--json", "--within", "60").stdout)
    assert [(item["description"], item["contact_number"]) for item in data] == [("Ring Ray", "07700 900321"), ("Send the form", "")]


def test_due_horizon_leaves_later_promises_out(db_path, profile):
    """Promises beyond --within are not listed."""
    promises(db_path, 300)
    result = deskcli("--db", str(db_path), "due", "--within", "60")
    assert result.returncode == 0 and result.stdout.strip() == "Nothing due."


def test_due_without_a_profile_needs_all(db_path, profile, monkeypatch):
    """Without an analyst profile, 'my' list is refused with advice; --all works and names the owner."""
    promises(db_path, -5)
    for name in ("DESKCLI_ANALYST__NAME", "DESKCLI_ANALYST__DEPARTMENT", "DESKCLI_ANALYST__HANDLE"):
        monkeypatch.delenv(name)
    mine = deskcli("--db", str(db_path), "due")
    assert mine.returncode == 2 and "--all" in mine.stderr
    everyone = deskcli("--db", str(db_path), "due", "--all", "--json")
    assert everyone.returncode == 1
    assert json.loads(everyone.stdout)[0]["owed_by"] == "Ann Jones"


def test_policies_copy_then_check_names_a_broken_field(tmp_path):
    """Copied policy files check clean; a broken one is named with its field."""
    folder = tmp_path / "office"
    copied = deskcli("policies", "copy", str(folder))
    assert copied.returncode == 0 and (folder / "escalation.toml").exists() and (folder / "sla.toml").exists()
    assert deskcli("policies", "check", str(folder)).returncode == 0
    sla = folder / "sla.toml"
    sla.write_text(sla.read_text().replace('mon = ["08:00-12:30", "13:30-17:30"]', 'mon = ["9-5"]'))
    broken = deskcli("policies", "check", str(folder))
    assert broken.returncode == 2
    assert str(sla) in broken.stderr and "hours" in broken.stderr and "Traceback" not in broken.stderr
    again = deskcli("policies", "copy", str(folder))
    assert "Kept existing" in again.stdout and "9-5" in sla.read_text()
