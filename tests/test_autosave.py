"""The notes autosaver and the serial writer: ordered, debounced, never losing the latest text."""

from __future__ import annotations

import threading
import time

from deskcli.ui.autosave import NotesAutosaver
from deskcli.ui.writer import SerialWriter


def direct(callback, value) -> None:  # noqa: ANN001
    """Deliver callbacks on the calling thread (no UI in these tests)."""
    callback(value)


class Recorder:
    def __init__(self) -> None:
        self.saves: list[tuple[float, int, str]] = []
        self.lock = threading.Lock()

    def save(self, call_id: int, text: str) -> None:
        with self.lock:
            self.saves.append((time.monotonic(), call_id, text))


def test_writer_runs_jobs_in_submission_order():
    """Later writes never land before earlier ones."""
    writer = SerialWriter(direct)
    landed: list[int] = []
    for number in range(50):
        writer.submit(lambda n=number: (time.sleep(0.001 * (number % 3)), landed.append(n)))
    writer.close(wait=True)
    assert landed == list(range(50))


def test_writer_reports_errors_and_refuses_after_close():
    """A failing job reaches on_error; a closed writer refuses new jobs instead of losing them silently."""
    writer = SerialWriter(direct)
    errors: list[BaseException] = []
    writer.submit(lambda: 1 / 0, on_error=errors.append)
    writer.close(wait=True)
    assert isinstance(errors[0], ZeroDivisionError)
    refused = writer.submit(lambda: "late")
    assert isinstance(refused.exception(), RuntimeError)


def test_continuous_typing_is_saved_at_least_every_max_delay():
    """Typing without a pause still saves within about a second (max_delay), with the latest text."""
    recorder = Recorder()
    writer = SerialWriter(direct)
    saver = NotesAutosaver(writer, recorder.save, quiet=0.3, max_delay=0.5)
    started = time.monotonic()
    text = ""
    while time.monotonic() - started < 2.5:
        text += "x"
        saver.offer(7, text)
        time.sleep(0.02)
    saver.close()
    writer.close()
    times = [moment - started for moment, _, _ in recorder.saves]
    # Saved during the typing, not only at the end (margins allow for a busy test machine).
    assert len(times) >= 3, times
    assert times[0] < 0.5 + 0.5, times
    assert recorder.saves[-1][2] == text  # the final text is what is stored


def test_a_pause_in_typing_saves_after_quiet_period_only_latest_text():
    """Bursts are coalesced: one save with the latest text after the quiet period."""
    recorder = Recorder()
    writer = SerialWriter(direct)
    saver = NotesAutosaver(writer, recorder.save, quiet=0.2, max_delay=2.0)
    for text in ("a", "ab", "abc"):
        saver.offer(1, text)
    time.sleep(0.5)
    assert [(call, text) for _, call, text in recorder.saves] == [(1, "abc")]
    saver.close()
    writer.close()


def test_flush_saves_immediately_and_reports_clean():
    """flush() stores what is pending without waiting for the quiet period."""
    recorder = Recorder()
    writer = SerialWriter(direct)
    saver = NotesAutosaver(writer, recorder.save, quiet=5.0, max_delay=10.0)
    saver.offer(3, "urgent words")
    assert saver.dirty
    assert saver.flush(timeout=2.0) is True
    assert not saver.dirty
    assert recorder.saves[-1][1:] == (3, "urgent words")
    saver.close()
    writer.close()


def test_a_failed_save_is_retried_not_lost():
    """If a save fails (database busy), the text is kept and saved on a later attempt."""
    attempts: list[str] = []
    errors: list[BaseException] = []

    def flaky(call_id: int, text: str) -> None:
        attempts.append(text)
        if len(attempts) == 1:
            raise RuntimeError("database is locked")

    writer = SerialWriter(direct)
    saver = NotesAutosaver(writer, flaky, quiet=0.05, max_delay=0.1, on_error=errors.append)
    saver.offer(9, "keep me")
    deadline = time.monotonic() + 5
    while len(attempts) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    saver.close()
    writer.close()
    assert attempts[:2] == ["keep me", "keep me"]
    assert errors and "locked" in str(errors[0])
