"""Approve/Reject clicks: authorise the clicker, take the decision once, enqueue the resume."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

import redis
from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.cards import APPROVAL_BLOCK_PREFIX, APPROVE_ACTION, REJECT_ACTION, decision_card
from bot.blocks import slack_time
from bot.enqueue import QueueUnavailable, unreachable
from bot.incident import incident_id
from bot.logcontext import log_context
from bot.payloads import DecisionPayload
from bot.services import Services
from tools.approvals import ApprovalRecord, ConsumeOutcome, ConsumeResult
from tools.audit import AuditEvent

log = logging.getLogger(__name__)
VERB = {"approve": "approved", "reject": "rejected", "expired": "expired"}


@dataclass(frozen=True)
class Click:
    """One Approve/Reject click, from a block_actions payload."""

    decision: Literal["approve", "reject"]
    approval_id: str
    user_id: str
    team_id: str
    channel_id: str
    message_ts: str
    thread_ts: str
    incident_id: str

    @classmethod
    def parse(cls, body: dict[str, Any], action: dict[str, Any]) -> Click:
        container, message = body.get("container") or {}, body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
        team = str((body.get("team") or {}).get("id") or body.get("user", {}).get("team_id") or "")
        thread_ts = str(message.get("thread_ts") or container.get("thread_ts") or container.get("message_ts") or "")
        block_id = str(action.get("block_id") or "")
        incident = (block_id[len(APPROVAL_BLOCK_PREFIX):] if block_id.startswith(APPROVAL_BLOCK_PREFIX)
                    else incident_id(team, channel, thread_ts))
        return cls(decision="approve" if action.get("action_id") == APPROVE_ACTION else "reject",
                   approval_id=str(action.get("value") or ""), user_id=str(body.get("user", {}).get("id", "")),
                   team_id=team, channel_id=channel, message_ts=str(container.get("message_ts") or ""),
                   thread_ts=thread_ts, incident_id=incident)


def _tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _when(result: ConsumeResult) -> str:
    return slack_time(result.decided_at.timestamp()) if result.decided_at else "an earlier time"


def _refuse(services: Services, click: Click, record: ApprovalRecord | None, reason: str,
            respond: Respond) -> None:
    _tell(respond, f":no_entry: You can't decide this one: {reason}.")
    services.audit.record(AuditEvent.REFUSED_UNAUTHORISED, incident_id=record.incident_id if record else
                          click.incident_id, approval_id=click.approval_id,
                          action=record.action if record else None, user=click.user_id,
                          outcome=f"{click.decision} refused: {reason}")


def _update_card(services: Services, click: Click, result: ConsumeResult, decision: str) -> None:
    record = result.record
    at = result.decided_at.timestamp() if result.decided_at else time.time()
    card = decision_card(action=record.action if record else None, decision=decision,  # type: ignore[arg-type]
                         user_id=result.decided_by, at=at)
    try:
        services.client.chat_update(channel=click.channel_id, ts=click.message_ts, **card.kwargs())
    except SlackApiError as exc:
        log.warning("could not update approval card %s: %s", click.approval_id, exc)


def _enqueue_resume(services: Services, click: Click, record: ApprovalRecord | None) -> None:
    incident = record.incident_id if record else click.incident_id
    info = services.index.get(incident)
    payload = DecisionPayload(incident_id=incident, team_id=click.team_id,
                              channel_id=info.channel_id if info else click.channel_id,
                              thread_ts=info.thread_ts if info else click.thread_ts,
                              root_ts=info.root_ts if info else click.thread_ts,
                              approval_id=click.approval_id, decision=click.decision, user_id=click.user_id,
                              card_ts=click.message_ts)
    services.jobs.decision(payload)


def decide(services: Services, click: Click, respond: Respond) -> None:
    """Authorise, consume once, then enqueue `resume_after_decision` and redraw the card."""
    record = services.approvals.get(click.approval_id)
    if record is None:
        metrics.approval("unknown")
        _tell(respond, ":grey_question: I don't know this approval any more; ask me again in the thread.")
        return
    verdict = services.approvers.check(click.user_id, requested_by=record.requested_by)
    if not verdict.allowed:
        metrics.approval("refused")
        _refuse(services, click, record, verdict.reason, respond)
        return
    result = services.approvals.consume(click.approval_id, user_id=click.user_id, decision=click.decision)
    metrics.approval(VERB[click.decision] if result.outcome is ConsumeOutcome.OK else result.outcome.value)
    log.info("click %s on %s by %s: %s", click.decision, click.approval_id, click.user_id, result.outcome.value)
    if result.outcome is ConsumeOutcome.OK:
        _update_card(services, click, result, click.decision)
        try:
            _enqueue_resume(services, click, result.record)
        except (redis.RedisError, QueueUnavailable) as exc:
            problem = exc if isinstance(exc, QueueUnavailable) else unreachable(services.config.redis_url)
            _tell(respond, f":warning: Your decision ({VERB[click.decision]}) is recorded, but I couldn't "
                           f"queue the next step: {problem}")
    elif result.outcome is ConsumeOutcome.ALREADY_DECIDED:
        who = f"<@{result.decided_by}>" if result.decided_by else "someone"
        _tell(respond, f":information_source: Already {VERB.get(result.decision or '', 'decided')} "
                       f"by {who} at {_when(result)}; nothing more to do.")
    elif result.outcome is ConsumeOutcome.EXPIRED:
        _tell(respond, f":hourglass: This approval expired at {_when(result)}; nothing was changed. "
                       "Ask me again in the thread if it is still needed.")
        _update_card(services, click, result, "expire")
    else:
        _tell(respond, ":grey_question: I don't know this approval any more; ask me again in the thread.")


def handle_click(services: Services, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
    click = Click.parse(body, action)
    with log_context(click.incident_id):
        try:
            decide(services, click, respond)
        except (redis.RedisError, QueueUnavailable) as exc:
            problem = exc if isinstance(exc, QueueUnavailable) else unreachable(services.config.redis_url)
            log.warning("click on %s failed: %s", click.approval_id, problem)
            _tell(respond, f":x: couldn't record your decision: {problem}")


def register(app: App, services: Services) -> None:
    def click(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()  # then authorise, consume and enqueue after the ack
        services.after_ack.defer(body, handle_click, services, body, action, respond)

    app.action(APPROVE_ACTION)(click)
    app.action(REJECT_ACTION)(click)
