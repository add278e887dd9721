"""After-ack work gives way to requests in flight, and its errors reach the error handler."""
from __future__ import annotations

import threading
import time
from typing import Any

from bot.background import AfterAck, InFlight


def test_after_ack_work_waits_until_no_request_is_in_flight() -> None:
    after = AfterAck(threads=2, yield_s=5.0)
    ran: list[float] = []
    with after.in_flight:
        started = time.monotonic()
        done = after.defer({}, lambda: ran.append(time.monotonic()))
        time.sleep(0.2)
        assert ran == []  # still answering a request
    done.result(timeout=2)
    assert ran and ran[0] - started >= 0.2


def test_after_ack_work_goes_ahead_when_requests_never_stop() -> None:
    flight = InFlight()
    with flight:
        start = time.monotonic()
        assert not flight.wait_idle(0.1)
        assert 0.1 <= time.monotonic() - start < 1.0


def test_an_error_in_after_ack_work_reaches_the_error_handler_with_the_request() -> None:
    seen: list[tuple[Exception, dict[str, Any]]] = []
    got = threading.Event()

    def handler(exc: Exception, body: dict[str, Any]) -> None:
        seen.append((exc, body))
        got.set()

    def boom() -> None:
        raise RuntimeError("slack down")

    AfterAck(on_error=handler).defer({"command": "/debug"}, boom)
    assert got.wait(2)
    assert str(seen[0][0]) == "slack down" and seen[0][1] == {"command": "/debug"}
