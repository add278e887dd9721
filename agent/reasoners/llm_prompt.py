"""What the LLM sees: the system prompt, the compacted state, and the schemas of the tools it may call."""
from __future__ import annotations

import json
from typing import Any

from agent.memory.priors import prior_context
from agent.state import AgentState
from tools.budget import cap_text
from tools.models import ActionName

SYSTEM = """You are debugbot, a careful senior SRE investigating a Kubernetes incident.
Work from evidence only: call read tools to test hypotheses; never invent tool output.
Analyzer findings are deterministic detectors' leads, not proof: confirm or refute them.
Prefer the fix that removes the cause over one that treats the symptom (restarting a crash loop,
scaling a failing service). When no safe mutation exists, propose `recommend_only` with the exact
change a human should make. When nothing is wrong now, conclude with category no_fault.
You may only PROPOSE actions (propose_action); a human approves them. Finish with `conclude`.
Categories: bad_rollout, config_error, image_pull, oom_killed, memory_leak, cpu_saturation,
resource_contention, dependency_failure, service_routing, scaled_to_zero, unschedulable,
quota_exceeded, storage, probe_failure, network_policy, dns_failure, network_degradation,
node_failure, autoscaling, access_denied, no_fault."""

_REF = {"type": "object", "properties": {"kind": {"type": "string"}, "namespace": {"type": "string"},
                                         "name": {"type": "string"}}, "required": ["kind", "name"]}

PROPOSE = {"type": "function", "function": {
    "name": "propose_action", "description": "Propose one fix from the closed set; a human must approve it.",
    "parameters": {"type": "object", "properties": {
        "action": {"type": "string", "enum": [a.value for a in ActionName]},
        "target": _REF, "params": {"type": "object"}, "rationale": {"type": "string"}},
        "required": ["action", "target", "rationale"]}}}

CONCLUDE = {"type": "function", "function": {
    "name": "conclude", "description": "Finish the investigation with the diagnosis.",
    "parameters": {"type": "object", "properties": {
        "status": {"type": "string", "enum": ["resolved", "no_fault", "inconclusive", "escalated"]},
        "category": {"type": "string"}, "resource": _REF, "summary": {"type": "string"}},
        "required": ["status", "category", "summary"]}}}

KEEP_FULL = 6  # the newest observations in full; older ones compacted to their first line
FULL_TOKENS = 260  # even a "full" observation is capped in the model's context (the thread has it all)
MAX_FINDINGS, MAX_FACTS, FACT_CHARS = 5, 4, 180
# what a model needs of an alert; URLs, fingerprints and endsAt only cost tokens
ALERT_KEYS = ("status", "labels", "annotations", "startsAt")


def state_message(state: AgentState) -> str:
    """The compact context: trigger, focus, findings, plan, observations (older ones compacted).

    Observations are shown by their arguments, not their invocations: the exact API paths and PromQL
    are for humans rerunning them (the thread and report carry them), and cost the model hundreds of
    tokens each."""
    obs = list(state.get("observations") or [])
    parts: dict[str, Any] = {
        "trigger": _trigger(state.get("trigger")), "focus": state.get("focus"),
        "findings": _findings(state.get("findings") or []),
        "plan": state.get("plan"), "declined": state.get("declined"), "outcome": state.get("outcome"),
        "question": state.get("question"), "seen_before": prior_context(state.get("priors")),
    }
    lines = [json.dumps({k: v for k, v in parts.items() if v not in (None, [], {})}, default=str,
                        ensure_ascii=False, separators=(",", ":"))]
    for i, ob in enumerate(obs):
        text = cap_text(ob["text"], FULL_TOKENS, keep="head")[0] if i >= len(obs) - KEEP_FULL \
            else (ob["text"].splitlines() or [""])[0][:200] + " [compacted]"
        lines.append(f"OBSERVATION {ob['tool']}({json.dumps(ob['args'])}) [{ob['status']}]\n{text}")
    return "\n\n".join(lines)


def _trigger(trigger: Any) -> Any:
    if not isinstance(trigger, dict) or not isinstance(trigger.get("alert"), dict):
        return trigger
    alert = trigger["alert"]
    return {**trigger, "alert": {k: alert[k] for k in ALERT_KEYS if k in alert}}


def _findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The leading findings; a fact already stated by a higher finding is not repeated."""
    seen: set[str] = set()
    out = []
    for f in findings[:MAX_FINDINGS]:
        facts = [fact[:FACT_CHARS] for fact in f.get("facts") or [] if fact[:FACT_CHARS] not in seen]
        seen.update(facts)
        out.append({"category": f["category"], "resource": f["resource"], "score": f["score"],
                    "summary": f["summary"], "facts": facts[:MAX_FACTS], "action": f["action"]})
    return out


_NOISE = frozenset({"title", "examples", "pattern", "maxLength", "minLength", "additionalProperties", "minimum",
                    "maximum", "default"})
_FILLER = frozenset({"kubernetes", "the", "a", "name", "of", "one"})


def compact_schema(schema: Any, *, limit: int = 80, param_limit: int = 40, _param: str = "") -> Any:
    """Tool schemas cost input tokens on every call: keep names, types, enums and short meanings.

    Validation (bounds, patterns, defaults) stays in code (pydantic refuses a bad call with a message the
    model reads), so the model only needs what each parameter is; a description that just restates the
    parameter's name ("namespace": "Kubernetes namespace") is dropped."""
    if isinstance(schema, list):
        return [compact_schema(s, limit=limit, param_limit=param_limit) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _NOISE:
            continue
        if key == "description" and isinstance(value, str):
            short = _shorten(value, param_limit if _param else limit)
            if not _param or not _restates(short, _param):
                out[key] = short
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: compact_schema(v, limit=limit, param_limit=param_limit, _param=name)
                        for name, v in value.items()}
        elif key == "anyOf" and isinstance(value, list) and {"type": "null"} in value and len(value) == 2:
            out.update(compact_schema(next(v for v in value if v != {"type": "null"}), limit=limit,
                                      param_limit=param_limit, _param=_param))
        else:
            out[key] = compact_schema(value, limit=limit, param_limit=param_limit)
    return out


def _shorten(text: str, limit: int) -> str:
    first = text.split(". ")[0].split("\n")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _restates(description: str, param: str) -> bool:
    words = {w for w in description.lower().replace("(", " ").replace(")", " ").split()} - _FILLER
    return words <= set(param.lower().split("_")) | {param.lower()}
