"""oom_killed: audio-transcoder's 512Mi limit is too small for the weekly 3-hour live-show episodes."""
import copy
from lib import Scn, container, http_probe, template, dep_status, simple_workload

SID = "podcast-transcodes-stalling-saturday-evening"
S = Scn(SID, "2026-11-21T20:14:00Z", 303)
NS = "podcasts"
REG = "ghcr.io/wavelength-audio"
IMG = f"{REG}/audio-transcoder:1.22.5"
nodes = [S.node(f"aks-workers-31207459-vmss00000{c}", zone=f"westeurope-{z}", ip=f"10.224.0.{ip}", cpu="16", mem_ki=65842160,
                itype="Standard_D16s_v5", kubelet="v1.30.9") for c, z, ip in [("a", 1, 4), ("b", 2, 5), ("c", 3, 6)]]
for n in nodes:
    n["spec"]["providerID"] = n["spec"]["providerID"].replace("aws:///", "azure:///subscriptions/7c1d/resourceGroups/mc_wl/providers/Microsoft.Compute/virtualMachineScaleSets/")
    n["status"]["nodeInfo"]["osImage"] = "Ubuntu 22.04.5 LTS"
    n["status"]["nodeInfo"]["kernelVersion"] = "5.15.0-1079-azure"
    n["metadata"]["labels"]["topology.kubernetes.io/region"] = "westeurope"
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
S.pod_net = lambda i, h: f"10.244.{i}.{S.rng.randint(20, 240)}"
LBL = {"app.kubernetes.io/name": "audio-transcoder", "app.kubernetes.io/component": "worker"}
ENV = [{"name": "AMQP_URL", "valueFrom": {"secretKeyRef": {"name": "transcoder-amqp", "key": "url"}}},
       {"name": "QUEUE", "value": "transcode.requests"},
       {"name": "OUTPUT_PROFILES", "value": "mp3-128,aac-64,opus-48"},
       {"name": "LOUDNESS_TARGET_LUFS", "value": "-16"},
       {"name": "PREFETCH", "value": "1"}]


def tpl(image: str) -> dict:
    return template(dict(LBL), [container("audio-transcoder", image, port=9100, env=ENV, req={"cpu": "1", "memory": "512Mi"},
                                          lim={"cpu": "2", "memory": "512Mi"}, liveness=http_probe("/healthz", delay=10, period=30, timeout=3))],
                    serviceAccountName="audio-transcoder", terminationGracePeriodSeconds=120)


t14, t13 = tpl(IMG), tpl(f"{REG}/audio-transcoder:1.22.4")
CAUSE = "flux: podcasts/audio-transcoder image 1.22.5"
dep = S.deployment(NS, "audio-transcoder", labels=dict(LBL), template=t14, revision=14, replicas=3, created="-380d", generation=19, change_cause=CAUSE,
                   status=dep_status(S, replicas=3, ready=1, updated=3, unavailable=2, rs="audio-transcoder-5b8d7f6c94", since="-12d", created="-380d", available_since="-31m"))
