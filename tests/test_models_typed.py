"""The typed accessors the bulk services use: a model's table, a saved row's id, the sqlite3 connection."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import Table

from deskcli.core.clock import ManualClock
from deskcli.models import Call, CallEvent, Counter, Customer, CustomerPhone
from deskcli.models.typed import saved_id, table_of
from deskcli.store import rawsql
from deskcli.store.db import Store


@pytest.mark.parametrize("model", [Call, CallEvent, Counter, Customer, CustomerPhone])
def test_table_of_is_the_models_own_table(model: type) -> None:
    table = table_of(model)
    assert isinstance(table, Table)
    assert table is model.__table__
    assert table.name == model.__tablename__


def test_saved_id_refuses_a_row_never_flushed(store: Store) -> None:
    customer = Customer(name="Nobody Yet")
    with pytest.raises(ValueError, match="Customer has no id yet"):
        saved_id(customer)


def test_saved_id_is_the_id_once_flushed(store: Store, customer_id: int) -> None:
    with store.read() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        assert saved_id(customer) == customer_id


def test_sqlite_connection_is_the_sessions_own(store: Store, clock: ManualClock) -> None:
    """The driver connection runs inside the session's transaction: it sees a row not yet committed."""
    with store.write() as session:
        session.add(Customer(name="Uncommitted Caller", created_at=clock.now(), updated_at=clock.now()))
        session.flush()
        raw = rawsql.sqlite_connection(session.connection())
        assert isinstance(raw, sqlite3.Connection)
        names = [name for (name,) in raw.execute("SELECT name FROM customer ORDER BY id")]
    assert names == ["Uncommitted Caller"]
