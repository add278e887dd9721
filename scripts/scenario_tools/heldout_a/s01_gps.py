"""bad_rollout: gps-ingest 5.4.0 turned on strict JSON decoding; firmware 7 devices get 400."""
from lib import Scn, container, http_probe, template

S = Scn("telematics-ping-rejections-after-morning-sync", "2026-11-19T10:52:00Z", 101)
NS = "telematics"
REG = "ecr.eu-central-1.amazonaws.com/trackwise"
nodes = [S.node("ip-10-20-1-37.eu-central-1.compute.internal", zone="eu-central-1a", ip="10.20.1.37"),
         S.node("ip-10-20-2-118.eu-central-1.compute.internal", zone="eu-central-1b", ip="10.20.2.118",
                conds={"DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", "-19h")}),
         S.node("ip-10-20-3-41.eu-central-1.compute.internal", zone="eu-central-1c", ip="10.20.3.41")]
N = [n["metadata"]["name"] for n in nodes]
S.pod_net = lambda i, h: f"10.{41 + i}.{h.split('.')[-1]}.{S.rng.randint(100, 240)}"
HIP = ["10.20.1.37", "10.20.2.118", "10.20.3.41"]

LBL = {"app.kubernetes.io/name": "gps-ingest", "app.kubernetes.io/part-of": "fleet-platform"}


def gps_tpl(ver: str, strict: bool) -> dict:
    env = [{"name": "KAFKA_BROKERS", "value": "fleet-kafka-bootstrap.kafka.svc:9092"},
           {"name": "KAFKA_TOPIC", "value": "fleet.pings.v2"},
           {"name": "MAX_BATCH", "value": "500"},
           {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://otel-collector.observability.svc:4317"}]
    return template({**LBL, "app.kubernetes.io/version": ver}, [container(
        "gps-ingest", f"{REG}/gps-ingest:{ver}", env=env,
        req={"cpu": "300m", "memory": "256Mi"}, lim={"memory": "512Mi"},
        readiness=http_probe("/ready", period=5), liveness=http_probe("/live", delay=15, period=20),
        extra_ports=[{"name": "metrics", "containerPort": 9102, "protocol": "TCP"}])],
        serviceAccountName="gps-ingest")


t18, t17, t16 = gps_tpl("5.4.0", True), gps_tpl("5.3.2", False), gps_tpl("5.3.1", False)
dep = S.deployment(NS, "gps-ingest", labels={**LBL, "argocd.argoproj.io/instance": "gps-ingest-prod"}, template=t18,
                   revision=18, replicas=4, created="-402d", generation=31,
                   change_cause="argocd sync gps-ingest-prod: image 5.4.0 (commit 8f3e1a2)",
                   status={"replicas": 4, "updatedReplicas": 4, "readyReplicas": 4, "availableReplicas": 4, "conditions": [
                       {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
                        "lastUpdateTime": S.t("-112d"), "lastTransitionTime": S.t("-112d")},
                       {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                        "message": 'ReplicaSet "gps-ingest-6c9f8d7b54" has successfully progressed.',
                        "lastUpdateTime": S.t("-34m"), "lastTransitionTime": S.t("-402d")}]})
rs18 = S.replicaset(dep, phash="6c9f8d7b54", revision=18, template=t18, replicas=4, created="-38m",
                    change_cause="argocd sync gps-ingest-prod: image 5.4.0 (commit 8f3e1a2)")
rs17 = S.replicaset(dep, phash="7b5d4c8f69", revision=17, template=t17, replicas=0, created="-9d",
                    change_cause="argocd sync gps-ingest-prod: image 5.3.2 (commit 1c07be4)")
rs16 = S.replicaset(dep, phash="55f6b9c7d8", revision=16, template=t16, replicas=0, created="-23d",
                    change_cause="argocd sync gps-ingest-prod: image 5.3.1 (commit 9aa41d0)")
pods = []
for i, (suf, st) in enumerate([("x7k2p", "-38m"), ("qz9lm", "-37m"), ("b4wtr", "-36m"), ("n8hcd", "-35m")]):
    started = S._plus(S.t(st), 4)
    p = S.pod(rs18, suffix=suf, node=N[i % 3], host_ip=HIP[i % 3], ip=f"10.{41 + i % 3}.{HIP[i % 3].split('.')[-1]}.{60 + i}",
              created=st, statuses=[S.cstatus("gps-ingest", f"{REG}/gps-ingest:5.4.0", digest="3fa91c0e7d5b2a4f9e8c1d6b0a7f3e2c5d9b8a1f0e4c7d2b6a9f3e8c1d5b0a74",
                                              state={"running": {"startedAt": started}})])
    pods.append(p)
svc_ports = [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
             {"name": "metrics", "port": 9102, "targetPort": "metrics", "protocol": "TCP"}]
S.service(NS, "gps-ingest", selector={"app.kubernetes.io/name": "gps-ingest"}, ports=svc_ports, cluster_ip="172.20.88.14", labels=LBL)
S.endpoints(NS, "gps-ingest", ready=pods, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "metrics", "port": 9102, "protocol": "TCP"}], labels=LBL)
S.add({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
       "metadata": {"name": "gps-ingest", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-300d"), "labels": LBL},
       "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gps-ingest"}, "minReplicas": 4, "maxReplicas": 12,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 65}}}]},
       "status": {"currentReplicas": 4, "desiredReplicas": 4, "lastScaleTime": S.t("-2d"),
                  "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 31, "averageValue": "93m"}}}],
                  "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": S.t("-2d")},
                                 {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": S.t("-300d")},
                                 {"type": "ScalingLimited", "status": "True", "reason": "TooFewReplicas", "message": "the desired replica count is less than the minimum replica count", "lastTransitionTime": S.t("-30m")}]}})
