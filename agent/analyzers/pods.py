"""Pod-level detectors: crash loops by exit code, OOMKilled, image pulls, config errors, probes, Pending."""
from __future__ import annotations

import re
from collections import defaultdict

from kubernetes.utils import parse_quantity

from agent.analyzers.scheduling import SchedulingFix, scheduling_fix
from agent.analyzers.workload import (ContainerTrouble, Rollout, container_spec, restore_probe, rollout_of,
                                     sibling_probe_path, template_patch, troubles)
from agent.cluster import ClusterView, Obj, event_last_seen, key, parse_time, ref
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ObjectRef, ProposedAction

RECENT_MIN = 30.0
ROLLOUT_WINDOW_MIN = 24 * 60.0
RELEASE_WINDOW_MIN = 14 * 24 * 60.0  # a leak needs days to show: a release this recent is the suspect
SINCE_RELEASE_SHARE = 0.5  # the kills span at least half the time since the release: they came with it
_PULL = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"}
_CONFIG = {"CreateContainerConfigError", "CreateContainerError", "RunContainerError"}


def analyze(view: ClusterView) -> list[Finding]:
    groups: dict[tuple[str, str | None, str], list[Obj]] = defaultdict(list)
    tops: dict[tuple[str, str | None, str], Obj] = {}
    for pod in view.objects("Pod"):
        top = view.workload_of(pod)
        groups[key(top)].append(pod)
        tops[key(top)] = top
    findings: list[Finding] = []
    for k, pods in groups.items():
        findings += _analyze_workload(view, tops[k], pods)
    return findings


def _analyze_workload(view: ClusterView, wl: Obj, pods: list[Obj]) -> list[Finding]:
    rollout = rollout_of(view, wl) if wl.get("kind") == "Deployment" else None
    tr = troubles(view, pods)
    out: list[Finding] = []
    for detector in (_image_pull, _config_error, _oom, _crashloop, _probes, _pending):
        out += detector(view, wl, pods, tr, rollout)
    return out


def _recent_rollout(view: ClusterView, rollout: Rollout | None) -> bool:
    age = view.age_minutes(rollout.current_created) if rollout else None
    return bool(rollout and rollout.previous is not None and rollout.changes
                and age is not None and age <= ROLLOUT_WINDOW_MIN)


def _rollback(wl: Obj, rollout: Rollout, why: str) -> ProposedAction:
    return ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT, target=ref(wl),
                          params={"revision": rollout.previous},
                          rationale=f"{why}; revision {rollout.previous} ran without it")


def _recommend(wl: Obj, why: str) -> ProposedAction:
    return ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(wl), rationale=why)


def _rollout_facts(rollout: Rollout | None) -> list[str]:
    if not rollout or rollout.previous is None:
        return []
    facts = [f"revision {rollout.current} ({rollout.current_image}) replaced revision {rollout.previous} "
             f"({rollout.previous_image}) at {rollout.current_created:%Y-%m-%d %H:%M}Z"
             + (f": {rollout.change_cause}" if rollout.change_cause else "")] if rollout.current_created else []
    facts += [f"changed in revision {rollout.current}: {c.text()}" for c in rollout.changes[:8]]
    return facts


def _logs_call(wl: Obj, t: ContainerTrouble, previous: bool) -> ToolCall:
    return ToolCall("pod_logs", {"namespace": wl["metadata"].get("namespace"), "pod": t.pod,
                                 "container": t.container, "previous": previous, "tail_lines": 300})


def _fix_or_advise(view: ClusterView, wl: Obj, rollout: Rollout | None, why: str, advice: str) -> ProposedAction:
    if _recent_rollout(view, rollout) and rollout is not None:
        return _rollback(wl, rollout, why)
    return _recommend(wl, advice)


def _image_pull(view: ClusterView, wl: Obj, pods: list[Obj], tr: list[ContainerTrouble],
                rollout: Rollout | None) -> list[Finding]:
    bad = [t for t in tr if t.waiting in _PULL]
    if not bad:
        return []
    t = bad[0]
    msgs = [e.get("message", "") for e in view.events_for(wl) if e.get("reason") in ("Failed", "BackOff")]
    facts = [f"{len(bad)} container(s) waiting in {t.waiting}: {t.waiting_message}".strip()]
    facts += [m for m in msgs if "pull" in m.lower()][:2]
    action = _fix_or_advise(view, wl, rollout, f"the image of revision {rollout.current if rollout else '?'} "
                            "cannot be pulled", "fix the image reference or the registry credentials")
    return [Finding("pods.image_pull", "image_pull", ref(wl), 0.9,
                    f"{ref(wl).label()} cannot pull its image", facts + _rollout_facts(rollout), action=action,
                    affected=ref(wl), confirm_with=[ToolCall("events", {"namespace": wl["metadata"].get("namespace"),
                                                                          "kind": wl["kind"],
                                                                          "name": wl["metadata"]["name"]})])]


