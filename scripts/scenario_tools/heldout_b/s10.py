"""dns failure: node-local-dns chart 2.0 added nodeSelector node-pool=general; pods on spot nodes lose their resolver (169.254.20.10)."""
from lib import *

seed(1010)
c = Clock("2026-12-14T07:18:00Z")
NS = "trips"
KS = "kube-system"
gen = three_nodes(c, "10.70", "eu-central-1", group="general-2026-12", itype="m6i.2xlarge", created="2026-12-01T03:00:00Z")
for nd in gen:
    nd["metadata"]["labels"]["node-pool"] = "general"
spot = []
for i, (z, ip) in enumerate([("a", "10.70.33.18"), ("b", "10.70.45.201")]):
    nd = node(c, f"ip-{ip.replace('.', '-')}.eu-central-1.compute.internal", ip, zone=f"eu-central-1{z}", itype=R.choice(["m5.2xlarge", "m6a.2xlarge"]), created="2026-12-14T05:52:1%dZ" % i, region="eu-central-1",
              labels={"eks.amazonaws.com/nodegroup": "spot-mixed-2026-12", "node-pool": "spot", "eks.amazonaws.com/capacityType": "SPOT"},
              taints=[{"key": "spot", "value": "true", "effect": "NoSchedule"}])
    spot.append(nd)
nodes = gen + spot
DNS_IMG = "registry.k8s.io/dns/k8s-dns-node-cache:1.24.0"
ds_uid = uid()


def ds_spec(selector: bool) -> dict:
    sp = {"priorityClassName": "system-node-critical", "serviceAccountName": "node-local-dns", "hostNetwork": True, "dnsPolicy": "Default",
          "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoExecute", "operator": "Exists"}, {"effect": "NoSchedule", "operator": "Exists"}],
          "containers": [{"name": "node-cache", "image": DNS_IMG, "args": ["-localip", "169.254.20.10,172.20.0.10", "-conf", "/etc/Corefile", "-upstreamsvc", "kube-dns-upstream", "-health-port", "8080"],
                          "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"}, {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9253, "protocol": "TCP"}],
                          "resources": {"requests": {"cpu": "25m", "memory": "5Mi"}},
                          "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}},
                          "livenessProbe": {"httpGet": {"host": "169.254.20.10", "path": "/health", "port": 8080}, "initialDelaySeconds": 60, "timeoutSeconds": 5, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3},
                          "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns"}, {"name": "xtables-lock", "mountPath": "/run/xtables.lock"}]}],
          "volumes": [{"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}}, {"name": "config-volume", "configMap": {"name": "node-local-dns", "items": [{"key": "Corefile", "path": "Corefile.base"}]}}]}
    if selector:
        sp["nodeSelector"] = {"node-pool": "general"}
    return sp


ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
      "metadata": {"name": "node-local-dns", "namespace": KS, "uid": ds_uid, "creationTimestamp": "2025-02-03T10:00:00Z", "generation": 7,
                   "labels": {"k8s-app": "node-local-dns", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "node-local-dns-2.0.1"},
                   "annotations": {"deprecated.daemonset.template.generation": "7", "meta.helm.sh/release-name": "node-local-dns", "meta.helm.sh/release-namespace": KS}},
      "spec": {"selector": {"matchLabels": {"k8s-app": "node-local-dns"}}, "revisionHistoryLimit": 10,
               "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%", "maxSurge": 0}},
               "template": {"metadata": {"labels": {"k8s-app": "node-local-dns"}, "annotations": {"prometheus.io/port": "9253", "prometheus.io/scrape": "true"}}, "spec": ds_spec(True)}},
      "status": {"currentNumberScheduled": 3, "desiredNumberScheduled": 3, "numberAvailable": 3, "numberMisscheduled": 0, "numberReady": 3, "observedGeneration": 7, "updatedNumberScheduled": 3}}
crs = []
for rev, sel, created in ((6, False, "2026-09-22T09:00:00Z"), (7, True, "2026-12-14T06:30:41Z")):
    crs.append({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": f"node-local-dns-{hx(10)}", "namespace": KS, "uid": uid(), "creationTimestamp": created, "labels": {"k8s-app": "node-local-dns", "controller-revision-hash": hx(10)},
                                                                                      "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "node-local-dns", "uid": ds_uid, "controller": True, "blockOwnerDeletion": True}]},
                "revision": rev, "data": {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"k8s-app": "node-local-dns"}}, "spec": ds_spec(sel)}}}})
