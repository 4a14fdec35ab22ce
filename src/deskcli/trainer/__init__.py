"""Trainer mode: the practice app, its screens and the practice caller's panel."""
