"""HTTP entry: a WSGI app (Slack events, Alertmanager webhook, health) and a threaded server for it."""
from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from queue import SimpleQueue
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

import redis
from pydantic import ValidationError
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.alert_parse import AMPayload
from bot.alerts import handle_webhook
from bot.app import BotApp, build_app
from tools.settings import Settings

log = logging.getLogger(__name__)
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
MAX_WEBHOOK_BYTES = 1 << 20


def _reply(start_response: StartResponse, status: int, body: dict[str, Any] | str) -> list[bytes]:
    data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    kind = "text/plain; charset=utf-8" if isinstance(body, str) else "application/json"
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 413: "Payload Too Large",
              503: "Service Unavailable"}.get(status, "Error")
    start_response(f"{status} {reason}", [("Content-Type", kind), ("Content-Length", str(len(data)))])
    return [data]


class BotWSGI:
    """Routes: POST /slack/events (Bolt verifies signatures: 401 when wrong or stale),
    POST /alertmanager, GET /healthz (alive), GET /readyz (Redis reachable), plus `extra_routes`
    such as {("GET", "/metrics"): prometheus_client.make_wsgi_app()}."""

    def __init__(self, bot: BotApp, *, extra_routes: Mapping[tuple[str, str], WSGIApp] | None = None) -> None:
        self.bot = bot
        self.slack = SlackRequestHandler(bot.app, path="/slack/events")
        self.routes: dict[tuple[str, str], WSGIApp] = {
            ("POST", "/slack/events"): self.slack_events,
            ("POST", "/alertmanager"): self.alertmanager,
            ("GET", "/healthz"): lambda env, sr: _reply(sr, 200, {"ok": True}),
            ("GET", "/readyz"): self.readyz,
            **(extra_routes or {}),
        }

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        route = self.routes.get((environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")))
        if route is None:
            return _reply(start_response, 404, {"ok": False, "error": "not found"})
        return route(environ, start_response)

    def slack_events(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        with self.bot.services.after_ack.in_flight:  # after-ack work waits for this to be answered
            return self.slack(environ, start_response)

    def readyz(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        try:
            self.bot.services.redis.ping()
        except redis.RedisError as exc:
            return _reply(start_response, 503, {"ok": False, "redis": str(exc)})
        return _reply(start_response, 200, {"ok": True, "redis": "ok"})

    def _authorised(self, environ: Environ) -> bool:
        token = self.bot.services.config.alertmanager_token
        if not token:
            return True
        given = str(environ.get("HTTP_AUTHORIZATION", ""))
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    def alertmanager(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        """Alertmanager's webhook (v4). The channel: `?channel=C…` on the URL, else DEBUGBOT_ALERT_CHANNEL."""
        if not self._authorised(environ):
            return _reply(start_response, 401, {"ok": False, "error": "bad or missing bearer token"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_WEBHOOK_BYTES:
            return _reply(start_response, 413, {"ok": False, "error": "payload too large"})
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        channel = (query.get("channel") or [""])[0] or self.bot.services.config.alert_channel
        if not channel:
            return _reply(start_response, 400, {"ok": False, "error": "no alert channel: add ?channel=C… to the "
                                                "webhook URL or set DEBUGBOT_ALERT_CHANNEL"})
        try:
            payload = AMPayload.model_validate_json(environ["wsgi.input"].read(length) or b"{}")
        except ValidationError as exc:
            return _reply(start_response, 400, {"ok": False, "error": f"not an Alertmanager v4 payload: {exc}"})
        try:
            outcome = handle_webhook(self.bot.services, payload, channel_id=channel)
        except redis.RedisError as exc:
            return _reply(start_response, 503, {"ok": False, "error": f"redis: {exc}"})
        status = 503 if outcome.action == "failed" else 200  # 503: Alertmanager retries later
        return _reply(start_response, status, {"ok": status == 200, **outcome.as_dict()})


class _PooledWSGIServer(WSGIServer):
    """wsgiref with a fixed pool of handler threads fed from a queue of accepted connections.

    A thread per request (ThreadingMixIn) makes a burst of 50 start 50 threads that then
    queue on the same locks (Redis pool, GIL); a few long-lived threads answer it sooner.
    """

    request_queue_size = 256

    def __init__(self, address: tuple[str, int], handler: type[WSGIRequestHandler], *, threads: int) -> None:
        super().__init__(address, handler)
        self._accepted: SimpleQueue[tuple[Any, Any] | None] = SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"debugbot-http-{n}", daemon=True)
                         for n in range(threads)]
        for thread in self._threads:
            thread.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        self._accepted.put((request, client_address))

    def _work(self) -> None:
        while (item := self._accepted.get()) is not None:
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001 - socketserver's own contract: report and go on
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        for _ in self._threads:
            self._accepted.put(None)


class _QuietHandler(WSGIRequestHandler):
    wbufsize = 64 * 1024  # one send per response, not one per header line (wsgiref writes many small pieces)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("%s - " + format, self.address_string(), *args)


class HTTPServer:
    """`BotWSGI` served by wsgiref with a pool of `threads` handler threads."""

    def __init__(self, wsgi: WSGIApp, *, host: str = "127.0.0.1", port: int = 3000, threads: int = 8) -> None:
        self.server = _PooledWSGIServer((host, port), _QuietHandler, threads=threads)
        self.server.set_app(wsgi)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> HTTPServer:
        self._thread = threading.Thread(target=self.server.serve_forever, name="debugbot-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(settings: Settings, *, host: str = "0.0.0.0", extra_routes: Mapping[tuple[str, str], WSGIApp] | None = None,
          **config: Any) -> None:
    """Build the bot from Settings and serve HTTP on settings.http_port until interrupted (`debugbot serve`)."""
    settings.require("slack_bot_token", "slack_signing_secret")
    server = HTTPServer(BotWSGI(build_app(settings, **config), extra_routes=extra_routes), host=host,
                       port=settings.http_port)
    log.info("debugbot listening on %s (POST /slack/events, POST /alertmanager, GET /healthz, GET /readyz%s)",
             server.url, "".join(f", {m} {path}" for m, path in (extra_routes or {})))
    try:
        server.serve_forever()
    finally:
        server.server.server_close()
