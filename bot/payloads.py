"""Job payloads: what the bot puts on the queue for `workers.jobs.*` (one pydantic model per job)."""
from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

INVESTIGATE_JOB = "workers.jobs.investigate"
RESUME_JOB = "workers.jobs.resume_after_decision"
FOLLOW_UP_JOB = "workers.jobs.follow_up"


class TriggerSource(str, Enum):
    """Where an investigation came from."""

    COMMAND = "command"  # /debug <text>
    MENTION = "mention"  # @debugbot <text>
    ALERT_MESSAGE = "alert_message"  # Alertmanager's Slack receiver posted in a watched channel
    ALERT_WEBHOOK = "alert_webhook"  # POST /alertmanager


class JobPayload(BaseModel):
    """Fields every job needs to find its incident and its Slack thread.

    `thread_ts` is where replies go; `root_ts` is the bot's own status message,
    which the streamer edits in place (the thread parent for /debug and alerts,
    a reply when someone mentioned the bot inside an existing thread).
    """

    incident_id: str
    team_id: str
    channel_id: str
    thread_ts: str
    root_ts: str
    user_id: str | None = None  # who asked / clicked / replied; None for alerts
    enqueued_at: float = 0.0


class InvestigatePayload(JobPayload):
    kind: Literal["investigate"] = "investigate"
    text: str  # what to investigate, in words (the command text or an alert summary)
    trigger: str | dict[str, Any]  # the command text, or the alert dict {status, labels, annotations, startsAt, ...}
    source: TriggerSource = TriggerSource.COMMAND


class DecisionPayload(JobPayload):
    kind: Literal["decision"] = "decision"
    approval_id: str
    decision: Literal["approve", "reject"]
    user_id: str  # the approver (required here)
    card_ts: str = ""  # the approval card's message ts, to redraw it with the outcome (cards.decision_card)


class FollowUpPayload(JobPayload):
    kind: Literal["follow_up"] = "follow_up"
    question: str
    user_id: str  # who asked (required here)
    message_ts: str = ""  # the reply itself, e.g. to react to it


AnyPayload = InvestigatePayload | DecisionPayload | FollowUpPayload
Payload = Annotated[AnyPayload, Field(discriminator="kind")]
_ADAPTER: TypeAdapter[AnyPayload] = TypeAdapter(Payload)  # type: ignore[arg-type]

JOB_FOR_KIND: dict[str, str] = {"investigate": INVESTIGATE_JOB, "decision": RESUME_JOB, "follow_up": FOLLOW_UP_JOB}


def parse_payload(data: dict[str, Any]) -> AnyPayload:
    """What a worker job calls on its one argument (the dict the bot enqueued)."""
    return _ADAPTER.validate_python(data)
