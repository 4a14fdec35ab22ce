"""The console's use cases: one function per analyst action, each owning its transaction.

A screen builds a small request, hands it to one of these (on the serial writer, or
in a read worker) and shows what comes back. Every rule the action follows - what
closing with agreement also schedules, that a call-back ends a hold, when the
priority is derived again - lives here or below, never in a screen; this is also
the one place where checks between several analysts will meet.

Each function takes the store, the actor (who, and the clock) and what it needs,
and returns plain data or a detached record.
"""
