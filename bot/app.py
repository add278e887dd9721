"""The Bolt app: one set of handlers for HTTP and Socket Mode, built once from Settings."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis
from slack_bolt import App
from slack_sdk import WebClient

from bot import actions, commands, followups
from bot.authz import Approvers
from bot.dedupe import Deduper, dedupe_middleware
from bot.enqueue import JobQueue, connect
from bot.incident import IncidentIndex
from bot.services import BotConfig, Services
from bot.streamer import with_rate_limit_retries
from tools.approvals import ApprovalStore
from tools.audit import AuditLog
from tools.memory import LongTermMemory
from tools.settings import Settings, SettingsError

log = logging.getLogger(__name__)


@dataclass
class BotApp:
    app: App
    services: Services


def _secret(value: Any) -> str:
    return str(value.get_secret_value()) if value is not None else ""


def slack_client(settings: Settings) -> WebClient:
    """The Web API client: token and base URL from Settings, waiting out 429s."""
    token = _secret(settings.slack_bot_token)
    if not token:
        raise SettingsError("missing required setting(s): DEBUGBOT_SLACK_BOT_TOKEN")
    return with_rate_limit_retries(WebClient(token=token, base_url=settings.slack_api_url, timeout=10))


def build_services(settings: Settings, *, client: WebClient, redis_client: redis.Redis | None = None,
                   **config: Any) -> Services:
    """Everything the handlers share. `config` overrides BotConfig fields (alert_channel, ...)."""
    cfg = BotConfig.from_settings(settings, **config)
    rc = redis_client if redis_client is not None else connect(settings.redis_url)
    audit = AuditLog(rc)
    services = Services(
        config=cfg, client=client, redis=rc, index=IncidentIndex(rc),
        jobs=JobQueue(rc, queue_name=settings.queue_name, job_timeout_s=settings.job_timeout_s,
                      redis_url=settings.redis_url),
        deduper=Deduper(lambda: connect(settings.redis_url, single=True), ttl_s=settings.dedupe_ttl_s),
        approvers=Approvers(client, user_ids=settings.approver_user_ids, group_ids=settings.approver_group_ids,
                            allow_self_approval=settings.allow_self_approval),
        approvals=ApprovalStore(rc, ttl_s=settings.approval_ttl_s, audit=audit), audit=audit,
        # the workers own the index file; the bot syncs its own copy of the index from Redis
        memory=LongTermMemory.from_settings(settings.model_copy(update={"memory_index_path": None}), rc)
        if settings.memory_enabled else None)
    services.whoami()  # a bad token fails here, at start, not at the first command
    return services


def build_app(settings: Settings, *, client: WebClient | None = None, redis_client: redis.Redis | None = None,
              **config: Any) -> BotApp:
    """The Bolt App with our middleware and handlers: each acks, then hands the rest to after_ack."""
    client = client or slack_client(settings)
    services = build_services(settings, client=client, redis_client=redis_client, **config)
    # process_before_response=True: each listener acks, hands the slow part to services.defer and
    # returns, so the HTTP response leaves as soon as the listener returns. (With False, Bolt runs the
    # listener on a pool and polls for the ack every 10 ms: ~11 ms per ack for nothing.)
    app = App(client=client, signing_secret=_secret(settings.slack_signing_secret),
              process_before_response=True, token_verification_enabled=False,
              raise_error_for_unhandled_request=False)
    services.after_ack.on_error = _on_error
    app.use(dedupe_middleware(services.deduper, redis_url=settings.redis_url))
    commands.register(app, services)
    followups.register(app, services)
    actions.register(app, services)
    app.error(_on_error)
    return BotApp(app=app, services=services)


def _on_error(error: Exception, body: dict[str, Any]) -> None:
    """The Bolt global error handler (and the after-ack work's): log what identifies the request."""
    event = body.get("event") or {}
    where = body.get("channel_id") or event.get("channel") or (body.get("channel") or {}).get("id")
    log.error("unhandled error (type=%s channel=%s ts=%s): %r", body.get("type") or body.get("command"),
              where, event.get("thread_ts") or event.get("ts"), error, exc_info=error)
