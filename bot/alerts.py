"""Alerts: one investigation per firing group, repeats and resolutions into the group's thread."""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import redis

from bot.alert_parse import AlertGroup, AMPayload, group_from_message, group_from_webhook
from bot.blocks import escape
from bot.enqueue import QueueUnavailable
from bot.investigations import StartFailed, post_in_thread, start_investigation
from bot.logcontext import log_context
from bot.payloads import TriggerSource
from bot.services import Services

log = logging.getLogger(__name__)
PENDING = "pending"


@dataclass(frozen=True)
class Outcome:
    """What happened to one alert group (the webhook answers with these)."""

    action: str  # started | still_firing | resolved | ignored | failed
    incident_id: str | None = None
    thread_ts: str | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}


class AlertGroups:
    """Open alert groups in Redis: group key → the incident and thread it went to.

    `claim` is a `SET NX`, so two deliveries of one group (a retry, a repeat,
    two replicas of the bot) never start two investigations.
    """

    def __init__(self, client: redis.Redis, *, ttl_s: int, prefix: str = "debugbot") -> None:
        self.client, self.ttl_s, self.prefix = client, ttl_s, prefix

    def _key(self, team: str, channel: str, group_key: str) -> str:
        digest = hashlib.sha256(group_key.encode()).hexdigest()[:24]
        return f"{self.prefix}:alertgroup:{team}:{channel}:{digest}"

    def claim(self, team: str, channel: str, group_key: str) -> dict[str, str] | None:
        """None when this caller now owns the group; else what it is bound to ({} while starting)."""
        key = self._key(team, channel, group_key)
        if self.client.set(key, PENDING, nx=True, ex=self.ttl_s):
            return None
        return self.get(team, channel, group_key) or {}

    def get(self, team: str, channel: str, group_key: str) -> dict[str, str] | None:
        raw = self.client.get(self._key(team, channel, group_key))
        if raw is None:
            return None
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        return {} if text == PENDING else dict(json.loads(text))

    def bind(self, team: str, channel: str, group_key: str, *, incident_id: str, thread_ts: str) -> None:
        value = json.dumps({"incident_id": incident_id, "thread_ts": thread_ts})
        self.client.set(self._key(team, channel, group_key), value, ex=self.ttl_s)

    def release(self, team: str, channel: str, group_key: str) -> None:
        self.client.delete(self._key(team, channel, group_key))


def groups(services: Services) -> AlertGroups:
    return AlertGroups(services.redis, ttl_s=services.config.alert_group_ttl_s)


def handle_group(services: Services, group: AlertGroup, *, team_id: str, channel_id: str, source: TriggerSource,
                 thread_ts: str | None = None) -> Outcome:
    """Firing: a new investigation, or a note in the open one. Resolved: a note, and the group closes."""
    store = groups(services)
    if group.status == "resolved":
        bound = store.get(team_id, channel_id, group.group_key)
        if not bound:
            return Outcome("ignored", detail="resolved, but no open investigation for this group")
        with log_context(bound.get("incident_id")):
            post_in_thread(services, channel=channel_id, thread_ts=bound["thread_ts"],
                           text=f":white_check_mark: *Resolved*: {escape(group.title)}")
        store.release(team_id, channel_id, group.group_key)
        return Outcome("resolved", bound["incident_id"], bound["thread_ts"])
    bound = store.claim(team_id, channel_id, group.group_key)
    if bound is not None:
        if not bound:
            return Outcome("ignored", detail="this group's investigation is starting")
        with log_context(bound.get("incident_id")):
            post_in_thread(services, channel=channel_id, thread_ts=bound["thread_ts"],
                           text=f":repeat: Still firing ({group.count} alert{'s' * (group.count != 1)}): "
                                f"{escape(group.title)}")
        return Outcome("still_firing", bound["incident_id"], bound["thread_ts"])
    try:
        started = start_investigation(services, team_id=team_id, channel_id=channel_id, user_id=None,
                                      title=group.title, trigger=group.alert, source=source, thread_ts=thread_ts)
    except (StartFailed, QueueUnavailable, redis.RedisError) as exc:
        _release_quietly(store, team_id, channel_id, group.group_key)
        return Outcome("failed", detail=str(exc))
    store.bind(team_id, channel_id, group.group_key, incident_id=started.incident_id, thread_ts=started.thread_ts)
    return Outcome("started", started.incident_id, started.thread_ts)


def _release_quietly(store: AlertGroups, team: str, channel: str, group_key: str) -> None:
    try:
        store.release(team, channel, group_key)
    except redis.RedisError:
        pass  # the claim expires with its TTL


def handle_alert_message(services: Services, *, team_id: str, event: dict[str, Any]) -> Outcome:
    """An Alertmanager Slack-receiver post in a watched channel: the post itself is the thread parent."""
    group = group_from_message(event)
    if group is None:
        return Outcome("ignored", detail="not an Alertmanager message")
    try:
        outcome = handle_group(services, group, team_id=team_id, channel_id=event["channel"],
                               source=TriggerSource.ALERT_MESSAGE, thread_ts=event.get("ts"))
    except redis.RedisError as exc:
        outcome = Outcome("failed", detail=f"Redis: {exc}")
    with log_context(outcome.incident_id):
        log.info("alert message %s in %s: %s", group.group_key, event.get("channel"), outcome.action)
    return outcome


def handle_webhook(services: Services, payload: AMPayload, *, channel_id: str) -> Outcome:
    """POST /alertmanager: the group's root message goes into the alert channel."""
    team_id = services.whoami().team_id
    group = group_from_webhook(payload)
    outcome = handle_group(services, group, team_id=team_id, channel_id=channel_id,
                           source=TriggerSource.ALERT_WEBHOOK)
    with log_context(outcome.incident_id):
        log.info("alertmanager group %s (%s): %s", payload.groupKey, payload.status, outcome.action)
    return outcome
