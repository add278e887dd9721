"""Per-process wiring for jobs: settings, Redis, checkpointer, approvals, Slack client and the graph."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from langgraph.graph.state import CompiledStateGraph
from slack_sdk import WebClient

from agent.checkpoint import RedisSaver
from agent.graph import build_graph
from agent.live import LiveToolbox
from tools.memory import LongTermMemory
from agent.reasoners import make_reasoner
from bot.app import slack_client
from bot.incident import IncidentIndex
from tools.approvals import ApprovalStore
from tools.audit import AuditLog
from tools.context import build_context
from tools.settings import Settings, load_settings


@dataclass
class Runtime:
    settings: Settings
    redis: redis.Redis
    slack: WebClient
    approvals: ApprovalStore
    audit: AuditLog
    incidents: IncidentIndex
    graph: CompiledStateGraph[Any, Any, Any, Any]




def build_runtime(settings: Settings, *, now: Callable[[], datetime] | None = None) -> Runtime:
    """Everything a job needs. `now` freezes the tools' clock (a simulated cluster's time); else wall clock."""
    client = redis.Redis.from_url(settings.redis_url)
    audit = AuditLog(client, maxlen=settings.audit_maxlen)
    approvals = ApprovalStore(client, ttl_s=settings.approval_ttl_s, audit=audit)
    toolbox = LiveToolbox(build_context(settings, now=now), approvals=approvals, audit=audit)
    graph = build_graph(make_reasoner(settings), toolbox, RedisSaver(client, ttl_s=settings.checkpoint_ttl_s),
                        settings=settings,
                        memory=LongTermMemory.from_settings(settings, client) if settings.memory_enabled else None)
    return Runtime(settings, client, slack_client(settings), approvals, audit, IncidentIndex(client), graph)


_current: Runtime | None = None


def configure(rt: Runtime | None) -> None:
    """Set the process's runtime before work starts (`debugbot worker`, the demo); None forgets it.

    The forking worker builds it once in the parent, so every work horse starts with
    the graph, clients and imports ready instead of paying for them per job.
    """
    global _current
    _current = rt


def runtime() -> Runtime:
    """The configured runtime, else one built from the environment (DEBUGBOT_*) on first use."""
    global _current
    if _current is None:
        _current = build_runtime(load_settings())
    return _current
