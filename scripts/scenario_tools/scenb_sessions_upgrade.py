"""Scenario sessions-pods-all-restarted-overnight (control): a GKE node-pool surge upgrade recreated every pod."""
from __future__ import annotations

from datetime import timedelta

from scenb_kit import (Scenario, ago, container, counter, gauge, http_probe, res, running, steps, template)

sc = Scenario("sessions-pods-all-restarted-overnight",
              title="Control: the GKE maintenance window upgraded node pool default-pool from 1.30 to 1.31 between 02:05 and 02:51; "
                    "every pod in web-sessions was drained and recreated (with PDB waits, a Redis failover and one FailedScheduling "
                    "during the surge) and everything has been healthy for six hours",
              now="2026-11-27T08:40:00Z",
              tags=["control", "no-fault", "node-upgrade", "gke", "pdb", "redis", "red-herring"])
sc.command("all the redis and session pods in web-sessions restarted last night, is something wrong?", channel="#web-platform", user="U0WEBPLAT3")

NODES = []
for i, zone in enumerate(["europe-west4-a", "europe-west4-b", "europe-west4-c"]):
    n = f"gke-web-prod-default-pool-{('8e1d20c4', '3f9a6b17', 'c52e0d98')[i]}-{('2hqd', 'n7xp', 'w4kr')[i]}"
    sc.node(n, flavour="gke", zone=zone, instance="e2-standard-4", cpu=4, mem_gib=15.6, ip=f"10.164.0.{31 + i}", pod_cidr=f"10.96.{8 + i}.0/24",
            created=ago(h=6, m=34 - 14 * i, s=12 + 9 * i), pool="default-pool", mem_reserved_ki=2_700_000, cpu_reserved_m=60)
    sc.nodes[n]["metadata"]["labels"]["cloud.google.com/gke-nodepool"] = "default-pool"
    NODES.append(n)
OLD = ["gke-web-prod-default-pool-8e1d20c4-6tfz", "gke-web-prod-default-pool-3f9a6b17-kq1m", "gke-web-prod-default-pool-c52e0d98-9vhs"]
for k, o in enumerate(OLD):
    gone = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": o, "uid": sc.ids.uid("old", o)}}
    sc.event(gone, "NodeNotSchedulable", f"Node {o} status is now: NodeNotSchedulable", first=ago(h=6, m=33 - 14 * k, s=40), component="kubelet", host=o)
    sc.event(gone, "RemovingNode", f"Node {o} event: Removing Node {o} from Controller", first=ago(h=6, m=22 - 14 * k, s=5), component="node-controller")
    sc.event(gone, "NodeNotReady", f"Node {o} status is now: NodeNotReady", first=ago(h=6, m=23 - 14 * k, s=31), component="node-controller")

REG = "europe-west4-docker.pkg.dev/web-prod-1120/apps"
SAL = {"app": "session-api"}
sat = template(dict(SAL), [container("session-api", f"{REG}/session-api:3.9.1", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
               env=[{"name": "REDIS_SENTINELS", "value": "redis-sessions-0.redis-sessions:26379,redis-sessions-1.redis-sessions:26379,redis-sessions-2.redis-sessions:26379"},
                    {"name": "REDIS_MASTER_NAME", "value": "sessions"}],
               resources=res("250m", "256Mi", None, "512Mi"), readinessProbe=http_probe("/healthz", "http", period=5, timeout=1))],
               serviceAccountName="session-api")
sa = sc.deployment("web-sessions", "session-api", labels={**SAL, "team": "web-platform"}, selector=SAL,
                   revisions=[{"rev": 27, "created": "-9d4h", "template": sat, "cause": "session-api 3.9.1"}], replicas=4, created="-700d", generation=35)
