"""Small helpers shared by tests (pytest puts this folder on sys.path)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

from sqlmodel import col, select

from deskcli.models import CallEvent
from deskcli.store.db import Store


def event_kinds(store: Store, call_id: int) -> list[str]:
    """The event kinds of a call, oldest first."""
    with store.read() as session:
        rows = session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id)))
        return [event.kind for event in rows]


def in_two_processes(target: Callable[..., None], *args: Any, timeout: float = 120) -> tuple[list[Any], list[int | None]]:
    """Run ``target(*args, go, results)`` in two spawned processes that start together.

    ``go`` is a two-party barrier for the target to wait on, ``results`` a queue it puts
    one outcome on. Returns the two outcomes and the processes' exit codes.
    """
    context = multiprocessing.get_context("spawn")
    go, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=target, args=(*args, go, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        outcomes = [results.get(timeout=timeout) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    return outcomes, [worker.exitcode for worker in workers]