ds_pods = []
for nd in gen:
    nn, ip = nref(nd)
    ds_pods.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "node-local-dns-" + suffix(), "namespace": KS, "uid": uid(), "creationTimestamp": "2026-12-14T06:3%d:%02dZ" % (1 + len(ds_pods), 10 + len(ds_pods) * 11),
                                                                     "labels": {"k8s-app": "node-local-dns", "controller-revision-hash": crs[1]["metadata"]["labels"]["controller-revision-hash"], "pod-template-generation": "7"},
                                                                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "node-local-dns", "uid": ds_uid, "controller": True, "blockOwnerDeletion": True}]},
                    "spec": {**ds_spec(True), "nodeName": nn},
                    "status": {"phase": "Running", "qosClass": "Burstable", "hostIP": ip, "podIP": ip, "startTime": "2026-12-14T06:31:10Z",
                               "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-12-14T06:31:40Z"}, {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-12-14T06:31:10Z"}],
                               "containerStatuses": [{k: v for k, v in running("node-cache", DNS_IMG, "2026-12-14T06:31:12Z").items() if k != "_start"}]}})
cd_w, cd_p = simple(KS, "coredns", "602401143452.dkr.ecr.eu-central-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2", nodes=gen, rev=4, rev_created="2026-10-01T08:00:00Z", created="2025-01-10T08:00:00Z", replicas=2, port=None, cpu="100m", mem="170Mi")
cd_p[1]["status"]["containerStatuses"][0]["restartCount"] = 1
cd_p[1]["status"]["containerStatuses"][0]["lastState"] = terminated(0, "Completed", "2026-10-01T08:00:05Z", "2026-12-13T14:02:11Z")
cd_p[1]["status"]["containerStatuses"][0]["state"] = {"running": {"startedAt": "2026-12-13T14:02:13Z"}}