def _config_error(view: ClusterView, wl: Obj, pods: list[Obj], tr: list[ContainerTrouble],
                  rollout: Rollout | None) -> list[Finding]:
    bad = [t for t in tr if t.waiting in _CONFIG]
    if not bad:
        return []
    t = bad[0]
    facts = [f"{t.pod}/{t.container} waiting in {t.waiting}: {t.waiting_message}"] + _rollout_facts(rollout)
    action = _fix_or_advise(view, wl, rollout, "the new pod template references configuration that is missing",
                            f"create or fix what the container references: {t.waiting_message}")
    return [Finding("pods.config", "config_error", ref(wl), 0.85, f"{ref(wl).label()} cannot start its "
                    f"containers: {t.waiting_message[:120]}", facts, action=action, affected=ref(wl))]


def _memory_limit(wl: Obj, container: str) -> int | None:
    lim = ((container_spec(wl, container).get("resources") or {}).get("limits") or {}).get("memory")
    return int(parse_quantity(lim)) if lim else None  # type: ignore[no-untyped-call]


def _mi(n: float) -> str:
    return f"{int(n // (1024 * 1024))}Mi"


def _oom(view: ClusterView, wl: Obj, pods: list[Obj], tr: list[ContainerTrouble],
         rollout: Rollout | None) -> list[Finding]:
    ooms = [t for t in tr if t.last_reason == "OOMKilled" and t.restarts > 0]
    if not ooms:
        return []
    ages = [view.age_minutes(t.last_finished) for t in ooms]
    newest = min((a for a in ages if a is not None), default=None)
    if newest is not None and newest > ROLLOUT_WINDOW_MIN:
        return []
    t = ooms[0]
    limit = _memory_limit(wl, t.container)
    facts = [f"{len(ooms)} container(s) OOMKilled (exit code 137), restarts up to {max(x.restarts for x in ooms)}"
             + (f", last {newest:.0f} min ago" if newest is not None else "")]
    if limit:
        facts.append(f"memory limit of {t.container}: {_mi(limit)} ({limit} bytes)")
    score = 0.55 + (0.15 if newest is not None and newest <= RECENT_MIN else 0.0) \
        + (0.1 if len(ooms) > 1 or t.restarts > 1 else 0.0)
    lowered = rollout.changed(f"containers[{t.container}].resources") if rollout else []
    if lowered and _recent_rollout(view, rollout) and rollout is not None:
        facts += _rollout_facts(rollout)
        action = _rollback(wl, rollout, f"revision {rollout.current} changed the resources of {t.container}")
        score += 0.1
    else:
        new_limit = _mi(max(limit * 2, 256 * 1024 * 1024)) if limit else "1Gi"
        action = ProposedAction(action=ActionName.SET_RESOURCES, target=ref(wl),
                                params={"container": t.container, "limits": {"memory": new_limit}},
                                rationale=f"the {t.container} container is killed at its memory limit")
    against = _oom_against(view, wl, pods, ooms, newest)
    if against:
        score = 0.3
    calls = [ToolCall("memory_vs_limit", {"namespace": wl["metadata"].get("namespace"),
                                          "pod_regex": f"{wl['metadata']['name']}-.*"}),
             _logs_call(wl, t, previous=True)]
    return [Finding("pods.oom", "oom_killed", ref(wl), min(score, 0.95),
                    f"{ref(wl).label()} is OOMKilled at its memory limit", facts, against=against, action=action,
                    affected=ref(wl), onset=t.last_finished, confirm_with=calls,
                    data=_release(view, rollout, pods))]


def _killed_for_min(pods: list[Obj]) -> float:
    """How long the OOM kills have gone on, estimated as restarts x the length of the last killed run."""
    spans = []
    for pod in pods:
        for cs in (pod.get("status") or {}).get("containerStatuses") or []:
            last = (cs.get("lastState") or {}).get("terminated") or {}
            start, end = parse_time(last.get("startedAt")), parse_time(last.get("finishedAt"))
            if last.get("reason") == "OOMKilled" and start and end:
                spans.append(int(cs.get("restartCount") or 0) * (end - start).total_seconds() / 60)
    return max(spans, default=0.0)


