"""memory leak: geofence-api 2.8.0 leaks zone-update subscriptions (goroutines) per request; OOMKilled every few hours."""
from lib import *

seed(202)
c = Clock("2026-12-05T16:40:00Z")
NS = "fleet"
nodes = three_nodes(c, "10.31", "eu-central-1", group="fleet-apps-v3", itype="c6i.2xlarge")
IMG_OLD = "registry.scootly.io/fleet/geofence-api:2.7.3"
IMG_NEW = "registry.scootly.io/fleet/geofence-api:2.8.0"


def spec(img: str) -> dict:
    return {"serviceAccountName": "geofence-api", "terminationGracePeriodSeconds": 20,
            "containers": [{"name": "geofence-api", "image": img,
                            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9102, "protocol": "TCP"}],
                            "env": [{"name": "ZONES_REDIS_ADDR", "value": "fleet-redis:6379"}, {"name": "ZONES_DB_HOST", "value": "zones-db.fleet.svc"},
                                    {"name": "ZONES_DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "zones-db", "key": "password"}}}],
                            "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                            "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http", "scheme": "HTTP"}, "periodSeconds": 5, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                            "livenessProbe": {"httpGet": {"path": "/livez", "port": "http", "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 2, "successThreshold": 1, "failureThreshold": 3}}]}


w = Workload(NS, "geofence-api", created="2025-02-11T09:30:00Z", labels={"app.kubernetes.io/name": "geofence-api", "team": "fleet"},
             selector={"app.kubernetes.io/name": "geofence-api"}, replicas=3)
w.revision(13, spec(IMG_OLD), created="2026-11-09T10:14:22Z", cause="geofence-api 2.7.3", h="6c4f8d9b7")
w.revision(14, spec(IMG_NEW), created="2026-11-30T14:02:37Z", cause="geofence-api 2.8.0 (FLEET-912 push zone updates to in-flight checks)", h="84d7b6f5c9")
# per-pod: minutes since last OOM restart, restart counts
since = [38, 212, 131]
restarts = [17, 15, 16]
pods = []
for i in range(3):
    nn, ip = nref(nodes[i])
    start = c.t(-since[i])
    last = terminated(137, "OOMKilled", c.t(-since[i] - [311, 352, 298][i]), c.t(-since[i], -2))
    pods.append(w.pod(14, node=nn, host_ip=ip, pod_ip=pip(ip, i + 3), created=["2026-11-30T14:02:38Z", "2026-11-30T14:03:01Z", "2026-11-30T14:03:25Z"][i],
                      statuses=[running("geofence-api", IMG_NEW, start, restarts=restarts[i], last=last)]))
redis_w, redis_p = simple(NS, "fleet-redis", "public.ecr.aws/docker/library/redis:7.2.6", nodes=nodes[1:], rev=4, rev_created="2026-09-02T08:00:00Z", created="2025-02-11T09:20:00Z", replicas=1, port=None, cpu="200m", mem="1Gi")
ride_w, ride_p = simple(NS, "ride-api", "registry.scootly.io/fleet/ride-api:5.21.0", nodes=nodes, rev=58, rev_created="2026-12-03T11:20:40Z", created="2024-06-01T09:00:00Z", replicas=3, cpu="300m", mem="384Mi")

