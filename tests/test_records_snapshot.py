"""The report screen as a picture (the README shows it): a fixed clock and a fixed demo desk.

Update the accepted picture with ``pytest tests/test_records_snapshot.py --snapshot-update``
after looking at it (``snapshot_report.html`` shows the differences).
"""

from __future__ import annotations

import pytest

from console import console, ready, settle
from deskcli.screens.report import ReportScreen
from deskcli.workload.demo import DemoSize, build_demo

pytestmark = pytest.mark.usefixtures("analyst_profile")


def test_report_screen_snapshot(snap_compare, tmp_path, clock):
    """February 2026 of a small demo desk by category: figures beside January, bars, the weekly trends."""
    path = tmp_path / "demo.db"
    build_demo(path, size=DemoSize(customers=400, calls=4000, analysts=6), now=clock.now(), zone="Europe/London")

    async def open_report(pilot) -> None:
        app = pilot.app
        await ready(app, pilot)
        app.sub_title = "deskcli.db"  # the real path differs per run
        app.push_screen(ReportScreen(period="last-month", by="category"))
        await settle(app, pilot)
        for _ in range(100):
            if app.screen.report is not None:
                break
            await pilot.pause(0.1)
        await settle(app, pilot)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(console(path, clock), terminal_size=(110, 46), run_before=open_report)
