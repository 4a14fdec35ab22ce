"""``deskcli history`` and ``deskcli report`` through the command line: output, formats, paging, bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from click.testing import CliRunner

from desk_builder import Desk, utc
from deskcli.cli.commands import cli


@pytest.fixture
def desk(store, clock, policies) -> Desk:
    desk = Desk(store, clock, policies)
    siobhan = desk.customer("Siobhan O'Neill")
    desk.at(utc(2026, 4, 14, 9))
    printer = desk.call(siobhan, summary="Printer offline", category="hardware", priority=3)
    desk.wait(minutes=5)
    desk.close(printer, satisfaction=5)
    desk.at(utc(2026, 4, 15, 9))
    vpn = desk.call(siobhan, summary="VPN drops", category="network", priority=2)
    desk.escalate(vpn, next_contact_in=timedelta(hours=1))
    desk.at(utc(2026, 4, 16, 9))
    for n in range(3):
        desk.call(siobhan, summary=f"Scanner jam {n}", category="hardware", priority=4)
    return desk


def _run(db_path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args])


def test_history_lists_matches_newest_first(desk, db_path):
    result = _run(db_path, "history", "printer")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("HD-")]
    assert len(lines) == 1 and "Printer offline" in lines[0] and "closed" in lines[0]
    assert "1 call(s)." in result.output


def test_history_json_and_pages(desk, db_path):
    first = json.loads(_run(db_path, "history", "scanner", "--limit", "2", "--json").output)
    assert [call["reference"] for call in first["calls"]] == ["HD-000005", "HD-000004"]
    assert first["next_before"] == 4
    rest = json.loads(_run(db_path, "history", "scanner", "--limit", "2", "--before", "4", "--json").output)
    assert [call["reference"] for call in rest["calls"]] == ["HD-000003"] and rest["next_before"] is None


def test_history_filters(desk, db_path):
    result = _run(db_path, "history", "--escalated", "yes", "--json")
    assert [call["reference"] for call in json.loads(result.output)["calls"]] == ["HD-000002"]
    result = _run(db_path, "history", "--category", "hardware", "--status", "closed", "--json")
    assert [call["reference"] for call in json.loads(result.output)["calls"]] == ["HD-000001"]


@pytest.mark.parametrize(("args", "message"), [
    (['"'], "no words to look for"),
    (["(", "*"], "no words to look for"),
    (["--period", "soon"], "period: 'soon' is not a period"),
    (["--analyst", "nobody"], "analyst: no analyst is called 'nobody'"),
    (["--sla", "late"], "sla: 'late' is not known"),
])
def test_history_bad_input_is_one_message(desk, db_path, args, message):
    result = _run(db_path, "history", *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_report_table_with_definitions(desk, db_path):
    result = _run(db_path, "report", "--period", "2026-04")
    assert result.exit_code == 0, result.output
    assert "deskcli report: April 2026 (beside March 2026)" in result.output
    for title in ("First-contact resolution", "Escalations", "Reopened calls", "Promises kept",
                  "Holds and handle time", "Service levels (SLA)", "Customer satisfaction", "Issues customers have frequently"):
        assert title in result.output
    assert result.output.count("Definition:") == 8
    rate = next(line for line in result.output.splitlines() if line.startswith("escalation rate"))
    assert "20.0% (1/5)" in rate  # the VPN call, of the five opened in April


def test_report_csv_and_json_to_a_file(desk, db_path, tmp_path):
    out = tmp_path / "april.csv"
    result = _run(db_path, "report", "--period", "2026-04", "--by", "category", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0 and "Wrote the report for April 2026" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    escalation = [row for row in rows if row["metric"] == "escalation" and row["figure"] == "rate"]
    by_group = {row["group"]: row for row in escalation if row["group"]}
    assert by_group["Network, Wi-Fi and VPN"]["numerator"] == "1" and by_group["Network, Wi-Fi and VPN"]["denominator"] == "1"
    assert by_group["Computers, printers and devices"]["numerator"] == "0"
    document = json.loads(_run(db_path, "report", "--period", "2026-04", "--metric", "fcr", "--format", "json").output)
    assert [metric["key"] for metric in document["metrics"]] == ["fcr"]
    assert document["metrics"][0]["current"][0]["numerator"] == 1  # the printer call, at first contact


@pytest.mark.parametrize(("args", "message"), [
    (["--period", "fortnight"], "period: 'fortnight' is not a period"),
    (["--period", "2026-13"], "not a real date"),
    (["--metric", "happiness"], "metric: 'happiness' is not a metric"),
])
def test_report_bad_input_is_one_message(desk, db_path, args, message):
    result = _run(db_path, "report", *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_report_on_an_empty_database(db_path):
    result = _run(db_path, "report", "--period", "2026-04")
    assert result.exit_code == 0
    assert "No calls on record yet: there is nothing to report." in result.output


@pytest.mark.slow
def test_report_through_the_real_entry_point(desk, db_path):
    """``python -m deskcli report`` (no terminal: no progress line on stderr)."""
    result = subprocess.run(
        [sys.executable, "-m", "deskcli", "--db", str(db_path), "report", "--period", "2026-04", "--metric", "reopen"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ), stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert "reopen rate" in result.stdout and result.stderr == ""
