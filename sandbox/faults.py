"""Fault injection for tests of other packages: make some paths fail or hang.

    server.inject(r"/api/v1/namespaces/prod/pods$", status=500)        # every matching request fails
    server.inject(r"/prometheus/api/v1/query", delay_s=30, status=None)  # hangs 30 s, then answers
    server.inject(r"/log", status=403, times=1)                          # only the next one
    server.clear_faults()

A pattern is searched (re.search) in the request path with its query string; `method`
limits it to one HTTP method. A fault with a status answers a Kubernetes `Status` (or a
Prometheus/Jaeger-shaped error under their prefixes) after its delay; without one the
request is delayed and then served normally. Stopping the server ends every delay.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from sandbox.status import ApiError
from sandbox.wire import Response, error_response, json_response


@dataclass
class Fault:
    path_regex: str
    status: int | None = 500
    delay_s: float = 0.0
    times: int | None = None  # how many requests it still affects; None: every one
    method: str | None = None
    message: str = "fault injected by the test"
    hits: int = field(default=0, init=False)

    def matches(self, method: str, target: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        return re.search(self.path_regex, target) is not None


class Faults:
    """The active faults of one server; thread-safe."""

    def __init__(self, initial: list[Fault] | None = None) -> None:
        self._faults = list(initial or [])
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, target: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, target):
                    fault.hits += 1
                    return fault
        return None

    def apply(self, method: str, target: str) -> Response | None:
        """Delay as the matching fault says; its error response, or None to serve normally."""
        fault = self.take(method, target)
        if fault is None:
            return None
        if fault.delay_s > 0:
            self.stopping.wait(fault.delay_s)
        if fault.status is None:
            return None
        if target.startswith(("/prometheus", "/jaeger")):
            return json_response(fault.status, {"status": "error", "errorType": "injected",
                                                "error": fault.message, "errors": [{"msg": fault.message}]})
        return error_response(ApiError(fault.status, fault.message))
