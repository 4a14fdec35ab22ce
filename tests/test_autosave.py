"""The autosaver and the serial writer: ordered, debounced, retried, never losing the latest text."""

from __future__ import annotations

import threading
import time

from deskcli.ui.autosave import EditSaver, SaveState
from deskcli.ui.writer import SerialWriter, WriterClosed


def direct(callback, value) -> None:
    """Deliver callbacks on the calling thread (no UI in these tests)."""
    callback(value)


class Recorder:
    """Keeps every save with the moment it ran."""

    def __init__(self) -> None:
        self.saves: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def save(self, text: object) -> None:
        with self.lock:
            self.saves.append((time.monotonic(), str(text)))


def test_writer_runs_jobs_in_submission_order():
    """Later writes never land before earlier ones."""
    writer = SerialWriter(direct)
    landed: list[int] = []
    for number in range(50):
        writer.submit(lambda n=number: (time.sleep(0.001 * (n % 3)), landed.append(n)))
    assert writer.close(wait=True, timeout=5)
    assert landed == list(range(50))


def test_writer_reports_errors_and_refuses_after_close():
    """A failing job reaches on_error; a closed writer refuses new jobs instead of losing them silently."""
    writer = SerialWriter(direct)
    errors: list[BaseException] = []
    writer.submit(lambda: 1 / 0, on_error=errors.append)
    writer.close(wait=True, timeout=5)
    assert isinstance(errors[0], ZeroDivisionError)
    refused = writer.submit(lambda: "late")
    assert isinstance(refused.exception(), WriterClosed)


def test_writer_never_waits_for_its_deliveries():
    """Handing a result back only queues it: a UI thread busy waiting for the writer cannot deadlock it."""
    handed: list[object] = []

    def queue_only(callback, value) -> None:
        handed.append((callback, value))

    writer = SerialWriter(queue_only)
    writer.submit(lambda: "saved", on_done=lambda _value: None)
    assert writer.wait_idle(timeout=2.0)
    assert handed and handed[0][1] == "saved"
    writer.close()


def test_continuous_typing_is_saved_at_least_every_max_delay():
    """Typing without a pause still saves within about a second (max_delay), with the latest text."""
    recorder = Recorder()
    writer = SerialWriter(direct)
    saver = EditSaver(writer, quiet=0.3, max_delay=0.5)
    started = time.monotonic()
    text = ""
    while time.monotonic() - started < 2.5:
        text += "x"
        saver.offer((7, "notes"), text, recorder.save)
        time.sleep(0.02)
    assert saver.close(timeout=5)
    writer.close()
    times = [moment - started for moment, _ in recorder.saves]
    # Saved during the typing, not only at the end (margins allow for a busy test machine).
    assert len(times) >= 3, times
    assert times[0] < 0.5 + 0.5, times
    assert recorder.saves[-1][1] == text  # the final text is what is stored


def test_a_pause_in_typing_saves_after_quiet_period_only_latest_text():
    """Bursts are coalesced: one save with the latest text after the quiet period."""
    recorder = Recorder()
    writer = SerialWriter(direct)
    saver = EditSaver(writer, quiet=0.2, max_delay=2.0)
    for text in ("a", "ab", "abc"):
        saver.offer((1, "notes"), text, recorder.save)
    time.sleep(0.6)
    assert [text for _, text in recorder.saves] == ["abc"]
    saver.close()
    writer.close()


def test_flush_hands_everything_to_the_writer_before_the_next_job():
    """After flush(), a job submitted to the writer runs after the pending saves (a stage move sees them)."""
    order: list[str] = []
    writer = SerialWriter(direct)
    saver = EditSaver(writer, quiet=5.0, max_delay=10.0)
    saver.offer((3, "assessment"), "category picked", lambda value: order.append(f"save {value}"))
    saver.flush()
    writer.submit(lambda: order.append("move to resolve"))
    assert writer.wait_idle(timeout=2.0)
    assert order == ["save category picked", "move to resolve"]
    assert not saver.dirty
    saver.close()
    writer.close()


def test_a_failed_save_is_kept_reported_and_retried():
    """A failed save keeps the value (unsaved, with its error) and succeeds on a later attempt."""
    attempts: list[object] = []
    states: list[SaveState] = []

    def flaky(value: object) -> None:
        attempts.append(value)
        if len(attempts) == 1:
            raise OSError("database or disk is full")

    writer = SerialWriter(direct)
    saver = EditSaver(writer, quiet=0.05, max_delay=0.1, retry=0.2, on_state=states.append)
    saver.offer((9, "notes"), "keep me", flaky)
    deadline = time.monotonic() + 3
    while not any(state.error for state in states) and time.monotonic() < deadline:
        time.sleep(0.01)
    failed = next(state for state in states if state.error is not None)
    assert failed.call_id == 9 and not failed.saved and failed.what == ("notes",)
    assert "disk is full" in str(failed.error)
    assert saver.unsaved()[(9, "notes")][0] == "keep me"  # still held, not forgotten
    assert saver.wait(timeout=3)
    saver.close()
    writer.close()
    assert attempts[:2] == ["keep me", "keep me"]
    assert states[-1].saved and states[-1].error is None


def test_newer_typing_during_a_failed_save_is_the_one_kept():
    """When a save fails while newer text was typed, the newer text is what is saved later."""
    stored: list[object] = []
    gate = threading.Event()

    def first_fails(value: object) -> None:
        if not stored and value == "old":
            gate.wait(2)
            stored.append("failed")
            raise OSError("busy")
        stored.append(value)

    writer = SerialWriter(direct)
    saver = EditSaver(writer, quiet=0.01, max_delay=0.02, retry=0.05)
    saver.offer((4, "notes"), "old", first_fails)
    time.sleep(0.1)  # the first save is running (and will fail)
    saver.offer((4, "notes"), "new words", first_fails)
    gate.set()
    assert saver.wait(timeout=3)
    saver.close()
    writer.close()
    assert stored[-1] == "new words"
