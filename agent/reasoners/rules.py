"""The deterministic reasoner: ranks analyzer findings, calls the tools that confirm them, picks the fix.

Policy, in order:
1. first step: state the leading hypotheses and call the tools that would confirm or refute them;
2. re-score each finding with what the tools showed (log signals for the affected pods);
3. if the best finding is strong enough, propose its action (a mutation goes to the approval gate,
   `recommend_only` concludes); a declined action falls back to advice;
4. after an approved action ran, conclude with its verification;
5. nothing strong: `no_fault` when the workloads in focus are healthy, else `inconclusive`.
Nothing here looks at scenario ids, object names or namespaces.
"""
from __future__ import annotations

from typing import Any

from agent.analyzers import all_observers
from agent.evidence import growing, log_signals, metric_rows, rises_after
from agent.findings import Finding, ToolCall
from agent.reasoner import Conclusion, Decision
from agent.reasoners import followup
from agent.state import AgentState
from tools.trace_findings import trace_findings
from tools.models import ActionName, ProposedAction
from tools.report import Hypothesis, ReportStatus, Verdict

CONFIRMED = 0.6
MAX_CALLS_PER_STEP = 14


class RulesReasoner:
    name = "debugbot rules reasoner"

    def decide(self, state: AgentState) -> Decision:
        findings = [Finding.from_dict(d) for d in state.get("findings") or []]
        observations = list(state.get("observations") or [])
        scaled = {f.affected.name for f in findings if f.category == "autoscaling" and f.affected}
        extra = [f for observe in all_observers() for f in observe(state.get("focus") or {}, observations)
                 if not (f.category == "cpu_saturation" and f.affected and f.affected.name in scaled)]
        findings = _rescore(findings + extra, observations, focus=state.get("focus") or {})
        if state.get("outcome"):
            return self._after_action(state, findings)
        hyps = _hypotheses(findings)
        asked = {ToolCall(o["tool"], o["args"]).key() for o in observations}
        if not observations:
            calls = _first_calls(state, findings)
            calls = [c for c in calls if c.key() not in asked][:MAX_CALLS_PER_STEP]
            if calls:
                plan = [f"check: {h.statement}" for h in hyps[:3]] or ["survey the workloads in focus"]
                return Decision(calls=calls, hypotheses=hyps, plan=plan)
        best = findings[0] if findings else None
        if best is None or best.score < CONFIRMED:
            return Decision(hypotheses=hyps, conclude=_no_strong_finding(state, best))
        return self._act_on(state, best, hyps)

    def answer(self, state: AgentState, question: str) -> Decision:
        return followup.answer(state, question)

    def _act_on(self, state: AgentState, best: Finding, hyps: list[Hypothesis]) -> Decision:
        declined = {(d["action"]["action"], str(d["action"].get("target"))) for d in state.get("declined") or []}
        action = best.action
        if action and (action.action.value, str(action.target.model_dump() if action.target else None)) in declined:
            action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=action.target,
                                    rationale=f"{action.rationale} (the proposed {action.action.value} was declined)")
        if action and action.mutating:
            return Decision(hypotheses=hyps, propose=action)
        advice = action.rationale if action else "no safe automatic fix"
        return Decision(hypotheses=hyps, propose=None, conclude=Conclusion(
            status=ReportStatus.ESCALATED.value, category=best.category,
            resource=best.resource.model_dump() if best.resource else None,
            summary=f"{best.summary}. Recommended: {advice}.", recommendation=action))

    def _after_action(self, state: AgentState, findings: list[Finding]) -> Decision:
        outcome = state.get("outcome") or {}
        acted = outcome.get("action") or {}
        best = next((f for f in findings if f.action and f.action.action.value == acted.get("action")
                     and f.action.target and f.action.target.model_dump() == acted.get("target")),
                    findings[0] if findings else None)
        ok, verified = outcome.get("ok"), outcome.get("verified")
        status = ReportStatus.RESOLVED if ok and verified else ReportStatus.ESCALATED
        text = (f"{best.summary if best else 'Fix applied'}. {outcome.get('text', '')}"
                + ("" if verified else " The fix could not be verified: a human should look."))
        return Decision(conclude=Conclusion(status=status.value, category=best.category if best else None,
                                            resource=best.resource.model_dump() if best and best.resource else None,
                                            summary=text))


