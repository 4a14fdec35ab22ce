"""`deskcli bench --quick` works end to end (figures are reported; no timing is asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

EXPECTED = {
    "first frame (median)",
    "lookup key → rows on screen (p95)",
    "lookup query (median)",
    "notes key → frame (p95)",
    "stage switch key → frame (p95)",
    "queue: my open calls (median)",
    "queue: perceive-owned elsewhere (median)",
    "queue: promises due today (median)",
    "follow-up list: first page of all promises (median)",
    "report: escalation routing review (median)",
    "peak RSS of the app over bare Textual",
    "database size per million calls",
    "history key → rows on screen (p95)",
    "history search query (median)",
    "report: first-contact resolution (median)",
    "report: service levels (sla) (median)",
    "import 2,000 customers",
    "export every call: peak RSS",
    "cold --caller-id → caller's name on screen (median)",
    "phone rings → caller's card on screen (median)",
}


@pytest.mark.slow
def test_bench_quick_runs_and_reports_every_figure(tmp_path):
    """The benchmark command builds its data, measures, and prints every figure with floor and budget."""
    result = subprocess.run(
        [sys.executable, "-m", "deskcli", "bench", "--quick", "--json", "--db", str(tmp_path / "bench.db")],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL, env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    names = {figure["name"] for figure in report["figures"]}
    assert names >= EXPECTED
    by_name = {figure["name"]: figure for figure in report["figures"]}
    for name in ("first frame (median)", "lookup query (median)", "queue: my open calls (median)", "import 2,000 customers",
                 "export every call: peak RSS", "cold --caller-id → caller's name on screen (median)",
                 "lookup key → rows on screen (p95)", "notes key → frame (p95)", "stage switch key → frame (p95)"):
        assert by_name[name]["floor"] > 0 and by_name[name]["value"] > 0  # measured against a floor
    assert by_name["peak RSS of the app over bare Textual"]["value"] > 10
    assert report["customers"] == 2_000 and report["calls"] == 20_000
    assert "generating" in result.stderr  # progress was shown
