"""Everything a running deskcli needs, opened in one place.

:func:`open_runtime` is slow (it imports pydantic-settings, SQLAlchemy and maybe
Alembic, and touches the disk), so the app calls it in a worker thread after its
first frame; CLI subcommands call it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from deskcli.store import db
from deskcli.config import paths
from deskcli.core.clock import Clock, SystemClock
from deskcli.core.errors import SettingsError
from deskcli.config.launch import DEMO_SEAT_HANDLE, LaunchOptions
from deskcli.models import Analyst, AnalystBase
from deskcli.services.lifecycle import analysts, knowledge
from deskcli.services.actor import Actor
from deskcli.services.timekeeping.business_time import BusinessCalendar
from deskcli.services.rules.policy import Policies, load_policies
from deskcli.config.settings import AnalystProfile, Settings, load_settings, save_analyst_profile


@dataclass
class Runtime:
    """The open database, settings, policies, clock and the analyst at this seat."""

    settings: Settings
    store: db.Store
    policies: Policies
    clock: Clock
    config_path: Path
    analyst: Analyst | None = None
    """``None`` until the analyst profile has been given."""
    notes: list[str] = field(default_factory=list)
    """Things worth telling the analyst once (e.g. a schema upgrade and its backup)."""
    _calendar: BusinessCalendar | None = field(default=None, repr=False)

    def calendar(self) -> BusinessCalendar:
        """The office's business calendar (built once: it caches its holidays)."""
        if self._calendar is None:
            self._calendar = self.policies.sla.calendar(self.settings.zone())
        return self._calendar

    def actor(self) -> Actor:
        """The analyst at this seat, acting now."""
        return Actor(self.analyst.id if self.analyst else None, self.clock)

    def set_profile(self, profile: AnalystProfile) -> Analyst:
        """Keep the analyst profile in the config file and in the database."""
        save_analyst_profile(profile, self.config_path)
        self.settings = self.settings.model_copy(update={"analyst": profile})
        with self.store.write() as session:
            self.analyst = analysts.ensure_analyst(session, _analyst_base(profile), self.actor())
        return self.analyst

    def close(self) -> None:
        """Release the database."""
        self.store.dispose()


def _analyst_base(profile: AnalystProfile) -> AnalystBase:
    return AnalystBase(
        handle=profile.handle,
        name=profile.name,
        department=profile.department,
        organisation=profile.organisation,
        email=profile.email,
    )


def _demo_seat(settings: Settings, options: LaunchOptions) -> Settings:
    """On the demo database the seat is always the demo seat, named for who is practising.

    The demo's promises and queue belong to that seat, so every trainee sees them;
    the trainee's (or the analyst's) name goes in the greeting and on the scorecard.
    Nothing is written to the config file.
    """
    demo = (options.db or settings.demo()).expanduser().resolve()
    real = db.target_for(settings.db, settings.database_url).sqlite_path
    if real is not None and real == demo:
        raise SettingsError(
            f"{demo}: this is the office's own database; the demo and training never use it.",
            "Choose another file with --db, or set demo_db in the config file.",
        )
    own = settings.analyst
    seat = AnalystProfile(
        handle=DEMO_SEAT_HANDLE,
        name=(options.trainee or (own.name if own else "") or "Demo Analyst").strip(),
        department=own.department if own else "Help Desk",
        organisation=own.organisation if own else "",
        email=own.email if own else "",
    )
    # The office's database URL (if any) is not the demo's: the demo is always this file.
    return settings.model_copy(update={"analyst": seat, "db": demo, "database_url": None})


def open_runtime(options: LaunchOptions, clock: Clock | None = None) -> Runtime:
    """Load settings and policies, open (and upgrade) the database, find the analyst.

    Raises a :class:`~deskcli.core.errors.DeskError` subclass with a message for the user
    when a setting, policy file or the database is unusable.
    """
    clock = clock or SystemClock()
    config_path = options.config or paths.config_file()
    if options.is_demo:
        settings = _demo_seat(load_settings(config_path, db=None), options)
    else:
        settings = load_settings(config_path, db=options.db)
    policies = load_policies(settings.policy_dir)
    target = db.target_for(settings.db, settings.database_url)
    store = db.open_store(
        target,
        db.SqliteOptions(
            synchronous=settings.sqlite_synchronous,
            busy_timeout_ms=settings.busy_timeout_ms,
            cache_kib=settings.sqlite_cache_kib,
        ),
    )
    runtime = Runtime(settings=settings, store=store, policies=policies, clock=clock, config_path=config_path)
    upgrade = store.upgrade
    if upgrade is not None and upgrade.changed and upgrade.from_revision is not None:
        backup = f" A copy from before the upgrade is at {upgrade.backup}." if upgrade.backup else ""
        runtime.notes.append(
            f"The database was upgraded from schema {upgrade.from_revision} to {upgrade.to_revision}.{backup}"
        )
    try:
        with store.write() as session:
            knowledge.sync_shipped(session, runtime.actor())
            if settings.analyst is not None:
                runtime.analyst = analysts.ensure_analyst(session, _analyst_base(settings.analyst), runtime.actor())
    except DBAPIError as exc:
        store.dispose()
        raise db.as_store_error(target, exc) from None
    except Exception:
        store.dispose()
        raise
    if options.console and not options.is_demo:
        _daily_backup(runtime, target, options)
    return runtime


def _daily_backup(runtime: Runtime, target: db.DatabaseTarget, options: LaunchOptions) -> None:
    """The first console of the day starts the day's backup (setting ``backup_daily``), in the background."""
    from deskcli.store import backup

    settings = runtime.settings
    folder = settings.backups()
    failed = folder / "daily-backup-failed.txt"
    if failed.is_file():
        try:
            runtime.notes.append(f"The last automatic backup failed: {failed.read_text(encoding='utf-8').strip()}")
        except OSError:
            pass
    if not settings.backup_daily or target.sqlite_path is None:
        return
    zone = settings.zone()
    today = runtime.clock.now().astimezone(zone).date()
    if backup.start_daily(target.sqlite_path, folder, today=today, zone=zone, config=options.config):
        runtime.notes.append(f"Today's backup is being taken in the background, into {folder}.")
