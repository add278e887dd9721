"""probe_failure: quiz-engine's liveness probe (20s delay, 3x10s) kills pods whose cache warm-up now takes ~95s."""
import copy
from lib import Scn, container, http_probe, template, dep_status, simple_workload

SID = "quiz-engine-down-after-node-upgrade"
S = Scn(SID, "2026-11-18T06:48:00Z", 505)
NS = "learning"
REG = "europe-docker.pkg.dev/brightpath-prod/apps"
IMG = f"{REG}/quiz-engine:7.4.1"
old_nodes = ["gke-bp-prod-default-pool-9d1e2a0c-4xkp", "gke-bp-prod-default-pool-9d1e2a0c-h7vq", "gke-bp-prod-default-pool-9d1e2a0c-zz2m"]
nodes = [S.node(f"gke-bp-prod-default-pool-c41f7b3e-{s}", zone=z, ip=ip, itype="n2-standard-8", kubelet="v1.31.5-gke.1169000", created=c,
                conds={"Ready": ("True", "KubeletReady", "kubelet is posting ready status", c2)})
         for s, z, ip, c, c2 in [("8mwd", "europe-west4-a", "10.164.0.71", "-73m", "-72m"), ("kq3t", "europe-west4-b", "10.164.0.72", "-61m", "-60m"),
                                 ("s9xb", "europe-west4-c", "10.164.0.73", "-49m", "-48m")]]
for n in nodes:
    n["spec"]["providerID"] = f"gce://brightpath-prod/{n['metadata']['labels']['topology.kubernetes.io/zone']}/{n['metadata']['name']}"
    n["status"]["nodeInfo"]["osImage"] = "Container-Optimized OS from Google"
    n["status"]["nodeInfo"]["kernelVersion"] = "6.1.112+"
    n["metadata"]["labels"]["cloud.google.com/gke-nodepool"] = "default-pool"
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
S.pod_net = lambda i, h: f"10.20.{i + 4}.{S.rng.randint(10, 250)}"
LBL = {"app": "quiz-engine", "team": "assessments"}


def tpl(image: str) -> dict:
    return template(dict(LBL), [container("quiz-engine", image, env=[
        {"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75 -XX:+UseG1GC"},
        {"name": "SPRING_PROFILES_ACTIVE", "value": "prod"},
        {"name": "QUESTION_BANK_PRELOAD", "value": "true"},
        {"name": "REDIS_HOST", "value": "quiz-cache.learning.svc"}],
        req={"cpu": "1", "memory": "2Gi"}, lim={"memory": "2Gi"},
        readiness=http_probe("/actuator/health/readiness", period=10, timeout=2),
        liveness=http_probe("/actuator/health/liveness", delay=20, period=10, timeout=2, failures=3))],
        serviceAccountName="quiz-engine", terminationGracePeriodSeconds=30)


t12, t11 = tpl(IMG), tpl(f"{REG}/quiz-engine:7.4.0")
C12 = "argocd: quiz-engine 7.4.1 (sync 2026-10-25)"
dep = S.deployment(NS, "quiz-engine", labels=dict(LBL), template=t12, revision=12, replicas=3, created="-700d", generation=23, change_cause=C12,
                   status=dep_status(S, replicas=3, ready=0, updated=3, unavailable=3, rs="quiz-engine-6b9d8c7f45", since="-24d", created="-700d", available_since="-52m"))
