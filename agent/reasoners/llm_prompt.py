"""What the LLM sees: the system prompt, the compacted state, and the schemas of the tools it may call."""
from __future__ import annotations

import json
from typing import Any

from agent.state import AgentState
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
    lines = [json.dumps(parts, default=str)]
    for i, ob in enumerate(obs):
        text = ob["text"] if i >= len(obs) - KEEP_FULL else "\n".join(ob["text"].splitlines()[:3]) + " [compacted]"
        lines.append(f"OBSERVATION {ob['tool']}({json.dumps(ob['args'])}) [{ob['status']}] "
                     f"{ob['invocation']}\n{text}")
    return "\n\n".join(lines)
