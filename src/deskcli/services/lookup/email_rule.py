"""What counts as an e-mail address on a customer record (no heavy imports: scenario
files are checked against the same rule before a practice caller is created)."""

from __future__ import annotations


def email_problem(value: str) -> str | None:
    """Why ``value`` (stripped, not empty) is not an e-mail address, or ``None`` when it is one."""
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        return f"{value!r} is not an e-mail address (expected name@example.org)"
    return None
