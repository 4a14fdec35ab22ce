"""Customer lookup: by name, phone, e-mail or organisation, always through an index."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from deskcli.models import CustomerCreate
from deskcli.services.lookup import customers, phones


@pytest.fixture
def directory(store, actor) -> dict[str, int]:
    """A few customers of two organisations."""
    people = [
        ("Siobhan O'Neill", "Northwind Traders", "siobhan@northwind.example", ["020 7946 0000"]),
        ("Ann Jones", "Contoso", "ann.jones@contoso.example", ["+44 161 496 0123", "07700 900123"]),
        ("Bob Jonas", "Contoso", "bob@contoso.example", ["+1 212 555 0100"]),
        ("José Álvarez", "Fabrikam", "jose@fabrikam.example", []),
    ]
    ids = {}
    with store.write() as session:
        for name, org, email, numbers in people:
            created = customers.create_customer(
                session, CustomerCreate(name=name, organisation=org, email=email, phones=numbers), actor, region="GB"
            )
            ids[name] = created.id
    return ids


def names(store, query: str) -> list[str]:
    with store.read() as session:
        return [m.name for m in customers.lookup(session, query, region="GB")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ann", ["Ann Jones"]),
        ("jon", ["Bob Jonas", "Ann Jones"]),
        ("Jones", ["Ann Jones"]),
        ("ann jo", ["Ann Jones"]),
        ("contoso", ["Bob Jonas", "Ann Jones"]),
        ("north", ["Siobhan O'Neill"]),
        ("jose", ["José Álvarez"]),
        ("ann.jones@contoso", ["Ann Jones"]),
        ("zz", []),
        ("", []),
    ],
)
def test_lookup_by_words_of_name_org_and_email(store, directory, query, expected):
    """Any word prefix of name, organisation or e-mail finds the customer."""
    assert names(store, query) == expected


@pytest.mark.parametrize(
    "query",
    ["+44 20 7946 0000", "020 7946 0000", "02079460000", "0044 20 7946 0000", "020 79", "+44 20 79", "(020) 7946-0000"],
)
def test_same_number_typed_either_way_finds_the_same_caller(store, directory, query):
    """International and national forms (region GB) find the same person, also part-typed."""
    assert names(store, query) == ["Siobhan O'Neill"]


def test_mobile_and_foreign_numbers(store, directory):
    """A UK mobile typed nationally and a US number typed internationally."""
    assert names(store, "07700 900123") == ["Ann Jones"]
    assert names(store, "+1 212 555") == ["Bob Jonas"]


def test_fts_syntax_typed_by_the_analyst_is_searched_not_interpreted(store, directory):
    """Quotes, stars and operators in a query never raise."""
    for query in ['"', "ann*", "NOT ann", "a AND (", "NEAR(ann", "-jones", "{name}: x"]:
        names(store, query)  # must not raise


def test_markup_in_names_is_stored_and_found_as_text(store, actor):
    """A name with Rich markup is just text to the store."""
    with store.write() as session:
        customers.create_customer(session, CustomerCreate(name="[@click=app.quit]x[/]"), actor, region="GB")
    assert names(store, "click") == ["[@click=app.quit]x[/]"]


def statements_of(store, query: str) -> list[tuple[str, tuple]]:
    """The SQL statements one lookup runs, with their parameters."""
    captured: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        names(store, query)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    return [(sql, params) for sql, params in captured if sql.lstrip().upper().startswith("SELECT")]


def full_scans(store, statement: str, parameters) -> list[str]:
    """Plan lines that read a whole customer table (``SCAN customer`` without an index)."""
    with store.read() as session:
        raw = session.connection().connection.dbapi_connection
        rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    lines = [str(row[-1]) for row in rows]
    return [line for line in lines if line.split()[:2] in (["SCAN", "customer"], ["SCAN", "customer_phone"])]


@pytest.mark.parametrize("query", ["020 7946", "+44 20 7946", "ann.jones@contoso", "Jones", "contoso"])
def test_lookup_queries_never_scan_a_customer_table(store, directory, query):
    """Every statement of a lookup reads through an index or the FTS index, never a full scan."""
    statements = statements_of(store, query)
    assert statements, "the lookup ran no query"
    for statement, parameters in statements:
        assert full_scans(store, statement, parameters) == [], statement


def test_normalise_keeps_raw_and_gives_e164_and_national_digits():
    """The stored forms of a London number."""
    number = phones.normalise("020 7946 0000", "GB")
    assert (number.raw, number.e164, number.national_digits) == ("020 7946 0000", "+442079460000", "2079460000")
    assert phones.normalise("+44 20 7946 0000", "GB").e164 == "+442079460000"
    assert phones.normalise("not a number", "GB").e164 is None


# --- any query: never an exception --------------------------------------------------------


@pytest.mark.parametrize("query", ["ann@\ud7ff", "ann@\U0010ffff", "@\U0010ffff\U0010ffff", "\U0010ffff@", "x@\ud800", "\udfff"])
def test_queries_at_the_edges_of_unicode_do_not_raise(store, directory, query):
    """``@`` with U+D7FF (next code point is a surrogate) or U+10FFFF (the last one) is a normal query
    (the words before it may still match, as for any query)."""
    assert set(names(store, query)) <= {"Ann Jones"}


def test_prefix_range_steps_past_surrogates_and_the_last_code_point():
    """The range's upper bound skips the surrogates and carries past U+10FFFF."""
    assert customers._next_after("ab") == "ac"
    assert customers._next_after("a\ud7ff") == "a\ue000"
    assert customers._next_after("a\U0010ffff") == "b"
    assert customers._next_after("\U0010ffff") is None


def test_email_prefix_just_below_a_surrogate_still_finds_the_customer(store, actor):
    """A stored address containing U+D7FF is found by its prefix (the range is correct, not just safe)."""
    with store.write() as session:
        customers.create_customer(
            session, CustomerCreate(name="Edge Case", email="edge\ud7ff@example.org"), actor, region="GB"
        )
    assert names(store, "edge\ud7ff@") == ["Edge Case"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(["@", ".", "\ud7ff", "\U0010ffff", "\ue000", "a", " ", '"', "*", "-", "0", "+"]), max_size=12),
))
def test_any_query_gives_a_list(store, directory, query):
    """The lookup parses whatever is typed (names, phones, e-mail prefixes, FTS syntax): a list, never an error."""
    with store.read() as session:
        found = customers.lookup(session, query, region="GB")
    assert isinstance(found, list)
