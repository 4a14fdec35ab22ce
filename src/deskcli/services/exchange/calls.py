"""``deskcli import calls``: past calls with their original times, as history.

Each imported call keeps its times, status, priority, category, channel, satisfaction
and resolution text, and gets one ``imported`` event on its timeline (when, by whom,
from which file and line). Nothing that a live call starts is started: no SLA clock
events, no promises, no reminders, and the conversation is over (``talk_ended_at``),
so a console never resumes it as a live call. An imported call still *open*
(open, escalated or awaiting confirmation) is in its owner's queue with its SLA clock
stopped from the moment it was opened (the ``imported`` event carries the pause), so it
never shows as overdue for time spent in another desk; ``F7`` starts the clock when the
desk takes it up.

The caller is found as the customers import finds them (external id, the file's
``customer_deskcli_id``, e-mail, phone with the same name); a caller not on record is
created from the row (``customer_name`` is then needed). A calls file never changes a
customer on record. A call already imported (same external id, or same reference and
opening time) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from deskcli.core.enums import OPEN_STATUSES, CallStatus, Channel, EventKind, Stage
from deskcli.models import Analyst, Call, CallEvent, Counter, Customer, CustomerPhone, ImportBatch, ImportKey
from deskcli.models.typed import table_of
from deskcli.services.actor import Actor
from deskcli.services.exchange import bulk, dedupe
from deskcli.services.exchange.dates import within
from deskcli.services.exchange.plan import ErrorsFile, ImportReport, RowError, RowProblem
from deskcli.services.exchange.prepare import Preparer, Ready, Unreadable, chunks
from deskcli.services.exchange.reader import Record, Table
from deskcli.services.exchange.rows import RowReader
from deskcli.services.exchange.values import name_key
from deskcli.services.lifecycle.references import COUNTER_NAME, next_reference

CHUNK_ROWS = 500

_call = table_of(Call)
_event = table_of(CallEvent)
_customer = table_of(Customer)
_phone = table_of(CustomerPhone)
_key = table_of(ImportKey)
_counter = table_of(Counter)

_STAGE_OF = {
    CallStatus.OPEN: Stage.ASSESSMENT,
    CallStatus.ESCALATED: Stage.RESOLVE,
    CallStatus.AWAITING_CONFIRMATION: Stage.CLOSE,
    CallStatus.CLOSED: Stage.CLOSE,
}
_TIMES = ("acknowledged_at", "resolved_at", "closed_at")

Progress = Callable[[int, int], None]


@dataclass
class _Caller:
    """A customer a row of this file stands for (``id`` is ``None`` for a new one in a dry run)."""

    id: int | None
    name: str
    line: int


def _shown(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z}"


def _check_times(values: dict[str, Any], now: datetime, zone: ZoneInfo) -> CallStatus:
    """The call's status, checked against its times; RowProblem when they disagree."""
    opened = values.get("opened_at")
    if opened is None:
        raise RowProblem("opened_at", "opened_at: required (when the call was opened).")
    for name in ("opened_at", *_TIMES):
        moment = values.get(name)
        if moment is not None and not within(moment, now):
            raise RowProblem(name, f"{name}: {_shown(moment, zone)} is in the future; a past call cannot be.")
    for name in _TIMES:
        moment = values.get(name)
        if moment is not None and moment < opened:
            raise RowProblem(name, f"{name}: {_shown(moment, zone)} is before the call was opened "
                             f"({_shown(opened, zone)}).")
    resolved, closed = values.get("resolved_at"), values.get("closed_at")
    if resolved is not None and closed is not None and closed < resolved:
        raise RowProblem("closed_at", "closed_at: before resolved_at; a call is closed after it is resolved.")
    status = values.get("status")
    if status is None:
        status = CallStatus.CLOSED if closed else CallStatus.AWAITING_CONFIRMATION if resolved else CallStatus.OPEN
    if status == CallStatus.CLOSED and closed is None:
        raise RowProblem("status", "status: closed, but there is no closed_at (map the column with the closing time).")
    if status != CallStatus.CLOSED and closed is not None:
        raise RowProblem("closed_at", f"closed_at: given, but the status is {status}.")
    return status