S.add({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "gps-ingest-routing", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-402d"), "labels": LBL},
       "data": {"routing.yaml": "topics:\n  default: fleet.pings.v2\n  dead_letter: fleet.pings.dlq\nbatch:\n  max: 500\n  linger_ms: 25\n"}})

# neighbour: trip-aggregator (healthy, consumes the topic)
TL = {"app.kubernetes.io/name": "trip-aggregator", "app.kubernetes.io/part-of": "fleet-platform"}
ttpl = template(TL, [container("trip-aggregator", f"{REG}/trip-aggregator:2.11.4", req={"cpu": "500m", "memory": "1Gi"}, lim={"memory": "1536Mi"},
                               env=[{"name": "KAFKA_BROKERS", "value": "fleet-kafka-bootstrap.kafka.svc:9092"}, {"name": "CONSUMER_GROUP", "value": "trip-aggregator"}],
                               readiness=http_probe("/healthz", period=10))], serviceAccountName="trip-aggregator")
tdep = S.deployment(NS, "trip-aggregator", labels=TL, template=ttpl, revision=42, replicas=2, created="-402d", generation=58,
                    change_cause="argocd sync trip-aggregator-prod: image 2.11.4 (commit 77d01ea)",
                    status={"replicas": 2, "updatedReplicas": 2, "readyReplicas": 2, "availableReplicas": 2, "conditions": [
                        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.", "lastUpdateTime": S.t("-6d"), "lastTransitionTime": S.t("-6d")},
                        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": 'ReplicaSet "trip-aggregator-59d8c6f7b" has successfully progressed.', "lastUpdateTime": S.t("-6d"), "lastTransitionTime": S.t("-402d")}]})
trs = S.replicaset(tdep, phash="59d8c6f7b", revision=42, template=ttpl, replicas=2, created="-6d", change_cause="argocd sync trip-aggregator-prod: image 2.11.4 (commit 77d01ea)")
tp = [S.pod(trs, suffix=s, node=N[j], host_ip=HIP[j], ip=f"10.{41 + j}.{HIP[j].split('.')[-1]}.{20 + j}", created="-6d",
            statuses=[S.cstatus("trip-aggregator", f"{REG}/trip-aggregator:2.11.4", digest="a1" * 32, state={"running": {"startedAt": S.t("-6d")}})])
      for j, s in [(1, "kd2wq"), (2, "tt6vx")]]

# neighbour with a stale OOM two days ago (red herring)
GL = {"app.kubernetes.io/name": "geofence-evaluator", "app.kubernetes.io/part-of": "fleet-platform"}
gtpl = template(GL, [container("geofence-evaluator", f"{REG}/geofence-evaluator:1.8.0", req={"cpu": "200m", "memory": "384Mi"}, lim={"memory": "512Mi"},
                               readiness=http_probe("/healthz"))], serviceAccountName="default")
gdep = S.deployment(NS, "geofence-evaluator", labels=GL, template=gtpl, revision=9, replicas=1, created="-190d", generation=11,
                    change_cause="argocd sync geofence-evaluator-prod: image 1.8.0",
                    status={"replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1, "conditions": [
                        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.", "lastUpdateTime": S.t("-2d"), "lastTransitionTime": S.t("-2d")},
                        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": 'ReplicaSet "geofence-evaluator-84bf6d9c5" has successfully progressed.', "lastUpdateTime": S.t("-16d"), "lastTransitionTime": S.t("-190d")}]})
grs = S.replicaset(gdep, phash="84bf6d9c5", revision=9, template=gtpl, replicas=1, created="-16d", change_cause="argocd sync geofence-evaluator-prod: image 1.8.0")
gpod = S.pod(grs, suffix="r5mzn", node=N[0], host_ip=HIP[0], ip="10.41.37.92", created="-16d",
             statuses=[S.cstatus("geofence-evaluator", f"{REG}/geofence-evaluator:1.8.0", digest="c4" * 32, restarts=2,
                                 state={"running": {"startedAt": "2026-11-17T03:12:48Z"}},
                                 last={"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": "2026-11-17T02:58:02Z", "finishedAt": "2026-11-17T03:12:45Z", "containerID": "containerd://" + S.hexid(64)}})])

# events
for t, m in [("-38m", "Scaled up replica set gps-ingest-6c9f8d7b54 to 1"), ("-38m", "Scaled down replica set gps-ingest-7b5d4c8f69 to 3 from 4"),
             ("-37m", "Scaled up replica set gps-ingest-6c9f8d7b54 to 2 from 1"), ("-37m", "Scaled down replica set gps-ingest-7b5d4c8f69 to 2 from 3"),
             ("-36m", "Scaled up replica set gps-ingest-6c9f8d7b54 to 3 from 2"), ("-36m", "Scaled down replica set gps-ingest-7b5d4c8f69 to 1 from 2"),
             ("-35m", "Scaled up replica set gps-ingest-6c9f8d7b54 to 4 from 3"), ("-34m", "Scaled down replica set gps-ingest-7b5d4c8f69 to 0 from 1")]:
    S.event(dep, reason="ScalingReplicaSet", message=m, first=t, component="deployment-controller")
for p in pods:
    c = p["metadata"]["creationTimestamp"]
    S.event(p, reason="Scheduled", message=f"Successfully assigned {NS}/{p['metadata']['name']} to {p['spec']['nodeName']}", first=c, component="default-scheduler")
    S.event(p, reason="Pulled", message=f'Container image "{REG}/gps-ingest:5.4.0" already present on machine', first=c, host=p["spec"]["nodeName"], field_path="spec.containers{gps-ingest}")
    S.event(p, reason="Started", message="Started container gps-ingest", first=c, host=p["spec"]["nodeName"], field_path="spec.containers{gps-ingest}")
S.event(pods[1], reason="Unhealthy", message='Readiness probe failed: Get "http://10.42.118.61:8080/ready": dial tcp 10.42.118.61:8080: connect: connection refused',
        first="-37m", etype="Warning", host=N[1], field_path="spec.containers{gps-ingest}")
S.event(gpod, reason="OOMKilling", message="Memory cgroup out of memory: Killed process 1 (geofence-evalu) total-vm:1402112kB, anon-rss:523744kB, file-rss:31024kB, shmem-rss:0kB, UID:10001 pgtables:1380kB oom_score_adj:993",
        first="2026-11-17T03:12:45Z", etype="Warning", component="kernel-monitor", host=N[0])

# logs
good = ['%s INFO  http: POST /v2/pings 202 points=%d device_fw=%s dur=%dms']
def lines_for(pod_i: int) -> list[str]:
    out = ['%s INFO  main: gps-ingest 5.4.0 (commit 8f3e1a2) starting decoder=strict max_batch=500' % S._plus(S.t("-38m"), 4 + pod_i * 60),
           '%s INFO  kafka: producer ready brokers=fleet-kafka-bootstrap.kafka.svc:9092 topic=fleet.pings.v2' % S._plus(S.t("-38m"), 6 + pod_i * 60)]
    base = S.now.timestamp() - 300
    for k in range(40):
        ts = S._plus(S.t("-5m"), k * 7 + pod_i)
        fw = S.rng.choice(["6.4.2", "6.4.2", "6.5.0", "7.1.0", "7.2.1"])
        if fw.startswith("7") and S.rng.random() < 0.92:
            out.append('%s WARN  http: POST /v2/pings 400 device_fw=%s err="decode body: json: unknown field \\"hdop\\"" dur=%dms' % (ts, fw, S.rng.randint(1, 4)))
        else:
            out.append(good[0] % (ts, S.rng.randint(20, 480), fw, S.rng.randint(6, 31)))
        if k % 13 == 5:
            out.append('%s DEBUG http: GET /ready 200 dur=0ms' % ts)
    return out
for i, p in enumerate(pods):
    S.log(NS, p, lines_for(i))
S.log(NS, tp[0], ['%s INFO  consumer: committed offsets group=trip-aggregator partitions=12 lag=%d' % (S._plus(S.t("-10m"), k * 30), S.rng.randint(80, 900)) for k in range(20)]
      + ['%s WARN  trips: trip closed with gap > 120s, interpolating vehicle=VX-%04d' % (S._plus(S.t("-4m"), k * 40), S.rng.randint(1000, 9999)) for k in range(5)])
S.log(NS, tp[1], ['%s INFO  consumer: committed offsets group=trip-aggregator partitions=12 lag=%d' % (S._plus(S.t("-10m"), k * 30 + 9), S.rng.randint(80, 900)) for k in range(20)])
S.log(NS, gpod, ["2026-11-17T03:12:49Z INFO geofence-evaluator 1.8.0 loading 18214 polygons", "2026-11-17T03:13:07Z INFO index built in 17.9s",
                 *[f"{S._plus(S.t('-6m'), k * 45)} INFO evaluated {S.rng.randint(1500, 2600)} positions, {S.rng.randint(0, 9)} enter/exit events" for k in range(8)]])
S.log(NS, gpod, ["2026-11-17T02:58:02Z INFO geofence-evaluator 1.8.0 loading 18214 polygons", "2026-11-17T03:12:31Z WARN full reload requested by admin API (polygons=18214 -> 36428 during swap)"], previous=True)

# metrics (two hours, 1m)
n, cut = 121, 121 - 38
ok_r = [S.rng.uniform(1180, 1260) for _ in range(n)]
bad_r = [S.rng.uniform(0.1, 0.4) if i < cut else S.rng.uniform(410, 470) for i in range(n)]
for status, rates, base in [("202", [r if i < cut else r - bad_r[i] for i, r in enumerate(ok_r)], 861244310), ("400", bad_r, 10412), ("500", [0.02] * n, 318)]:
    S.metric({"__name__": "http_server_requests_seconds_count", "namespace": NS, "service": "gps-ingest", "job": "gps-ingest", "method": "POST", "uri": "/v2/pings", "status": status},
             S.counter(rates, start=base))
for i, p in enumerate(pods):
    S.metric({"__name__": "container_memory_working_set_bytes", "namespace": NS, "pod": p["metadata"]["name"], "container": "gps-ingest", "node": p["spec"]["nodeName"]},
             [None] * (cut + i) + S.gauge(n - cut - i, 2.05e8, 9e6), start="-120m")
    S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "gps-ingest", "job": "kube-state-metrics"},
             [None] * (cut + i) + [0] * (n - cut - i))
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "gps-ingest", "job": "kube-state-metrics"},
         [4] * cut + [4, 4, 4, 3, 4] + [4] * (n - cut - 5))
