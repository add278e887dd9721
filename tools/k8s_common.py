"""Reading Kubernetes objects as an engineer does: selectors, container states, resources, probes, in short text."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from tools.timefmt import ago, parse_time, stamp, when

Obj = dict[str, Any]
NAME_PATTERN = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"
MAX_PODS_SHOWN = 10


class NamespacedArgs(BaseModel):
    namespace: str = Field(pattern=NAME_PATTERN, max_length=63, description="Kubernetes namespace")


def meta(obj: Obj) -> Obj:
    m = obj.get("metadata")
    return m if isinstance(m, dict) else {}


def name_of(obj: Obj) -> str:
    return str(meta(obj).get("name", "?"))


def labels_of(obj: Obj) -> dict[str, str]:
    return {str(k): str(v) for k, v in (meta(obj).get("labels") or {}).items()}


def clip(text: object, limit: int = 300) -> str:
    """Long messages keep their head and their tail: the root cause of an error is often at its end."""
    s = str(text)
    if len(s) <= limit:
        return s
    head = limit * 3 // 5
    return f"{s[:head]} ... {s[-(limit - head - 5):]}"


def selector_string(sel: Obj | None) -> str | None:
    """A LabelSelector as the `labelSelector` query parameter; None when it selects nothing."""
    if not sel:
        return None
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for expr in sel.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(str(key))
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) or None


def selector_matches(sel: Obj | None, labels: dict[str, str]) -> bool:
    """Whether a LabelSelector (matchLabels + matchExpressions) selects these labels; empty selects all."""
    if sel is None:
        return False
    for k, v in (sel.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in sel.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        ok = {"In": labels.get(key) in values, "NotIn": labels.get(key) not in values,
              "Exists": key in labels, "DoesNotExist": key not in labels}.get(op, False)
        if not ok:
            return False
    return True


def resources_text(res: Obj | None) -> str:
    """'req cpu 250m mem 256Mi, lim cpu 1 mem 512Mi' (or 'no requests/limits')."""
    res = res or {}
    parts = []
    for key, short in (("requests", "req"), ("limits", "lim")):
        vals = res.get(key) or {}
        if vals:
            parts.append(short + " " + " ".join(f"{'mem' if k == 'memory' else k} {v}" for k, v in sorted(vals.items())))
    return ", ".join(parts) or "no requests/limits"


def probe_text(probe: Obj | None) -> str | None:
    if not probe:
        return None
    if "httpGet" in probe:
        h = probe["httpGet"]
        how = f"http GET {h.get('path', '/')} port {h.get('port')}"
    elif "tcpSocket" in probe:
        how = f"tcp port {probe['tcpSocket'].get('port')}"
    elif "exec" in probe:
        how = "exec " + " ".join(str(c) for c in probe["exec"].get("command") or [])
    elif "grpc" in probe:
        how = f"grpc port {probe['grpc'].get('port')}"
    else:
        how = "?"
    timing = " ".join(f"{k}={probe[k]}" for k in ("initialDelaySeconds", "periodSeconds", "timeoutSeconds",
                                                   "failureThreshold") if k in probe)
    return f"{how} {timing}".strip()


def state_text(state: Obj | None, now: datetime) -> str:
    """'running since ...', 'waiting CrashLoopBackOff: msg', 'terminated OOMKilled exit 137 at ...'."""
    state = state or {}
    if "running" in state:
        return f"running since {when((state['running'] or {}).get('startedAt'), now)}"
    if "waiting" in state:
        w = state["waiting"] or {}
        msg = f": {clip(w['message'], 240)}" if w.get("message") else ""
        return f"waiting {w.get('reason', '?')}{msg}"
    if "terminated" in state:
        t = state["terminated"] or {}
        msg = f" ({clip(t['message'], 200)})" if t.get("message") else ""
        return (f"terminated {t.get('reason', '?')} exit code {t.get('exitCode', '?')}{msg}, started "
                f"{stamp(parse_time(t.get('startedAt')))}, finished {when(t.get('finishedAt'), now)}")
    return "state unknown"


def container_status_text(cs: Obj, now: datetime) -> str:
    """One container's status: ready, restarts, state, and lastState (the previous run's end)."""
    text = (f"{cs.get('name')}: {state_text(cs.get('state'), now)}; "
            f"{'ready' if cs.get('ready') else 'not ready'}; restarts {cs.get('restartCount', 0)}")
    last = cs.get("lastState") or {}
    if last.get("terminated"):
        text += f"; last state {state_text(last, now)}"
    return text


def qos_class(pod: Obj) -> str:
    """status.qosClass, or computed as the kubelet does when the API left it out."""
    given = (pod.get("status") or {}).get("qosClass")
    if given:
        return str(given)
    containers = (pod.get("spec") or {}).get("containers") or []
    res = [(c.get("resources") or {}) for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in res):
        return "BestEffort"
    guaranteed = all((r.get("limits") or {}).get(k) and (r.get("requests") or r.get("limits") or {}).get(k)
                     == (r.get("limits") or {}).get(k) for r in res for k in ("cpu", "memory"))
    return "Guaranteed" if guaranteed else "Burstable"


def owner_of(obj: Obj) -> str | None:
    for ref in meta(obj).get("ownerReferences") or []:
        if ref.get("controller", True):
            return f"{ref.get('kind')}/{ref.get('name')}"
    return None


def pod_summary(pod: Obj, now: datetime) -> list[str]:
    """A pod in a few lines: phase, node, readiness, age, owner; then each container's status."""
    st, spec = pod.get("status") or {}, pod.get("spec") or {}
    statuses = st.get("containerStatuses") or []
    ready = sum(1 for c in statuses if c.get("ready"))
    reason = f" ({st['reason']}: {clip(st.get('message', ''), 200)})" if st.get("reason") else ""
    created = parse_time(meta(pod).get("creationTimestamp"))
    head = (f"pod {name_of(pod)}: {st.get('phase', '?')}{reason}, node {spec.get('nodeName') or '(unscheduled)'}, "
            f"{ready}/{len(spec.get('containers') or [])} ready, age {ago(created, now).replace(' ago', '')}")
    if meta(pod).get("deletionTimestamp"):
        head += ", terminating"
    lines = [head]
    for cond in st.get("conditions") or []:
        if cond.get("status") != "True" and (cond.get("reason") or cond.get("message")):
            lines.append(f"  condition {cond.get('type')}={cond.get('status')} {cond.get('reason', '')}: "
                         f"{clip(cond.get('message', ''), 240)}")
    for cs in (st.get("initContainerStatuses") or []):
        if not (cs.get("state") or {}).get("terminated", {}).get("exitCode") == 0:
            lines.append("  init " + container_status_text(cs, now))
    lines += ["  " + container_status_text(cs, now) for cs in statuses]
    return lines


def conditions_text(conditions: list[Obj] | None, now: datetime) -> list[str]:
    return [f"{c.get('type')}={c.get('status')}" + (f" {c['reason']}" if c.get("reason") else "")
            + (f": {clip(c['message'], 240)}" if c.get("message") else "")
            + f" (since {when(c.get('lastTransitionTime'), now)})" for c in conditions or []]
