"""Scenario restaurant-menus-slow-since-yesterday-afternoon: a game-day latency agent was never removed."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, gauge, histogram, http_probe, res, running, steps, template)

sc = Scenario("restaurant-menus-slow-since-yesterday-afternoon",
              title="Yesterday's game day (GD-2026-11 az-c latency) left its gameday-agent DaemonSet running on the two us-east-2c "
                    "nodes; it keeps 250ms +-50ms netem delay and 0.5% loss on their eth0, so every pod there is slow and menu-api "
                    "p99 has doubled since 14:00 yesterday",
              now="2026-11-25T09:20:00Z",
              tags=["network-degradation", "latency", "netem", "chaos-engineering", "eks", "zone", "traces", "recommend-only", "red-herring"])
sc.command("menu pages slow since yesterday afternoon, p99 doubled, nothing deployed", channel="#food-oncall", user="U0FOODSRE")

NODES = []
for i, (ip, zone) in enumerate([("10.70.3.44", "us-east-2a"), ("10.70.5.190", "us-east-2a"), ("10.70.18.12", "us-east-2b"),
                                ("10.70.20.67", "us-east-2b"), ("10.70.33.251", "us-east-2c"), ("10.70.36.8", "us-east-2c")]):
    n = f"ip-{ip.replace('.', '-')}.us-east-2.compute.internal"
    sc.node(n, flavour="eks", zone=zone, instance="m6a.2xlarge", cpu=8, mem_gib=30.9, ip=ip, pool="apps-m6a", created=f"-{14 + i}d{i}h",
            mem_reserved_ki=1_750_000, pods=58, cpu_reserved_m=90)
    NODES.append(n)
ZC = NODES[4:]

# the leftover chaos agent
GA = {"app.kubernetes.io/name": "gameday-agent"}
ga_t = template(dict(GA), [container(
    "agent", "ghcr.io/example-sre/gameday-agent:0.9.4",
    args=["netem", "--interface=eth0", "--delay=250ms", "--jitter=50ms", "--loss=0.5%", "--target-cidr=10.70.0.0/16", "--duration=0"],
    securityContext={"capabilities": {"add": ["NET_ADMIN"]}, "privileged": False},
    resources=res("10m", "32Mi", None, "64Mi"),
    lifecycle={"preStop": {"exec": {"command": ["/agent", "netem", "--clear", "--interface=eth0"]}}})],
    hostNetwork=True, nodeSelector={"topology.kubernetes.io/zone": "us-east-2c"}, serviceAccountName="gameday-agent",
    tolerations=[{"operator": "Exists"}])
ga = sc.daemonset("resilience", "gameday-agent", labels={**GA, "resilience.example.com/experiment": "GD-2026-11-az-c-latency"}, template=ga_t,
                  created="-19h22m", status={"currentNumberScheduled": 2, "desiredNumberScheduled": 2, "numberAvailable": 2, "numberMisscheduled": 0,
                                             "numberReady": 2, "observedGeneration": 1, "updatedNumberScheduled": 2})
ga["metadata"]["annotations"].update({"resilience.example.com/owner": "s.okafor", "resilience.example.com/expires": "2026-11-24T15:00:00Z",
                                      "resilience.example.com/runbook": "https://wiki.example.com/sre/gameday/GD-2026-11"})
gpods = [sc.pod(ga, node=n, created=ago(h=19, m=21, s=50 - 9 * i), states={"agent": running(ago(h=19, m=21, s=46 - 9 * i))}) for i, n in enumerate(ZC)]
for i, p in enumerate(gpods):
    lines = [sc.fmt(ago(h=19, m=21, s=45 - 9 * i), "%Y-%m-%dT%H:%M:%SZ INFO gameday-agent 0.9.4 experiment=GD-2026-11-az-c-latency node=" + ZC[i]),
             sc.fmt(ago(h=19, m=21, s=44 - 9 * i), "%Y-%m-%dT%H:%M:%SZ INFO tc qdisc replace dev eth0 root handle 1: prio; filter dst 10.70.0.0/16 -> netem delay 250ms 50ms loss 0.5%"),
             sc.fmt(ago(h=19, m=21, s=44 - 9 * i), "%Y-%m-%dT%H:%M:%SZ INFO netem active on eth0 (duration=0: until stopped)"),
             sc.fmt(ago(h=18, m=20), "%Y-%m-%dT%H:%M:%SZ WARN experiment passed its expiry 2026-11-24T15:00:00Z; expiry enforcement is done by gameday-controller"),
             sc.fmt(ago(h=18, m=10), "%Y-%m-%dT%H:%M:%SZ WARN gameday-controller heartbeat lost; keeping current impairment")]
    for h in range(18, 0, -3):
        lines.append(sc.fmt(ago(h=h, m=1, s=12), "%Y-%m-%dT%H:%M:%SZ INFO netem status eth0: delay 250ms 50ms loss 0.5% sent " + str(88_000_000 + 9_100_000 * (18 - h)) + " pkts"))
    sc.log(p, lines)
ctl = sc.app("resilience", "gameday-controller", "ghcr.io/example-sre/gameday-controller:0.9.4", nodes=[], created="-120d", rev=9, rev_created="-40d",
             cause=None, probe=None, service=False, cluster_ip="", resources=res("50m", "64Mi", None, "128Mi"), labels={"app.kubernetes.io/name": "gameday-controller"})
ctl["spec"]["replicas"] = 0
ctl["metadata"]["annotations"]["resilience.example.com/note"] = "scaled to 0 after GD-2026-11 (noisy alerts)"
sc.event(ctl, "ScalingReplicaSet", f"Scaled down replica set {ctl['_rs'][0]['metadata']['name']} from 1 to 0", first=ago(h=18, m=11, s=2), component="deployment-controller")

# food namespace
REG = "447381190227.dkr.ecr.us-east-2.amazonaws.com/food"
MA = {"app": "menu-api"}
menu = sc.app("food", "menu-api", f"{REG}/menu-api:8.4.0", nodes=NODES, created="-500d", rev=52, rev_created="-9d5h", cause="menu-api 8.4.0",
              probe="/readyz", cluster_ip="172.20.40.19", team="food-catalog", resources=res("500m", "512Mi", None, "768Mi"), labels=MA,
              env=[{"name": "DB_HOST", "value": "menu-db.c9x1y2z3a4b5.us-east-2.rds.amazonaws.com"}, {"name": "REDIS_ADDR", "value": "menu-cache.food.svc.cluster.local:6379"}])
cour = sc.app("food", "courier-dispatch", f"{REG}/courier-dispatch:3.2.2", nodes=[NODES[0], NODES[2], NODES[5]], created="-500d", rev=31, rev_created="-12d",
              cause="courier-dispatch 3.2.2", probe="/healthz", cluster_ip="172.20.8.250", team="logistics", resources=res("250m", "256Mi", None, "512Mi"))
mc = sc.app("food", "menu-cache", "public.ecr.aws/docker/library/redis:7.2.5", nodes=[NODES[2]], created="-500d", rev=4, rev_created="-60d", cause=None,
            port=6379, probe=None, cluster_ip="172.20.77.31", resources=res("200m", "1Gi", None, "1Gi"))
cw_t = template({"app": "menu-cache-warmer"}, [container("warmer", f"{REG}/menu-cache-warmer:1.1.0", resources=res("100m", "128Mi", None, "256Mi"))],
                restartPolicy="Never")
sc.obj("batch/v1", "CronJob", "menu-cache-warmer", "food", created="-300d", labels={"app": "menu-cache-warmer"},
       spec={"schedule": "0 4 * * *", "concurrencyPolicy": "Forbid", "suspend": False, "successfulJobsHistoryLimit": 1, "failedJobsHistoryLimit": 1,
             "jobTemplate": {"spec": {"backoffLimit": 0, "activeDeadlineSeconds": 1800, "template": cw_t}}},
       status={"lastScheduleTime": sc.ts(ago(h=5, m=20)), "lastSuccessfulTime": sc.ts(ago(d=1, h=5, m=2))})
fj = sc.obj("batch/v1", "Job", "menu-cache-warmer-29926320", "food", created=ago(h=5, m=20), labels={"app": "menu-cache-warmer"},
            spec={"parallelism": 1, "completions": 1, "backoffLimit": 0, "activeDeadlineSeconds": 1800, "completionMode": "NonIndexed", "suspend": False, "template": cw_t},
            status={"startTime": sc.ts(ago(h=5, m=20)), "failed": 1, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
                    "conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded", "message": "Job was active longer than specified deadline",
                                    "lastProbeTime": sc.ts(ago(h=4, m=50)), "lastTransitionTime": sc.ts(ago(h=4, m=50))}]})
sc.event(fj, "DeadlineExceeded", "Job was active longer than specified deadline", type="Warning", first=ago(h=4, m=50), component="job-controller")

ZONE = {n: sc.nodes[n]["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in NODES}
for j, p in enumerate(menu["_pods"]):
    slow = p["spec"]["nodeName"] in ZC
    lines = []
    for k, t in enumerate(sc.ticks("-3m", "-4s", 3.2, jitter=0.8)):
        dur = (560 + (k * 97) % 500) if slow else (38 + (k * 13) % 60)
        if slow and k % 6 == 3:
            lines.append(sc.fmt(t, "time=%Y-%m-%dT%H:%M:%S.%fZ level=WARN msg=\"slow query\" query=menu_items_by_restaurant dur_ms=" + str(260 + k % 90) + " rows=" + str(40 + k % 70)))
        lines.append(sc.fmt(t, "time=%Y-%m-%dT%H:%M:%S.%fZ level=INFO msg=request method=GET path=/v1/restaurants/" + str(18000 + 7 * k + j) + "/menu status=200 dur_ms=" + str(dur)))
    sc.log(p, lines)

# metrics: 48h at 10m of per-pod p99 (zone c jumps at 14:00 yesterday), 1h at 1m of the histogram
N2 = 289
cut2 = 288 - int((19 * 60 + 20) / 10)
for p in menu["_pods"]:
    slow = p["spec"]["nodeName"] in ZC
    lv = [0.21] * cut2 + [(1.24 if slow else 0.21)] * (N2 - cut2)
    sc.series({"__name__": "menu_api_request_duration_seconds_p99", "namespace": "food", "pod": p["metadata"]["name"], "node": p["spec"]["nodeName"],
               "zone": ZONE[p["spec"]["nodeName"]]}, gauge(sc, ("p99", p["metadata"]["name"]), lv, noise=0.07, integer=False), start="-2880m", step="10m")
for n in NODES:
    sc.series({"__name__": "node_netstat_Tcp_RetransSegs", "instance": sc.nodes[n]["_ip"] + ":9100", "node": n, "job": "node-exporter"},
              counter(sc, ("re", n), [300.0] * cut2 + [(9000.0 if n in ZC else 300.0)] * (N2 - cut2), start_value=1_200_411), start="-2880m", step="10m")
N, S = 60, "-59m"
for p in menu["_pods"]:
    slow = p["spec"]["nodeName"] in ZC
    histogram(sc, "http_server_request_duration_seconds", {"namespace": "food", "service": "menu-api", "pod": p["metadata"]["name"], "route": "/v1/restaurants/{id}/menu"},
              n=N, start=S, step="1m", rps=[31.0] * N, median_s=[0.62 if slow else 0.055] * N, sigma=0.45, start_count=91_000_000 + 1_000 * len(sc.metrics),
              buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5))

# traces: fast from zones a/b, slow from zone c
for name, pod, dur, db in [("fast", menu["_pods"][0], 61, 9), ("slow", menu["_pods"][4], 812, 268)]:
    node = pod["spec"]["nodeName"]
    tags = {"k8s.pod.name": pod["metadata"]["name"], "k8s.node.name": node, "cloud.availability_zone": ZONE[node]}
    sc.trace(sc.ids.hexs(32, "tr", name), [
        {"span_id": "m1", "service": "web-bff", "operation": "GET /restaurants/:id", "offset_ms": 0, "duration_ms": dur + 14, "tags": {"http.status_code": 200}},
        {"span_id": "m2", "parent": "m1", "service": "menu-api", "operation": "GET /v1/restaurants/{id}/menu", "offset_ms": 6, "duration_ms": dur, "tags": {**tags, "http.status_code": 200}},
        {"span_id": "m3", "parent": "m2", "service": "menu-api", "operation": "redis GET menu:v2", "offset_ms": 8, "duration_ms": 1 if name == "fast" else 262, "tags": {**tags, "db.system": "redis"}},
        {"span_id": "m4", "parent": "m2", "service": "menu-api", "operation": "SELECT menu_items", "offset_ms": 10 if name == "fast" else 272, "duration_ms": db, "tags": {**tags, "db.system": "postgresql"}},
        {"span_id": "m5", "parent": "m2", "service": "menu-api", "operation": "SELECT restaurant_hours", "offset_ms": 20 if name == "fast" else 541, "duration_ms": 6 if name == "fast" else 259, "tags": {**tags, "db.system": "postgresql"}}],
        at="-10m", repeat=40, every="15s")

sc.truth = {
    "category": "network_degradation",
    "resource": {"kind": "DaemonSet", "namespace": "resilience", "name": "gameday-agent"},
    "aliases": [{"kind": "Pod", "namespace": "resilience", "name_regex": "^gameday-agent-"},
                {"kind": "Node", "name_regex": "^ip-10-70-(33-251|36-8)\\."}],
    "evidence": ["gameday-agent|game day|gameday|gd-2026-11",
                 "netem|250ms|tc qdisc",
                 "us-east-2c|zone c|az-c",
                 "expir|15:00|never removed|left running|still running"],
    "remediation": {
        "accepted": [{"action": "recommend_only", "target": {"kind": "DaemonSet", "namespace": "resilience", "name": "gameday-agent"}}],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "food", "name": "menu-api"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "food", "name": "menu-api"}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "food", "name": "menu-api"}},
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "food", "name": "menu-api"}},
            {"action": "restart_workload", "target": {"kind": "DaemonSet", "namespace": "resilience", "name": "gameday-agent"}},
        ],
    },
    "notes": (
        "Yesterday's game day GD-2026-11 (az-c latency) created the DaemonSet resilience/gameday-agent at 13:58 on the two "
        "us-east-2c nodes: hostNetwork with NET_ADMIN, it installs a netem qdisc on eth0 adding 250ms +-50ms delay and 0.5% "
        "loss to traffic towards 10.70.0.0/16, duration 0 (until stopped). Expiry (15:00) is enforced by gameday-controller, "
        "which someone scaled to 0 at 15:09 because of noisy alerts, so the impairment never ended. Every pod on those nodes "
        "pays ~250ms per round trip: the two menu-api pods there have p99 ~1.2s vs ~0.2s elsewhere, their traces show Redis "
        "and every SQL span ~260ms longer, node_netstat_Tcp_RetransSegs rises on those nodes only, and the service-wide p99 "
        "doubled at 14:00 yesterday with no deploy.\n"
        "The fix is to end the experiment: delete the gameday-agent DaemonSet (its preStop clears the qdisc) or restart the "
        "controller so it enforces the expiry - recommend_only, as deleting is not an action the bot has. Traps: nothing was "
        "deployed in food; the menu-cache-warmer Job failed this morning on its deadline because it runs from a zone-c node "
        "(a symptom); restarting menu-api may move pods off zone c for a while but fixes nothing; restarting the agent would "
        "re-apply the delay."),
}

if __name__ == "__main__":
    print(sc.write())
