"""crash loop after release: Go consumer panics on legacy buoy records (nil calibration)."""
from lib import *

seed(101)
c = Clock("2026-12-02T09:05:00Z")
NS = "marine-data"
nodes = [
    node(c, "ip-10-42-11-73.eu-west-1.compute.internal", "10.42.11.73", zone="eu-west-1a", itype="m6i.xlarge", created="2026-11-03T07:12:44Z", labels={"eks.amazonaws.com/nodegroup": "apps-2026-11"}, cpu="4", alloc_cpu="3920m", mem="15896156Ki", alloc_mem="14879324Ki"),
    node(c, "ip-10-42-22-158.eu-west-1.compute.internal", "10.42.22.158", zone="eu-west-1b", itype="m6i.xlarge", created="2026-11-03T07:13:02Z", labels={"eks.amazonaws.com/nodegroup": "apps-2026-11"}, cpu="4", alloc_cpu="3920m", mem="15896156Ki", alloc_mem="14879324Ki"),
    node(c, "ip-10-42-33-41.eu-west-1.compute.internal", "10.42.33.41", zone="eu-west-1c", itype="m6i.xlarge", created="2026-11-03T07:13:19Z", labels={"eks.amazonaws.com/nodegroup": "apps-2026-11"}, cpu="4", alloc_cpu="3920m", mem="15896156Ki", alloc_mem="14879324Ki"),
]
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
IMG_OLD = "ghcr.io/tidewatch/readings-consumer:4.0.6"
IMG_NEW = "ghcr.io/tidewatch/readings-consumer:4.1.0"


def spec(img: str) -> dict:
    return {"serviceAccountName": "readings-consumer", "terminationGracePeriodSeconds": 30,
            "containers": [{"name": "readings-consumer", "image": img,
                            "args": ["--brokers=kafka-0.kafka-headless.streaming:9092,kafka-1.kafka-headless.streaming:9092,kafka-2.kafka-headless.streaming:9092",
                                     "--topic=buoy.readings.v3", "--group=readings-consumer", "--sink=timescale"],
                            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                            "env": [{"name": "GOMEMLIMIT", "value": "230MiB"}, {"name": "LOG_LEVEL", "value": "info"},
                                    {"name": "TSDB_DSN", "valueFrom": {"secretKeyRef": {"name": "readings-tsdb", "key": "dsn"}}}],
                            "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
                            "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                            "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"}, "initialDelaySeconds": 10, "periodSeconds": 20, "timeoutSeconds": 2, "successThreshold": 1, "failureThreshold": 3},
                            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "FallbackToLogsOnError"}]}


w = Workload(NS, "readings-consumer", created="2025-06-18T10:21:07Z",
             labels={"app.kubernetes.io/name": "readings-consumer", "app.kubernetes.io/part-of": "buoy-pipeline"},
             selector={"app.kubernetes.io/name": "readings-consumer"}, replicas=4)
w.revision(11, spec(IMG_OLD), created="2026-11-16T13:02:51Z", cause="readings-consumer 4.0.6 (PR #388 retry jitter on sink errors)", h="5d8c7b9f4d")
w.revision(12, spec(IMG_NEW), created="2026-12-02T08:20:13Z", cause="readings-consumer 4.1.0 (PR #402 apply per-station calibration profiles)", h="7f9b6c5d8")
restarts = [8, 7, 8, 7]
pods = []
for i, (nn, ip) in enumerate([N[0], N[1], N[2], N[0]]):
    created = c.t(-44 + i * 0.6)
    last = terminated(2, "Error", c.t(-6 - i, -20), c.t(-6 - i, -9))
    pods.append(w.pod(12, node=nn, host_ip=ip, pod_ip=f"{ip.rsplit('.', 2)[0]}.{60 + i * 17}.{20 + i * 3}".replace("10.42", "10.42"),
                      created=created, ready=False,
                      statuses=[waiting("readings-consumer", IMG_NEW, reason="CrashLoopBackOff",
                                        message=f"back-off 5m0s restarting failed container=readings-consumer pod=PODNAME_{i}_",
                                        restarts=restarts[i], last=last)]))
for i, p in enumerate(pods):
    cs = p["status"]["containerStatuses"][0]
    cs["state"]["waiting"]["message"] = cs["state"]["waiting"]["message"].replace(f"PODNAME_{i}_", p["metadata"]["name"])
    p["status"]["podIP"] = f"10.42.{[11, 22, 33, 11][i]}.{[87, 140, 19, 203][i]}"
    p["status"]["podIPs"] = [{"ip": p["status"]["podIP"]}]

