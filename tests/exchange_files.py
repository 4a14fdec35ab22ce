"""Import files the tests make (clean and messy ones), and the real ``deskcli`` command to run on them."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path


def deskcli(*args: str, db: Path | None = None, timeout: float = 120, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m deskcli [--db DB] ARGS`` in this test's environment (isolated home)."""
    command = [sys.executable, "-m", "deskcli"]
    if db is not None:
        command += ["--db", str(db)]
    environment = dict(os.environ)
    environment.update(env or {})
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, env=environment,
        input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def csv_text(rows: list[list[str]], *, delimiter: str = ",") -> str:
    """Rows as CSV text (quoting what needs quoting, as spreadsheets do)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """Write ``rows`` to ``path`` as CSV in ``encoding`` (``utf-8-sig`` adds the BOM)."""
    path.write_bytes(csv_text(rows, delimiter=delimiter).encode(encoding))
    return path


CUSTOMERS = [
    ["Customer ID", "Full Name", "E-mail", "Phone", "Company", "Department", "VIP", "Notes"],
    ["C-001", "Siobhán O'Neill", "siobhan@northwind.example", "020 7946 0001", "Northwind", "Finance", "yes",
     "Prefers e-mail.\nCall after 10."],
    ["C-002", "Bartholomew Quince", "bq@northwind.example", "020 7946 0002; 07700 900123", "Northwind", "IT", "no", "N/A"],
    ["C-003", "Zoë Adams", "zoe@fabrikam.example", "+44 113 496 0003", "Fabrikam", "?", "", "-"],
]
"""A small clean customers file (one quoted newline, one multi-value cell, markers for nothing)."""


def messy_calls(path: Path) -> Path:
    """Another desk's export: BOM, semicolons, quoted newlines, a placeholder in every description,
    day-first dates, one call resolved before it was opened, one ambiguous slashed date."""
    rows = [
        ["Ticket #", "Requester", "Requester Email", "Subject", "Description", "Status", "Priority", "Created",
         "Solved", "Closed", "Channel", "Rating", "Resolution", "Assigned to"],
        ["T-100", "Siobhán O'Neill", "siobhan@northwind.example", "Printer jam", "N/A", "Closed", "High",
         "05-03-2024 09:15", "05-03-2024 10:00", "05-03-2024 10:30", "Phone", "5", "Cleared the jam;\nreloaded paper",
         "Ann Jones"],
        ["T-101", "Nuala Brennan", "nuala@contoso.example", "VPN drops", "?", "Open", "P1", "06-03-2024 11:00",
         "", "", "e-mail", "", "", ""],
        ["T-102", "Siobhán O'Neill", "siobhan@northwind.example", "Outlook", "N/A", "Solved", "Low",
         "07-03-2024 09:00", "06-03-2024 09:00", "", "chat", "4", "fixed", "Network team"],
        ["T-103", "Bartholomew Quince", "bq@northwind.example", "Monitor", "-", "Closed", "Medium",
         "07/03/2024 09:00", "", "07/03/2024 10:00", "walk-in", "4", "new cable", ""],
        ["T-104", "Bartholomew Quince", "bq@northwind.example", "Keyboard", "(none)", "Done", "4",
         "08-03-2024 14:00", "08-03-2024 14:20", "08-03-2024 14:30", "Phone", "3", "replaced", "Ann Jones"],
    ]
    return write(path, rows, encoding="utf-8-sig", delimiter=";")