times = [ago(h=6, m=33, s=2), ago(h=6, m=31, s=40), ago(h=6, m=19, s=22), ago(h=6, m=5, s=9)]
sapods = [sc.pod(sa["_rs"][0], node=NODES[i % 3], created=t, states={"session-api": running(sc.dt_after(t, 4))}) for i, t in enumerate(times)]
sc.service("web-sessions", "session-api", selector=SAL, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-700d",
           cluster_ip="34.118.229.180", labels=SAL, pods=sapods)
sc.obj("policy/v1", "PodDisruptionBudget", "session-api", "web-sessions", created="-700d", labels=dict(SAL),
       spec={"maxUnavailable": 1, "selector": {"matchLabels": dict(SAL)}},
       status={"observedGeneration": 1, "currentHealthy": 4, "desiredHealthy": 3, "disruptionsAllowed": 1, "expectedPods": 4,
               "conditions": [{"type": "DisruptionAllowed", "status": "True", "reason": "SufficientPods", "message": "", "lastTransitionTime": sc.ts(ago(h=6, m=4, s=50)), "observedGeneration": 1}]})

RL = {"app": "redis-sessions"}
rt = template(dict(RL), [container("redis", "europe-west4-docker.pkg.dev/web-prod-1120/mirror/redis:7.2.6", ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}],
              resources=res("250m", "1Gi", None, "1Gi")),
             container("sentinel", "europe-west4-docker.pkg.dev/web-prod-1120/mirror/redis:7.2.6", command=["redis-sentinel", "/etc/redis/sentinel.conf"],
                       ports=[{"name": "sentinel", "containerPort": 26379, "protocol": "TCP"}], resources=res("50m", "64Mi", None, "128Mi"))],
              serviceAccountName="redis-sessions")
rs = sc.statefulset("web-sessions", "redis-sessions", labels=dict(RL), selector=dict(RL), template=rt, replicas=3, created="-700d", service="redis-sessions")
rtimes = [ago(h=6, m=32, s=20), ago(h=6, m=18, s=44), ago(h=6, m=4, s=30)]
rpods = [sc.pod(rs, node=NODES[i], name=f"redis-sessions-{i}", created=rtimes[i], states={"redis": running(sc.dt_after(rtimes[i], 3)), "sentinel": running(sc.dt_after(rtimes[i], 3))})
         for i in range(3)]
