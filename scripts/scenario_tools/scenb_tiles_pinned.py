"""Scenario map-tiles-failing-since-early-morning: a Deployment pinned to one node that went NotReady."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, gauge, http_probe, mutate, res, running, steps, template)

sc = Scenario("map-tiles-failing-since-early-morning",
              title="tile-server was pinned with nodeSelector kubernetes.io/hostname to aks-geopool-...-vmss000002 for its warm local tile "
                    "cache; that VM went NotReady at 05:47 after an Azure host failure, its pods were evicted and the replacements "
                    "cannot schedule anywhere else, so the map has no tile backend",
              now="2026-11-28T07:05:00Z",
              tags=["node-failure", "notready", "nodeselector", "pinned", "aks", "pending", "hostpath"])

NODES = []
DEAD = "aks-geopool-19283746-vmss000002"
for i in range(4):
    n = f"aks-geopool-19283746-vmss00000{i}"
    kw = dict(flavour="aks", zone=f"francecentral-{i % 3 + 1}", instance="Standard_E4ds_v5", cpu=4, mem_gib=31.3, ip=f"10.8.0.{5 + i}",
              pod_cidr=f"10.244.{i}.0/24", created=f"-{70 - 9 * i}d{i + 2}h", pool="geopool", mem_reserved_ki=4_300_000, cpu_reserved_m=140, region="francecentral")
    if n == DEAD:
        unk = {"status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status.", "heartbeat": ago(h=1, m=18, s=52), "since": ago(h=1, m=18, s=10)}
        sc.node(n, **kw, conditions={c: dict(unk) for c in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")},
                taints=[{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": sc.ts(ago(h=1, m=18, s=10))},
                        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": sc.ts(ago(h=1, m=18, s=5))}])
    else:
        sc.node(n, **kw)
    NODES.append(n)
LIVE = [n for n in NODES if n != DEAD]

REG = "geoacrprod.azurecr.io/geo"
TL = {"app": "tile-server"}


def tiles(tag: str, pinned: bool) -> dict:
    spec = {"serviceAccountName": "tile-server",
            "volumes": [{"name": "tilecache", "hostPath": {"path": "/mnt/tilecache", "type": "DirectoryOrCreate"}}]}
    if pinned:
        spec["nodeSelector"] = {"kubernetes.io/hostname": DEAD}
    return template(dict(TL), [container(
        "tile-server", f"{REG}/tile-server:{tag}", args=["--cache-dir=/var/cache/tiles", "--source=https://geotilesprod.blob.core.windows.net/planet/2026-11"],
        ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        resources=res("1", "4Gi", None, "6Gi"), readinessProbe=http_probe("/health", "http", period=10, timeout=2),
        volumeMounts=[{"name": "tilecache", "mountPath": "/var/cache/tiles"}])], **spec)


revs = [{"rev": 8, "created": "-33d4h", "template": tiles("2.7.1", False), "cause": "tile-server 2.7.1"},
        {"rev": 9, "created": "-12d6h18m", "template": tiles("2.7.1", True), "cause": "GEO-511: pin tile-server to vmss000002 (warm NVMe tile cache)"}]
dep = sc.deployment("geo", "tile-server", labels={**TL, "team": "maps"}, selector=TL, revisions=revs, replicas=2, created="-400d", generation=15)
rs9 = dep["_rs"][1]
MSG = ("0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 3 node(s) didn't match Pod's node "
       "affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.")
old = []
for i in range(2):
    p = sc.pod(rs9, node=DEAD, created=ago(d=12, h=6, m=17, s=40 - 20 * i), states={"tile-server": running(ago(d=12, h=6, m=17, s=30 - 20 * i), ready=False)},
               deleting=ago(h=1, m=13, s=5), ready_since=ago(h=1, m=18, s=10))
    p["status"]["conditions"].insert(0, {"type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
                                         "message": "Taint manager: deleting due to NoExecute taint", "lastProbeTime": None, "lastTransitionTime": sc.ts(ago(h=1, m=13, s=5))})
    old.append(p)
pending = [sc.pod(rs9, node=None, created=ago(h=1, m=13, s=4 - i), states={}, pending_message=MSG) for i in range(2)]
dep["status"] = {"observedGeneration": 15, "replicas": 2, "updatedReplicas": 2, "unavailableReplicas": 2,
                 "conditions": [{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": f"ReplicaSet \"{rs9['metadata']['name']}\" has successfully progressed.",
                                 "lastUpdateTime": sc.ts("-12d6h16m"), "lastTransitionTime": sc.ts("-400d")},
                                {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
                                 "lastUpdateTime": sc.ts(ago(h=1, m=18, s=10)), "lastTransitionTime": sc.ts(ago(h=1, m=18, s=10))}]}
svc, _ = sc.service("geo", "tile-server", selector=TL, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-400d",
                    cluster_ip="10.0.171.4", labels=TL, pods=old + pending)
sc.alert(labels={"alertname": "KubePodNotReady", "namespace": "geo", "pod": pending[0]["metadata"]["name"], "severity": "warning", "job": "kube-state-metrics",
                 "prometheus": "monitoring/prometheus"},
         summary="Pod has been in a non-ready state for more than 15 minutes.",
         description=f"Pod geo/{pending[0]['metadata']['name']} has been in a non-ready state for longer than 15 minutes.",
         starts=ago(m=57), channel="#maps-oncall",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodnotready"})

# events
deadn = sc.nodes[DEAD]
sc.event(deadn, "NodeNotReady", f"Node {DEAD} status is now: NodeNotReady", first=ago(h=1, m=18, s=10), component="node-controller")
for p in old:
    sc.event(p, "NodeNotReady", "Node is not ready", type="Warning", first=ago(h=1, m=18, s=9), component="node-controller")
    sc.event(p, "TaintManagerEviction", f"Marking for deletion Pod geo/{p['metadata']['name']}", first=ago(h=1, m=13, s=5), component="taint-eviction-controller")
for i, p in enumerate(pending):
    sc.event(rs9, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}", first=ago(h=1, m=13, s=4 - i), component="replicaset-controller")
    sc.event(p, "FailedScheduling", MSG, type="Warning", first=ago(h=1, m=13, s=4 - i), last=ago(m=2, s=40 + 9 * i), count=21 + i, component="default-scheduler")

# neighbours: routing-api had a pod on the dead node and moved; geocoder; geo-db
ra = sc.app("geo", "routing-api", f"{REG}/routing-api:5.0.3", nodes=[NODES[0], NODES[1], NODES[3]], created="-400d", rev=27, rev_created="-6d2h", cause="routing-api 5.0.3",
            probe="/ready", cluster_ip="10.0.19.200", team="maps", resources=res("1", "2Gi", None, "3Gi"),
            pod_created=["-6d1h59m", "-6d1h58m", ago(h=1, m=13, s=4)])
gc = sc.app("geo", "geocoder", f"{REG}/geocoder:1.22.0", nodes=[NODES[1], NODES[3]], created="-400d", rev=14, rev_created="-19d", cause="geocoder 1.22.0",
            probe="/health", cluster_ip="10.0.88.19", team="maps", resources=res("500m", "2Gi", None, "2Gi"))
ra_stuck = sc.pod(ra["_rs"][0], node=DEAD, created="-6d1h57m", states={"routing-api": running("-6d1h56m55s", ready=False)}, deleting=ago(h=1, m=13, s=5),
                  name=f"{ra['_rs'][0]['metadata']['name']}-q9x2c", ready_since=ago(h=1, m=18, s=10))
sc.event(ra["_rs"][0], "SuccessfulCreate", f"Created pod: {ra['_pods'][2]['metadata']['name']}", first=ago(h=1, m=13, s=4), component="replicaset-controller")

# logs
for p in ra["_pods"]:
    sc.log(p, [sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ INFO route computed profile=car legs=" + str(2 + k % 3) + " dur_ms=" + str(40 + (k * 17) % 80)) for k, t in enumerate(sc.ticks("-2m", "-5s", 9))])
ing = sc.app("geo", "maps-gateway", "geoacrprod.azurecr.io/mirror/nginx:1.27.2", nodes=[NODES[0], NODES[3]], created="-400d", rev=6, rev_created="-50d", cause=None,
             port=80, probe="/nginx-health", cluster_ip="10.0.4.4", team="maps", resources=res("100m", "128Mi", None, "256Mi"))
for j, p in enumerate(ing["_pods"]):
    lines = []
    for k, t in enumerate(sc.ticks("-3m", "-3s", 2.5, jitter=0.8)):
        if k % 3:
            lines.append(sc.fmt(t, "%Y/%m/%d %H:%M:%S [error] 23#23: *" + str(551200 + 41 * k + j) + " connect() failed (111: Connection refused) while connecting to upstream, client: 10.8.0.4, server: maps.example.fr, request: \"GET /tiles/14/" + str(8290 + k) + "/" + str(5630 + k) + ".png HTTP/1.1\", upstream: \"http://10.0.171.4:80/tiles/14/" + str(8290 + k) + "/" + str(5630 + k) + ".png\", host: \"maps.example.fr\""))
        else:
            lines.append(sc.fmt(t, "10.8.0.4 - - [%d/%b/%Y:%H:%M:%S +0000] \"GET /route?from=48.85,2.35&to=45.76,4.83 HTTP/1.1\" 200 4211 \"-\" \"MapsApp/7.1 (iOS)\""))
    sc.log(p, lines)

# metrics
N, S = 180, "-179m"
cut = 179 - 78
sc.series({"__name__": "kube_node_status_condition", "node": DEAD, "condition": "Ready", "status": "unknown", "job": "kube-state-metrics"},
          steps(N, [(0, 0), (cut, 1)]), start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "geo", "deployment": "tile-server", "job": "kube-state-metrics"},
          steps(N, [(0, 2), (cut, 0)]), start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "geo", "deployment": "routing-api", "job": "kube-state-metrics"},
          steps(N, [(0, 3), (cut, 2), (cut + 6, 3)]), start=S, step="1m")
sc.series({"__name__": "nginx_http_requests_total", "namespace": "geo", "service": "maps-gateway", "location": "/tiles/", "status": "502"},
          counter(sc, "t502", [0.2] * cut + [1400.0] * (N - cut), start_value=8_811, noise=0.08), start=S, step="1m")
sc.series({"__name__": "tile_cache_hit_ratio", "namespace": "geo", "service": "tile-server"}, [0.93] * cut + [None] * (N - cut), start=S, step="1m")

# recovery
CHECK = {"kind": "Deployment", "namespace": "geo", "name": "tile-server", "path": 'spec.template.spec.nodeSelector["kubernetes.io/hostname"]', "exists": False}
fixed = mutate(revs[1]["template"], lambda t: t["spec"].pop("nodeSelector"))
r = sc.recover_deployment(dep, template=fixed, nodes=[NODES[1], NODES[3]], cause=None, svc=svc, start="+10s", every_s=8)
sc.recovery.append({"when": [CHECK], "apply": {
    "upsert": r["upsert"], "delete": [{"kind": "Pod", "namespace": "geo", "name": p["metadata"]["name"]} for p in pending],
    "logs": [{"namespace": "geo", "pod": p["metadata"]["name"], "lines": [
        sc.fmt(f"+{16 + 8 * i}s", "%Y-%m-%dT%H:%M:%S.%fZ INFO tile-server 2.7.1 cache dir /var/cache/tiles is empty, serving from source (cold cache)"),
        sc.fmt(f"+{40 + 8 * i}s", "%Y-%m-%dT%H:%M:%S.%fZ INFO GET /tiles/14/8291/5631.png 200 cache=miss dur_ms=212")]} for i, p in enumerate(r["pods"])],
    "metrics": [sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "geo", "deployment": "tile-server", "job": "kube-state-metrics"},
                          steps(N, [(0, 2), (cut, 0), (N - 1, 2)]), start=S, step="1m", add=False)]}})

sc.truth = {
    "category": "node_failure",
    "also_accept": ["unschedulable"],
    "resource": {"kind": "Deployment", "namespace": "geo", "name": "tile-server"},
    "aliases": [{"kind": "Node", "name_regex": f"^{DEAD}$"},
                {"kind": "ReplicaSet", "namespace": "geo", "name_regex": f"^{rs9['metadata']['name']}$"},
                {"kind": "Pod", "namespace": "geo", "name_regex": f"^{rs9['metadata']['name']}-"}],
    "evidence": ["vmss000002",
                 "notready|not ready|unknown|stopped posting",
                 "nodeselector|kubernetes.io/hostname|pinned",
                 "pending|didn't match|failedscheduling",
                 "geo-511|revision 9"],
    "remediation": {
        "accepted": [
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "geo", "name": "tile-server"},
             "params": {"patch": {"spec": {"template": {"spec": {"nodeSelector": {"kubernetes.io/hostname": None}}}}}}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "geo", "name": "tile-server"}},
        ],
        "checks": [CHECK],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "geo", "name": "tile-server"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "geo", "name": "tile-server"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "geo", "name": pending[0]["metadata"]["name"]}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "geo", "name": "maps-gateway"}},
        ],
    },
    "notes": (
        "The VM aks-geopool-19283746-vmss000002 went NotReady at 05:47 (kubelet stopped posting status; an Azure host failure, "
        "AKS auto-repair had not brought it back after 78 minutes). Its pods were evicted by the taint manager at 05:52. "
        "routing-api's pod there was replaced on another node within seconds, but tile-server has been pinned since revision 9 "
        "(GEO-511, twelve days ago) with nodeSelector kubernetes.io/hostname=aks-geopool-19283746-vmss000002 to reuse a warm "
        "NVMe tile cache (hostPath /mnt/tilecache), so both replacement pods are Pending (\"1 node(s) had untolerated taint "
        "{node.kubernetes.io/unreachable: }, 3 node(s) didn't match Pod's node affinity/selector\") and maps-gateway returns "
        "502 for every tile.\n"
        "Fix: remove the hostname pin (patch_resource with nodeSelector kubernetes.io/hostname: null, or roll back to "
        "revision 8, which had no selector). The tile cache is only a cache: the pods start cold and fill it from blob storage. "
        "The node itself needs a human (reimage/replace via AKS), but the outage is caused by the single-node pin. Traps: "
        "restarting or scaling tile-server only adds Pending pods; the stuck Terminating pods on the dead node are expected; "
        "maps-gateway's 'connection refused' is a symptom."),
}

if __name__ == "__main__":
    print(sc.write())
