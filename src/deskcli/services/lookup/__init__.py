"""Finding customers: records, phone numbers and the SQLite full-text search."""
