"""Scenarios (helper scenA): co-located workloads starving a shared resource."""
from __future__ import annotations

import copy
from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, cstatus, podspec, running
from scena_kit import act, fresh_pods_item, pool
from scena_obs import alert, cadv, cum, event, ksm, logs, noisy, pod_start_events, rollout_events, seg, series, timed
from scena_work import (Deploy, cron_job_name, cronjob, endpoints, job, job_pod, service, simple_app, statefulset, sts_pod)


def search_ranker() -> dict:
    """A backfill Job requesting 6 CPUs lands next to one search-ranker pod that requests 500m but uses 1.5 cores."""
    ctx = Ctx("search-ranker-backfill-neighbour", "2026-11-26T13:41:00Z")
    ns = "search"
    nodes = pool(ctx, "aks", 3, region="eastus2", itype="Standard_D8as_v5", pool_name="general", cpu=8, mem_gi=32, cluster="shop-us",
                 subnet="10.224", cidr_base=244, created="-22d")
    acr = "acrshopus.azurecr.io"
    spec = podspec([container("search-ranker", f"{acr}/search/search-ranker:4.2.1",
                              command=["gunicorn", "ranker.app:app", "-k", "uvicorn.workers.UvicornWorker", "-w", "3", "-b", "0.0.0.0:8000"],
                              ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                              env=[{"name": "OMP_NUM_THREADS", "value": "1"}, {"name": "MODEL_URI", "value": "az://models/ranker/lgbm-2026-11-20"}],
                              resources={"requests": {"cpu": "500m", "memory": "1536Mi"}, "limits": {"memory": "2Gi"}},
                              readiness={"httpGet": {"path": "/health", "port": 8000}, "periodSeconds": 10, "timeoutSeconds": 2})],
                   sa="search-ranker")
    old = copy.deepcopy(spec)
    old["containers"][0]["image"] = f"{acr}/search/search-ranker:4.2.0"
    dep = Deploy(ctx, ns, "search-ranker", match={"app": "search-ranker"}, created="-400d", replicas=3, labels={"app": "search-ranker", "team": "search-relevance"})
    dep.rev(30, old, created="-14d", cause="search-ranker 4.2.0")
    rs = dep.rev(31, spec, created="-21h", cause="search-ranker 4.2.1 (feature flags refresh)", replicas=3)
    pods = [dep.pod(rs, nodes[i], created=ctx.dt("-21h") + timedelta(seconds=45 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    victim = pods[2]
    hot = nodes[2]
    objs: list = [Comment("nodes: AKS shop-us, pool 'general' (8 vCPU)")] + nodes
    objs.append(Comment("search-ranker: requests 500m, no CPU limit, normally uses ~1.4 cores per pod"))
    objs += dep.done(available_since="-400d", updated_at="-21h")
    ep = endpoints(ctx, ns, "search-ranker", ready=pods, created="-400d", ports=[{"name": "http", "port": 8000, "protocol": "TCP"}])
    objs += [service(ctx, ns, "search-ranker", selector={"app": "search-ranker"}, ip="10.0.33.91", created="-400d",
                     ports=[{"name": "http", "port": 80, "targetPort": 8000, "protocol": "TCP"}]), ep]
    objs.append(Comment("data-science: an ad-hoc backfill Job started at 13:05 with requests.cpu 6 and no limit, on the same node as one ranker pod"))
    bspec = podspec([container("backfill", f"{acr}/ds/feature-pipeline:0.31.0",
                               command=["python", "-m", "pipeline.backfill", "--from=2026-06-01", "--to=2026-11-25", "--workers=16"],
                               resources={"requests": {"cpu": "6", "memory": "12Gi"}, "limits": {"memory": "16Gi"}})],
                    sa="feature-pipeline", restart="Never")
    bj = job(ctx, "data-science", "feature-backfill-q4", bspec, created="-36m", outcome="running", backoff=0,
             labels={"app": "feature-pipeline", "owner": "jlin"})
    bpod = job_pod(ctx, bj, hot, created="-36m", ip=ctx.ip(hot), phase="Running", ready_at="-36m",
                   statuses=[cstatus(ctx, bspec["containers"][0], state=running(ctx, "-35m52s"))])
    objs += [bj, bpod]
    objs.append(Comment("neighbours in search: query-gateway (Go)"))
    qg_spec = podspec([container("query-gateway", f"{acr}/search/query-gateway:2.8.3", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                 env=[{"name": "RANKER_URL", "value": "http://search-ranker.search.svc.cluster.local"}],
                                 resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                 readiness={"httpGet": {"path": "/readyz", "port": 8080}})], sa="query-gateway")
    q_objs, q_pods, _ = simple_app(ctx, ns, "query-gateway", qg_spec, nodes[:2], replicas=2, created="-400d", rs_created="-8d", rev=77,
                                   svc_ip="10.0.14.2", port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += q_objs
    objs.append(Comment("events"))
    objs += rollout_events(ctx, dep.obj, rs, dep.rs(30), at="-21h", steps=[(0, "up", rs, 0, 1), (46, "down", dep.rs(30), 3, 2),
                                                                           (46, "up", rs, 1, 2), (92, "down", dep.rs(30), 2, 1),
                                                                           (92, "up", rs, 2, 3), (138, "down", dep.rs(30), 1, 0)])
    objs.append(event(ctx, bj, "SuccessfulCreate", f"Created pod: {bpod['metadata']['name']}", first="-36m", component="job-controller"))
    objs += pod_start_events(ctx, bpod, at="-36m", pull_s=21.31, size=2_418_003_118)
    objs.append(event(ctx, victim, "Unhealthy", f'Readiness probe failed: Get "http://{victim["status"]["podIP"]}:8000/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
                      type_="Warning", count=7, first="-29m", last="-2m", field_path="spec.containers{search-ranker}"))
    cluster_logs = []
    for p in pods:
        slow = p is victim
        cluster_logs.append(logs(ns, p, timed(ctx, "-12m", 45, [
            f'INFO:     10.224.{ctx.rng.randint(1, 3) * 8}.{ctx.rng.randint(10, 90)}:0 - "POST /rank HTTP/1.1" 200 OK'
            if k % 4 else f'{{"level":"info","msg":"ranked","candidates":{ctx.rng.randint(200, 400)},"took_ms":{ctx.rng.randint(700, 1900) if slow else ctx.rng.randint(45, 90)}}}'
            for k in range(16)], lambda ts, ln: ln), at="-12m", every="45s"))
    cluster_logs.append(logs("data-science", bpod, timed(ctx, "-35m", 240, [
        "INFO pipeline.backfill: 16 workers, 177 days, 2.1e9 events", "INFO pipeline.backfill: day 2026-06-01 done (12.4M rows, 238s)",
        "INFO pipeline.backfill: day 2026-06-02 done (12.9M rows, 241s)", "INFO pipeline.backfill: day 2026-06-03 done (11.8M rows, 230s)",
        "INFO pipeline.backfill: day 2026-06-04 done (12.2M rows, 236s)", "INFO pipeline.backfill: day 2026-06-05 done (13.1M rows, 244s)",
        "INFO pipeline.backfill: day 2026-06-06 done (12.7M rows, 239s)", "INFO pipeline.backfill: day 2026-06-07 done (12.0M rows, 233s)",
        "INFO pipeline.backfill: day 2026-06-08 done (12.5M rows, 240s)"], lambda ts, ln: f"{ts} {ln}")))
    cluster_logs.append(logs(ns, q_pods[0], timed(ctx, "-10m", 60, [
        "level=warn msg=\"ranker slow\" upstream=10.244.24.%d dur_ms=1620" % ctx.rng.randint(2, 250), "level=info msg=search status=200 dur_ms=112",
        "level=info msg=search status=200 dur_ms=98", "level=warn msg=\"ranker timeout, serving unranked\" upstream=10.244.24.%d" % ctx.rng.randint(2, 250),
        "level=info msg=search status=200 dur_ms=121"], lambda ts, ln: f"ts={ts} {ln}")))
    # metrics: 90 min at 1 min; the backfill starts at index 54
    n, cut = 91, 54
    mets = []
    for p in pods:
        slow = p is victim
        use = [1.4 if (k < cut or not slow) else 0.55 for k in range(n)]
        mets.append(series(cadv("container_cpu_usage_seconds_total", ns, p), cum(ctx, use, start=ctx.rng.randint(90_000, 110_000), nd=2), start="-90m"))
        mets.append(series(cadv("container_cpu_cfs_throttled_periods_total", ns, p), [0] * n, start="-90m"))
        for q, lo, hi in (("0.5", 0.052, 0.61), ("0.99", 0.131, 1.84)):
            vals = [lo if (k < cut or not slow) else hi for k in range(n)]
            mets.append(series({"__name__": "ranker_request_duration_seconds", "job": "search-ranker", "namespace": ns, "pod": p["metadata"]["name"],
                                "quantile": q}, noisy(ctx, vals, 0.08, 3), start="-90m"))
    mets.append(series(cadv("container_cpu_usage_seconds_total", "data-science", bpod), [None] * cut + cum(ctx, [7.1] * (n - cut), nd=2), start="-90m"))
    for nd in nodes:
        hotn = nd is hot
        inst = nd["status"]["addresses"][0]["address"] + ":9100"
        mets.append(series({"__name__": "instance:node_cpu_utilisation:rate5m", "job": "node-exporter", "instance": inst},
                           noisy(ctx, [0.41 if (k < cut or not hotn) else 0.995 for k in range(n)], 0.03, 3), start="-90m"))
        mets.append(series({"__name__": "node_pressure_cpu_waiting_seconds_total", "job": "node-exporter", "instance": inst},
                           cum(ctx, [0.02 if (k < cut or not hotn) else 3.9 for k in range(n)], start=ctx.rng.randint(4000, 9000), nd=2), start="-90m"))
    when = [{"kind": "Deployment", "namespace": ns, "name": "search-ranker", "path": "spec.template.spec.containers[0].resources.requests.cpu",
             "at_least": "1500m"}]
    big = copy.deepcopy(spec)
    big["containers"][0]["resources"]["requests"]["cpu"] = "1500m"
    rec = fresh_pods_item(ctx, dep, n_rev=32, spec=big, nodes=nodes, when=when, old_pods=pods, ep=ep)
    trig = alert(ctx, "SearchRankerLatencyHigh", {"namespace": ns, "service": "search-ranker", "severity": "warning", "team": "search-relevance"},
                 summary="search-ranker p99 above 800ms", description="p99 of POST /rank on search-ranker is 1.21s (threshold 0.8s) for 10 minutes.",
                 starts="-24m", runbook="https://wiki.example.com/search/runbooks/ranker-latency",
                 expr='histogram_quantile(0.99, sum by (le) (rate(ranker_request_duration_seconds_bucket{namespace="search"}[5m]))) > 0.8')
    return {
        "format": 1, "id": "search-ranker-latency-lunchtime",
        "title": "An ad-hoc feature backfill Job (requests 6 CPUs, no limit) landed on the node of one search-ranker pod at 13:05; ranker requests only 500m but needs ~1.4 cores, so by CPU shares it is squeezed to ~0.55 cores and that pod's p99 went from 0.13 s to 1.8 s",
        "tags": ["resource-contention", "noisy-neighbour", "cpu-shares", "aks", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"alert": trig, "channel": "#search-oncall"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "resource_contention",
            "resource": {"kind": "Job", "namespace": "data-science", "name": "feature-backfill-q4"},
            "aliases": [{"kind": "Pod", "namespace": "data-science", "name_regex": "^feature-backfill-q4-"}],
            "evidence": ["feature-backfill-q4|backfill", hot["metadata"]["name"] + "|same node", "500m|request",
                         "cpu", victim["metadata"]["name"] + "|one pod|single pod|one of"],
            "remediation": {
                "accepted": [{"action": "recommend_only", "target": {"kind": "Job", "namespace": "data-science", "name": "feature-backfill-q4"}},
                             act("set_resources", ns, "search-ranker", params={"container": "search-ranker", "requests": {"cpu": "1500m"}})],
                "checks": when,
                "forbidden": [act("rollback_deployment", ns, "search-ranker"), act("restart_workload", ns, "search-ranker"),
                              act("delete_pod", "data-science", bpod["metadata"]["name"], "Pod"),
                              act("restart_workload", ns, "query-gateway")]},
            "notes": Folded(
                f"At 13:05 someone started the Job data-science/feature-backfill-q4 (16 worker processes, requests.cpu 6, no CPU "
                f"limit) and it was scheduled on {hot['metadata']['name']}, next to {victim['metadata']['name']}. search-ranker "
                "requests only 500m but normally burns ~1.4 cores per pod. With the node at ~100% CPU, the kernel divides CPU by "
                "shares (6 CPUs vs 0.5), so that ranker pod drops to ~0.55 cores; it is not throttled (no limit, throttled periods "
                "0) but waits: node CPU PSI on that node jumped, its p99 went from ~0.13 s to ~1.8 s, and query-gateway serves "
                "unranked results on timeouts. The other two ranker pods on the other nodes are normal.\n\n"
                "Right answers: tell the data-science owner to move or throttle the backfill (batch pool, a CPU limit, or fewer "
                "workers) or give search-ranker requests that match its real use (>= 1500m), which protects it by shares "
                "wherever it runs. Traps: search-ranker 4.2.1 rolled out yesterday, but latency only moved at 13:05 and only on "
                "one pod; rolling back or restarting it does nothing lasting (a restarted pod may land on the same node), and "
                "deleting someone else's Job pod is not the bot's call.")},
    }


def kafka_replication() -> dict:
    """A new minio-mirror CronJob saturates the 10 GbE NIC of kafka-node-2 for ~40 min: follower fetch falls behind, ISR shrinks, acks=all producers time out."""
    ctx = Ctx("kafka-nic-saturated-by-mirror", "2026-11-25T10:27:00Z")
    ns = "streaming"
    nodes = pool(ctx, "kubeadm", 3, region="dc2", itype="", pool_name="kafka-node", cpu=32, mem_gi=128, subnet="10.44", cidr_base=210,
                 created="-310d", names=["kafka-node-1", "kafka-node-2", "kafka-node-3"])
    for nd in nodes:
        nd["metadata"]["labels"].pop("node.kubernetes.io/instance-type")
        nd["metadata"]["labels"]["node-role.example.com/kafka"] = "true"
    hot = nodes[1]
    reg = "registry.dc2.example.net"
    kspec = podspec([container("kafka", "docker.io/bitnami/kafka:3.8.1", ports=[{"name": "client", "containerPort": 9092, "protocol": "TCP"},
                                                                               {"name": "internal", "containerPort": 9094, "protocol": "TCP"}],
                               env=[{"name": "KAFKA_CFG_NUM_REPLICA_FETCHERS", "value": "4"}, {"name": "KAFKA_CFG_REPLICA_LAG_TIME_MAX_MS", "value": "30000"},
                                    {"name": "KAFKA_CFG_MIN_INSYNC_REPLICAS", "value": "2"}],
                               resources={"requests": {"cpu": "4", "memory": "24Gi"}, "limits": {"memory": "24Gi"}},
                               mounts=[{"name": "data", "mountPath": "/bitnami/kafka"}])],
                    sa="kafka", node_selector={"node-role.example.com/kafka": "true"})
    sts = statefulset(ctx, ns, "kafka", kspec, match={"app.kubernetes.io/name": "kafka"}, replicas=3, created="-300d", service="kafka-headless",
                      claims=[{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "local-nvme",
                                                                      "resources": {"requests": {"storage": "3Ti"}}}}])
    kpods = [sts_pod(ctx, sts, i, nodes[i], created="-41d", ip=ctx.ip(nodes[i]),
                     volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": f"data-kafka-{i}"}}]) for i in range(3)]
    objs: list = [Comment("nodes: on-prem kubeadm dc2; kafka nodes have one bonded 10 GbE link each")] + nodes
    objs += [sts] + kpods
    objs += [service(ctx, ns, "kafka", selector={"app.kubernetes.io/name": "kafka"}, ip="10.96.90.92", created="-300d",
                     ports=[{"name": "client", "port": 9092, "targetPort": "client", "protocol": "TCP"}], labels={"app.kubernetes.io/name": "kafka"}),
             endpoints(ctx, ns, "kafka", ready=kpods, created="-300d", labels={"app.kubernetes.io/name": "kafka"},
                       ports=[{"name": "client", "port": 9092, "protocol": "TCP"}])]
    objs.append(Comment("producer: order-events-ingest (Java, acks=all)"))
    ispec = podspec([container("ingest", f"{reg}/orders/order-events-ingest:2.2.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                               env=[{"name": "KAFKA_BOOTSTRAP", "value": "kafka.streaming.svc.cluster.local:9092"}, {"name": "KAFKA_ACKS", "value": "all"}],
                               resources={"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
                               readiness={"httpGet": {"path": "/health/ready", "port": 8080}})], sa="order-events-ingest")
    i_objs, i_pods, _ = simple_app(ctx, ns, "order-events-ingest", ispec, [nodes[0], nodes[2]], replicas=2, created="-300d", rs_created="-19d",
                                   rev=23, svc_ip="10.96.55.18", port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += i_objs
    objs.append(Comment("backup namespace: minio-mirror CronJob added yesterday (daily 09:45), no nodeSelector, no bandwidth limit"))
    mspec = podspec([container("mirror", "quay.io/minio/mc:RELEASE.2024-11-05T11-29-45Z",
                               command=["mc", "mirror", "--overwrite", "--preserve", "local/archive", "offsite/archive-dc2"],
                               env=[{"name": "MC_HOST_local", "valueFrom": {"secretKeyRef": {"name": "mirror-endpoints", "key": "local"}}},
                                    {"name": "MC_HOST_offsite", "valueFrom": {"secretKeyRef": {"name": "mirror-endpoints", "key": "offsite"}}}],
                               resources={"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "4Gi"}})],
                    sa="minio-mirror", restart="Never")
    sched = ctx.dt("-42m")
    cj = cronjob(ctx, "backup", "minio-mirror", mspec, schedule="45 9 * * *", created="-1d2h", last_schedule=sched,
                 labels={"app": "minio-mirror", "team": "storage"}, backoff=1)
    jn = cron_job_name(ctx, "minio-mirror", sched)
    mj = job(ctx, "backup", jn, mspec, created=sched, owner=cj, outcome="running", backoff=1, labels={"app": "minio-mirror"},
             scheduled_ts=ctx.t(sched).replace("Z", "+00:00"))
    cj["status"]["active"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": jn, "namespace": "backup", "uid": mj["metadata"]["uid"]}]
    mpod = job_pod(ctx, mj, hot, created=sched, ip=ctx.ip(hot), phase="Running", ready_at=sched,
                   statuses=[cstatus(ctx, mspec["containers"][0], state=running(ctx, sched + timedelta(seconds=3)))])
    objs += [cj, mj, mpod]
    objs.append(Comment("events"))
    objs.append(event(ctx, cj, "SuccessfulCreate", f"Created job {jn}", first=sched, component="cronjob-controller"))
    objs.append(event(ctx, mj, "SuccessfulCreate", f"Created pod: {mpod['metadata']['name']}", first=sched, component="job-controller"))
    objs += pod_start_events(ctx, mpod, at=sched, pull_s=None)
    # logs
    k2 = kpods[1]["metadata"]["name"]
    kl = []
    for j in range(6):
        t = ctx.dt("-39m") + timedelta(minutes=6 * j, seconds=ctx.rng.randint(0, 50))
        kl += [f"[{t:%Y-%m-%d %H:%M:%S},{ctx.rng.randint(100, 999)}] INFO [Partition orders.events-{ctx.rng.randint(0, 47)} broker=0] Shrinking ISR from 0,1,2 to 0,2. Leader: (highWatermark: {ctx.rng.randint(10**9, 2 * 10**9)}, endOffset: {ctx.rng.randint(2 * 10**9, 3 * 10**9)}). Out of sync replicas: (brokerId: 1, endOffset: {ctx.rng.randint(10**9, 2 * 10**9)}, lastCaughtUpTimeMs: {int(t.timestamp() * 1000) - 31_000}). (kafka.cluster.Partition)",
               f"[{(t + timedelta(seconds=70)):%Y-%m-%d %H:%M:%S},{ctx.rng.randint(100, 999)}] INFO [Partition orders.events-{ctx.rng.randint(0, 47)} broker=0] ISR updated to 0,1,2 and version updated to {ctx.rng.randint(300, 900)} (kafka.cluster.Partition)"]
    cluster_logs = [logs(ns, kpods[0], kl)]
    cluster_logs.append(logs(ns, kpods[1], timed(ctx, "-38m", 210, [
        "WARN [ReplicaFetcher replicaId=1, leaderId=0, fetcherId=2] Error in response for fetch request (type=FetchRequest, replicaId=1, maxWait=500, minBytes=1, maxBytes=10485760, fetchData={orders.events-12=PartitionData(fetchOffset=1832771902, logStartOffset=1702199011, maxBytes=1048576)}, isolationLevel=READ_UNCOMMITTED, removed=(), replaced=(), metadata=(sessionId=1283312, epoch=9912), rackId=) (kafka.server.ReplicaFetcherThread)",
        "java.net.SocketTimeoutException: Failed to connect within 30000 ms",
        "INFO [ReplicaFetcher replicaId=1, leaderId=2, fetcherId=0] Retrying leaderEpoch request for partition payments.ledger-3 as the leader reported an error: NOT_LEADER_OR_FOLLOWER (kafka.server.ReplicaFetcherThread)",
        "WARN [ReplicaFetcher replicaId=1, leaderId=0, fetcherId=1] Error in response for fetch request (type=FetchRequest, replicaId=1, maxWait=500, minBytes=1, maxBytes=10485760) (kafka.server.ReplicaFetcherThread)",
        "java.io.IOException: Connection to 0 was disconnected before the response was read"],
        lambda ts, ln: f"[{ts[:10]} {ts[11:19]},{ts[20:23]}] {ln}")))
    for p in i_pods:
        cluster_logs.append(logs(ns, p, timed(ctx, "-30m", 150, [
            "WARN 1 --- [ad | producer-1] o.a.k.clients.producer.internals.Sender : [Producer clientId=producer-1] Got error produce response with correlation id 8812311 on topic-partition orders.events-12, retrying (2147483646 attempts left). Error: NOT_ENOUGH_REPLICAS",
            "ERROR 1 --- [ad | producer-1] c.e.orders.ingest.EventPublisher : publish failed after 120000 ms: org.apache.kafka.common.errors.TimeoutException: Expiring 41 record(s) for orders.events-12:120011 ms has passed since batch creation",
            "INFO 1 --- [nio-8080-exec-3] c.e.orders.ingest.IngestController : accepted batch size=200 took=41ms",
            "WARN 1 --- [ad | producer-1] o.a.k.clients.producer.internals.Sender : [Producer clientId=producer-1] Got error produce response with correlation id 8812933 on topic-partition orders.events-31, retrying (2147483646 attempts left). Error: NOT_ENOUGH_REPLICAS",
            "INFO 1 --- [nio-8080-exec-8] c.e.orders.ingest.IngestController : accepted batch size=200 took=2207ms"], lambda ts, ln: f"{ts}  {ln}")))
    cluster_logs.append(logs("backup", mpod, timed(ctx, sched + timedelta(seconds=5), 600, [
        "`local/archive/2026/11/24/` -> `offsite/archive-dc2/2026/11/24/`",
        "Total: 4.61 TiB, Transferred: 640.12 GiB, Speed: 1.09 GiB/s",
        "Total: 4.61 TiB, Transferred: 1.27 TiB, Speed: 1.11 GiB/s",
        "Total: 4.61 TiB, Transferred: 1.91 TiB, Speed: 1.10 GiB/s",
        "Total: 4.61 TiB, Transferred: 2.55 TiB, Speed: 1.10 GiB/s"], lambda ts, ln: ln), at="-42m", every="10m"))
    # metrics: 90 min at 1 min; the mirror starts at index 48
    n, cut = 91, 48
    mets = []
    for i, nd in enumerate(nodes):
        inst = nd["status"]["addresses"][0]["address"] + ":9100"
        base = [0.31e9, 0.42e9, 0.35e9][i]
        tx = [base if (k < cut or nd is not hot) else 1.238e9 for k in range(n)]
        mets.append(series({"__name__": "node_network_transmit_bytes_total", "job": "node-exporter", "instance": inst, "device": "bond0"},
                           cum(ctx, tx, start=ctx.rng.randint(10**14, 2 * 10**14), frac=0.01), start="-90m"))
        mets.append(series({"__name__": "node_network_speed_bytes", "job": "node-exporter", "instance": inst, "device": "bond0"}, [1250000000] * n, start="-90m"))
        mets.append(series({"__name__": "node_netstat_TcpExt_TCPTimeouts", "job": "node-exporter", "instance": inst},
                           cum(ctx, [0.05 if (k < cut or nd is not hot) else 14.0 for k in range(n)], start=ctx.rng.randint(10**5, 10**6)), start="-90m"))
    mets.append(series({"__name__": "container_network_transmit_bytes_total", "job": "kubelet", "metrics_path": "/metrics/cadvisor", "namespace": "backup",
                        "pod": mpod["metadata"]["name"], "interface": "eth0", "node": hot["metadata"]["name"]},
                       [None] * cut + cum(ctx, [1.17e9] * (n - cut), frac=0.02), start="-90m"))
    for i, p in enumerate(kpods):
        mets.append(series({"__name__": "kafka_server_replicamanager_underreplicatedpartitions", "job": "kafka", "namespace": ns, "pod": p["metadata"]["name"]},
                           [0] * cut + [int(v) for v in noisy(ctx, [18 if i != 1 else 0] * (n - cut), 0.3)], start="-90m"))
        mets.append(series({"__name__": "kafka_server_replicafetchermanager_maxlag", "job": "kafka", "namespace": ns, "pod": p["metadata"]["name"],
                            "clientId": "Replica"}, [int(v) for v in noisy(ctx, [120] * cut + [412000 if i == 1 else 900] * (n - cut), 0.2)], start="-90m"))
    for p in i_pods:
        mets.append(series({"__name__": "kafka_producer_record_error_total", "job": "order-events-ingest", "namespace": ns, "pod": p["metadata"]["name"],
                            "client_id": "producer-1"}, cum(ctx, [0.0] * (cut + 2) + [6.5] * (n - cut - 2), start=44), start="-90m"))
    return {
        "format": 1, "id": "order-events-producer-timeouts-mid-morning",
        "title": "A minio-mirror CronJob added yesterday runs at 09:45 on kafka-node-2 and pushes ~1.1 GiB/s offsite, saturating the node's 10 GbE link; broker kafka-1 there cannot keep up as follower, partitions drop to ISR 2 of 3 and acks=all producers hit NOT_ENOUGH_REPLICAS and timeouts",
        "tags": ["resource-contention", "network", "kafka", "noisy-neighbour", "kubeadm", "recommend-only"],
        "now": ctx.now_s,
        "trigger": {"command": "order-events producers timing out since ~09:45, kafka looks unhealthy", "channel": "#streaming-platform", "user": "U0STREAM42"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "truth": {
            "category": "resource_contention", "also_accept": ["network_degradation"],
            "resource": {"kind": "CronJob", "namespace": "backup", "name": "minio-mirror"},
            "aliases": [{"kind": "Job", "namespace": "backup", "name_regex": "^minio-mirror-\\d+$"},
                        {"kind": "Pod", "namespace": "backup", "name_regex": "^minio-mirror-\\d+-[a-z0-9]{5}$"}],
            "evidence": ["minio-mirror|mc mirror|mirror", "kafka-node-2", "10 gbe|1.25|1250000000|saturat|bandwidth|nic|link",
                         "isr|under-replicated|underreplicated|not_enough_replicas", "09:45|9:45"],
            "remediation": {
                "accepted": [{"action": "recommend_only", "target": {"kind": "CronJob", "namespace": "backup", "name": "minio-mirror"}}],
                "forbidden": [act("restart_workload", ns, "kafka", "StatefulSet"), act("delete_pod", ns, "kafka-1", "Pod"),
                              act("restart_workload", ns, "order-events-ingest"), act("scale_workload", ns, "order-events-ingest"),
                              act("scale_workload", ns, "kafka", "StatefulSet")]},
            "notes": Folded(
                "The storage team added the minio-mirror CronJob yesterday (daily 09:45). It has no nodeSelector, affinity or "
                "bandwidth cap, and today it was scheduled on kafka-node-2, where broker kafka-1 runs. From 09:45 the mirror pod "
                "pushes ~1.1 GiB/s offsite (its own log and cAdvisor tx bytes), and the node's bond0 transmit sits at the 10 GbE "
                "line rate (1.25e9 bytes/s) with TCP timeouts climbing. kafka-1's follower fetches and its responses as leader "
                "time out, so the leaders shrink ISR to 0,2 (kafka-0 log), under-replicated partitions rise on the other two "
                "brokers and kafka-1's max lag climbs to ~400k messages; with min.insync.replicas=2 and acks=all, "
                "order-events-ingest sees NOT_ENOUGH_REPLICAS and expiring batches.\n\n"
                "No allowed mutation is right: a human should stop or reschedule today's mirror run and give the CronJob a "
                "bandwidth limit (mc --limit-upload) and anti-affinity to the kafka nodes (or run it from the storage nodes). "
                "Restarting or deleting kafka-1 would trigger a full re-replication over the same saturated link; restarting or "
                "scaling the producers changes nothing. Brokers, disks and CPU are fine; the contention is the shared NIC.")},
    }


SCENARIOS = [search_ranker, kafka_replication]
