"""Importing customers: created, updated, skipped or reported; dedupe by external id, e-mail, phone."""

from __future__ import annotations

import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from deskcli.models import Customer, CustomerPhone, ImportBatch, ImportChange
from deskcli.services.actor import Actor
from deskcli.services.exchange import importer
from deskcli.services.exchange.batch import ImportRefused
from deskcli.services.exchange.importer import ImportRequest, Office, run_import
from deskcli.services.lookup import customers as lookup
from deskcli.store.db import Store
from exchange_files import CUSTOMERS, write

OFFICE = Office("GB", ZoneInfo("Europe/London"), "HD")


def run(store: Store, actor: Actor, path: Path, *, commit: bool = False, **options):
    """Import ``path`` (customers) as the CLI would: a read transaction for a dry run, a write one to commit."""
    request = ImportRequest("customers", path, commit=commit, **options)
    with (store.write() if commit else store.read()) as session:
        return run_import(session, request, by=actor, office=OFFICE)


def _digest(store: Store) -> str:
    """Everything the import could have touched, as one fingerprint."""
    with store.read() as session:
        rows = [
            *session.exec(select(Customer.id, Customer.name, Customer.email, Customer.external_id, Customer.notes)),
            *session.exec(select(CustomerPhone.customer_id, CustomerPhone.raw)),
            *session.exec(select(ImportBatch.id)),
        ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _customers(store: Store) -> dict[str, Customer]:
    with store.read() as session:
        return {c.name: c for c in session.exec(select(Customer).order_by(col(Customer.id)))}


def _phones(store: Store, customer_id: int) -> list[str]:
    with store.read() as session:
        return [p.raw for p in lookup.phones_of(session, customer_id)]


def test_dry_run_writes_nothing_and_counts_what_the_commit_does(store: Store, actor: Actor, tmp_path: Path) -> None:
    """The dry run's counts are the commit's; the dry run leaves the database as it was."""
    path = write(tmp_path / "c.csv", CUSTOMERS)
    before = _digest(store)
    dry = run(store, actor, path)
    assert _digest(store) == before
    done = run(store, actor, path, commit=True)
    assert dry.counts() == done.counts() == {
        "rows": 3, "created": 3, "updated": 0, "skipped": 0, "errors": 0, "conflicts": 0,
    }
    assert done.batch_id is not None
    found = _customers(store)
    siobhan = found["Siobhán O'Neill"]
    assert (siobhan.email, siobhan.external_id, siobhan.is_vip, siobhan.organisation) == (
        "siobhan@northwind.example", "C-001", True, "Northwind")
    assert siobhan.notes == "Prefers e-mail.\nCall after 10."
    assert siobhan.import_batch_id == done.batch_id
    assert _phones(store, found["Bartholomew Quince"].id) == ["020 7946 0002", "07700 900123"]
    assert found["Bartholomew Quince"].notes == ""  # N/A is "not known"
    assert found["Zoë Adams"].department == ""  # ? is "not known"


def test_imported_customers_are_found_by_the_lookup(store: Store, actor: Actor, tmp_path: Path) -> None:
    """Imported customers are in the search index and the phone index like any other."""
    run(store, actor, write(tmp_path / "c.csv", CUSTOMERS), commit=True)
    with store.read() as session:
        assert [m.name for m in lookup.lookup(session, "Quince", region="GB")] == ["Bartholomew Quince"]
        assert [m.name for m in lookup.lookup(session, "07700 900123", region="GB")] == ["Bartholomew Quince"]
        assert [m.name for m in lookup.lookup(session, "0113 496 0003", region="GB")] == ["Zoë Adams"]


def test_importing_again_skips_what_is_there_and_updates_what_changed(store: Store, actor: Actor, tmp_path: Path) -> None:
    """Same external id → the same customer: nothing new is a skip, new details an update (old values kept)."""
    first = run(store, actor, write(tmp_path / "c.csv", CUSTOMERS), commit=True)
    changed = [row[:] for row in CUSTOMERS]
    changed[1][4] = "Northwind Traders"  # organisation
    changed[2][3] = "07700 900999"  # a new number for Bartholomew
    report = run(store, actor, write(tmp_path / "c2.csv", changed), commit=True)
    assert (report.created, report.updated, report.skipped) == (0, 2, 1)
    found = _customers(store)
    assert found["Siobhán O'Neill"].organisation == "Northwind Traders"
    assert _phones(store, found["Bartholomew Quince"].id) == ["020 7946 0002", "07700 900123", "07700 900999"]
    with store.read() as session:
        change = session.exec(
            select(ImportChange).where(ImportChange.customer_id == found["Siobhán O'Neill"].id)
        ).one()
    assert change.batch_id == report.batch_id != first.batch_id
    assert change.previous == {"organisation": "Northwind"}


def test_dedupe_by_email_ignores_case_and_keeps_existing_values(store: Store, actor: Actor, customer_id: int,
                                                                tmp_path: Path) -> None:
    """A row with the e-mail of a customer on record (in other case) and the same name updates them;
    a missing value never blanks a field."""
    rows = [["Name", "Email", "Department", "Company"],
            ["siobhan o'neill", "SIOBHAN.ONEILL@northwind.example", "Accounts", "?"]]
    report = run(store, actor, write(tmp_path / "c.csv", rows), commit=True)
    assert (report.created, report.updated) == (0, 1)
    with store.read() as session:
        customer = session.get(Customer, customer_id)
    assert (customer.name, customer.department, customer.organisation) == (
        "Siobhan O'Neill", "Accounts", "Northwind Traders")


def test_one_email_with_another_name_is_a_conflict_never_a_merge(store: Store, actor: Actor, customer_id: int,
                                                                 tmp_path: Path) -> None:
    """The e-mail of Siobhan O'Neill with the name Sean O'Neill: reported as a conflict, nothing changed."""
    rows = [["Name", "Email", "Department"], ["Sean O'Neill", "siobhan.oneill@northwind.example", "Sales"]]
    before = _digest(store)
    report = run(store, actor, write(tmp_path / "c.csv", rows), commit=True, partial=True)
    assert (report.created, report.updated, report.error_count, report.conflicts) == (0, 0, 1, 1)
    error = report.errors[0]
    assert (error.line, error.column, error.conflict) == (2, "Name", True)
    assert "is the e-mail of customer" in error.reason and "Not merged" in error.reason
    with store.read() as session:
        assert session.get(Customer, customer_id).department == "Finance"
    assert _digest(store) != before  # only the (empty) batch record was added
    with store.read() as session:
        assert session.exec(select(Customer).where(Customer.name == "Sean O'Neill")).first() is None


def test_two_rows_of_one_file_with_one_email_and_two_names_conflict(store: Store, actor: Actor, tmp_path: Path) -> None:
    """Within the file too: the second row is the conflict, the first is imported (partial mode)."""
    rows = [["Name", "Email"], ["Ann Smith", "ann@acme.example"], ["Anne Smyth", "ANN@acme.example"],
            ["Ann Smith", "ann@acme.example"]]
    report = run(store, actor, write(tmp_path / "c.csv", rows), commit=True, partial=True)
    assert (report.created, report.skipped, report.conflicts) == (1, 1, 1)
    assert report.errors[0].line == 3 and "line 2" in report.errors[0].reason


def test_a_repeated_row_with_other_details_is_an_error_not_a_merge(store: Store, actor: Actor, tmp_path: Path) -> None:
    """The same customer twice with two different phone numbers: someone must say which is right."""
    rows = [["Name", "Email", "Phone"], ["Ann Smith", "ann@acme.example", "020 7946 0001"],
            ["Ann Smith", "ann@acme.example", "020 7946 0009"]]
    report = run(store, actor, write(tmp_path / "c.csv", rows))
    assert (report.created, report.error_count, report.conflicts) == (1, 1, 0)
    assert "same customer as line 2" in report.errors[0].reason and "phone" in report.errors[0].reason


def test_a_phone_number_matches_only_the_same_name(store: Store, actor: Actor, customer_id: int, tmp_path: Path) -> None:
    """A switchboard number shared by colleagues: another name on it is another customer;
    the same name (typed differently) is the same customer."""
    rows = [["Name", "Phone", "Department"],
            ["Bartholomew Quince", "+44 20 7946 0000", "Finance"],  # Siobhan's number, someone else
            ["SIOBHAN O'NEILL", "(020) 7946 0000", "Treasury"]]  # Siobhan herself, the number formatted otherwise
    report = run(store, actor, write(tmp_path / "c.csv", rows), commit=True)
    assert (report.created, report.updated, report.error_count) == (1, 1, 0)
    with store.read() as session:
        assert session.get(Customer, customer_id).department == "Treasury"


def test_external_id_decides_over_the_name(store: Store, actor: Actor, tmp_path: Path) -> None:
    """The other system's id says who it is: a new spelling of the name is an update, not a new customer."""
    run(store, actor, write(tmp_path / "a.csv", [["ID", "Name"], ["X-7", "Jon Smith"]]), commit=True)
    report = run(store, actor, write(tmp_path / "b.csv", [["ID", "Name"], ["X-7", "John Smith"]]), commit=True)
    assert (report.created, report.updated) == (0, 1)
    assert list(_customers(store)) == ["John Smith"]


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(store: Store, actor: Actor, tmp_path: Path) -> None:
    """One bad e-mail in the file: the commit is refused and the database is exactly as before."""
    rows = [*CUSTOMERS, ["C-004", "Dan Brown", "dan@acme", "", "", "", "", ""]]
    before = _digest(store)
    with pytest.raises(ImportRefused) as caught:
        run(store, actor, write(tmp_path / "c.csv", rows), commit=True)
    report = caught.value.report
    assert (report.created, report.error_count) == (3, 1)
    assert report.errors[0].describe() == (
        "line 6, column \"E-mail\": email: 'dan@acme' is not an e-mail address (expected name@example.org)."
    )
    assert _digest(store) == before


def test_partial_imports_the_good_rows_and_the_errors_file_has_the_rest(store: Store, actor: Actor,
                                                                        tmp_path: Path) -> None:
    """--partial keeps the good rows; --errors FILE holds each bad row with line, column, reason and its cells."""
    rows = [*CUSTOMERS, ["C-004", "Dan Brown", "dan@acme", "", "", "", "", ""], ["C-005", "", "", "", "", "", "", ""]]
    errors = tmp_path / "errors.csv"
    report = run(store, actor, write(tmp_path / "c.csv", rows), commit=True, partial=True, errors_path=errors)
    assert (report.created, report.error_count) == (3, 2)
    assert len(_customers(store)) == 3
    lines = errors.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line,column,reason,Customer ID,Full Name,E-mail,Phone,Company,Department,VIP,Notes"
    assert lines[1].startswith("6,E-mail,email: 'dan@acme' is not an e-mail address") and lines[1].endswith(",C-004,Dan Brown,dan@acme,,,,,")
    assert lines[2].startswith("7,Full Name,\"name: required for a new customer")


def test_a_row_with_more_cells_than_the_header_is_a_row_error(store: Store, actor: Actor, tmp_path: Path) -> None:
    """An unquoted delimiter in a cell makes one cell too many: that row is reported, the others import."""
    path = tmp_path / "c.csv"
    path.write_text("Name,Email\nAnn Smith,ann@acme.example\nSmith, Bob,bob@acme.example\nCarol,\n", encoding="utf-8")
    report = run(store, actor, path)
    assert (report.created, report.error_count) == (2, 1)
    assert report.errors[0].describe() == (
        "line 3: 3 cells, but the header has 2 columns (a delimiter inside a cell that should have been quoted?)."
    )


def test_first_and_last_name_columns_make_the_name(store: Store, actor: Actor, tmp_path: Path) -> None:
    """Exports that split names: first_name + last_name."""
    run(store, actor, write(tmp_path / "c.csv", [["First Name", "Surname", "Email"], ["Ann", "Smith", "a@b.example"]]),
        commit=True)
    assert list(_customers(store)) == ["Ann Smith"]


def test_rows_prepared_in_worker_processes_give_the_same_result(store: Store, actor: Actor, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A big file's rows are prepared in worker processes: the same counts and rows as in place."""
    rows = [["ID", "Name", "Email", "Phone"]] + [
        [f"X{n}", f"Person {n}", f"p{n}@example.org", f"020 7946 {n:04d}"] for n in range(2500)
    ] + [["X9", "Someone Else", "p9@example.org", ""], ["X1", "Person 1", "p1@example.org", "020 7946 0001"]]
    path = write(tmp_path / "c.csv", rows)
    in_place = run(store, actor, path)
    monkeypatch.setattr(importer, "PARALLEL_FROM_BYTES", 0)
    assert importer.workers(1) >= 1
    parallel = run(store, actor, path, commit=True, partial=True)
    assert parallel.counts() == in_place.counts()
    assert (parallel.created, parallel.skipped, parallel.conflicts) == (2500, 1, 1)
    with store.read() as session:
        assert lookup.phones_of(session, _customers(store)["Person 2499"].id)[0].e164 == "+442079462499"
