"""no_fault: guest-portal is healthy; the noise (HPA scale-out, an old liveness restart, a failed-then-retried job, PMS latency warnings) is normal."""
import copy
from lib import Scn, container, http_probe, template, dep_status, rollout_events, simple_workload

SID = "guest-wifi-portal-slow-saturday-night"
S = Scn(SID, "2026-11-28T21:40:00Z", 1010)
NS = "hospitality"
REG = "alderhotels.jfrog.io/docker/guest"
IMG = f"{REG}/guest-portal:8.3.2"
nodes = [S.node(f"ip-10-60-{a}-{b}.eu-south-2.compute.internal", zone=z, ip=f"10.60.{a}.{b}", cpu="4", mem_ki=16082588, itype="c7i.xlarge", kubelet="v1.31.4-eks-aeac579")
         for a, b, z in [(1, 112, "eu-south-2a"), (2, 58, "eu-south-2b"), (3, 201, "eu-south-2c")]]
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
LBL = {"app.kubernetes.io/name": "guest-portal", "app.kubernetes.io/part-of": "guest-connectivity"}


def tpl(image: str) -> dict:
    return template(dict(LBL), [container("guest-portal", image, port=8080, env=[
        {"name": "PMS_GATEWAY_URL", "value": "http://pms-gateway.hospitality.svc"},
        {"name": "RADIUS_COA_ENDPOINT", "value": "radius-coa.hospitality.svc:3799"},
        {"name": "SESSION_TTL", "value": "24h"}],
        req={"cpu": "250m", "memory": "384Mi"}, lim={"memory": "768Mi"},
        readiness=http_probe("/healthz/ready", period=5, timeout=1), liveness=http_probe("/healthz/live", delay=20, period=10, timeout=1))],
        serviceAccountName="guest-portal")


t23, t22 = tpl(IMG), tpl(f"{REG}/guest-portal:8.3.1")
C23 = "argocd guest-portal: 8.3.2 (captive page translations pt-PT)"
dep = S.deployment(NS, "guest-portal", labels=dict(LBL), template=t23, revision=23, replicas=3, created="-600d", generation=61, change_cause=C23,
                   status=dep_status(S, replicas=3, ready=3, updated=3, rs="guest-portal-7d8f96c4b5", since="-6d", created="-600d", available_since="-6d"))
rs = S.replicaset(dep, phash="7d8f96c4b5", revision=23, template=t23, replicas=3, created="-6d", change_cause=C23)
S.replicaset(dep, phash="65c9b7d8f4", revision=22, template=t22, replicas=0, created="-20d", change_cause="argocd guest-portal: 8.3.1")
pods = []
for i, (s, created) in enumerate([("hb4lq", "-6d"), ("wz8kt", "-6d"), ("c2nfx", "-6d")]):
    last, restarts, started = None, 0, S.t(created)
    if i == 1:
        restarts, started = 1, S.t("-2d")
        last = {"terminated": {"exitCode": 137, "reason": "Error", "startedAt": S.t("-6d"), "finishedAt": S._plus(S.t("-2d"), -2), "containerID": "containerd://" + S.hexid(64)}}
    pods.append(S.pod(rs, suffix=s, node=N[i][0], host_ip=N[i][1], ip=f"10.60.{i + 1}.{S.rng.randint(10, 250)}", created=created,
                      statuses=[S.cstatus("guest-portal", IMG, digest="aa77" * 16, restarts=restarts, last=last, state={"running": {"startedAt": started}})]))
S.service(NS, "guest-portal", selector=dict(LBL), ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.9.41", labels=dict(LBL))
S.endpoints(NS, "guest-portal", ready=pods, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}], labels=dict(LBL))
hpa = S.add({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
             "metadata": {"name": "guest-portal", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-600d"), "labels": dict(LBL)},
             "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "guest-portal"}, "minReplicas": 3, "maxReplicas": 10,
                      "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
                      "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                                   "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}, {"type": "Pods", "value": 4, "periodSeconds": 15}]}}},
             "status": {"currentReplicas": 3, "desiredReplicas": 3, "lastScaleTime": S.t("-41m"),
                        "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 38, "averageValue": "95m"}}}],
                        "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": S.t("-36m")},
                                       {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": S.t("-118m")},
                                       {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange", "message": "the desired count is within the acceptable range", "lastTransitionTime": S.t("-41m")}]}})

# neighbours: pms-gateway (talks to the hotels' property-management systems), radius-coa, a nightly export CronJob that failed once and then succeeded
pg, _, pgp = simple_workload(S, NS, "pms-gateway", image=f"{REG}/pms-gateway:3.7.0", nodes=N, replicas=2, revision=17, age="-13d", svc_ip="172.20.9.60", vpc=True)
rc, _, rcp = simple_workload(S, NS, "radius-coa", image=f"{REG}/radius-coa:1.4.4", nodes=N, replicas=2, revision=6, age="-41d", svc_ip="172.20.9.70", port=3799, probe=None, vpc=True)
CJL = {"app": "stay-analytics-export"}
cj = S.add({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "stay-analytics-export", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-300d"), "labels": CJL},
            "spec": {"schedule": "15 3 * * *", "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                     "jobTemplate": {"spec": {"backoffLimit": 1, "template": {"metadata": {"labels": CJL}, "spec": {"restartPolicy": "Never", "containers": [
                         {"name": "export", "image": f"{REG}/stay-analytics-export:0.6.0", "args": ["--since", "24h", "--to", "s3://alder-analytics/stays/"]}]}}}}},
            "status": {"lastScheduleTime": S.t("-1105m"), "lastSuccessfulTime": S.t("-1091m")}})