objs = nodes + [namespace(NS, "2024-06-01T08:55:00Z", {"team": "fleet"})]
objs += w.objects(current=14, gen=17) + redis_w.objects(current=4) + ride_w.objects(current=58)
objs += [service(NS, "geofence-api", created="2025-02-11T09:30:00Z", selector={"app.kubernetes.io/name": "geofence-api"}, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.9.201"),
         endpoints(NS, "geofence-api", created="2025-02-11T09:30:00Z", pods=pods, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]),
         {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "zones-db", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-02-11T09:20:00Z"}, "type": "Opaque", "data": {"password": "U2Nvb3QtWm9uZXMtOTkxNC1wZw=="}}]
p0 = pods[0]
objs += [event(NS, "Pod", p0["metadata"]["name"], reason="Pulled", message=f"Container image \"{IMG_NEW}\" already present on machine", first=c.t(-since[0], 1), host=p0["spec"]["nodeName"], obj_uid=p0["metadata"]["uid"], field="spec.containers{geofence-api}", count=17, last=c.t(-since[0], 1)),
         event(NS, "Pod", p0["metadata"]["name"], reason="Started", message="Started container geofence-api", first=c.t(-since[0], 2), host=p0["spec"]["nodeName"], obj_uid=p0["metadata"]["uid"], field="spec.containers{geofence-api}", count=18, last=c.t(-since[0], 2)),
         event(NS, "Pod", p0["metadata"]["name"], reason="Unhealthy", message=f"Readiness probe failed: Get \"http://{p0['status']['podIP']}:8080/readyz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", type="Warning", first=c.t(-since[0], -95), last=c.t(-since[0], -4), count=9, host=p0["spec"]["nodeName"], obj_uid=p0["metadata"]["uid"], field="spec.containers{geofence-api}"),
         event(NS, "Pod", redis_p[0]["metadata"]["name"], reason="Unhealthy", message="Liveness probe errored: command timed out: \"redis-cli ping\" timed out after 1s", type="Warning", first=c.t(-22), count=1, host=redis_p[0]["spec"]["nodeName"])]

logs = []
for i, p in enumerate(pods):
    lines = []
    age = since[i]
    for k in range(0, age, 10):
        subs = int((age - k) * 0 + (k + 5) * 560 * (1 + R.uniform(-0.05, 0.05)))
        t = c.ms(-age + k + 5)
        lines.append(f'{t} INFO zones/broadcast.go:77 zone broadcaster stats subscribers={subs} published_last_min={R.randint(3, 9)} dropped_slow={R.randint(0, 3)}')
        if k % 30 == 0:
            lines.append(f'{c.ms(-age + k + 6)} INFO http/log.go:41 GET /v1/zones/check?lat=52.51&lng=13.40 status=200 dur={R.randint(2, 9)}ms vehicle=scooter')
        if k % 40 == 20:
            lines.append(f'{c.ms(-age + k + 7)} WARN zones/redis.go:112 zone cache refresh slow: 412ms (redis fleet-redis:6379)')
    if age > 150:
        lines.append(f'{c.ms(-12)} WARN runtime/gc.go:19 GC CPU fraction 0.31 heap_live=402MB goroutines={int(age * 560 * 1.02)}')
        lines.append(f'{c.ms(-6)} WARN http/log.go:41 POST /v1/rides/end-check status=503 dur=2004ms err="context deadline exceeded"')
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "lines": lines})
    prev_len = [311, 352, 298][i]
    pl = [f'{c.ms(-age - prev_len, 2)} INFO cmd/main.go:44 geofence-api starting version=2.8.0 commit=b71e0c2 GOMEMLIMIT=unset',
          f'{c.ms(-age - prev_len, 3)} INFO zones/loader.go:61 loaded 2318 zones (no-parking 1822, slow 311, no-go 185) for 14 cities']
    for k in range(30, prev_len, 30):
        pl.append(f'{c.ms(-age - prev_len + k)} INFO zones/broadcast.go:77 zone broadcaster stats subscribers={int(k * 590 * (1 + R.uniform(-0.04, 0.04)))} published_last_min={R.randint(3, 9)} dropped_slow={R.randint(0, 9)}')
    pl.append(f'{c.ms(-age - 3)} WARN runtime/gc.go:19 GC CPU fraction 0.58 heap_live=471MB goroutines={int(prev_len * 590)}')
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "previous": True, "lines": pl})
logs.append({"namespace": NS, "pod": redis_p[0]["metadata"]["name"], "lines": [
    f"1:M 05 Dec 2026 16:{R.randint(10, 30)}:0{k} * Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis." for k in range(3)]})

