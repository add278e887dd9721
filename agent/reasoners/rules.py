"""The deterministic reasoner: ranks analyzer findings, calls the tools that confirm them, picks the fix.

Policy, in order:
1. first step: state the leading hypotheses and call the tools that would confirm or refute them;
2. when the traces blame a service other than the one in focus, read that service's pod metrics too;
   then re-score each finding with what the tools showed (log signals, metric shapes, trace leads);
3. if the best finding is strong enough, propose its action (a mutation goes to the approval gate,
   `recommend_only` concludes); a declined action falls back to advice;
4. after an approved action ran, conclude with its verification;
5. nothing strong: `no_fault` when the workloads in focus are healthy, else `inconclusive`.
Nothing here looks at scenario ids, object names or namespaces.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.analyzers import all_observers, front_proxy, nodelocal, rbac
from agent.evidence import growing, leak_findings, log_signals, metric_rows, rises_after
from agent.findings import Finding, ToolCall
from agent.memory.priors import apply_priors
from agent.reasoner import Conclusion, Decision
from agent.reasoners import followup
from agent.reasoners.rules_confirm import (CONFIRMED, confirm_node_contention, confirm_recurring,
                                          confirm_restart_pickup, confirm_stale_secret, confirm_startup,
                                          confirm_zero_count,
                                          superseded, unsteady_latency)
from agent.reasoners.rules_traces import blamed_downstream, follow_leads, lead_findings, traced_by_spans
from agent.state import AgentState
from tools.models import ActionName, ProposedAction
from tools.report import Hypothesis, ReportStatus, Verdict

MAX_CALLS_PER_STEP = 14
_SERVING = ("Deployment", "StatefulSet", "DaemonSet")


class RulesReasoner:
    name = "debugbot rules reasoner"

    def decide(self, state: AgentState) -> Decision:
        findings = [Finding.from_dict(d) for d in state.get("findings") or []]
        observations = list(state.get("observations") or [])
        scaled = {f.affected.name for f in findings if f.category == "autoscaling" and f.affected}
        extra = [f for observe in all_observers() for f in observe(state.get("focus") or {}, observations)]
        extra += leak_findings(state.get("focus") or {}, observations, findings)
        extra += lead_findings(state.get("focus") or {}, observations)
        extra = [f for f in extra if not (f.category == "cpu_saturation" and f.affected and f.affected.name in scaled)]
        findings = _rescore(findings + extra, observations, focus=state.get("focus") or {})
        findings = apply_priors(findings, state.get("priors"), confirmed=CONFIRMED)  # past incidents: rank only
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
        follow = [c for c in follow_leads(state.get("focus") or {}, observations) if c.key() not in asked]
        if follow:
            return Decision(calls=follow, hypotheses=hyps, plan=["follow the traces to the service that holds "
                                                                 "the time or the failures"])
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


Confirmer = Callable[[Finding, list[Any]], None]
_CONFIRM_ONLY: dict[str, Confirmer] = {
    "config.restart": confirm_restart_pickup, "contention.node": confirm_node_contention,
    "secrets.stale_env": confirm_stale_secret, "pods.recurring": confirm_recurring,
    "probes.startup": confirm_startup, "network.nodelocal": nodelocal.confirm, "rbac.role": rbac.confirm,
    "cpu.front_proxy": front_proxy.confirm,
}


def _rescore(findings: list[Finding], observations: list[Any], *, focus: dict[str, Any]) -> list[Finding]:
    for f in findings:
        if f.affected is None:
            continue
        if f.analyzer == "config.split":
            _confirm_split(f, observations, focus)
            continue
        if f.analyzer in _CONFIRM_ONLY:  # findings whose own confirmer weighs the observations in full
            _CONFIRM_ONLY[f.analyzer](f, observations)
            continue
        if f.analyzer == "routing.zero":
            confirm_zero_count(f, observations)
        if f.analyzer == "observed.cpu" and f.against:
            unsteady_latency(f, observations)
        if f.analyzer == "pods.oom":
            _leak_or_limit(f, observations)
        _traced_from_focus(f, observations, focus)
        traced_by_spans(f, observations)
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
    for f in findings:
        blamed_downstream(f, observations)
    superseded(findings)
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
        f.facts.append("the typical memory level stays flat well below the limit; the kills come from short "
                       "spikes to it: the limit is too small for the largest requests, not a leak")
        return
    f.category, f.analyzer = "memory_leak", "pods.leak"
    f.summary = f"{f.affected.label()} leaks memory until it is OOMKilled"
    r = leaking[0]
    f.facts.append(f"memory of {r['labels'].get('pod')} grows {r['slope_per_hour'] / 2**20:.0f}Mi/h, from "
                   f"{r['low'] / 2**20:.0f}Mi to {r['peak'] / 2**20:.0f}Mi of its {r['limit'] / 2**20:.0f}Mi limit "
                   f"({len(leaking)} of {len(rows)} containers climbing): a leak, not a limit that is too small")
    f.action = _leak_fix(f)
    f.score = min(0.9, f.score + 0.15)


def _leak_fix(f: Finding) -> ProposedAction:
    """A leak that came with a release of the last days: roll back (a restart only delays the next kill)."""
    assert f.action is not None
    rel = f.data.get("release") or {}
    if rel.get("previous") is not None and f.action.target and f.action.target.kind == "Deployment":
        f.facts.append(f"the leaking pods run revision {rel['revision']} ({rel['image']}), released "
                       f"{rel['age_days']} days ago; revision {rel['previous']} ({rel['previous_image']}) ran before")
        return ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT, target=f.action.target,
                              params={"revision": rel["previous"]},
                              rationale=f"the leak came with revision {rel['revision']} ({rel['image']}); revision "
                                        f"{rel['previous']} ran without it. A restart only delays the next kill "
                                        "and a bigger limit only stretches the cycle")
    return ProposedAction(action=ActionName.RESTART_WORKLOAD, target=f.action.target,
                          rationale="a rolling restart frees the leaked memory now; the leak itself needs a "
                                    "code or config fix (bound the cache that grows), and a bigger limit "
                                    "only delays the next kill")


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
        if not (state.get("focus") or {}).get("workloads") and f.affected and f.affected.kind in _SERVING:
            calls.append(ToolCall("find_traces", {"service": f.affected.name, "minutes": 60}))
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
            calls += [ToolCall("cpu_throttling", pods), ToolCall("cpu_vs_limit", pods),
                      ToolCall("memory_vs_limit", pods)]
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