sc.service("web-sessions", "redis-sessions", selector=dict(RL), ports=[{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"},
                                                                     {"name": "sentinel", "port": 26379, "targetPort": "sentinel", "protocol": "TCP"}],
           created="-700d", cluster_ip="None", headless=True, labels=dict(RL), pods=rpods)
sc.obj("policy/v1", "PodDisruptionBudget", "redis-sessions", "web-sessions", created="-700d", labels=dict(RL),
       spec={"minAvailable": 2, "selector": {"matchLabels": dict(RL)}},
       status={"observedGeneration": 1, "currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1, "expectedPods": 3,
               "conditions": [{"type": "DisruptionAllowed", "status": "True", "reason": "SufficientPods", "message": "", "lastTransitionTime": sc.ts(ago(h=6, m=3, s=50)), "observedGeneration": 1}]})

# overnight events (old, all Normal except the expected surge warnings)
for i, p in enumerate(sapods):
    sc.event(p, "Scheduled", f"Successfully assigned web-sessions/{p['metadata']['name']} to {p['spec']['nodeName']}", first=times[i], component="default-scheduler")
    sc.container_events(p, "session-api", at=sc.dt_after(times[i], 1), pulled="pull", pull_s=2.4, size=38_112_440)
late = sapods[2]
sc.event(late, "FailedScheduling", "0/4 nodes are available: 1 node(s) were unschedulable, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.",
         type="Warning", first=sc.dt_after(times[2], -41), last=sc.dt_after(times[2], -9), count=3, component="default-scheduler")
for i, p in enumerate(rpods):
    sc.event(p, "Scheduled", f"Successfully assigned web-sessions/{p['metadata']['name']} to {p['spec']['nodeName']}", first=rtimes[i], component="default-scheduler")
    sc.event(p, "Started", "Started container redis", first=sc.dt_after(rtimes[i], 3), field_path="spec.containers{redis}")
    sc.event(p, "Started", "Started container sentinel", first=sc.dt_after(rtimes[i], 3), field_path="spec.containers{sentinel}")
# logs
r0 = rpods[0]
R0, R1, R2 = (p["status"]["podIP"] for p in rpods)
sc.log(r0, [
    "1:C 27 Nov 2026 02:08:04.118 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
    "1:S 27 Nov 2026 02:08:04.130 * Ready to accept connections tcp",
    "1:S 27 Nov 2026 02:08:05.002 * Connecting to MASTER redis-sessions-1.redis-sessions:6379",
    "1:S 27 Nov 2026 02:08:05.981 * MASTER <-> REPLICA sync: Finished with success",
    "1:M 27 Nov 2026 02:21:57.644 * Connection with master lost.",
    "1:M 27 Nov 2026 02:22:03.210 * Discarding previously cached master state.",
    "1:M 27 Nov 2026 02:22:03.211 * Setting secondary replication ID to 0c5a0d3f8e8b6a2f3c9d1e7a4b2c6f8d0e1a3b5c, valid up to offset: 88211907442. New replication ID is 4f2b9e1d7c3a5e6f8a0b2c4d6e8f1a3c5b7d9e0f",
    f"1:M 27 Nov 2026 02:22:03.212 * MASTER MODE enabled (user request from 'id=31 addr={R0}:43110 laddr={R0}:6379 fd=12 name=sentinel-2a0f1c3b-cmd age=840 idle=0')",
    f"1:M 27 Nov 2026 02:22:19.554 * Replica {R1}:6379 asks for synchronization",
    f"1:M 27 Nov 2026 02:22:20.912 * Synchronization with replica {R1}:6379 succeeded",
    f"1:M 27 Nov 2026 02:36:41.004 * Replica {R2}:6379 asks for synchronization",
    f"1:M 27 Nov 2026 02:36:42.311 * Synchronization with replica {R2}:6379 succeeded",
    "1:M 27 Nov 2026 08:35:02.001 * 10000 changes in 60 seconds. Saving...",
    "1:M 27 Nov 2026 08:35:03.417 * Background saving terminated with success"], container="redis")
sc.log(r0, ["1:X 27 Nov 2026 02:21:59.802 # +sdown master sessions 10.96.9.3 6379",
            "1:X 27 Nov 2026 02:22:00.014 # +odown master sessions 10.96.9.3 6379 #quorum 2/2",
            "1:X 27 Nov 2026 02:22:00.116 # +try-failover master sessions 10.96.9.3 6379",
            f"1:X 27 Nov 2026 02:22:03.340 # +switch-master sessions 10.96.9.3 6379 {R0} 6379"], container="sentinel")
for p in rpods[1:]:
    sc.log(p, ["1:S 27 Nov 2026 " + sc.fmt(sc.dt_after(p["status"]["startTime"], 4), "%H:%M:%S.%f") + " * MASTER <-> REPLICA sync: Finished with success"], container="redis")
    sc.log(p, ["1:X 27 Nov 2026 " + sc.fmt(sc.dt_after(p["status"]["startTime"], 5), "%H:%M:%S.%f") + f" # +monitor master sessions {R0} 6379 quorum 2"], container="sentinel")
for i, p in enumerate(sapods):
    lines = [sc.fmt(p["status"]["startTime"], "%Y-%m-%dT%H:%M:%S.%fZ INFO session-api 3.9.1 ready (sentinel master sessions at 10.96.9.3:6379)" if i < 2 else
                    f"%Y-%m-%dT%H:%M:%S.%fZ INFO session-api 3.9.1 ready (sentinel master sessions at {R0}:6379)")]
    if i < 2:
        lines += ["2026-11-27T02:21:58.077Z WARN redis: connection reset by peer, re-resolving master via sentinel",
                  f"2026-11-27T02:22:03.512Z INFO redis: master switched to {R0}:6379"]
    lines += [sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ INFO GET /v1/sessions/current 200 " + str(1 + k % 4) + "ms") for k, t in enumerate(sc.ticks("-90s", "-5s", 6))]
    sc.log(p, lines)

# metrics: 12h at 5m
N, S = 145, "-720m"
up = 144 - int((6 * 60 + 35) / 5)
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "web-sessions", "deployment": "session-api", "job": "kube-state-metrics"},
          steps(N, [(0, 4), (up, 3), (up + 1, 4), (up + 3, 3), (up + 4, 4), (up + 6, 3), (up + 7, 4)]), start=S, step="5m")
