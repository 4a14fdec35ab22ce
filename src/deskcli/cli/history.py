"""``deskcli history``: past calls found by any words of their record, with filters, newest first."""

from __future__ import annotations

import json

import click

from deskcli.config.launch import LaunchOptions


@click.command()
@click.argument("words", nargs=-1)
@click.option("--period", default="", metavar="PERIOD", help="When the calls were opened: today, week, month, 2026-03, 30d, 2026-03-01..2026-03-31 …")
@click.option("--analyst", default="", metavar="HANDLE", help="Calls taken by this analyst (handle or full name).")
@click.option("--customer", default="", metavar="NAME", help="Calls of this customer (words of the name, or #id).")
@click.option("--category", default="", help="A category key of the policy (hardware, network …).")
@click.option("--status", default="", help="open, escalated, awaiting_confirmation or closed.")
@click.option("--priority", default="", help="1-4 (or P1-P4).")
@click.option("--escalated", default="", metavar="yes|no", help="Escalated at least once, or never.")
@click.option("--sla", default="", metavar="met|breached", help="The SLA (response or resolution) met or breached.")
@click.option("--promise", default="", metavar="kept|missed", help="A promise on the call was kept, or missed.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True, help="Calls per page.")
@click.option("--before", "before_id", type=click.IntRange(1), default=None, metavar="ID",
              help="The next page: only calls older than this id (the last line says which).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_obj
def history(options: LaunchOptions, words: tuple[str, ...], period: str, analyst: str, customer: str, category: str, status: str,
            priority: str, escalated: str, sla: str, promise: str, limit: int, before_id: int | None, as_json: bool) -> None:
    """Search past calls: WORDS of the summary, notes, resolution, hand-off and customer (all must match)."""
    query = " ".join(words)
    from sqlalchemy.exc import DBAPIError

    from deskcli.cli.common import fail
    from deskcli.core.errors import DeskError
    from deskcli.runtime import open_runtime
    from deskcli.services.records import history as records
    from deskcli.services.records.filters import FilterText, check_filters
    from deskcli.services.reports.render import plain
    from deskcli.store.db import as_store_error

    typed = FilterText(period=period, analyst=analyst, customer=customer, category=category, status=status,
                       priority=priority, escalated=escalated, sla=sla, promise=promise)
    try:
        runtime = open_runtime(options)
    except DeskError as error:
        fail(error)
    zone = runtime.settings.zone()
    try:
        with runtime.store.read() as session:
            filters = check_filters(session, typed, policies=runtime.policies, now=runtime.clock.now(), zone=zone,
                                    region=runtime.settings.phone_region)
        page = records.search_history(
            runtime.store, runtime.actor(), records.HistoryRequest(query, filters, before_id, limit),
            policy=runtime.policies.sla, calendar=runtime.calendar(), zone=zone,
        )
    except DeskError as error:
        fail(error)
    except DBAPIError as exc:
        fail(as_store_error(runtime.store.target, exc))
    finally:
        runtime.close()
    if as_json:
        click.echo(json.dumps({
            "calls": [
                {
                    "id": row.id, "reference": row.reference, "opened_at": row.opened_at.isoformat(),
                    "opened_local": row.opened_at.astimezone(zone).isoformat(), "customer": row.customer,
                    "analyst": row.analyst, "category": row.category, "status": row.status, "priority": row.priority,
                    "summary": row.summary, "escalated": row.escalated,
                }
                for row in page.rows
            ],
            "next_before": page.next_before,
            "note": page.describe(),
        }, indent=2, ensure_ascii=False))
        return
    if filters.any:
        click.echo("Filters: " + ", ".join(plain(text) for text in filters.described), err=True)
    for row in page.rows:
        when = row.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        flags = " [escalated]" if row.escalated else ""
        click.echo(
            f"{row.reference}  {when}  {plain(row.status):<21} {('P' + str(row.priority)) if row.priority else '- '}  "
            f"{plain(row.customer)[:28]:<28}  {plain(row.summary)[:60]}{flags}"
        )
    click.echo(page.describe(), err=True)
    if page.next_before is not None:
        click.echo(f"Next page: add --before {page.next_before}", err=True)