def _release(view: ClusterView, rollout: Rollout | None, pods: list[Obj]) -> dict[str, object]:
    """The image release of the last days whose pods have been killed since about its rollout, if any: the
    suspect when the kills turn out to be a leak. Kills that began long after the release point elsewhere
    (a change in load or data), where a rollback would not help."""
    age = view.age_minutes(rollout.current_created) if rollout else None
    if rollout is None or rollout.previous is None or age is None or age > RELEASE_WINDOW_MIN \
            or not rollout.previous_image or rollout.previous_image == rollout.current_image \
            or _killed_for_min(pods) < SINCE_RELEASE_SHARE * age:
        return {}
    return {"release": {"revision": rollout.current, "previous": rollout.previous, "age_days": round(age / 1440, 1),
                        "image": rollout.current_image, "previous_image": rollout.previous_image}}


def _oom_against(view: ClusterView, wl: Obj, pods: list[Obj], ooms: list[ContainerTrouble],
                 newest: float | None) -> list[str]:
    """Evidence that the OOM kills are over, or were the node's doing rather than the limit's."""
    against: list[str] = []
    all_ready = all(t.ready for t in troubles(view, pods))
    if all_ready and newest is not None and newest > RECENT_MIN and max(t.restarts for t in ooms) <= 1:
        against.append(f"recovered: every container is ready and the last OOM kill was {newest:.0f} min ago")
    nodes = {(p.get("spec") or {}).get("nodeName") for p in pods}
    for ev in view.objects("Event"):
        inv = ev.get("involvedObject") or {}
        if inv.get("kind") == "Node" and inv.get("name") in nodes and ev.get("reason") in (
                "SystemOOM", "EvictionThresholdMet", "NodeHasInsufficientMemory"):
            against.append(f"node {inv.get('name')}: {ev.get('reason')} {ev.get('message', '')[:160]}")
            break
    return against if all_ready else []


def _crashloop(view: ClusterView, wl: Obj, pods: list[Obj], tr: list[ContainerTrouble],
               rollout: Rollout | None) -> list[Finding]:
    bad = [t for t in tr if t.last_reason != "OOMKilled" and t.restarts > 0
           and (t.waiting == "CrashLoopBackOff" or (t.last_exit not in (None, 0) and _age_ok(view, t)))]
    if not bad:
        return []
    t = bad[0]
    facts = [f"{len(bad)} container(s) crash looping (CrashLoopBackOff); {t.pod}/{t.container} last exit code "
             f"{t.last_exit} ({t.last_reason}), restartCount {t.restarts}"]
    recent = _recent_rollout(view, rollout) and rollout is not None
    config_changed = bool(rollout and any(rollout.changed(f) for f in (".env", ".command", ".args", ".envFrom",
                                                                          ".volumeMounts", "spec.volumes")))
    category = "config_error" if config_changed or not recent else "bad_rollout"
    action = _fix_or_advise(view, wl, rollout, f"the containers of revision "
                            f"{rollout.current if rollout else '?'} exit with code {t.last_exit}",
                            "fix the container's configuration named in its previous log")
    score = 0.7 + (0.15 if recent else 0.0)
    return [Finding("pods.crashloop", category, ref(wl), score,
                    f"{ref(wl).label()} crash loops with exit code {t.last_exit}", facts + _rollout_facts(rollout),
                    action=action, affected=ref(wl), onset=t.last_finished,
                    confirm_with=[_logs_call(wl, t, previous=True)])]


def _age_ok(view: ClusterView, t: ContainerTrouble) -> bool:
    age = view.age_minutes(t.last_finished)
    return age is not None and age <= RECENT_MIN


_PROBE = re.compile(r"(Liveness|Readiness|Startup) probe failed: (.*)")
_UNHEALTHY = re.compile(r"statuscode: 5\d\d")
_NOT_FOUND = re.compile(r"statuscode: 404")
_SLOW = re.compile(r"context deadline exceeded|Client\.Timeout|timed out|timeout", re.I)