# healthy neighbours
fc = Workload(NS, "forecast-api", created="2025-03-02T09:00:00Z", labels={"app.kubernetes.io/name": "forecast-api"},
              selector={"app.kubernetes.io/name": "forecast-api"}, replicas=2)
fimg = "ghcr.io/tidewatch/forecast-api:2.14.1"
fspec = {"containers": [{"name": "forecast-api", "image": fimg, "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                         "resources": {"requests": {"cpu": "200m", "memory": "384Mi"}, "limits": {"memory": "512Mi"}},
                         "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 2, "failureThreshold": 3, "successThreshold": 1}}]}
fc.revision(31, fspec, created="2026-11-25T15:40:09Z", cause="forecast-api 2.14.1")
fps = [fc.pod(31, node=N[k][0], host_ip=N[k][1], pod_ip=f"10.42.{[11, 33][j]}.{[45, 121][j]}", created="2026-11-25T15:40:09Z",
              statuses=[running("forecast-api", fimg, "2026-11-25T15:40:14Z")]) for j, k in enumerate([0, 2])]
al = Workload(NS, "station-alerts", created="2025-08-11T12:00:00Z", labels={"app.kubernetes.io/name": "station-alerts"},
              selector={"app.kubernetes.io/name": "station-alerts"}, replicas=1)
aimg = "ghcr.io/tidewatch/station-alerts:1.3.9"
al.revision(6, {"containers": [{"name": "station-alerts", "image": aimg, "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}}]},
            created="2026-10-29T10:12:00Z")
aps = [al.pod(6, node=N[1][0], host_ip=N[1][1], pod_ip="10.42.22.61", created="2026-10-29T10:12:00Z",
              statuses=[running("station-alerts", aimg, "2026-10-29T10:12:04Z")])]

objs = nodes + [namespace(NS, "2025-03-02T08:55:00Z", {"team": "marine-data"})]
objs += w.objects(current=12, status={
    "observedGeneration": 15, "replicas": 4, "updatedReplicas": 4, "unavailableReplicas": 4,
    "conditions": [
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": "ReplicaSet \"readings-consumer-7f9b6c5d8\" has successfully progressed.", "lastUpdateTime": "2026-12-02T08:22:41Z", "lastTransitionTime": "2025-06-18T10:21:07Z"},
        {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.", "lastUpdateTime": "2026-12-02T08:24:02Z", "lastTransitionTime": "2026-12-02T08:24:02Z"}]}, gen=15)
objs += fc.objects(current=31) + al.objects(current=6)
objs += [
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "readings-consumer", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-06-18T10:21:07Z"}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "readings-tsdb", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-06-18T10:20:30Z"},
     "type": "Opaque", "data": {"dsn": "cG9zdGdyZXM6Ly9yZWFkaW5nczpUaWRlLUt1cnJlbnQtNDQxQHRzZGIubWFyaW5lLWRhdGEuc3ZjOjU0MzIvcmVhZGluZ3M/c3NsbW9kZT1yZXF1aXJl"}},
    service(NS, "readings-consumer", created="2025-06-18T10:21:07Z", selector={"app.kubernetes.io/name": "readings-consumer"},
            ports=[{"name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.118.33"),
    endpoints(NS, "readings-consumer", created="2025-06-18T10:21:07Z", pods=pods, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]),
    service(NS, "forecast-api", created="2025-03-02T09:00:00Z", selector={"app.kubernetes.io/name": "forecast-api"},
            ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.40.7"),
    endpoints(NS, "forecast-api", created="2025-03-02T09:00:00Z", pods=fps, ports=[{"name": "http", "port": 8000, "protocol": "TCP"}]),
]
# events
for i, p in enumerate(pods):
    nm, host = p["metadata"]["name"], p["spec"]["nodeName"]
    objs.append(event(NS, "Pod", nm, reason="BackOff", message=f"Back-off restarting failed container readings-consumer in pod {nm}_{NS}({p['metadata']['uid']})",
                      first=c.t(-41 + i), last=c.t(-1 - i * 0.5), count=31 + i * 3, type="Warning", host=host, obj_uid=p["metadata"]["uid"], field="spec.containers{readings-consumer}"))
    objs.append(event(NS, "Pod", nm, reason="Pulled", message=f"Container image \"{IMG_NEW}\" already present on machine",
                      first=c.t(-42 + i), last=c.t(-6 - i), count=restarts[i], host=host, obj_uid=p["metadata"]["uid"], field="spec.containers{readings-consumer}"))
    objs.append(event(NS, "Pod", nm, reason="Unhealthy", message=f"Readiness probe failed: Get \"http://{p['status']['podIP']}:8080/healthz\": dial tcp {p['status']['podIP']}:8080: connect: connection refused",
                      first=c.t(-42 + i), last=c.t(-6 - i), count=restarts[i] + 2, type="Warning", host=host, obj_uid=p["metadata"]["uid"], field="spec.containers{readings-consumer}"))
objs.append(event(NS, "Pod", fps[0]["metadata"]["name"], reason="Unhealthy", message=f"Readiness probe failed: Get \"http://{fps[0]['status']['podIP']}:8000/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                  first=c.t(-17), count=1, type="Warning", host=N[0][0], field="spec.containers{forecast-api}"))
objs.append(event("default", "Node", N[1][0], reason="FreeDiskSpaceFailed", message="Failed to garbage collect required amount of images. Attempted to free 2147483648 bytes, but only found 1209917440 bytes eligible to free.",
                  first=c.t(-52), last=c.t(-2), count=11, type="Warning", host=N[1][0]))

# logs
STATIONS = ["44013", "44025", "62103", "41049", "46042", "62081"]


def run_lines(t0: float, pidx: int, part: list[int], crash_station: str, offset: int) -> list[str]:
    ts = lambda s: c.ms(t0, s)  # noqa: E731
    L = [f'{{"level":"info","ts":"{ts(0.1)}","caller":"cmd/main.go:61","msg":"starting readings-consumer","version":"4.1.0","commit":"9c1e2ab","go":"go1.23.3"}}',
         f'{{"level":"info","ts":"{ts(0.3)}","caller":"sink/timescale.go:44","msg":"connected to sink","host":"tsdb.marine-data.svc","pool_max":8}}',
         f'{{"level":"info","ts":"{ts(0.4)}","caller":"calib/store.go:37","msg":"loaded calibration profiles","profiles":1184,"source":"tsdb:station_calibration"}}',
         f'{{"level":"info","ts":"{ts(0.5)}","caller":"httpserver/server.go:29","msg":"listening","addr":":8080"}}',
         f'{{"level":"info","ts":"{ts(3.8)}","caller":"consumer/group.go:88","msg":"partitions assigned","topic":"buoy.readings.v3","group":"readings-consumer","partitions":{part}}}',
         f'{{"level":"info","ts":"{ts(3.9)}","caller":"consumer/group.go:102","msg":"resuming from committed offset","partition":{part[0]},"offset":{48211930 + offset}}}']
    for k in range(3):
        st = STATIONS[(k + pidx) % 6] if STATIONS[(k + pidx) % 6] != crash_station else "44013"
        L.append(f'{{"level":"info","ts":"{ts(4.5 + k * 1.7)}","caller":"decode/batch.go:73","msg":"batch written","partition":{part[0]},"records":{R.randint(180, 420)},"station_sample":"{st}","lag":{R.randint(38000, 61000)}}}')
    L += [f'{{"level":"warn","ts":"{ts(10.2)}","caller":"calib/store.go:58","msg":"no calibration profile for station","station":"{crash_station}","firmware":"2.4.1"}}',
          "panic: runtime error: invalid memory address or nil pointer dereference",
          "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x9c4e12]",
          "",
          "goroutine 57 [running]:",
          "github.com/tidewatch/readings-consumer/internal/calib.(*Profile).Apply(0x0, 0xc000412a80)",
          "\t/src/internal/calib/profile.go:64 +0x32",
          "github.com/tidewatch/readings-consumer/internal/decode.NormalizeReading(0xc0003b6000, 0x0)",
          "\t/src/internal/decode/normalize.go:141 +0x1a5",
          "github.com/tidewatch/readings-consumer/internal/decode.(*BatchDecoder).Decode(0xc0001f2d20, {0xc000590000, 0x3e8, 0x3e8})",
          "\t/src/internal/decode/batch.go:58 +0x2c4",
          "github.com/tidewatch/readings-consumer/internal/consumer.(*Group).handle(0xc0001a6b40, {0x1d3c6a8, 0xc0000b8050}, 0xc0004f0000)",
          "\t/src/internal/consumer/group.go:131 +0x11b",
          "created by github.com/tidewatch/readings-consumer/internal/consumer.(*Group).Run in goroutine 1",
          "\t/src/internal/consumer/group.go:94 +0x2f6"]
    return L


parts = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
crash = ["62103", "62081", "62103", "62081"]
logs = []
for i, p in enumerate(pods):
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "previous": True,
                 "lines": run_lines(-6 - i - 20 / 60, i, parts[i], crash[i], i * 1000)})
logs.append({"namespace": NS, "pod": fps[0]["metadata"]["name"], "lines": [
    f'{c.ms(-30)} INFO  uvicorn.access 10.42.22.12:51544 - "GET /v2/forecast/tide?station=62103&hours=48 HTTP/1.1" 200',
    f'{c.ms(-17)} WARNING forecast.sources readings for station 62103 are 43 min old (last 2026-12-02T08:21:58Z); serving model-only forecast',
    f'{c.ms(-9)} WARNING forecast.sources readings for station 44013 are 44 min old (last 2026-12-02T08:22:11Z); serving model-only forecast',
    f'{c.ms(-3)} INFO  uvicorn.access 10.42.33.9:40122 - "GET /v2/forecast/swell?station=44025&hours=72 HTTP/1.1" 200']})
logs.append({"namespace": NS, "pod": aps[0]["metadata"]["name"], "lines": [
    f'{c.ms(-25)} level=info msg="evaluated 1184 stations" stale=1184 threshold=30m',
    f'{c.ms(-20)} level=warn msg="suppressing stale-data pages: more than 50% of stations stale, assuming pipeline issue" stale=1184']})

metrics = []
for i, p in enumerate(pods):
    vals = [0] * 20 + [min(restarts[i], max(0, int((k - 20) * restarts[i] / 8.5 + R.random() * 0.4))) for k in range(20, 29)]
    vals[-1] = restarts[i]
    metrics.append(series("kube_pod_container_status_restarts_total", {"namespace": NS, "pod": p["metadata"]["name"], "container": "readings-consumer", "job": "kube-state-metrics"}, "-140m", "5m", [None] * 17 + vals[17:]))
lag = [int(1200 + R.uniform(-300, 300)) for _ in range(21)] + [int(4000 + k * 23500 * (1 + R.uniform(-0.05, 0.05))) for k in range(8)]
for p in range(12):
    metrics.append(series("kafka_consumergroup_lag", {"consumergroup": "readings-consumer", "topic": "buoy.readings.v3", "partition": str(p), "namespace": "streaming", "job": "kafka-exporter"},
                          "-140m", "5m", [int(v / 12 * (1 + R.uniform(-0.1, 0.1))) for v in lag]))
wr = [310 + R.uniform(-25, 25) for _ in range(21)] + [40, 4, 0, 6, 0, 0, 3, 0]
metrics.append(series("readings_consumer_records_written_total", {"namespace": NS, "job": "readings-consumer", "service": "readings-consumer"}, "-140m", "5m", counter(wr, 300, start=9.1e8)))
for i, p in enumerate(pods):
    metrics.append(series("container_memory_working_set_bytes", {"namespace": NS, "pod": p["metadata"]["name"], "container": "readings-consumer", "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"},
                          "-40m", "1m", [int(R.uniform(38e6, 61e6)) if R.random() > 0.2 else None for _ in range(41)]))

rec_pods = []
for i, (nn, ip) in enumerate([N[0], N[1], N[2], N[1]]):
    rec_pods.append(w.pod(11, node=nn, host_ip=ip, pod_ip=f"10.42.{[11, 22, 33, 22][i]}.{[150, 33, 77, 91][i]}", created=c.t(1 + i * 0.3),
                          statuses=[running("readings-consumer", IMG_OLD, c.t(1 + i * 0.3, 3))]))
rec_objs = [o for o in w.objects(current=11, status={"observedGeneration": 16, "replicas": 4, "updatedReplicas": 4, "readyReplicas": 4, "availableReplicas": 4,
                                                     "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.", "lastUpdateTime": c.t(2), "lastTransitionTime": c.t(2)},
                                                                    {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": f"ReplicaSet \"{w.rs_name(11)}\" has successfully progressed.", "lastUpdateTime": c.t(2), "lastTransitionTime": "2025-06-18T10:21:07Z"}]}, gen=16)
            if o["kind"] == "Pod" and o["metadata"]["ownerReferences"][0]["name"] == w.rs_name(11)]
rec_logs = [{"namespace": NS, "pod": rec_pods[0]["metadata"]["name"], "lines": [
    f'{{"level":"info","ts":"{c.ms(1, 4)}","caller":"cmd/main.go:58","msg":"starting readings-consumer","version":"4.0.6","commit":"41be0d7","go":"go1.23.3"}}',
    f'{{"level":"info","ts":"{c.ms(1, 9)}","caller":"consumer/group.go:88","msg":"partitions assigned","topic":"buoy.readings.v3","group":"readings-consumer","partitions":[0,1,2]}}',
    f'{{"level":"info","ts":"{c.ms(1, 14)}","caller":"decode/batch.go:71","msg":"batch written","partition":0,"records":1000,"station_sample":"62103","lag":51822}}']}]

doc = {
    "format": 1,
    "id": "buoy-readings-consumer-crashloop-wednesday-morning",
    "title": "readings-consumer 4.1.0 panics (nil calibration profile) on records from legacy firmware-2.x buoys; all 4 pods in CrashLoopBackOff after the 08:20 release",
    "tags": ["crashloop", "panic", "bad-data", "rollout", "kafka", "red-herring"],
    "now": c.t(),
    "trigger": {"alert": {"status": "firing",
                          "labels": {"alertname": "KubePodCrashLooping", "namespace": NS, "pod": pods[1]["metadata"]["name"], "container": "readings-consumer", "job": "kube-state-metrics", "severity": "warning", "prometheus": "monitoring/kube-prometheus"},
                          "annotations": {"summary": "Pod is crash looping.", "description": f"Pod {NS}/{pods[1]['metadata']['name']} (readings-consumer) is in waiting state (reason: \"CrashLoopBackOff\").",
                                          "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"},
                          "startsAt": c.t(-27), "endsAt": "0001-01-01T00:00:00Z",
                          "generatorURL": "http://prometheus.monitoring:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%7Breason%3D%22CrashLoopBackOff%22%7D%5B5m%5D%29+%3E%3D+1",
                          "fingerprint": "a4c19e07b2d35f81"},
                "channel": "#marine-data-oncall"},
    "cluster": {"objects": objs, "logs": logs},
    "metrics": metrics,
    "recovery": [{"when": [{"kind": "Deployment", "namespace": NS, "name": "readings-consumer", "path": "spec.template.spec.containers[0].image", "equals": IMG_OLD}],
                  "apply": {"upsert": rec_pods, "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in pods], "logs": rec_logs}}],
    "truth": {
        "category": "bad_rollout",
        "resource": {"kind": "Deployment", "namespace": NS, "name": "readings-consumer"},
        "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^readings-consumer-7f9b6c5d8$"},
                    {"kind": "Pod", "namespace": NS, "name_regex": "^readings-consumer-7f9b6c5d8-"}],
        "evidence": ["4.1.0", "nil pointer|sigsegv|panic", "calib|profile.go", "crashloopbackoff|exit code 2|exitcode 2|exit 2", "62103|62081|legacy|firmware 2|firmware"],
        "remediation": {
            "accepted": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "readings-consumer"}}],
            "checks": [{"kind": "Deployment", "namespace": NS, "name": "readings-consumer", "path": "spec.template.spec.containers[0].image", "equals": IMG_OLD}],
            "forbidden": [{"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "readings-consumer"}},
                          {"action": "set_resources", "target": {"kind": "Deployment", "namespace": NS, "name": "readings-consumer"}},
                          {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "readings-consumer"}}]
            + [{"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]}} for p in pods]},
        "notes": (
            "Revision 12 (readings-consumer 4.1.0, PR #402, 08:20) applies a per-station calibration profile to each reading. "
            "Stations still on firmware 2.x (62103, 62081, ...) have no profile; 4.1.0 logs 'no calibration profile for station' and then "
            "calls (*Profile).Apply on a nil pointer: panic, SIGSEGV, Go exit code 2 (lastState terminated Error, exitCode 2). "
            "The readiness probe is process-level (/healthz), so the rolling update completed at 08:22-08:24 before the first panic; every "
            "new pod then crashes ~10 s after its partitions are assigned and the offset is never committed, so restarts hit the same record "
            "again: CrashLoopBackOff on all 4 pods, Kafka lag climbing, records written drop to zero, downstream forecast-api serves "
            "model-only forecasts. Memory is ~50 MiB of a 256Mi limit (not OOM). 4.0.6 (revision 11, 16 days without trouble) skips missing "
            "profiles, so rolling back is the fix; restarting, deleting pods, more memory or more replicas cannot help because the same "
            "poison record is re-read. Noise: FreeDiskSpaceFailed on one node (image GC), one forecast-api readiness timeout, "
            "station-alerts suppressing pages as 'pipeline issue'. The code fix (nil check / default profile) is for the team after the rollback.")}}
dump(doc, "scenarios/buoy-readings-consumer-crashloop-wednesday-morning.yaml")