job = S.add({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "stay-analytics-export-29405475", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-1105m"), "labels": CJL,
                                                                      "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "stay-analytics-export", "uid": cj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
             "spec": {"backoffLimit": 1, "completions": 1, "parallelism": 1, "template": copy.deepcopy(cj["spec"]["jobTemplate"]["spec"]["template"])},
             "status": {"succeeded": 1, "failed": 1, "startTime": S.t("-1105m"), "completionTime": S.t("-1091m"),
                        "conditions": [{"type": "Complete", "status": "True", "lastProbeTime": S.t("-1091m"), "lastTransitionTime": S.t("-1091m")}]}})

# events (all benign)
S.event(hpa, reason="SuccessfulRescale", message="New size: 5; reason: cpu resource utilization (percentage of request) above target", first="-118m", component="horizontal-pod-autoscaler")
S.event(hpa, reason="SuccessfulRescale", message="New size: 3; reason: All metrics below target", first="-41m", component="horizontal-pod-autoscaler")
S.event(hpa, reason="FailedGetResourceMetric", message="failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
        first="-117m", last="-117m", count=2, etype="Warning", component="horizontal-pod-autoscaler")
rollout_events(S, dep, [("-118m", "Scaled up replica set guest-portal-7d8f96c4b5 to 5 from 3"), ("-41m", "Scaled down replica set guest-portal-7d8f96c4b5 to 3 from 5")])
S.event(job, reason="SuccessfulCreate", message="Created pod: stay-analytics-export-29405475-2mbkd", first="-1105m", component="job-controller")
S.event(job, reason="SuccessfulCreate", message="Created pod: stay-analytics-export-29405475-v6qhw", first="-1099m", component="job-controller")
S.event(job, reason="Completed", message="Job completed", first="-1091m", component="job-controller")
S.event(pods[1], reason="Unhealthy", message=f'Liveness probe failed: Get "http://{pods[1]["status"]["podIP"]}:8080/healthz/live": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        first=S._plus(S.t("-2d"), -32), last=S._plus(S.t("-2d"), -12), count=3, etype="Warning", host=N[1][0], field_path="spec.containers{guest-portal}")
S.event(pods[1], reason="Killing", message="Container guest-portal failed liveness probe, will be restarted", first=S._plus(S.t("-2d"), -12), host=N[1][0], field_path="spec.containers{guest-portal}")

# logs: busy, a few warnings
props = ["LIS01", "LIS02", "OPO01", "MAD03", "BCN02", "VLC01"]
for i, p in enumerate(pods):
    lines = []
    for k in range(70):
        t = S._plus(S.t("-10m"), k * 8 + i * 3)
        prop = S.rng.choice(props)
        r = S.rng.random()
        if r < 0.05:
            lines.append(f"{t} WARN  pms: slow response from pms-gateway property=OPO01 op=verify_guest latency={S.rng.randint(1100, 2300)}ms (threshold 1000ms)")
        elif r < 0.08:
            lines.append(f"{t} INFO  auth: guest verification failed property={prop} reason=surname_mismatch room={S.rng.randint(101, 740)}")
        elif r < 0.10:
            lines.append(f"{t} WARN  radius: CoA ack after retry property={prop} nas=ap-{prop.lower()}-{S.rng.randint(1, 60):02d}")
        else:
            lines.append(f"{t} INFO  http: {S.rng.choice(['GET /portal', 'POST /portal/login', 'GET /portal/assets/app.css', 'POST /portal/accept-terms', 'GET /portal/status'])} "
                         f"{S.rng.choice([200, 200, 200, 302, 304])} {S.rng.randint(4, 160)}ms property={prop}")
    S.log(NS, p, lines)
S.log(NS, pods[1], [f"{S._plus(S.t('-2d'), -3600)} INFO  http: GET /portal 200 14ms property=LIS01",
                    f"{S._plus(S.t('-2d'), -40)} WARN  jvm: GC pause (G1 Evacuation Pause) 1840ms",
                    f"{S._plus(S.t('-2d'), -25)} WARN  jvm: GC pause (G1 Evacuation Pause) 2210ms"], previous=True)
for i, p in enumerate(pgp):
    S.log(NS, p, [f"{S._plus(S.t('-10m'), k * 25 + i * 4)} INFO  {S.rng.choice(props)}: verify_guest ok {S.rng.randint(90, 700)}ms (opera-cloud)" for k in range(24)]
          + [f"{S._plus(S.t('-4m'), i)} WARN  OPO01: upstream Opera Cloud responded 1874ms (vendor maintenance window announced 21:00-23:00 WET)"])

# metrics: flat and healthy
n = 181
peak = [0] * n
for k in range(n):
    h = k - 62  # peak around -118m..-41m (check-in rush)
    peak[k] = max(0.0, 1 - abs(h - 38) / 45) if 0 <= h <= 80 else 0.0
for status, base in [("200", 62.0), ("302", 9.0), ("401", 0.6), ("500", 0.015)]:
    S.metric({"__name__": "http_server_requests_seconds_count", "namespace": NS, "service": "guest-portal", "status": status},
             S.counter([base * (1 + 0.9 * peak[k]) for k in range(n)], start=int(base * 5.1e6), integer=True), start="-180m")
buckets = [("0.05", 0.62), ("0.1", 0.86), ("0.25", 0.965), ("0.5", 0.991), ("1", 0.998), ("2.5", 0.9996), ("+Inf", 1.0)]
for le, frac in buckets:
    S.metric({"__name__": "http_server_requests_seconds_bucket", "namespace": NS, "service": "guest-portal", "le": le},
             S.counter([71.6 * frac * (1 + 0.9 * peak[k]) for k in range(n)], start=int(71.6 * frac * 5.1e6), jitter=0.0, integer=False), start="-180m")
for j, p in enumerate(pods):
    S.metric({"__name__": "container_memory_working_set_bytes", "namespace": NS, "pod": p["metadata"]["name"], "container": "guest-portal", "node": p["spec"]["nodeName"]},
             S.gauge(n, 4.1e8 + j * 1.3e7, 1.5e7), start="-180m")
    S.metric({"__name__": "container_cpu_usage_seconds_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "guest-portal", "node": p["spec"]["nodeName"]},
             S.counter([0.09 + 0.12 * peak[k] for k in range(n)], start=41233.7 + j * 1000, integer=False), start="-180m")
    S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "guest-portal", "job": "kube-state-metrics"},
             [1 if j == 1 else 0] * n, start="-180m")
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "guest-portal", "job": "kube-state-metrics"},
         [3] * 62 + [4, 5] + [5] * 75 + [3] * (n - 139), start="-180m")
