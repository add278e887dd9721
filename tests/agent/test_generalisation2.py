"""Generic detectors, batch 2: hand-scaled to zero, front-proxy throttling, a stale HPA source, named ports,
a Role that lost a verb, a node-local DNS cache that left nodes, and leaks that came with a release."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from agent.analyzers import front_proxy, hpa_source, netpol_ports, nodelocal, rbac, routing
from agent.analyzers import pods as pods_analyzer
from agent.analyzers.workload import Rollout
from agent.cluster import ClusterView
from agent.findings import Finding
from agent.reasoners.rules import _leak_fix
from agent.reasoners.rules_confirm import confirm_zero_count
from cli.eval import run_one
from cli.session import sandbox_session
from tools.inventory import Inventory
from tools.models import ActionName, ObjectRef, ProposedAction

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc)


def _t(minutes: float) -> str:
    return (NOW + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _view(*objects: dict[str, Any]) -> ClusterView:
    inv = Inventory()
    for o in objects:
        inv.objects.setdefault(o["kind"], []).append(o)
    return ClusterView(inv, now=NOW)


def _workload(name: str, containers: list[dict[str, Any]], *, ns: str = "ops", replicas: int = 2,
              old_containers: list[dict[str, Any]] | None = None, sa: str | None = None) -> list[dict[str, Any]]:
    """A Deployment with its ReplicaSet (and an older one when old_containers is given) and one pod."""
    labels = {"app": name}
    def tmpl(cs: list[dict[str, Any]]) -> dict[str, Any]:
        spec: dict[str, Any] = {"containers": cs, **({"serviceAccountName": sa} if sa else {})}
        return {"metadata": {"labels": labels}, "spec": spec}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": ns, "uid": f"{name}-d", "creationTimestamp": _t(-90 * 1440),
                        "annotations": {"deployment.kubernetes.io/revision": "5"}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": tmpl(containers)},
           "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}}
    def rs(hash_: str, rev: int, cs: list[dict[str, Any]], age: float, n: int) -> dict[str, Any]:
        return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": f"{name}-{hash_}", "namespace": ns, "uid": f"{name}-{hash_}",
                             "creationTimestamp": _t(-age), "labels": {**labels, "pod-template-hash": hash_},
                             "annotations": {"deployment.kubernetes.io/revision": str(rev),
                                             "deployment.kubernetes.io/desired-replicas": str(replicas)},
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name,
                                                  "uid": f"{name}-d", "controller": True}]},
                "spec": {"replicas": n, "selector": {"matchLabels": {**labels, "pod-template-hash": hash_}},
                         "template": tmpl(cs)},
                "status": {"replicas": n, "readyReplicas": n}}
    out = [dep, rs("5d8f", 5, containers, 3 * 1440, replicas)]
    if old_containers is not None:
        out.append(rs("4c7e", 4, old_containers, 30 * 1440, 0))
    if replicas:
        out.append(_pod(name, "5d8f", containers, ns=ns, sa=sa))
    return out


def _pod(name: str, hash_: str, containers: list[dict[str, Any]], *, ns: str, node: str = "node-a",
         sa: str | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"{name}-{hash_}-x1", "namespace": ns, "uid": f"{name}-{hash_}-x1",
                         "creationTimestamp": _t(-2 * 1440), "labels": {"app": name, "pod-template-hash": hash_},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"{name}-{hash_}",
                                              "uid": f"{name}-{hash_}", "controller": True}]},
            "spec": {"containers": containers, "nodeName": node, **({"serviceAccountName": sa} if sa else {})},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [{"name": c["name"], "ready": True, "restartCount": 0,
                                              "state": {"running": {"startedAt": _t(-2 * 1440)}}}
                                             for c in containers]}}


def _service(name: str, target: Any, *, ns: str = "ops") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"app": name}, "ports": [{"name": "web", "port": 443, "targetPort": target}]}}


def _obs(tool: str, args: dict[str, Any], data: Any, text: str = "") -> dict[str, Any]:
    return {"tool": tool, "args": args, "status": "ok", "data": data, "text": text, "invocation": ""}


def _logs(pod: str, lines: list[str]) -> dict[str, Any]:
    text = "\n".join(lines)
    return _obs("pod_logs", {"namespace": "ops", "pod": pod, "tail_lines": 200},
                {"pod": pod, "lines": lines, "text": text}, text)


# -- scaled to zero by hand ------------------------------------------------------------------------------------

def _scaled(manager_subresource: str | None) -> ClusterView:
    objs = _workload("sms-sender", [{"name": "app", "image": "r/app:1"}], replicas=0)
    mf: dict[str, Any] = {"manager": "kubectl", "operation": "Update", "time": _t(-300),
                          "fieldsV1": {"f:spec": {"f:replicas": {}}}}
    if manager_subresource:
        mf["subresource"] = manager_subresource
    objs[0]["metadata"]["managedFields"] = [mf]
    objs[1]["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = "0"
    return _view(*objs)


def test_a_consumer_scaled_to_zero_through_the_scale_subresource_is_scaled_back_to_its_metric_history() -> None:
    [f] = routing.analyze(_scaled("scale"))
    assert f.category == "scaled_to_zero" and f.score >= 0.75
    assert any("scale subresource" in x for x in f.facts)
    [call] = f.confirm_with
    assert call.tool == "promql" and "kube_deployment_spec_replicas" in call.args["query"]
    confirm_zero_count(f, [_obs("promql", call.args, [{"labels": {}, "value": 4.0}])])
    assert f.action is not None and f.action.params == {"replicas": 4}


def test_a_zero_replica_workload_nobody_scaled_by_hand_and_nothing_serves_is_not_flagged() -> None:
    assert routing.analyze(_scaled(None)) == []


# -- a leak that came with a release ----------------------------------------------------------------------------

def _oom_finding(data: dict[str, Any]) -> Finding:
    target = ObjectRef(kind="Deployment", namespace="ops", name="geo")
    return Finding("pods.oom", "memory_leak", target, 0.8, "leaks", [], affected=target, data=data,
                   action=ProposedAction(action=ActionName.SET_RESOURCES, target=target))


def test_a_leak_in_pods_of_a_release_from_days_ago_is_rolled_back_and_an_old_one_is_restarted() -> None:
    rel = {"release": {"revision": 14, "previous": 13, "age_days": 5.1, "image": "geo:2.8", "previous_image": "geo:2.7"}}
    fix = _leak_fix(_oom_finding(rel))
    assert fix.action is ActionName.ROLLBACK_DEPLOYMENT and fix.params == {"revision": 13}
    assert _leak_fix(_oom_finding({})).action is ActionName.RESTART_WORKLOAD


def _killed_pod(restarts: int, run_h: float) -> dict[str, Any]:
    pod = _pod("geo", "5d8f", [{"name": "app", "image": "r/geo:2.8"}], ns="ops")
    pod["status"]["containerStatuses"][0].update(restartCount=restarts, lastState={"terminated": {
        "reason": "OOMKilled", "exitCode": 137, "startedAt": _t(-60 - run_h * 60), "finishedAt": _t(-60)}})
    return pod


def test_only_kills_that_began_with_a_release_make_it_the_suspect() -> None:
    def release(age_days: float, pod: dict[str, Any]) -> dict[str, object]:
        r = Rollout(current=14, previous=13, current_created=NOW - timedelta(days=age_days),
                    previous_image="r/geo:2.7", current_image="r/geo:2.8")
        return pods_analyzer._release(_view(), r, [pod])
    assert release(5, _killed_pod(16, 5))["release"] == {"revision": 14, "previous": 13, "age_days": 5.0,
                                                         "image": "r/geo:2.8", "previous_image": "r/geo:2.7"}
    assert release(9, _killed_pod(2, 11)) == {}  # killed since yesterday, 9 days after the release
    assert release(20, _killed_pod(80, 6)) == {}  # the release is too old to be the suspect


# -- a proxy in front of the app, throttled --------------------------------------------------------------------

def _proxied() -> ClusterView:
    cs = [{"name": "app", "image": "r/app:1", "ports": [{"name": "app", "containerPort": 8000}],
           "resources": {"limits": {"cpu": "2"}}},
          {"name": "proxy", "image": "r/envoy:1", "ports": [{"name": "https", "containerPort": 8443}],
           "resources": {"requests": {"cpu": "100m"}, "limits": {"cpu": "250m"}}}]
    return _view(*_workload("quotes", cs), _service("quotes", "https"))


def _throttling(proxy: float, app: float) -> list[dict[str, Any]]:
    rows = [{"labels": {"pod": "quotes-5d8f-x1", "container": c}, "current": v, "baseline": v}
            for c, v in (("proxy", proxy), ("app", app))]
    return [_obs("cpu_throttling", {"namespace": "ops", "pod_regex": "quotes-.*"}, rows)]


def test_a_front_proxy_throttled_while_the_app_idles_gets_more_cpu_on_that_container() -> None:
    [f] = front_proxy.analyze(_proxied())
    front_proxy.confirm(f, _throttling(0.86, 0.002))
    assert f.score >= 0.8 and f.action is not None and f.action.action is ActionName.SET_RESOURCES
    assert f.action.params == {"container": "proxy", "limits": {"cpu": "500m"}}


def test_throttling_of_the_app_container_too_or_of_nothing_does_not_blame_the_proxy() -> None:
    for proxy, app in ((0.86, 0.6), (0.1, 0.0)):
        [f] = front_proxy.analyze(_proxied())
        front_proxy.confirm(f, _throttling(proxy, app))
        assert f.score < 0.6


# -- an HPA reading a queue its workload left ---------------------------------------------------------------

def _hpa_view(new_url: str) -> ClusterView:
    env = lambda url: [{"name": "app", "image": "r/w:1", "env": [{"name": "JOBS_URL", "value": url}]}]  # noqa: E731
    objs = _workload("scanner", env(new_url), old_containers=env("amqp://mq:5672/vhost/scan-jobs"))
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "scanner", "namespace": "ops"},
           "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "scanner"}, "minReplicas": 2, "maxReplicas": 20,
                    "metrics": [{"type": "External", "external": {
                        "metric": {"name": "queue_depth", "selector": {"matchLabels": {"queue": "scan-jobs"}}},
                        "target": {"type": "AverageValue", "averageValue": "30"}}}]},
           "status": {"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": [
               {"type": "External", "external": {"current": {"averageValue": "0"}}}]}}
    return _view(*objs, hpa)


def test_an_hpa_selecting_the_queue_its_worker_moved_away_from_is_pointed_at_the_new_queue() -> None:
    [f] = hpa_source.analyze(_hpa_view("amqp://mq:5672/vhost/scan-jobs-v2"))
    assert f.category == "autoscaling" and f.resource == ObjectRef(kind="HorizontalPodAutoscaler", namespace="ops",
                                                                   name="scanner")
    assert f.action is not None and f.action.action is ActionName.PATCH_RESOURCE and f.score >= 0.8
    metric = f.action.params["patch"]["spec"]["metrics"][0]["external"]["metric"]
    assert metric == {"name": "queue_depth", "selector": {"matchLabels": {"queue": "scan-jobs-v2"}}}


def test_an_hpa_whose_worker_changed_something_else_in_its_env_is_left_alone() -> None:
    assert hpa_source.analyze(_hpa_view("amqp://mq2:5672/vhost/scan-jobs")) == []


# -- NetworkPolicy named ports ------------------------------------------------------------------------------

def _policies(port: Any, *, age_min: float = 60) -> ClusterView:
    cs = [{"name": "app", "image": "r/s:1", "ports": [{"name": "grpc-tls", "containerPort": 8443}]}]
    deny = {"kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "ops", "creationTimestamp": _t(-age_min)},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    allow = {"kind": "NetworkPolicy",
             "metadata": {"name": "allow-clients", "namespace": "ops", "creationTimestamp": _t(-age_min)},
             "spec": {"podSelector": {"matchLabels": {"app": "signer"}}, "policyTypes": ["Ingress"],
                      "ingress": [{"from": [{"namespaceSelector": {}}], "ports": [{"protocol": "TCP", "port": port}]}]}}
    return _view(*_workload("signer", cs), _service("signer", "grpc-tls"), deny, allow)


def test_an_allow_rule_on_a_port_name_the_pods_do_not_have_is_blamed_with_the_name_they_use() -> None:
    [f] = netpol_ports.analyze(_policies("https"))
    assert f.resource == ObjectRef(kind="NetworkPolicy", namespace="ops", name="allow-clients")
    assert f.score >= 0.75 and f.affected is not None and f.affected.name == "signer"
    assert f.action is not None and "'grpc-tls'" in f.action.rationale


def test_a_port_name_the_pods_have_or_a_number_opens_the_port() -> None:
    assert netpol_ports.analyze(_policies("grpc-tls")) == []
    assert netpol_ports.analyze(_policies(8443)) == []
    [old] = netpol_ports.analyze(_policies("https", age_min=20 * 1440))
    assert old.score < 0.6


# -- node-local DNS cache -----------------------------------------------------------------------------------

def _node(name: str, pool: str) -> dict[str, Any]:
    return {"kind": "Node", "metadata": {"name": name, "labels": {"pool": pool}}, "spec": {}}


def _dns_cache(selector: dict[str, str] | None) -> ClusterView:
    ds = {"kind": "DaemonSet", "metadata": {"name": "dns-cache", "namespace": "kube-system"},
          "spec": {"template": {"spec": {"hostNetwork": True, "nodeSelector": selector, "containers": [
              {"name": "cache", "args": ["-localip", "169.254.25.10"], "ports": [{"containerPort": 53}]}]}}}}
    app = _workload("trips", [{"name": "app", "image": "r/t:1"}])
    app[-1]["spec"]["nodeName"] = "spot-1"
    return _view(ds, _node("gen-1", "general"), _node("spot-1", "spot"), *app)


def test_a_dns_cache_daemonset_whose_node_selector_leaves_pods_without_it_loses_that_selector() -> None:
    [f] = nodelocal.analyze(_dns_cache({"pool": "general"}))
    assert f.resource == ObjectRef(kind="DaemonSet", namespace="kube-system", name="dns-cache")
    assert f.action is not None and f.action.params == {
        "patch": {"spec": {"template": {"spec": {"nodeSelector": {"pool": None}}}}}}
    line = "lookup db.ops.svc.cluster.local on 169.254.25.10:53: read udp 10.0.0.4:4->169.254.25.10:53: i/o timeout"
    nodelocal.confirm(f, [_logs("trips-5d8f-x1", [f"2026-03-04T09:50:00Z ERROR {line}"])])
    assert f.score >= 0.85


def test_a_dns_cache_on_every_node_or_lookups_failing_elsewhere_are_not_this_case() -> None:
    assert nodelocal.analyze(_dns_cache(None)) == []
    [f] = nodelocal.analyze(_dns_cache({"pool": "general"}))
    nodelocal.confirm(f, [_logs("trips-5d8f-x1", ["ERROR lookup db on 10.96.0.10:53: no such host"])])
    assert f.score < 0.6


# -- a Role that lost a verb --------------------------------------------------------------------------------

_DENIED = ('ERROR create failed err="jobs.batch is forbidden: User \\"system:serviceaccount:ops:runner\\" cannot '
           'create resource \\"jobs\\" in API group \\"batch\\" in the namespace \\"ops\\""')


def _rbac(verbs: list[str]) -> list[dict[str, Any]]:
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "runner", "namespace": "ops"},
            "rules": [{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": verbs}]}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "runner", "namespace": "ops"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "runner"},
               "subjects": [{"kind": "ServiceAccount", "name": "runner", "namespace": "ops"}]}
    return [role, binding, *_workload("runner", [{"name": "app", "image": "r/r:1"}], sa="runner")]


def test_a_refused_verb_the_bound_role_does_not_grant_blames_that_role() -> None:
    [f] = rbac.analyze(_view(*_rbac(["get", "list", "delete"])))
    rbac.confirm(f, [_logs("runner-5d8f-x1", [_DENIED])])
    assert f.score >= 0.9 and f.resource == ObjectRef(kind="Role", namespace="ops", name="runner")
    assert f.action is not None and f.action.action is ActionName.RECOMMEND_ONLY and "'create'" in f.action.rationale


def test_a_refusal_the_role_does_grant_is_not_the_roles_fault() -> None:
    [f] = rbac.analyze(_view(*_rbac(["*"])))
    rbac.confirm(f, [_logs("runner-5d8f-x1", [_DENIED])])
    assert f.score < 0.6


# -- end to end, through the sandbox ------------------------------------------------------------------------

def _write(tmp: Path, doc: dict[str, Any]) -> Path:
    path = tmp / f"{doc['id']}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _zero_scenario(tmp: Path) -> Path:
    objs = copy.deepcopy(_workload("sms-sender", [{"name": "app", "image": "r/app:1"}], replicas=0))
    objs[0]["metadata"]["managedFields"] = [{"manager": "kubectl", "operation": "Update", "time": _t(-300),
                                             "subresource": "scale", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]
    objs[1]["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = "0"
    series = {"labels": {"__name__": "kube_deployment_spec_replicas", "namespace": "ops", "deployment": "sms-sender"},
              "start": "-600m", "step": "5m", "values": [4] * 60 + [0] * 60}
    ref = {"kind": "Deployment", "namespace": "ops", "name": "sms-sender"}
    return _write(tmp, {
        "format": 1, "id": "sms-sender-zero", "title": "consumer scaled to zero by hand", "now": _t(0),
        "trigger": {"command": "no texts sent since the night, sms-sender in ops"},
        "cluster": {"objects": objs}, "metrics": [series],
        "truth": {"category": "scaled_to_zero", "resource": ref, "evidence": ["kubectl"],
                  "remediation": {"accepted": [{"action": "scale_workload", "target": ref}],
                                  "checks": [{**ref, "path": "spec.replicas", "at_least": 4}]}}})


def test_a_deployment_scaled_to_zero_with_kubectl_is_scaled_back_to_its_count_in_the_sandbox(tmp_path: Path) -> None:
    row = run_one(_zero_scenario(tmp_path), reasoner="rules", transcript=None)
    assert row["category"] == "scaled_to_zero" and row["action"]["params"] == {"replicas": 4}
    assert row["passed"] and row["verified"]


def test_the_inventory_reads_roles_and_workload_scale_writers_over_http(tmp_path: Path) -> None:
    doc = yaml.safe_load(_zero_scenario(tmp_path).read_text())
    doc["cluster"]["objects"] += _rbac(["get"])[:2]
    with sandbox_session(_write(tmp_path, doc)) as s:
        inv = s.toolbox.inventory(None)
    assert [r["metadata"]["name"] for r in inv.of("Role", "ops")] == ["runner"]
    assert inv.of("RoleBinding", "ops")[0]["roleRef"]["name"] == "runner"
    [dep] = inv.of("Deployment", "ops")
    assert dep["metadata"]["managedFields"][0]["subresource"] == "scale"
    assert not inv.errors
