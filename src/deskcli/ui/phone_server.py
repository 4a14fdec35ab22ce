"""The console's loopback listener for phone events: ``deskcli ring`` and the phone system.

Two listeners share one handler (stdlib ``http.server``, each in a daemon thread):

* always, a port the operating system chooses, with a random token, both written to
  a private file (``console.json``, 0600, in the data folder) where ``deskcli ring``
  finds them - so only this user's shell can ring this user's console;
* with the ``cti.listen`` setting, a fixed loopback address for the phone system,
  with the optional ``cti.token``.

An accepted event is handed to the UI by posting a message (thread-safe, never
waiting for the UI); a refused one gets a 4xx with a line saying why and changes
nothing: an unknown event or a missing field 400, a wrong token 401, an unknown call
404, a call already rung 409, a body too large 413, more than a few a second 429.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from deskcli.ui.phone_events import PhoneEvent, Refused, Throttle, parse_event

MAX_BODY = 4096
PATH = "/cti"

Deliver = Callable[[PhoneEvent], None]
"""Hands an accepted event to the UI (must not block)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], line: PhoneListener, token: str | None) -> None:
        super().__init__(address, _Handler)
        self.line = line
        self.token = token


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing is printed over the console's screen."""

    def do_GET(self) -> None:
        self._answer(405, "post phone events (application/x-www-form-urlencoded) to /cti")

    def do_POST(self) -> None:
        try:
            event = self._event()
            self.server.line.accept(event)
        except Refused as refused:
            self._answer(refused.status, refused.message)
            return
        self._answer(200, "ok")

    def _event(self) -> PhoneEvent:
        url = urlsplit(self.path)
        if url.path.rstrip("/") != PATH:
            raise Refused(404, f"post phone events to {PATH}")
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit():
            raise Refused(400, "Content-Length: expected a number")
        if int(length) > MAX_BODY:
            raise Refused(413, f"an event is at most {MAX_BODY} bytes")
        body = self.rfile.read(int(length)).decode("utf-8", "replace") if int(length) else ""
        fields = dict(parse_qsl(url.query)) | dict(parse_qsl(body))
        given = self.headers.get("X-Deskcli-Token") or fields.pop("token", "")
        if self.server.token is not None and not secrets.compare_digest(given, self.server.token):
            raise Refused(401, "token: missing or wrong")
        return parse_event(fields)

    def _answer(self, status: int, message: str) -> None:
        body = json.dumps({"ok": status == 200, "message": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PhoneListener:
    """The console's phone listeners and the calls they have announced."""

    def __init__(self, deliver: Deliver, *, rate: float = 5.0) -> None:
        self._deliver = deliver
        self._throttle = Throttle(rate)
        self._lock = threading.Lock()
        self._calls: dict[str, str] = {}
        """callId → ``ringing``, ``answered`` or ``ended``."""
        self._servers: list[_Server] = []
        self.control_file: Path | None = None
        self.ring_port: int | None = None

    def accept(self, event: PhoneEvent) -> None:
        """Take an event (on a server thread) or raise :class:`Refused`."""
        with self._lock:
            state = self._calls.get(event.call_id)
            if event.kind == "newCall" and state is not None:
                raise Refused(409, f"callId: {event.call_id!r} was already announced")
            if event.kind != "newCall" and state is None:
                raise Refused(404, f"callId: no call {event.call_id!r} was announced")
            if not self._throttle.take():
                raise Refused(429, "too many events at once: slow down")
            self._calls[event.call_id] = {"newCall": "ringing", "answer": "answered", "hangup": "ended"}[event.kind]
            if len(self._calls) > 1000:  # ended calls are forgotten, oldest first
                for old in [key for key, value in self._calls.items() if value == "ended"][:500]:
                    del self._calls[old]
        self._deliver(event)

    def listen(self, host: str, port: int, token: str | None) -> int:
        """Listen on ``host:port`` (0: any free port); the port taken."""
        server = _Server((host, port), self, token)
        threading.Thread(target=server.serve_forever, name=f"deskcli-phone-{server.server_port}", daemon=True).start()
        self._servers.append(server)
        return int(server.server_port)

    def open_ring_port(self, control_file: Path, write_private: Callable[[Path, str], None]) -> None:
        """The port ``deskcli ring`` uses, with a fresh token, written to ``control_file`` (0600)."""
        token = secrets.token_urlsafe(24)
        self.ring_port = self.listen("127.0.0.1", 0, token)
        write_private(control_file, json.dumps({"port": self.ring_port, "token": token, "pid": os.getpid()}))
        self.control_file = control_file

    def close(self) -> None:
        """Stop listening; the control file goes (``deskcli ring`` then says no console is open)."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()
        if self.control_file is not None:
            try:
                data = json.loads(self.control_file.read_text())
                if data.get("pid") == os.getpid():  # another console of this user may have taken it over
                    self.control_file.unlink()
            except (OSError, ValueError):
                pass