sc.series({"__name__": "kube_statefulset_status_replicas_ready", "namespace": "web-sessions", "statefulset": "redis-sessions", "job": "kube-state-metrics"},
          steps(N, [(0, 3), (up, 2), (up + 1, 3), (up + 3, 2), (up + 4, 3), (up + 6, 2), (up + 7, 3)]), start=S, step="5m")
sc.series({"__name__": "http_requests_total", "namespace": "web-sessions", "service": "session-api", "code": "5xx"},
          [3_210] * (up + 3) + [3_388] * (N - up - 3), start=S, step="5m")
sc.series({"__name__": "http_requests_total", "namespace": "web-sessions", "service": "session-api", "code": "2xx"},
          counter(sc, "2xx", [90_000.0 if (j % 288) > 100 else 30_000.0 for j in range(N)], start_value=7_118_004_221), start=S, step="5m")
for n in NODES:
    sc.series({"__name__": "kube_node_info", "node": n, "kubelet_version": "v1.31.1-gke.1678000", "container_runtime_version": "containerd://1.7.22", "job": "kube-state-metrics"},
              [None] * (up + 1) + [1] * (N - up - 1), start=S, step="5m")
for o in OLD:
    sc.series({"__name__": "kube_node_info", "node": o, "kubelet_version": "v1.30.5-gke.1014001", "container_runtime_version": "containerd://1.7.19", "job": "kube-state-metrics"},
              [1] * (up + 8) + [None] * (N - up - 8), start=S, step="5m")

sc.truth = {
    "category": "no_fault",
    "resource": None,
    "evidence": ["upgrade|node pool|surge|maintenance",
                 "healthy|no action|nothing to fix|expected|recovered|working as intended",
                 "02:|last night|overnight|six hours|6 hours",
                 "failover|sentinel|switch-master|disruption budget|pdb"],
    "remediation": {
        "accepted": [{"action": "recommend_only"}],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "web-sessions", "name": "redis-sessions"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "web-sessions", "name": "session-api"}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "web-sessions", "name": "session-api"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "web-sessions", "name": "session-api"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "web-sessions", "name": "redis-sessions-0"}},
        ],
    },
    "notes": (
        "A control. Between 02:05 and 02:51 the GKE maintenance window surge-upgraded default-pool from 1.30.5-gke to "
        "1.31.1-gke: each old node was cordoned and drained and replaced by a new one, so every pod in web-sessions is about "
        "six hours old, with restartCount 0. The drain respected the PDBs (session-api maxUnavailable 1, redis-sessions "
        "minAvailable 2); one session-api pod waited ~40s in FailedScheduling (Insufficient cpu) until the surge node "
        "registered; when the node holding the Redis master was drained at 02:22, Sentinel failed over to redis-sessions-0 "
        "(+switch-master) and session-api logged a 5-second reconnect (a few 5xx at 02:22). Since 02:51 all replicas are "
        "Ready, replication is in sync, errors are zero.\n"
        "The right answer is that nothing is wrong and no action is needed (recommend_only), explaining the upgrade. Traps: the "
        "warning events (FailedScheduling, NodeNotReady/RemovingNode of the old nodes) are history; the Redis failover is "
        "expected behaviour; restarting Redis or the API would cause another failover for nothing."),
}

if __name__ == "__main__":
    print(sc.write())
