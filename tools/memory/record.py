"""One remembered incident: the redacted essentials of a finished investigation."""
from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field

from tools.memory.signature import features, trigger_text
from tools.redact import redact_obj
from tools.report import Report, ReportStatus

# Every status that ends an investigation: escalated ones too (a diagnosis handed to people is worth
# recalling); not awaiting_approval (not over yet) nor aborted (nothing learnt).
REMEMBERED = frozenset({ReportStatus.RESOLVED, ReportStatus.NO_FAULT, ReportStatus.INCONCLUSIVE,
                        ReportStatus.ESCALATED})
_INCIDENT = re.compile(r"^inc-(?P<team>[^-]+)-(?P<channel>[^-]+)-(?P<sec>\d+)_(?P<frac>\d+)$")
TEXT_CHARS, FACT_CHARS, MAX_FACTS = 300, 240, 5
FINAL_CATEGORY_SHARE = 0.5


class MemoryRecord(BaseModel):
    """What is kept of an incident; every text is redacted before it reaches Redis."""

    incident_id: str
    created_at: float
    status: str
    category: str | None = None
    resource: dict[str, Any] | None = None
    trigger: str = ""
    summary: str = ""
    evidence: list[str] = Field(default_factory=list)
    action: str | None = None  # "rollback_deployment Deployment prod/checkout-api {...}"
    verified: bool | None = None  # None: nothing was executed
    channel: str | None = None
    thread_ts: str | None = None
    permalink: str | None = None
    features: dict[str, float] = Field(default_factory=dict)  # re-embedded when the embedder changes

    def resource_label(self) -> str:
        r = self.resource or {}
        return f"{r.get('kind', '')} {r.get('namespace') or '-'}/{r.get('name', '')}".strip() if r else "-"

    def fix_text(self) -> str:
        if not self.action:
            return "no action taken"
        verb = self.action.split(" ", 1)[0].replace("_", " ")
        state = {True: "verified", False: "not verified", None: "advised, not executed"}[self.verified]
        return f"{verb} ({state})"

    def one_line(self) -> str:
        """`12 Nov · bad_rollout · Deployment prod/api · <summary> · fixed by rollback deployment (verified)`."""
        day = time.strftime("%d %b", time.gmtime(self.created_at))
        return (f"{day} · {self.category or self.status} · {self.resource_label()} · "
                f"{_clip(self.summary, 160)} · {self.fix_text()}")


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def thread_of(incident_id: str) -> tuple[str | None, str | None]:
    """Channel and thread ts encoded in an incident id (`inc-T1-C1-1700000000_000100`)."""
    m = _INCIDENT.match(incident_id)
    return (m["channel"], f"{m['sec']}.{m['frac']}") if m else (None, None)


def _key_evidence(report: Report) -> list[str]:
    facts = (report.hypotheses[0].evidence if report.hypotheses else []) + [e.fact for e in report.evidence]
    out: list[str] = []
    for fact in facts:
        if fact and fact not in out:
            out.append(fact)
    return out[:MAX_FACTS]


def _action(state: Mapping[str, Any], report: Report) -> tuple[str | None, bool | None]:
    outcome = state.get("outcome") or {}
    acted = outcome.get("action") or {}
    if acted:
        target = acted.get("target") or {}
        label = f"{target.get('kind', '')} {target.get('namespace') or '-'}/{target.get('name', '')}"
        return f"{acted.get('action')} {label} {acted.get('params') or ''}".strip(), bool(outcome.get("verified"))
    if report.proposed_actions:
        a = report.proposed_actions[0]
        return f"{a.action.value} {a.target.label() if a.target else ''}".strip(), None
    return None, None


def _features(state: Mapping[str, Any], report: Report) -> dict[str, float]:
    """What perceive saw (so a new incident compares like with like), plus where this one ended."""
    feats = features(state.get("trigger"), list(state.get("findings") or []))
    if report.category:  # scaled to the rest, so a twin still finds it (cosine >= 0.89) however little perceive saw
        weight = FINAL_CATEGORY_SHARE * math.sqrt(sum(v * v for v in feats.values()) or 1.0)
        feats[f"cat:{report.category}"] = feats.get(f"cat:{report.category}", 0.0) + weight
    return feats


def build_record(state: Mapping[str, Any], report: Report, *, now: float | None = None) -> MemoryRecord:
    """The record of a finished investigation, redacted as a whole."""
    incident = str(state.get("incident_id") or "")
    trigger = state.get("trigger") or {}
    channel, thread_ts = thread_of(incident)
    action, verified = _action(state, report)
    raw = MemoryRecord(
        incident_id=incident, created_at=now if now is not None else time.time(), status=report.status.value,
        category=report.category, resource=report.resource.model_dump() if report.resource else None,
        trigger=trigger_text(trigger), summary=report.summary,
        evidence=_key_evidence(report), action=action, verified=verified,
        channel=str(trigger.get("channel") or channel or "") or None, thread_ts=thread_ts,
        permalink=trigger.get("permalink"), features=_features(state, report))
    # whole texts are redacted before clipping (a cut secret is unrecognisable); the features were built from
    # redacted text already, and their keys ("w:password") must not read as secret-named fields
    clean = MemoryRecord(**redact_obj(raw.model_dump(exclude={"features"})), features=raw.features)
    return clean.model_copy(update={"trigger": _clip(clean.trigger, TEXT_CHARS),
                                    "summary": _clip(clean.summary, TEXT_CHARS * 2),
                                    "evidence": [_clip(e, FACT_CHARS) for e in clean.evidence][:MAX_FACTS]})
