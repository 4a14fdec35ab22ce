"""Everything a running deskcli needs, opened in one place.

:func:`open_runtime` is slow (it imports pydantic-settings, SQLAlchemy and maybe
Alembic, and touches the disk), so the app calls it in a worker thread after its
first frame; CLI subcommands call it directly.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from deskcli.config import paths
from deskcli.config.filemodes import file_warnings
from deskcli.config.launch import DEMO_SEAT_HANDLE, LaunchOptions
from deskcli.config.settings import AnalystProfile, Settings, load_settings, save_analyst_profile
from deskcli.core.clock import Clock, SystemClock
from deskcli.core.errors import DeskError, SettingsError, StartupError
from deskcli.services.actor import Actor
from deskcli.services.rules.policy import Policies, load_policies

# The data layer (SQLAlchemy, SQLModel and the models, ~0.5 s of imports) is imported
# where it is used, so a caller-id glance can run before it (see ``glance``).
if TYPE_CHECKING:
    from deskcli.models import Analyst, AnalystBase
    from deskcli.services.timekeeping.business_time import BusinessCalendar
    from deskcli.store import db

T = TypeVar("T")

Progress = Callable[[float], None]
"""Called with the seconds left while start-up waits for another program's lock."""


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
        """Keep the analyst profile in the config file and in the database.

        Raises :class:`SettingsError` when the config file cannot be written and a
        :class:`~deskcli.core.errors.StoreError` when the database cannot.
        """
        try:
            save_analyst_profile(profile, self.config_path)
        except OSError as exc:
            raise SettingsError(
                f"config file {self.config_path} cannot be written: {exc.strerror or exc}.",
                "Make its folder writable, or choose another file with --config PATH.",
            ) from exc
        from deskcli.services.lifecycle import analysts

        self.settings = self.settings.model_copy(update={"analyst": profile})
        with self.store.write() as session:
            self.analyst = analysts.ensure_analyst(session, _analyst_base(profile), self.actor())
        return self.analyst

    def close(self) -> None:
        """Release the database."""
        self.store.dispose()


def _analyst_base(profile: AnalystProfile) -> AnalystBase:
    from deskcli.models import AnalystBase

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
    from deskcli.store import db

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


Glance = Callable[[Settings, Policies], None]
"""Called with the settings and policies before the data layer is imported (see ``open_runtime``)."""


def open_runtime(
    options: LaunchOptions, clock: Clock | None = None, progress: Progress | None = None, glance: Glance | None = None
) -> Runtime:
    """Load settings and policies, open (and upgrade) the database, find the analyst.

    Every failure ends as a :class:`~deskcli.core.errors.DeskError` with a message for the
    user: a setting, policy file or the database that is unusable has its own error; anything
    unexpected becomes a :class:`~deskcli.core.errors.StartupError` naming the step and the
    cause (the original exception is its ``__cause__``). Nothing is left open on failure.

    When another program holds the database (or another deskcli is upgrading it), opening
    waits up to ``settings.startup_wait_seconds``, calling ``progress`` with the seconds left
    (the console shows them on its "Opening the database…" line), then raises
    :class:`~deskcli.core.errors.DatabaseBusy`.

    ``glance`` is called once the settings and policies are read and before SQLAlchemy
    and the models are imported: the console shows who is ringing (``--caller-id``)
    from there, half a second or more before the database is open. A glance that
    fails is ignored: opening goes on and says what is wrong, if anything is.
    """
    clock = clock or SystemClock()
    config_path = options.config or paths.config_file()
    settings = _step("reading the settings", lambda: _settings(options, config_path))
    policies = _step("reading the policy files", lambda: load_policies(settings.policy_dir))
    if glance is not None:
        with contextlib.suppress(Exception):
            glance(settings, policies)
    from deskcli.store import db

    target = _step("choosing the database", lambda: db.target_for(settings.db, settings.database_url))
    deadline = time.monotonic() + settings.startup_wait_seconds
    store = _step(
        "opening the database",
        lambda: db.open_store(
            target,
            db.SqliteOptions(
                synchronous=settings.sqlite_synchronous,
                busy_timeout_ms=settings.busy_timeout_ms,
                cache_kib=settings.sqlite_cache_kib,
            ),
            wait_s=settings.startup_wait_seconds,
            progress=progress,
        ),
    )
    try:
        runtime = Runtime(settings=settings, store=store, policies=policies, clock=clock, config_path=config_path)
        runtime.notes.extend(_notes(runtime, options))
        _step("preparing the database", lambda: db.retry_while_busy(lambda: _first_write(runtime), deadline, progress))
    except BaseException:
        store.dispose()
        raise
    if options.console and not options.is_demo:
        _daily_backup(runtime, target, options)
    return runtime


def database_file(options: LaunchOptions) -> Path | None:
    """The SQLite file these options would open, without opening it (``None``: a server database URL)."""
    config_path = options.config or paths.config_file()
    settings = _step("reading the settings", lambda: _settings(options, config_path))
    return None if settings.database_url else paths.sqlite_file(settings.db)


def _settings(options: LaunchOptions, config_path: Path) -> Settings:
    if options.is_demo:
        return _demo_seat(load_settings(config_path, db=None), options)
    return load_settings(config_path, db=options.db)


def _first_write(runtime: Runtime) -> None:
    """The shipped knowledge articles and the analyst's row, in one write."""
    from deskcli.services.lifecycle import analysts, knowledge

    with runtime.store.write() as session:
        knowledge.sync_shipped(session, runtime.actor())
        if runtime.settings.analyst is not None:
            runtime.analyst = analysts.ensure_analyst(session, _analyst_base(runtime.settings.analyst), runtime.actor())


def _step(doing: str, action: Callable[[], T]) -> T:
    """Run one step of opening; anything that is not already a DeskError becomes a StartupError."""
    try:
        return action()
    except DeskError:
        raise
    except Exception as exc:
        raise StartupError(
            f"deskcli could not start: {doing} failed with {type(exc).__name__}: {exc}",
            "deskcli did not expect this; please report it with this message.",
        ) from exc


def _notes(runtime: Runtime, options: LaunchOptions) -> list[str]:
    """Things to tell the analyst once: a schema upgrade and its backup, files readable by others."""
    notes = []
    upgrade = runtime.store.upgrade
    if upgrade is not None and upgrade.changed and upgrade.from_revision is not None:
        backup = f" A copy from before the upgrade is at {upgrade.backup}." if upgrade.backup else ""
        notes.append(
            f"The database was upgraded from schema {upgrade.from_revision} to {upgrade.to_revision}.{backup}"
        )
    notes.extend(file_warnings(runtime.settings, runtime.config_path, runtime.store.target))
    return notes


def _daily_backup(runtime: Runtime, target: db.DatabaseTarget, options: LaunchOptions) -> None:
    """The first console of the day starts the day's backup (setting ``backup_daily``), in the background."""
    from deskcli.store import backup

    settings = runtime.settings
    folder = settings.backups()
    failed = folder / "daily-backup-failed.txt"
    if failed.is_file():
        with contextlib.suppress(OSError):
            runtime.notes.append(f"The last automatic backup failed: {failed.read_text(encoding='utf-8').strip()}")
    if not settings.backup_daily or target.sqlite_path is None:
        return
    zone = settings.zone()
    today = runtime.clock.now().astimezone(zone).date()
    if backup.start_daily(target.sqlite_path, folder, today=today, zone=zone, config=options.config):
        runtime.notes.append(f"Today's backup is being taken in the background, into {folder}.")
