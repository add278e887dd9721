"""Incident ids (contract) and the Redis index of incidents per channel, with their live status."""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from enum import Enum
from typing import Any

import redis

from tools.report import ReportStatus

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def incident_id(team_id: str, channel_id: str, thread_ts: str) -> str:
    """`inc-{team}-{channel}-{ts}`: the LangGraph thread id and the key of everything stored.

    Only [A-Za-z0-9_-] so RQ job ids can be derived from it ("." in the ts becomes "_").
    """
    parts = (team_id or "T0", channel_id, thread_ts.replace(".", "_"))
    return "inc-" + "-".join(_UNSAFE.sub("_", p) for p in parts)


def job_id(incident: str, kind: str, seq: int | None = None) -> str:
    """RQ job id for one job of an incident, e.g. `inc-T1-C1-1700000000_000100-investigate`."""
    suffix = f"-{seq}" if seq is not None else ""
    return _UNSAFE.sub("_", f"{incident}-{kind}{suffix}")


class IncidentStatus(str, Enum):
    """Statuses of an incident; the last six are a Report's final statuses."""

    QUEUED = "queued"
    RUNNING = "running"
    AWAITING_APPROVAL = ReportStatus.AWAITING_APPROVAL.value
    RESOLVED = ReportStatus.RESOLVED.value
    NO_FAULT = ReportStatus.NO_FAULT.value
    INCONCLUSIVE = ReportStatus.INCONCLUSIVE.value
    ESCALATED = ReportStatus.ESCALATED.value
    ABORTED = ReportStatus.ABORTED.value


ACTIVE = frozenset({IncidentStatus.QUEUED.value, IncidentStatus.RUNNING.value,
                    IncidentStatus.AWAITING_APPROVAL.value})


@dataclass
class IncidentInfo:
    incident_id: str
    team_id: str
    channel_id: str
    thread_ts: str
    root_ts: str
    title: str
    source: str = "command"
    user_id: str = ""
    status: str = IncidentStatus.QUEUED.value
    summary: str = ""
    step: int = 0
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


def _decode(raw: Mapping[bytes | str, bytes | str]) -> dict[str, str]:
    return {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in raw.items()}


class IncidentIndex:
    """Incidents in Redis: a hash per incident and a sorted set (by start time) per channel.

    The bot opens entries; workers call `set_status` as an investigation moves on;
    `/debug status` reads `recent`.
    """

    def __init__(self, client: redis.Redis, *, prefix: str = "debugbot", keep: int = 50,
                 ttl_s: int = 30 * 86400, clock: Callable[[], float] = time.time) -> None:
        self.client, self.prefix, self.keep, self.ttl_s, self.clock = client, prefix, keep, ttl_s, clock

    def _key(self, incident: str) -> str:
        return f"{self.prefix}:incident:{incident}"

    def _channel_key(self, team_id: str, channel_id: str) -> str:
        return f"{self.prefix}:channel:{team_id}:{channel_id}:incidents"

    def open(self, info: IncidentInfo) -> bool:
        """Record a new incident; False (and nothing changed) if it is already known."""
        key = self._key(info.incident_id)
        if not self.client.hsetnx(key, "incident_id", info.incident_id):
            return False
        now = self.clock()
        info.created_at = info.created_at or now
        info.updated_at = now
        zkey = self._channel_key(info.team_id, info.channel_id)
        pipe = self.client.pipeline()
        pipe.hset(key, mapping={k: str(v) for k, v in asdict(info).items()})
        pipe.expire(key, self.ttl_s)
        pipe.zadd(zkey, {info.incident_id: info.created_at})
        pipe.zremrangebyrank(zkey, 0, -self.keep - 1)
        pipe.expire(zkey, self.ttl_s)
        pipe.execute()
        return True

    def get(self, incident: str) -> IncidentInfo | None:
        raw = _decode(self.client.hgetall(self._key(incident)))
        if "channel_id" not in raw:
            return None
        known = {f.name: f.type for f in fields(IncidentInfo)}
        values: dict[str, object] = {}
        for name, value in raw.items():
            if name in known:
                kind = known[name]
                values[name] = int(value) if kind == "int" else float(value) if kind == "float" else value
        return IncidentInfo(**values)  # type: ignore[arg-type]

    def set_status(self, incident: str, status: IncidentStatus | ReportStatus | str, *,
                   summary: str | None = None, step: int | None = None) -> bool:
        """What workers call as an investigation progresses; False if the incident is unknown."""
        key = self._key(incident)
        if not self.client.exists(key):
            return False
        value = status.value if isinstance(status, Enum) else str(status)
        mapping: dict[Any, Any] = {"status": value, "updated_at": str(self.clock())}
        if summary is not None:
            mapping["summary"] = summary[:300]
        if step is not None:
            mapping["step"] = str(step)
        self.client.hset(key, mapping=mapping)
        return True

    def recent(self, team_id: str, channel_id: str, *, limit: int = 10) -> list[IncidentInfo]:
        """Newest first."""
        ids = self.client.zrevrange(self._channel_key(team_id, channel_id), 0, limit - 1)
        found = [self.get(i.decode() if isinstance(i, bytes) else str(i)) for i in ids]
        return [info for info in found if info is not None]
