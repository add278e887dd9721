"""Concrete fixes from the analyzers: probes, placement, Service selectors, HPA bounds and requests, LimitRange."""
from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from agent import api
from agent.analyzers import capacity, pods, routing
from agent.cluster import ClusterView
from agent.findings import Finding
from cli.session import sandbox_session, trigger_of
from sandbox.checks import get_path
from tests.conftest import OWN_SCENARIOS
from tools.inventory import Inventory
from tools.models import ActionName
from tools.report import ReportStatus

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
Obj = dict[str, Any]


def _ago(minutes: float) -> str:
    return (NOW - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _view(*objs: Obj) -> ClusterView:
    by_kind: dict[str, list[Obj]] = {}
    for o in objs:
        by_kind.setdefault(o["kind"], []).append(o)
    return ClusterView(Inventory(objects=by_kind), now=NOW)


def _node(name: str, labels: dict[str, str], *, ready: bool = True, taints: list[Obj] | None = None) -> Obj:
    return {"kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **labels}},
            "spec": {"taints": taints or []},
            "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "Unknown"}]}}


def _container(name: str = "app", **extra: Any) -> Obj:
    return {"name": name, "image": f"registry.example.com/{name}:1.0", **extra}


def _template(labels: dict[str, str], containers: list[Obj], **spec: Any) -> Obj:
    return {"metadata": {"labels": labels}, "spec": {"containers": containers, **spec}}


def _deployment(name: str, template: Obj, *, ns: str = "shop") -> Obj:
    return {"kind": "Deployment", "metadata": {"name": name, "namespace": ns, "uid": f"uid-{name}"},
            "spec": {"replicas": 2, "selector": {"matchLabels": dict(template["metadata"]["labels"])},
                     "template": template}}


def _rs(dep: Obj, rev: int, template: Obj, *, age_min: float) -> Obj:
    name = f"{dep['metadata']['name']}-r{rev}"
    return {"kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": dep["metadata"]["namespace"], "creationTimestamp": _ago(age_min),
                         "annotations": {"deployment.kubernetes.io/revision": str(rev)},
                         "ownerReferences": [{"kind": "Deployment", "name": dep["metadata"]["name"],
                                              "controller": True}]},
            "spec": {"template": template}}


def _pod(rs: Obj, suffix: str, *, phase: str = "Running", node: str | None = "n1", ready: bool = True,
         restarts: int = 0) -> Obj:
    tmpl = rs["spec"]["template"]
    spec = {**copy.deepcopy(tmpl["spec"])}
    if node:
        spec["nodeName"] = node
    statuses = [{"name": c["name"], "ready": ready, "restartCount": restarts, "state": {"running": {}}}
                for c in tmpl["spec"]["containers"]] if phase == "Running" else []
    return {"kind": "Pod", "metadata": {"name": f"{rs['metadata']['name']}-{suffix}",
                                        "namespace": rs["metadata"]["namespace"], "labels": tmpl["metadata"]["labels"],
                                        "ownerReferences": [{"kind": "ReplicaSet", "name": rs["metadata"]["name"],
                                                             "controller": True}]},
            "spec": spec, "status": {"phase": phase, "containerStatuses": statuses}}


def _event(obj: Obj, reason: str, message: str, *, age_min: float = 2, count: int = 5) -> Obj:
    meta = obj["metadata"]
    return {"kind": "Event", "metadata": {"name": f"{meta['name']}.{reason}", "namespace": meta.get("namespace")},
            "involvedObject": {"kind": obj["kind"], "name": meta["name"], "namespace": meta.get("namespace")},
            "reason": reason, "message": message, "type": "Warning", "count": count,
            "firstTimestamp": _ago(age_min + 30), "lastTimestamp": _ago(age_min)}


def _only(findings: list[Finding], analyzer: str) -> Finding:
    hits = [f for f in findings if f.analyzer == analyzer]
    assert len(hits) == 1, [f.analyzer for f in findings]
    return hits[0]


def _probe(path: str, port: Any = "http") -> Obj:
    return {"httpGet": {"path": path, "port": port}, "periodSeconds": 10, "timeoutSeconds": 1}


# --- probes ---------------------------------------------------------------------------------------------------

def _probe_world(old: Obj | None, new: Obj, *, age_min: float) -> ClusterView:
    labels = {"app": "web"}
    old_c = _container("web", readinessProbe=_probe("/ready"), **({"livenessProbe": old} if old else {}))
    new_c = _container("web", readinessProbe=_probe("/ready"), livenessProbe=new)
    dep = _deployment("web", _template(labels, [new_c]))
    prev, cur = _rs(dep, 4, _template(labels, [old_c]), age_min=age_min + 600), _rs(dep, 5, dep["spec"]["template"],
                                                                                   age_min=age_min)
    pod = _pod(cur, "a", ready=False, restarts=6)
    ev = _event(pod, "Unhealthy", 'Liveness probe failed: Get "http://10.0.0.7:8080/healthz": context deadline '
                                  "exceeded (Client.Timeout exceeded while awaiting headers)")
    return _view(dep, prev, cur, pod, ev)


def test_a_failing_liveness_probe_changed_days_ago_is_patched_back_to_the_previous_path() -> None:
    view = _probe_world(_probe("/livez"), _probe("/healthz"), age_min=3 * 24 * 60)
    f = _only(pods.analyze(view), "pods.probe")
    assert f.category == "probe_failure" and f.score >= 0.6
    assert f.action is not None and f.action.action is ActionName.PATCH_RESOURCE
    containers = f.action.params["patch"]["spec"]["template"]["spec"]["containers"]
    assert containers == [{"name": "web", "livenessProbe": {"httpGet": {"path": "/livez"}}}]


def test_a_probe_the_last_revision_added_is_removed_with_null() -> None:
    view = _probe_world(None, _probe("/healthz"), age_min=90)
    f = _only(pods.analyze(view), "pods.probe")
    assert f.action is not None
    assert f.action.params["patch"]["spec"]["template"]["spec"]["containers"] == [{"name": "web",
                                                                                   "livenessProbe": None}]


def test_a_timing_out_probe_that_did_not_change_is_only_a_weak_lead_with_advice() -> None:
    view = _probe_world(_probe("/healthz"), _probe("/healthz"), age_min=90)
    f = _only(pods.analyze(view), "pods.probe")
    assert f.score < 0.6
    assert f.action is not None and f.action.action is ActionName.RECOMMEND_ONLY


def _not_found_world(*, both_fail: bool) -> ClusterView:
    labels = {"app": "web"}
    c = _container("web", readinessProbe=_probe("/ready"), livenessProbe=_probe("/health"))
    dep = _deployment("web", _template(labels, [c]))
    rs = _rs(dep, 2, dep["spec"]["template"], age_min=60 * 24 * 20)
    pod = _pod(rs, "a", ready=False, restarts=4)
    evs = [_event(pod, "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 404")]
    if both_fail:
        evs.append({**_event(pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404"),
                    "metadata": {"name": "web-r2-a.ready", "namespace": "shop"}})
    return _view(dep, rs, pod, *evs)


def test_a_probe_answered_404_is_pointed_at_the_path_its_passing_sibling_probe_uses() -> None:
    f = _only(pods.analyze(_not_found_world(both_fail=False)), "pods.probe")
    assert f.score >= 0.6 and f.action is not None and f.action.action is ActionName.PATCH_RESOURCE
    assert f.action.params["patch"]["spec"]["template"]["spec"]["containers"] == [
        {"name": "web", "livenessProbe": {"httpGet": {"path": "/ready"}}}]


def test_when_every_probe_gets_404_no_path_is_guessed() -> None:
    f = _only(pods.analyze(_not_found_world(both_fail=True)), "pods.probe")
    assert f.action is not None and f.action.action is ActionName.RECOMMEND_ONLY


# --- placement --------------------------------------------------------------------------------------------------

def _pending_world(nodes: list[Obj], spec: Obj, message: str) -> ClusterView:
    labels = {"app": "tiles"}
    dep = _deployment("tiles", _template(labels, [_container("tiles")], **spec))
    rs = _rs(dep, 3, dep["spec"]["template"], age_min=60 * 24 * 30)
    pod = _pod(rs, "p", phase="Pending", node=None)
    return _view(*nodes, dep, rs, pod, _event(pod, "FailedScheduling", message))


_SELECTOR_MSG = ("0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, "
                 "2 node(s) didn't match Pod's node affinity/selector.")


def test_a_selector_pinned_to_an_unreachable_node_is_dropped_with_null() -> None:
    gone = _node("n-2", {"pool": "geo"}, ready=False,
                 taints=[{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}])
    view = _pending_world([_node("n-1", {"pool": "geo"}), _node("n-3", {"pool": "geo"}), gone],
                          {"nodeSelector": {"kubernetes.io/hostname": "n-2", "pool": "geo"}}, _SELECTOR_MSG)
    f = _only(pods.analyze(view), "pods.pending")
    assert f.action is not None and f.action.action is ActionName.PATCH_RESOURCE
    assert f.action.params["patch"] == {"spec": {"template": {"spec": {"nodeSelector": {"kubernetes.io/hostname":
                                                                                       None}}}}}
    assert "n-1" in f.action.rationale and "n-3" in f.action.rationale


def test_a_dedicated_pool_taint_gets_exactly_its_toleration_and_keeps_the_existing_ones() -> None:
    keep = {"key": "example.com/spot", "operator": "Exists", "effect": "NoSchedule"}
    batch = [_node(f"b-{i}", {"workload-class": "batch"},
                   taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}]) for i in (1, 2)]
    view = _pending_world(batch + [_node("g-1", {"workload-class": "general"})],
                          {"nodeSelector": {"workload-class": "batch"}, "tolerations": [keep]},
                          "0/3 nodes are available: 2 node(s) had untolerated taint {dedicated: batch}, "
                          "1 node(s) didn't match Pod's node affinity/selector.")
    f = _only(pods.analyze(view), "pods.pending")
    assert f.action is not None and f.action.action is ActionName.PATCH_RESOURCE
    assert f.action.params["patch"]["spec"]["template"]["spec"]["tolerations"] == [
        keep, {"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}]


def test_a_pod_that_chose_no_pool_is_not_given_a_toleration_for_someone_elses() -> None:
    batch = [_node("b-1", {}, taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}])]
    view = _pending_world(batch, {}, "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}.")
    f = _only(pods.analyze(view), "pods.pending")
    assert f.action is not None and f.action.action is not ActionName.PATCH_RESOURCE


