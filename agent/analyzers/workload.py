"""Per-workload facts analyzers share: container trouble, rollout recency and what the last revision changed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.cluster import ClusterView, Obj, parse_time, ref, revision
from tools.models import ActionName, ObjectRef, ProposedAction
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


def _undo(old: Any, new: Any) -> Any:
    """The merge-patch value that turns `new` back into `old`: keys only `new` has are set to null."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = {k: _undo(v, new.get(k)) for k, v in old.items() if v != new.get(k)}
        out.update({k: None for k in new if k not in old})
        return out
    return old


def template_patch(*, containers: list[dict[str, Any]] | None = None,
                   spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """A strategic-merge patch of the workload's pod template (containers merge by name)."""
    body: dict[str, Any] = dict(spec or {})
    if containers:
        body["containers"] = containers
    return {"spec": {"template": {"spec": body}}}


def restore_probe(wl: Obj, changes: list[Change], current: int) -> ProposedAction:
    """Put back the probe the previous revision ran with, only on the containers whose probe changed."""
    items: dict[str, dict[str, Any]] = {}
    for c in changes:
        name, _, field_ = c.path.partition("[")[2].partition("].")
        items.setdefault(name, {"name": name})[field_] = _undo(c.old, c.new)
    what = ", ".join(f"{c.path}: {c.new} -> {c.old}" for c in changes)
    return ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(wl),
                          params={"patch": template_patch(containers=list(items.values()))},
                          rationale=f"revision {current} changed the probe; put back what the previous "
                                    f"revision ran with ({what[:300]})")


def sibling_probe_path(wl: Obj, *, kind: str, container: str | None) -> ProposedAction | None:
    """A probe answered 404 while another probe of the same container, same port, passes on another path.

    The path the app serves is the one its passing probe uses: point the failing probe there.
    """
    spec = ((wl.get("spec") or {}).get("template") or {}).get("spec") or {}
    cands = [c for c in spec.get("containers") or [] if container in (None, c.get("name"))]
    if len(cands) != 1:
        return None
    c, field_ = cands[0], f"{kind.lower()}Probe"
    failing = ((c.get(field_) or {}).get("httpGet")) or {}
    for other in ("livenessProbe", "readinessProbe", "startupProbe"):
        good = (c.get(other) or {}).get("httpGet") or {}
        if other != field_ and good.get("path") and good.get("path") != failing.get("path") \
                and good.get("port") == failing.get("port"):
            return ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(wl),
                                  params={"patch": template_patch(containers=[
                                      {"name": c["name"], field_: {"httpGet": {"path": good["path"]}}}])},
                                  rationale=f"the {kind.lower()} probe gets 404 on {failing.get('path')}; the app "
                                            f"serves {good['path']} on the same port (its {other} passes there)")
    return None
