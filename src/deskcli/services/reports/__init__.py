"""Reports: each metric computed from the event log, with its written definition (no Textual here)."""