IMG = "ghcr.io/fernway/itinerary-api:7.8.3"
w = Workload(NS, "itinerary-api", created="2025-04-01T09:00:00Z", labels={"app.kubernetes.io/name": "itinerary-api"}, selector={"app.kubernetes.io/name": "itinerary-api"}, replicas=4)
ispec = {"containers": [{"name": "itinerary-api", "image": IMG, "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                         "env": [{"name": "DB_HOST", "value": "trips-db.cluster-c8xq2mvn1kle.eu-central-1.rds.amazonaws.com"}, {"name": "FLIGHTS_API", "value": "https://api.skylane-partners.com/v3"}, {"name": "GOMAXPROCS", "value": "2"}],
                         "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
                         "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3, "successThreshold": 1}}],
         "tolerations": [{"key": "spot", "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
         "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 80, "preference": {"matchExpressions": [{"key": "node-pool", "operator": "In", "values": ["spot"]}]}}]}}}
w.revision(26, ispec, created="2026-12-08T10:12:00Z", cause="itinerary-api 7.8.3", h="6f9c8d7b54")
ip_ = []
place = [spot[0], spot[1], gen[0], spot[0]]
for i, nd in enumerate(place):
    nn, hip = nref(nd)
    cr = "2026-12-14T05:5%d:%02dZ" % (4 + i, 10 + i * 5) if nd in spot else "2026-12-08T10:13:00Z"
    ip_.append(w.pod(26, node=nn, host_ip=hip, pod_ip=pip(hip, i), created=cr, statuses=[running("itinerary-api", IMG, cr)]))
objs = nodes + [namespace(NS, "2025-04-01T08:50:00Z", {"team": "trips"}), namespace(KS, "2025-01-10T08:00:00Z")] + [ds] + crs + ds_pods + cd_w.objects(current=4) + w.objects(current=26)
objs += [service(KS, "kube-dns", created="2025-01-10T08:00:00Z", selector={"app.kubernetes.io/name": "coredns"}, ports=[{"name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP"}], cluster_ip="172.20.0.10"),
         service(KS, "kube-dns-upstream", created="2025-02-03T10:00:00Z", selector={"app.kubernetes.io/name": "coredns"}, ports=[{"name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP"}], cluster_ip="172.20.91.204"),
         {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "node-local-dns", "namespace": KS, "uid": uid(), "creationTimestamp": "2025-02-03T10:00:00Z"},
          "data": {"Corefile": "cluster.local:53 {\n    errors\n    cache {\n            success 9984 30\n            denial 9984 5\n    }\n    reload\n    loop\n    bind 169.254.20.10 172.20.0.10\n    forward . __PILLAR__CLUSTER__DNS__ {\n            force_tcp\n    }\n    prometheus :9253\n    health 169.254.20.10:8080\n    }\n.:53 {\n    errors\n    cache 30\n    reload\n    loop\n    bind 169.254.20.10 172.20.0.10\n    forward . __PILLAR__UPSTREAM__SERVERS__\n    prometheus :9253\n    }\n"}},
         service(NS, "itinerary-api", created="2025-04-01T09:00:00Z", selector={"app.kubernetes.io/name": "itinerary-api"}, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.150.61"),
         endpoints(NS, "itinerary-api", created="2025-04-01T09:00:00Z", pods=ip_, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}])]
for k, nd in enumerate(spot):
    objs.append(event(KS, "DaemonSet", "node-local-dns", reason="SuccessfulDelete", message=f"Deleted pod: node-local-dns-{suffix()}", first="2026-12-14T06:30:4%dZ" % (3 + k), component="daemonset-controller", api="apps/v1"))
for k, nd in enumerate(gen):
    objs.append(event(KS, "DaemonSet", "node-local-dns", reason="SuccessfulCreate", message=f"Created pod: {ds_pods[k]['metadata']['name']}", first="2026-12-14T06:3%d:%02dZ" % (1 + k, 10 + k * 11), component="daemonset-controller", api="apps/v1"))
objs.append(event("default", "Node", spot[1]["metadata"]["name"], reason="RegisteredNode", message=f"Node {spot[1]['metadata']['name']} event: Registered Node {spot[1]['metadata']['name']} in Controller", first="2026-12-14T05:52:21Z", component="node-controller"))

logs = []
for i, p in enumerate(ip_):
    pipx = p["status"]["podIP"]
    if p["spec"]["nodeName"] in [s_["metadata"]["name"] for s_ in spot]:
        L = [f'{{"time":"{c.ms(-60 + k * 2)}","level":"INFO","msg":"request","method":"GET","path":"/v2/itineraries/{R.randint(10**6, 10**7)}","status":200,"dur_ms":{R.randint(20, 80)}}}' for k in range(8)]
        for k in range(10):
            host = R.choice(["trips-db.cluster-c8xq2mvn1kle.eu-central-1.rds.amazonaws.com", "api.skylane-partners.com", "pricing.trips.svc.cluster.local"])
            port = 5432 if "rds" in host else (443 if "skylane" in host else 80)
            L.append(f'{{"time":"{c.ms(-46 + k * 4.5)}","level":"ERROR","msg":"request failed","path":"/v2/itineraries/{R.randint(10**6, 10**7)}","status":503,"err":"dial tcp: lookup {host} on 169.254.20.10:53: read udp {pipx}:{R.randint(30000, 60000)}->169.254.20.10:53: i/o timeout"}}')
    else:
        L = [f'{{"time":"{c.ms(-40 + k * 4)}","level":"INFO","msg":"request","method":"GET","path":"/v2/itineraries/{R.randint(10**6, 10**7)}","status":200,"dur_ms":{R.randint(20, 80)}}}' for k in range(10)]
        L.insert(4, f'{{"time":"{c.ms(-24)}","level":"WARN","msg":"db pool: waited 310ms for a connection","pool":"trips-db","in_use":20,"max":20}}')
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "lines": L})
logs.append({"namespace": KS, "pod": cd_p[0]["metadata"]["name"], "lines": [f"[INFO] plugin/reload: Running configuration SHA512 = 3a7c{hx(60)}", "CoreDNS-1.11.3", "linux/amd64, go1.22.7, a64d1b0"]})

metrics = []
n = 121  # 2h at 1m
k_ch = n - 1 - 47
spot_ready = [[None if k < 2 else 1 for k in range(n)] for _ in spot]
metrics.append(series("kube_daemonset_status_desired_number_scheduled", {"namespace": KS, "daemonset": "node-local-dns", "job": "kube-state-metrics"}, "-120m", "1m", [5] * k_ch + [3] * (n - k_ch)))
metrics.append(series("kube_daemonset_status_number_ready", {"namespace": KS, "daemonset": "node-local-dns", "job": "kube-state-metrics"}, "-120m", "1m", [4 if 32 <= k <= 35 else 5 for k in range(k_ch)] + [3] * (n - k_ch)))
for i, p in enumerate(ip_):
    bad = p["spec"]["nodeName"] in [s_["metadata"]["name"] for s_ in spot]
    for code in ("200", "503"):
        r = [(6.0 if code == "200" else 0.01) if (k < k_ch or not bad) else (0.8 if code == "200" else 5.2) for k in range(n)]
        metrics.append(series("http_server_requests_total", {"namespace": NS, "pod": p["metadata"]["name"], "job": "itinerary-api", "code": code}, "-120m", "1m", counter(r, 60, start=1000 if code == "200" else 3)))
for nd in spot + gen:
    nn = nd["metadata"]["name"]
    has = nd in gen
    metrics.append(series("coredns_dns_requests_total", {"job": "node-local-dns", "instance": nd["status"]["addresses"][0]["address"] + ":9253", "node": nn, "server": "dns://169.254.20.10:53", "zone": ".", "proto": "udp", "type": "A"}, "-120m", "1m",
                          counter([40.0] * n, 60, start=5e6) if has else [None] * 35 + counter([40.0] * (k_ch - 34), 60, start=0) + [None] * (n - k_ch - 1)))

rec_ds = copy.deepcopy(ds)
rec_ds["spec"]["template"]["spec"].pop("nodeSelector")
rec_ds["status"].update({"currentNumberScheduled": 5, "desiredNumberScheduled": 5, "numberAvailable": 5, "numberReady": 5, "updatedNumberScheduled": 5, "observedGeneration": 8})
rec_ds["metadata"]["generation"] = 8
rec_pods = []
for nd in spot:
    nn, ip = nref(nd)
    rec_pods.append({**copy.deepcopy(ds_pods[0]), "metadata": {**ds_pods[0]["metadata"], "name": "node-local-dns-" + suffix(), "uid": uid(), "creationTimestamp": c.t(1)}, "spec": {**ds_spec(False), "nodeName": nn},
                     "status": {**ds_pods[0]["status"], "hostIP": ip, "podIP": ip, "startTime": c.t(1)}})
rec_logs = [{"namespace": NS, "pod": ip_[0]["metadata"]["name"], "lines": [f'{{"time":"{c.ms(2, k * 5)}","level":"INFO","msg":"request","method":"GET","path":"/v2/itineraries/{R.randint(10**6, 10**7)}","status":200,"dur_ms":{R.randint(20, 80)}}}' for k in range(4)]}]
DSR = {"kind": "DaemonSet", "namespace": KS, "name": "node-local-dns"}
CHECK = {"any_of": [{**DSR, "path": 'spec.template.spec.nodeSelector["node-pool"]', "exists": False}, {**DSR, "path": 'spec.template.spec.nodeSelector["node-pool"]', "matches": "spot"}]}
doc = {
    "format": 1, "id": "itinerary-lookups-failing-half-the-time-monday-morning",
    "title": "node-local-dns chart 2.0.1 (06:30) added nodeSelector node-pool=general; its pods left the two spot nodes, where every pod's resolver 169.254.20.10 no longer answers",
    "tags": ["dns", "nodelocaldns", "daemonset", "nodeselector", "spot", "red-herring"],
    "now": c.t(),
    "trigger": {"alert": {"status": "firing", "labels": {"alertname": "ItineraryApi5xxRatioHigh", "namespace": NS, "service": "itinerary-api", "severity": "critical"},
                          "annotations": {"summary": "itinerary-api 5xx ratio above 10%", "description": "itinerary-api returns 5xx for 61% of requests (threshold 10% for 10m)."},
                          "startsAt": c.t(-38), "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "d2c7f01a93b8e546"},
                "channel": "#trips-oncall"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [{"when": [CHECK], "apply": {"upsert": [rec_ds] + rec_pods, "logs": rec_logs}}],
    "truth": {
        "category": "dns_failure", "resource": DSR,
        "aliases": [{"kind": "Pod", "namespace": KS, "name_regex": "^node-local-dns-"}, {"kind": "ConfigMap", "namespace": KS, "name_regex": "^node-local-dns$"}],
        "evidence": ["169.254.20.10", "node-local-dns|nodelocaldns|node local dns", "lookup|i/o timeout|resolv", "spot|nodeselector|node-pool"],
        "remediation": {
            "accepted": [{"action": "patch_resource", "target": DSR, "params": {"patch": {"spec": {"template": {"spec": {"nodeSelector": {"node-pool": None}}}}}}}],
            "checks": [CHECK],
            "forbidden": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "itinerary-api"}},
                          {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "itinerary-api"}},
                          {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": KS, "name": "coredns"}},
                          {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": KS, "name": "coredns"}}]
            + [{"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]}} for p in ip_]},
        "notes": (
            "The cluster runs NodeLocal DNSCache: kubelet's clusterDNS is 169.254.20.10, served by the node-local-dns DaemonSet on each node. "
            "At 06:30 Helm upgraded it to chart 2.0.1 (DaemonSet generation 7), which added nodeSelector node-pool=general; the daemonset "
            "controller deleted its pods on the two spot nodes (SuccessfulDelete 06:30:43-44; desired 5 -> 3). Every pod on a spot node "
            "still has nameserver 169.254.20.10 and now times out on every lookup ('lookup ... on 169.254.20.10:53: read udp ... i/o "
            "timeout'); three of four itinerary-api pods run on spot nodes (they prefer them), so ~60% of requests fail with 503. The pod on "
            "a general node is fine. Fix: remove the nodeSelector from the DaemonSet (its tolerations already cover the spot taint) or roll "
            "the chart back. Traps: the spot nodes were replaced at 05:52 after an interruption (pods there ran fine until 06:30); CoreDNS "
            "is healthy (one restart yesterday) and restarting or scaling it cannot help since the node-local cache address is what fails; "
            "the RDS name and partner API in the errors are not down; the db-pool warning on the healthy pod is load from the failover.")}}
dump(doc, "scenarios/itinerary-lookups-failing-half-the-time-monday-morning.yaml")
