"""Answering a follow-up question in an incident thread without an LLM: the tools it asks for, then the answer.

A question that asks for something observable ("show logs of X", "what changed in the
last rollout", "error rate now?", "events for pod Y", "is it fixed?") becomes typed tool
calls on the incident's subject; the graph runs them and asks again, and the answer is
built from what they returned, each with its rerunnable invocation. Anything else gets
the report's summary and a list of what can be asked.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.findings import ToolCall
from agent.reasoner import Conclusion, Decision
from agent.state import AgentState, Observation
from tools.report import ReportStatus

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
ANSWER_LINES = 12  # per tool result, in the answer; the full text stays in the checkpointed observations
NAME = re.compile(r"[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?")
CAN_ASK = ("logs of a pod or workload", "what changed in the last rollout", "the error rate or latency now",
           "events for a pod or workload", "memory, CPU or restarts", "whether it is fixed")


@dataclass(frozen=True)
class Subject:
    """What a question is about: a workload (and one of its pods, when known)."""

    namespace: str
    kind: str
    name: str
    pod: str | None = None

    @property
    def pods(self) -> dict[str, Any]:
        return {"namespace": self.namespace, "pod_regex": f"{re.escape(self.name)}-.*"}


def _logs(s: Subject, q: str) -> list[ToolCall]:
    if not s.pod:  # find its pods first; `answer` asks for the logs of one of them next
        return [ToolCall("workload_status", {"kind": s.kind, "namespace": s.namespace, "name": s.name})]
    return [_pod_logs(s.namespace, s.pod, q)]


def _pod_logs(namespace: str, pod: str, q: str) -> ToolCall:
    previous = bool(re.search(r"previous|before (it|the) (crash|restart)|last crash", q))
    return ToolCall("pod_logs", {"namespace": namespace, "pod": pod, "tail_lines": 50, "previous": previous})


def _events(s: Subject, q: str) -> list[ToolCall]:
    kind, name = ("Pod", s.pod) if s.pod and "pod" in q else (s.kind, s.name)
    return [ToolCall("events", {"namespace": s.namespace, "kind": kind, "name": name})]


def _rollout(s: Subject, q: str) -> list[ToolCall]:
    if s.kind != "Deployment":
        return [ToolCall("workload_status", {"kind": s.kind, "namespace": s.namespace, "name": s.name})]
    return [ToolCall("rollout_history", {"namespace": s.namespace, "deployment": s.name})]


def _service(tool: str) -> Callable[[Subject, str], list[ToolCall]]:
    return lambda s, q: [ToolCall(tool, {"namespace": s.namespace, "service": s.name, "minutes": 60})]


def _pods(tool: str) -> Callable[[Subject, str], list[ToolCall]]:
    return lambda s, q: [ToolCall(tool, {**s.pods, "minutes": 60})]


def _health(s: Subject, q: str) -> list[ToolCall]:
    return [ToolCall("workload_status", {"kind": s.kind, "namespace": s.namespace, "name": s.name}),
            *_service("error_rate")(s, q)]


def _detail(s: Subject, q: str) -> list[ToolCall]:
    return [ToolCall("pod_detail", {"namespace": s.namespace, "name": s.pod})] if s.pod else []


# (pattern on the lowercased question, the calls it asks for); every matching intent contributes.
LOGS = re.compile(r"\blogs?\b|\boutput\b|\bstack ?trace")
INTENTS: list[tuple[re.Pattern[str], Callable[[Subject, str], list[ToolCall]]]] = [
    (LOGS, _logs),
    (re.compile(r"\bevents?\b"), _events),
    (re.compile(r"rollout|revision|what changed|\bchanges?\b|\bdeploy(ed|s)?\b|\bimage\b|\bversion\b"), _rollout),
    (re.compile(r"error.?rate|\berrors\b|\b5xx\b|\b50\d\b|failure rate|failing requests"), _service("error_rate")),
    (re.compile(r"latency|\bslow|\bp9\d\b|response time"), _service("latency_quantile")),
    (re.compile(r"\bfixed\b|\bhealthy\b|\bhealth\b|\brecovered\b|\bresolved\b|\bworking\b|\bok now\b|\bstatus\b"),
     _health),
    (re.compile(r"memory|\boom"), _pods("memory_vs_limit")),
    (re.compile(r"\bcpu\b|throttl"), _pods("cpu_vs_limit")),
    (re.compile(r"restart|crash"), _pods("restarts")),
    (re.compile(r"describe|details? of|\bpod spec\b"), _detail),
]


def answer(state: AgentState, question: str) -> Decision:
    """Ask for the tools the question needs; once they ran (observations since the question), conclude."""
    since = int((state.get("answering") or {}).get("observations") or 0)
    fresh = list(state.get("observations") or [])[since:]
    if fresh:
        more = _logs_of_found_pod(question, fresh)
        if more:
            return Decision(calls=more, plan=[f"answer: {question}"])
        return Decision(conclude=_conclusion(state, _from_tools(question, fresh)))
    subject = subject_of(state, question)
    calls = planned_calls(subject, question) if subject else []
    if calls:
        return Decision(calls=calls, plan=[f"answer: {question}"])
    return Decision(conclude=_conclusion(state, _restated(state, question, subject)))


def _logs_of_found_pod(question: str, fresh: list[Observation]) -> list[ToolCall]:
    """Logs were asked for a workload whose pods were unknown: read one of the pods the status found
    (one that restarts or is not ready first)."""
    q = question.lower()
    if not LOGS.search(q) or any(o["tool"] == "pod_logs" for o in fresh):
        return []
    for ob in fresh:
        data = ob.get("data")
        if ob["tool"] != "workload_status" or not isinstance(data, dict) or not data.get("pods"):
            continue
        pods = sorted(data["pods"], key=lambda p: -sum(int(c.get("restarts") or 0) + (not c.get("ready"))
                                                       for c in p.get("containers") or []))
        return [_pod_logs(str(data["namespace"]), str(pods[0]["name"]), q)]
    return []


def planned_calls(subject: Subject, question: str) -> list[ToolCall]:
    """The tool calls a question asks for about `subject` (deduplicated, in intent order)."""
    q = question.lower()
    calls: dict[str, ToolCall] = {}
    for pattern, plan in INTENTS:
        if pattern.search(q):
            for call in plan(subject, q):
                calls.setdefault(call.key(), call)
    return list(calls.values())


def subject_of(state: AgentState, question: str) -> Subject | None:
    """The workload (and pod) the question names, else the one the investigation was about."""
    workloads = _known_workloads(state)
    pods = [str(p["name"]) for p in (state.get("focus") or {}).get("pods", []) if p.get("name")]
    tokens = NAME.findall(question.lower())
    names = {w["name"] for w in workloads}
    for token in (t for t in tokens if t not in names):  # a pod: a known one, or a workload's name with a suffix
        owner = max((w for w in workloads if token.startswith(w["name"] + "-")), key=lambda w: len(w["name"]),
                    default=None)
        if owner and (token in pods or token.count("-") > owner["name"].count("-")):
            return Subject(owner["namespace"], owner["kind"], owner["name"], pod=token)
    named = next((w for t in tokens for w in workloads if w["name"] == t), None)
    chosen = named or (workloads[0] if workloads else None)
    if chosen is None:
        return None
    pod = next((p for p in pods if p.startswith(chosen["name"] + "-")), None)
    return Subject(chosen["namespace"], chosen["kind"], chosen["name"], pod=pod)


def _known_workloads(state: AgentState) -> list[dict[str, str]]:
    """Workloads the investigation saw: those in focus first, then the findings' and the report's."""
    refs: list[Any] = list((state.get("focus") or {}).get("workloads") or [])
    for f in state.get("findings") or []:
        refs += [f.get("resource"), f.get("affected")]
    refs.append((state.get("report") or {}).get("resource"))
    out: dict[str, dict[str, str]] = {}
    for r in refs:
        if isinstance(r, dict) and r.get("kind") in WORKLOAD_KINDS and r.get("name") and r.get("namespace"):
            out.setdefault(str(r["name"]), {"kind": str(r["kind"]), "namespace": str(r["namespace"]),
                                            "name": str(r["name"])})
    return list(out.values())


def _from_tools(question: str, observations: list[Observation]) -> str:
    parts = [f"Q: {question}"]
    for ob in observations:
        lines = [ln for ln in ob["text"].splitlines() if ln.strip()]
        shown = "\n".join(lines[:ANSWER_LINES]) + (f"\n… {len(lines) - ANSWER_LINES} more lines"
                                                  if len(lines) > ANSWER_LINES else "")
        parts.append(f"{ob['tool']} ({ob['status']}), rerun with: {ob['invocation']}\n{shown or '(empty)'}")
    return "\n\n".join(parts)


def _restated(state: AgentState, question: str, subject: Subject | None) -> str:
    summary = state.get("incident_summary") or (state.get("report") or {}).get("summary") \
        or "No finished investigation to answer from yet."
    about = f" about {subject.kind} {subject.namespace}/{subject.name}" if subject else ""
    return (f"Q: {question}\nFrom the investigation: {summary}\n"
            f"I can also look up{about}: {', '.join(CAN_ASK)} (e.g. \"show logs of <pod>\", \"is it fixed?\").")


def _conclusion(state: AgentState, text: str) -> Conclusion:
    report = state.get("report") or {}
    return Conclusion(status=str(report.get("status") or ReportStatus.INCONCLUSIVE.value),
                      category=report.get("category"), resource=report.get("resource"), summary=text)
