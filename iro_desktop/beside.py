"""Running work in a thread of its own while the caller keeps watching: the sync client uses it to give
up on a request when the app locks or a deadline passes (sync/client.py). Core only: the GUI runs its
slow work through gui.operations, and nothing in it polls the event loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_beside(work: Callable[[], T], meanwhile: Callable[[], None], name: str, poll_s: float = 0.05) -> T:
    """Run `work` in a daemon thread and call `meanwhile` until it ends; returns its result or raises its
    error here. `meanwhile` may raise to stop waiting: the abandoned thread then ends on its own, so it
    must hold nothing the caller goes on to close."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # raised again below, in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(poll_s)
        if worker.is_alive():
            meanwhile()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
