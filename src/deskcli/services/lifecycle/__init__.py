"""The call lifecycle: the record, its stages, escalations, promises, holds and protocols."""
