"""Serve the Slack app: HTTP (events, clicks, /alertmanager, /healthz), or Socket Mode when an app token is set."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

import redis
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.app import build_app
from bot.enqueue import connect
from bot.http import BotWSGI, HTTPServer, WSGIApp, serve
from bot.metrics import metrics_routes, register_queue_collector
from bot.socket_mode import run_socket_mode
from tools.settings import Settings, SettingsError, load_settings
from workers.logs import setup_json_logging

log = logging.getLogger("debugbot.serve")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (port: DEBUGBOT_HTTP_PORT)")
    p.add_argument("--http", action="store_true",
                   help="serve Slack over HTTP even when DEBUGBOT_SLACK_APP_TOKEN is set")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def socket_mode_wanted(settings: Settings, *, force_http: bool) -> bool:
    token = settings.slack_app_token
    return not force_http and token is not None and bool(token.get_secret_value())


def _stop_on_sigterm() -> None:
    """SIGTERM (Kubernetes stopping the pod) ends the server like Ctrl-C does."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def _socket_mode(settings: Settings, host: str) -> None:
    """Slack over the WebSocket; HTTP still answers /healthz, /readyz and /alertmanager on DEBUGBOT_HTTP_PORT."""
    bot = build_app(settings)
    http = HTTPServer(BotWSGI(bot, extra_routes=_metrics(bot.services.redis, settings)), host=host,
                      port=settings.http_port).start()
    log.info("socket mode; health and the Alertmanager webhook on %s", http.url)
    try:
        run_socket_mode(bot, settings)
    finally:
        http.stop()


def _metrics(client: redis.Redis, settings: Settings) -> dict[tuple[str, str], WSGIApp]:
    """GET /metrics: the bot's series (bot/metrics.py), the queue's read from Redis at each scrape."""
    register_queue_collector(client, queue_name=settings.queue_name)
    return metrics_routes()


def run(args: argparse.Namespace) -> int:
    setup_json_logging(args.log_level)
    try:
        settings = load_settings()
        socket_mode = socket_mode_wanted(settings, force_http=args.http)
        settings.require("slack_bot_token", *(() if socket_mode else ("slack_signing_secret",)))
    except SettingsError as exc:
        print(f"debugbot serve: {exc}", file=sys.stderr)
        return 2
    _stop_on_sigterm()
    try:
        if socket_mode:
            _socket_mode(settings, args.host)
        else:
            serve(settings, host=args.host, extra_routes=_metrics(connect(settings.redis_url), settings))
    except KeyboardInterrupt:
        log.info("stopped")
    except (SettingsError, SlackApiError, SlackClientError, OSError) as exc:
        print(f"debugbot serve: cannot start: {exc}", file=sys.stderr)
        return 2
    return 0
