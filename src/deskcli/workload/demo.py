"""The demo database (``deskcli demo``): realistic, deterministic, and never the real one.

A demo database is built in two layers:

1. **Bulk**, by :func:`deskcli.workload.generator.generate` (the benchmark's fast
   generator): colleagues ``analyst01`` …, customers of many organisations, two
   years of calls in every status with their timelines, promises and escalations,
   and the shipped knowledge articles.
2. **Curated**, through the real services on a :class:`~deskcli.core.clock.ManualClock`
   set to moments before ``now``: the demo seat (handle
   :data:`~deskcli.config.launch.DEMO_SEAT_HANDLE`), a handful of named customers (VIPs,
   a caller with an abusive-caller history, names that need spelling), and the demo
   seat's own calls: open, escalated with a next-contact promise, awaiting the
   customer's confirmation, closed with their agreement, and promises due later
   today and overdue. Going through the services means every event is genuine and
   every rule held (a promise is made before it is due, a call is closed only after
   the customer agreed …).

Everything comes from ``(size, seed, now)``: two builds with the same arguments hold
the same rows. ``now`` defaults to the wall clock, so the curated promises are due
"later today" and "overdue" for whoever runs ``deskcli demo --reset``.

No Textual here; the CLI (``cli_demo.py``) shows the progress.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import NotRequired, TypedDict, Unpack
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from deskcli.config.launch import DEMO_SEAT_HANDLE
from deskcli.core.clock import ManualClock, SystemClock, as_utc
from deskcli.core.errors import StoreError
from deskcli.models import (
    AckMethod,
    Analyst,
    AnalystBase,
    CallImpact,
    Commitment,
    CommitmentKind,
    CustomerCreate,
    KnowledgeArticle,
    Stage,
)
from deskcli.models.typed import saved_id
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import abuse, analysts, calls, commitments, escalations, greeting
from deskcli.services.lookup import customers
from deskcli.services.rules import priority
from deskcli.services.rules.policy import Policies, load_policies
from deskcli.store import db
from deskcli.workload.generator import OFFICE_ZONE, GenerationReport, generate

Progress = Callable[[str, float], None]

DEMO_SEAT_NAME = "Demo Analyst"
DEMO_SEAT_DEPARTMENT = "Help Desk"

SIDE_FILES = ("-wal", "-shm", "-journal")
"""SQLite's companions of a database file, removed with it on reset."""


@dataclass(frozen=True)
class DemoSize:
    """How much bulk data a demo holds (the curated layer is the same at every size)."""

    customers: int
    calls: int
    analysts: int = 12


SIZES: dict[str, DemoSize] = {
    "small": DemoSize(customers=500, calls=5_000, analysts=12),
    "medium": DemoSize(customers=20_000, calls=200_000, analysts=25),
    "large": DemoSize(customers=100_000, calls=1_000_000, analysts=25),
}
"""``small`` builds in a couple of seconds; ``large`` is the benchmark's data set."""


@dataclass
class DemoReport:
    """What :func:`build_demo` made."""

    path: Path
    size: str
    seed: int
    now: datetime
    generation: GenerationReport
    seat_id: int
    curated: dict[str, int] = field(default_factory=dict)
    """The curated layer: customers, calls, promises it added."""
    seconds: float = 0.0

    def describe(self) -> str:
        """A few lines for the terminal."""
        counts = self.generation.counts
        return "\n".join(
            [
                f"Demo database {self.path} ({self.size}, seed {self.seed})",
                f"  {counts.get('customer', 0) + self.curated.get('customers', 0):,} customers, "
                f"{counts.get('call', 0) + self.curated.get('calls', 0):,} calls, "
                f"{counts.get('knowledge_article', 0):,} knowledge articles",
                f"  the demo seat owns {self.curated.get('calls', 0)} calls and "
                f"{self.curated.get('pending_promises', 0)} pending promises",
                f"  built in {self.seconds:.1f} s",
            ]
        )


# --------------------------------------------------------------------------- which file


