"""Past incidents as priors: recalled at perceive, shown as "Seen before", used to rank, never as evidence."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from agent.findings import Finding
from agent.state import AgentState
from tools.memory.recall import MEMORY_ERRORS, LongTermMemory, Match
from tools.report import Report

log = logging.getLogger(__name__)
PRIOR_WEIGHT = 0.1  # at most this much added to a finding's rank (not its score) by a perfect match
Emit = Callable[..., None]


def prior_of(match: Match) -> dict[str, Any]:
    r = match.record
    return {"incident_id": r.incident_id, "similarity": match.similarity, "category": r.category,
            "resource": r.resource, "status": r.status, "summary": r.summary, "evidence": r.evidence[:3],
            "action": r.action, "verified": r.verified, "when": r.created_at, "permalink": r.permalink,
            "channel": r.channel, "thread_ts": r.thread_ts}


def seen_before_text(prior: dict[str, Any]) -> str:
    """`Looks like inc-... from 12 Nov (similarity 0.93): bad_rollout on Deployment prod/api: ...; fixed by ...`."""
    day = time.strftime("%d %b", time.gmtime(float(prior.get("when") or 0)))
    res = prior.get("resource") or {}
    where = f" on {res.get('kind')} {res.get('namespace') or '-'}/{res.get('name')}" if res else ""
    verb = str(prior.get("action") or "").split(" ", 1)[0].replace("_", " ")
    fix = {True: f"fixed by {verb} (verified)", False: f"{verb} tried, not verified",
           None: f"advised: {verb}" if verb else "no action taken"}[prior.get("verified")]
    summary = " ".join(str(prior.get("summary") or "").split())[:200]
    return (f"Looks like {prior['incident_id']} from {day} (similarity {float(prior['similarity']):.2f}): "
            f"{prior.get('category') or prior.get('status')}{where}: {summary}; {fix}")


def recall_priors(memory: LongTermMemory | None, state: AgentState, findings: list[dict[str, Any]], *,
                  emit: Emit) -> list[dict[str, Any]]:
    """Recall for perceive: emit one "recall" event per match, return the priors for the state.
    Memory is optional: any failure is a warning and no priors."""
    if memory is None:
        return []
    try:
        matches = memory.recall(state.get("trigger"), findings, exclude=state.get("incident_id"))
    except MEMORY_ERRORS as exc:
        log.warning("memory recall failed for %s, carrying on without: %s", state.get("incident_id"), exc)
        return []
    priors = [prior_of(m) for m in matches]
    for p in priors:
        emit("recall", seen_before_text(p), incident_id=p["incident_id"], similarity=p["similarity"],
             category=p["category"], permalink=p["permalink"])
    return priors


def remember_report(memory: LongTermMemory | None, state: AgentState, report: Report) -> None:
    """Store the finished investigation; a failure is a warning, never the investigation's failure."""
    if memory is None:
        return
    try:
        memory.remember(state, report)
    except MEMORY_ERRORS as exc:
        log.warning("memory could not store %s: %s", state.get("incident_id"), exc)


def apply_priors(findings: list[Finding], priors: list[dict[str, Any]] | None, *,
                 confirmed: float = 0.6) -> list[Finding]:
    """Rank findings whose category a similar past incident ended in a little higher.

    Scores (what the evidence says, and what the reasoner's thresholds read) are untouched: a prior
    only reorders findings that stand on their own evidence, and never creates one. Nor does it lift
    a finding the evidence has not confirmed above one it has (`confirmed` is the reasoner's bar)."""
    if not priors:
        return findings

    def bonus(f: Finding) -> float:
        sims = [float(p.get("similarity") or 0) for p in priors if p.get("category") == f.category]
        return PRIOR_WEIGHT * max(sims) if sims and f.score > 0 else 0.0

    for f in findings:
        best = max((p for p in priors if p.get("category") == f.category),
                   key=lambda p: float(p.get("similarity") or 0), default=None)
        if best is not None and f.score > 0:
            f.facts.append(f"seen before: {best['incident_id']} (similarity {float(best['similarity']):.2f}) "
                           f"ended as {best.get('category')}")
    return sorted(findings, key=lambda f: (f.score >= confirmed, f.score + bonus(f)), reverse=True)


def prior_context(priors: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """What the LLM reasoner is shown of the priors: compact, labelled as history, not evidence."""
    if not priors:
        return None
    return [{"note": "similar past incident: a prior to rank hypotheses, not evidence about now",
             "incident": p["incident_id"], "similarity": p["similarity"], "category": p.get("category"),
             "resource": p.get("resource"), "summary": str(p.get("summary") or "")[:240],
             "fix": p.get("action"), "verified": p.get("verified")} for p in priors]
