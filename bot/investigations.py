"""Starting an investigation: the root message, the incident record, the `investigate` job."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis
from slack_sdk.errors import SlackApiError

from bot.blocks import Message, StatusLine, context, root_message, section
from bot.enqueue import QueueUnavailable, unreachable
from bot import metrics
from bot.incident import IncidentInfo, incident_id
from bot.logcontext import log_context
from bot.payloads import InvestigatePayload, TriggerSource
from bot.services import Services

log = logging.getLogger(__name__)


class StartFailed(Exception):
    """The investigation could not start; the message is fit to show the user."""


@dataclass(frozen=True)
class Started:
    incident_id: str
    thread_ts: str
    root_ts: str
    job_id: str | None  # None when the incident already had its investigation


def _post_root(services: Services, *, channel: str, thread_ts: str | None, message: Message) -> str:
    try:
        answer = services.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.kwargs())
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        hint = " (invite me to the channel with /invite)" if error in ("not_in_channel", "channel_not_found") else ""
        raise StartFailed(f"couldn't post in <#{channel}>: {error}{hint}") from exc
    return str(answer["ts"])


def start_investigation(services: Services, *, team_id: str, channel_id: str, user_id: str | None,
                        title: str, trigger: str | dict[str, Any], source: TriggerSource,
                        thread_ts: str | None = None) -> Started:
    """Post the root status message, record the incident and enqueue `investigate`.

    Without `thread_ts` the root message starts a new thread in the channel;
    with it (a mention in a thread, an alert message) the status message is a
    reply and the thread's parent names the incident.
    """
    message = root_message(title, requested_by=user_id, source=source.value)
    root_ts = _post_root(services, channel=channel_id, thread_ts=thread_ts, message=message)
    parent = thread_ts or root_ts
    incident = incident_id(team_id, channel_id, parent)
    with log_context(incident):
        payload = InvestigatePayload(incident_id=incident, team_id=team_id, channel_id=channel_id,
                                     thread_ts=parent, root_ts=root_ts, user_id=user_id, text=title,
                                     trigger=trigger, source=source)
        try:
            services.index.open(IncidentInfo(incident_id=incident, team_id=team_id, channel_id=channel_id,
                                             thread_ts=parent, root_ts=root_ts, title=title[:300],
                                             source=source.value, user_id=user_id or ""))
            job = services.jobs.investigate(payload)
        except (redis.RedisError, QueueUnavailable) as exc:
            problem = exc if isinstance(exc, QueueUnavailable) else unreachable(services.config.redis_url)
            _mark_not_queued(services, channel=channel_id, root_ts=root_ts, title=title, user_id=user_id,
                             source=source, problem=str(problem))
            raise StartFailed(f"couldn't queue the investigation: {problem}") from exc
        if job is not None:
            metrics.investigation_started(source.value)
        log.info("investigation %s queued (%s)", incident, source.value)
        return Started(incident_id=incident, thread_ts=parent, root_ts=root_ts, job_id=job.id if job else None)


def _mark_not_queued(services: Services, *, channel: str, root_ts: str, title: str, user_id: str | None,
                     source: TriggerSource, problem: str) -> None:
    """Leave no root message that promises an investigation that will never run."""
    message = root_message(title, requested_by=user_id, source=source.value, status=StatusLine(state="aborted"))
    message.blocks[-1] = context(f":x: *not queued*: {problem}", block_id="debugbot-status")
    try:
        services.client.chat_update(channel=channel, ts=root_ts, **message.kwargs())
    except SlackApiError as exc:
        log.warning("could not mark %s/%s as not queued: %s", channel, root_ts, exc)


def post_in_thread(services: Services, *, channel: str, thread_ts: str, text: str) -> str | None:
    """A short note in an incident thread (alert still firing, resolved...)."""
    try:
        answer = services.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text,
                                                  blocks=[section(text)])
        return str(answer["ts"])
    except SlackApiError as exc:
        log.warning("could not post in %s/%s: %s", channel, thread_ts, exc)
        return None