dep["status"]["conditions"][0].update({"status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability."})
rs = S.replicaset(dep, phash="5b8d7f6c94", revision=14, template=t14, replicas=3, created="-12d", change_cause=CAUSE, ready=1)
S.replicaset(dep, phash="69fc4d8b57", revision=13, template=t13, replicas=0, created="-33d", change_cause="flux: podcasts/audio-transcoder image 1.22.4")
pods = []
spec = [("q7kzd", 0, 7, "-3m", "-4m", "waiting"), ("v2mxh", 1, 6, "-1m", "-9m", "running"), ("f9tlw", 2, 8, "-6m", "-7m", "waiting")]
for suf, ni, restarts, fin, st, mode in spec:
    last = {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": S.t(st), "finishedAt": S.t(fin), "containerID": "containerd://" + S.hexid(64)}}
    if mode == "running":
        state = {"running": {"startedAt": S._plus(S.t(fin), 1)}}
        ready = True
    else:
        state = {"waiting": {"reason": "CrashLoopBackOff", "message": f"back-off 2m40s restarting failed container=audio-transcoder pod=audio-transcoder-5b8d7f6c94-{suf}_{NS}(UID)"}}
        ready = False
    p = S.pod(rs, suffix=suf, node=N[ni][0], host_ip=N[ni][1], ip=f"10.244.{ni}.{S.rng.randint(20, 200)}", created="-12d", ready=ready,
              statuses=[S.cstatus("audio-transcoder", IMG, digest="5e0c" * 16, state=state, ready=ready, restarts=restarts, last=last)])
    w = p["status"]["containerStatuses"][0]["state"].get("waiting")
    if w:
        w["message"] = w["message"].replace("UID", p["metadata"]["uid"])
    pods.append(p)

# neighbours: rabbitmq (StatefulSet), feed-builder (healthy), episode-api
RL = {"app.kubernetes.io/name": "rabbitmq"}
rtpl = template(dict(RL), [container("rabbitmq", "docker.io/library/rabbitmq:3.13.7-management", port=5672, req={"cpu": "500m", "memory": "1Gi"}, lim={"memory": "2Gi"},
                                     extra_ports=[{"name": "management", "containerPort": 15672, "protocol": "TCP"}, {"name": "prometheus", "containerPort": 15692, "protocol": "TCP"}])])
sts = S.add({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "rabbitmq", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-380d"), "labels": dict(RL), "generation": 4},
             "spec": {"replicas": 1, "serviceName": "rabbitmq-headless", "selector": {"matchLabels": dict(RL)}, "template": rtpl, "podManagementPolicy": "OrderedReady",
                      "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}},
             "status": {"replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "observedGeneration": 4,
                        "currentRevision": "rabbitmq-7c9f5d6b8d", "updateRevision": "rabbitmq-7c9f5d6b8d", "collisionCount": 0}})
rmq = S.pod(sts, name="rabbitmq-0", node=N[2][0], host_ip=N[2][1], ip="10.244.2.17", created="-41d",
            statuses=[S.cstatus("rabbitmq", "docker.io/library/rabbitmq:3.13.7-management", digest="9a1b" * 16, state={"running": {"startedAt": S.t("-41d")}})])
rmq["metadata"]["labels"] = {**RL, "controller-revision-hash": "rabbitmq-7c9f5d6b8d", "statefulset.kubernetes.io/pod-name": "rabbitmq-0"}
S.service(NS, "rabbitmq", selector=dict(RL), ports=[{"name": "amqp", "port": 5672, "targetPort": 5672, "protocol": "TCP"}, {"name": "prometheus", "port": 15692, "targetPort": 15692, "protocol": "TCP"}], cluster_ip="10.0.118.40", labels=dict(RL))
S.endpoints(NS, "rabbitmq", ready=[rmq], ports=[{"name": "amqp", "port": 5672, "protocol": "TCP"}, {"name": "prometheus", "port": 15692, "protocol": "TCP"}], labels=dict(RL))
fb, _, fbp = simple_workload(S, NS, "feed-builder", image=f"{REG}/feed-builder:4.3.0", nodes=N, replicas=2, revision=31, age="-5d", svc_ip="10.0.77.12",
                             req={"cpu": "200m", "memory": "256Mi"}, lim={"memory": "512Mi"})
ea, _, eap = simple_workload(S, NS, "episode-api", image=f"{REG}/episode-api:2.9.12", nodes=N, replicas=3, revision=57, age="-2d", svc_ip="10.0.77.40",
                             req={"cpu": "250m", "memory": "384Mi"}, lim={"memory": "768Mi"})
S.add({"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "transcoder-amqp", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-380d")},
       "data": {"url": "YW1xcDovL3RyYW5zY29kZXI6OFZ4ck1xMnBMdzdaQHJhYmJpdG1xLnBvZGNhc3RzLnN2Yzo1NjcyLyUyRg=="}})