def _probes(view: ClusterView, wl: Obj, pods: list[Obj], tr: list[ContainerTrouble],
            rollout: Rollout | None) -> list[Finding]:
    evs = [e for e in view.events_for(wl) if e.get("reason") == "Unhealthy"
           and (view.age_minutes(event_last_seen(e)) or 1e9) <= RECENT_MIN]
    hits = [(m.group(1), m.group(2), e) for e in evs if (m := _PROBE.search(e.get("message", "")))]
    if not hits:
        return []
    restarting = any(t.restarts > 0 for t in tr)
    kind, detail, ev = min(hits, key=lambda h: 0 if restarting and h[0] != "Readiness" else 1)
    count = sum(int(e.get("count") or 1) for _, _, e in hits)
    unready = sum(1 for t in tr if not t.ready)
    facts = [f"{kind} probe failed {count}x in the last {RECENT_MIN:.0f} min: {detail}",
             f"{unready} of {len(tr)} container(s) not ready"]
    probe_changed = rollout.changed("Probe") if rollout else []
    failing = sorted({h[0] for h in hits})
    same_probe = [c for k in failing for c in rollout.changed(f".{k.lower()}Probe")] if rollout else []
    if same_probe and rollout is not None:
        action = restore_probe(wl, same_probe, rollout.current)
    elif probe_changed and _recent_rollout(view, rollout) and rollout is not None:
        action = _rollback(wl, rollout, f"revision {rollout.current} changed the {kind.lower()} probe")
    else:
        sibling = sibling_probe_path(wl, kind=kind, container=_probed_container(ev)) \
            if _NOT_FOUND.search(detail) and not [h for h in hits if h[0] != kind] else None
        action = sibling or _recommend(wl, f"correct the {kind.lower()} probe ({detail})")
    score = 0.6 + (0.15 if unready else 0.0) + (0.1 if probe_changed else 0.0)
    if (_SLOW.search(detail) or _UNHEALTHY.search(detail)) and not probe_changed:
        score = 0.3  # a probe that times out or gets a 5xx says the app is sick, not that the probe is wrong
    return [Finding("pods.probe", "probe_failure", ref(wl), score,
                    f"the {kind.lower()} probe of {ref(wl).label()} fails: {detail[:100]}",
                    facts + _rollout_facts(rollout), action=action, affected=ref(wl),
                    confirm_with=[ToolCall("pod_detail", {"namespace": wl["metadata"].get("namespace"),
                                                          "name": tr[0].pod})] if tr else [])]


def _probed_container(ev: Obj) -> str | None:
    m = re.search(r"spec\.containers\{([^}]+)\}", (ev.get("involvedObject") or {}).get("fieldPath") or "")
    return m.group(1) if m else None


def _pending(view: ClusterView, wl: Obj, pods: list[Obj], tr: list[ContainerTrouble],
             rollout: Rollout | None) -> list[Finding]:
    pending = [p for p in pods if (p.get("status") or {}).get("phase") == "Pending"
               and not (p.get("spec") or {}).get("nodeName")]
    if not pending:
        return []
    names = {p["metadata"]["name"] for p in pending}
    evs = [e for e in view.objects("Event", wl["metadata"].get("namespace"))
           if e.get("reason") == "FailedScheduling" and e.get("involvedObject", {}).get("name") in names]
    msg = evs[0].get("message", "") if evs else ""
    facts = [f"{len(pending)} pod(s) Pending, not scheduled"] + ([f"FailedScheduling: {msg}"] if msg else [])
    category, resource = "unschedulable", ref(wl)
    if "persistentvolumeclaim" in msg.lower():
        category = "storage"
    resource_changed = rollout and any(rollout.changed(f) for f in ("resources", "nodeSelector", "affinity",
                                                                     "tolerations"))
    action = _fix_or_advise(view, wl, rollout if resource_changed else None,
                            "the new pod template cannot be scheduled", f"make the pods schedulable: {msg[:200]}")
    fix = _placement_fix(view, wl, msg)
    if fix is not None:
        facts.append(f"scheduling: {fix.reason}")
        action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(wl),
                                params={"patch": template_patch(spec=fix.spec_patch)},
                                rationale=f"{fix.reason}; this edit lets the pods schedule on "
                                          f"{', '.join(fix.nodes[:5])}")
    return [Finding("pods.pending", category, resource, 0.8 if msg else 0.6,
                    f"{ref(wl).label()} has pods that cannot be scheduled", facts + _rollout_facts(rollout),
                    action=action, affected=ref(wl))]


def _placement_fix(view: ClusterView, wl: Obj, msg: str) -> SchedulingFix | None:
    """A nodeSelector or toleration edit, when the scheduler says placement (not size) is what fails."""
    if wl.get("kind") not in ("Deployment", "StatefulSet") or not _PLACEMENT.search(msg):
        return None
    return scheduling_fix(view, ((wl.get("spec") or {}).get("template") or {}).get("spec") or {})


_PLACEMENT = re.compile(r"untolerated taint|didn't match Pod's node affinity|node\(s\) didn't match node selector")


def object_ref(kind: str, namespace: str | None, name: str) -> ObjectRef:
    return ObjectRef(kind=kind, namespace=namespace, name=name)