def test_pods_too_big_for_any_node_get_no_placement_patch() -> None:
    view = _pending_world([_node("n-1", {"pool": "a"})], {"nodeSelector": {"pool": "a"}},
                          "0/1 nodes are available: 1 Insufficient memory.")
    f = _only(pods.analyze(view), "pods.pending")
    assert f.action is not None and f.action.action is not ActionName.PATCH_RESOURCE


# --- Service selectors ------------------------------------------------------------------------------------------

def _routing_world(selector: dict[str, str], name: str = "invoice-portal") -> ClusterView:
    mine = _deployment("invoice-portal", _template({"app": "invoice-portal"}, [_container()]))
    other = _deployment("billing-api", _template({"app.kubernetes.io/name": "billing-api"}, [_container()]))
    objs: list[Obj] = [mine, other]
    for dep in (mine, other):
        rs = _rs(dep, 1, dep["spec"]["template"], age_min=9000)
        objs += [rs, _pod(rs, "a")]
    svc = {"kind": "Service", "metadata": {"name": name, "namespace": "shop"},
           "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 8080}]}}
    return _view(*objs, svc)


def test_a_selector_on_a_key_the_pods_lack_is_removed_and_the_pods_own_label_set() -> None:
    f = _only(routing.analyze(_routing_world({"app.kubernetes.io/name": "invoice-portal"})), "routing.selector")
    assert f.action is not None
    assert f.action.params["patch"] == {"spec": {"selector": {"app.kubernetes.io/name": None,
                                                              "app": "invoice-portal"}}}
    assert f.affected is not None and f.affected.name == "invoice-portal"


def test_a_selector_is_never_pointed_at_a_workload_that_only_shares_its_key() -> None:
    findings = routing.analyze(_routing_world({"app.kubernetes.io/name": "reports-ui"}, "reports-ui"))
    assert not [f for f in findings if f.analyzer == "routing.selector"]


# --- HPA --------------------------------------------------------------------------------------------------------

def _hpa(mx: int, current: int, util: int, target: int = 70, *, conditions: list[Obj] | None = None) -> Obj:
    return {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "rates", "namespace": "shop"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "rates"}, "minReplicas": 1,
                     "maxReplicas": mx,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                         "type": "Utilization", "averageUtilization": target}}}]},
            "status": {"currentReplicas": current, "desiredReplicas": current,
                       "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {
                           "averageUtilization": util}}}],
                       "conditions": conditions or [{"type": "ScalingLimited", "status": "True",
                                                     "reason": "TooManyReplicas"}]}}


