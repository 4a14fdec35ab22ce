"""What the desk learns from its records: history search, call timelines, escalation reviews."""