rs = S.replicaset(dep, phash="6b9d8c7f45", revision=12, template=t12, replicas=3, created="-24d", change_cause=C12, ready=0)
S.replicaset(dep, phash="58c7fd9b6", revision=11, template=t11, replicas=0, created="-38d", change_cause="argocd: quiz-engine 7.4.0 (sync 2026-10-11)")
pods = []
for i, (suf, created, restarts, fin) in enumerate([("jc4mz", "-70m", 13, "-70s"), ("p8tnv", "-58m", 11, "-4m"), ("x2hqd", "-46m", 9, "-2m")]):
    st = S._plus(S.t(fin), -52)
    running = i == 0
    state = ({"running": {"startedAt": S._plus(S.t(fin), 1)}} if running else
             {"waiting": {"reason": "CrashLoopBackOff", "message": f"back-off 5m0s restarting failed container=quiz-engine pod=quiz-engine-6b9d8c7f45-{suf}_{NS}(UID)"}})
    p = S.pod(rs, suffix=suf, node=N[i][0], host_ip=N[i][1], ip=f"10.20.{i + 4}.{S.rng.randint(10, 250)}", created=created, ready=False,
              statuses=[S.cstatus("quiz-engine", IMG, digest="bc77" * 16, ready=False, restarts=restarts, state=state,
                                  last={"terminated": {"exitCode": 143, "reason": "Error", "startedAt": st, "finishedAt": S.t(fin), "containerID": "containerd://" + S.hexid(64)}})])
    w = p["status"]["containerStatuses"][0]["state"].get("waiting")
    if w:
        w["message"] = w["message"].replace("UID", p["metadata"]["uid"])
    pods.append(p)
S.service(NS, "quiz-engine", selector=dict(LBL), ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="10.24.9.118", labels=dict(LBL))
S.endpoints(NS, "quiz-engine", ready=[], not_ready=pods, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}], labels=dict(LBL))
# neighbours
CL = {"app": "quiz-cache"}
ctpl = template(dict(CL), [container("redis", "docker.io/library/redis:7.2.6", port=6379, req={"cpu": "200m", "memory": "1Gi"}, lim={"memory": "1Gi"})])
csts = S.add({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "quiz-cache", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-700d"), "labels": dict(CL), "generation": 3},
              "spec": {"replicas": 1, "serviceName": "quiz-cache", "selector": {"matchLabels": dict(CL)}, "template": ctpl},
              "status": {"replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "observedGeneration": 3,
                         "currentRevision": "quiz-cache-5d7f9c8b6", "updateRevision": "quiz-cache-5d7f9c8b6"}})
cpod = S.pod(csts, name="quiz-cache-0", node=N[2][0], host_ip=N[2][1], ip="10.20.6.14", created="-47m",
             statuses=[S.cstatus("redis", "docker.io/library/redis:7.2.6", digest="ad3c" * 16, state={"running": {"startedAt": S.t("-46m")}})])
S.service(NS, "quiz-cache", selector=dict(CL), ports=[{"name": "redis", "port": 6379, "targetPort": 6379, "protocol": "TCP"}], cluster_ip="10.24.9.201", labels=dict(CL))
S.endpoints(NS, "quiz-cache", ready=[cpod], ports=[{"name": "redis", "port": 6379, "protocol": "TCP"}], labels=dict(CL))
lw, _, lwp = simple_workload(S, NS, "lesson-web", image=f"{REG}/lesson-web:3.31.0", nodes=N, replicas=2, revision=140, age="-60m", svc_ip="10.24.9.30", probe="/")
gr, _, grp = simple_workload(S, NS, "gradebook-api", image=f"{REG}/gradebook-api:2.2.9", nodes=N, replicas=2, revision=33, age="-55m", svc_ip="10.24.9.77")

# node upgrade events (red herring: the maintenance itself completed fine)
for i, o in enumerate(old_nodes):
    fake = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": o, "uid": S.uid()}}
    S.event(fake, reason="NodeNotSchedulable", message=f"Node {o} status is now: NodeNotSchedulable", first=f"-{78 - i * 12}m", component="kubelet", host=o)
    S.event(fake, reason="Drain", message=f"Draining node {o} for upgrade to 1.31.5-gke.1169000", first=f"-{77 - i * 12}m", component="gke-upgrade", host=o)
    S.event(fake, reason="RemovingNode", message=f"Node {o} event: Removing Node {o} from Controller", first=f"-{71 - i * 12}m", component="node-controller")
