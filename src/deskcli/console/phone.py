"""The phone on the analyst's desk, as the console hears it.

A call ringing while the analyst is free puts the greeting on screen with the caller
looked up by their number (or the new-customer form with it); ringing in the middle of
a call, it only says "incoming call from …" - the focus and the call on screen are
not touched. The caller hanging up stops the call timer and records the talk time,
without taking the analyst away from what they are typing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskcli.ui.messages import PhoneRang

if TYPE_CHECKING:
    from deskcli.app import DeskApp
    from deskcli.runtime import Runtime
    from deskcli.ui.phone_events import PhoneEvent
    from deskcli.ui.phone_server import PhoneListener


class PhoneLine:
    """The console's side of the phone system."""

    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self.listener: PhoneListener | None = None
        self._taken: dict[str, int] = {}
        """Phone call id → the call generation it put on screen (its greeting)."""
        self._waiting: dict[str, str] = {}
        """Phone call id → number, for calls announced while the analyst was busy."""

    def start(self, runtime: Runtime) -> None:
        """Listen for ``deskcli ring`` (always) and for the phone system (``cti.listen``)."""
        from deskcli.config import paths
        from deskcli.ui.phone_server import PhoneListener  # after the first frame: http.server is not small

        cti = runtime.settings.cti
        listener = PhoneListener(lambda event: self.app.post_message(PhoneRang(event)), rate=cti.events_per_second)
        try:
            folder = paths.data_dir()
            paths.make_private_dir(folder)
            listener.open_ring_port(folder / "console.json", paths.write_private_text)
        except OSError as error:
            self.app.notify(f"deskcli ring cannot reach this console: {error}", severity="warning", markup=False)
        address = cti.address()
        if address is not None:
            try:
                listener.listen(*address, cti.token.get_secret_value() if cti.token else None)
            except OSError as error:
                self.app.notify(
                    f"cti.listen {cti.listen}: cannot listen there ({error.strerror or error}); the phone system "
                    "cannot reach this console.", title="Phone", severity="error", markup=False, timeout=15,
                )
        self.listener = listener

    def close(self) -> None:
        """Stop listening."""
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    def busy(self) -> bool:
        """True while the analyst is in a conversation (or in a dialog): a new call must not take over."""
        from deskcli.screens.home import HomeScreen
        from deskcli.screens.stage import StageScreen

        app = self.app
        screen = app.screen
        if isinstance(screen, HomeScreen):
            return False
        if not isinstance(screen, StageScreen):
            return True  # a dialog is open: not behind the analyst's back
        flow = app.flow
        if flow.call_id is None:
            return flow.answered_at is not None and flow.hung_up_at is None
        view = flow.view
        return view is None or view.call.talk_ended_at is None

    def heard(self, event: PhoneEvent) -> None:
        """Act on one event (UI thread)."""
        if event.kind == "newCall" and event.direction == "in":
            self._ringing(event)
        elif event.kind == "hangup":
            self._ended(event)

    def _ringing(self, event: PhoneEvent) -> None:
        app = self.app
        if app.runtime is None or app.runtime.analyst is None or self.busy():
            self._waiting[event.call_id] = event.number
            app.notify(
                f"Incoming call from {event.number} - finish this call first (ctrl+g), then take it (n).",
                title="Incoming call", severity="warning", markup=False, timeout=30, key=f"incoming:{event.call_id}",
            )
            return
        app.flow.start_new_call(event.number)
        self._taken[event.call_id] = app.flow.generation

    def _ended(self, event: PhoneEvent) -> None:
        app = self.app
        if event.call_id in self._waiting:
            number = self._waiting.pop(event.call_id)
            app.notices.dismiss(f"incoming:{event.call_id}")
            app.notify(f"The call from {number} rang off before you took it.", title="Missed call", markup=False, timeout=10)
            return
        generation = self._taken.pop(event.call_id, None)
        if generation is not None and generation == app.flow.generation:
            app.flow.caller_hung_up()
