"""Scenario seat-map-slow-during-onsale: the HPA is pinned at maxReplicas 6 while load needs ~14."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, gauge, histogram, http_probe, piecewise, res, running, steps,
                       template)

sc = Scenario("seat-map-slow-during-onsale",
              title="The 16:45 on-sale drove seat-availability to 6x its usual load; its HPA has sat at maxReplicas 6 for 20 minutes with "
                    "CPU at ~185% of requests (it would want ~14), pods are throttled and the seat map p99 is 3.4s while nodes have spare capacity",
              now="2026-11-30T17:06:00Z",
              tags=["autoscaling", "hpa", "maxreplicas", "cpu", "throttling", "eks", "red-herring"])

NODES = []
for i in range(8):
    ip = f"10.16.{(4, 20, 36)[i % 3] + i // 3}.{(31 * i + 17) % 240 + 5}"
    n = f"ip-{ip.replace('.', '-')}.us-east-1.compute.internal"
    sc.node(n, flavour="eks", zone=("us-east-1a", "us-east-1b", "us-east-1c")[i % 3], instance="c7i.4xlarge", cpu=16, mem_gib=30.9, ip=ip, pool="apps-c7i",
            created=f"-{6 + i}d{2 * i}h", mem_reserved_ki=1_800_000, pods=234, cpu_reserved_m=110)
    NODES.append(n)

REG = "339712844105.dkr.ecr.us-east-1.amazonaws.com/ticketing"
SA = {"app.kubernetes.io/name": "seat-availability"}
sa_t = template(dict(SA), [container(
    "seat-availability", f"{REG}/seat-availability:2.31.0",
    ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
    env=[{"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=70 -XX:ActiveProcessorCount=2"}, {"name": "SEATMAP_CACHE_TTL", "value": "2s"},
         {"name": "INVENTORY_URL", "value": "http://inventory-ledger.ticketing.svc.cluster.local:8080"}],
    resources=res("1", "1536Mi", "2", "2Gi"),
    readinessProbe=http_probe("/health/ready", "http", period=5, timeout=2), livenessProbe=http_probe("/health/live", "http", period=15, timeout=3, initial=30))],
    serviceAccountName="seat-availability")
dep = sc.deployment("ticketing", "seat-availability", labels={**SA, "team": "ticketing-core"}, selector=SA,
                    revisions=[{"rev": 44, "created": "-5d3h20m", "template": sa_t, "cause": "seat-availability 2.31.0"}], replicas=6, created="-600d", generation=389)
rs = dep["_rs"][0]
pods = [sc.pod(rs, node=NODES[i], created="-5d3h19m" if i < 3 else ago(m=20, s=10 - i), states={"seat-availability": running("-5d3h18m50s" if i < 3 else ago(m=19, s=58 - i))})
        for i in range(6)]
svc, _ = sc.service("ticketing", "seat-availability", selector=SA, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-600d",
                    cluster_ip="172.20.51.77", labels=SA, pods=pods)
HPA_SPEC = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "seat-availability"}, "minReplicas": 3, "maxReplicas": 6,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}],
            "behavior": {"scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 30}]},
                         "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max", "policies": [{"type": "Percent", "value": 10, "periodSeconds": 60}]}}}
hpa = sc.obj("autoscaling/v2", "HorizontalPodAutoscaler", "seat-availability", "ticketing", created="-600d", labels=dict(SA),
             annotations={"ticketing.example.com/capacity-review": "2026-06 (max 6 was enough for Q2 on-sales)"},
             spec=HPA_SPEC,
             status={"observedGeneration": 7, "lastScaleTime": sc.ts(ago(m=20, s=11)), "currentReplicas": 6, "desiredReplicas": 6,
                     "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 184, "averageValue": "1841m"}}}],
                     "conditions": [
                         {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": sc.ts(ago(m=19, s=40))},
                         {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": sc.ts("-40d")},
                         {"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas", "message": "the desired replica count is more than the maximum replica count", "lastTransitionTime": sc.ts(ago(m=20, s=11))}]})
sc.alert(labels={"alertname": "KubeHpaMaxedOut", "namespace": "ticketing", "horizontalpodautoscaler": "seat-availability", "severity": "warning",
                 "job": "kube-state-metrics", "prometheus": "monitoring/kube-prometheus-stack-prometheus"},
         summary="HPA is running at max replicas",
         description="HPA ticketing/seat-availability has been running at max replicas for longer than 15 minutes.",
         starts=ago(m=5), channel="#ticketing-oncall",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubehpamaxedout"})
sc.event(hpa, "SuccessfulRescale", "New size: 6; reason: cpu resource utilization (percentage of request) above target", first=ago(m=20, s=11), component="horizontal-pod-autoscaler")
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs['metadata']['name']} from 3 to 6", first=ago(m=20, s=11), component="deployment-controller")
for p in pods[3:]:
    sc.event(p, "Unhealthy", f"Readiness probe failed: Get \"http://{p['status']['podIP']}:8080/health/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
             type="Warning", first=ago(m=9, s=12), last=ago(m=1, s=3), count=6, field_path="spec.containers{seat-availability}")

# neighbours: inventory-ledger (fine, has headroom), waiting-room, ticket-pdf (rolled out 40 min ago: red herring)
inv = sc.app("ticketing", "inventory-ledger", f"{REG}/inventory-ledger:7.0.4", nodes=NODES[2:6], created="-600d", rev=60, rev_created="-12d", cause="inventory-ledger 7.0.4",
             probe="/health/ready", cluster_ip="172.20.30.3", team="ticketing-core", resources=res("1", "2Gi", "2", "2Gi"))
wr = sc.app("ticketing", "waiting-room", f"{REG}/waiting-room:1.8.2", nodes=NODES[5:8], created="-500d", rev=22, rev_created="-20d", cause="waiting-room 1.8.2",
            probe="/healthz", cluster_ip="172.20.99.9", team="ticketing-edge", resources=res("500m", "512Mi", "1", "512Mi"))
pdf = sc.app("ticketing", "ticket-pdf", f"{REG}/ticket-pdf:3.3.0", nodes=[NODES[6], NODES[7]], created="-500d", rev=19, rev_created=ago(m=41, s=2),
             cause="ticket-pdf 3.3.0 (new barcode font)", probe="/healthz", cluster_ip="172.20.122.8", team="ticketing-edge", resources=res("250m", "512Mi", None, "512Mi"))
sc.event(pdf, "ScalingReplicaSet", f"Scaled up replica set {pdf['_rs'][0]['metadata']['name']} from 0 to 2", first=ago(m=41, s=2), component="deployment-controller")
sc.obj("autoscaling/v2", "HorizontalPodAutoscaler", "inventory-ledger", "ticketing", created="-600d", labels={"app": "inventory-ledger"},
       spec={"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "inventory-ledger"}, "minReplicas": 4, "maxReplicas": 16,
             "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 65}}}]},
       status={"currentReplicas": 4, "desiredReplicas": 4, "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 41, "averageValue": "412m"}}}],
               "conditions": [{"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange", "message": "the desired count is within the acceptable range", "lastTransitionTime": sc.ts("-1d")}]})

# logs
for i, p in enumerate(pods):
    lines = []
    for k, t in enumerate(sc.ticks("-75s", "-3s", 2.4, jitter=0.8)):
        if k % 11 == 7:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S.%f [eventLoopGroupProxy-4-" + str(k % 8 + 1) + "] WARN  c.e.t.seats.SeatMapRoute - seat map for event EV-2026-1207-MSG built in " + str(2100 + k * 13) + " ms (request queue 412)"))
        elif k % 13 == 5:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S.%f [eventLoopGroupProxy-4-2] WARN  c.e.t.seats.Admission - shedding request: executor queue full (512), returning 503"))
        else:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S.%f [eventLoopGroupProxy-4-" + str(k % 8 + 1) + "] INFO  Application - 200 OK: GET - /v2/events/EV-2026-1207-MSG/seats?section=" + str(100 + k % 30) + " in " + str(900 + (k * 211) % 2400) + "ms"))
    sc.log(p, lines)
sc.log(pdf["_pods"][0], ["time=2026-11-30T17:05:40Z level=info msg=\"rendered ticket\" font=barcode-2026 ms=84"], repeat=5)

# metrics: 2h at 1m
N, S = 120, "-119m"
onsale = 119 - 21
load = piecewise(N, [(0, 210), (onsale - 1, 240), (onsale + 2, 1500), (N - 1, 1610)])
sc.series({"__name__": "kube_horizontalpodautoscaler_spec_max_replicas", "namespace": "ticketing", "horizontalpodautoscaler": "seat-availability", "job": "kube-state-metrics"},
          [6] * N, start=S, step="1m")
sc.series({"__name__": "kube_horizontalpodautoscaler_status_current_replicas", "namespace": "ticketing", "horizontalpodautoscaler": "seat-availability", "job": "kube-state-metrics"},
          steps(N, [(0, 3), (onsale + 1, 6)]), start=S, step="1m")
sc.series({"__name__": "kube_horizontalpodautoscaler_status_condition", "namespace": "ticketing", "horizontalpodautoscaler": "seat-availability", "condition": "ScalingLimited",
           "status": "true", "job": "kube-state-metrics"}, steps(N, [(0, 0), (onsale + 1, 1)]), start=S, step="1m")
for i, p in enumerate(pods):
    lab = {"namespace": "ticketing", "pod": p["metadata"]["name"], "container": "seat-availability", "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"}
    live = i < 3
    cpu = [(0.46 if j < onsale else 1.86) if (live or j >= onsale + 1) else 0.0 for j in range(N)]
    start = 1_204_000.0 + 3000 * i if live else 0.0
    vals = counter(sc, ("cpu", i), [c * 60 for c in cpu], start_value=start, integer=False, noise=0.04)
    sc.series({"__name__": "container_cpu_usage_seconds_total", **lab}, [v if (live or j >= onsale + 1) else None for j, v in enumerate(vals)], start=S, step="1m")
    thr = counter(sc, ("thr", i), [(0.5 if j < onsale else 560.0) if (live or j >= onsale + 1) else 0.0 for j in range(N)], start_value=9_000.0 if live else 0.0, noise=0.05)
    sc.series({"__name__": "container_cpu_cfs_throttled_periods_total", **lab}, [v if (live or j >= onsale + 1) else None for j, v in enumerate(thr)], start=S, step="1m")
    per = counter(sc, ("per", i), [600.0 if (live or j >= onsale + 1) else 0.0 for j in range(N)], start_value=48_000.0 if live else 0.0, noise=0.0)
    sc.series({"__name__": "container_cpu_cfs_periods_total", **lab}, [v if (live or j >= onsale + 1) else None for j, v in enumerate(per)], start=S, step="1m")
histogram(sc, "http_server_requests_seconds", {"namespace": "ticketing", "service": "seat-availability", "uri": "/v2/events/{id}/seats", "method": "GET", "status": "200"},
          n=N, start=S, step="1m", rps=load, median_s=[0.045 if j < onsale else 1.1 for j in range(N)], sigma=0.6, start_count=411_922_010,
          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
sc.series({"__name__": "http_server_requests_seconds_count", "namespace": "ticketing", "service": "seat-availability", "uri": "/v2/events/{id}/seats", "method": "GET", "status": "503"},
          counter(sc, "503", [0.0] * onsale + [95.0] * (N - onsale), start_value=1_204, noise=0.2), start=S, step="1m")
for n in NODES:
    sc.series({"__name__": "kube_node_status_allocatable", "node": n, "resource": "cpu", "unit": "core", "job": "kube-state-metrics"}, [15.89] * N, start=S, step="1m")
sc.series({"__name__": "cluster:node_cpu:ratio_rate5m", "job": "recording-rules"}, gauge(sc, "clcpu", [0.21] * onsale + [0.34] * (N - onsale), noise=0.03, integer=False),
          start=S, step="1m")

# recovery: more headroom in the HPA
CHECK = {"kind": "HorizontalPodAutoscaler", "namespace": "ticketing", "name": "seat-availability", "path": "spec.maxReplicas", "at_least": 12}
rh = sc.obj("autoscaling/v2", "HorizontalPodAutoscaler", "seat-availability", "ticketing", created="-600d", labels=dict(SA), add=False,
            annotations=hpa["metadata"]["annotations"], spec=dict(HPA_SPEC, maxReplicas=20),
            status={"observedGeneration": 8, "lastScaleTime": sc.ts("+15s"), "currentReplicas": 14, "desiredReplicas": 14,
                    "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 71, "averageValue": "712m"}}}],
                    "conditions": [{"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange", "message": "the desired count is within the acceptable range", "lastTransitionTime": sc.ts("+15s")}]})
newp = [sc.pod(rs, node=NODES[(6 + i) % 8], created=f"+{16 + i}s", states={"seat-availability": running(f"+{19 + i}s")}, add=False) for i in range(8)]
rd = sc.deployment("ticketing", "seat-availability", labels={**SA, "team": "ticketing-core"}, selector=SA,
                   revisions=[{"rev": 44, "created": "-5d3h20m", "template": sa_t, "cause": "seat-availability 2.31.0", "hash": rs["_hash"]}], replicas=14, created="-600d",
                   generation=390, add=False, status={"observedGeneration": 390, "replicas": 14, "updatedReplicas": 14, "readyReplicas": 14, "availableReplicas": 14})
rrs = rd["_rs"][0]
rrs["status"] = {"replicas": 14, "fullyLabeledReplicas": 14, "readyReplicas": 14, "availableReplicas": 14, "observedGeneration": 1}
sc.recovery.append({"when": [CHECK], "apply": {
    "upsert": [rh, rd, rrs, *newp, sc.endpoints(svc, pods + newp, created="-600d", add=False)],
    "metrics": [sc.series({"__name__": "kube_horizontalpodautoscaler_spec_max_replicas", "namespace": "ticketing", "horizontalpodautoscaler": "seat-availability", "job": "kube-state-metrics"},
                          [6] * (N - 1) + [20], start=S, step="1m", add=False),
                sc.series({"__name__": "kube_horizontalpodautoscaler_status_current_replicas", "namespace": "ticketing", "horizontalpodautoscaler": "seat-availability", "job": "kube-state-metrics"},
                          steps(N, [(0, 3), (onsale + 1, 6), (N - 1, 14)]), start=S, step="1m", add=False)],
    "logs": [{"namespace": "ticketing", "pod": p["metadata"]["name"], "lines": [sc.fmt(f"+{40 + i}s", "%Y-%m-%d %H:%M:%S.%f [eventLoopGroupProxy-4-1] INFO  Application - 200 OK: GET - /v2/events/EV-2026-1207-MSG/seats?section=112 in 61ms")]}
             for i, p in enumerate(newp)]}})

sc.truth = {
    "category": "autoscaling",
    "also_accept": ["cpu_saturation"],
    "resource": {"kind": "HorizontalPodAutoscaler", "namespace": "ticketing", "name": "seat-availability"},
    "aliases": [{"kind": "Deployment", "namespace": "ticketing", "name_regex": "^seat-availability$"}],
    "evidence": ["maxreplicas|max replicas|maxed|max of 6|limit of 6",
                 "184%|185%|1841m|cpu",
                 "toomanyreplicas|scalinglimited|more than the maximum",
                 "on-sale|onsale|16:45|6x|load",
                 "throttl|p99|3.4|latency"],
    "remediation": {
        "accepted": [{"action": "patch_resource", "target": {"kind": "HorizontalPodAutoscaler", "namespace": "ticketing", "name": "seat-availability"},
                      "params": {"patch": {"spec": {"maxReplicas": 20}}}}],
        "checks": [CHECK],
        "forbidden": [
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "ticketing", "name": "seat-availability"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "ticketing", "name": "seat-availability"}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "ticketing", "name": "ticket-pdf"}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "ticketing", "name": "seat-availability"}},
        ],
    },
    "notes": (
        "The on-sale for EV-2026-1207-MSG opened at 16:45 and seat-map requests went from ~240 to ~1600/s. The "
        "seat-availability HPA (target 60% CPU of a 1-core request) scaled 3 -> 6 within a minute and stopped: maxReplicas is "
        "6 (sized for Q2 on-sales, per its annotation). With ~185% of requests used per pod it would want about 14 replicas; "
        "its status says ScalingLimited=True / TooManyReplicas and KubeHpaMaxedOut fired. Pods are at their 2-core limit and "
        "throttled in ~90% of periods, the seat map p99 is ~3.4s and the service sheds load with 503s. The nodes are at ~34% "
        "CPU (8 x c7i.4xlarge), so capacity is not the constraint.\n"
        "Fix: raise the HPA's maxReplicas (patch_resource; the check accepts >= 12), after which it scales to ~14 and latency "
        "recovers. Traps: scaling the Deployment by hand is undone by the HPA within seconds (it enforces max 6); a restart "
        "or a rollback does nothing for load; ticket-pdf was rolled out 41 minutes ago and is unrelated; inventory-ledger, "
        "the downstream, is at 41% with a roomy HPA."),
}

if __name__ == "__main__":
    print(sc.write())