def _same_file(a: Path, b: Path) -> bool:
    a, b = Path(a).expanduser().resolve(), Path(b).expanduser().resolve()
    if a == b:
        return True
    try:  # hard links and bind mounts resolve to different names
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_not_real(path: Path, real_db: Path | None) -> None:
    """Refuse ``path`` when it is the office's own database (``real_db``)."""
    if real_db is not None and _same_file(path, real_db):
        raise StoreError(
            f"{Path(path).expanduser().resolve()} is the office's own database: the demo never builds over it or deletes it.",
            "Give the demo another file with --db, or set demo_db in the config file.",
        )


@dataclass(frozen=True)
class DemoFile:
    """What is at a demo path now."""

    exists: bool
    readable: bool = False
    """A SQLite file deskcli could read."""
    has_seat: bool = False
    """It holds the demo seat analyst: a demo database."""
    analysts: int = 0
    calls: int = 0

    @property
    def empty(self) -> bool:
        """Nothing in it worth keeping (no calls, no analyst but perhaps the demo seat)."""
        return self.readable and self.calls == 0 and self.analysts <= (1 if self.has_seat else 0)


def inspect_file(path: Path) -> DemoFile:
    """Look at ``path`` read-only (stdlib ``sqlite3``; nothing is created or changed)."""
    path = Path(path).expanduser().resolve()
    if not path.exists():
        return DemoFile(exists=False)
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"analyst", "call"} <= tables:
                return DemoFile(exists=True, readable=not tables)
            seat = conn.execute("SELECT 1 FROM analyst WHERE handle = ? COLLATE NOCASE", (DEMO_SEAT_HANDLE,)).fetchone()
            analysts = conn.execute("SELECT count(*) FROM analyst").fetchone()[0]
            calls = conn.execute("SELECT count(*) FROM call").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return DemoFile(exists=True)
    return DemoFile(exists=True, readable=True, has_seat=seat is not None, analysts=analysts, calls=calls)


def remove_demo(path: Path, *, real_db: Path | None) -> bool:
    """Delete a demo database and its ``-wal``/``-shm`` files; ``False`` when there was none.

    Refused for the office's database, and for any file that is not a demo database
    (no demo seat) but holds data: a mistyped ``--db`` must not cost anyone their calls.
    """
    path = Path(path).expanduser().resolve()
    check_not_real(path, real_db)
    found = inspect_file(path)
    if not found.exists:
        for suffix in SIDE_FILES:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return False
    if not (found.has_seat or found.empty):
        what = f"holds {found.calls:,} calls" if found.readable else "is not a deskcli database"
        raise StoreError(
            f"{path} {what} and is not a demo database: --reset only deletes demo databases.",
            "Check the path; delete the file yourself if you really mean to.",
        )
    path.unlink()
    for suffix in SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return True


# --------------------------------------------------------------------------- building


def _size(size: str | DemoSize) -> tuple[str, DemoSize]:
    if isinstance(size, DemoSize):
        return "custom", size
    try:
        return size, SIZES[size]
    except KeyError:
        raise ValueError(f"unknown demo size {size!r}; expected one of {', '.join(SIZES)}") from None


class DemoOptions(TypedDict, total=False):
    """What :func:`build_demo` takes besides the path and the real database (passed on by :func:`reset_demo`)."""

    size: str | DemoSize
    seed: int
    now: datetime | None
    progress: Progress | None
    zone: str
    prefix: str


def build_demo(
    path: Path,
    *,
    size: str | DemoSize = "small",
    seed: int = 7,
    now: datetime | None = None,
    progress: Progress | None = None,
    real_db: Path | None = None,
    zone: str = OFFICE_ZONE,
    prefix: str = "HD",
) -> DemoReport:
    """Build a demo database at ``path`` (which must not hold data yet).

    ``size`` is ``small``, ``medium``, ``large`` or a :class:`DemoSize`; ``now`` (aware)
    is when the demo "is" (default: the wall clock, to the second); ``zone`` is the
    office zone that says what "today" is; ``real_db`` is the office's own database,
    which is refused. ``progress(stage, fraction)`` is told how far it got.
    """
    name, chosen = _size(size)
    path = Path(path).expanduser().resolve()
    check_not_real(path, real_db)
    now = as_utc(now) if now is not None else SystemClock().now().replace(microsecond=0)
    report = progress or (lambda _stage, _fraction: None)
    started = time.perf_counter()
    existed = path.exists()
    generation = generate(
        path,
        customers=chosen.customers,
        calls=chosen.calls,
        seed=seed,
        analysts=chosen.analysts,
        now=now,
        progress=report,
    )
    try:
        seat_id, curated = _add_curated(path, now, ZoneInfo(zone), prefix, report)
    except BaseException:
        # A half-built demo would be taken for a finished one next time.
        if not existed:
            for suffix in ("", *SIDE_FILES):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    report("done", 1.0)
    return DemoReport(
        path=path,
        size=name,
        seed=seed,
        now=now,
        generation=generation,
        seat_id=seat_id,
        curated=curated,
        seconds=time.perf_counter() - started,
    )