def _rescore(findings: list[Finding], observations: list[Any], *, focus: dict[str, Any]) -> list[Finding]:
    for f in findings:
        if f.affected is None:
            continue
        if f.analyzer == "config.split":
            _confirm_split(f, observations, focus)
            continue
        if f.analyzer == "pods.oom":
            _leak_or_limit(f, observations)
        _traced_from_focus(f, observations, focus)
        _traced_by_spans(f, observations)
        if f.analyzer == "rollout.recent" and f.onset is not None:
            rises = rises_after(observations, service=f.affected.name, since=f.onset.strftime("%Y-%m-%dT%H:%M:%S"))
            if rises:
                f.score = min(0.9, f.score + 0.35)
                f.facts += rises[:2]
        sigs = log_signals(observations, pod_prefix=f.affected.name)
        if not sigs:
            continue
        specific = [s for s in sigs if s.category]
        if f.analyzer == "rollout.recent":
            f.score = min(0.9, f.score + 0.35)
            f.facts += [f"after the rollout the pods log: {s.line}" for s in sigs[:3]]
        elif f.analyzer == "contention.shared":
            f.score = min(0.8, f.score + 0.1)
            f.facts += [f"{f.affected.name} logs: {s.line}" for s in sigs[:2]]
        elif specific:
            f.facts += [f"{s.name}: {s.line}" for s in specific[:3]]
            if specific[0].category == f.category:
                f.score = min(0.98, f.score + 0.1)
        else:
            f.facts += [f"logs: {s.line}" for s in sigs[:2]]
    return sorted(findings, key=lambda x: x.score, reverse=True)


def _traced_from_focus(f: Finding, observations: list[Any], focus: dict[str, Any]) -> None:
    """A failing dependency named in the errors of the workload in focus is where the symptom comes from."""
    if f.affected is None or any(w.get("name") == f.affected.name for w in focus.get("workloads", [])[:1]):
        return
    names = {n for n in (f.affected.name, f.resource.name if f.resource else "") if len(n) > 3}
    for pod in focus.get("pods", []):
        for sig in log_signals(observations, pod_prefix=pod["name"]):
            if any(n in sig.line for n in names):
                f.score = min(0.9, f.score + 0.3)
                f.facts.append(f"{pod['name']} (in focus) fails calling it: {sig.line}")
                return


def _traced_by_spans(f: Finding, observations: list[Any]) -> None:
    """The deepest failing (or slowest) service in the traces is a stronger candidate than its callers."""
    if f.affected is None:
        return
    for ob in observations:
        if ob["tool"] != "find_traces" or ob["status"] != "ok" or not isinstance(ob.get("data"), dict):
            continue
        for lead in trace_findings(ob["data"])[:2]:
            if lead.get("service") in (f.affected.name, f.resource.name if f.resource else None):
                f.score = min(0.9, f.score + 0.3)
                f.facts.append(f"traces: {lead.get('kind')} in {lead.get('service')} {lead.get('operation', '')} "
                               f"({float(lead.get('share') or 0):.0%} of traces) {lead.get('message', '')}".strip())
                return


def _confirm_split(f: Finding, observations: list[Any], focus: dict[str, Any]) -> None:
    """Confirmed when the pods in focus fail on the nodes with the new config and not on the others."""
    fresh, stale = set(f.data.get("fresh_nodes", [])), set(f.data.get("stale_nodes", []))
    sick: set[str] = set()
    healthy: set[str] = set()
    for pod in focus.get("pods", []):
        sigs = [s for s in log_signals(observations, pod_prefix=pod["name"]) if s.category]
        logged = any(o["tool"] == "pod_logs" and o["args"].get("pod") == pod["name"] for o in observations)
        if sigs:
            sick.add(pod["node"])
            f.facts.append(f"{pod['name']} on {pod['node']}: {sigs[0].line}")
        elif logged:
            healthy.add(pod["node"])
    if sick and sick <= fresh and healthy and healthy <= stale:
        f.score = 0.8
        f.facts.append(f"failures only on {', '.join(sorted(sick))} (new config); "
                       f"{', '.join(sorted(healthy))} (old config) is clean")


