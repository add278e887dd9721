"""Loopback fake of Slack's Socket Mode WebSocket: sends envelopes to the app, collects its acks."""
from __future__ import annotations

import itertools
import json
import threading
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from sandbox.slack_api import FakeSlack


class FakeSocketMode:
    """Pairs with a FakeSlack: its apps.connections.open hands out this server's ws:// URL."""

    def __init__(self, fake: FakeSlack, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake, self.host, self.port = fake, host, port
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._clients: list[ServerConnection] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._ids = itertools.count(1)

    def start(self) -> FakeSocketMode:
        self._server = serve(self._serve, self.host, self.port)
        port = self._server.socket.getsockname()[1]
        self.fake.socket_url = f"ws://{self.host}:{port}/link/?ticket=fake"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-socket-mode", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        self.fake.socket_url = None

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self, conn: ServerConnection) -> None:
        conn.send(json.dumps({"type": "hello", "num_connections": 1,
                              "connection_info": {"app_id": "ADEBUG"}, "debug_info": {"host": "fake"}}))
        with self._cond:
            self._clients.append(conn)
            self._cond.notify_all()
        try:
            for raw in conn:
                message = json.loads(raw)
                if isinstance(message, dict) and message.get("envelope_id"):
                    with self._cond:
                        self._acks[str(message["envelope_id"])] = message
                        self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                self._clients.remove(conn)

    def wait_connected(self, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: bool(self._clients), timeout)

    def send(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0,
             timeout: float = 5.0) -> dict[str, Any] | None:
        """Deliver one envelope (slash_commands, events_api, interactive); the app's ack, or None."""
        if not self.wait_connected(timeout):
            raise TimeoutError("no Socket Mode client connected")
        envelope_id = f"env-{next(self._ids)}"
        envelope: dict[str, Any] = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                                    "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason="timeout" if retry_attempt else "")
        with self._cond:
            self._clients[0].send(json.dumps(envelope))
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                return None
            return self._acks.pop(envelope_id)
