"""Scenario query-gateway-replicas-mismatch-friday-evening: revision 12 exceeds the LimitRange maximum."""
from __future__ import annotations

from scenb_kit import (Scenario, container, counter, gauge, histogram, http_probe, piecewise, res, running, steps,
                       template, terminated)

sc = Scenario("query-gateway-replicas-mismatch-friday-evening",
              title="query-gateway 5.2.0 (revision 12) raised the container memory limit to 3Gi and -Xmx to 2560m; the "
                    "namespace LimitRange allows at most 2Gi per container, so the new ReplicaSet cannot create pods and the "
                    "rolling update has left the service on 3 of 4 replicas",
              now="2026-11-27T21:08:00Z",
              tags=["quota-exceeded", "limitrange", "rollout", "aks", "jvm", "red-herring"])
sc.alert(labels={"alertname": "KubeDeploymentReplicasMismatch", "namespace": "analytics", "deployment": "query-gateway",
                 "severity": "warning", "container": "kube-state-metrics", "job": "kube-state-metrics",
                 "prometheus": "monitoring/prometheus-kube-prometheus-prometheus"},
         summary="Deployment has not matched the expected number of replicas.",
         description="Deployment analytics/query-gateway has not matched the expected number of replicas for longer than 15 minutes.",
         starts="-19m", channel="#analytics-platform",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentreplicasmismatch"})

NODES = []
for i in range(4):
    n = f"aks-analytics-26483917-vmss00000{i}"
    sc.node(n, flavour="aks", zone=f"westeurope-{i % 3 + 1}", instance="Standard_E8s_v5", cpu=8, mem_gib=62.8, ip=f"10.224.0.{4 + i}",
            created=f"-{46 - i}d{3 + i}h", pool="analytics", mem_reserved_ki=6_200_000, cpu_reserved_m=180, pods=110, region="westeurope")
    NODES.append(n)

REG = "acranalyticsprod.azurecr.io/analytics"
LAB = {"app.kubernetes.io/name": "query-gateway", "app.kubernetes.io/part-of": "lakehouse"}


def gw(version: str, mem: str, xmx: str, cache: str) -> dict:
    return template(dict(LAB), [container(
        "query-gateway", f"{REG}/query-gateway:{version}",
        ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        env=[{"name": "JAVA_TOOL_OPTIONS", "value": f"-Xms{xmx} -Xmx{xmx} -XX:+UseG1GC -XX:MaxGCPauseMillis=150"},
             {"name": "RESULT_CACHE_MAX_MB", "value": cache},
             {"name": "TRINO_URL", "value": "http://trino.analytics.svc.cluster.local:8080"},
             {"name": "SPRING_PROFILES_ACTIVE", "value": "prod"}],
        resources=res("1", mem, "2", mem),
        readinessProbe=http_probe("/actuator/health/readiness", "http", period=10, timeout=2),
        livenessProbe=http_probe("/actuator/health/liveness", "http", period=20, timeout=3, initial=60))],
        serviceAccountName="query-gateway")


revs = [{"rev": 10, "created": "-34d5h", "template": gw("5.0.3", "2Gi", "1536m", "256"), "cause": "query-gateway 5.0.3"},
        {"rev": 11, "created": "-15d2h20m", "template": gw("5.1.0", "2Gi", "1536m", "256"), "cause": "query-gateway 5.1.0"},
        {"rev": 12, "created": "-36m41s", "template": gw("5.2.0", "3Gi", "2560m", "1024"), "cause": "query-gateway 5.2.0 (bigger result cache, ANL-733)", "replicas": 2}]
revs[1]["replicas"] = 3
dep = sc.deployment("analytics", "query-gateway", labels={**LAB, "team": "analytics-platform"}, selector=LAB, revisions=revs, replicas=4,
                    created="-290d", generation=31)
rs10, rs11, rs12 = dep["_rs"]
gpods = [sc.pod(rs11, node=NODES[i], created=f"-15d2h{18 - 2 * i}m{13 * i}s", states={"query-gateway": running(f"-15d2h{17 - 2 * i}m{13 * i}s")})
         for i in range(3)]
MSG = "maximum memory usage per Container is 2Gi, but limit is 3Gi"
dep["status"] = {"observedGeneration": 31, "replicas": 3, "updatedReplicas": 0, "readyReplicas": 3, "availableReplicas": 3, "unavailableReplicas": 1,
                 "conditions": [
                     {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
                      "lastUpdateTime": sc.ts("-36m40s"), "lastTransitionTime": sc.ts("-15d2h10m")},
                     {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "message": f"pods \"{rs12['metadata']['name']}-\" is forbidden: {MSG}",
                      "lastUpdateTime": sc.ts("-36m40s"), "lastTransitionTime": sc.ts("-36m40s")},
                     {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                      "message": f"ReplicaSet \"{rs12['metadata']['name']}\" has timed out progressing.",
                      "lastUpdateTime": sc.ts("-26m41s"), "lastTransitionTime": sc.ts("-26m41s")}]}
rs12["status"] = {"replicas": 0, "observedGeneration": 1,
                  "conditions": [{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "lastTransitionTime": sc.ts("-36m40s"),
                                  "message": f"pods \"{rs12['metadata']['name']}-\" is forbidden: {MSG}"}]}
svc, _ = sc.service("analytics", "query-gateway", selector=LAB, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                    created="-290d", cluster_ip="10.0.148.37", labels=LAB, pods=gpods)
sc.obj("v1", "LimitRange", "container-limits", "analytics", created="-290d",
       labels={"app.kubernetes.io/managed-by": "platform-guardrails"}, annotations={"guardrails.example.com/policy": "std-tenant-v3"},
       spec={"limits": [{"type": "Container", "max": {"cpu": "4", "memory": "2Gi"}, "min": {"cpu": "10m", "memory": "16Mi"},
                         "default": {"cpu": "500m", "memory": "512Mi"}, "defaultRequest": {"cpu": "100m", "memory": "256Mi"}},
                        {"type": "PersistentVolumeClaim", "max": {"storage": "256Gi"}}]})
sc.obj("v1", "ResourceQuota", "tenant-quota", "analytics", created="-290d", labels={"app.kubernetes.io/managed-by": "platform-guardrails"},
       spec={"hard": {"limits.memory": "96Gi", "requests.cpu": "40", "pods": "80"}},
       status={"hard": {"limits.memory": "96Gi", "requests.cpu": "40", "pods": "80"}, "used": {"limits.memory": "41Gi", "requests.cpu": "14300m", "pods": "17"}})

# events: the rolling update scaled the old RS down first, then the new RS could not create pods
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs12['metadata']['name']} from 0 to 1", first="-36m41s", component="deployment-controller")
sc.event(dep, "ScalingReplicaSet", f"Scaled down replica set {rs11['metadata']['name']} from 4 to 3", first="-36m41s", component="deployment-controller")
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs12['metadata']['name']} from 1 to 2", first="-36m40s", component="deployment-controller")
gone = f"{rs11['metadata']['name']}-{sc.ids.alnum(5, 'gone')}"
sc.event(rs11, "SuccessfulDelete", f"Deleted pod: {gone}", first="-36m41s", component="replicaset-controller")
sc.event(rs12, "FailedCreate", f"Error creating: pods \"{rs12['metadata']['name']}-{sc.ids.alnum(5, 'g1')}\" is forbidden: {MSG}", type="Warning",
         first="-36m40s", component="replicaset-controller")
