"""Reusable Textual widgets. Widgets never touch the database: screens pass data down."""
