"""Scenarios (helper scenA): CPU limits and throttling."""
from __future__ import annotations

import copy
from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, podspec
from scena_kit import act, fresh_pods_item, pool, refresh_endpoints, rollback_item
from scena_obs import alert, cadv, cum, event, ksm, logs, noisy, rollout_events, seg, series, timed
from scena_work import Deploy, configmap, endpoints, service, simple_app


def throttle_series(ctx: Ctx, ns: str, p: dict, usage: list[float], ratio: list[float], *, start: str = "-90m") -> list:
    """cAdvisor CPU usage and CFS period counters for one container (100 ms periods)."""
    per = cum(ctx, [10.0] * len(usage), start=ctx.rng.randint(2_000_000, 9_000_000), frac=0.0)
    thr = cum(ctx, [10.0 * r for r in ratio], start=ctx.rng.randint(20_000, 200_000), frac=0.04)
    return [series(cadv("container_cpu_usage_seconds_total", ns, p), cum(ctx, usage, start=ctx.rng.randint(80_000, 400_000), nd=2, frac=0.03), start=start),
            series(cadv("container_cpu_cfs_periods_total", ns, p), per, start=start),
            series(cadv("container_cpu_cfs_throttled_periods_total", ns, p), thr, start=start)]


def tariff_api() -> dict:
    """tariff-api (Spring) has a 500m CPU limit from a copied template; Friday evening traffic pins it and it throttles."""
    ctx = Ctx("tariff-api-cpu-limit-evening", "2026-11-27T18:24:00Z")
    ns = "mobility"
    nodes = pool(ctx, "kubeadm", 4, region="fra", itype="", pool_name="worker", cpu=32, mem_gi=128, subnet="10.10", cidr_base=233,
                 created="-180d", names=["fra-k8s-w01", "fra-k8s-w02", "fra-k8s-w03", "fra-k8s-w04"])
    for nd in nodes:
        nd["metadata"]["labels"].pop("node.kubernetes.io/instance-type")
    reg = "registry.mobility.example.de/rides"

    def tspec(cpu_limit: str | None, tag: str = "8.4.0") -> dict:
        lim = {"memory": "1536Mi"}
        if cpu_limit:
            lim["cpu"] = cpu_limit
        return podspec([container("tariff-api", f"{reg}/tariff-api:{tag}", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                  env=[{"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=70 -XX:+UseParallelGC"},
                                       {"name": "SPRING_PROFILES_ACTIVE", "value": "prod"}],
                                  resources={"requests": {"cpu": "500m", "memory": "1536Mi"}, "limits": lim},
                                  readiness={"httpGet": {"path": "/actuator/health/readiness", "port": 8080}, "periodSeconds": 10, "timeoutSeconds": 2},
                                  liveness={"httpGet": {"path": "/actuator/health/liveness", "port": 8080}, "initialDelaySeconds": 90,
                                            "periodSeconds": 20, "timeoutSeconds": 5, "failureThreshold": 5})],
                       sa="tariff-api")
    dep = Deploy(ctx, ns, "tariff-api", match={"app": "tariff-api"}, created="-600d", replicas=3, labels={"app": "tariff-api", "team": "rides-pricing"})
    dep.rev(13, tspec(None, "8.3.2"), created="-37d", cause="tariff-api 8.3.2")
    rs = dep.rev(14, tspec("500m"), created="-22d", cause="tariff-api 8.4.0; resources from platform service template v3", replicas=3)
    pods = [dep.pod(rs, nodes[i], created=ctx.dt("-22d") + timedelta(seconds=70 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    objs: list = [Comment("nodes: on-prem kubeadm, Frankfurt; plenty of idle CPU")] + nodes
    objs.append(Comment("tariff-api: revision 14 (22 days ago) added limits.cpu 500m from the service template"))
    objs += dep.done(available_since="-600d", updated_at="-22d")
    ep = endpoints(ctx, ns, "tariff-api", ready=pods, created="-600d", ports=[{"name": "http", "port": 8080, "protocol": "TCP"}])
    objs += [service(ctx, ns, "tariff-api", selector={"app": "tariff-api"}, ip="10.96.14.140", created="-600d",
                     ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]), ep]
    objs.append(Comment("neighbours: ride-dispatch (Go) and surge-calculator (Python); both without CPU limits"))
    rd_spec = podspec([container("ride-dispatch", f"{reg}/ride-dispatch:5.1.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                 env=[{"name": "TARIFF_URL", "value": "http://tariff-api.mobility.svc.cluster.local"}],
                                 resources={"requests": {"cpu": "1", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
                                 readiness={"httpGet": {"path": "/readyz", "port": 8080}})], sa="ride-dispatch")
    r_objs, r_pods, _ = simple_app(ctx, ns, "ride-dispatch", rd_spec, nodes, replicas=4, created="-600d", rs_created="-5d", rev=120,
                                   cause="ride-dispatch 5.1.0", svc_ip="10.96.77.3", port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    sc_spec = podspec([container("surge-calculator", f"{reg}/surge-calculator:1.8.1",
                                 resources={"requests": {"cpu": "500m", "memory": "768Mi"}, "limits": {"memory": "1Gi"}})], sa="surge-calculator")
    s_objs, s_pods, _ = simple_app(ctx, ns, "surge-calculator", sc_spec, nodes[2:], replicas=2, created="-300d", rs_created="-12d", rev=31)
    objs += r_objs + s_objs
    objs.append(Comment("events"))
    for p in pods:
        objs.append(event(ctx, p, "Unhealthy", f'Readiness probe failed: Get "http://{p["status"]["podIP"]}:8080/actuator/health/readiness": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
                          type_="Warning", count=ctx.rng.randint(3, 9), first="-31m", last=f"-{ctx.rng.randint(1, 6)}m",
                          field_path="spec.containers{tariff-api}"))
    cluster_logs = []
    for i, p in enumerate(pods):
        lines = []
        for j in range(6):
            t = ctx.dt("-22m") + timedelta(minutes=3.5 * j, seconds=11 * i)
            ts = f"{t:%Y-%m-%dT%H:%M:%S}.{ctx.rng.randint(100, 999)}Z"
            if j in (1, 4):
                lines.append(f"{ts}  WARN 1 --- [tariff-api] [l-1 housekeeper] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m{ctx.rng.randint(2, 9)}s{ctx.rng.randint(100, 900)}ms).")
            lines.append(f"{ts}  INFO 1 --- [tariff-api] [nio-8080-exec-{ctx.rng.randint(10, 199)}] c.e.rides.tariff.QuoteController         : quote city=berlin product=standard took={ctx.rng.randint(900, 2600)}ms")
            lines.append(f"{ts}  INFO 1 --- [tariff-api] [nio-8080-exec-{ctx.rng.randint(10, 199)}] c.e.rides.tariff.QuoteController         : quote city=hamburg product=xl took={ctx.rng.randint(700, 2100)}ms")
        lines.insert(3, f"[{ctx.dt('-19m'):%Y-%m-%dT%H:%M:%S}.417+0000][gc] GC(8812) Pause Young (Allocation Failure) 611M->96M(1075M) 412.337ms")
        cluster_logs.append(logs(ns, p, lines))
    cluster_logs.append(logs(ns, r_pods[0], timed(ctx, "-12m", 90, [
        'level=warn msg="tariff quote slow" ms=1910 city=berlin', 'level=info msg="ride assigned" city=berlin eta_s=240',
        'level=warn msg="tariff quote timeout, using cached tariff" city=munich timeout=2s', 'level=info msg="ride assigned" city=hamburg eta_s=310',
        'level=warn msg="tariff quote slow" ms=1720 city=cologne', 'level=info msg="ride assigned" city=munich eta_s=185',
        'level=info msg="ride assigned" city=berlin eta_s=420', 'level=warn msg="tariff quote slow" ms=2240 city=berlin'], lambda ts, ln: f"ts={ts} {ln}")))
    # metrics: 90 min at 1 min; traffic ramps from 17:00
    n = 91
    rps = seg((30, 140, 190), (61, 190, 610))
    mets = []
    for p in pods:
        demand = [r / 3 * 0.0068 for r in rps]
        usage = [min(0.5, d) * ctx.rng.uniform(0.97, 1.0) for d in demand]
        ratio = [min(0.93, max(0.02, (d - 0.5) / d * 1.6 + 0.05)) if d > 0.38 else 0.03 for d in demand]
        mets += throttle_series(ctx, ns, p, usage, ratio)
        mets.append(series(ksm("kube_pod_container_resource_limits", ns, pod=p["metadata"]["name"], container="tariff-api", resource="cpu",
                               unit="core", node=p["spec"]["nodeName"]), [0.5] * n, start="-90m"))
    for q, lo, hi in (("0.5", 0.045, 0.61), ("0.99", 0.19, 2.31)):
        vals = [lo if r < 330 else lo + (hi - lo) * min(1, (r - 330) / 260) for r in rps]
        mets.append(series({"__name__": "http_server_requests_seconds", "job": "tariff-api", "namespace": ns, "uri": "/v2/quotes", "method": "POST",
                            "status": "200", "quantile": q}, noisy(ctx, vals, 0.07, 3), start="-90m"))
    mets.append(series({"__name__": "http_server_requests_seconds_count", "job": "tariff-api", "namespace": ns, "uri": "/v2/quotes", "method": "POST",
                        "status": "200", "outcome": "SUCCESS", "exception": "none"}, cum(ctx, rps, start=882_120_441), start="-90m"))
    for nd in nodes:
        mets.append(series({"__name__": "instance:node_cpu_utilisation:rate5m", "job": "node-exporter",
                            "instance": nd["status"]["addresses"][0]["address"] + ":9100"}, noisy(ctx, seg((91, 0.18, 0.31)), 0.08, 3), start="-90m"))
    new_spec = tspec("2")
    rec = fresh_pods_item(ctx, dep, n_rev=15, spec=new_spec, nodes=nodes, old_pods=pods, ep=ep,
                          when=[{"kind": "Deployment", "namespace": ns, "name": "tariff-api", "path": "spec.template.spec.containers[0].resources.limits.cpu",
                                 "at_least": "1500m"}],
                          log=lambda p: [f"{ctx.t('+2m')}  INFO 1 --- [tariff-api] [nio-8080-exec-4] c.e.rides.tariff.QuoteController         : quote city=berlin product=standard took=38ms"])
    rec["apply"]["metrics"] = [series({"__name__": "http_server_requests_seconds", "job": "tariff-api", "namespace": ns, "uri": "/v2/quotes",
                                       "method": "POST", "status": "200", "quantile": "0.99"},
                                      next(m for m in mets if m["labels"].get("quantile") == "0.99")["values"][:-1] + [0.21], start="-90m")]
    scaled = dep.fork()
    scaled.replicas = 9
    scaled.set_rs(14, replicas=9)
    extra = [scaled.pod(scaled.rs(14), nodes[i % 4], created=ctx.dt("+15s") + timedelta(seconds=3 * i), ip=ctx.ip(nodes[i % 4])) for i in range(6)]
    rec_scale = {"when": [{"kind": "Deployment", "namespace": ns, "name": "tariff-api", "path": "spec.replicas", "at_least": 9}],
                 "apply": {"upsert": scaled.done(replicas=9, available_since="-600d", updated_at="-22d") + [refresh_endpoints(ctx, ep, pods + extra)],
                           "metrics": rec["apply"]["metrics"]}}
    trig = alert(ctx, "CPUThrottlingHigh", {"namespace": ns, "pod": pods[0]["metadata"]["name"], "container": "tariff-api", "severity": "info",
                                            "job": "kubelet"},
                 summary="Processes experience elevated CPU throttling.",
                 description=f"86.4% throttling of CPU in namespace {ns} for container tariff-api in pod {pods[0]['metadata']['name']}.",
                 starts="-27m", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/cputhrottlinghigh",
                 expr='sum(increase(container_cpu_cfs_throttled_periods_total{container!="", job="kubelet", metrics_path="/metrics/cadvisor", }[5m])) without (id, metrics_path, name, image, endpoint, job, node) / on (cluster, namespace, pod, container, instance) group_left sum(increase(container_cpu_cfs_periods_total{job="kubelet", metrics_path="/metrics/cadvisor", }[5m])) without (id, metrics_path, name, image, endpoint, job, node) > ( 25 / 100 )')
    return {
        "format": 1, "id": "tariff-api-slow-friday-evening",
        "title": "tariff-api got limits.cpu 500m from a service template three weeks ago; fine at daytime load, but Friday-evening traffic needs ~1.4 cores per pod, so it is throttled ~85% and quote p99 goes from 0.2 s to 2.3 s",
        "tags": ["cpu-saturation", "throttling", "java", "kubeadm", "evening-peak", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"alert": trig, "channel": "#rides-pricing"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec, rec_scale],
        "truth": {
            "category": "cpu_saturation",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "tariff-api"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs['metadata']['name']}-"}],
            "evidence": ["throttl", "500m|0.5 core|half a core", "limit", "traffic|requests|load|evening|peak"],
            "remediation": {
                "accepted": [act("set_resources", ns, "tariff-api", params={"container": "tariff-api", "limits": {"cpu": "2"}}),
                             act("scale_workload", ns, "tariff-api", params={"replicas": 9})],
                "checks": [{"any_of": [{"kind": "Deployment", "namespace": ns, "name": "tariff-api",
                                        "path": "spec.template.spec.containers[0].resources.limits.cpu", "at_least": "1500m"},
                                       {"kind": "Deployment", "namespace": ns, "name": "tariff-api", "path": "spec.replicas", "at_least": 9}]}],
                "forbidden": [act("restart_workload", ns, "tariff-api"), act("rollback_deployment", ns, "tariff-api"),
                              act("set_resources", ns, "ride-dispatch"), act("restart_workload", ns, "ride-dispatch")]},
            "notes": Folded(
                "Revision 14 (tariff-api 8.4.0, 22 days ago) took its resources from the platform service template v3, which adds "
                "limits.cpu 500m; the previous revision had no CPU limit. During the day each pod needs ~0.3 cores and nothing "
                "shows. From 17:00 Friday traffic triples (140 -> 610 quotes/s), demand per pod reaches ~1.4 cores, usage sits "
                "flat at exactly 0.5 cores, ~85% of CFS periods are throttled and quote p99 rises from ~0.19 s to ~2.3 s; "
                "ride-dispatch falls back to cached tariffs. The nodes are ~70% idle.\n\n"
                "Fix: raise the CPU limit (the check wants at least 1500m; 2 or removing the limit both work) or, less "
                "efficiently, scale out to at least 9 replicas. Traps: the long GC pauses and HikariCP 'Thread starvation or "
                "clock leap detected' warnings look like a JVM or database problem but are what a CPU-starved JVM prints; the "
                "readiness timeouts are the same starvation. A rollback would also drop 8.4.0 (and the limit came with it by "
                "accident, not by code); restarting changes nothing.")},
    }


def geo_tiles() -> dict:
    """geo-tiles revision 9 hard-codes GOMAXPROCS=16 under a 2-CPU limit: bursts burn the CFS quota, p99 spikes while average CPU looks low."""
    ctx = Ctx("geo-tiles-gomaxprocs", "2026-11-20T11:48:00Z")
    ns = "maps"
    nodes = pool(ctx, "gke", 4, region="us-east4", itype="c3-standard-22", pool_name="tiles-c3", cpu=22, mem_gi=88, cluster="maps-prod",
                 subnet="10.150", cidr_base=92, created="-40d")
    reg = "us-east4-docker.pkg.dev/maps-prod/tiles"

    def gspec(env_extra: list) -> dict:
        env = [{"name": "LOG_LEVEL", "value": "info"}] + env_extra + [{"name": "TILE_CACHE_MB", "value": "1024"}]
        return podspec([container("geo-tiles", f"{reg}/geo-tiles:3.12.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                  env=env, resources={"requests": {"cpu": "2", "memory": "2Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}},
                                  readiness={"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5})], sa="geo-tiles")
    dep = Deploy(ctx, ns, "geo-tiles", match={"app": "geo-tiles"}, created="-420d", replicas=4, labels={"app": "geo-tiles", "team": "maps-serving"},
                 strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2, "maxUnavailable": 0}})
    dep.rev(8, gspec([]), created="-15d", cause="geo-tiles 3.12.0")
    rs9 = dep.rev(9, gspec([{"name": "GOMAXPROCS", "value": "16"}]), created="-3d3h",
                  cause="perf: pin GOMAXPROCS to node cores (MAPS-1881)", replicas=4)
    pods = [dep.pod(rs9, nodes[i % 4], created=ctx.dt("-3d3h") + timedelta(seconds=25 * i), ip=ctx.ip(nodes[i % 4])) for i in range(4)]
    objs: list = [Comment("nodes: GKE maps-prod, pool tiles-c3 (22 vCPU each)")] + nodes
    objs.append(Comment("geo-tiles: revision 9 added GOMAXPROCS=16; the binary uses automaxprocs, which honours an explicit GOMAXPROCS"))
    objs += dep.done(available_since="-420d", updated_at="-3d3h")
    ep = endpoints(ctx, ns, "geo-tiles", ready=pods, created="-420d", ports=[{"name": "http", "port": 8080, "protocol": "TCP"}])
    objs += [service(ctx, ns, "geo-tiles", selector={"app": "geo-tiles"}, ip="10.92.80.17", created="-420d",
                     ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]), ep]
    objs.append(Comment("neighbour: geo-search (Go, no GOMAXPROCS override), same limits"))
    gs_spec = podspec([container("geo-search", f"{reg}/geo-search:1.40.2", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                 resources={"requests": {"cpu": "2", "memory": "2Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}},
                                 readiness={"httpGet": {"path": "/healthz", "port": 8080}})], sa="geo-search")
    g_objs, g_pods, _ = simple_app(ctx, ns, "geo-search", gs_spec, nodes, replicas=2, created="-420d", rs_created="-9d", rev=52,
                                   svc_ip="10.92.61.200", port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += g_objs
    rs8 = dep.rs(8)
    objs.append(Comment("events: the rollout is three days old, so only a few recent warnings remain"))
    for p in pods[:3]:
        objs.append(event(ctx, p, "Unhealthy", f'Readiness probe failed: Get "http://{p["status"]["podIP"]}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
                          type_="Warning", count=ctx.rng.randint(2, 5), first="-50m", last=f"-{ctx.rng.randint(2, 9)}m", field_path="spec.containers{geo-tiles}"))
    cluster_logs = []
    for i, p in enumerate(pods[:3]):
        start = timed(ctx, p["metadata"]["creationTimestamp"], 0.2, [
            'maxprocs: Honoring GOMAXPROCS="16" as set in environment',
            '{"level":"info","msg":"geo-tiles 3.12.0 serving","addr":":8080","gomaxprocs":16,"cache_mb":1024}'], lambda ts, ln: ln)
        reqs = []
        for j in range(8):
            t = ctx.dt("-16m") + timedelta(minutes=2 * j, seconds=9 * i)
            slow = j in (2, 5)
            reqs.append(f'{{"level":"{"warn" if slow else "info"}","ts":"{ctx.t(t)}","msg":"request","path":"/v1/tiles/{ctx.rng.randint(10, 16)}/{ctx.rng.randint(8000, 9000)}/{ctx.rng.randint(5000, 6000)}.mvt","status":200,"dur_ms":{ctx.rng.randint(380, 910) if slow else ctx.rng.randint(4, 19)}}}')
        cluster_logs.append(logs(ns, p, start + reqs))
    cluster_logs.append(logs(ns, g_pods[0], ['maxprocs: Updating GOMAXPROCS=2: determined from CPU quota',
                                             '{"level":"info","msg":"geo-search 1.40.2 serving","addr":":8080","gomaxprocs":2}']))
    # metrics: 4 days at 30 min for the change point, 60 min at 1 min for the detail
    mets = []
    n4, cut = 193, 193 - 3 * 48 - 6
    p99 = [ctx.rng.uniform(0.021, 0.034) if k < cut else ctx.rng.uniform(0.31, 0.82) for k in range(n4)]
    mets.append(series({"__name__": "geo_tiles_request_duration_seconds", "job": "geo-tiles", "namespace": ns, "quantile": "0.99", "handler": "tile"},
                       [round(v, 3) for v in p99], start="-96h", step="30m"))
    for i, p in enumerate(pods[:3]):
        usage = noisy(ctx, [0.78] * 61, 0.12, None)
        ratio = noisy(ctx, [0.58] * 61, 0.1, None)
        mets += throttle_series(ctx, ns, p, usage, ratio, start="-60m")
        mets.append(series({"__name__": "go_sched_gomaxprocs_threads", "job": "geo-tiles", "namespace": ns, "pod": p["metadata"]["name"]}, [16] * 61))
    for p in g_pods[:2]:
        mets += throttle_series(ctx, ns, p, noisy(ctx, [0.9] * 61, 0.1, None), noisy(ctx, [0.02] * 61, 0.5, None), start="-60m")
        mets.append(series({"__name__": "go_sched_gomaxprocs_threads", "job": "geo-search", "namespace": ns, "pod": p["metadata"]["name"]}, [2] * 61))
    fixed_env = [{"kind": "Deployment", "namespace": ns, "name": "geo-tiles", "path": "spec.template.spec.containers[0].env[1].value", "matches": "^[12]$"}]
    rolled = [{"kind": "Deployment", "namespace": ns, "name": "geo-tiles", "path": "spec.template.spec.containers[0].env[1].name", "equals": "TILE_CACHE_MB"}]
    bigger = [{"kind": "Deployment", "namespace": ns, "name": "geo-tiles", "path": "spec.template.spec.containers[0].resources.limits.cpu", "at_least": "16"}]
    ok_metric = [series({"__name__": "geo_tiles_request_duration_seconds", "job": "geo-tiles", "namespace": ns, "quantile": "0.99", "handler": "tile"},
                        [round(v, 3) for v in p99[:-1]] + [0.027], start="-96h", step="30m")]
    log_ok = lambda p: ['maxprocs: Updating GOMAXPROCS=2: determined from CPU quota', '{"level":"info","msg":"geo-tiles 3.12.0 serving","addr":":8080","gomaxprocs":2,"cache_mb":1024}']
    rec_env = fresh_pods_item(ctx, dep, n_rev=10, spec=gspec([{"name": "GOMAXPROCS", "value": "2"}]), nodes=nodes, when=fixed_env, old_pods=pods,
                              ep=ep, metrics=ok_metric, log=lambda p: ['{"level":"info","msg":"geo-tiles 3.12.0 serving","addr":":8080","gomaxprocs":2,"cache_mb":1024}'])
    rec_rb = rollback_item(ctx, dep, good=8, bad=9, new_n=10, nodes=nodes, when=rolled, bad_pods=pods, ep=ep, metrics=ok_metric, log=log_ok)
    big_spec = gspec([{"name": "GOMAXPROCS", "value": "16"}])
    big_spec["containers"][0]["resources"] = {"requests": {"cpu": "2", "memory": "2Gi"}, "limits": {"cpu": "16", "memory": "2Gi"}}
    rec_big = fresh_pods_item(ctx, dep, n_rev=10, spec=big_spec, nodes=nodes, when=bigger, old_pods=pods, ep=ep, metrics=ok_metric)
    return {
        "format": 1, "id": "geo-tiles-p99-spikes-low-cpu",
        "title": "geo-tiles revision 9 sets GOMAXPROCS=16 (node cores) under a 2-CPU limit; 16 threads burn the 200 ms quota in ~12 ms of each 100 ms period, so ~58% of periods are throttled and tile p99 jumped from ~30 ms to ~0.5 s while average CPU use stays under 1 core",
        "tags": ["cpu-saturation", "throttling", "go", "gomaxprocs", "gke", "config"],
        "now": ctx.now_s,
        "trigger": {"command": "tile p99 is spiking but geo-tiles cpu is only at 40%?", "channel": "#maps-serving", "user": "U0MAPS0SRE"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec_env, rec_rb, rec_big],
        "truth": {
            "category": "cpu_saturation", "also_accept": ["config_error", "bad_rollout"],
            "resource": {"kind": "Deployment", "namespace": ns, "name": "geo-tiles"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs9['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs9['metadata']['name']}-"}],
            "evidence": ["gomaxprocs", "16", "throttl", "quota|limit|2 cpu|2 cores", "revision 9|maps-1881|3 days|three days"],
            "remediation": {
                "accepted": [act("patch_resource", ns, "geo-tiles", params={"patch": {"spec": {"template": {"spec": {"containers": [
                                 {"name": "geo-tiles", "env": [{"name": "GOMAXPROCS", "value": "2"}]}]}}}}}),
                             act("rollback_deployment", ns, "geo-tiles"),
                             act("set_resources", ns, "geo-tiles", params={"container": "geo-tiles", "limits": {"cpu": "16"}, "requests": {"cpu": "2"}})],
                "checks": [{"any_of": fixed_env + rolled + bigger}],
                "forbidden": [act("scale_workload", ns, "geo-tiles"), act("restart_workload", ns, "geo-tiles"),
                              act("restart_workload", ns, "geo-search")]},
            "notes": Folded(
                "Revision 9 (three days ago, MAPS-1881 'pin GOMAXPROCS to node cores') added GOMAXPROCS=16. The binary uses "
                "automaxprocs, which honours an explicit GOMAXPROCS ('maxprocs: Honoring GOMAXPROCS=\"16\"'), so the Go runtime "
                "runs 16 threads in a container with a 2-CPU CFS quota (200 ms per 100 ms period). Any burst of tile rendering "
                "or a GC cycle spends the quota in ~12 ms and the container is frozen for the rest of the period: ~58% of "
                "periods throttled at ~0.8 cores average use, and tile p99 went from ~30 ms to 0.3-0.8 s at the rollout. "
                "geo-search, same limits and no override, runs GOMAXPROCS=2 and is barely throttled.\n\n"
                "Right fixes: set GOMAXPROCS back to the quota (patch env to 2, or remove it via rollback to revision 8), or "
                "raise the CPU limit to match 16 threads (wasteful but valid). Trap: average CPU (40% of the limit) suggests "
                "there is headroom, so scaling out looks harmless; it spreads the same throttling over more pods and is "
                "forbidden, as is a restart.")},
    }


SCENARIOS = [tariff_api, geo_tiles]
