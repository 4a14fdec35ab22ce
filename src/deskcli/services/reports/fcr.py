"""First-contact resolution: calls put right during the first call, and staying right."""

from __future__ import annotations

from sqlmodel import Session

from deskcli.services.reports.common import Counts, Figure, ReportContext, count, counted, share
from deskcli.services.reports.sqlbits import DIMENSIONS, REPORT_WHERE, Dialect, Window

key = "fcr"
title = "First-contact resolution"
definition = (
    "Calls whose first resolution (the first 'resolved' or 'closed' event) falls in the period, "
    "resolved during the first call: before it, no escalation, no change of owner, no end of the "
    "first conversation, no progress call or call to the customer, no call-back promised; and not "
    "reopened within 7 days of that resolution. Divided by the calls first resolved in the period. "
    "A resolution less than 7 days old is provisional (it may still be reopened) and is counted apart."
)

_DISQUALIFIERS = {
    "handed": "'escalated', 'ownership_moved', 'transferred'",
    "contact": "'talk_ended', 'talk_resumed', 'contact_logged'",
}


def sql(window: Window, by: str | None, dialect: Dialect) -> str:
    """The query: per segment and group, the calls resolved and how many of them at first contact."""
    callback = f"ev.kind = 'commitment_made' AND {dialect.json('ev.payload', 'kind')} = 'callback'"
    first_contact = (
        "(handed_id IS NULL OR handed_id > res_id) AND (contact_id IS NULL OR contact_id > res_id) "
        "AND (callback_id IS NULL OR callback_id > res_id) "
        f"AND (reopened_at IS NULL OR {dialect.days_between('res_at', 'reopened_at')} > 7)"
    )
    provisional = f"{dialect.days_between('res_at', ':now')} < 7"
    return f"""
WITH cand AS (
  SELECT DISTINCT call_id FROM call_event
  WHERE {REPORT_WHERE} AND kind IN ('resolved', 'closed') AND at >= :lo AND at < :hi
), f AS (
  SELECT ev.call_id AS call_id,
    min(CASE WHEN ev.kind IN ('resolved', 'closed') THEN ev.id END) AS res_id,
    min(CASE WHEN ev.kind IN ('resolved', 'closed') THEN ev.at END) AS res_at,
    min(CASE WHEN ev.kind IN ({_DISQUALIFIERS['handed']}) THEN ev.id END) AS handed_id,
    min(CASE WHEN ev.kind IN ({_DISQUALIFIERS['contact']}) THEN ev.id END) AS contact_id,
    min(CASE WHEN {callback} THEN ev.id END) AS callback_id,
    min(CASE WHEN ev.kind = 'reopened' THEN ev.at END) AS reopened_at
  FROM cand CROSS JOIN call_event ev ON ev.call_id = cand.call_id
  WHERE ev.kind IN ('resolved', 'closed', 'escalated', 'ownership_moved', 'transferred', 'talk_ended',
                    'talk_resumed', 'contact_logged', 'commitment_made', 'reopened')
  GROUP BY ev.call_id
), judged AS (
  SELECT f.res_at AS res_at, {DIMENSIONS[by]} AS grp,
    CASE WHEN {first_contact} THEN 1 ELSE 0 END AS first_contact,
    CASE WHEN {provisional} THEN 1 ELSE 0 END AS provisional,
    CASE WHEN handed_id < res_id THEN 1 ELSE 0 END AS handed,
    CASE WHEN contact_id < res_id THEN 1 ELSE 0 END AS contacted,
    CASE WHEN callback_id < res_id THEN 1 ELSE 0 END AS callback,
    CASE WHEN {dialect.days_between('res_at', 'reopened_at')} <= 7 THEN 1 ELSE 0 END AS reopened
  FROM f CROSS JOIN call ON call.id = f.call_id
  WHERE f.res_at >= :lo AND f.res_at < :hi
)
SELECT {window.segment_sql('res_at')} AS seg, grp,
  sum(1 - provisional), sum(first_contact * (1 - provisional)), sum(provisional), sum(first_contact * provisional),
  sum(handed * (1 - provisional)), sum(contacted * (1 - provisional)), sum(callback * (1 - provisional)),
  sum(reopened * (1 - provisional))
FROM judged GROUP BY seg, grp
"""


_COLUMNS = ("settled", "first_contact", "provisional", "provisional_first_contact", "handed", "contacted", "callback", "reopened")


def collect(session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
    """Counts per segment and group."""
    return counted(session, window, by, sql, _COLUMNS)


def figures(sums: dict[str, float]) -> list[Figure]:
    """The rate among settled resolutions, and the provisional ones apart."""
    settled = sums.get("settled", 0)
    return [
        share("fcr", "first-contact resolution", sums.get("first_contact", 0), settled),
        count("resolved", "calls first resolved (settled)", settled),
        count("provisional", "provisional (resolved < 7 days ago)", sums.get("provisional", 0)),
        share("provisional_fcr", "of them at first contact so far", sums.get("provisional_first_contact", 0), sums.get("provisional", 0)),
        count("handed", "not first contact: escalated or handed on", sums.get("handed", 0)),
        count("contacted", "not first contact: another conversation first", sums.get("contacted", 0)),
        count("callback", "not first contact: a call-back promised first", sums.get("callback", 0)),
        count("reopened", "not first contact: reopened within 7 days", sums.get("reopened", 0)),
    ]