sc.event(rs12, "FailedCreate", f"(combined from similar events): Error creating: pods \"{rs12['metadata']['name']}-{sc.ids.alnum(5, 'g7')}\" is forbidden: {MSG}",
         type="Warning", first="-36m38s", last="-3m12s", count=29, component="replicaset-controller")

# neighbours: trino (coordinator + workers), dashboard-cache (redis, restarted once earlier: red herring)
trino_c = sc.app("analytics", "trino-coordinator", "trinodb/trino:463", nodes=[NODES[3]], created="-290d", rev=8, rev_created="-20d", cause=None,
                 probe="/v1/info", cluster_ip="10.0.22.80", labels={"app.kubernetes.io/name": "trino", "app.kubernetes.io/component": "coordinator"},
                 resources=res("2", "12Gi", None, "12Gi"), team="analytics-platform")
sc.objects[-1]["metadata"]["name"] = "trino"  # Endpoints
sc.objects[-2]["metadata"]["name"] = "trino"  # Service
trino_w = sc.app("analytics", "trino-worker", "trinodb/trino:463", nodes=NODES[:3], created="-290d", rev=8, rev_created="-20d", cause=None,
                 probe="/v1/info", cluster_ip="", service=False, labels={"app.kubernetes.io/name": "trino", "app.kubernetes.io/component": "worker"},
                 resources=res("3", "24Gi", None, "24Gi"))
cache_t = template({"app": "dashboard-cache"}, [container("redis", "docker.io/bitnami/redis:7.4.1", ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}],
                   env=[{"name": "REDIS_EXTRA_FLAGS", "value": "--maxmemory 900mb --maxmemory-policy allkeys-lru"}], resources=res("100m", "1Gi", None, "1Gi"))])
cache = sc.statefulset("analytics", "dashboard-cache", labels={"app": "dashboard-cache"}, selector={"app": "dashboard-cache"}, template=cache_t,
                       replicas=1, created="-200d", service="dashboard-cache")
