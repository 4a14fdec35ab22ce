"""The rules of the call lifecycle.

Every rule lives here and nowhere else: screens call these functions (in worker
threads) and show what they return or the :class:`~deskcli.core.errors.RuleViolation`
they raise. Functions take an explicit SQLModel ``Session`` and an :class:`Actor`
(who is acting, and the clock); the caller owns the transaction.

Nothing in this package imports Textual; ``tests/test_layers.py`` checks it.
"""
