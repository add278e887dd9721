"""Per-process wiring for jobs: settings, Redis, checkpointer, approvals, Slack client and the graph."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis
from langgraph.graph.state import CompiledStateGraph
from slack_sdk import WebClient

from agent.checkpoint import RedisSaver
from agent.graph import build_graph
from agent.live import LiveToolbox
from agent.reasoner import Reasoner
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


def make_reasoner(settings: Settings) -> Reasoner:
    if settings.reasoner == "llm":
        from agent.reasoners.llm import LLMReasoner

        return LLMReasoner(settings)
    from agent.reasoners.rules import RulesReasoner

    return RulesReasoner()


def build_runtime(settings: Settings) -> Runtime:
    client = redis.Redis.from_url(settings.redis_url)
    audit = AuditLog(client)
    approvals = ApprovalStore(client, ttl_s=settings.approval_ttl_s, audit=audit)
    toolbox = LiveToolbox(build_context(settings), approvals=approvals, audit=audit)
    graph = build_graph(make_reasoner(settings), toolbox, RedisSaver(client), settings=settings)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    slack = WebClient(token=token, base_url=settings.slack_api_url)
    return Runtime(settings, client, slack, approvals, audit, IncidentIndex(client), graph)


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    """Built once per worker process from the environment (DEBUGBOT_*)."""
    return build_runtime(load_settings())