def reset_demo(path: Path, *, real_db: Path | None = None, **options: Unpack[DemoOptions]) -> DemoReport:
    """Delete the demo database at ``path`` (see :func:`remove_demo`) and build it again."""
    remove_demo(path, real_db=real_db)
    return build_demo(path, real_db=real_db, **options)


def _add_curated(path: Path, now: datetime, zone: ZoneInfo, prefix: str, report: Progress) -> tuple[int, dict[str, int]]:
    """Open the freshly generated file through the ORM and add the curated layer in one transaction."""
    # The data is rebuilt from scratch whenever lost, so NORMAL durability is enough
    # here (it saves an fsync per transaction).
    store = db.open_store(db.target_for(path, None), db.SqliteOptions(synchronous="NORMAL"))
    try:
        report("demo desk", 0.0)
        with store.write() as session:
            cast = _Cast(session, load_policies(), now, zone, prefix)
            cast.build(report)
            counts = cast.counts()
        report("demo desk", 1.0)
        return cast.seat_id, counts
    finally:
        store.dispose()


# --------------------------------------------------------------------------- the curated layer

# Numbers are in Ofcom's drama ranges (see generator.gb_landline): never dial them.
class _Person(TypedDict):
    """A curated customer, as :class:`~deskcli.models.CustomerCreate` takes it."""

    name: str
    name_spelling: NotRequired[str]
    pronunciation: NotRequired[str]
    organisation: str
    department: str
    email: str
    is_vip: NotRequired[bool]
    notes: NotRequired[str]
    phones: list[str]


class _Impact(TypedDict, total=False):
    """The impact of a demo call, as :class:`~deskcli.models.CallImpact` takes it."""

    people_affected: int
    departments_affected: int
    business_impact: str
    executive_affected: bool
    security_concern: bool
    company_wide: bool


_PEOPLE: dict[str, _Person] = {
    "margaret": dict(
        name="Margaret Okonjo-Hale", pronunciation="oh-KON-joe HALE", organisation="Castle Bank",
        department="Executive Office", email="margaret.okonjo-hale@castlebank.example", is_vip=True,
        notes="Chief Operating Officer. Her PA, Daniel Reid, often calls on her behalf.", phones=["0131 496 0815"],
    ),
    "daniel": dict(
        name="Daniel Reid", organisation="Castle Bank", department="Executive Office",
        email="daniel.reid@castlebank.example", notes="PA to Margaret Okonjo-Hale (COO).", phones=["0131 496 0816"],
    ),
    "aoife": dict(
        name="Dr Aoife Ní Bhriain", name_spelling="A-O-I-F-E, N-I fada, B-H-R-I-A-I-N", pronunciation="EE-fa nee VREE-in",
        organisation="Riverside Health Trust", department="Clinical Systems", email="aoife.nibhriain@riversidehealth.example",
        is_vip=True, notes="Clinical lead for outpatients: ward systems are patient-facing.", phones=["0117 496 0342"],
    ),
    "kevin": dict(
        name="Kevin Marsh", organisation="Riverside Health Trust", department="Estates",
        email="kevin.marsh@riversidehealth.example",
        notes="Became abusive on a call about his mailbox quota: warned twice and transferred to the help desk "
        "manager. Stay calm and follow the abuse protocol.",
        phones=["0161 496 0777", "07700 900777"],
    ),
    "tomasz": dict(
        name="Tomasz Wiśniewski", name_spelling="T-O-M-A-S-Z, W-I-S-N-I-E-W-S-K-I", pronunciation="TOM-ash vish-NYEF-ski",
        organisation="Harbour Logistics", department="Warehouse", email="tomasz.wisniewski@harbourlogistics.example",
        phones=["0191 498 0123"],
    ),
    "priya": dict(
        name="Priya Raman", organisation="Harbour Logistics", department="Operations",
        email="priya.raman@harbourlogistics.example", phones=["0191 498 0456", "07700 900456"],
    ),
    "hilary": dict(
        name="Hilary Blackwood", organisation="Northgate Council", department="Chief Executive's Office",
        email="hilary.blackwood@northgate.example", is_vip=True, notes="Chief Executive of the council.",
        phones=["0113 496 0990"],
    ),
    "eleanor": dict(
        name="Eleanor Whitcombe", organisation="Northgate Council", department="Finance",
        email="eleanor.whitcombe@northgate.example", phones=["0113 496 0231"],
    ),
    "rebecca": dict(
        name="Rebecca Lindqvist", pronunciation="LIND-kvist", organisation="Summit Legal", department="Legal",
        email="rebecca.lindqvist@summitlegal.example", phones=["020 7946 0577"],
    ),
}