for i, n in enumerate(nodes):
    S.event(n, reason="RegisteredNode", message=f"Node {n['metadata']['name']} event: Registered Node {n['metadata']['name']} in Controller", first=f"-{73 - i * 12}m", component="node-controller")
    S.event(n, reason="NodeReady", message=f"Node {n['metadata']['name']} status is now: NodeReady", first=f"-{72 - i * 12}m", component="kubelet", host=n["metadata"]["name"])
for p, (suf, created, restarts, fin) in zip(pods, [("jc4mz", "-70m", 13, "-70s"), ("p8tnv", "-58m", 11, "-4m"), ("x2hqd", "-46m", 9, "-2m")]):
    node, ip, fp = p["spec"]["nodeName"], p["status"]["podIP"], "spec.containers{quiz-engine}"
    S.event(p, reason="Scheduled", message=f"Successfully assigned {NS}/{p['metadata']['name']} to {node}", first=created, component="default-scheduler")
    S.event(p, reason="Pulling", message=f'Pulling image "{IMG}"', first=created, host=node, field_path=fp)
    S.event(p, reason="Pulled", message=f'Successfully pulled image "{IMG}" in 6.204s (6.204s including waiting). Image size: 312876544 bytes.', first=created, host=node, field_path=fp)
    S.event(p, reason="Created", message="Created container quiz-engine", first=created, last=fin, count=restarts + 1, host=node, field_path=fp)
    S.event(p, reason="Started", message="Started container quiz-engine", first=created, last=fin, count=restarts + 1, host=node, field_path=fp)
    S.event(p, reason="Unhealthy", message=f'Readiness probe failed: HTTP probe failed with statuscode: 503', first=created, last="-40s", count=restarts * 4 + 2, etype="Warning", host=node, field_path=fp)
    S.event(p, reason="Unhealthy", message=f'Liveness probe failed: Get "http://{ip}:8080/actuator/health/liveness": dial tcp {ip}:8080: connect: connection refused',
            first=created, last=S._plus(S.t(fin), -2), count=restarts * 3, etype="Warning", host=node, field_path=fp)
    S.event(p, reason="Killing", message="Container quiz-engine failed liveness probe, will be restarted", first=created, last=fin, count=restarts, host=node, field_path=fp)
    S.event(p, reason="BackOff", message=f"Back-off restarting failed container quiz-engine in pod {p['metadata']['name']}_{NS}({p['metadata']['uid']})",
            first=S._plus(S.t(created), 300), last="-30s", count=restarts * 3, etype="Warning", host=node, field_path=fp)


def boot(t0: str, items_done: int, sig: bool = True) -> list:
    L = [f"{t0} INFO  [main] o.s.b.StartupInfoLogger : Starting QuizEngineApplication v7.4.1 using Java 21.0.5 with PID 1",
         f"{S._plus(t0, 1)} INFO  [main] o.s.b.SpringApplication : The following 1 profile is active: \"prod\"",
         f"{S._plus(t0, 6)} INFO  [main] c.b.q.bank.QuestionBankPreloader : preloading question bank from postgres (1,942,318 items, last boot took 34s with 702,115 items)"]
    for k, pct in enumerate([12, 23, 35, 46]):
        if pct * 19423 > items_done:
            break
        L.append(f"{S._plus(t0, 12 + k * 10)} INFO  [preload-1] c.b.q.bank.QuestionBankPreloader : warmed {pct * 19423:,} / 1,942,318 items ({pct}%)")
    if sig:
        L += [f"{S._plus(t0, 51)} INFO  [SpringApplicationShutdownHook] o.s.b.w.e.tomcat.GracefulShutdown : Commencing graceful shutdown. Waiting for active requests to complete",
              f"{S._plus(t0, 51)} WARN  [SpringApplicationShutdownHook] c.b.q.bank.QuestionBankPreloader : preload interrupted at 47% (SIGTERM)",
              f"{S._plus(t0, 52)} INFO  [SpringApplicationShutdownHook] o.s.b.w.e.tomcat.GracefulShutdown : Graceful shutdown complete"]
    return L
for p in pods:
    last = p["status"]["containerStatuses"][0]["lastState"]["terminated"]
    S.log(NS, p, boot(last["startedAt"], 10 ** 7), previous=True)