S.metric({"__name__": "pms_gateway_upstream_latency_seconds_sum", "namespace": NS, "service": "pms-gateway", "property": "OPO01"},
         S.counter([0.4 * (2.2 if k > 160 else 1.0) for k in range(n)], start=88123.4, integer=False), start="-180m")
S.metric({"__name__": "pms_gateway_upstream_latency_seconds_count", "namespace": NS, "service": "pms-gateway", "property": "OPO01"},
         S.counter([1.0] * n, start=220311, jitter=0.0), start="-180m")

S.dump(f"scenarios/{SID}.yaml",
       title="Control: guests at the Lisbon hotel say the wifi login is slow; guest-portal is healthy (p95 ~230 ms, p99 ~0.5 s, steady for hours, no errors, LIS01 no different); the noise is an HPA peak, an old liveness restart and a vendor PMS maintenance for Porto",
       tags=["no-fault", "control", "red-herring", "noisy"],
       trigger={"command": "guest wifi login is slow at the Lisbon hotel (LIS01) tonight, can you check guest-portal?", "channel": "#guest-it", "user": "U09ALDER3"},
       truth={"category": "no_fault", "resource": None,
              "evidence": ["healthy|no fault|no issue|normal|nothing wrong|no problem", "latency|p99|p95|response time"],
              "remediation": {"accepted": [{"action": "recommend_only"}],
                              "forbidden": [{"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "guest-portal"}},
                                            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "guest-portal"}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "guest-portal"}},
                                            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": NS, "name": "guest-portal"}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": pods[1]["metadata"]["name"]}},
                                            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "pms-gateway"}}]},
              "notes": ("Nothing in the cluster explains slow logins at LIS01: guest-portal has three Ready pods, p95 about 230 ms, p99 about 0.5 s and 0.02% 5xx, unchanged for hours, "
                        "LIS01 requests in the log are as fast as the other properties. Noise: the HPA scaled 3->5->3 for the evening check-in peak "
                        "(one FailedGetResourceMetric at scale-up is a metrics-server blip); one pod restarted two days ago after three liveness timeouts "
                        "during long GC pauses (exit 137, reason Error, not OOM; fine since); last night's stay-analytics-export Job failed once then "
                        "succeeded on retry; a few slow-PMS warnings are for OPO01 (Porto) during the vendor's announced maintenance, not Lisbon. "
                        "Right answer: no_fault, no mutation; suggest checking the on-site network/APs at LIS01. Restarting, scaling or rolling back would be "
                        "change for nothing.")})
