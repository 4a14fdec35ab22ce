"""Practice callers and their scorecards."""