S.log(NS, pods[0], boot(S._plus(S.t("-70s"), 1), 700000, sig=False))
S.log(NS, cpod, [f"1:M {S.t('-46m')[8:10]} Nov 2026 {S.t('-46m')[11:19]}.114 * Ready to accept connections tcp",
                 *[f"1:M 18 Nov 2026 {S.t(f'-{40 - 5 * k}m')[11:19]}.{S.rng.randint(100, 999)} * 100 changes in 300 seconds. Saving..." for k in range(8)]])
for i, p in enumerate(grp):
    S.log(NS, p, [f"{S._plus(S.t('-9m'), k * 35 + i)} WARN  c.b.g.client.QuizClient : quiz-engine unavailable (503 from upstream), serving cached grades for course={S.rng.randint(1000, 9999)}" for k in range(15)])

n = 121
tod = 70
for j, p in enumerate(pods):
    born = 120 - [70, 58, 46][j]
    rest = [None] * born + [min([13, 11, 9][j], (k - born) // 5) for k in range(born, n)]
    S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "quiz-engine", "job": "kube-state-metrics"}, rest)
    S.metric({"__name__": "container_memory_working_set_bytes", "namespace": NS, "pod": p["metadata"]["name"], "container": "quiz-engine", "node": p["spec"]["nodeName"]},
             [None] * born + [int(3.0e8 + ((k - born) % 5) * 1.9e8 + S.rng.uniform(-1e7, 1e7)) for k in range(born, n)])
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "quiz-engine", "job": "kube-state-metrics"},
         [3] * 42 + [2] * 12 + [1] * 12 + [0] * (n - 66))
S.metric({"__name__": "http_server_requests_seconds_count", "namespace": NS, "service": "gradebook-api", "status": "200", "uri": "/api/grades"}, S.counter([14.0] * n, start=9023411))
S.metric({"__name__": "nginx_ingress_controller_requests", "namespace": "ingress-nginx", "exported_namespace": NS, "exported_service": "quiz-engine", "ingress": "learning-web", "status": "503"},
         S.counter([0.0] * 55 + [0.5 + 7 * min(1, (k - 55) / 40) for k in range(55, n)], start=311))

CHECK = {"any_of": [
    {"kind": "Deployment", "namespace": NS, "name": "quiz-engine", "path": "spec.template.spec.containers[0].startupProbe", "exists": True},
    {"kind": "Deployment", "namespace": NS, "name": "quiz-engine", "path": "spec.template.spec.containers[0].livenessProbe.initialDelaySeconds", "at_least": 100},
    {"kind": "Deployment", "namespace": NS, "name": "quiz-engine", "path": "spec.template.spec.containers[0].livenessProbe.failureThreshold", "at_least": 10}]}
t13 = copy.deepcopy(t12)
t13["spec"]["containers"][0]["startupProbe"] = http_probe("/actuator/health/liveness", period=10, timeout=2, failures=30)
rs13 = S.replicaset(dep, phash="7f4b5d9c68", revision=13, template=t13, replicas=3, created="-3m", change_cause=C12, add=False)
rs12_old = copy.deepcopy(rs)
rs12_old["spec"]["replicas"] = 0
rs12_old["status"] = {"replicas": 0, "observedGeneration": 3}
fresh = S.fresh_pods(rs13, pods, container="quiz-engine", image=IMG, started="-150s")
ep = copy.deepcopy([o for o in S.objects if o["kind"] == "Endpoints" and o["metadata"]["name"] == "quiz-engine"][0])
ep["subsets"][0].pop("notReadyAddresses")
ep["subsets"][0]["addresses"] = [{"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"], "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": NS, "uid": p["metadata"]["uid"]}} for p in fresh]
boot_ok = boot(S.t("-147s"), 10 ** 7, sig=False) + [f"{S.t('-52s')} INFO  [preload-1] c.b.q.bank.QuestionBankPreloader : question bank ready: 1,942,318 items in 94.7s",
                                                   f"{S.t('-51s')} INFO  [main] o.s.b.StartupInfoLogger : Started QuizEngineApplication in 96.102 seconds (process running for 96.9)"]