metrics = []
# 24h at 10m: memory and goroutines sawtooth
n = 145
for i, p in enumerate(pods):
    mem, gor, rst = [], [], []
    r0 = restarts[i] - 4
    last_reset = since[i] + [311, 352, 298][i]  # previous restart minutes ago
    period = [311, 352, 298][i] + R.randint(-20, 20)
    for k in range(n):
        mins_ago = (n - 1 - k) * 10
        # time since restart for this sample
        if mins_ago <= since[i]:
            up = since[i] - mins_ago
        else:
            up = (mins_ago - since[i]) % period
            up = period - up
        hour = (c.now.hour * 60 + c.now.minute - mins_ago) / 60 % 24
        rate = 1.0 if 7 <= hour <= 22 else 0.35
        mem.append(int(72e6 + up * 1.4e6 * rate * (1 + R.uniform(-0.03, 0.03))))
        gor.append(int(60 + up * 580 * rate * (1 + R.uniform(-0.03, 0.03))))
        rst.append(r0 + sum(1 for m in range(since[i], mins_ago + 1, period) if False))
    # restarts: count of resets in window, cumulative
    cur = r0
    for k in range(1, n):
        if mem[k] < mem[k - 1] * 0.5:
            cur += 1
        rst[k] = cur
    rst[0] = r0
    off = restarts[i] - rst[-1]
    rst = [x + off for x in rst]
    lab = {"namespace": NS, "pod": p["metadata"]["name"], "container": "geofence-api", "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"}
    metrics.append(series("container_memory_working_set_bytes", lab, "-1440m", "10m", [min(v, 536870912) for v in mem]))
    metrics.append(series("go_goroutines", {"namespace": NS, "pod": p["metadata"]["name"], "job": "geofence-api", "instance": p["status"]["podIP"] + ":9102"}, "-1440m", "10m", gor))
    metrics.append(series("kube_pod_container_status_restarts_total", {"namespace": NS, "pod": p["metadata"]["name"], "container": "geofence-api", "job": "kube-state-metrics"}, "-1440m", "10m", rst))
    metrics.append(series("kube_pod_container_status_last_terminated_reason", {"namespace": NS, "pod": p["metadata"]["name"], "container": "geofence-api", "job": "kube-state-metrics", "reason": "OOMKilled"}, "-1440m", "10m", [1] * n))
    metrics.append(series("kube_pod_container_resource_limits", {"namespace": NS, "pod": p["metadata"]["name"], "container": "geofence-api", "job": "kube-state-metrics", "resource": "memory", "unit": "byte", "node": p["spec"]["nodeName"]}, "-1440m", "10m", [536870912] * n))
for p in ride_p:
    metrics.append(series("container_memory_working_set_bytes", {"namespace": NS, "pod": p["metadata"]["name"], "container": "ride-api", "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"}, "-1440m", "10m", noisy(2.1e8, n, 0.04)))
# 7 days of restarts at 1h for the deployment, showing onset at rollout (5 days ago)
for code, base in (("200", 410.0), ("503", 0.4)):
    rates = []
    for k in range(145):
        mins_ago = (144 - k) * 10
        hour = (c.now.hour * 60 + c.now.minute - mins_ago) / 60 % 24
        f = 1.0 if 7 <= hour <= 22 else 0.3
        rates.append(base * f * (6 if code == "503" and any(abs(mins_ago - s) < 12 for s in since) else 1))
    metrics.append(series("http_requests_total", {"namespace": NS, "job": "geofence-api", "service": "geofence-api", "handler": "/v1/zones/check", "code": code}, "-1440m", "10m", counter(rates, 600, start=2.9e8 if code == "200" else 1.1e5)))
wk = []
for d in range(8 * 24):
    h_ago = 8 * 24 - 1 - d
    wk.append(0 if h_ago > 122 else None)
metrics.append(series("kube_deployment_status_observed_generation", {"namespace": NS, "deployment": "geofence-api", "job": "kube-state-metrics"}, "-11520m", "60m", [16 if (191 - d) > 122 else 17 for d in range(192)]))