@pytest.mark.parametrize(("mx", "util", "expected"), [(2, 196, 8), (6, 184, 20), (4, 80, 8), (2, 900, 10)])
def test_a_pinned_hpa_max_is_raised_to_the_observed_demand_with_headroom(mx: int, util: int, expected: int) -> None:
    f = _only(capacity.analyze(_view(_hpa(mx, mx, util))), "capacity.hpa")
    assert f.action is not None and f.action.params == {"patch": {"spec": {"maxReplicas": expected}}}


def test_an_hpa_blind_to_a_sidecar_without_requests_gets_requests_for_that_container() -> None:
    app = _container("app", resources={"requests": {"cpu": "1", "memory": "1Gi"}})
    sidecar = _container("proxy", resources={"limits": {"memory": "64Mi"}})
    dep = _deployment("rates", _template({"app": "rates"}, [app, sidecar]))
    blind = _hpa(10, 2, 0, conditions=[{"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
                                        "message": "the HPA was unable to compute the replica count: failed to get "
                                                   "cpu utilization: missing request for cpu in container proxy of "
                                                   "Pod rates-abc-1"}])
    f = _only(capacity.analyze(_view(dep, blind)), "capacity.hpa_blind")
    assert f.category == "autoscaling" and f.resource is not None and f.resource.kind == "Deployment"
    assert f.action is not None and f.action.action is ActionName.SET_RESOURCES
    assert f.action.params == {"container": "proxy", "requests": {"cpu": "100m"}}


