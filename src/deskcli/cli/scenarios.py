"""``deskcli scenarios``: list the practice callers, and check the scenario files.

The office's own scenarios come from the ``scenario_dir`` setting (a file of the same
name replaces a shipped one). ``check`` also holds every scenario against the
escalation policy and the shipped knowledge articles, so a trainer finds a typo in a
route or trigger key before a class does. A broken file exits with status 2 (like
every user-facing error); a scenario that names a missing route, trigger or article
exits with status 1.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from deskcli.config.launch import LaunchOptions

if TYPE_CHECKING:
    from deskcli.config.settings import Settings
    from deskcli.services.training.scenarios import Scenario


def _settings(options: LaunchOptions | None) -> Settings:
    """The settings (for ``scenario_dir`` and ``policy_dir``), or exit 2 with the problem."""
    from deskcli.cli.common import fail
    from deskcli.config.settings import load_settings
    from deskcli.core.errors import DeskError

    options = options or LaunchOptions()
    try:
        return load_settings(options.config, db=options.db)
    except DeskError as error:
        fail(error)
        raise  # fail() exits; this only tells type checkers so


@click.group()
def scenarios() -> None:
    """Practice callers for training: list them, and check the files."""


@scenarios.command("list")
@click.pass_obj
def list_scenarios(options: LaunchOptions | None) -> None:
    """List the practice callers: key, title and the expected outcome."""
    from deskcli.cli.common import fail
    from deskcli.core.errors import DeskError
    from deskcli.services.training.scenarios import load_scenarios

    settings = _settings(options)
    try:
        loaded = load_scenarios(settings.scenario_dir)
    except DeskError as error:
        fail(error)
    if not loaded:
        click.echo("No scenarios.")
        return
    key_width = max(len(scenario.key) for scenario in loaded)
    title_width = max(len(scenario.title) for scenario in loaded)
    for scenario in loaded:
        click.echo(f"{scenario.key:<{key_width}}  {scenario.title:<{title_width}}  {scenario.expected.outcome}")


@scenarios.command("check")
@click.argument("path", type=click.Path(exists=True, path_type=Path), required=False)
@click.pass_obj
def check_scenarios(options: LaunchOptions | None, path: Path | None) -> None:
    """Validate the scenarios and check them against the policies and articles.

    PATH is one scenario file, or a folder checked as it would be used as
    scenario_dir (with the shipped scenarios); without it, the configured ones.
    """
    from deskcli.cli.common import fail
    from deskcli.core.errors import DeskError
    from deskcli.services.lifecycle.knowledge import shipped_articles
    from deskcli.services.rules.policy import load_policies
    from deskcli.services.training.scenarios import load_scenario_file, load_scenarios, problems_with

    settings = _settings(options)
    try:
        if path is not None and path.is_file():
            loaded = [load_scenario_file(path)]
        else:
            # A folder is checked the way deskcli would use it as scenario_dir:
            # together with the shipped scenarios it adds to or replaces.
            loaded = load_scenarios(path if path is not None else settings.scenario_dir)
        policies = load_policies(settings.policy_dir)
        slugs = [slug for slug, _meta, _symptoms, _steps in shipped_articles()]
    except DeskError as error:
        fail(error)
    problems = _duplicate_keys(loaded)
    for scenario in loaded:
        problems.extend(problems_with(scenario, policies, slugs))
    if problems:
        for problem in problems:
            click.echo(problem)
        click.echo(f"{len(problems)} problem(s) in {len(loaded)} scenario(s).", err=True)
        sys.exit(1)
    click.echo(f"Scenarios OK: {len(loaded)}")


def _duplicate_keys(loaded: list[Scenario]) -> list[str]:
    """Two files with one key ("01-x.toml" and "x.toml"): only one of them could be played."""
    counts = Counter(scenario.key for scenario in loaded)
    return [f"{key}: more than one scenario file has this key" for key, count in counts.items() if count > 1]
