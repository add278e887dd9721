"""A Secret rewritten after the pods that read it into env started: they still hold the old credential.

A value taken from a Secret through `env` (secretKeyRef, envFrom) is copied at container start and never
refreshed; a mounted Secret file is. When a rotation (a CronJob, an operator, a human) rewrites the Secret,
pods started before keep authenticating with the old password and fail as their connections recycle. The
fix is a rolling restart of the consumer, not the database and not a rollback. Secret values are never
read: the write time comes from metadata (managedFields, timestamp annotations, the Job that wrote it).
The reasoner confirms the lead with the consumer's own "authentication failed" log lines.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from agent.cluster import ClusterView, Obj, parse_time, ref
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ProposedAction

WINDOW_MIN = 48 * 60.0
LEAD = 0.45  # a stale copy alone is a lead; the auth failures in the consumer's logs confirm it
_WRITE_ANNOTATION = re.compile(r"rotat|updat|chang|modif|refresh|renew|written|last", re.I)
_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for secret in view.objects("Secret"):
        written = last_write(view, secret)
        if written is None:
            continue
        when, how = written
        age = view.age_minutes(when)
        if age is None or not 0 <= age <= WINDOW_MIN:
            continue
        for kind in _KINDS:
            for wl in view.objects(kind, secret["metadata"].get("namespace")):
                keys = env_references(wl, secret["metadata"]["name"])
                if keys:
                    out += _stale(view, wl, secret, keys, when=when, how=how)
    return out


def last_write(view: ClusterView, secret: Obj) -> tuple[datetime, str] | None:
    """When the Secret's data was last written, and the metadata that says so."""
    meta = secret["metadata"]
    seen: list[tuple[datetime, str]] = []
    for mf in meta.get("managedFields") or []:
        when = parse_time(mf.get("time"))
        if when and (mf.get("fieldsV1") or {}).get("f:data"):
            seen.append((when, f"managedFields: {mf.get('manager')} {mf.get('operation', '').lower()} of its data"))
    for k, v in (meta.get("annotations") or {}).items():
        when = parse_time(v) if _WRITE_ANNOTATION.search(k.rsplit("/", 1)[-1]) else None
        if when:
            seen.append((when, f"annotation {k}={v}"))
    writer = None if seen else _writer_job(view, secret)  # the Secret's own metadata says it best
    if writer:
        seen.append(writer)
    return max(seen, key=lambda s: s[0]) if seen else None


def _writer_job(view: ClusterView, secret: Obj) -> tuple[datetime, str] | None:
    """The last completed Job of the CronJob (or Job) the Secret says manages it."""
    labels = secret["metadata"].get("labels") or {}
    manager = labels.get("app.kubernetes.io/managed-by") or labels.get("managed-by")
    if not manager:
        return None
    best: tuple[datetime, str] | None = None
    for job in view.objects("Job", secret["metadata"].get("namespace")):
        owner = next((o.get("name") for o in job["metadata"].get("ownerReferences") or []), None)
        done = parse_time((job.get("status") or {}).get("completionTime"))
        if done and manager in (owner, job["metadata"]["name"]) and (best is None or done > best[0]):
            best = (done, f"Job {job['metadata']['name']} ({manager}, which manages it) completed")
    return best


def env_references(wl: Obj, secret: str) -> list[str]:
    """`container: VAR` for each env var the workload's pods copy from the Secret at start."""
    spec = ((wl.get("spec") or {}).get("template") or {}).get("spec") or {}
    out: list[str] = []
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        for e in c.get("env") or []:
            if (((e.get("valueFrom") or {}).get("secretKeyRef") or {}).get("name")) == secret:
                out.append(f"{c.get('name')}: {e.get('name')}")
        for src in c.get("envFrom") or []:
            if (src.get("secretRef") or {}).get("name") == secret:
                out.append(f"{c.get('name')}: every key (envFrom)")
    return out


def _started_before(view: ClusterView, wl: Obj, when: datetime) -> list[tuple[str, datetime]]:
    out: list[tuple[str, datetime]] = []
    for pod in view.pods_of(wl):
        starts = [parse_time(((cs.get("state") or {}).get("running") or {}).get("startedAt"))
                  for cs in (pod.get("status") or {}).get("containerStatuses") or []]
        known = [s for s in starts if s is not None]
        if known and min(known) < when:
            out.append((pod["metadata"]["name"], min(known)))
    return out


def _stale(view: ClusterView, wl: Obj, secret: Obj, keys: list[str], *, when: datetime, how: str) -> list[Finding]:
    stale = _started_before(view, wl, when)
    if not stale:
        return []
    name, label = secret["metadata"]["name"], ref(wl).label()
    facts = [f"Secret {secret['metadata'].get('namespace')}/{name} was rewritten at {when:%Y-%m-%d %H:%M}Z ({how})",
             f"{label} copies it into env at start ({', '.join(keys[:3])}): env is never refreshed",
             f"{len(stale)} of its pods started before the change and still hold the old value: "
             + ", ".join(f"{p} (since {t:%m-%d %H:%M}Z)" for p, t in stale[:3])]
    data: dict[str, Any] = {"secret": name, "written_at": when.isoformat()}
    action = ProposedAction(action=ActionName.RESTART_WORKLOAD, target=ref(wl),
                            rationale=f"a rolling restart makes the pods read the rotated Secret {name}; the "
                                      f"dependency and the Secret are fine, only the copies in env are old")
    return [Finding("secrets.stale_env", "dependency_failure", ref(wl), LEAD,
                    f"{label} still uses the credentials Secret {name} held before it was rotated", facts,
                    action=action, affected=ref(wl), onset=when, data=data,
                    confirm_with=[ToolCall("pod_logs", {"namespace": wl["metadata"].get("namespace"),
                                                        "pod": stale[0][0], "tail_lines": 200})])]