rec_pods = [w.pod(13, node=nref(nodes[i])[0], host_ip=nref(nodes[i])[1], pod_ip=pip(nref(nodes[i])[1], 20 + i), created=c.t(1 + i * 0.4), statuses=[running("geofence-api", IMG_OLD, c.t(1 + i * 0.4, 3))]) for i in range(3)]
rec_metrics = [series("container_memory_working_set_bytes", {"namespace": NS, "pod": p["metadata"]["name"], "container": "geofence-api", "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"}, "-10m", "1m", noisy(7.4e7, 11, 0.03)) for p in rec_pods]
rec_logs = [{"namespace": NS, "pod": rec_pods[0]["metadata"]["name"], "lines": [f'{c.ms(1, 5)} INFO cmd/main.go:41 geofence-api starting version=2.7.3 commit=5e0a9d1', f'{c.ms(1, 6)} INFO zones/loader.go:61 loaded 2318 zones (no-parking 1822, slow 311, no-go 185) for 14 cities', f'{c.ms(6)} INFO zones/refresh.go:33 zone refresh ok version=88213 changed=4']}]

D = {"kind": "Deployment", "namespace": NS, "name": "geofence-api"}
doc = {
    "format": 1, "id": "geofence-checks-failing-on-and-off-saturday",
    "title": "geofence-api 2.8.0 never unsubscribes per-request zone-update listeners: goroutines and memory climb until OOMKilled every ~5-6 h since Monday's release",
    "tags": ["memory-leak", "go", "goroutine-leak", "oomkilled", "red-herring"],
    "now": c.t(),
    "trigger": {"command": "geofence checks failing on and off this afternoon, riders can't end rides in some zones", "channel": "#fleet-oncall", "user": "U07FLEET42"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [{"when": [{**D, "path": "spec.template.spec.containers[0].image", "equals": IMG_OLD}],
                  "apply": {"upsert": rec_pods, "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in pods], "logs": rec_logs, "metrics": rec_metrics}}],
    "truth": {
        "category": "memory_leak", "also_accept": ["bad_rollout"], "resource": D,
        "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^geofence-api-84d7b6f5c9$"}, {"kind": "Pod", "namespace": NS, "name_regex": "^geofence-api-84d7b6f5c9-"}],
        "evidence": ["oomkilled|137", "goroutine|subscriber", "2.8.0", "leak|grow|climb|increas", "512mi|536870912|limit"],
        "remediation": {
            "accepted": [{"action": "rollback_deployment", "target": D}],
            "checks": [{**D, "path": "spec.template.spec.containers[0].image", "equals": IMG_OLD}],
            "forbidden": [{"action": "set_resources", "target": D}, {"action": "scale_workload", "target": D}, {"action": "restart_workload", "target": D},
                          {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "fleet-redis"}}]},
        "notes": (
            "geofence-api 2.8.0 (revision 14, Monday 14:02, FLEET-912) registers a zone-update listener with the broadcaster for every "
            "/v1/zones/check request and never removes it. The broadcaster's 'subscribers=' count, go_goroutines and the working set climb "
            "with traffic (faster by day) from ~70 MB until the 512Mi limit: OOMKilled (exit 137) every ~5-6 h, restartCount 15-17 per pod "
            "since Monday; before a kill GC CPU fraction rises and checks time out (readiness failures, 503 on /v1/rides/end-check), which "
            "is what riders see. 2.7.3 (revision 13) ran three weeks flat at ~75 MB. Rollback is the fix; a restart only buys hours, a higher "
            "limit only stretches the cycle, more replicas all leak. Noise: fleet-redis AOF fsync warnings and a single liveness timeout "
            "(redis is fine), the 'zone cache refresh slow' warnings, ride-api's Wednesday rollout (its memory is flat).")}}
dump(doc, "scenarios/geofence-checks-failing-on-and-off-saturday.yaml")