cpod = sc.pod(cache, node=NODES[1], name="dashboard-cache-0", created="-9d4h", states={"redis": running("-3h12m40s")}, restarts={"redis": 1},
              last={"redis": {"code": 137, "reason": "OOMKilled", "start": "-9d3h59m", "end": "-3h12m44s"}})
sc.service("analytics", "dashboard-cache", selector={"app": "dashboard-cache"}, ports=[{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"}],
           created="-200d", cluster_ip="10.0.91.15", pods=[cpod])
sc.event(cpod, "Pulled", "Container image \"docker.io/bitnami/redis:7.4.1\" already present on machine", first="-3h12m43s", field_path="spec.containers{redis}")
sc.event(cpod, "Started", "Started container redis", first="-3h12m40s", field_path="spec.containers{redis}")

# logs
for i, p in enumerate(gpods):
    lines = [sc.fmt(p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"], "%Y-%m-%dT%H:%M:%S.%fZ  INFO 1 --- [query-gateway] [           main] c.e.a.gateway.QueryGatewayApplication    : Started QueryGatewayApplication in 21.84 seconds (process running for 23.1)")]
    for k, t in enumerate(sc.ticks("-7m", "-20s", 8, jitter=0.7)):
        if k % 11 == 4:
            lines.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ  WARN 1 --- [query-gateway] [nio-8080-exec-" + str(k % 20 + 1) + "] c.e.a.gateway.trino.TrinoClient         : query 20261127_" + str(205000 + k * 31 + i) + "_00" + str(k % 9) + "_x7k2p took 7.4s (queued 5.9s, cluster busy)"))
        elif k % 5 == 2:
            lines.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ  INFO 1 --- [query-gateway] [     cache-stats] c.e.a.gateway.cache.ResultCache         : result cache 231MB/256MB entries=" + str(4100 + 3 * k) + " hitRate=0.71 evictions=" + str(118 + k)))
        else:
            lines.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ  INFO 1 --- [query-gateway] [nio-8080-exec-" + str(k % 20 + 1) + "] c.e.a.gateway.api.QueryController       : POST /v2/query tenant=" + str(10 + k % 40) + " 200 in " + str(180 + 97 * (k % 13)) + "ms (cache " + ("hit" if k % 3 else "miss") + ")"))
    sc.log(p, lines)
sc.log(cpod, ["1:M 27 Nov 2026 17:55:21.304 * Background saving started by pid 1832", "1:M 27 Nov 2026 17:55:23.991 # Background saving terminated by signal 9"], previous=True)
sc.log(cpod, ["1:C 27 Nov 2026 17:55:24.402 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo", "1:M 27 Nov 2026 17:55:24.409 * Ready to accept connections tcp",
              "1:M 27 Nov 2026 20:55:25.011 * 100 changes in 300 seconds. Saving...", "1:M 27 Nov 2026 20:55:25.102 * Background saving terminated with success"])
sc.log(trino_c["_pods"][0], ["2026-11-27T21:07:41.118Z\tINFO\tdispatcher-query-8812\tio.trino.event.QueryMonitor\tTIMELINE: Query 20261127_210741_04417_x7k2p :: FINISHED :: elapsed 5112ms :: planning 41ms :: waiting 3907ms :: scheduling 12ms :: running 1150ms :: finishing 2ms"], repeat=10)

# metrics: 2h at 1m
N, S = 120, "-119m"
cut = 119 - 37
ksm = {"namespace": "analytics", "deployment": "query-gateway", "job": "kube-state-metrics"}
sc.series({"__name__": "kube_deployment_spec_replicas", **ksm}, [4] * N, start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", **ksm}, steps(N, [(0, 4), (cut, 3)]), start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_updated", **ksm}, steps(N, [(0, 4), (cut, 0)]), start=S, step="1m")
rps = piecewise(N, [(0, 14), (60, 19), (119, 23)])
med = [0.42 if i < cut else 0.42 + 0.5 * min(1, (i - cut) / 20) * (rps[i] / 20) for i in range(N)]
histogram(sc, "http_server_requests_seconds", {"namespace": "analytics", "service": "query-gateway", "uri": "/v2/query", "method": "POST", "status": "200"},
          n=N, start=S, step="1m", rps=rps, median_s=med, sigma=0.8, start_count=21_093_118,
          buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
for p in gpods:
    sc.series({"__name__": "container_memory_working_set_bytes", "namespace": "analytics", "pod": p["metadata"]["name"], "container": "query-gateway",
               "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"}, gauge(sc, p["metadata"]["name"], [1.79e9] * N, noise=0.015),
              start=S, step="1m")

# recovery: rollback to revision 11 re-uses its ReplicaSet
r = sc.recover_deployment(dep, template=revs[1]["template"], nodes=NODES[:4], cause="query-gateway 5.1.0", reuse_rs=rs11, svc=svc, start="+10s")
keep = {p["metadata"]["name"] for p in gpods}
r["upsert"] = [o for o in r["upsert"] if o["kind"] != "Pod"] + [p for p in r["pods"]][3:]
r["delete"] = []
last_pod = r["pods"][3]
r["upsert"] = [o for o in r["upsert"] if o["kind"] != "Endpoints"] + [sc.endpoints(svc, gpods + [last_pod], created=svc["metadata"]["creationTimestamp"], add=False)]
CHECK_LIM = {"kind": "Deployment", "namespace": "analytics", "name": "query-gateway", "path": "spec.template.spec.containers[0].resources.limits.memory", "at_most": "2Gi"}
CHECK_XMX = {"kind": "Deployment", "namespace": "analytics", "name": "query-gateway", "path": "spec.template.spec.containers[0].env[0].value", "matches": "-Xmx(1[0-9]{3}m|1g)"}
sc.recovery.append({"when": [CHECK_LIM, CHECK_XMX], "apply": {
    "upsert": r["upsert"], "logs": [{"namespace": "analytics", "pod": last_pod["metadata"]["name"], "lines": [
        sc.fmt("+38s", "%Y-%m-%dT%H:%M:%S.%fZ  INFO 1 --- [query-gateway] [           main] c.e.a.gateway.QueryGatewayApplication    : Started QueryGatewayApplication in 22.07 seconds (process running for 23.4)")]}],
    "metrics": [sc.series({"__name__": "kube_deployment_status_replicas_available", **ksm}, steps(N, [(0, 4), (cut, 3), (N - 1, 4)]), start=S, step="1m", add=False)]}})

sc.truth = {
    "category": "quota_exceeded",
    "also_accept": ["bad_rollout"],
    "resource": {"kind": "Deployment", "namespace": "analytics", "name": "query-gateway"},
    "aliases": [{"kind": "ReplicaSet", "namespace": "analytics", "name_regex": f"^{rs12['metadata']['name']}$"},
                {"kind": "LimitRange", "namespace": "analytics", "name_regex": "^container-limits$"}],
    "evidence": ["limitrange|limit range|container-limits|maximum memory usage per container",
                 "3gi|3221225472",
                 "2gi|2147483648",
                 "revision 12|5.2.0|revision 11|5.1.0",
                 "3 of 4|3/4|replicas mismatch|unavailable"],
    "remediation": {
        "accepted": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "analytics", "name": "query-gateway"}}],
        "checks": [CHECK_LIM, CHECK_XMX],
        "forbidden": [
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "analytics", "name": "query-gateway"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "analytics", "name": "query-gateway"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "analytics", "name": "query-gateway"}},
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "analytics", "name": "dashboard-cache"}},
        ],
    },
    "notes": (
        "Revision 12 (20:31, query-gateway 5.2.0, ANL-733 \"bigger result cache\") changed the image, RESULT_CACHE_MAX_MB 256 -> "
        "1024, -Xms/-Xmx 1536m -> 2560m and the container memory request/limit 2Gi -> 3Gi. The namespace LimitRange "
        "container-limits (platform guardrails, unchanged for months) allows at most 2Gi per container, so the LimitRanger "
        "admission rejects every pod of the new ReplicaSet: FailedCreate \"pods ... is forbidden: maximum memory usage per "
        "Container is 2Gi, but limit is 3Gi\" (x30). The RollingUpdate (25%/25%) had already scaled the old ReplicaSet from 4 "
        "to 3, so the service runs on 3 of 4 pods during the Friday-evening dashboard peak (latency up, alert "
        "KubeDeploymentReplicasMismatch).\n"
        "The right fix is to roll back to revision 11 (5.1.0, 2Gi, -Xmx1536m); the team can then ship 5.2.0 with a cache that "
        "fits 2Gi or ask the platform team for an exception. set_resources limits.memory=2Gi on the current template is a trap: "
        "it passes admission but keeps -Xmx2560m (plus a 1 GiB cache) in a 2Gi container, so the JVM would be OOMKilled; the "
        "checks require both limit <= 2Gi and -Xmx back under 2 GB. Traps: dashboard-cache was OOMKilled once three hours ago "
        "and recovered; Trino queueing (\"cluster busy\") adds latency every Friday evening and is not new; the ResourceQuota "
        "has plenty of room, so this is not the quota but the LimitRange. Restart or scale do nothing (the new pods are never "
        "admitted)."),
}

if __name__ == "__main__":
    print(sc.write())
