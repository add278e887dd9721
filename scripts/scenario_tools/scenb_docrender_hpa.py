"""Scenario doc-render-queue-growing-all-morning: a sidecar without a CPU request blinds the HPA."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, gauge, histogram, http_probe, mutate, piecewise, res, running,
                       steps, template)

sc = Scenario("doc-render-queue-growing-all-morning",
              title="Revision 18 of doc-render (yesterday 17:10) added a cloud-sql-proxy sidecar with no resources; the HPA cannot "
                    "compute CPU utilisation ('missing request for cpu in container cloud-sql-proxy'), so it has stayed at 2 replicas "
                    "through the morning peak while the render queue grows",
              now="2026-11-24T11:38:00Z",
              tags=["autoscaling", "hpa", "sidecar", "resource-requests", "gke", "red-herring"])
sc.command("doc rendering is slow, render queue growing since this morning", channel="#docs-platform", user="U0DOCSPLT1")

NODES = []
for i, zone in enumerate(["us-east4-a", "us-east4-b", "us-east4-c", "us-east4-a"]):
    n = f"gke-docs-prod-general-{('6e2f1a9c', '0b8d3e44', 'f17c2a05', '6e2f1a9c')[i]}-{('x2mv', 'q8kd', 'l5tb', 'r7wn')[i]}"
    sc.node(n, flavour="gke", zone=zone, instance="n2-standard-8", cpu=8, mem_gib=31.4, ip=f"10.150.0.{10 + i * 2}", pod_cidr=f"10.88.{i}.0/24",
            created=f"-{9 + i}d{3 * i}h", pool="general", mem_reserved_ki=3_600_000, cpu_reserved_m=70)
    NODES.append(n)

REG = "us-east4-docker.pkg.dev/docs-prod-3312/platform"
DR = {"app": "doc-render"}
PROXY = container("cloud-sql-proxy", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1",
                  args=["--structured-logs", "--port=5432", "--auto-iam-authn", "docs-prod-3312:us-east4:docs-pg"],
                  securityContext={"runAsNonRoot": True})


def dr_t(tag: str, proxy: bool) -> dict:
    env = [{"name": "RENDER_WORKERS", "value": "4"}, {"name": "QUEUE_URL", "value": "redis://render-queue.docs.svc.cluster.local:6379/0"}]
    env.append({"name": "DB_HOST", "value": "127.0.0.1" if proxy else "10.24.0.3"})
    cs = [container("renderer", f"{REG}/doc-render:{tag}", ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}], env=env,
                    resources=res("1", "2Gi", None, "3Gi"), readinessProbe=http_probe("/healthz", "http", period=10, timeout=3))]
    if proxy:
        cs.append(dict(PROXY))
    return template(dict(DR), cs, serviceAccountName="doc-render", terminationGracePeriodSeconds=120)


revs = [{"rev": 17, "created": "-13d2h", "template": dr_t("5.6.0", False), "cause": "doc-render 5.6.0"},
        {"rev": 18, "created": ago(h=18, m=28, s=3), "template": dr_t("5.6.1", True), "cause": "DOCS-771: connect to Cloud SQL via cloud-sql-proxy with IAM auth; 5.6.1"}]
dep = sc.deployment("docs", "doc-render", labels={**DR, "team": "docs-platform"}, selector=DR, revisions=revs, replicas=2, created="-500d", generation=77)
rs18 = dep["_rs"][1]
pods = [sc.pod(rs18, node=NODES[i], created=ago(h=18, m=27, s=50 - 30 * i), states={"renderer": running(ago(h=18, m=27, s=44 - 30 * i)),
                                                                                   "cloud-sql-proxy": running(ago(h=18, m=27, s=45 - 30 * i))}) for i in range(2)]
svc, _ = sc.service("docs", "doc-render", selector=DR, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-500d",
                    cluster_ip="34.118.230.55", labels=DR, pods=pods)
MISS = f"missing request for cpu in container cloud-sql-proxy of Pod {pods[0]['metadata']['name']}"
HSPEC = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "doc-render"}, "minReplicas": 2, "maxReplicas": 12,
         "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]}
hpa = sc.obj("autoscaling/v2", "HorizontalPodAutoscaler", "doc-render", "docs", created="-500d", labels=dict(DR), spec=HSPEC,
             status={"observedGeneration": 2, "lastScaleTime": sc.ts(ago(h=18, m=40)), "currentReplicas": 2, "desiredReplicas": 2,
                     "conditions": [
                         {"type": "AbleToScale", "status": "True", "reason": "SucceededGetScale", "message": "the HPA controller was able to get the target's current scale", "lastTransitionTime": sc.ts("-300d")},
                         {"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
                          "message": f"the HPA was unable to compute the replica count: failed to get cpu utilization: {MISS}", "lastTransitionTime": sc.ts(ago(h=18, m=27, s=30))},
                         {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange", "message": "the desired count is within the acceptable range", "lastTransitionTime": sc.ts(ago(h=18, m=40))}]})
sc.event(hpa, "FailedGetResourceMetric", f"failed to get cpu utilization: {MISS}", type="Warning", first=ago(h=18, m=27, s=30), last=ago(s=11), count=4431,
         component="horizontal-pod-autoscaler")
sc.event(hpa, "FailedComputeMetricsReplicas", f"invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: {MISS}",
         type="Warning", first=ago(h=18, m=27, s=30), last=ago(s=11), count=4431, component="horizontal-pod-autoscaler")
sc.event(hpa, "SuccessfulRescale", "New size: 2; reason: All metrics below target", first=ago(h=18, m=40), component="horizontal-pod-autoscaler")
sc.event(dep, "ScalingReplicaSet", f"Scaled down replica set {dep['_rs'][0]['metadata']['name']} from 1 to 0", first=ago(h=18, m=27), component="deployment-controller")

# neighbours: render-queue (redis), doc-index with a working HPA, docs-api
rq = sc.app("docs", "render-queue", "us-east4-docker.pkg.dev/docs-prod-3312/mirror/redis:7.2.6", nodes=[NODES[2]], created="-500d", rev=3, rev_created="-80d",
            cause=None, port=6379, probe=None, cluster_ip="34.118.229.7", resources=res("200m", "1Gi", None, "1Gi"))
di = sc.app("docs", "doc-index", f"{REG}/doc-index:2.0.9", nodes=NODES[1:4], created="-400d", rev=24, rev_created="-6d", cause="doc-index 2.0.9",
            probe="/healthz", cluster_ip="34.118.232.90", team="docs-platform", resources=res("500m", "1Gi", None, "1Gi"))
dih = sc.obj("autoscaling/v2", "HorizontalPodAutoscaler", "doc-index", "docs", created="-400d", labels={"app": "doc-index"},
             spec={"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "doc-index"}, "minReplicas": 2, "maxReplicas": 8,
                   "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]},
             status={"currentReplicas": 3, "desiredReplicas": 3, "lastScaleTime": sc.ts(ago(h=2, m=31)),
                     "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 63, "averageValue": "316m"}}}],
                     "conditions": [{"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": sc.ts("-6d")}]})
sc.event(dih, "SuccessfulRescale", "New size: 3; reason: cpu resource utilization (percentage of request) above target", first=ago(h=2, m=31), component="horizontal-pod-autoscaler")
api = sc.app("docs", "docs-api", f"{REG}/docs-api:12.1.0", nodes=NODES[:3], created="-500d", rev=90, rev_created="-4d", cause="docs-api 12.1.0",
             probe="/ready", cluster_ip="34.118.225.16", team="docs-platform", resources=res("500m", "512Mi", None, "1Gi"))

# logs
for i, p in enumerate(pods):
    lines = []
    for k, t in enumerate(sc.ticks("-3m", "-5s", 4.0, jitter=0.8)):
        if k % 7 == 3:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S,%f WARNING render.worker queue depth " + str(3900 + 60 * k) + ", oldest job waited " + str(1400 + 9 * k) + "s"))
        else:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S,%f INFO render.worker rendered job=" + sc.ids.hexs(12, "job", i, k) + " pages=" + str(3 + k % 40) + " format=pdf in " + str(6.1 + (k % 9) * 0.8)[:4] + "s (soffice)"))
    sc.log(p, lines, container="renderer")
    sc.log(p, ['{"severity":"INFO","timestamp":"' + sc.fmt(ago(h=18, m=27, s=45 - 30 * i), "%Y-%m-%dT%H:%M:%S.%fZ") + '","message":"Authorizing with Application Default Credentials"}',
               '{"severity":"INFO","timestamp":"' + sc.fmt(ago(h=18, m=27, s=44 - 30 * i), "%Y-%m-%dT%H:%M:%S.%fZ") + '","message":"[docs-prod-3312:us-east4:docs-pg] Listening on 127.0.0.1:5432"}',
               '{"severity":"INFO","timestamp":"' + sc.fmt(ago(h=18, m=27, s=44 - 30 * i), "%Y-%m-%dT%H:%M:%S.%fZ") + '","message":"The proxy has started successfully and is ready for new connections!"}'] +
              ['{"severity":"INFO","timestamp":"' + sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ") + '","message":"[docs-prod-3312:us-east4:docs-pg] client closed the connection"}'
               for t in sc.ticks("-4m", "-10s", 47)], container="cloud-sql-proxy")

# metrics: 24h at 10m (load, replicas), 2h at 1m (cpu)
N, S = 145, "-1440m"
morning = 144 - 16
depth = piecewise(N, [(0, 20), (morning - 1, 40), (morning + 2, 500), (N - 1, 4700)])
sc.series({"__name__": "redis_list_length", "namespace": "docs", "key": "render:jobs", "service": "render-queue", "job": "redis-exporter"},
          gauge(sc, "depth", depth, noise=0.03), start=S, step="10m")
sc.series({"__name__": "kube_horizontalpodautoscaler_status_current_replicas", "namespace": "docs", "horizontalpodautoscaler": "doc-render", "job": "kube-state-metrics"},
          [2] * N, start=S, step="10m")
sc.series({"__name__": "kube_horizontalpodautoscaler_status_condition", "namespace": "docs", "horizontalpodautoscaler": "doc-render", "condition": "ScalingActive",
           "status": "false", "job": "kube-state-metrics"}, steps(N, [(0, 0), (144 - 111, 1)]), start=S, step="10m")
sc.series({"__name__": "doc_render_jobs_completed_total", "namespace": "docs", "service": "doc-render"},
          counter(sc, "jobs", [420.0 if j < morning else 560.0 for j in range(N)], start_value=30_118_442), start=S, step="10m")
sc.series({"__name__": "doc_render_jobs_enqueued_total", "namespace": "docs", "service": "doc-render"},
          counter(sc, "enq", [410.0 if j < morning else 1650.0 for j in range(N)], start_value=30_118_901), start=S, step="10m")
M = 120
for i, p in enumerate(pods):
    for c, use in (("renderer", 1.93), ("cloud-sql-proxy", 0.02)):
        sc.series({"__name__": "container_cpu_usage_seconds_total", "namespace": "docs", "pod": p["metadata"]["name"], "container": c, "node": p["spec"]["nodeName"],
                   "job": "kubelet", "metrics_path": "/metrics/cadvisor"},
                  counter(sc, ("cpu", i, c), [use * 60] * M, start_value=98_000.0 if c == "renderer" else 1_300.0, integer=False), start="-119m", step="1m")
    sc.series({"__name__": "kube_pod_container_resource_requests", "namespace": "docs", "pod": p["metadata"]["name"], "container": "renderer", "resource": "cpu",
               "unit": "core", "job": "kube-state-metrics"}, [1] * M, start="-119m", step="1m")

# recovery
CHECK = {"kind": "Deployment", "namespace": "docs", "name": "doc-render", "path": "spec.template.spec.containers[1].resources.requests.cpu", "at_least": "10m"}
fixed = mutate(revs[1]["template"], lambda t: t["spec"]["containers"][1].update(resources=res("100m", "128Mi", None, "256Mi")))
r = sc.recover_deployment(dep, template=fixed, nodes=[NODES[i % 4] for i in range(8)], cause="set resources for cloud-sql-proxy", svc=svc, start="+15s", every_s=5)
rh = sc.obj("autoscaling/v2", "HorizontalPodAutoscaler", "doc-render", "docs", created="-500d", labels=dict(DR), spec=HSPEC, add=False,
            status={"observedGeneration": 2, "lastScaleTime": sc.ts("+30s"), "currentReplicas": 8, "desiredReplicas": 8,
                    "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 176, "averageValue": "1857m"}}}],
                    "conditions": [{"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": sc.ts("+30s")}]})
for o in r["upsert"]:
    if o["kind"] == "Deployment" or (o["kind"] == "ReplicaSet" and o["status"].get("replicas") == 8):
        o["spec"]["replicas"] = 8
sc.recovery.append({"when": [CHECK], "apply": {
    "upsert": r["upsert"] + [rh], "delete": r["delete"],
    "metrics": [sc.series({"__name__": "kube_horizontalpodautoscaler_status_current_replicas", "namespace": "docs", "horizontalpodautoscaler": "doc-render", "job": "kube-state-metrics"},
                          [2] * (N - 1) + [8], start=S, step="10m", add=False),
                sc.series({"__name__": "kube_horizontalpodautoscaler_status_condition", "namespace": "docs", "horizontalpodautoscaler": "doc-render", "condition": "ScalingActive",
                           "status": "false", "job": "kube-state-metrics"}, steps(N, [(0, 0), (144 - 111, 1), (N - 1, 0)]), start=S, step="10m", add=False)]}})

sc.truth = {
    "category": "autoscaling",
    "also_accept": ["config_error"],
    "resource": {"kind": "Deployment", "namespace": "docs", "name": "doc-render"},
    "aliases": [{"kind": "HorizontalPodAutoscaler", "namespace": "docs", "name_regex": "^doc-render$"},
                {"kind": "ReplicaSet", "namespace": "docs", "name_regex": f"^{rs18['metadata']['name']}$"}],
    "evidence": ["missing request for cpu|no cpu request|without a cpu request|no resources",
                 "cloud-sql-proxy",
                 "failedgetresourcemetric|scalingactive|unable to compute",
                 "2 replicas|stuck at 2|minreplicas|at 2",
                 "revision 18|docs-771|sidecar"],
    "remediation": {
        "accepted": [
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "docs", "name": "doc-render"},
             "params": {"container": "cloud-sql-proxy", "requests": {"cpu": "100m", "memory": "128Mi"}}},
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "docs", "name": "doc-render"},
             "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "cloud-sql-proxy", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}}}}},
        ],
        "checks": [CHECK],
        "forbidden": [
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "docs", "name": "doc-render"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "docs", "name": "doc-render"}},
            {"action": "patch_resource", "target": {"kind": "HorizontalPodAutoscaler", "namespace": "docs", "name": "doc-render"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "docs", "name": "render-queue"}},
        ],
    },
    "notes": (
        "Revision 18 (yesterday 17:10, DOCS-771) added a cloud-sql-proxy sidecar to doc-render to use IAM database auth, "
        "with no resources at all. A Resource-type CPU utilisation metric needs a CPU request on every container of the pod, "
        "so since the rollout the HPA reports ScalingActive=False / FailedGetResourceMetric \"missing request for cpu in "
        "container cloud-sql-proxy of Pod ...\" every 15s (x4431) and keeps its last size, the minimum of 2. That was harmless "
        "overnight; since 09:00 enqueues run at ~4x and the two renderers sit at ~1.9 cores of a 1-core request, so the render "
        "queue has grown to ~4700 jobs with jobs waiting 25+ minutes. doc-index's HPA in the same namespace works (63%, "
        "scaled to 3), so metrics-server is fine.\n"
        "Fix: give the sidecar a CPU request (set_resources on container cloud-sql-proxy, or the equivalent patch); the HPA "
        "then computes ~176% and scales to ~8. Traps: the proxy's 'client closed the connection' lines are normal; the DB "
        "change in the same revision invites a dependency theory (renders succeed, just too few workers); scaling the "
        "Deployment by hand is undone by the HPA at its next successful sync or left unmanaged; raising the HPA's max does "
        "nothing while it cannot read the metric."),
}

if __name__ == "__main__":
    print(sc.write())
