"""How the phone system reaches the running console (computer-telephony integration).

Phone systems tell a desk about a call by calling a URL; the shape deskcli takes is
Zammad's "generic CTI" (events ``newCall``, ``answer``, ``hangup`` with ``from``,
``to``, ``direction``, ``callId``, ``user``). The console always listens on a
loopback port of its own choosing for ``deskcli ring``; ``listen`` adds a fixed
loopback address for the phone system, with an optional shared ``token``.
"""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

LOOPBACK_NAMES = ("localhost",)


class CtiSettings(BaseModel):
    """The phone system's way in."""

    model_config = ConfigDict(extra="forbid")

    listen: str | None = None
    """``HOST:PORT`` on this machine the phone system posts its events to, e.g.
    ``127.0.0.1:8765`` (loopback only: the console is not a network service)."""
    token: SecretStr | None = None
    """A shared secret the phone system sends as ``?token=`` or ``X-Deskcli-Token``."""
    events_per_second: float = Field(default=5.0, gt=0, le=100)
    """How many events a second are taken (a burst beyond a few is refused with 429)."""

    @field_validator("listen")
    @classmethod
    def _loopback(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host, sep, port = value.rpartition(":")
        host = host.strip("[]")
        if not sep or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"expected HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:8765 (got {value!r})")
        if host not in LOOPBACK_NAMES:
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                raise ValueError(f"{host!r} is not this machine: the console listens on loopback only (127.0.0.1 or ::1)")
        return value

    def address(self) -> tuple[str, int] | None:
        """The host and port to listen on, if one is set."""
        if self.listen is None:
            return None
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]"), int(port)
