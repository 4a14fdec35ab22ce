"""refill(): a DataTable is redrawn only when its rows change, and keeps its cursor row."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from deskcli.widgets.tables import refill


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Call", "Customer")


def rows(*names: str, style: str = "") -> list[tuple[str, tuple[Text, ...]]]:
    return [(f"call-{n}", (Text(f"HD-{n}"), Text(name, style=style))) for n, name in enumerate(names)]


async def test_the_same_rows_leave_the_table_alone() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        assert refill(table, rows("Ann", "Bob", "Cy")) is True
        await pilot.pause()
        first_keys = list(table.rows)
        assert refill(table, rows("Ann", "Bob", "Cy")) is False
        assert list(table.rows) == first_keys  # the very same row keys: nothing was cleared
        assert table.row_count == 3


async def test_a_style_change_alone_is_a_change() -> None:
    app = TableApp()
    async with app.run_test():
        table = app.query_one(DataTable)
        refill(table, rows("Ann"))
        assert refill(table, rows("Ann", style="bold reverse")) is True
        assert str(table.get_row_at(0)[1].style) == "bold reverse"


async def test_the_cursor_stays_on_its_row_when_rows_change() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        refill(table, rows("Ann", "Bob", "Cy", "Dee"))
        table.move_cursor(row=2)
        await pilot.pause()
        # Bob's row goes (settled); Cy moves up one place: the cursor follows Cy.
        changed = [row for row in rows("Ann", "Bob", "Cy", "Dee") if row[0] != "call-1"]
        assert refill(table, changed) is True
        await pilot.pause()
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "call-2"
        # The cursor's row itself goes: the table still has a valid cursor.
        assert refill(table, [row for row in changed if row[0] != "call-2"]) is True
        await pilot.pause()
        assert 0 <= table.cursor_row < table.row_count
