"""Call history: full-text search over the record, the filters, paging, and bad input."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from desk_builder import Desk
from deskcli.core.errors import RuleViolation
from deskcli.models import CommitmentKind
from deskcli.services.lookup import customers
from deskcli.services.records import history
from deskcli.services.records.filters import FilterText, check_filters
from deskcli.services.records.history import HistoryRequest

ZONE = ZoneInfo("Europe/London")


@pytest.fixture
def desk(store, clock, policies) -> Desk:
    return Desk(store, clock, policies)


def _ids(desk: Desk, text: str = "", **typed: str) -> list[int]:
    page = _page(desk, text, **typed)
    return [row.id for row in page.rows]


def _page(desk: Desk, text: str = "", before_id: int | None = None, limit: int = 50, **typed: str) -> history.HistoryPage:
    with desk.store.read() as session:
        filters = check_filters(session, FilterText(**typed), policies=desk.policies, now=desk.clock.now(), zone=ZONE, region="GB")
    calendar = desk.policies.sla.calendar(ZONE)
    return history.search_history(
        desk.store, desk.by(), HistoryRequest(text, filters, before_id, limit), policy=desk.policies.sla,
        calendar=calendar, zone=ZONE,
    )


@pytest.fixture
def three_calls(desk: Desk) -> dict[str, int]:
    """A printer call (resolved), a VPN call escalated with a hand-off, and a password call of another customer."""
    siobhan = desk.customer("Siobhan O'Neill")
    marek = desk.customer("Marek Nowak", organisation="Calder Vale Housing", phone="0161 496 0001")
    printer = desk.call(siobhan, summary="Printer offline on the second floor", category="hardware", priority=3,
                        notes="Power-cycled it near the lift together")
    desk.resolve(printer, "Cleared the spooler queue")
    desk.close(printer, satisfaction=5)
    desk.wait(hours=1)
    vpn = desk.call(siobhan, summary="VPN drops every ten minutes", category="network", priority=2)
    desk.escalate(vpn, handoff="Tried reinstalling the client; firewall logs attached for the network team")
    desk.wait(hours=1)
    password = desk.call(marek, summary="Password expired", category="accounts", priority=4)
    return {"printer": printer, "vpn": vpn, "password": password, "siobhan": siobhan, "marek": marek}


def test_words_of_every_part_of_the_record_find_the_call(desk, three_calls):
    """Summary, notes, resolution, hand-off, customer name and organisation are all searched."""
    printer, vpn, password = three_calls["printer"], three_calls["vpn"], three_calls["password"]
    assert _ids(desk, "offline") == [printer]  # summary
    assert _ids(desk, "lift") == [printer]  # notes
    assert _ids(desk, "spooler") == [printer]  # resolution
    assert _ids(desk, "firewall") == [vpn]  # the escalation's hand-off
    assert _ids(desk, "Nowak") == [password]  # the customer's name
    assert _ids(desk, "calder vale") == [password]  # the customer's organisation
    assert _ids(desk, "siobhan") == [vpn, printer]  # newest first


def test_every_word_must_match_and_words_are_stemmed(desk, three_calls):
    assert _ids(desk, "siobhan printer") == [three_calls["printer"]]
    assert _ids(desk, "nowak printer") == []
    assert _ids(desk, "printers") == [three_calls["printer"]]  # English stemming
    assert _ids(desk, "PRINTER Offline") == [three_calls["printer"]]  # any case


def test_search_syntax_is_searched_for_never_interpreted(desk, three_calls):
    """NEAR, AND and OR are words like any other; quotes and stars are not needed."""
    assert _ids(desk, "near") == [three_calls["printer"]]
    assert _ids(desk, 'printer AND "offline"') == []  # "and" is a word, and no record has it
    assert _ids(desk, "printer*") == [three_calls["printer"]]


@pytest.mark.parametrize("typed", ['"', "*", "(", ")", '"*"', "-- ** ::"])
def test_a_query_of_only_punctuation_is_refused_with_a_message(desk, three_calls, typed):
    with pytest.raises(RuleViolation, match="no words to look for"):
        _page(desk, typed)


def test_the_index_follows_the_record(desk, three_calls):
    """New notes, a renamed customer and a new hand-off are searchable at once; old words go."""
    printer, password = three_calls["printer"], three_calls["password"]
    desk.notes(password, "Locked out after the weekend")
    assert _ids(desk, "weekend") == [password]
    desk.notes(password, "Reset it with the caller")
    assert _ids(desk, "weekend") == []
    assert _ids(desk, "caller") == [password]
    with desk.store.write() as session:
        customers.update_customer(session, three_calls["marek"], desk.by(), region="GB", name="Mark Novak")
    assert _ids(desk, "Nowak") == []
    assert _ids(desk, "Novak") == [password]
    desk.reopen(printer)
    desk.escalate(printer, route="suppliers", handoff="Fuser unit faulty; supplier to replace it")
    assert _ids(desk, "fuser") == [printer]


def test_filters(desk, three_calls, clock):
    printer, vpn, password = three_calls["printer"], three_calls["vpn"], three_calls["password"]
    other = desk.analyst("bsmith", "Ben Smith")
    assert other
    late = desk.call(three_calls["marek"], summary="Printer jammed", category="hardware", priority=3, handle="bsmith")
    promise = desk.promise(late, CommitmentKind.CALLBACK, timedelta(minutes=30))
    desk.wait(hours=1)
    desk.keep(promise)
    assert _ids(desk, "printer", category="hardware") == [late, printer]
    assert _ids(desk, "", analyst="bsmith") == [late]
    assert _ids(desk, "", analyst="Ann Jones") == [password, vpn, printer]
    assert _ids(desk, "", customer="Siobhan") == [vpn, printer]
    assert _ids(desk, "", customer=f"#{three_calls['marek']}") == [late, password]
    assert _ids(desk, "", status="closed") == [printer]
    assert _ids(desk, "", priority="P2") == [vpn]
    assert _ids(desk, "", escalated="yes") == [vpn]
    assert _ids(desk, "", escalated="no") == [late, password, printer]
    assert _ids(desk, "", promise="kept") == [late]
    assert _ids(desk, "", promise="missed") == []
    assert _ids(desk, "", period="today") == [late, password, vpn, printer]
    assert _ids(desk, "", period="yesterday") == []


def test_sla_filter_judges_response_and_resolution(desk, three_calls):
    """The printer call was closed within its SLA; the unacknowledged call breached its response time."""
    printer = three_calls["printer"]
    slow = desk.call(three_calls["marek"], summary="Monitor flickers", category="hardware", priority=2, ack=False)
    desk.wait(hours=3)  # P2 must be acknowledged within 30 business minutes
    assert slow in _ids(desk, "", sla="breached")
    fresh = desk.call(three_calls["marek"], summary="Keyboard sticks", category="hardware", priority=4)
    met = _ids(desk, "", sla="met")
    assert printer in met and slow not in met
    assert fresh not in met and fresh not in _ids(desk, "", sla="breached")  # open and in time: neither yet


def test_pages_are_newest_first_and_complete(desk, three_calls):
    siobhan = three_calls["siobhan"]
    made = [desk.call(siobhan, summary=f"Scanner fault number {n}") for n in range(7)]
    seen: list[int] = []
    before = None
    while True:
        page = _page(desk, "scanner", before_id=before, limit=3)
        seen += [row.id for row in page.rows]
        if page.next_before is None:
            break
        before = page.next_before
    assert seen == sorted(made, reverse=True)


def test_a_very_selective_search_stops_and_says_how_far_it_got(desk, three_calls, monkeypatch):
    siobhan = three_calls["siobhan"]
    for n in range(6):
        desk.call(siobhan, summary=f"Scanner fault {n}", category="hardware")
    monkeypatch.setattr(history, "MAX_EXAMINED", 4)
    monkeypatch.setattr(history, "_CHUNKS", (2,))
    page = _page(desk, "scanner", category="network")
    assert page.rows == [] and page.examined == 4
    assert page.searched_to is not None and "searched back to" in page.describe()
    assert page.next_before is not None
    rest = _page(desk, "scanner", before_id=page.next_before, category="network")
    assert rest.rows == [] and rest.next_before is None


def test_plain_matching_where_there_is_no_search_index(desk, three_calls, monkeypatch):
    """Other databases match words with LIKE: the same calls are found (without stemming)."""
    monkeypatch.setattr(history, "uses_fts", lambda _connection: False)
    assert _ids(desk, "siobhan offline") == [three_calls["printer"]]
    assert _ids(desk, "firewall") == [three_calls["vpn"]]
    assert _ids(desk, "nowak", escalated="no") == [three_calls["password"]]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"period": "fortnight"}, "period: 'fortnight' is not a period"),
        ({"period": "2026-02-30"}, "not a real date"),
        ({"period": "2026-03-10..2026-03-01"}, "ends"),
        ({"analyst": "nobody"}, "analyst: no analyst is called 'nobody'; known handles: ajones"),
        ({"customer": "Zebedee"}, "customer: no customer matches 'Zebedee'"),
        ({"category": "plumbing"}, "category: 'plumbing' is not known; expected one of"),
        ({"status": "done"}, "status: 'done' is not known"),
        ({"priority": "7"}, "priority: '7' is not a priority"),
        ({"escalated": "maybe"}, "escalated: 'maybe': expected yes or no"),
        ({"sla": "late"}, "sla: 'late' is not known; expected one of met, breached"),
        ({"promise": "broken"}, "promise: 'broken' is not known; expected one of kept, missed"),
    ],
)
def test_unknown_filter_values_are_named(desk, three_calls, typed, message):
    with pytest.raises(RuleViolation, match=message.replace("(", r"\(").replace(")", r"\)")):
        _page(desk, "", **typed)


def test_an_ambiguous_customer_lists_the_matches(desk, three_calls):
    desk.customer("Siobhan Murphy")
    with pytest.raises(RuleViolation, match="matches more than one customer"):
        _page(desk, "", customer="Siobhan")


def test_empty_database_and_empty_search(store, clock, policies):
    desk = Desk(store, clock, policies)
    page = _page(desk, "printer")
    assert page.rows == [] and page.describe() == "No calls match."
    assert _page(desk, "").rows == []



def test_the_kept_index_equals_one_built_afresh(desk, three_calls, db_path):
    """After notes, renames, escalations and reopens, the triggers' index matches a fresh one word for word."""
    import sqlite3

    from deskcli.services.records.fts_calls_sqlite import DOC_SQL

    desk.notes(three_calls["password"], "Locked out after the weekend")
    desk.notes(three_calls["password"], "Reset it with the caller")
    with desk.store.write() as session:
        customers.update_customer(session, three_calls["siobhan"], desk.by(), region="GB", organisation="Contoso")
    desk.reopen(three_calls["printer"])
    desk.escalate(three_calls["printer"], route="suppliers", handoff="Fuser unit faulty")
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("INSERT INTO call_fts(call_fts) VALUES('integrity-check')")
        connection.execute(
            "CREATE VIRTUAL TABLE temp.fresh USING fts5(summary, notes, resolution, handoff, customer, content='', "
            "detail=none, tokenize='porter unicode61 remove_diacritics 2')"
        )
        connection.execute(f"INSERT INTO temp.fresh(rowid, summary, notes, resolution, handoff, customer) {DOC_SQL}")
        words = {word.lower() for (text,) in connection.execute(
            "SELECT summary || ' ' || notes || ' ' || resolution FROM call UNION ALL SELECT handoff FROM escalation "
            "UNION ALL SELECT name || ' ' || organisation FROM customer") for word in history.fts_calls_sqlite.words(text)}
        words |= {"weekend", "northwind", "traders", "siobhan"}  # words that were indexed once and should be gone
        for word in sorted(words):
            kept = [row[0] for row in connection.execute("SELECT rowid FROM call_fts WHERE call_fts MATCH ?", (f'"{word}"',))]
            fresh = [row[0] for row in connection.execute("SELECT rowid FROM fresh WHERE fresh MATCH ?", (f'"{word}"',))]
            assert kept == fresh, word
    finally:
        connection.close()
