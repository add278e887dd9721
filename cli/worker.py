"""Run a worker: RQ's forking worker on DEBUGBOT_QUEUE_NAME at DEBUGBOT_REDIS_URL, logging JSON lines."""
from __future__ import annotations

import argparse
import logging
import sys
from datetime import datetime, timezone

import redis

from tools.settings import Settings, SettingsError, load_settings
from workers.logs import setup_json_logging
from workers.metrics import serve_metrics
from workers.runtime import build_runtime, configure
from workers.worker import DebugbotWorker, Liveness

log = logging.getLogger("debugbot.worker")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--burst", action="store_true", help="quit once the queue is empty (tests, batch runs)")
    p.add_argument("--max-jobs", type=int, default=None, help="quit after this many jobs")
    p.add_argument("--name", default=None, help="worker name (default: RQ's, host and pid)")
    p.add_argument("--now", default=None, metavar="RFC3339",
                   help="freeze the tools' clock at this time (a simulated or recorded cluster; default: wall clock)")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def frozen_clock(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def make_worker(settings: Settings, *, name: str | None = None) -> DebugbotWorker:
    """The forking worker on the settings' queue, with liveness bounds from DEBUGBOT_ABANDONED_AFTER_S."""
    connection = redis.Redis.from_url(settings.redis_url)
    return DebugbotWorker([settings.queue_name], connection=connection, liveness=Liveness.from_settings(settings),
                          name=name)


def run(args: argparse.Namespace) -> int:
    setup_json_logging(args.log_level)
    try:
        settings = load_settings()
        settings.require("slack_bot_token")
        moment = frozen_clock(args.now)
        configure(build_runtime(settings, now=(lambda: moment) if moment else None))
    except (SettingsError, ValueError) as exc:
        print(f"debugbot worker: {exc}", file=sys.stderr)
        return 2
    worker = make_worker(settings, name=args.name)
    try:
        metrics = serve_metrics(settings.worker_metrics_port) if settings.worker_metrics_port else None
    except OSError as exc:
        print(f"debugbot worker: cannot serve metrics on DEBUGBOT_WORKER_METRICS_PORT="
              f"{settings.worker_metrics_port}: {exc}", file=sys.stderr)
        return 2
    bounds = Liveness.from_settings(settings)
    log.info("worker starting", extra={"queue": settings.queue_name, "abandoned_after_s": bounds.abandoned_after_s,
                                       "heartbeat_s": bounds.heartbeat_s, "maintenance_s": bounds.tick_s,
                                       "job_timeout_s": settings.job_timeout_s, "burst": args.burst,
                                       "clock": moment.isoformat() if moment else "wall"})
    try:
        worker.work(burst=args.burst, max_jobs=args.max_jobs, logging_level=args.log_level)
    except redis.ConnectionError as exc:
        log.error("redis unreachable: %s", exc)
        return 1
    finally:
        if metrics is not None:
            metrics.stop()
    return 0
