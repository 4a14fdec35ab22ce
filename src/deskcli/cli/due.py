"""``deskcli due``: the promises due and overdue, for a cron job or a status bar."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import click

from deskcli.config.launch import LaunchOptions


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--all", "everyone", is_flag=True, help="Everybody's promises, not only this analyst's.")
@click.option("--within", type=click.IntRange(0, 60 * 24 * 30), default=None, metavar="MINUTES",
              help="Also list promises due in the next MINUTES (default: the rest of today).")
@click.pass_obj
def due(options: LaunchOptions, as_json: bool, everyone: bool, within: int | None) -> None:
    """Print the promises due and overdue; exit 1 when one is overdue."""
    from deskcli.cli.common import fail
    from deskcli.core.errors import DeskError, SettingsError
    from deskcli.runtime import open_runtime
    from deskcli.services.actions import queue

    try:
        runtime = open_runtime(options)
    except DeskError as error:
        fail(error)
    try:
        if runtime.analyst is None and not everyone:
            fail(SettingsError(
                "no analyst profile is set, so there is no 'my' list.",
                "Use --all, or set DESKCLI_ANALYST__NAME and DESKCLI_ANALYST__DEPARTMENT (or start deskcli once).",
            ))
        zone = runtime.settings.zone()
        now = runtime.clock.now()
        if within is None:
            local = now.astimezone(zone)
            until = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        else:
            until = now + timedelta(minutes=within)
        analyst_id = None if everyone or runtime.analyst is None else runtime.analyst.id
        found = queue.due_list(runtime.store, analyst_id, now=now, until=until)
        rows, owners = found.rows, found.owners
    finally:
        runtime.close()
    overdue = [row for row in rows if row.overdue]
    if as_json:
        click.echo(json.dumps(
            [
                {
                    "reference": row.reference,
                    "customer": row.customer,
                    "kind": row.kind,
                    "description": row.description,
                    "contact_number": row.contact_number,
                    "due_at": row.due_at.isoformat(),
                    "due_local": row.due_at.astimezone(zone).isoformat(),
                    "overdue": row.overdue,
                    **({"owed_by": owners.get(row.owed_by_id, "")} if everyone else {}),
                }
                for row in rows
            ],
            indent=2,
        ))
    else:
        if not rows:
            click.echo("Nothing due.")
        for row in rows:
            mark = "OVERDUE" if row.overdue else "due    "
            when = row.due_at.astimezone(zone).strftime("%a %d %b %H:%M")
            text = f"{mark} {when}  {row.reference}  {row.customer}  {row.description or row.kind}"
            if row.contact_number:
                text += f"  ring {row.contact_number}"
            if everyone:
                text += f"  (owed by {owners.get(row.owed_by_id, '?')})"
            click.echo(text)
        if overdue:
            click.echo(f"{len(overdue)} overdue.", err=True)
    sys.exit(1 if overdue else 0)