def _leak_or_limit(f: Finding, observations: list[Any]) -> None:
    """OOM kills with memory climbing steadily for hours are a leak: restart now, fix the code; not a bigger limit."""
    if f.action is None or f.action.action is not ActionName.SET_RESOURCES or f.affected is None:
        return
    rows = metric_rows(observations, "memory_vs_limit", pod_prefix=f.affected.name)
    leaking = [r for r in rows if growing(r)]
    if not rows:
        return
    if not leaking:
        f.facts.append("memory is flat below the limit between kills: the limit is too small for normal use")
        return
    f.category, f.analyzer = "memory_leak", "pods.leak"
    f.summary = f"{f.affected.label()} leaks memory until it is OOMKilled"
    r = leaking[0]
    f.facts.append(f"memory of {r['labels'].get('pod')} grows {r['slope_per_hour'] / 2**20:.0f}Mi/h, from "
                   f"{r['low'] / 2**20:.0f}Mi to {r['peak'] / 2**20:.0f}Mi of its {r['limit'] / 2**20:.0f}Mi limit "
                   f"({len(leaking)} of {len(rows)} containers climbing): a leak, not a limit that is too small")
    f.action = ProposedAction(action=ActionName.RESTART_WORKLOAD, target=f.action.target,
                              rationale="a rolling restart frees the leaked memory now; the leak itself needs a "
                                        "code or config fix (bound the cache that grows), and a bigger limit "
                                        "only delays the next kill")
    f.score = min(0.9, f.score + 0.15)


def _hypotheses(findings: list[Finding]) -> list[Hypothesis]:
    out = []
    for f in findings[:4]:
        verdict = Verdict.CONFIRMED if f.score >= CONFIRMED else Verdict.OPEN
        out.append(Hypothesis(statement=f.summary, category=f.category, resource=f.resource,
                              confidence=round(f.score, 2), evidence=f.facts[:6], against=f.against[:3],
                              verdict=verdict))
    return out


def _first_calls(state: AgentState, findings: list[Finding]) -> list[ToolCall]:
    calls: list[ToolCall] = []
    for f in findings[:2]:
        calls += f.confirm_with
    calls += [ToolCall("pod_logs", {"namespace": _focus_ns(state), "pod": p["name"], "tail_lines": 200})
              for p in (state.get("focus") or {}).get("pods", [])[:3]]
    for w in (state.get("focus") or {}).get("workloads", [])[:1]:
        if w["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"):
            calls.append(ToolCall("workload_status", {"kind": w["kind"], "namespace": w["namespace"],
                                                      "name": w["name"]}))
            calls.append(ToolCall("events", {"namespace": w["namespace"], "kind": w["kind"], "name": w["name"]}))
            calls.append(ToolCall("error_rate", {"namespace": w["namespace"], "service": w["name"]}))
            calls.append(ToolCall("latency_quantile", {"namespace": w["namespace"], "service": w["name"]}))
            calls.append(ToolCall("find_traces", {"service": w["name"], "minutes": 60}))
            pods = {"namespace": w["namespace"], "pod_regex": f"{w['name']}-.*"}
            calls += [ToolCall("cpu_throttling", pods), ToolCall("cpu_vs_limit", pods)]
    seen: set[str] = set()
    unique = []
    for c in calls:
        if c.key() not in seen:
            seen.add(c.key())
            unique.append(c)
    return unique


def _focus_ns(state: AgentState) -> str | None:
    workloads = (state.get("focus") or {}).get("workloads") or [{}]
    return str(workloads[0].get("namespace") or "") or None


def _no_strong_finding(state: AgentState, best: Finding | None) -> Conclusion:
    focus = state.get("focus") or {}
    names = ", ".join(f"{w['kind']} {w['namespace']}/{w['name']}" for w in focus.get("workloads", [])[:2])
    if best is None or best.score < 0.35 or best.against:
        past = "".join(f" Earlier: {f.summary}; {'; '.join(f.facts[:3])}; but {'; '.join(f.against[:3])}."
                       for f in ([best] if best and best.against else []))
        return Conclusion(status=ReportStatus.NO_FAULT.value, category="no_fault", resource=None,
                          summary=f"No current fault found{' in ' + names if names else ''}: the workloads are "
                                  f"healthy now (recovered); no action needed.{past}",
                          recommendation=ProposedAction(action=ActionName.RECOMMEND_ONLY,
                                                        rationale="no change needed now"))
    return Conclusion(status=ReportStatus.INCONCLUSIVE.value, category=best.category,
                      resource=best.resource.model_dump() if best.resource else None,
                      summary=f"Inconclusive. Weak lead: {best.summary} (confidence {best.score:.2f}).")
