"""``deskcli bench``: speed and memory measured against floors taken in the same run.

Every figure is printed next to its floor (a bare Textual app, raw SQL on the same
database) and its budget. Nothing here is imported by the console itself.
"""
