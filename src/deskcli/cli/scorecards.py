"""``deskcli scorecards``: list the practice-call scorecards, or export them as Markdown or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from deskcli.config.launch import LaunchOptions

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


def _plain(text: object) -> str:
    """Text from the database made safe for a terminal: no control characters (escape sequences)."""
    return "".join(char if char.isprintable() else "?" for char in str(text))


@click.command()
@click.option("--trainee", metavar="NAME", help="Only this trainee's scorecards (case-insensitive).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True,
    help="A table to read, or every listed scorecard in full as Markdown or JSON (a list).",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to FILE instead of the terminal.",
)
@click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
    help="The database holding the scorecards. Default: the demo database (where practice calls are taken).",
)
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True, help="At most this many, newest first.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many of the newest first (the next page).")
@click.pass_obj
def scorecards(
    options: LaunchOptions,
    trainee: str | None,
    fmt: str,
    output: Path | None,
    db_path: Path | None,
    limit: int,
    offset: int,
) -> None:
    """List practice-call scorecards, newest first, or export them."""
    from deskcli.cli.common import fail
    from deskcli.config import paths
    from deskcli.config.settings import load_settings
    from deskcli.core.errors import DeskError
    from deskcli.runtime import open_runtime
    from deskcli.services.actions import practice

    config = options.config if options else None
    try:
        settings = load_settings(config, db=None)
        path = (db_path or settings.demo()).expanduser()
        zone = settings.zone()
    except DeskError as error:
        fail(error)
    exported: list[dict[str, Any]] = []
    markdown: list[str] = []
    if not path.exists():
        # Listing must not create a database: no file simply means no practice yet.
        click.echo(f"No database at {path}: no scorecards yet.", err=True)
    else:
        try:
            runtime = open_runtime(LaunchOptions(db=path, config=config, mode="demo"))
        except DeskError as error:
            fail(error)
        try:
            exported, markdown = practice.scorecard_exports(runtime.store, trainee=trainee, limit=limit, offset=offset, zone=zone)
        except DeskError as error:
            fail(error)
        finally:
            runtime.close()

    if fmt == "json":
        text = json.dumps(exported, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        heading = f"# Scorecards: {trainee}" if trainee else "# Scorecards"
        text = "\n".join([heading, "", *markdown]) if markdown else heading + "\n\nNo scorecards.\n"
    else:
        text = _table(exported, zone)

    if output is not None:
        try:
            # Scorecards name trainees and callers: readable only by the user, like deskcli's other files.
            paths.write_private_text(output, text)
        except OSError as exc:
            fail(DeskError(f"{output}: cannot be written ({exc.strerror or exc})."))
        click.echo(f"Wrote {len(exported)} scorecard(s) to {output}.", err=True)
    else:
        click.echo(text, nl=False)


def _table(cards: list[dict[str, Any]], zone: ZoneInfo) -> str:
    """Date, trainee, scenario and score, one line per scorecard."""
    from datetime import datetime

    if not cards:
        return "No scorecards.\n"
    rows = [("Date", "Trainee", "Scenario", "Score")]
    for card in cards:
        when = datetime.fromisoformat(card["scored_at"]).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        rows.append((when, _plain(card["trainee"]), _plain(card["scenario_title"]), card["score"]))
    widths = [max(len(row[index]) for row in rows) for index in range(3)]
    lines = [
        "  ".join(value.ljust(widths[index]) for index, value in enumerate(row[:3])) + "  " + row[3]
        for row in rows
    ]
    return "\n".join(lines) + "\n"
