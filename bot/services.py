"""What the Slack handlers share: the bot's configuration and its Redis, queue and Slack clients."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import redis
from slack_sdk import WebClient

from bot.authz import Approvers
from bot.background import AfterAck
from bot.dedupe import Deduper
from bot.enqueue import JobQueue
from bot.incident import IncidentIndex
from tools.approvals import ApprovalStore
from tools.audit import AuditLog
from tools.memory import LongTermMemory
from tools.settings import Settings

log = logging.getLogger(__name__)
MAX_TEXT = 500  # characters of /debug text


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.get_secret_value() if hasattr(value, "get_secret_value") else value) or None


@dataclass(frozen=True)
class BotConfig:
    """Settings the handlers read. `alert_channel` and `alertmanager_token` are read from
    Settings when it has them (DEBUGBOT_ALERT_CHANNEL, DEBUGBOT_ALERTMANAGER_TOKEN) or passed in."""

    redis_url: str
    allowed_channels: frozenset[str] = frozenset()
    alert_channel: str | None = None
    alertmanager_token: str | None = None
    oncall_group_id: str | None = None
    approval_ttl_s: int = 3600
    alert_group_ttl_s: int = 24 * 3600
    max_text: int = MAX_TEXT

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> BotConfig:
        values: dict[str, Any] = {
            "redis_url": settings.redis_url, "allowed_channels": frozenset(settings.allowed_channels),
            "alert_channel": settings.alert_channel,
            "alertmanager_token": _secret(settings.alertmanager_token),
            "oncall_group_id": settings.oncall_group_id, "approval_ttl_s": settings.approval_ttl_s,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def channel_allowed(self, channel_id: str) -> bool:
        return not self.allowed_channels or channel_id in self.allowed_channels


@dataclass
class Identity:
    """Who the bot is in the workspace (auth.test), looked up once."""

    team_id: str = ""
    user_id: str = ""
    url: str = ""

    def permalink(self, channel: str, ts: str) -> str:
        return f"{self.url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"


@dataclass
class Services:
    config: BotConfig
    client: WebClient
    redis: redis.Redis
    index: IncidentIndex
    jobs: JobQueue
    deduper: Deduper
    approvers: Approvers
    approvals: ApprovalStore
    audit: AuditLog
    memory: LongTermMemory | None = None  # past incidents (`/debug history`, `/debug forget`); None: off
    identity: Identity = field(default_factory=Identity)
    after_ack: AfterAck = field(default_factory=AfterAck)
    _identity_lock: threading.Lock = field(default_factory=threading.Lock)

    def whoami(self) -> Identity:
        """auth.test once; the team id names incidents started by webhooks."""
        with self._identity_lock:
            if not self.identity.team_id:
                answer = self.client.auth_test()
                self.identity = Identity(team_id=str(answer.get("team_id") or ""),
                                         user_id=str(answer.get("user_id") or ""),
                                         url=str(answer.get("url") or ""))
            return self.identity
