"""``deskcli bench``: speed and memory against floors measured in the same run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.option("--customers", type=click.IntRange(100, 10_000_000), default=100_000, show_default=True, help="Customers in the data set.")
@click.option("--calls", type=click.IntRange(1_000, 50_000_000), default=1_000_000, show_default=True, help="Calls in the data set.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Database to build or reuse (default: bench-<size>.db in the user data directory).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the synthetic data.")
@click.option("--quick", is_flag=True, help="A small data set and few repetitions (under a minute).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when a figure misses its budget.")
def bench(customers: int, calls: int, db_path: Path | None, seed: int, quick: bool, as_json: bool, strict: bool) -> None:
    """Measure first frame, lookup, typing, stage switches, queries and memory against their floors."""
    from deskcli.bench import report
    from deskcli.bench.run import BenchConfig, run
    from deskcli.bench.run import quick as quick_config
    from deskcli.config import paths

    if quick:
        config = quick_config(db_path or paths.data_dir() / "bench-quick.db")
    else:
        config = BenchConfig(
            customers=customers, calls=calls, seed=seed,
            db_path=db_path or paths.data_dir() / f"bench-{customers}-{calls}-s{seed}.db",
        )

    def progress(message: str) -> None:
        click.echo(f"… {message}", err=True)

    figures, context = run(config, progress)
    if as_json:
        click.echo(json.dumps(report.as_json(figures, context), indent=2))
    else:
        click.echo(f"deskcli bench: {context['customers']:,} customers, {context['calls']:,} calls "
                   f"(seed {context['seed']}), Python {context['python']}, {context['cpus']} CPUs")
        click.echo(report.table(figures))
    if strict and any(figure.passed is False for figure in figures):
        sys.exit(1)
