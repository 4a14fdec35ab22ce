"""Who is acting, and what time it is for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskcli.core.clock import Clock


@dataclass(frozen=True)
class Actor:
    """The analyst making a change (``None`` for deskcli itself) and the clock to use."""

    analyst_id: int | None
    clock: Clock

    def now(self) -> datetime:
        """The current time, UTC."""
        return self.clock.now()
