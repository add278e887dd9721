"""What the LLM sees: the system prompt, the compacted state, and the schemas of the tools it may call."""
from __future__ import annotations

import json
from typing import Any

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

KEEP_FULL = 6  # the newest observations in full; older ones compacted to their first lines
FULL_TOKENS = 350  # even a "full" observation is capped in the model's context (the thread has it all)


def state_message(state: AgentState) -> str:
    """The compact context: trigger, focus, findings, plan, observations (older ones compacted)."""
    obs = list(state.get("observations") or [])
    parts: dict[str, Any] = {
        "trigger": state.get("trigger"), "focus": state.get("focus"),
        "findings": [{k: f[k] for k in ("category", "resource", "score", "summary", "facts", "action")}
                     for f in (state.get("findings") or [])[:8]],
        "plan": state.get("plan"), "declined": state.get("declined"), "outcome": state.get("outcome"),
        "question": state.get("question"),
    }
    lines = [json.dumps(parts, default=str, ensure_ascii=False)]
    for i, ob in enumerate(obs):
        text = cap_text(ob["text"], FULL_TOKENS, keep="head")[0] if i >= len(obs) - KEEP_FULL \
            else "\n".join(ob["text"].splitlines()[:3]) + " [compacted]"
        lines.append(f"OBSERVATION {ob['tool']}({json.dumps(ob['args'])}) [{ob['status']}] "
                     f"{ob['invocation']}\n{text}")
    return "\n\n".join(lines)


def compact_schema(schema: Any, *, limit: int = 80) -> Any:
    """Tool schemas cost input tokens on every call: keep first sentences and drop JSON-schema noise."""
    if isinstance(schema, list):
        return [compact_schema(s, limit=limit) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        # validation stays in code (pydantic): the model needs names and meanings, not regexes
        if key in ("title", "examples", "pattern", "maxLength", "minLength", "additionalProperties") \
                or (key == "default" and value is None):
            continue
        if key == "description" and isinstance(value, str):
            first = value.split(". ")[0].split("\n")[0]
            out[key] = first if len(first) <= limit else first[: limit - 1] + "…"
        elif key == "anyOf" and isinstance(value, list) and {"type": "null"} in value and len(value) == 2:
            out.update(compact_schema(next(v for v in value if v != {"type": "null"}), limit=limit))
        else:
            out[key] = compact_schema(value, limit=limit)
    return out