class _Cast:
    """Creates the curated people and the demo seat's calls, through the services."""

    def __init__(self, session: Session, policies: Policies, now: datetime, zone: ZoneInfo, prefix: str) -> None:
        self.session = session
        self.policies = policies
        self.now = now
        self.zone = zone
        self.prefix = prefix
        self.clock = ManualClock(now)
        self.seat_id = 0
        self.actor = Actor(None, self.clock)
        self.people: dict[str, int] = {}
        self.calls: list[int] = []
        self.articles: dict[str, int] = {}

    # ------------------------------------------------------------------ time

    def at(self, when: datetime) -> Actor:
        """The demo seat acting at ``when`` (time runs forward within each call's story)."""
        self.clock.set(when)
        return self.actor

    def working_day(self, back: int, hhmm: str) -> datetime:
        """``hh:mm`` local time on the ``back``-th working day before today (0: today)."""
        day: date = self.now.astimezone(self.zone).date()
        while back > 0:
            day -= timedelta(days=1)
            if day.weekday() < 5:
                back -= 1
        hour, minute = (int(part) for part in hhmm.split(":"))
        return datetime.combine(day, clock_time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def later_today(self, share: float) -> datetime:
        """A moment after now and still today (local): ``share`` of the way to the end of it.

        The end is 17:30 while the office is open (the promises fall in working hours),
        else midnight, so a demo started in the evening still has promises due "later today".
        """
        local = self.now.astimezone(self.zone)
        closing = datetime.combine(local.date(), clock_time(17, 30), tzinfo=self.zone).astimezone(UTC)
        midnight = datetime.combine(local.date() + timedelta(days=1), clock_time(0), tzinfo=self.zone).astimezone(UTC)
        end = closing if closing - self.now >= timedelta(minutes=30) else midnight
        due = self.now + (end - self.now) * share
        rounded = due.replace(second=0, microsecond=0)  # promises read better on the minute
        return rounded if rounded > self.now else due

    def ago(self, delta: timedelta) -> datetime:
        """``delta`` before now, on the minute (an overdue promise reads "due 12:04", not "12:04:16")."""
        return (self.now - delta).replace(second=0, microsecond=0)

    # ------------------------------------------------------------------ build

    def build(self, report: Progress) -> None:
        self.articles = {a.slug: saved_id(a) for a in self.session.exec(select(KnowledgeArticle))}
        seat = analysts.ensure_analyst(
            self.session,
            AnalystBase(handle=DEMO_SEAT_HANDLE, name=DEMO_SEAT_NAME, department=DEMO_SEAT_DEPARTMENT),
            self.at(self.working_day(300, "09:00")),
        )
        self.seat_id = saved_id(seat)
        self.actor = Actor(self.seat_id, self.clock)
        self._people()
        stories = [
            self._wifi_scanner_closed,
            self._delegate_access_closed,
            self._abusive_mailbox_closed,
            self._password_expired_closed,
            self._printer_escalated_overdue,
            self._board_papers_escalated,
            self._install_request_open_overdue,
            self._shared_drive_awaiting,
            self._vpn_open_today,
        ]
        for number, story in enumerate(stories, start=1):
            story()
            self.session.flush()
            report("demo desk", number / (len(stories) + 1))

    def counts(self) -> dict[str, int]:
        pending = self.session.exec(
            select(func.count()).select_from(Commitment).where(
                Commitment.owed_by_id == self.seat_id, col(Commitment.outcome).is_(None)
            )
        ).one()
        return {"customers": len(self.people), "calls": len(self.calls), "pending_promises": pending}

    def _people(self) -> None:
        for index, (key, fields) in enumerate(_PEOPLE.items()):
            # On record long before their calls, one a week apart.
            by = self.at(self.working_day(400 - 5 * index, "10:00"))
            person = customers.create_customer(self.session, CustomerCreate(**fields), by, region="GB")
            self.people[key] = saved_id(person)

    # ------------------------------------------------------------------ call helpers

    def _open(self, who: str, when: datetime, *, summary: str, category: str, urgency: str = "medium", **impact: Unpack[_Impact]) -> int:
        """A phone call taken by the demo seat: greeted, name confirmed, acknowledged, assessed; its id."""
        by = self.at(when)
        call_id = saved_id(calls.create_call(self.session, self.people[who], by, prefix=self.prefix))
        self.calls.append(call_id)
        words = greeting.render(self.policies.greeting, when, self.zone, analyst_name=DEMO_SEAT_NAME, department=DEMO_SEAT_DEPARTMENT)
        calls.record_greeting(self.session, call_id, words, by)
        calls.confirm_name(self.session, call_id, self.at(when + timedelta(seconds=40)))
        by = self.at(when + timedelta(minutes=1))
        calls.acknowledge(self.session, call_id, AckMethod.VERBAL, by)
        calls.move_to_stage(self.session, call_id, Stage.ASSESSMENT, by)
        derived = priority.derive(CallImpact(**impact), urgency, self.policies.priority)
        by = self.at(when + timedelta(minutes=4))
        calls.update_assessment(
            self.session, call_id, by, summary=summary, category=category, urgency=urgency,
            priority=derived.priority, priority_reason=derived.reason, **impact,
        )
        return call_id

    def _resolve_and_close(self, call_id: int, when: datetime, *, resolution: str, article: str | None = None,
                           instructions: str = "", satisfaction: int = 5, comment: str = "") -> None:
        by = self.at(when)
        calls.move_to_stage(self.session, call_id, Stage.RESOLVE, by)
        calls.resolve(self.session, call_id, by, resolution=resolution, instructions=instructions,
                      article_id=self.articles.get(article) if article else None)
        by = self.at(when + timedelta(minutes=2))
        calls.move_to_stage(self.session, call_id, Stage.CLOSE, by)
        calls.record_agreement(self.session, call_id, by, agreed=True, note="Happy for the call to be closed.")
        calls.end_talk(self.session, call_id, by)
        calls.close_call(self.session, call_id, by, satisfaction=satisfaction, comment=comment)

    def _follow_up(self, call_id: int, made: datetime, due: datetime, *, kept_at: datetime | None = None) -> None:
        """The relationship follow-up call after close (kept at ``kept_at``, else pending)."""

        promise = commitments.make_commitment(
            self.session, call_id, CommitmentKind.FOLLOW_UP, due, self.at(made),
            description="Follow-up call: is everything still working?",
        )
        if kept_at is not None:
            commitments.settle(self.session, saved_id(promise), self.at(kept_at), kept=True, note="All fine, thanked us.")

    def _end_talk(self, call_id: int, when: datetime) -> None:
        calls.end_talk(self.session, call_id, self.at(when))

    def _escalate(self, call_id: int, when: datetime, *, route: str, handoff: str, next_contact: datetime,
                  triggers: list[str] | None = None, tier: int | None = None, receiver_analyst: str | None = None) -> None:
        by = self.at(when)
        calls.move_to_stage(self.session, call_id, Stage.RESOLVE, by)
        chosen = self.policies.escalation.route(route)
        first = chosen.tier(tier) if (chosen and tier) else (chosen.tiers[0] if chosen else None)
        receiver_id = None
        if receiver_analyst is not None:
            receiver_id = self.session.exec(select(Analyst.id).where(Analyst.handle == receiver_analyst)).first()
        policy = self.policies.escalation
        # The cause the story's triggers point to, as the escalate pane would propose it.
        suggested = [found.suggests_cause for found in map(policy.trigger, triggers or []) if found and found.suggests_cause]
        escalations.escalate(
            self.session, call_id,
            escalations.EscalationRequest(
                route=route, handoff=handoff, next_contact_at=next_contact, tier=tier,
                time_to_fix=(first.usual_time_to_fix if first else "") or "same day", triggers=list(triggers or []),
                receiver_analyst_id=receiver_id, cause=suggested[0] if suggested else policy.usual_cause(route).key,
            ),
            by, policy=self.policies.escalation,
        )

    # ------------------------------------------------------------------ the stories (oldest first)

    def _wifi_scanner_closed(self) -> None:
        """Closed with agreement on the call, a known fix; the follow-up call was kept."""
        start = self.working_day(14, "09:40")
        call_id = self._open("tomasz", start, summary="Handheld scanner will not join the warehouse Wi-Fi", category="network",
                             people_affected=1, business_impact="minor")
        self._resolve_and_close(call_id, start + timedelta(minutes=11), article="wifi-drops",
                                resolution="Forgot the saved network on the scanner and rejoined with the new warehouse key.",
                                instructions="If it drops again, note the time and the aisle and call us.",
                                comment="Quick and clear, thanks.")
        self._follow_up(call_id, start + timedelta(minutes=13), self.working_day(12, "10:00"),
                        kept_at=self.working_day(12, "09:58"))

    def _delegate_access_closed(self) -> None:
        """A VIP request through her PA, closed with agreement."""
        start = self.working_day(11, "11:05")
        call_id = self._open("daniel", start, summary="Delegate access to the COO's calendar for her new PA", category="access",
                             urgency="high", executive_affected=True)
        self._resolve_and_close(call_id, start + timedelta(minutes=9),
                                resolution="Granted Daniel Reid delegate (editor) access to Margaret Okonjo-Hale's calendar, "
                                "approved by her on the call.", instructions="Restart Outlook to see her calendar.",
                                comment="Sorted before the board meeting.")

    def _abusive_mailbox_closed(self) -> None:
        """The abuse protocol step by step (which flags the customer), then closed the next day with agreement."""

        start = self.working_day(9, "14:20")
        call_id = self._open("kevin", start, summary="Mailbox full: cannot send e-mail", category="email")
        policy = self.policies.abuse
        abuse.give_warning(self.session, call_id, self.at(start + timedelta(minutes=6)), policy=policy,
                           remark="Swearing at the analyst about the quota.")
        abuse.give_warning(self.session, call_id, self.at(start + timedelta(minutes=7)), policy=policy,
                           remark="Carried on shouting after the first warning.")
        abuse.end_abusive_call(
            self.session, call_id, abuse.Ending.TRANSFER, self.at(start + timedelta(minutes=8)), policy=policy,
            manager="Help desk manager (Peter Ward)",
            note="Mailbox at quota; caller swore repeatedly, warned twice, transferred. Quota request is legitimate.",
        )
        next_day = self.working_day(8, "10:30")
        by = self.at(next_day)
        calls.log_contact(self.session, call_id, by, inbound=False, note="Rang Kevin: the manager raised his quota overnight.")
        calls.move_to_stage(self.session, call_id, Stage.RESOLVE, by)
        calls.resolve(self.session, call_id, by, resolution="Mailbox quota raised and an online archive set up.",
                      instructions="Move mail older than a year to the archive folder.")
        by = self.at(next_day + timedelta(minutes=3))
        calls.record_agreement(self.session, call_id, by, agreed=True, note="Agreed, calmly this time.")
        calls.end_talk(self.session, call_id, by)
        calls.close_call(self.session, call_id, by, satisfaction=3)

    def _password_expired_closed(self) -> None:
        """Closed on the call; its follow-up call is due later today (the follow-up list)."""
        start = self.working_day(6, "15:10")
        call_id = self._open("eleanor", start, summary="Password expired; locked out of the finance system before a payment run",
                             category="accounts", urgency="high")
        self._resolve_and_close(call_id, start + timedelta(minutes=7), article="account-locked",
                                resolution="Unlocked the account and helped her choose a new password that meets the policy.",
                                instructions="The new password works everywhere after a restart.")
        self._follow_up(call_id, start + timedelta(minutes=9), self.later_today(0.8))

    def _printer_escalated_overdue(self) -> None:
        """Escalated to the supplier; the next contact promised to a VIP is OVERDUE."""
        start = self.working_day(3, "16:05")
        call_id = self._open("aoife", start, summary="Outpatients ward printer prints blank pages", category="hardware",
                             urgency="high", people_affected=12, business_impact="significant")
        self._escalate(
            call_id, start + timedelta(minutes=12), route="suppliers",
            handoff="Ward printer OP-2 (serial on the asset tag) prints blank pages since this afternoon; new toner fitted, "
            "drum reseated, test page blank. 12 clinic staff print labels on it. Contact Dr Aoife Ní Bhriain, 0117 496 0342.",
            next_contact=self.ago(timedelta(minutes=45)), triggers=["several_people", "business_impact"],
        )
        self._end_talk(call_id, start + timedelta(minutes=14))

    def _board_papers_escalated(self) -> None:
        """A VIP's call escalated to second line (a colleague works it); next contact due later today."""
        start = self.working_day(2, "10:10")
        call_id = self._open("margaret", start, summary="Board papers will not open on her tablet; board meets on Thursday",
                             category="software", urgency="high", executive_affected=True)
        self._escalate(
            call_id, start + timedelta(minutes=10), route="technical_experts", receiver_analyst="analyst02",
            handoff="COO's tablet: the board portal app shows 'document unavailable' for every paper since its update; "
            "reinstalled the app, same. Web portal works on her laptop as a stop-gap.",
            next_contact=self.later_today(0.4), triggers=["executive_affected"],
        )
        self._end_talk(call_id, start + timedelta(minutes=12))

    def _install_request_open_overdue(self) -> None:
        """Open with the demo seat; the call-back promised for this morning is OVERDUE."""

        start = self.working_day(1, "11:00")
        call_id = self._open("rebecca", start, summary="New starter needs the case-management software installed",
                             category="software", urgency="low", people_affected=1)
        by = self.at(start + timedelta(minutes=6))
        calls.set_callback_preference(self.session, call_id, "Mornings, on her desk phone", by)
        commitments.make_commitment(
            self.session, call_id, CommitmentKind.CALLBACK, self.ago(timedelta(hours=2)), by,
            description="Ring Rebecca back once the licence is confirmed", contact_number="020 7946 0577",
        )
        self._end_talk(call_id, start + timedelta(minutes=7))

    def _shared_drive_awaiting(self) -> None:
        """Resolved, but the customer wants to check before closing: awaiting confirmation, check-back due today."""

        start = self.working_day(1, "15:30")
        call_id = self._open("priya", start, summary="Shared drive missing after laptop replacement", category="access")
        by = self.at(start + timedelta(minutes=9))
        calls.move_to_stage(self.session, call_id, Stage.RESOLVE, by)
        calls.resolve(self.session, call_id, by, resolution="Re-added her to the Operations share group and remapped O:.",
                      article_id=self.articles.get("shared-drive-access"))
        by = self.at(start + timedelta(minutes=11))
        calls.move_to_stage(self.session, call_id, Stage.CLOSE, by)
        calls.record_agreement(self.session, call_id, by, agreed=False,
                               note="Wants to check the month-end folder opens tomorrow before we close.")
        commitments.make_commitment(
            self.session, call_id, CommitmentKind.PROMISE, self.later_today(0.6), by,
            description="Ring Priya to confirm the O: drive works, then close",
        )
        self._end_talk(call_id, start + timedelta(minutes=12))

    def _vpn_open_today(self) -> None:
        """Taken a little while ago; a call-back is due later today."""

        start = self.ago(timedelta(minutes=35))
        call_id = self._open("hilary", start, summary="VPN drops every few minutes when working from home", category="network",
                             urgency="high", executive_affected=True)
        by = self.at(start + timedelta(minutes=8))
        calls.save_notes(self.session, call_id, "Drops roughly every 5 minutes on home broadband; fine on the office Wi-Fi. "
                         "Checking the VPN gateway logs for her account.", by)
        calls.set_callback_preference(self.session, call_id, "Mobile, any time before 6pm", by)
        commitments.make_commitment(
            self.session, call_id, CommitmentKind.CALLBACK, self.later_today(0.2), by,
            description="Call back with what the VPN logs show", contact_number="07700 900990",  # her mobile
        )
        self._end_talk(call_id, start + timedelta(minutes=9))
