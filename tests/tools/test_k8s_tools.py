"""Each Kubernetes read tool on a hand-made scenario that holds the trouble it must spot, over real HTTP."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.tools.conftest import Served, obj, write_scenario
from tools.models import ToolResult, ToolStatus
from tools.registry import call_tool

APPS = "apps/v1"
CONTAINER = {"name": "web", "image": "registry.example.com/web:1.2.0",
             "ports": [{"containerPort": 8080, "name": "http"}],
             "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
             "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 5},
             "env": [{"name": "LOG_LEVEL", "value": "debug"},
                     {"name": "DB_PASSWORD", "value": "hunter2-Xq9!zz"},
                     {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "web-keys", "key": "api"}}}],
             "volumeMounts": [{"name": "config", "mountPath": "/etc/web"}, {"name": "data", "mountPath": "/data"}]}
OWNER_RS = [{"apiVersion": APPS, "kind": "ReplicaSet", "name": "web-7f9c", "uid": "uid-replicaset-web-7f9c",
             "controller": True}]
OWNER_DEP = [{"apiVersion": APPS, "kind": "Deployment", "name": "web", "uid": "uid-deployment-web", "controller": True}]


def _template(image: str, token: str, log_level: str) -> dict[str, Any]:
    env = [{"name": "LOG_LEVEL", "value": log_level}, {"name": "SESSION_TOKEN", "value": token}]
    return {"metadata": {"labels": {"app": "web", "tier": "frontend"}},
            "spec": {"containers": [{"name": "web", "image": image, "env": env}]}}


def _node(name: str, *, ready: str = "True", disk: str = "False", cordoned: bool = False) -> dict[str, Any]:
    conds = [{"type": "Ready", "status": ready, "reason": "KubeletReady" if ready == "True" else "KubeletNotReady",
              "message": "ok" if ready == "True" else "PLEG is not healthy", "lastTransitionTime": "2026-01-01T11:40:00Z"},
             {"type": "DiskPressure", "status": disk, "reason": "KubeletHasDiskPressure" if disk == "True" else "ok",
              "message": "ephemeral storage 92% used" if disk == "True" else "ok",
              "lastTransitionTime": "2026-01-01T11:38:00Z"}]
    spec: dict[str, Any] = {"unschedulable": True, "taints": [{"key": "node.kubernetes.io/unschedulable",
                                                               "effect": "NoSchedule"}]} if cordoned else {}
    return obj("Node", name, None, spec=spec, status={
        "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}, "conditions": conds,
        "addresses": [{"type": "InternalIP", "address": "10.0.0.1" if name == "n1" else "10.0.0.2"}],
        "nodeInfo": {"kubeletVersion": "v1.31.4", "architecture": "amd64", "operatingSystem": "linux",
                     "osImage": "x", "containerRuntimeVersion": "containerd://1.7", "kernelVersion": "6.8",
                     "kubeProxyVersion": "v1.31.4", "machineID": "m", "systemUUID": "s", "bootID": "b"}})


def _pod(name: str, *, restarts: int = 0, waiting: bool = False) -> dict[str, Any]:
    state: dict[str, Any] = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting"}} \
        if waiting else {"running": {"startedAt": "2026-01-01T11:50:00Z"}}
    status: dict[str, Any] = {"name": "web", "ready": not waiting, "restartCount": restarts, "state": state,
                              "image": CONTAINER["image"], "imageID": "x"}
    if restarts:
        status["lastState"] = {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                                              "startedAt": "2026-01-01T11:45:00Z", "finishedAt": "2026-01-01T11:49:30Z"}}
    return obj("Pod", name, labels={"app": "web", "tier": "front"}, metadata={"ownerReferences": OWNER_RS},
               spec={"nodeName": "n1", "containers": [CONTAINER], "imagePullSecrets": [{"name": "regcred"}],
                     "serviceAccountName": "web",
                     "volumes": [{"name": "config", "configMap": {"name": "web-config"}},
                                 {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}}]},
               status={"phase": "Running", "podIP": "10.1.0.5", "containerStatuses": [status],
                       "conditions": [{"type": "Ready", "status": "False" if waiting else "True",
                                       "reason": "ContainersNotReady" if waiting else None}]})


def _event(name: str, reason: str, message: str, *, count: int, last: str, kind: str = "Pod",
           obj_name: str = "web-7f9c-a1", type_: str = "Warning") -> dict[str, Any]:
    return obj("Event", name, involvedObject={"kind": kind, "name": obj_name, "namespace": "web"}, reason=reason,
               message=message, type=type_, count=count, firstTimestamp="2026-01-01T11:20:00Z", lastTimestamp=last,
               source={"component": "kubelet"})


def web_objects() -> list[dict[str, Any]]:
    sel = {"matchLabels": {"app": "web"}}
    rs = [obj("ReplicaSet", n, api=APPS, labels={"app": "web", "pod-template-hash": h},
              metadata={"ownerReferences": OWNER_DEP, "annotations": {"deployment.kubernetes.io/revision": rev}},
              spec={"replicas": r, "selector": sel, "template": _template(img, tok, lvl)},
              status={"replicas": r, "readyReplicas": r}, created=c)
          for n, h, rev, r, img, tok, lvl, c in (
              ("web-5d2b", "5d2b", "1", 0, "registry.example.com/web:1.1.0", "s3cr3t-old-T0k3n", "info",
               "2025-12-20T10:00:00Z"),
              ("web-7f9c", "7f9c", "2", 2, "registry.example.com/web:1.2.0", "s3cr3t-new-T0k3n", "debug",
               "2026-01-01T11:00:00Z"))]
    return [
        _node("n1"), _node("n2", ready="False", disk="True", cordoned=True),
        obj("Deployment", "web", api=APPS, labels={"app": "web"},
            metadata={"annotations": {"deployment.kubernetes.io/revision": "2"}},
            spec={"replicas": 2, "selector": sel, "template": _template("registry.example.com/web:1.2.0",
                                                                        "s3cr3t-new-T0k3n", "debug"),
                  "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                  "progressDeadlineSeconds": 600},
            status={"replicas": 2, "readyReplicas": 1, "availableReplicas": 1, "unavailableReplicas": 1}),
        *rs, _pod("web-7f9c-a1", restarts=4, waiting=True), _pod("web-7f9c-b2"),
        obj("Service", "web", spec={"selector": {"app": "web", "tier": "frontend"},
                                    "ports": [{"name": "http", "port": 80, "targetPort": 8081}]}),
        obj("Endpoints", "web", subsets=[]),
        obj("Ingress", "web", api="networking.k8s.io/v1", spec={"rules": [{"host": "web.example.com", "http": {"paths": [
            {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}},
            {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 8080}}}}]}}]}),
        obj("NetworkPolicy", "deny-egress", api="networking.k8s.io/v1",
            spec={"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Egress"], "egress": []}),
        obj("NetworkPolicy", "db-only", api="networking.k8s.io/v1",
            spec={"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{"from": [
                {"podSelector": {"matchLabels": {"app": "api"}}}], "ports": [{"port": 5432}]}]}),
        obj("StorageClass", "local-path", None, api="storage.k8s.io/v1", provisioner="rancher.io/local-path",
            volumeBindingMode="WaitForFirstConsumer"),
        obj("PersistentVolume", "pv-web", None, spec={
            "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "local-path",
            "local": {"path": "/mnt/disks/web"}, "persistentVolumeReclaimPolicy": "Delete",
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1"]}]}]}}},
            status={"phase": "Bound"}),
        obj("PersistentVolumeClaim", "web-data", spec={"accessModes": ["ReadWriteOnce"], "storageClassName": "local-path",
                                                       "volumeName": "pv-web", "resources": {"requests": {"storage": "10Gi"}}},
            status={"phase": "Bound", "capacity": {"storage": "10Gi"}}),
        obj("PersistentVolumeClaim", "scratch", spec={"accessModes": ["ReadWriteOnce"], "storageClassName": "fast-ssd",
                                                      "resources": {"requests": {"storage": "50Gi"}}},
            status={"phase": "Pending"}),
        obj("ResourceQuota", "pods-cap", spec={"hard": {"pods": "10", "requests.cpu": "4"}},
            status={"hard": {"pods": "10", "requests.cpu": "4"}, "used": {"pods": "10", "requests.cpu": "1"}}),
        obj("HorizontalPodAutoscaler", "web", api="autoscaling/v2", spec={
            "scaleTargetRef": {"apiVersion": APPS, "kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 2,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                                    "averageUtilization": 70}}}]},
            status={"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": [{"type": "Resource", "resource": {
                "name": "cpu", "current": {"averageUtilization": 180}}}], "conditions": [
                {"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas",
                 "message": "the desired replica count is more than the maximum replica count",
                 "lastTransitionTime": "2026-01-01T11:30:00Z"}]}),
        obj("ConfigMap", "web-config", data={"feature_flags": "new-cart=true", "db_password": "pl41n-T3xt-pw"},
            metadata={"managedFields": [{"manager": "helm", "operation": "Update", "time": "2026-01-01T11:00:00Z"}]}),
        obj("CronJob", "nightly", api="batch/v1", spec={"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {
            "spec": {"restartPolicy": "Never", "containers": [{"name": "job", "image": "registry.example.com/job:3"}]}}}}},
            status={"lastScheduleTime": "2026-01-01T02:00:00Z"}),
        obj("Job", "nightly-29000", api="batch/v1", labels={"job-name": "nightly-29000"},
            metadata={"ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "nightly",
                                           "uid": "uid-cronjob-nightly", "controller": True}]},
            spec={"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "job", "image": "x"}]}}},
            status={"failed": 1, "startTime": "2026-01-01T02:00:00Z"}),
        obj("Pod", "nightly-29000-zz9", labels={"job-name": "nightly-29000"},
            spec={"nodeName": "n1", "containers": [{"name": "job", "image": "x"}]},
            status={"phase": "Failed", "containerStatuses": [{"name": "job", "ready": False, "restartCount": 0,
                                                              "image": "x", "imageID": "x", "state": {"terminated": {
                                                                  "reason": "Error", "exitCode": 2,
                                                                  "finishedAt": "2026-01-01T02:03:00Z"}}}]}),
        _event("ev1", "BackOff", "Back-off restarting failed container web in pod web-7f9c-a1 (attempt 3)", count=3,
               last="2026-01-01T11:50:00Z"),
        _event("ev2", "BackOff", "Back-off restarting failed container web in pod web-7f9c-a1 (attempt 5)", count=5,
               last="2026-01-01T11:58:00Z"),
        _event("ev4", "Failed", "Failed to pull image \"registry.example.com/web:1.2.0\": rpc error: code = Unknown "
               + "desc = failed to pull and unpack image: failed to resolve reference: " + "x" * 300
               + ": failed to fetch oauth token: 401 Unauthorized", count=2, last="2026-01-01T11:40:00Z",
               obj_name="web-7f9c-b2"),
        _event("ev3", "ScalingReplicaSet", "Scaled up replica set web-7f9c to 2", count=1,
               last="2026-01-01T11:00:00Z", kind="Deployment", obj_name="web", type_="Normal"),
        obj("Deployment", "orders", "fin-prod", api=APPS, labels={"app": "orders"},
            spec={"replicas": 1, "selector": {"matchLabels": {"app": "orders"}}, "template": {
                "metadata": {"labels": {"app": "orders"}}, "spec": {"containers": [{"name": "o", "image": "o:1"}]}}}),
        obj("Deployment", "orders", "fin-dev", api=APPS, labels={"app": "orders"},
            spec={"replicas": 1, "selector": {"matchLabels": {"app": "orders"}}, "template": {
                "metadata": {"labels": {"app": "orders"}}, "spec": {"containers": [{"name": "o", "image": "o:1"}]}}}),
    ]


LOGS = [{"namespace": "web", "pod": "web-7f9c-a1",
         "lines": ["2026-01-01T11:50:01Z INFO starting web 1.2.0",
                   "2026-01-01T11:50:02Z ERROR cannot open /data/cache.db: disk quota exceeded"]},
        {"namespace": "web", "pod": "web-7f9c-a1", "previous": True,
         "lines": [f"2026-01-01T11:4{i % 10}:00Z INFO request {i} served in {i * 3}ms" for i in range(40)]
         + ["2026-01-01T11:49:29Z ERROR java.lang.OutOfMemoryError: Java heap space"]},
        {"namespace": "web", "pod": "web-7f9c-b2", "lines": []}]


@pytest.fixture()
def web(serve: Callable[..., Served], tmp_path: Path) -> Served:
    return serve(write_scenario(tmp_path, "web-shop", web_objects(), logs=LOGS))


def ok(tool: str, args: dict[str, Any], s: Served) -> ToolResult:
    r = call_tool(tool, args, s.ctx)
    assert r.status == ToolStatus.OK, r.text
    return r


def test_find_workloads_ranks_name_matches_and_follows_namespace_hints(web: Served) -> None:
    everywhere = ok("find_workloads", {"query": "orders 500s"}, web)
    assert {(h["namespace"], h["name"]) for h in everywhere.data} == {("fin-prod", "orders"), ("fin-dev", "orders")}
    hinted = ok("find_workloads", {"query": "orders 500s in fin-prod"}, web)
    assert [(h["kind"], h["namespace"], h["name"]) for h in hinted.data] == [("Deployment", "fin-prod", "orders")]
    assert "fin-prod (from the query)" in hinted.text
    assert ok("find_workloads", {"query": "web"}, web).data[0]["name"] == "web"


def test_workload_status_shows_pods_restarts_and_last_state(web: Served) -> None:
    r = ok("workload_status", {"kind": "Deployment", "namespace": "web", "name": "web"}, web)
    assert "ready 1" in r.text and "unavailable 1" in r.text
    assert "current ReplicaSet web-7f9c revision 2" in r.text
    assert "strategy RollingUpdate: maxSurge 25%, maxUnavailable 0, progressDeadlineSeconds 600" in r.text
    assert "waiting CrashLoopBackOff" in r.text and "restarts 4" in r.text
    assert "last state terminated OOMKilled exit code 137" in r.text
    assert r.text.index("web-7f9c-a1") < r.text.index("web-7f9c-b2")  # unhealthy first
    assert r.invocation.startswith("GET /apis/apps/v1/namespaces/web/deployments/web ; "
                                   "GET /api/v1/namespaces/web/pods?labelSelector=app%3Dweb")


def test_workload_kinds_are_accepted_in_kubectl_spellings(web: Served) -> None:
    for kind in ("deployment", "deploy", "deployments"):
        assert ok("workload_status", {"kind": kind, "namespace": "web", "name": "web"}, web).data["kind"] == "Deployment"


def test_cronjob_status_lists_its_jobs_and_their_pods(web: Served) -> None:
    r = ok("workload_status", {"kind": "CronJob", "namespace": "web", "name": "nightly"}, web)
    assert "schedule '0 2 * * *'" in r.text and "job nightly-29000: active 0, succeeded 0, failed 1" in r.text
    assert "pod nightly-29000-zz9: Failed" in r.text and "exit code 2" in r.text


def test_pod_detail_never_shows_secret_values(web: Served) -> None:
    r = ok("pod_detail", {"namespace": "web", "name": "web-7f9c-a1"}, web)
    assert "API_KEY=<from secret web-keys key api>" in r.text
    assert "LOG_LEVEL=debug" in r.text and "DB_PASSWORD=" in r.text
    assert "hunter2" not in r.text and "hunter2" not in str(r.data)
    assert "readiness probe: http GET /ready port 8080" in r.text
    assert "QoS Burstable" in r.text and "data (pvc web-data)" in r.text
    assert "spec: serviceAccount web, imagePullSecrets regcred" in r.text
    assert "x8 Warning BackOff" in r.text  # two events of one template, counts added


def test_events_are_grouped_by_template_newest_first_with_relative_times(web: Served) -> None:
    r = ok("events", {"namespace": "web"}, web)
    lines = r.text.splitlines()
    assert lines[0].startswith("events in web for all objects: 3 groups from 4 events")
    assert lines[1].startswith("2m ago (2026-01-01T11:58:00Z) x8 Warning BackOff Pod/web-7f9c-a1:")
    assert "(attempt 5)" in lines[1] and "first 40m ago" in lines[1]
    only_warnings = ok("events", {"namespace": "web", "types": ["Warning"], "since_minutes": 30}, web)
    assert len(only_warnings.data) == 2
    pull = next(line for line in lines if "Failed Pod/web-7f9c-b2" in line)
    assert "Failed to pull image" in pull and "oauth token: 401 Unauthorized, first 40m ago" in pull and " ... " in pull
    by_object = ok("events", {"namespace": "web", "kind": "Deployment", "name": "web"}, web)
    assert "fieldSelector=involvedObject.kind%3DDeployment%2CinvolvedObject.name%3Dweb" in by_object.invocation
    assert [g["reason"] for g in by_object.data] == ["ScalingReplicaSet"]


def test_pod_logs_reads_current_and_previous_runs_compressed(web: Served) -> None:
    prev = ok("pod_logs", {"namespace": "web", "pod": "web-7f9c-a1", "previous": True}, web)
    assert "previous (terminated) run" in prev.text and "41 lines fetched" in prev.text
    assert "OutOfMemoryError" in prev.text and "ratio" in prev.text
    assert "previous=true" in prev.invocation and "tailLines=500" in prev.invocation
    grep = ok("pod_logs", {"namespace": "web", "pod": "web-7f9c-a1", "grep": "quota"}, web)
    assert "1 matching" in grep.text and "disk quota exceeded" in grep.text
    empty = call_tool("pod_logs", {"namespace": "web", "pod": "web-7f9c-b2"}, web.ctx)
    assert empty.status == ToolStatus.NO_DATA and "(no log lines)" in empty.text
    no_prev = call_tool("pod_logs", {"namespace": "web", "pod": "web-7f9c-b2", "previous": True}, web.ctx)
    assert no_prev.status == ToolStatus.ERROR and "previous terminated container" in no_prev.text


def test_rollout_history_diffs_revisions_and_hides_secret_looking_env(web: Served) -> None:
    r = ok("rollout_history", {"namespace": "web", "deployment": "web"}, web)
    assert "revision 1: ReplicaSet web-5d2b" in r.text and "revision 2 (current): ReplicaSet web-7f9c" in r.text
    assert "containers[web].image: registry.example.com/web:1.1.0 -> registry.example.com/web:1.2.0" in r.text
    assert "containers[web].env[LOG_LEVEL]: info -> debug" in r.text
    assert "containers[web].env[SESSION_TOKEN]: changed (value hidden" in r.text
    assert "s3cr3t" not in r.text and "s3cr3t" not in str(r.data)
    assert "pod-template-hash" not in r.text


def test_service_routing_spots_selector_port_and_ingress_mismatches(web: Served) -> None:
    r = ok("service_routing", {"namespace": "web", "service": "web"}, web)
    assert "pods matching the selector: 0" in r.text
    assert "web-7f9c-a1 has tier=front (selector wants tier=frontend)" in r.text
    assert "endpoints ready: 0 (NONE)" in r.text
    assert "ingress web host web.example.com path / -> port 80: ok" in r.text
    assert "path /api -> port 8080: MISMATCH" in r.text


def test_service_routing_checks_target_ports_against_container_ports(web: Served, serve: Callable[..., Served],
                                                                     tmp_path: Path) -> None:
    objects = [o for o in web_objects() if o["kind"] != "Service"]
    objects.append(obj("Service", "web", spec={"selector": {"app": "web"},
                                               "ports": [{"name": "http", "port": 80, "targetPort": 8081}]}))
    s = serve(write_scenario(tmp_path, "web-port", objects))
    r = ok("service_routing", {"namespace": "web", "service": "web"}, s)
    assert "pods matching the selector: 2" in r.text
    assert "MISMATCH: no selected pod exposes 8081 (containers expose 8080(http))" in r.text


def test_network_policies_show_which_select_a_pod_and_what_they_allow(web: Served) -> None:
    r = ok("network_policies", {"namespace": "web", "pod": "web-7f9c-a1"}, web)
    assert "1 NetworkPolicy(ies) in web selecting pod web-7f9c-a1" in r.text
    assert "egress: DENY ALL (no rules)" in r.text and "db-only" not in r.text
    everything = ok("network_policies", {"namespace": "web"}, web)
    assert "ingress allowed: pods {'app': 'api'} on 5432/TCP" in everything.text


def test_nodes_show_conditions_taints_cordons_and_requests(web: Served) -> None:
    r = ok("nodes", {}, web)
    assert "node n2: Ready=False UNSCHEDULABLE (cordoned)" in r.text
    assert "KubeletNotReady: PLEG is not healthy" in r.text
    assert "DiskPressure=True KubeletHasDiskPressure: ephemeral storage 92% used" in r.text
    assert "taints: node.kubernetes.io/unschedulable=:NoSchedule" in r.text
    assert "node n1: Ready=True, age 2h, kubelet v1.31.4, amd64" in r.text
    assert "cpu 1000m/2000m (50%)" in r.text  # two pods x 500m


def test_pvc_status_follows_claims_to_volumes_classes_and_pods(web: Served) -> None:
    r = ok("pvc_status", {"namespace": "web"}, web)
    assert "pvc web-data: Bound" in r.text
    assert "PV pv-web: Bound, local /mnt/disks/web" in r.text and "pinned to node (kubernetes.io/hostname In n1)" in r.text
    assert "StorageClass local-path: provisioner rancher.io/local-path, binding WaitForFirstConsumer" in r.text
    assert "mounted by 2 pod(s): web-7f9c-a1 (Running on n1), web-7f9c-b2 (Running on n1)" in r.text
    assert "pvc scratch: Pending" in r.text and "StorageClass fast-ssd: not found" in r.text


def test_quotas_hpas_and_configmaps(web: Served) -> None:
    quota = ok("resource_quotas", {"namespace": "web"}, web)
    assert "pods 10/10 FULL" in quota.text and "requests.cpu 1/4" in quota.text
    hpa = ok("hpa_status", {"namespace": "web", "name": "web"}, web)
    assert "min 2 max 2" in hpa.text and "current 180% target 70%" in hpa.text
    assert "ScalingLimited=True TooManyReplicas" in hpa.text
    cm = ok("config_maps", {"namespace": "web", "name": "web-config"}, web)
    assert "feature_flags: new-cart=true" in cm.text and "pl41n" not in cm.text
    assert "used by ReplicaSet/web-7f9c: 2 pod(s)" in cm.text and "written by: helm Update" in cm.text
    listing = ok("config_maps", {"namespace": "web"}, web)
    assert "web-config: keys db_password, feature_flags" in listing.text


def test_k8s_jq_runs_over_a_redacted_list(web: Served) -> None:
    r = ok("k8s_jq", {"kind": "pods", "namespace": "web", "program": "[.items[] | .metadata.name]"}, web)
    assert "web-7f9c-a1" in r.text and "nightly-29000-zz9" in r.text
    assert r.invocation.startswith("GET /api/v1/namespaces/web/pods | jq")
    env = ok("k8s_jq", {"kind": "Pod", "namespace": "web",
                        "program": "[.items[].spec.containers[].env[]? | select(.name == \"DB_PASSWORD\") | .value]"}, web)
    assert "hunter2" not in env.text and "REDACTED" in env.text