# events
for p, (suf, ni, restarts, fin, st, mode) in zip(pods, spec):
    node = p["spec"]["nodeName"]
    fp = "spec.containers{audio-transcoder}"
    S.event(p, reason="Pulled", message=f'Container image "{IMG}" already present on machine', first="-104m", last=fin, count=restarts, host=node, field_path=fp)
    S.event(p, reason="Created", message="Created container audio-transcoder", first="-104m", last=fin, count=restarts, host=node, field_path=fp)
    S.event(p, reason="Started", message="Started container audio-transcoder", first="-104m", last=fin, count=restarts, host=node, field_path=fp)
    S.event(p, reason="BackOff", message=f"Back-off restarting failed container audio-transcoder in pod {p['metadata']['name']}_{NS}({p['metadata']['uid']})",
            first="-98m", last="-30s" if mode == "waiting" else "-2m", count=restarts * 4 + 3, etype="Warning", host=node, field_path=fp)
    S.event(p, reason="Unhealthy", message=f'Liveness probe failed: Get "http://{p["status"]["podIP"]}:9100/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
            first="-101m", last="-12m", count=3, etype="Warning", host=node, field_path=fp)
    S.event({"apiVersion": "v1", "kind": "Node", "metadata": {"name": node, "uid": nodes[ni]["metadata"]["uid"]}}, reason="OOMKilling",
            message="Memory cgroup out of memory: Killed process %d (ffmpeg) total-vm:1873400kB, anon-rss:519812kB, file-rss:10240kB, shmem-rss:0kB, UID:1000 pgtables:1312kB oom_score_adj:969" % S.rng.randint(20000, 90000),
            first="-103m", last=fin, count=restarts, etype="Warning", component="kernel-monitor", host=node)
