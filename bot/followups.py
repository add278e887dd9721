"""Thread replies and mentions: follow-up questions on an incident, or a new investigation."""
from __future__ import annotations

import logging
import re
from typing import Any

import redis
from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from bot import alerts
from bot.commands import USAGE, parse_command
from bot.dedupe import REDIS_ERROR
from bot.enqueue import QueueUnavailable, unreachable
from bot.incident import IncidentInfo, incident_id
from bot.logcontext import log_context
from bot.investigations import StartFailed, start_investigation
from bot.payloads import FollowUpPayload, TriggerSource
from bot.services import Services

log = logging.getLogger(__name__)
FOLLOW_UP_SUBTYPES = (None, "thread_broadcast", "file_share")


def strip_mention(text: str, bot_user_id: str) -> str:
    return re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text or "").strip() if bot_user_id else text


def _tell(services: Services, event: dict[str, Any], text: str) -> None:
    """An ephemeral note to whoever wrote the event."""
    try:
        services.client.chat_postEphemeral(channel=event.get("channel", ""), user=event.get("user", ""),
                                           text=text, thread_ts=event.get("thread_ts"))
    except SlackApiError as exc:
        log.warning("ephemeral to %s failed: %s", event.get("user"), exc)


def _follow_up(services: Services, *, team: str, event: dict[str, Any], question: str) -> bool:
    """Enqueue a follow-up when the thread is a known incident; False when it is not."""
    incident = incident_id(team, event["channel"], event["thread_ts"])
    info = services.index.get(incident)
    if info is None:
        return False
    with log_context(incident):
        _enqueue_follow_up(services, incident=incident, info=info, team=team, event=event, question=question)
    return True


def _enqueue_follow_up(services: Services, *, incident: str, info: IncidentInfo, team: str, event: dict[str, Any],
                       question: str) -> None:
    payload = FollowUpPayload(incident_id=incident, team_id=team, channel_id=info.channel_id,
                              thread_ts=info.thread_ts, root_ts=info.root_ts, user_id=event.get("user", ""),
                              question=question, message_ts=event.get("ts", ""))
    services.jobs.follow_up(payload)
    try:
        services.client.reactions_add(channel=event["channel"], timestamp=event.get("ts", ""), name="eyes")
    except SlackApiError as exc:
        log.info("reaction on %s failed: %s", event.get("ts"), exc)
    log.info("follow-up queued from %s", event.get("user"))


def handle_message(services: Services, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """Every message event: alert posts in watched channels, replies in incident threads."""
    if not services.config.channel_allowed(event.get("channel", "")):
        return
    team = str(body.get("team_id") or event.get("team") or "")
    if event.get("subtype") == "bot_message" and event.get("attachments"):
        alerts.handle_alert_message(services, team_id=team, event=event)
        return
    if event.get("subtype") not in FOLLOW_UP_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return
    thread_ts, bot_user = event.get("thread_ts"), context.bot_user_id or services.identity.user_id
    if not thread_ts or thread_ts == event.get("ts") or (bot_user and f"<@{bot_user}" in event.get("text", "")):
        return  # not a reply, or a mention (the app_mention event handles those)
    if context.get(REDIS_ERROR):
        log.warning("reply %s not checked: %s", event.get("ts"), context[REDIS_ERROR])
        return
    try:
        _follow_up(services, team=team, event=event, question=event.get("text", ""))
    except (redis.RedisError, QueueUnavailable) as exc:
        log.warning("follow-up in %s not queued: %s", thread_ts, exc)


def handle_mention(services: Services, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """@debugbot in a thread asks a follow-up (or investigates that thread); outside one, investigates."""
    channel, team = event.get("channel", ""), str(body.get("team_id") or event.get("team") or "")
    if not services.config.channel_allowed(channel):
        _tell(services, event, "I'm not enabled in this channel (DEBUGBOT_ALLOWED_CHANNELS).")
        return
    text = strip_mention(event.get("text", ""), context.bot_user_id or services.identity.user_id)
    if context.get(REDIS_ERROR):
        _tell(services, event, f":x: couldn't queue the investigation: {context[REDIS_ERROR]}")
        return
    try:
        if event.get("thread_ts") and _follow_up(services, team=team, event=event, question=text):
            return
        parsed = parse_command(text, max_len=services.config.max_text)
        if parsed.kind != "investigate":
            _tell(services, event, parsed.text if parsed.kind == "error" else USAGE.replace("/debug", "@debugbot"))
            return
        start_investigation(services, team_id=team, channel_id=channel, user_id=event.get("user"),
                            title=parsed.text, trigger=parsed.text, source=TriggerSource.MENTION,
                            thread_ts=event.get("thread_ts") or event.get("ts"))
    except StartFailed as exc:
        _tell(services, event, f":x: {exc}")
    except (redis.RedisError, QueueUnavailable) as exc:
        problem = exc if isinstance(exc, QueueUnavailable) else unreachable(services.config.redis_url)
        _tell(services, event, f":x: couldn't queue it: {problem}")


def register(app: App, services: Services) -> None:
    """Ack at once; look the thread up, post and enqueue after the ack."""

    def message(ack: Ack, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        ack()
        services.after_ack.defer(body, handle_message, services, event, body, context)

    def mention(ack: Ack, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        ack()
        services.after_ack.defer(body, handle_mention, services, event, body, context)

    app.event("message")(message)
    app.event("app_mention")(mention)
