"""Worker logging: one JSON object per line, carrying the incident and job ids of the work in hand."""
from __future__ import annotations

import json
import logging
import sys
import time
from typing import IO, Any

from bot.logcontext import EXC_ATTR, current
from bot.logcontext import log_context as job_context

__all__ = ["JsonFormatter", "job_context", "setup_json_logging"]
ROUTINE = ("Worker %s: cleaning registries", "Worker %s: cleaning group registries")
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "msg", "incident_id", "job_id", ...extra, "exc"}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage(),
            "pid": record.process,
        }
        incident, job = current()
        if not incident and record.exc_info and record.exc_info[1] is not None:
            incident = getattr(record.exc_info[1], EXC_ATTR, None)  # raised inside a log context, logged outside
        if incident:
            line["incident_id"] = incident
        if job:
            line["job_id"] = job
        line.update({k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _not_routine(record: logging.LogRecord) -> bool:
    """RQ logs its maintenance tick (every few seconds here) at INFO: keep those for DEBUG."""
    return record.levelno != logging.INFO or not str(record.msg).startswith(ROUTINE)



def setup_json_logging(level: str = "INFO", *, stream: IO[str] | None = None) -> None:
    """One JSON handler on the root logger; RQ's loggers then add no handler of their own."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    if level.upper() != "DEBUG":
        handler.addFilter(_not_routine)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("urllib3", "kubernetes", "httpx", "openai", "slack_sdk", "drain3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