# --- LimitRange -------------------------------------------------------------------------------------------------

def _limit_world(*, raised: bool) -> ClusterView:
    labels = {"app": "gw"}
    old = _container("gw", resources={"limits": {"memory": "2Gi"}})
    new = _container("gw", resources={"limits": {"memory": "3Gi" if raised else "2Gi"}}, args=["--cache=1g"])
    dep = _deployment("gw", _template(labels, [new]))
    prev, cur = _rs(dep, 11, _template(labels, [old]), age_min=9000), _rs(dep, 12, dep["spec"]["template"], age_min=40)
    lr = {"kind": "LimitRange", "metadata": {"name": "container-limits", "namespace": "shop"},
          "spec": {"limits": [{"type": "Container", "max": {"memory": "2Gi"}}]}}
    ev = _event(cur, "FailedCreate", 'Error creating: pods "gw-r12-x" is forbidden: maximum memory usage per '
                                     "Container is 2Gi, but limit is 3Gi")
    return _view(dep, prev, cur, _pod(prev, "a"), lr, ev)


def test_pods_refused_by_the_limitrange_after_a_resource_raise_are_rolled_back() -> None:
    f = _only(capacity.analyze(_limit_world(raised=True)), "capacity.limitrange")
    assert (f.category, f.resource.kind if f.resource else None) == ("quota_exceeded", "Deployment")
    assert f.action is not None and f.action.action is ActionName.ROLLBACK_DEPLOYMENT
    assert f.action.params == {"revision": 11}


def test_a_limitrange_refusal_without_a_resource_change_is_only_advice() -> None:
    f = _only(capacity.analyze(_limit_world(raised=False)), "capacity.limitrange")
    assert f.resource is not None and f.resource.kind == "LimitRange"
    assert f.action is not None and f.action.action is ActionName.RECOMMEND_ONLY


# --- end to end through the sandbox -----------------------------------------------------------------------------

E2E = [
    ("repricing-workers-idle-after-node-pool-upgrade", "unschedulable",
     'spec.template.spec.nodeSelector["cloud.google.com/gke-nodepool"]', None),
    ("stock-sync-deploy-stalled-new-pod-never-ready", "probe_failure",
     "spec.template.spec.containers[0].readinessProbe.httpGet.port", "http"),
]


@pytest.mark.parametrize(("scenario", "category", "path", "after"), E2E)
def test_the_approved_fix_edits_exactly_the_faulty_field_and_is_verified(scenario: str, category: str, path: str,
                                                                         after: Any) -> None:
    file: Path = OWN_SCENARIOS / f"{scenario}.yaml"
    with sandbox_session(file) as s:
        first = api.investigate(s.graph, incident_id=f"fix-{scenario[:24]}", trigger=trigger_of(s.scenario))
        assert first.awaiting_approval
        assert first.interrupt["proposal"]["action"] == ActionName.PATCH_RESOURCE.value  # type: ignore[index]
        before = get_path(s.server.world.get("Deployment", s.scenario.truth["resource"]["namespace"],
                                             s.scenario.truth["resource"]["name"]), path)
        assert before != after
        result = api.resume(s.graph, incident_id=f"fix-{scenario[:24]}", decision="approve", user="U1")
        dep = s.server.world.get("Deployment", s.scenario.truth["resource"]["namespace"],
                                 s.scenario.truth["resource"]["name"])
    assert result.report.status is ReportStatus.RESOLVED
    assert result.report.category == category
    assert get_path(dep, path) == after