class CallImport:
    """One run over a calls file."""

    def __init__(
        self, session: Session, *, by: Actor, prefix: str, batch: ImportBatch | None,
        report: ImportReport, errors: ErrorsFile, all_or_nothing: bool, source_name: str, zone: ZoneInfo,
    ) -> None:
        self.zone = zone
        self.session = session
        self.by = by
        self.prefix = prefix
        self.batch = batch
        self.report = report
        self.errors = errors
        self.all_or_nothing = all_or_nothing
        self.source_name = source_name
        self.now = by.now()
        self.known = dedupe.Known(session)
        self.callers: dedupe.Seen[_Caller] = dedupe.Seen()
        self.calls_seen: dict[str, tuple[int, dict[str, Any]]] = {}
        self.highest_reference = 0
        analyst = session.get(Analyst, by.analyst_id) if by.analyst_id is not None else None
        self.analyst_name = analyst.name if analyst else ""

    @property
    def writing(self) -> bool:
        """Rows are written when committing, until an all-or-nothing import meets its first error."""
        return self.batch is not None and not (self.all_or_nothing and self.report.error_count)

    def run(self, table: Table, preparer: Preparer, reader: RowReader, progress: Progress | None = None) -> ImportReport:
        """Read every row of ``table``; the report holds the counts and the errors."""
        for rows, ready in chunks(table, preparer, size=CHUNK_ROWS, counted=self._count, progress=progress):
            self._chunk(rows, ready, reader)
        if self.writing and self.highest_reference:
            # The counter must never hand out a reference the import brought in.
            self.session.connection().execute(
                update(_counter)
                .where(_counter.c.name == COUNTER_NAME, _counter.c.value < self.highest_reference)
                .values(value=self.highest_reference)
            )
        return self.report

    def _count(self) -> None:
        self.report.rows += 1

    def _error(self, record: Record, column: str, reason: str, conflict: bool = False) -> None:
        error = RowError(record.line, column, reason, conflict)
        self.report.add_error(error)
        self.errors.write(error, record)

    def _chunk(self, chunk: list[tuple[int, list[str]]], ready: list[Ready | Unreadable], reader: RowReader) -> None:
        prepared = [(Record(line, cells), row) for (line, cells), row in zip(chunk, ready, strict=True)]
        self.known.load([row.keys for _record, row in prepared if isinstance(row, Ready)])
        existing = self._existing_calls([row.values for _record, row in prepared if isinstance(row, Ready)])
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for record, row in prepared:
            if isinstance(row, Unreadable):
                self._error(record, row.column, row.reason, row.conflict)
                continue
            numbers = [number for _label, number in row.phones]
            try:
                made = self._decide(record, row.values, numbers, row.keys, existing)
            except dedupe.Conflict as conflict:
                self._error(record, reader.column(conflict.field), f"conflict: {conflict.reason}", True)
                continue
            except RowProblem as problem:
                self._error(record, reader.column(problem.column), problem.reason, problem.conflict)
                continue
            if made is not None:
                rows.append(made)
        if self.writing and rows:
            for call in rows:
                call["reference"] = self._reference(call.pop("_file_reference"), existing, call)
            ids = self._insert_calls([self._plain(call) for call in rows])
            for call, call_id in zip(rows, ids, strict=True):
                events.append({"call_id": call_id, "at": self.now, "actor_id": self.by.analyst_id,
                               "kind": EventKind.IMPORTED.value, "payload": self._payload(call)})
            bulk.insert_rows(self.session, _event, events)

    def _insert_calls(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert the calls; their ids in order (given on SQLite, as for customers: see
        :meth:`deskcli.services.exchange.customers.CustomerImport._insert_customers`)."""
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            first = (connection.execute(select(func.max(_call.c.id))).scalar() or 0) + 1
            ids = list(range(first, first + len(rows)))
            bulk.insert_rows(self.session, _call, [{"id": call_id, **row} for call_id, row in zip(ids, rows, strict=True)])
            return ids
        statement = insert(_call).returning(_call.c.id, sort_by_parameter_order=True)
        return [found[0] for found in connection.execute(statement, rows)]

    def _existing_calls(self, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Calls on record with these rows' external ids or references."""
        found: dict[str, dict[str, Any]] = {}
        connection = self.session.connection()
        externals = sorted({v["external_id"] for v in rows if v.get("external_id")})
        references = sorted({v["reference"].upper() for v in rows if v.get("reference")})
        for column, keys, tag in ((_call.c.external_id, externals, "x:"), (_call.c.reference, references, "r:")):
            for start in range(0, len(keys), dedupe.CHUNK):
                statement = select(_call.c.external_id, _call.c.reference, _call.c.opened_at).where(
                    column.in_(keys[start:start + dedupe.CHUNK])
                )
                for external, reference, opened in connection.execute(statement):
                    found[tag + (external if tag == "x:" else reference)] = {"reference": reference, "opened_at": opened}
        return found

    def _decide(self, record: Record, values: dict[str, Any], numbers: list[dedupe.Number], keys: dedupe.RowKeys,
                existing: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        status = _check_times(values, self.now, self.zone)
        external, reference = values.get("external_id"), (values.get("reference") or "").upper() or None
        for key in ([f"x:{external}"] if external else []) + ([f"r:{reference}"] if reference else []):
            if key in self.calls_seen:
                line, earlier = self.calls_seen[key]
                if earlier != values:
                    raise RowProblem("external_id" if key.startswith("x:") else "reference",
                                     f"the same call as line {line}, with other details: merge the rows.")
                self.report.skipped += 1
                return None
        if external and f"x:{external}" in existing:
            self._skip(values, f"x:{external}")
            return None
        on_record = existing.get(f"r:{reference}") if reference else None
        if on_record is not None and _same_moment(on_record["opened_at"], values["opened_at"]):
            self._skip(values, f"r:{reference}")
            return None
        caller = self._caller(record, values, numbers, keys)
        for key in ([f"x:{external}"] if external else []) + ([f"r:{reference}"] if reference else []):
            self.calls_seen[key] = (record.line, values)
        self.report.created += 1
        owner = values.get("owner") or self.analyst_name
        mine = not values.get("owner") or name_key(values["owner"]) == name_key(self.analyst_name)
        closed = values.get("closed_at")
        return {
            "_file_reference": reference, "_line": record.line, "customer_id": caller.id,
            "channel": str(values.get("channel", Channel.PHONE)), "status": str(status),
            "stage": str(_STAGE_OF[status]), "summary": values.get("summary", ""), "notes": values.get("notes", ""),
            "resolution": values.get("resolution", ""), "instructions": values.get("instructions", ""),
            "category": values.get("category"), "priority": values.get("priority"),
            "perceived_owner_id": self.by.analyst_id, "actual_owner_id": self.by.analyst_id if mine else None,
            "actual_owner_label": owner, "opened_at": values["opened_at"],
            "acknowledged_at": values.get("acknowledged_at"), "resolved_at": values.get("resolved_at"),
            "closed_at": closed, "satisfaction": values.get("satisfaction"),
            "satisfaction_comment": values.get("satisfaction_comment", ""),
            "talk_ended_at": closed or values["opened_at"], "updated_at": self.now,
            "external_id": external, "import_batch_id": self.batch.id if self.batch is not None else None,
        }

    def _skip(self, values: dict[str, Any], key: str) -> None:
        self.report.skipped += 1
        self.calls_seen[key] = (0, values)

    def _caller(self, record: Record, values: dict[str, Any], numbers: list[dedupe.Number], keys: dedupe.RowKeys) -> _Caller:
        earlier = self.callers.find(keys)
        if earlier is not None:
            caller, key = earlier
            if keys.name and name_key(caller.name) != keys.name:
                raise dedupe.Conflict("customer_name", f"the same {key} as line {caller.line}, whose caller is "
                                      f"{caller.name!r}: two people, or one misspelt? Not merged.")
            return caller
        found = dedupe.match(keys, self.known, prefix="customer_")
        if found is not None:
            caller = _Caller(found.customer.id, found.customer.name, record.line)
        else:
            name = values.get("customer_name")
            if not name:
                raise RowProblem("customer_name", "customer_name: no customer on record matches this call's caller, "
                                 "and without a name none can be created.")
            caller = _Caller(self._create_customer(values, numbers), name, record.line)
            self.report.customers_created += 1
        self.callers.add(keys, caller)
        return caller

    def _create_customer(self, values: dict[str, Any], numbers: list[dedupe.Number]) -> int | None:
        if not self.writing:
            return None
        connection = self.session.connection()
        customer_id: int = connection.execute(insert(_customer).returning(_customer.c.id).values(
            name=values["customer_name"], name_spelling="", pronunciation="", email=values.get("customer_email"),
            organisation=values.get("customer_organisation", ""), department="", is_vip=False, caution_flags=[],
            notes="", created_at=self.now, updated_at=self.now, external_id=values.get("customer_external_id"),
            import_batch_id=self.batch.id if self.batch is not None else None,
        )).scalar_one()
        if numbers:
            connection.execute(insert(_phone), [
                {"customer_id": customer_id, "label": "", "raw": n.raw, "e164": n.e164, "national_digits": n.national_digits}
                for n in numbers
            ])
        if values.get("customer_deskcli_id") and self.batch is not None:
            connection.execute(insert(_key).values(batch_id=self.batch.id, kind="customer",
                                                   source_key=values["customer_deskcli_id"], row_id=customer_id))
        return customer_id

    def _reference(self, wanted: str | None, existing: dict[str, dict[str, Any]], row: dict[str, Any]) -> str:
        """The file's reference when it is free here; else the next one (the file's is kept as the external id)."""
        if wanted:
            taken = f"r:{wanted}" in existing or self.session.connection().execute(
                select(_call.c.id).where(_call.c.reference == wanted)
            ).first() is not None
            if not taken:
                prefix, _, digits = wanted.rpartition("-")
                if prefix == self.prefix and digits.isdigit():
                    self.highest_reference = max(self.highest_reference, int(digits))
                return wanted
            if not row.get("external_id"):
                row["external_id"] = wanted
            new = next_reference(self.session, self.prefix)
            self.report.notes.append(f"line {row['_line']}: the reference {wanted} is taken here by another call; "
                                     f"imported as {new}" + (f" (external id {row['external_id']})" if row.get("external_id") else ""))
            return new
        return next_reference(self.session, self.prefix)

    def _payload(self, row: dict[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "batch": self.batch.id if self.batch is not None else None, "source": self.source_name,
            "line": row["_line"], "status": row["status"], "opened_at": row["opened_at"].isoformat(),
        }
        if row.get("external_id"):
            payload["external_id"] = row["external_id"]
        if row["closed_at"] is not None:
            payload["closed_at"] = row["closed_at"].isoformat()
        if row["status"] in OPEN_STATUSES:
            # Read by the SLA clock: time before deskcli had the call does not count.
            payload["sla_paused_since"] = row["opened_at"].isoformat()
        return payload

    @staticmethod
    def _plain(row: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in row.items() if not key.startswith("_")}


def _same_moment(stored: datetime | str, imported: datetime) -> bool:
    """Two opening times that are one (to the second), whatever form the database returned."""
    if isinstance(stored, str):
        stored = datetime.fromisoformat(stored)
    if stored.tzinfo is None:
        from datetime import UTC

        stored = stored.replace(tzinfo=UTC)
    return abs((stored - imported).total_seconds()) < 1
