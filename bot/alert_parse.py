"""Alertmanager input as alert dicts: its webhook payload (v4) and its Slack receiver's messages."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ANNOTATION_KEYS = {"summary", "description", "message", "runbook_url", "runbook", "dashboard"}
ANNOTATION_ALIASES = {"alert": "summary", "runbook": "runbook_url"}
_TITLE = re.compile(r"^\s*\[(FIRING|RESOLVED)(?::(\d+))?\]\s*(.+?)\s*$", re.IGNORECASE)
_LINE = re.compile(r"^[\s•·*>-]*\*?([A-Za-z_][A-Za-z0-9_ ]{0,40}?)\*?\s*[:=]\s*\*?\s*`?(.*?)`?\s*$")
_LABEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class AMAlert(BaseModel):
    """One alert of an Alertmanager webhook payload."""

    model_config = ConfigDict(extra="allow")
    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: str = ""  # noqa: N815 - Alertmanager's field names
    endsAt: str = ""  # noqa: N815
    generatorURL: str = ""  # noqa: N815
    fingerprint: str = ""


class AMPayload(BaseModel):
    """Alertmanager's webhook body, version 4: one alert group per POST."""

    model_config = ConfigDict(extra="allow")
    version: str = "4"
    groupKey: str  # noqa: N815
    truncatedAlerts: int = 0  # noqa: N815
    status: Literal["firing", "resolved"]
    receiver: str = ""
    groupLabels: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    commonLabels: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    commonAnnotations: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    externalURL: str = ""  # noqa: N815
    alerts: list[AMAlert] = Field(default_factory=list)


@dataclass
class AlertGroup:
    """What the bot acts on, whichever way the alert came: one group, its status, one alert dict."""

    status: Literal["firing", "resolved"]
    group_key: str
    alert: dict[str, Any]  # {status, labels, annotations, startsAt, ...}: the investigation's trigger
    count: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return alert_title(self.alert)


def alert_title(alert: dict[str, Any]) -> str:
    """`KubePodCrashLooping: <summary> (namespace=prod, pod=payment-x)`: what the bot investigates."""
    labels, annotations = alert.get("labels") or {}, alert.get("annotations") or {}
    name = labels.get("alertname") or "alert"
    words = annotations.get("summary") or annotations.get("description") or annotations.get("message") or ""
    where = ", ".join(f"{k}={labels[k]}" for k in ("namespace", "deployment", "statefulset", "daemonset",
                                                    "pod", "service", "container", "node") if labels.get(k))
    text = f"{name}: {words}" if words else name
    return f"{text} ({where})" if where else text


def group_from_webhook(payload: AMPayload) -> AlertGroup:
    """The group's first firing alert (or first alert) is the trigger; the others ride along."""
    firing = [a for a in payload.alerts if a.status == "firing"]
    lead = (firing or payload.alerts or [AMAlert(status=payload.status)])[0]
    labels = {**payload.commonLabels, **lead.labels}
    annotations = {**payload.commonAnnotations, **lead.annotations}
    alert: dict[str, Any] = {"status": payload.status, "labels": labels, "annotations": annotations,
                             "startsAt": lead.startsAt, "generatorURL": lead.generatorURL,
                             "groupKey": payload.groupKey, "groupLabels": payload.groupLabels,
                             "alerts": [a.model_dump(include={"status", "labels", "annotations", "startsAt"})
                                        for a in payload.alerts[:20]]}
    return AlertGroup(status=payload.status, group_key=payload.groupKey, alert=alert,
                      count=len(firing) if payload.status == "firing" else len(payload.alerts),
                      extra={"externalURL": payload.externalURL, "receiver": payload.receiver})


def _pairs(attachment: dict[str, Any], message_text: str) -> list[tuple[str, str]]:
    pairs = [(str(f.get("title", "")), str(f.get("value", ""))) for f in attachment.get("fields") or []]
    for text in (str(attachment.get("text") or ""), message_text):
        for line in text.splitlines():
            match = _LINE.match(line)
            if match and match.group(2).strip():
                pairs.append((match.group(1).strip(), match.group(2).strip()))
    return pairs


def group_from_message(event: dict[str, Any]) -> AlertGroup | None:
    """An Alertmanager Slack-receiver post (title like `[FIRING:1] KubePodCrashLooping (prod pod-x warning)`)."""
    for attachment in event.get("attachments") or []:
        match = _TITLE.match(str(attachment.get("title") or attachment.get("fallback") or ""))
        if match:
            break
    else:
        return None
    status: Literal["firing", "resolved"] = "firing" if match.group(1).upper() == "FIRING" else "resolved"
    grouped = match.group(3)
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {"title": grouped}
    for key, value in _pairs(attachment, str(event.get("text") or "")):
        name = ANNOTATION_ALIASES.get(key.lower(), key.lower() if key.lower() in ANNOTATION_KEYS else key)
        if name in ANNOTATION_KEYS:
            annotations.setdefault(name, value)
        elif _LABEL_NAME.match(key) and key.lower() not in ("details", "labels", "annotations"):
            labels.setdefault(key, value)
    labels.setdefault("alertname", grouped.split()[0])
    starts = labels.pop("startsAt", "") or _rfc3339(event.get("ts"))
    alert = {"status": status, "labels": labels, "annotations": annotations, "startsAt": starts}
    return AlertGroup(status=status, group_key=" ".join(grouped.split()), alert=alert,
                      count=int(match.group(2) or 1))


def _rfc3339(ts: Any) -> str:
    try:
        return datetime.fromtimestamp(int(float(ts)), tz=timezone.utc).isoformat().replace("+00:00", "Z")
    except (TypeError, ValueError):
        return ""
