"""After-ack work: the Slack posts and enqueues a handler hands off once Slack has its answer."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from queue import SimpleQueue
from typing import Any, ParamSpec

log = logging.getLogger(__name__)
P = ParamSpec("P")
ErrorHandler = Callable[[Exception, dict[str, Any]], None]


class InFlight:
    """Requests being answered right now; after-ack work waits (briefly) for none to be left.

    Python threads have no priorities and share one GIL: without this, a burst's
    after-ack work (Slack posts, enqueues) takes CPU from the acks still due.
    """

    def __init__(self, *, quiet_s: float = 0.02) -> None:
        self.quiet_s = quiet_s  # idle means no request for this long, not just a gap between two
        self._count = 0
        self._last = 0.0
        self._cond = threading.Condition()

    def __enter__(self) -> InFlight:
        with self._cond:
            self._count += 1
            self._last = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._count -= 1
            self._last = time.monotonic()
            if self._count == 0:
                self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once idle; False when `timeout` passed first (the caller goes ahead anyway)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                quiet_for = now - self._last
                if self._count == 0 and quiet_for >= self.quiet_s:
                    return True
                if now >= deadline:
                    return False
                pause = deadline - now if self._count else min(deadline - now, self.quiet_s - quiet_for)
                self._cond.wait(pause)


def _log_error(exc: Exception, body: dict[str, Any]) -> None:
    log.error("after-ack work failed: %r", exc, exc_info=exc)


class AfterAck:
    """A few threads for after-ack work, which first gives way to requests in flight (up to `yield_s`).

    Bolt's lazy listeners do the same hand-off but deep-copy the request and its
    WebClient for every call, which costs more CPU than the ack itself. The
    threads start here, once: a handler only puts a job on a queue (starting a
    thread per burst, as ThreadPoolExecutor does, makes handlers wait on each other).
    """

    def __init__(self, *, threads: int = 8, yield_s: float = 2.0, on_error: ErrorHandler = _log_error) -> None:
        self.in_flight = InFlight()
        self.yield_s, self.on_error = yield_s, on_error
        self._jobs: SimpleQueue[tuple[Callable[[], None], Future[None]]] = SimpleQueue()
        for n in range(threads):
            threading.Thread(target=self._work, name=f"debugbot-after-ack-{n}", daemon=True).start()

    def defer(self, body: dict[str, Any], fn: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> Future[None]:
        """Run `fn` soon; an exception goes to `on_error` (the app's global error handler) with `body`."""

        def run() -> None:
            self.in_flight.wait_idle(self.yield_s)
            try:
                fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the Bolt global error handler's twin
                self.on_error(exc, body)

        done: Future[None] = Future()
        self._jobs.put((run, done))
        return done

    def _work(self) -> None:
        while True:
            run, done = self._jobs.get()
            run()
            done.set_result(None)
