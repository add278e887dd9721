"""Detectors over tool observations (metrics and logs of the workload in focus), run by the reasoner."""
from __future__ import annotations

import re
from typing import Any

from agent.analyzers.dependencies import caller_lines
from agent.evidence import log_signals, metric_rows, rises_after
from agent.findings import Finding
from agent.state import Observation
from tools.models import ActionName, ObjectRef, ProposedAction

THROTTLED = 0.25  # a quarter of CFS periods throttled: the limit, not the code, sets the pace
_SA = re.compile(r"system:serviceaccount:([a-z0-9-]+):([a-z0-9.-]+)")
_DENIED = re.compile(r"\bForbidden\b\W+403\b|\b403\W+Forbidden\b|AccessDenied|PermissionDenied|AuthorizationFailed"
                     r"|does not have \S+ access|permission '?[\w.:/-]+'? denied|not authorized to perform", re.I)
_URL_HOST = re.compile(r"https?://([a-z0-9.-]+)", re.I)


def observed_findings(focus: dict[str, Any], observations: list[Observation]) -> list[Finding]:
    workloads = focus.get("workloads") or []
    if not workloads:
        return []
    w = workloads[0]
    target = ObjectRef(kind=w["kind"], namespace=w["namespace"], name=w["name"])
    return _throttled(target, observations) + _forbidden(target, observations)


def _millicores(cores: float) -> str:
    return f"{int(round(cores * 1000))}m"


def _throttled(target: ObjectRef, observations: list[Observation]) -> list[Finding]:
    rows = [r for r in metric_rows(observations, "cpu_throttling", pod_prefix=target.name)
            if max(float(r.get("current") or 0), float(r.get("baseline") or 0)) >= THROTTLED]
    if not rows:
        return []
    container = str(rows[0]["labels"].get("container", ""))
    limits = [float(r["limit"]) for r in metric_rows(observations, "cpu_vs_limit", pod_prefix=target.name)
              if r.get("limit") and r["labels"].get("container") == container]
    worst = max(float(r.get("current") or 0) for r in rows)
    facts = [f"{len(rows)} container(s) of {target.name} throttled in {worst:.0%} of CFS periods "
             f"(container_cpu_cfs_throttled_periods_total / container_cpu_cfs_periods_total)"]
    action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=target,
                            rationale=f"raise the CPU limit of {container}")
    if limits:
        facts.append(f"CPU limit of {container}: {_millicores(limits[0])}")
        action = ProposedAction(action=ActionName.SET_RESOURCES, target=target,
                                params={"container": container, "limits": {"cpu": _millicores(limits[0] * 2)}},
                                rationale=f"{container} spends {worst:.0%} of its periods throttled at its CPU limit")
    score, against = 0.72, []
    measured = [o for o in observations if o["tool"] in ("latency_quantile", "error_rate")
                and o["args"].get("service") == target.name and o["status"] == "ok"]
    if measured and not rises_after(observations, service=target.name, since=""):
        score, against = 0.4, ["latency and error rate show no rise: the throttling costs nothing users see"]
    return [Finding("observed.cpu", "cpu_saturation", target, score,
                    f"{target.label()} is slowed by CPU throttling at its limit", facts, against=against,
                    action=action, affected=target)]


def _forbidden(target: ObjectRef, observations: list[Observation]) -> list[Finding]:
    for sig in log_signals(observations, pod_prefix=target.name):
        m = _SA.search(sig.line)
        if sig.category != "access_denied" or not m:
            continue
        sa = ObjectRef(kind="ServiceAccount", namespace=m.group(1), name=m.group(2))
        return [Finding("observed.rbac", "access_denied", sa, 0.75,
                        f"the API server refuses ServiceAccount {m.group(1)}/{m.group(2)} what {target.name} needs",
                        [f"{target.name} logs: {sig.line}"], affected=target,
                        action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=sa,
                                              rationale="grant the missing verb/resource to this ServiceAccount "
                                                        "with a Role and RoleBinding (RBAC is not patched by "
                                                        "debugbot)"))]
    return _cloud_denied(target, observations)


def _service_account(target: ObjectRef, observations: list[Observation]) -> str | None:
    for ob in observations:
        data = ob.get("data")
        if ob["tool"] == "dependency_health" and ob["status"] == "ok" and isinstance(data, dict) \
                and data.get("workload", {}).get("name") == target.name:
            return str(data.get("service_account") or "") or None
    return None


def _cloud_denied(target: ObjectRef, observations: list[Observation]) -> list[Finding]:
    """An outside API (object store, cloud service) refuses the workload's identity: IAM, not the code."""
    denied = [ln for ln in caller_lines(target.name, observations) if _DENIED.search(ln)]
    sa_name = _service_account(target, observations)
    if not denied or not sa_name:
        return []
    sa = ObjectRef(kind="ServiceAccount", namespace=target.namespace, name=sa_name)
    hosts = sorted({m.group(1) for ln in denied for m in [_URL_HOST.search(ln)] if m})
    return [Finding("observed.iam", "access_denied", sa, 0.88,
                    f"{', '.join(hosts) or 'an outside API'} refuses the identity of ServiceAccount "
                    f"{sa.namespace}/{sa.name} that {target.name} runs as (403 / permission denied)",
                    [f"{target.name} logs: {ln}" for ln in denied[:3]], affected=target,
                    action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=sa,
                                          rationale="grant the permission named in the error to the cloud identity "
                                                    "bound to this ServiceAccount (an IAM binding on the resource); "
                                                    "restarting or rolling back gets the same identity and the "
                                                    "same 403"))]
