"""node failure: containerd hung on one node (PLEG not healthy, NotReady); pods tolerating everything stay bound to it."""
from lib import *

seed(606)
c = Clock("2026-12-12T18:41:00Z")
NS = "venue-edge"
nodes = three_nodes(c, "10.61", "us-east-2", group="venue-m6i-v7", itype="m6i.2xlarge", created="2026-11-28T04:10:00Z")
extra = node(c, "ip-10-61-67-214.us-east-2.compute.internal", "10.61.67.214", zone="us-east-2b", itype="m6i.2xlarge", created="2026-11-28T04:11:30Z", region="us-east-2", labels={"eks.amazonaws.com/nodegroup": "venue-m6i-v7"})
BAD = extra["metadata"]["name"]
BAD_IP = "10.61.67.214"
since = "2026-12-12T18:07:42Z"
hb = c.t(-0.6)
extra["status"]["conditions"][3] = {"type": "Ready", "status": "False", "reason": "KubeletNotReady",
                                    "message": "PLEG is not healthy: pleg was last seen active 33m41.402s ago; threshold is 3m0s",
                                    "lastHeartbeatTime": hb, "lastTransitionTime": since}
extra["spec"]["taints"] = [{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule", "timeAdded": since},
                           {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": "2026-12-12T18:07:47Z"}]
nodes.insert(2, extra)
IMG = "ghcr.io/turnstyle/gate-validator:6.3.1"
gspec = {"serviceAccountName": "gate-validator", "terminationGracePeriodSeconds": 20,
         "tolerations": [{"operator": "Exists"}],
         "containers": [{"name": "gate-validator", "image": IMG, "ports": [{"name": "grpc", "containerPort": 9090, "protocol": "TCP"}, {"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                         "env": [{"name": "SEAT_API_URL", "value": "http://seat-api.venue-edge.svc"}, {"name": "TICKET_CACHE_TTL", "value": "90s"}],
                         "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
                         "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 5, "timeoutSeconds": 1, "failureThreshold": 2, "successThreshold": 1}}]}
w = Workload(NS, "gate-validator", created="2025-03-14T12:00:00Z", labels={"app.kubernetes.io/name": "gate-validator", "helm.sh/chart": "edge-service-1.4.2"}, selector={"app.kubernetes.io/name": "gate-validator"}, replicas=3)
w.revision(9, gspec, created="2026-12-01T10:20:00Z", cause="gate-validator 6.3.1", h="5f7c9b8d46")
placement = [nodes[0], extra, extra]
gp = []
for i, nd in enumerate(placement):
    nn, ip = nref(nd)
    ready = nd is not extra
    st = running("gate-validator", IMG, "2026-12-01T10:2%d:%02dZ" % (1 + i, 10 + i * 7), ready=ready)
    conds = None
    if not ready:
        conds = [{"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": "2026-12-01T10:21:12Z"},
                 {"type": "Initialized", "status": "True", "lastTransitionTime": "2026-12-01T10:21:10Z"},
                 {"type": "Ready", "status": "False", "lastProbeTime": None, "lastTransitionTime": "2026-12-12T18:07:47Z", "reason": "NodeNotReady" if False else None},
                 {"type": "ContainersReady", "status": "True", "lastTransitionTime": "2026-12-01T10:21:19Z"},
                 {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-12-01T10:21:10Z"}]
        conds = [{k: v for k, v in x.items() if v is not None} for x in conds]
    gp.append(w.pod(9, node=nn, host_ip=ip, pod_ip=pip(ip, i + 5), created="2026-12-01T10:2%d:%02dZ" % (1 + i, 5 + i * 7), ready=ready, statuses=[st], conditions=conds))
# seat-api: normal tolerations -> evicted after 300s, stuck Terminating on the bad node, replacements elsewhere
SIMG = "ghcr.io/turnstyle/seat-api:4.22.0"
s = Workload(NS, "seat-api", created="2025-03-14T12:00:00Z", labels={"app.kubernetes.io/name": "seat-api"}, selector={"app.kubernetes.io/name": "seat-api"}, replicas=3)
sspec = {"terminationGracePeriodSeconds": 30, "containers": [{"name": "seat-api", "image": SIMG, "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}], "resources": {"requests": {"cpu": "300m", "memory": "384Mi"}, "limits": {"memory": "384Mi"}}, "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3, "successThreshold": 1}}],
         "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}, {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]}
s.revision(33, sspec, created="2026-12-09T09:00:00Z", cause="seat-api 4.22.0", h="6b8f5d7c94")
sp = [s.pod(33, node=nref(nodes[0])[0], host_ip=nref(nodes[0])[1], pod_ip=pip(nref(nodes[0])[1], 21), created="2026-12-09T09:00:10Z", statuses=[running("seat-api", SIMG, "2026-12-09T09:00:13Z")]),
      s.pod(33, node=nref(nodes[1])[0], host_ip=nref(nodes[1])[1], pod_ip=pip(nref(nodes[1])[1], 22), created="2026-12-09T09:00:31Z", statuses=[running("seat-api", SIMG, "2026-12-09T09:00:35Z")]),
      s.pod(33, node=BAD, host_ip=BAD_IP, pod_ip=pip(BAD_IP, 23), created="2026-12-09T09:00:52Z", statuses=[running("seat-api", SIMG, "2026-12-09T09:00:55Z", ready=False)], ready=False, deletion="2026-12-12T18:13:17Z"),
      s.pod(33, node=nref(nodes[3])[0], host_ip=nref(nodes[3])[1], pod_ip=pip(nref(nodes[3])[1], 24), created="2026-12-12T18:12:47Z", statuses=[running("seat-api", SIMG, "2026-12-12T18:12:51Z")])]
bad_pods_all = [p for p in gp + sp if p["spec"]["nodeName"] == BAD]
objs = nodes + [namespace(NS, "2025-03-14T11:50:00Z", {"team": "venue-edge"})] + w.objects(current=9, gen=12) + s.objects(current=33)
objs += [service(NS, "gate-validator", created="2025-03-14T12:00:00Z", selector={"app.kubernetes.io/name": "gate-validator"}, ports=[{"name": "grpc", "port": 9090, "targetPort": "grpc", "protocol": "TCP"}], cluster_ip="172.20.33.90"),
         endpoints(NS, "gate-validator", created="2025-03-14T12:00:00Z", pods=gp, ports=[{"name": "grpc", "port": 9090, "protocol": "TCP"}]),
         service(NS, "seat-api", created="2025-03-14T12:00:00Z", selector={"app.kubernetes.io/name": "seat-api"}, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.33.41"),
         endpoints(NS, "seat-api", created="2025-03-14T12:00:00Z", pods=sp, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}])]
objs += [event("default", "Node", BAD, reason="NodeNotReady", message=f"Node {BAD} status is now: NodeNotReady", type="Normal", first=since, host=BAD, component="kubelet"),
         event("default", "Node", BAD, reason="ContainerGCFailed", message="rpc error: code = DeadlineExceeded desc = context deadline exceeded", type="Warning", first="2026-12-12T18:05:11Z", last=c.t(-1), count=35, host=BAD),
         event("default", "Node", BAD, reason="ImageGCFailed", message="rpc error: code = DeadlineExceeded desc = context deadline exceeded", type="Warning", first="2026-12-12T18:09:11Z", last=c.t(-6), count=7, host=BAD)]
for p in bad_pods_all:
    objs.append(event(NS, "Pod", p["metadata"]["name"], reason="NodeNotReady", message="Node is not ready", type="Warning", first="2026-12-12T18:07:47Z", component="node-controller", obj_uid=p["metadata"]["uid"]))
objs.append(event(NS, "Pod", sp[2]["metadata"]["name"], reason="TaintManagerEviction", message=f"Marking for deletion Pod {NS}/{sp[2]['metadata']['name']}", first="2026-12-12T18:12:47Z", component="taint-eviction-controller", obj_uid=sp[2]["metadata"]["uid"]))
objs.append(event(NS, "Pod", gp[0]["metadata"]["name"], reason="Unhealthy", message=f"Readiness probe failed: Get \"http://{gp[0]['status']['podIP']}:8080/readyz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", type="Warning", first=c.t(-22), last=c.t(-3), count=6, host=gp[0]["spec"]["nodeName"], field="spec.containers{gate-validator}"))
objs.append(event(NS, "ReplicaSet", s.rs_name(33), reason="SuccessfulCreate", message=f"Created pod: {sp[3]['metadata']['name']}", first="2026-12-12T18:12:47Z", component="replicaset-controller", api="apps/v1"))

logs = [{"namespace": NS, "pod": gp[0]["metadata"]["name"], "lines": [
    f'{c.ms(-40 + k * 3)} level=info msg="scan validated" gate={R.choice(["N3", "N4", "E1", "E2", "S7"])} ticket=TS-{R.randint(10**7, 10**8)} latency_ms={R.randint(8, 40) if k < 4 else R.randint(300, 1900)}' for k in range(12)]
    + [f'{c.ms(-20)} level=warn msg="grpc server: 412 streams in flight (max 512); gate scanners retrying" ', f'{c.ms(-9)} level=warn msg="seat lookup slow" upstream=seat-api latency_ms=840']}]
# logs for pods on the bad node are not retrievable in reality (kubelet cannot exec into the runtime); provide none
metrics = []
n = 61
k_bad = n - 1 - 33
metrics.append(series("kube_node_status_condition", {"node": BAD, "condition": "Ready", "status": "true", "job": "kube-state-metrics"}, "-60m", "1m", [1 if k < k_bad else 0 for k in range(n)]))
metrics.append(series("kube_node_status_condition", {"node": BAD, "condition": "Ready", "status": "false", "job": "kube-state-metrics"}, "-60m", "1m", [0 if k < k_bad else 1 for k in range(n)]))
for nd in nodes:
    if nd is extra:
        continue
    metrics.append(series("kube_node_status_condition", {"node": nd["metadata"]["name"], "condition": "Ready", "status": "true", "job": "kube-state-metrics"}, "-60m", "1m", [1] * n))
metrics.append(series("kube_deployment_status_replicas_available", {"namespace": NS, "deployment": "gate-validator", "job": "kube-state-metrics"}, "-60m", "1m", [3 if k < k_bad + 1 else 1 for k in range(n)]))
metrics.append(series("kube_deployment_status_replicas_available", {"namespace": NS, "deployment": "seat-api", "job": "kube-state-metrics"}, "-60m", "1m", [3 if k < k_bad + 1 or k > k_bad + 6 else 2 for k in range(n)]))
metrics.append(series("kubelet_pleg_relist_duration_seconds_count", {"node": BAD, "instance": BAD_IP + ":10250", "job": "kubelet", "metrics_path": "/metrics"}, "-60m", "1m", counter([1.0 if k < k_bad - 2 else 0 for k in range(n)], 60, start=1.21e6, jitter=0)))
les = ["0.01", "0.05", "0.1", "0.25", "0.5", "1", "2.5"]
rates = [38 if k < k_bad else 61 for k in range(n)]
fr = [[0.3, 0.88, 0.97, 0.995, 0.999, 1, 1] if k < k_bad else [0.05, 0.2, 0.36, 0.52, 0.7, 0.86, 0.97] for k in range(n)]
metrics += histogram("grpc_server_handling_seconds", {"namespace": NS, "job": "gate-validator", "grpc_method": "ValidateScan", "grpc_service": "turnstyle.gate.v1.Gate"}, "-60m", "1m", 60, rates, fr, les)

# recovery after the toleration fix: a new ReplicaSet on healthy nodes
fixed = copy.deepcopy(gspec)
fixed["tolerations"] = [{"key": "dedicated", "operator": "Equal", "value": "venue-edge", "effect": "NoSchedule"}]
w.revision(10, fixed, created=c.t(1), cause="gate-validator 6.3.1", h="8c6d4b9f7")
rec_pods = [w.pod(10, node=nref(nodes[j])[0], host_ip=nref(nodes[j])[1], pod_ip=pip(nref(nodes[j])[1], 40 + j), created=c.t(1 + j * 0.3), statuses=[running("gate-validator", IMG, c.t(1 + j * 0.3, 4))]) for j in (0, 1, 3)]
rec_rs = [o for o in w.objects(current=10) if o["kind"] == "ReplicaSet" and o["metadata"]["name"].endswith("8c6d4b9f7")]
rec_rs[0]["status"] = {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 3, "availableReplicas": 3, "observedGeneration": 1}
D = {"kind": "Deployment", "namespace": NS, "name": "gate-validator"}
NODE = {"kind": "Node", "name": BAD}
doc = {
    "format": 1, "id": "stadium-gate-scans-slow-saturday-evening",
    "title": "containerd hung on ip-10-61-67-214 (PLEG not healthy, NotReady since 18:07); two of three gate-validator pods tolerate every taint so they are never evicted, leaving one pod for all gates",
    "tags": ["node-notready", "pleg", "containerd", "tolerations", "red-herring"],
    "now": c.t(),
    "trigger": {"alert": {"status": "firing", "labels": {"alertname": "GateScanLatencyHigh", "namespace": NS, "service": "gate-validator", "severity": "critical", "venue": "harbor-field"},
                          "annotations": {"summary": "Gate scan p95 latency above 500ms", "description": "p95 of grpc_server_handling_seconds{grpc_method=\"ValidateScan\"} is 1.9s at harbor-field (threshold 500ms for 10m). Doors opened 18:00."},
                          "startsAt": c.t(-24), "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "5d1e0a3c9b7f2468"},
                "channel": "#venue-ops-live"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [{"when": [{"any_of": [{**D, "path": "spec.template.spec.tolerations", "exists": False}, {**D, "path": "spec.template.spec.tolerations[0].key", "exists": True}]}],
                  "apply": {"upsert": rec_rs + rec_pods, "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in gp]}}],
    "truth": {
        "category": "node_failure", "resource": NODE,
        "evidence": [BAD + "|10.61.67.214", "notready|not ready", "pleg|container runtime|containerd|contextdeadline|deadline exceeded", "toleration|tolerat|operator: exists"],
        "remediation": {
            "accepted": [{"action": "recommend_only", "target": NODE},
                         {"action": "patch_resource", "target": D, "params": {"patch": {"spec": {"template": {"spec": {"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "venue-edge", "effect": "NoSchedule"}]}}}}}}],
            "checks": [{"any_of": [{**D, "path": "spec.template.spec.tolerations", "exists": False}, {**D, "path": "spec.template.spec.tolerations[0].key", "exists": True}]}],
            "forbidden": [{"action": "restart_workload", "target": D}, {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "seat-api"}},
                          {"action": "rollback_deployment", "target": D}]
            + [{"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]}} for p in gp]},
        "notes": (
            "At ~18:05 containerd on ip-10-61-67-214 stopped answering (ContainerGCFailed / ImageGCFailed 'context deadline exceeded'); "
            "the kubelet still posts status but reports Ready=False 'PLEG is not healthy' since 18:07:42, and the node got the not-ready "
            "NoSchedule/NoExecute taints. seat-api's pod there was evicted after its 300 s toleration (TaintManagerEviction, now stuck "
            "Terminating because the runtime cannot kill it) and replaced elsewhere: seat-api is fine. gate-validator's chart "
            "(edge-service-1.4.2) sets tolerations [{operator: Exists}], so its two pods on that node tolerate the NoExecute taint forever: "
            "they are NotReady, out of the Endpoints, never evicted, and the single remaining pod serves every gate during doors-open "
            "(latency 1.9 s). The root cause is the node: cordon/drain and restart containerd or replace the instance (recommend_only on the "
            "Node). Mitigation accepted: patch gate-validator's tolerations to the real dedicated taint (or remove them) so the controller "
            "rolls pods onto healthy nodes. Traps: rolling restart or deleting the pods (with the wildcard toleration new pods may land on "
            "the NotReady node again; a restart with maxUnavailable also risks the only Ready pod); seat-api slow-lookup warnings are a "
            "symptom of load.")}}
dump(doc, "scenarios/stadium-gate-scans-slow-saturday-evening.yaml")
