"""Refilling a DataTable only when what it shows has changed.

The queue and the follow-up list are reloaded every time they are shown. Clearing a
DataTable throws away its rendered cells: 50 rows cost ~30 ms to draw again, which
an analyst feels on every return to the queue. When the new rows read exactly like
the ones on screen, nothing is touched; when they differ, the cursor stays on the
row it was on (by key), so a refresh never sends the analyst back to the top.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

Row = tuple[str, Sequence[Text]]
"""A row's key and its cells."""


def _signature(rows: Sequence[Row]) -> tuple:
    return tuple(
        (key, tuple((cell.plain, str(cell.style), tuple(cell.spans)) for cell in cells)) for key, cells in rows
    )


def refill(table: DataTable, rows: Sequence[Row]) -> bool:
    """Show ``rows`` in ``table`` unless it already shows exactly them; True when it changed."""
    signature = _signature(rows)
    if getattr(table, "_deskcli_rows", None) == signature:
        return False
    cursor_key = None
    if table.row_count:
        try:
            cursor_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            cursor_key = None
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    table._deskcli_rows = signature  # type: ignore[attr-defined]  # what the table shows now
    if cursor_key is not None:
        # A row that is gone (settled, closed) leaves the cursor where clear() put it.
        with contextlib.suppress(RowDoesNotExist):
            table.move_cursor(row=table.get_row_index(cursor_key), animate=False)
    return True
