"""Per-workload facts analyzers share: container trouble, rollout recency and what the last revision changed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.cluster import ClusterView, Obj, parse_time, ref, revision
from tools.models import ObjectRef
from tools.template_diff import Change, diff_templates


@dataclass
class ContainerTrouble:
    pod: str
    container: str
    waiting: str | None  # CrashLoopBackOff, ImagePullBackOff, ...
    waiting_message: str
    last_reason: str | None  # OOMKilled, Error, Completed
    last_exit: int | None
    last_finished: datetime | None
    restarts: int
    ready: bool


@dataclass
class Rollout:
    current: int
    previous: int | None
    current_created: datetime | None
    changes: list[Change] = field(default_factory=list)
    change_cause: str = ""
    previous_image: str | None = None
    current_image: str | None = None

    def changed(self, fragment: str) -> list[Change]:
        return [c for c in self.changes if fragment in c.path]


def troubles(view: ClusterView, pods: list[Obj]) -> list[ContainerTrouble]:
    out: list[ContainerTrouble] = []
    for pod in pods:
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        statuses += (pod.get("status") or {}).get("initContainerStatuses") or []
        for cs in statuses:
            state, last = cs.get("state") or {}, (cs.get("lastState") or {}).get("terminated") or {}
            waiting = (state.get("waiting") or {})
            term_now = state.get("terminated") or {}
            out.append(ContainerTrouble(
                pod=pod["metadata"]["name"], container=cs.get("name", ""),
                waiting=waiting.get("reason"), waiting_message=str(waiting.get("message") or ""),
                last_reason=last.get("reason") or term_now.get("reason"),
                last_exit=last.get("exitCode", term_now.get("exitCode")),
                last_finished=parse_time(last.get("finishedAt") or term_now.get("finishedAt")),
                restarts=int(cs.get("restartCount") or 0), ready=bool(cs.get("ready"))))
    return out


def rollout_of(view: ClusterView, deployment: Obj) -> Rollout | None:
    rss = view.replicasets_of(deployment)
    if not rss:
        return None
    cur = rss[0]
    out = Rollout(current=revision(cur), previous=None,
                  current_created=parse_time(cur["metadata"].get("creationTimestamp")),
                  change_cause=(cur["metadata"].get("annotations") or {}).get("kubernetes.io/change-cause", ""),
                  current_image=_first_image(cur))
    if len(rss) > 1:
        prev = rss[1]
        out.previous = revision(prev)
        out.previous_image = _first_image(prev)
        out.changes = diff_templates(prev["spec"].get("template") or {}, cur["spec"].get("template") or {})
    return out


def _first_image(rs: Obj) -> str | None:
    containers = ((rs.get("spec") or {}).get("template") or {}).get("spec", {}).get("containers") or []
    return containers[0].get("image") if containers else None


def owner_ref(view: ClusterView, pod: Obj) -> ObjectRef:
    return ref(view.workload_of(pod))


def container_spec(workload: Obj, name: str) -> dict[str, Any]:
    spec = workload.get("spec") or {}
    tmpl = (spec.get("jobTemplate") or {}).get("spec", {}).get("template") if "jobTemplate" in spec \
        else spec.get("template")
    for c in ((tmpl or {}).get("spec") or {}).get("containers") or []:
        if c.get("name") == name:
            return dict(c)
    return {}
