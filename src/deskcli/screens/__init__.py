"""Textual screens: one module per screen. Screens call services in thread workers."""