# the stale events of other things
S.event(fbp[0], reason="Unhealthy", message=f'Readiness probe failed: Get "http://{fbp[0]["status"]["podIP"]}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        first="-47m", count=1, etype="Warning", host=fbp[0]["spec"]["nodeName"], field_path="spec.containers{feed-builder}")

# logs
def run_log(t0: str, episode: int, hours: int, mins: int) -> list:
    secs = hours * 3600 + mins * 60
    buf = round(secs * (16000 + 8000 + 6000) / 1048576)
    return [f"{t0} INFO  worker 1.22.5 ready queue=transcode.requests prefetch=1 profiles=mp3-128,aac-64,opus-48",
            f"{S._plus(t0, 1)} INFO  job {episode} received show=the-late-shift-live source=s3://wl-raw/ep_{episode}.wav duration={hours}h{mins:02d}m",
            f"{S._plus(t0, 2)} INFO  job {episode} decoding source (pcm_s24le 48000Hz stereo), loudnorm two-pass target=-16 LUFS",
            f"{S._plus(t0, 19)} INFO  job {episode} encoding 3 profiles into memory before upload (est. {buf} MiB of output buffers)",
            f"{S._plus(t0, 41)} WARN  job {episode} rss=401MiB cgroup_limit=512MiB progress=38%",
            f"{S._plus(t0, 58)} WARN  job {episode} rss=488MiB cgroup_limit=512MiB progress=47%"]
for p, (suf, ni, restarts, fin, st, mode) in zip(pods, spec):
    S.log(NS, p, run_log(S.t(st), 88213 + ni, 3, 4 + ni * 3), previous=True)
    if mode == "running":
        S.log(NS, p, run_log(S._plus(S.t(fin), 2), 88216, 2, 58)[:5])
rl = []
for k in range(30):
    t = S._plus(S.t('-100m'), k * 170)[:-1].replace('T', ' ')
    conn = f"<0.{S.rng.randint(1000, 9999)}.0>"
    rl += [f"{t}.{S.rng.randint(100000, 499999)}+00:00 [warning] {conn} closing AMQP connection {conn} (10.244.{k % 3}.{S.rng.randint(20, 200)}:{S.rng.randint(40000, 60000)} -> 10.244.2.17:5672, vhost: '/', user: 'transcoder'):",
           f"{t}.{S.rng.randint(500000, 999999)}+00:00 [warning] {conn} client unexpectedly closed TCP connection"]
rl.append(f"{S.t('-2m')[:-1].replace('T', ' ')}.118443+00:00 [info] <0.812.0> accepting AMQP connection 10.244.1.88:51522 -> 10.244.2.17:5672")
S.log(NS, rmq, rl)
for i, p in enumerate(fbp):
    S.log(NS, p, [f"{S._plus(S.t('-10m'), k * 40 + i)} INFO rebuilt feed show={S.rng.choice(['morning-brief', 'the-late-shift-live', 'tech-weekly', 'kitchen-table'])} items={S.rng.randint(80, 600)} took={S.rng.randint(40, 900)}ms" for k in range(15)])

# metrics: 3h at 1m; normal 45-min episodes peak ~300-380Mi; from 18:30 long episodes climb to the limit
n = 181
LIMIT = 536870912
mem_series = []
for j, (p, (suf, ni, restarts, fin, st, mode)) in enumerate(zip(pods, spec)):
    vals = []
    k0 = 0
    for k in range(n):
        if k < 76:  # before 18:30: regular short episodes
            phase = (k + j * 7) % 14
            vals.append(int(1.4e8 + phase * 1.7e7 + S.rng.uniform(-4e6, 4e6)))
        else:
            phase = (k - 76 + j * 2) % 5
            if phase == 4:
                vals.append(None if S.rng.random() < 0.5 else int(6.1e7))
            else:
                vals.append(min(LIMIT - S.rng.randint(100000, 900000), int(1.5e8 + phase * 1.25e8 + S.rng.uniform(-6e6, 6e6))))
    S.metric({"__name__": "container_memory_working_set_bytes", "namespace": NS, "pod": p["metadata"]["name"], "container": "audio-transcoder", "node": p["spec"]["nodeName"],
              "job": "kubelet", "metrics_path": "/metrics/cadvisor"}, vals, start="-180m")
    S.metric({"__name__": "kube_pod_container_resource_limits", "namespace": NS, "pod": p["metadata"]["name"], "container": "audio-transcoder", "node": p["spec"]["nodeName"],
              "resource": "memory", "unit": "byte", "job": "kube-state-metrics"}, [LIMIT] * n, start="-180m")
    rest = [max(0, min(restarts, (k - 76) // 5 + (1 if k >= 76 else 0))) if k >= 76 else 0 for k in range(n)]
    rest = [0] * 76 + [min(restarts, int((k - 76) * restarts / (n - 77)) + 1) for k in range(76, n)]
    S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "audio-transcoder", "job": "kube-state-metrics"},
             [r + (2 if j == 0 else 0) for r in rest], start="-180m")
    S.metric({"__name__": "kube_pod_container_status_last_terminated_reason", "namespace": NS, "pod": p["metadata"]["name"], "container": "audio-transcoder", "reason": "OOMKilled", "job": "kube-state-metrics"},
             [None] * 77 + [1] * (n - 77), start="-180m")
    # red herring: CPU throttling is always high (2-CPU limit, ffmpeg uses all cores)
    S.metric({"__name__": "container_cpu_cfs_throttled_periods_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "audio-transcoder", "node": p["spec"]["nodeName"]},
             S.counter([6.2] * n, start=18877410 + j * 1000003, jitter=0.2), start="-180m")
    S.metric({"__name__": "container_cpu_cfs_periods_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "audio-transcoder", "node": p["spec"]["nodeName"]},
             S.counter([10.0] * n, start=30554100 + j * 1500007, jitter=0.0), start="-180m")
for k in [0]:
    pass
ready_q = [int(3 + S.rng.uniform(0, 4)) if k < 80 else int(3 + (k - 80) * 0.46 + S.rng.uniform(0, 2)) for k in range(n)]
S.metric({"__name__": "rabbitmq_queue_messages_ready", "namespace": NS, "pod": "rabbitmq-0", "queue": "transcode.requests", "vhost": "/"}, ready_q, start="-180m")
done = S.counter([0.11 if k < 80 else 0.012 for k in range(n)], start=1907734, jitter=0.3)
S.metric({"__name__": "transcoder_jobs_completed_total", "namespace": NS, "service": "audio-transcoder", "outcome": "ok"}, done, start="-180m")
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "audio-transcoder", "job": "kube-state-metrics"},
         [3] * 77 + [S.rng.choice([1, 1, 2, 2, 0]) for _ in range(n - 78)] + [1], start="-180m")

LIM_CHECK = {"kind": "Deployment", "namespace": NS, "name": "audio-transcoder", "path": "spec.template.spec.containers[0].resources.limits.memory", "at_least": "1Gi"}
t15 = copy.deepcopy(t14)
t15["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "1536Mi"}}
rs15 = S.replicaset(dep, phash="7dc59b8f4", revision=15, template=t15, replicas=3, created="-40s", change_cause=CAUSE, add=False)
rs14_old = copy.deepcopy(rs)
rs14_old["spec"]["replicas"] = 0
rs14_old["status"] = {"replicas": 0, "observedGeneration": 3}
fresh = S.fresh_pods(rs15, pods, container="audio-transcoder", image=IMG)
dep_fixed = copy.deepcopy(dep)
dep_fixed["status"] = dep_status(S, replicas=3, ready=3, updated=3, rs="audio-transcoder-5b8d7f6c94", since="-20s", created="-380d", available_since="-20s")
S.dump(f"scenarios/{SID}.yaml",
       title="audio-transcoder's 512Mi memory limit is too low for the weekly 3-hour live-show episodes: the worker keeps all three encoded outputs in memory (~320 MiB more than a 45-minute episode) and is OOMKilled in a loop since 18:30",
       tags=["oom", "set-resources", "red-herring", "queue-backlog", "weekend"],
       trigger={"command": "podcast transcodes are stuck, queue keeps growing since early evening", "channel": "#audio-platform", "user": "U07WLAUD1"},
       recovery=[{"when": [LIM_CHECK], "apply": {
           "upsert": [rs15, rs14_old] + fresh, "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in pods],
           "logs": [{"namespace": NS, "pod": p["metadata"]["name"], "lines": [
               f"{S.t('-35s')} INFO  worker 1.22.5 ready queue=transcode.requests prefetch=1 profiles=mp3-128,aac-64,opus-48",
               f"{S.t('-34s')} INFO  job 8821{3 + i} received show=the-late-shift-live source=s3://wl-raw/ep_8821{3 + i}.wav duration=3h0{4 + i}m",
               f"{S.t('-14s')} INFO  job 8821{3 + i} encoding 3 profiles into memory before upload (est. 316 MiB of output buffers)",
               f"{S.t('-3s')} INFO  job 8821{3 + i} rss=842MiB cgroup_limit=1536MiB"]} for i, p in enumerate(fresh)],
           "metrics": [{"labels": {"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "audio-transcoder", "job": "kube-state-metrics"},
                        "start": "-180m", "step": "1m", "values": [3] * 77 + [1] * (n - 78) + [3]}]}}],
       truth={"category": "oom_killed", "also_accept": ["memory_leak"],
              "resource": {"kind": "Deployment", "namespace": NS, "name": "audio-transcoder"},
              "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^audio-transcoder-5b8d7f6c94$"},
                          {"kind": "Pod", "namespace": NS, "name_regex": "^audio-transcoder-5b8d7f6c94-"}],
              "evidence": ["oomkilled|oom-killed|oom killed", "512mi|536870912|512 mib", "137", "3h|3-hour|three-hour|long episode|episode length|duration|buffer"],
              "remediation": {"accepted": [{"action": "set_resources", "target": {"kind": "Deployment", "namespace": NS, "name": "audio-transcoder"},
                                            "params": {"container": "audio-transcoder", "limits": {"memory": "1536Mi"}, "requests": {"memory": "1Gi"}}},
                                           {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": NS, "name": "audio-transcoder"},
                                            "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "audio-transcoder", "resources": {"limits": {"memory": "1536Mi"}}}]}}}}}}],
                              "checks": [LIM_CHECK],
                              "forbidden": [{"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "audio-transcoder"}},
                                            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "audio-transcoder"}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "audio-transcoder"}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": pods[0]["metadata"]["name"]}},
                                            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": NS, "name": "rabbitmq"}}]},
              "notes": ("Nothing was deployed for 12 days. Every Saturday from ~18:30 the 3-hour 'the-late-shift-live' episodes arrive; the worker keeps the three encoded outputs in memory until upload (~320 MiB for 3 h on top of ~300 MiB of decode and runtime), the peak reaches 600-800 MiB and the 512Mi limit kills the worker (OOMKilled, exit 137, ~8 restarts each, "
                        "kernel-monitor OOMKilling of ffmpeg). Weekday 45-minute episodes peak at ~380 MiB, so the limit is simply too low for normal use, not a leak. "
                        "Fix: raise the memory limit to at least 1Gi (1.5Gi suggested). Red herrings: CPU throttling is permanently ~60% (2-CPU limit with "
                        "ffmpeg) and was the same before; RabbitMQ's closed-connection warnings are the consequence of the kills; the liveness timeouts "
                        "happen while the worker is stalled in memory reclaim near its limit; rollback to 1.22.4 changes nothing.")})
