"""The small pieces every layer may use: the clock, errors, vocabularies, time formatting.

Nothing here imports another part of deskcli, nor Textual or the data layer."""