S.dump(f"scenarios/{SID}.yaml",
       title="quiz-engine's liveness probe (20 s delay, 3 x 10 s) kills every pod before its question-bank warm-up (~95 s, up from 34 s) finishes; all replicas were recreated by the node upgrade and none comes back",
       tags=["probe", "liveness", "crashloopbackoff", "red-herring", "node-upgrade"],
       trigger={"alert": {"status": "firing",
                          "labels": {"alertname": "KubeDeploymentReplicasMismatch", "namespace": NS, "deployment": "quiz-engine", "severity": "warning", "job": "kube-state-metrics",
                                     "prometheus": "monitoring/prometheus"},
                          "annotations": {"summary": "Deployment has not matched the expected number of replicas.",
                                          "description": f"Deployment {NS}/quiz-engine has not matched the expected number of replicas for longer than 15 minutes.",
                                          "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentreplicasmismatch"},
                          "startsAt": S.t("-37m"), "endsAt": "0001-01-01T00:00:00Z",
                          "generatorURL": "http://prometheus.monitoring:9090/graph?g0.expr=kube_deployment_spec_replicas+%3E+kube_deployment_status_replicas_available",
                          "fingerprint": "2b9e07c41d5af836"},
                "channel": "#learning-oncall"},
       recovery=[{"when": [CHECK], "apply": {"upsert": [rs13, rs12_old] + fresh + [ep],
                                              "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in pods],
                                              "logs": [{"namespace": NS, "pod": p["metadata"]["name"], "lines": boot_ok} for p in fresh],
                                              "metrics": [{"labels": {"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "quiz-engine", "job": "kube-state-metrics"},
                                                           "start": "-120m", "step": "1m", "values": [3] * 42 + [2] * 12 + [1] * 12 + [0] * (n - 67) + [3]}]}}],
       truth={"category": "probe_failure",
              "resource": {"kind": "Deployment", "namespace": NS, "name": "quiz-engine"},
              "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^quiz-engine-6b9d8c7f45$"},
                          {"kind": "Pod", "namespace": NS, "name_regex": "^quiz-engine-6b9d8c7f45-"}],
              "evidence": ["liveness", "connection refused|failed liveness probe", "initialdelayseconds|startupprobe|startup probe|warm|preload", "143|sigterm"],
              "remediation": {"accepted": [{"action": "patch_resource", "target": {"kind": "Deployment", "namespace": NS, "name": "quiz-engine"},
                                            "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "quiz-engine", "startupProbe": {
                                                "httpGet": {"path": "/actuator/health/liveness", "port": "http"}, "periodSeconds": 10, "failureThreshold": 30}}]}}}}}}],
                              "checks": [CHECK],
                              "forbidden": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "quiz-engine"}},
                                            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "quiz-engine"}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "quiz-engine"}},
                                            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": NS, "name": "quiz-engine"}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": pods[0]["metadata"]["name"]}},
                                            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": NS, "name": "quiz-cache"}}]},
              "notes": ("The liveness probe (initialDelaySeconds 20, periodSeconds 10, failureThreshold 3) has not changed in months; the pods last started 24 days "
                        "ago when preloading 702k questions took 34 s. The 05:35-06:00 node-pool upgrade recreated all three pods, and preloading 1.94M items now "
                        "takes ~95 s, so the kubelet kills each container at ~50 s (SIGTERM, exit 143, 'failed liveness probe, will be restarted') - CrashLoopBackOff "
                        "with 9-13 restarts, no Ready replica, 503s at the ingress. Fix: add a startupProbe (or raise the liveness delay/threshold past ~100 s). "
                        "Red herrings: the node upgrade itself finished cleanly (nodes Ready, other workloads fine); memory is far below the 2Gi limit; "
                        "a rollback to 7.4.0 has the same probe and would not help.")})