S.metric({"__name__": "kafka_consumergroup_lag_sum", "namespace": "kafka", "consumergroup": "trip-aggregator", "topic": "fleet.pings.v2"}, S.gauge(n, 600, 350))
S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": gpod["metadata"]["name"], "container": "geofence-evaluator", "job": "kube-state-metrics"}, [2] * n)

IMG_OLD = f"{REG}/gps-ingest:5.3.2"
newp = S.fresh_pods(rs17, pods, container="gps-ingest", image="ecr.eu-central-1.amazonaws.com/trackwise/gps-ingest:5.3.2")
import copy as _c
ep_new = _c.deepcopy([o for o in S.objects if o["kind"] == "Endpoints" and o["metadata"]["name"] == "gps-ingest"][0])
ep_new["subsets"][0]["addresses"] = [{"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"], "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": NS, "uid": p["metadata"]["uid"]}} for p in newp]
CHECK = {"kind": "Deployment", "namespace": NS, "name": "gps-ingest", "path": "spec.template.spec.containers[0].image", "equals": IMG_OLD}
S.dump("scenarios/telematics-ping-rejections-after-morning-sync.yaml",
       title="gps-ingest 5.4.0 switched to strict JSON decoding; pings from firmware 7.x devices (extra field hdop) are rejected with 400 since the 10:14 sync",
       tags=["bad-rollout", "rollback", "red-herring", "http-4xx"],
       trigger={"alert": {"status": "firing",
                          "labels": {"alertname": "GpsIngestRejectRateHigh", "namespace": NS, "service": "gps-ingest", "severity": "critical", "team": "fleet-platform", "prometheus": "monitoring/k8s"},
                          "annotations": {"summary": "gps-ingest is rejecting more than 5% of ping batches",
                                          "description": "38.4% of POST /v2/pings requests in telematics returned 4xx over the last 10 minutes.",
                                          "runbook_url": "https://runbooks.trackwise.io/fleet/gps-ingest#reject-rate"},
                          "startsAt": S.t("-31m"), "endsAt": "0001-01-01T00:00:00Z",
                          "generatorURL": "http://prometheus.monitoring:9090/graph?g0.expr=sum%28rate%28http_server_requests_seconds_count%7Bservice%3D%22gps-ingest%22%2Cstatus%3D~%224..%22%7D%5B10m%5D%29%29",
                          "fingerprint": "5c0e1f7a93b2d468"},
                "channel": "#fleet-oncall"},
       recovery=[{"when": [CHECK], "apply": {
           "upsert": newp + [ep_new],
           "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in pods],
           "metrics": [{"labels": {"__name__": "http_server_requests_seconds_count", "namespace": NS, "service": "gps-ingest", "job": "gps-ingest", "method": "POST", "uri": "/v2/pings", "status": "400"},
                        "start": "-120m", "step": "1m", "values": S.counter(bad_r[:-4] + [3.1, 0.4, 0.2, 0.1], start=10412)}],
           "logs": [{"namespace": NS, "pod": p["metadata"]["name"], "lines": ['%s INFO  http: POST /v2/pings 202 points=212 device_fw=7.2.1 dur=14ms' % S.t("-10s")]} for p in newp]}}],
       truth={"category": "bad_rollout", "also_accept": ["config_error"],
              "resource": {"kind": "Deployment", "namespace": NS, "name": "gps-ingest"},
              "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^gps-ingest-6c9f8d7b54$"},
                          {"kind": "Pod", "namespace": NS, "name_regex": "^gps-ingest-6c9f8d7b54-"}],
              "evidence": ["5.4.0", "unknown field|hdop|strict", "400|4xx|reject", "5.3.2|revision 17"],
              "remediation": {"accepted": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "gps-ingest"}},
                                           {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": NS, "name": "gps-ingest"},
                                            "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "gps-ingest", "image": IMG_OLD}]}}}}}}],
                              "checks": [CHECK],
                              "forbidden": [{"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "gps-ingest"}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "gps-ingest"}},
                                            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": NS, "name": "geofence-evaluator"}},
                                            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "trip-aggregator"}}]},
              "notes": ("Pods are Ready with zero restarts; the only change is the 10:14 Argo CD sync of gps-ingest 5.4.0 (revision 18), whose decoder is strict. "
                        "Firmware 7.x devices send an extra hdop field and every such batch gets 400 'json: unknown field \"hdop\"' since ~10:15 (about 37% of traffic). "
                        "Rolling back to revision 17 (5.3.2) fixes it. Red herrings: geofence-evaluator's OOMKilled lastState is from two days ago after an admin reload; "
                        "trip-aggregator warns about trip gaps because fewer pings arrive, a consequence; the HPA ScalingLimited condition is normal at minReplicas.")})
