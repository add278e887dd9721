"""Scenarios (helper scenA): memory limits and leaks."""
from __future__ import annotations

import copy
from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, cstatus, podspec, running, terminated
from scena_kit import act, fresh_pods_item, pool, refresh_endpoints, rollback_item, set_crashloop
from scena_obs import alert, cadv, cum, event, ksm, logs, noisy, pod_start_events, rollout_events, seg, series, timed
from scena_work import Deploy, configmap, endpoints, secret, service, simple_app, statefulset, sts_pod

MI = 1024 * 1024


def thumbnailer() -> dict:
    """photo-resizer's 256Mi limit was fine for 12 MP JPEGs; 48 MP HEIC uploads from a new app release get it OOMKilled."""
    ctx = Ctx("photo-resizer-48mp-heic", "2026-11-27T10:20:00Z")
    ns = "uploads"
    nodes = pool(ctx, "kubeadm", 3, region="ams1", itype="", pool_name="node", cpu=16, mem_gi=64, subnet="172.16", cidr_base=42,
                 created="-300d", names=["k8s-ams1-node-07", "k8s-ams1-node-08", "k8s-ams1-node-09"])
    for nd in nodes:
        nd["metadata"]["labels"].pop("node.kubernetes.io/instance-type")
    reg = "registry.media.example.org/uploads"
    spec = podspec([container("photo-resizer", f"{reg}/photo-resizer:2.9.3",
                              ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                              env=[{"name": "VIPS_CONCURRENCY", "value": "2"}, {"name": "MAX_PARALLEL_JOBS", "value": "2"},
                                   {"name": "OUTPUT_SIZES", "value": "160,480,1080"}, {"name": "GOMEMLIMIT", "value": "200MiB"}],
                              resources={"requests": {"cpu": "500m", "memory": "128Mi"}, "limits": {"cpu": "2", "memory": "256Mi"}},
                              readiness={"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
                              liveness={"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 5, "periodSeconds": 20})],
                   sa="photo-resizer")
    dep = Deploy(ctx, ns, "photo-resizer", match={"app": "photo-resizer"}, created="-900d", replicas=3,
                 labels={"app": "photo-resizer", "team": "uploads-platform"})
    dep.rev(11, copy.deepcopy(spec), created="-61d", cause="photo-resizer 2.9.1")
    spec_old = copy.deepcopy(spec)
    spec_old["containers"][0]["image"] = f"{reg}/photo-resizer:2.9.1"
    dep.revs[-1][1]["spec"]["template"]["spec"] = spec_old
    rs = dep.rev(12, spec, created="-24d", cause="photo-resizer 2.9.3", replicas=3)
    c = spec["containers"][0]
    pods = []
    for i, (rc, last_min) in enumerate([(9, 17), (7, 41), (8, 6)]):
        p = dep.pod(rs, nodes[i], created=ctx.dt("-24d") + timedelta(seconds=35 * i), ip=ctx.ip(nodes[i]),
                    ready_at=ctx.dt(f"-{last_min}m") + timedelta(seconds=6),
                    statuses=[cstatus(ctx, c, state=running(ctx, f"-{last_min}m"), restarts=rc,
                                      last=terminated(ctx, 137, "OOMKilled", ctx.dt(f"-{last_min}m") - timedelta(minutes=ctx.rng.randint(30, 90)),
                                                      ctx.dt(f"-{last_min}m") - timedelta(seconds=1)))])
        pods.append(p)
    objs: list = [Comment("nodes: on-prem kubeadm cluster ams1")] + nodes
    objs.append(Comment("photo-resizer: unchanged for 24 days (revision 12, 2.9.3); restarts began two days ago"))
    objs += dep.done(available_since="-900d", updated_at="-24d")
    ep = endpoints(ctx, ns, "photo-resizer", ready=pods, created="-900d", ports=[{"name": "http", "port": 8080, "protocol": "TCP"}])
    objs += [service(ctx, ns, "photo-resizer", selector={"app": "photo-resizer"}, ip="10.43.77.15", created="-900d",
                     ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]), ep]
    objs.append(Comment("neighbour: upload-api (calls photo-resizer), rolled out two hours ago"))
    api_spec = podspec([container("upload-api", f"{reg}/upload-api:4.18.0", ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                                  env=[{"name": "RESIZER_URL", "value": "http://photo-resizer.uploads.svc.cluster.local"}],
                                  resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/ready", "port": 8000}, "periodSeconds": 5})], sa="upload-api")
    old_api = copy.deepcopy(api_spec)
    old_api["containers"][0]["image"] = f"{reg}/upload-api:4.17.2"
    a_objs, a_pods, a_dep = simple_app(ctx, ns, "upload-api", api_spec, nodes, replicas=3, created="-900d", rs_created="-2h4m", rev=71,
                                       cause="upload-api 4.18.0 (album sharing)", svc_ip="10.43.12.200",
                                       old=[(70, old_api, "-9d", "upload-api 4.17.2")],
                                       port={"name": "http", "port": 80, "targetPort": 8000, "protocol": "TCP"})
    objs += a_objs
    objs.append(Comment("events"))
    for i, p in enumerate(pods):
        nd = p["spec"]["nodeName"]
        objs.append(event(ctx, next(n for n in nodes if n["metadata"]["name"] == nd), "OOMKilling",
                          f"Memory cgroup out of memory: Killed process {ctx.rng.randint(2000, 60000)} (photo-resizer) total-vm:1288412kB, "
                          f"anon-rss:{ctx.rng.randint(258000, 261500)}kB, file-rss:11204kB, shmem-rss:0kB, UID:65532 pgtables:880kB oom_score_adj:984",
                          type_="Warning", count=p["status"]["containerStatuses"][0]["restartCount"], first="-47h", component="kernel-monitor",
                          last=p["status"]["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"]))
        objs.append(event(ctx, p, "Pulled", f'Container image "{c["image"]}" already present on machine',
                          count=p["status"]["containerStatuses"][0]["restartCount"], first="-47h",
                          last=p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"], field_path="spec.containers{photo-resizer}"))
    objs += rollout_events(ctx, a_dep.obj, a_dep.rs(71), a_dep.rs(70), at="-2h4m", steps=[
        (0, "up", a_dep.rs(71), 0, 1), (31, "down", a_dep.rs(70), 3, 2), (31, "up", a_dep.rs(71), 1, 2),
        (60, "down", a_dep.rs(70), 2, 1), (60, "up", a_dep.rs(71), 2, 3), (92, "down", a_dep.rs(70), 1, 0)])
    cluster_logs = []
    for i, p in enumerate(pods):
        start = p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
        lines = timed(ctx, start, 0.4, ["level=INFO msg=\"photo-resizer 2.9.3 starting\" vips=8.15.3 concurrency=2 parallel_jobs=2",
                                        "level=INFO msg=listening addr=:8080"], lambda ts, ln: f"time={ts} {ln}")
        lines += timed(ctx, ctx.dt("-5m") - timedelta(minutes=3 * i), 20, [
            f"level=INFO msg=done upload=up_{ctx.hexs(8)} src=jpeg dims=4032x3024 sizes=160,480,1080 took_ms={ctx.rng.randint(180, 400)}"
            for _ in range(4)] + [
            f"level=INFO msg=done upload=up_{ctx.hexs(8)} src=heic dims=4284x5712 sizes=160,480,1080 took_ms={ctx.rng.randint(600, 900)}"],
            lambda ts, ln: f"time={ts} {ln}")
        prev = timed(ctx, ctx.dt(start) - timedelta(minutes=6), 30, [
            f"level=INFO msg=done upload=up_{ctx.hexs(8)} src=jpeg dims=3024x4032 sizes=160,480,1080 took_ms={ctx.rng.randint(180, 400)}",
            f"level=INFO msg=done upload=up_{ctx.hexs(8)} src=png dims=1170x2532 sizes=160,480,1080 took_ms={ctx.rng.randint(60, 120)}",
            f"level=INFO msg=start upload=up_{ctx.hexs(8)} src=heic dims=8064x6048 megapixels=48.8 decode_buffer_mib=186.1",
            f"level=INFO msg=start upload=up_{ctx.hexs(8)} src=heic dims=6048x8064 megapixels=48.8 decode_buffer_mib=186.1"],
            lambda ts, ln: f"time={ts} {ln}")
        cluster_logs += [logs(ns, p, lines), logs(ns, p, prev, previous=True)]
    for p in a_pods[:2]:
        cluster_logs.append(logs(ns, p, timed(ctx, "-25m", 150, [
            '{"lvl":"info","msg":"POST /v2/uploads 201","ms":88}',
            '{"lvl":"error","msg":"thumbnail request failed","upstream":"photo-resizer","err":"read tcp 10.44.16.21:40112->10.43.77.15:80: read: connection reset by peer","upload":"up_%s"}' % ctx.hexs(8),
            '{"lvl":"info","msg":"POST /v2/uploads 502","ms":2410}',
            '{"lvl":"info","msg":"GET /v2/albums/al_81sd 200","ms":21}',
            '{"lvl":"info","msg":"POST /v2/uploads 201","ms":97}',
            '{"lvl":"info","msg":"GET /v2/albums/al_22kq/share 200","ms":33}',
            '{"lvl":"info","msg":"POST /v2/uploads 201","ms":102}',
            '{"lvl":"error","msg":"thumbnail request failed","upstream":"photo-resizer","err":"EOF","upload":"up_%s"}' % ctx.hexs(8),
            '{"lvl":"info","msg":"POST /v2/uploads 502","ms":1980}',
            '{"lvl":"info","msg":"POST /v2/uploads 201","ms":91}'], lambda ts, ln: ln[:-1] + f',"ts":"{ts}"}}')))
    # metrics: 3 days at 30 minutes for restarts and uploads; 60 minutes at 1 minute for memory
    mets = []
    for i, p in enumerate(pods):
        rc = p["status"]["containerStatuses"][0]["restartCount"]
        vals = [0] * 49 + [min(rc, round(rc * k / 95)) for k in range(96)] + [rc]
        mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=p["metadata"]["name"], container="photo-resizer"),
                           vals[-145:], start="-72h", step="30m"))
        mets.append(series(ksm("kube_pod_container_status_last_terminated_reason", ns, pod=p["metadata"]["name"], container="photo-resizer",
                               reason="OOMKilled"), [None] * 49 + [1] * 96, start="-72h", step="30m"))
        mem = []
        for k in range(61):
            base = 92 * MI + ctx.rng.randint(-4, 6) * MI
            spike = ctx.rng.random() < 0.18
            mem.append(int(min(255.6 * MI, base + (ctx.rng.randint(70, 160) * MI if spike else 0))))
        kill = 60 - {0: 17, 1: 41, 2: 6}[i]
        mem[kill - 1] = int(255.9 * MI)
        mem[kill] = None
        mets.append(series(cadv("container_memory_working_set_bytes", ns, p), mem))
        mets.append(series(ksm("kube_pod_container_resource_limits", ns, pod=p["metadata"]["name"], container="photo-resizer",
                               resource="memory", unit="byte", node=p["spec"]["nodeName"]), [268435456] * 61))
    for fmt, share_before, share_after in (("jpeg", 0.82, 0.55), ("heic", 0.10, 0.38), ("png", 0.08, 0.07)):
        mets.append(series({"__name__": "upload_api_uploads_total", "job": "upload-api", "namespace": ns, "format": fmt},
                           cum(ctx, [2.4 * share_before] * 50 + [2.4 * share_after] * 95, start=18_220_114 if fmt == "jpeg" else 2_918_004, step_s=1800),
                           start="-72h", step="30m"))
    mets.append(series({"__name__": "http_requests_total", "job": "upload-api", "namespace": ns, "handler": "/v2/uploads", "code": "502"},
                       cum(ctx, [0.0004] * 50 + [0.04] * 95, start=88, step_s=1800, frac=0.3), start="-72h", step="30m"))
    new_spec = copy.deepcopy(spec)
    new_spec["containers"][0]["resources"]["limits"]["memory"] = "1Gi"
    rec = fresh_pods_item(ctx, dep, n_rev=13, spec=new_spec, nodes=nodes, old_pods=pods, ep=ep,
                          when=[{"kind": "Deployment", "namespace": ns, "name": "photo-resizer",
                                 "path": "spec.template.spec.containers[0].resources.limits.memory", "at_least": "512Mi"}],
                          log=lambda p: [f'time={ctx.t("+30s")} level=INFO msg="photo-resizer 2.9.3 starting" vips=8.15.3 concurrency=2 parallel_jobs=2',
                                         f'time={ctx.t("+4m")} level=INFO msg=done upload=up_{ctx.hexs(8)} src=heic dims=8064x6048 sizes=160,480,1080 took_ms=2412'])
    return {
        "format": 1, "id": "photo-resizer-restarting-since-wednesday",
        "title": "photo-resizer keeps its 256Mi limit from the 12 MP era; since the mobile app started uploading 48 MP HEIC photos two days ago, decoding two at once needs far more and the container is OOMKilled several times a day",
        "tags": ["oom-killed", "go", "libvips", "kubeadm", "workload-change", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"command": "thumbnails failing on and off, upload-api throwing 502s", "channel": "#uploads-platform", "user": "U04MEDIA77"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "oom_killed",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "photo-resizer"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs['metadata']['name']}-"}],
            "evidence": ["oomkilled|137|oom", "256mi|268435456|256 mi", "heic|48 mp|48.8|8064x6048|large", "limit"],
            "remediation": {
                "accepted": [act("set_resources", ns, "photo-resizer", params={"container": "photo-resizer", "limits": {"memory": "1Gi"}})],
                "checks": [{"kind": "Deployment", "namespace": ns, "name": "photo-resizer",
                            "path": "spec.template.spec.containers[0].resources.limits.memory", "at_least": "512Mi"}],
                "forbidden": [act("restart_workload", ns, "photo-resizer"), act("rollback_deployment", ns, "photo-resizer"),
                              act("rollback_deployment", ns, "upload-api"), act("restart_workload", ns, "upload-api"),
                              act("scale_workload", ns, "photo-resizer")]},
            "notes": Folded(
                "photo-resizer has not changed for 24 days (revision 12). Two days ago the mobile app release started uploading "
                "48.8 MP HEIC originals (upload_api_uploads_total by format: HEIC from ~10% to ~38%). Decoding one needs a ~186 MiB "
                "buffer and the service decodes two jobs at once, against a 256Mi limit sized for 12 MP photos; idle working set "
                "is ~90 MiB. Each pod has been OOMKilled 7-9 times since (lastState OOMKilled, exit 137, kernel-monitor OOMKilling "
                "events), and the previous logs end right after 'start ... src=heic dims=8064x6048'. upload-api sees connection "
                "resets and returns 502 on those uploads.\n\n"
                "Fix: raise the memory limit (set_resources; 1Gi leaves room for two 48 MP decodes, the check accepts 512Mi or "
                "more) and revisit GOMEMLIMIT. Trap: upload-api was rolled out two hours ago (4.18.0, album sharing) and its logs are "
                "full of photo-resizer errors, but the 502s and OOM kills started two days earlier; rolling it back, restarting "
                "either service or adding photo-resizer replicas does not make a 48 MP decode fit in 256Mi.")},
    }


SCENARIOS = [thumbnailer]


def session_cache() -> dict:
    """Redis cart cache: dataset grew to ~1.5 GB under a 2Gi limit; BGSAVE's fork child is OOM-killed, writes get MISCONF."""
    ctx = Ctx("cart-redis-bgsave-cow", "2026-11-24T09:31:00Z")
    ns = "cart"
    nodes = pool(ctx, "eks", 3, region="eu-west-1", itype="r6i.xlarge", pool_name="stateful-r6i", cpu=4, mem_gi=32,
                 subnet="10.70", cidr_base=70, created="-80d")
    conf = ("maxmemory 1536mb\nmaxmemory-policy allkeys-lru\nsave 3600 1 300 100 60 10000\nstop-writes-on-bgsave-error yes\n"
            "appendonly no\nrdbcompression yes\ndir /data\n")
    r_spec = podspec([container("redis", "public.ecr.aws/docker/library/redis:7.2.5", command=["redis-server", "/etc/redis/redis.conf"],
                                ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "500m", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
                                mounts=[{"name": "conf", "mountPath": "/etc/redis"}, {"name": "data", "mountPath": "/data"}],
                                readiness={"exec": {"command": ["redis-cli", "ping"]}, "periodSeconds": 10},
                                liveness={"tcpSocket": {"port": 6379}, "initialDelaySeconds": 15, "periodSeconds": 20}),
                      container("exporter", "quay.io/oliver006/redis_exporter:v1.62.0", ports=[{"name": "metrics", "containerPort": 9121, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "20m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}})],
                     volumes=[{"name": "conf", "configMap": {"name": "cart-redis-config"}}], sa="cart-redis")
    sts = statefulset(ctx, ns, "cart-redis", r_spec, match={"app": "cart-redis"}, replicas=1, created="-400d", service="cart-redis-headless",
                      claims=[{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3",
                                                                      "resources": {"requests": {"storage": "20Gi"}}}}])
    rpod = sts_pod(ctx, sts, 0, nodes[1], created="-19d", ip=ctx.ip(nodes[1]),
                   volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-cart-redis-0"}}])
    objs: list = [Comment("nodes: EKS eu-west-1, stateful-r6i node group")] + nodes
    objs.append(Comment("cart-redis: one replica, 2Gi limit, maxmemory 1536mb, RDB snapshots with stop-writes-on-bgsave-error"))
    objs += [sts, rpod, configmap(ctx, ns, "cart-redis-config", {"redis.conf": conf}, created="-400d", labels={"app": "cart-redis"}),
             service(ctx, ns, "cart-redis", selector={"app": "cart-redis"}, ip="172.20.140.3", created="-400d",
                     ports=[{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"}]),
             endpoints(ctx, ns, "cart-redis", ready=[rpod], created="-400d", ports=[{"name": "redis", "port": 6379, "protocol": "TCP"}])]
    objs.append(Comment("cart-api (Java) writes carts to cart-redis"))
    api_spec = podspec([container("cart-api", "741930274822.dkr.ecr.eu-west-1.amazonaws.com/cart/cart-api:12.4.0",
                                  ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                  env=[{"name": "SPRING_DATA_REDIS_HOST", "value": "cart-redis.cart.svc.cluster.local"}],
                                  resources={"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
                                  readiness={"httpGet": {"path": "/actuator/health/readiness", "port": 8080}, "periodSeconds": 10})],
                       sa="cart-api")
    a_objs, a_pods, _ = simple_app(ctx, ns, "cart-api", api_spec, nodes, replicas=3, created="-400d", rs_created="-8d", rev=90,
                                   cause="cart-api 12.4.0", svc_ip="172.20.66.81",
                                   port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += a_objs
    objs.append(Comment("events"))
    kills = [ctx.dt("-41m") + timedelta(seconds=26 * m + ctx.rng.randint(0, 3)) for m in range(94)]
    objs.append(event(ctx, nodes[1], "OOMKilling", f"Memory cgroup out of memory: Killed process {ctx.rng.randint(20000, 90000)} (redis-rdb-bgsave) "
                      "total-vm:1993412kB, anon-rss:421884kB, file-rss:2104kB, shmem-rss:0kB, UID:999 pgtables:3880kB oom_score_adj:-997",
                      type_="Warning", count=len(kills), first=kills[0], last=kills[-1], component="kernel-monitor"))
    objs.append(event(ctx, a_pods[0], "Unhealthy", 'Readiness probe failed: HTTP probe failed with statuscode: 503', type_="Warning", count=2,
                      first="-38m", last="-26m", field_path="spec.containers{cart-api}"))
    redis_lines = []
    for k, t in enumerate(kills):
        if 3 <= k < len(kills) - 12:
            continue
        ms = ctx.rng.randint(100, 600)
        redis_lines += [f"1:M {t:%d %b %Y %H:%M:%S}.{ms:03d} * {10000 + 37 * min(k, 40)} changes in 60 seconds. Saving...",
                        f"1:M {t:%d %b %Y %H:%M:%S}.{ms + ctx.rng.randint(20, 390):03d} * Background saving started by pid {3100 + 41 * k}",
                        f"1:M {(t + timedelta(seconds=19)):%d %b %Y %H:%M:%S}.{ctx.rng.randint(100, 999)} # Background saving terminated by signal 9"]
    early = ctx.dt("-95m")
    redis_lines = [f"1:M {early:%d %b %Y %H:%M:%S}.201 * 10000 changes in 60 seconds. Saving...",
                   f"1:M {early:%d %b %Y %H:%M:%S}.288 * Background saving started by pid 2871",
                   f"2871:C {(early + timedelta(seconds=17)):%d %b %Y %H:%M:%S}.540 * DB saved on disk",
                   f"2871:C {(early + timedelta(seconds=17)):%d %b %Y %H:%M:%S}.541 * Fork CoW for RDB: current 402 MB, peak 402 MB, average 211 MB",
                   f"1:M {(early + timedelta(seconds=17)):%d %b %Y %H:%M:%S}.612 * Background saving terminated with success"] + redis_lines
    cluster_logs = [logs(ns, rpod, redis_lines, container="redis")]
    misconf = ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify "
               "the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails "
               "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.")
    for p in a_pods:
        lines = []
        for j in range(5):
            t = ctx.dt("-33m") + timedelta(seconds=360 * j + ctx.rng.randint(0, 200))
            lines += [f"{t:%Y-%m-%dT%H:%M:%S}.{ctx.rng.randint(100, 999)}Z ERROR 1 --- [cart-api] [nio-8080-exec-{j + 2}] c.e.cart.web.CartController : PUT /v1/carts/{ctx.hexs(12)}/items failed",
                      f"org.springframework.data.redis.RedisSystemException: Error in execution; nested exception is io.lettuce.core.RedisCommandExecutionException: {misconf}",
                      "\tat org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter.convert(LettuceExceptionConverter.java:54)",
                      "\tat com.example.cart.store.RedisCartStore.save(RedisCartStore.java:88)",
                      f"{(t + timedelta(seconds=4)):%Y-%m-%dT%H:%M:%S}.{ctx.rng.randint(100, 999)}Z  INFO 1 --- [cart-api] [nio-8080-exec-{j + 5}] c.e.cart.web.CartController : GET /v1/carts/{ctx.hexs(12)} 200 3ms"]
        cluster_logs.append(logs(ns, p, lines))
    # metrics: 2 h at 1 min for redis; 7 days at 6 h for dataset growth
    inst = f"{rpod['status']['podIP']}:9121"
    used = noisy(ctx, seg((121, 1.49e9, 1.545e9)), 0.002)
    mets = [series({"__name__": "redis_memory_used_bytes", "job": "cart-redis", "namespace": ns, "instance": inst}, used, start="-120m"),
            series({"__name__": "redis_memory_max_bytes", "job": "cart-redis", "namespace": ns, "instance": inst}, [1610612736] * 121, start="-120m")]
    mets.append(series({"__name__": "redis_rdb_last_bgsave_status", "job": "cart-redis", "namespace": ns, "instance": inst}, [1] * 78 + [0] * 43, start="-120m"))
    mets.append(series({"__name__": "redis_rdb_changes_since_last_save", "job": "cart-redis", "namespace": ns, "instance": inst},
                       seg((20, 800, 9800)) + seg((58, 200, 10400)) + seg((43, 10441)), start="-120m"))
    mets[-1]["values"] = [int(v) for v in mets[-1]["values"]]
    wsb = []
    for k in range(121):
        m = ctx.rng.uniform(1.93e9, 2.09e9) if k >= 79 else 1.66e9 + ctx.rng.uniform(-1e7, 1e7)
        wsb.append(int(m))
    mets.append(series(cadv("container_memory_working_set_bytes", ns, rpod, "redis"), wsb, start="-120m"))
    mets.append(series(ksm("kube_pod_container_resource_limits", ns, pod=rpod["metadata"]["name"], container="redis", resource="memory",
                           unit="byte", node=rpod["spec"]["nodeName"]), [2147483648] * 121, start="-120m"))
    mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=rpod["metadata"]["name"], container="redis"), [0] * 121, start="-120m"))
    for p in a_pods:
        mets.append(series({"__name__": "http_server_requests_seconds_count", "job": "cart-api", "namespace": ns, "pod": p["metadata"]["name"],
                            "uri": "/v1/carts/{id}/items", "method": "PUT", "status": "500", "outcome": "SERVER_ERROR",
                            "exception": "RedisSystemException"}, cum(ctx, [0.0] * 79 + [7.5] * 42, start=12), start="-120m"))
    new_spec = copy.deepcopy(r_spec)
    new_spec["containers"][0]["resources"] = {"requests": {"cpu": "500m", "memory": "4Gi"}, "limits": {"memory": "4Gi"}}
    sts2 = copy.deepcopy(sts)
    sts2["spec"]["template"]["spec"] = new_spec
    sts2["status"]["updateRevision"] = sts2["status"]["currentRevision"] = f"cart-redis-{ctx.safe(10)}"
    rpod2 = sts_pod(ctx, sts2, 0, nodes[1], created="+40s", ip=ctx.ip(nodes[1]),
                    volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-cart-redis-0"}}])
    rpod2["metadata"]["uid"] = ctx.uid()
    when = [{"kind": "StatefulSet", "namespace": ns, "name": "cart-redis", "path": "spec.template.spec.containers[0].resources.limits.memory",
             "at_least": "3Gi"}]
    rec = {"when": when, "apply": {
        "upsert": [rpod2],
        "logs": [logs(ns, rpod2, [f"1:M {ctx.dt('+50s'):%d %b %Y %H:%M:%S}.114 * DB loaded from disk: 9.881 seconds",
                                  f"1:M {ctx.dt('+2m'):%d %b %Y %H:%M:%S}.002 * Background saving started by pid 412",
                                  f"412:C {ctx.dt('+2m20s'):%d %b %Y %H:%M:%S}.871 * Fork CoW for RDB: current 611 MB, peak 611 MB, average 322 MB",
                                  f"1:M {ctx.dt('+2m20s'):%d %b %Y %H:%M:%S}.930 * Background saving terminated with success"], container="redis")],
        "metrics": [series({"__name__": "redis_rdb_last_bgsave_status", "job": "cart-redis", "namespace": ns, "instance": inst},
                           [1] * 78 + [0] * 42 + [1], start="-120m")]}}
    return {
        "format": 1, "id": "cart-writes-failing-this-morning",
        "title": "cart-redis holds ~1.5 GB under a 2Gi limit; every BGSAVE fork needs a few hundred MB of copy-on-write, the kernel OOM-kills the redis-rdb-bgsave child, and stop-writes-on-bgsave-error turns every cart write into MISCONF",
        "tags": ["oom-killed", "redis", "bgsave", "statefulset", "eks", "no-restart"],
        "now": ctx.now_s,
        "trigger": {"alert": alert(ctx, "HighErrorRate", {"namespace": ns, "service": "cart-api", "severity": "critical", "team": "checkout"},
                                   summary="cart-api 5xx ratio above 1%",
                                   description="cart-api is failing 23.8% of PUT /v1/carts/{id}/items requests (threshold 1%).", starts="-37m",
                                   expr='sum(rate(http_server_requests_seconds_count{namespace="cart",job="cart-api",status=~"5.."}[5m])) / sum(rate(http_server_requests_seconds_count{namespace="cart",job="cart-api"}[5m])) > 0.01'),
                    "channel": "#checkout-oncall"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "oom_killed", "also_accept": ["dependency_failure"],
            "resource": {"kind": "StatefulSet", "namespace": ns, "name": "cart-redis"},
            "aliases": [{"kind": "Pod", "namespace": ns, "name_regex": "^cart-redis-0$"}],
            "evidence": ["misconf|stop-writes-on-bgsave-error", "bgsave|background saving|rdb", "signal 9|oom|killed process",
                         "2gi|2147483648|2 gi", "1536mb|1.5 gb|maxmemory|copy-on-write|cow|fork"],
            "remediation": {
                "accepted": [act("set_resources", ns, "cart-redis", "StatefulSet",
                                 params={"container": "redis", "requests": {"memory": "4Gi"}, "limits": {"memory": "4Gi"}})],
                "checks": when,
                "forbidden": [act("restart_workload", ns, "cart-api"), act("scale_workload", ns, "cart-api"),
                              act("rollback_deployment", ns, "cart-api"), act("scale_workload", ns, "cart-redis", "StatefulSet"),
                              act("delete_pod", ns, "cart-redis-0", "Pod")]},
            "notes": Folded(
                "cart-redis (one replica) has maxmemory 1536mb and a 2Gi memory limit; the dataset has grown to ~1.5 GB over the "
                "week. RDB snapshots fork the server, and copy-on-write under steady cart writes needs another ~400-600 MB (the "
                "last successful save at 07:56 reported 402 MB peak CoW). Since 08:50 every BGSAVE pushes the container past 2Gi, "
                "the kernel OOM-kills the child (kernel-monitor OOMKilling: redis-rdb-bgsave; redis log 'Background saving "
                "terminated by signal 9'), rdb_last_bgsave_status is 0, and with stop-writes-on-bgsave-error yes Redis rejects "
                "every write with MISCONF, which cart-api returns as 500. The redis container itself never restarted, so pod "
                "status looks healthy.\n\n"
                "Fix: give the redis container room for a fork (limit of at least 3Gi; 4Gi with a matching request keeps the pod "
                "Guaranteed), via set_resources on the StatefulSet; then BGSAVE succeeds and writes resume. Lowering maxmemory "
                "would also work but is not an allowed mutation. Restarting or scaling cart-api, or deleting cart-redis-0 (losing "
                "the cache and still failing the next snapshot) are wrong; the cart-api readiness 503s are a consequence.")},
    }


SCENARIOS.append(session_cache)


def ws_gateway() -> dict:
    """ws-gateway 1.14.0 adds a Redis adapter listener per connection and never removes it: V8 heap OOM every ~6 h."""
    ctx = Ctx("ws-gateway-listener-leak", "2026-11-22T21:14:00Z")
    ns = "realtime"
    nodes = pool(ctx, "gke", 3, region="asia-southeast1", itype="n2d-standard-8", pool_name="realtime-n2d", cluster="chat-prod",
                 subnet="10.148", cidr_base=80, created="-51d")
    reg = "asia-southeast1-docker.pkg.dev/chat-prod/realtime"

    def wspec(tag: str) -> dict:
        return podspec([container("ws-gateway", f"{reg}/ws-gateway:{tag}", ports=[{"name": "ws", "containerPort": 8080, "protocol": "TCP"},
                                                                                   {"name": "metrics", "containerPort": 9464, "protocol": "TCP"}],
                                  env=[{"name": "NODE_OPTIONS", "value": "--max-old-space-size=768"},
                                       {"name": "REDIS_URL", "value": "redis://chat-pubsub.realtime.svc.cluster.local:6379"}],
                                  resources={"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
                                  readiness={"httpGet": {"path": "/healthz", "port": "ws"}, "periodSeconds": 5})],
                       sa="ws-gateway", grace=60)
    dep = Deploy(ctx, ns, "ws-gateway", match={"app": "ws-gateway"}, created="-300d", replicas=4, labels={"app": "ws-gateway", "team": "chat"})
    dep.rev(25, wspec("1.12.4"), created="-30d", cause="ws-gateway 1.12.4")
    dep.rev(26, wspec("1.13.2"), created="-12d", cause="ws-gateway 1.13.2")
    rs27 = dep.rev(27, wspec("1.14.0"), created="-4d2h", cause="ws-gateway 1.14.0 (typing indicators)", replicas=4)
    c = rs27["spec"]["template"]["spec"]["containers"][0]
    fatal = {0: 212, 1: 37, 2: 151, 3: 88}
    pods = []
    for i in range(4):
        last = f"-{fatal[i]}m"
        p = dep.pod(rs27, nodes[i % 3], created=ctx.dt("-4d2h") + timedelta(seconds=20 * i), ip=ctx.ip(nodes[i % 3]),
                    ready_at=ctx.dt(last) + timedelta(seconds=5),
                    statuses=[cstatus(ctx, c, state=running(ctx, last), restarts=15 + (i % 2),
                                      last=terminated(ctx, 134, "Error", ctx.dt(last) - timedelta(minutes=352), ctx.dt(last) - timedelta(seconds=2)))])
        pods.append(p)
    objs: list = [Comment("nodes: GKE chat-prod, pool realtime-n2d")] + nodes
    objs.append(Comment("ws-gateway: revision 27 (1.14.0) since 11-18 19:14; 26 (1.13.2) ran 8 days without a restart"))
    objs += dep.done(available_since="-300d", updated_at="-4d2h")
    ep = endpoints(ctx, ns, "ws-gateway", ready=pods, created="-300d", ports=[{"name": "ws", "port": 8080, "protocol": "TCP"}])
    objs += [service(ctx, ns, "ws-gateway", selector={"app": "ws-gateway"}, ip="10.80.190.4", created="-300d",
                     ports=[{"name": "ws", "port": 80, "targetPort": "ws", "protocol": "TCP"}]), ep]
    objs.append(Comment("neighbours: chat-pubsub (redis) and chat-history (Go)"))
    r_spec = podspec([container("redis", "docker.io/library/redis:7.4.1", ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}})])
    r_objs, r_pods, _ = simple_app(ctx, ns, "chat-pubsub", r_spec, nodes[2:], replicas=1, created="-300d", rs_created="-60d", rev=4,
                                   svc_ip="10.80.33.9", port={"name": "redis", "port": 6379, "targetPort": 6379, "protocol": "TCP"})
    h_spec = podspec([container("chat-history", f"{reg}/chat-history:2.3.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                readiness={"httpGet": {"path": "/readyz", "port": 8080}})], sa="chat-history")
    h_objs, h_pods, _ = simple_app(ctx, ns, "chat-history", h_spec, nodes, replicas=2, created="-300d", rs_created="-20d", rev=19,
                                   svc_ip="10.80.71.117", port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += r_objs + h_objs
    objs.append(Comment("events (kept for 24 h in this cluster)"))
    for p in pods:
        rc = p["status"]["containerStatuses"][0]["restartCount"]
        objs.append(event(ctx, p, "Pulled", f'Container image "{c["image"]}" already present on machine', count=rc, first="-4d",
                          last=p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"], field_path="spec.containers{ws-gateway}"))
        objs.append(event(ctx, p, "Unhealthy", f'Readiness probe failed: Get "http://{p["status"]["podIP"]}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
                          type_="Warning", count=4 * rc, first="-3d20h", last=ctx.dt(p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]) - timedelta(seconds=40),
                          field_path="spec.containers{ws-gateway}"))
    warn = ("(node:1) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 message listeners added to [RedisAdapter]. "
            "MaxListeners is 10. Use emitter.setMaxListeners() to increase limit")
    fatal_log = [
        "",
        "<--- Last few GCs --->",
        "",
        "[1:0x6a3c0d0] 21093311 ms: Mark-Compact (reduce) 766.9 (781.4) -> 765.8 (779.9) MB, pooled: 0 MB, 1422.18 / 0.00 ms  (average mu = 0.151, current mu = 0.038) allocation failure; GC in old space requested",
        "[1:0x6a3c0d0] 21095062 ms: Mark-Compact (reduce) 766.2 (780.1) -> 765.9 (780.1) MB, pooled: 0 MB, 1511.40 / 0.00 ms  (average mu = 0.094, current mu = 0.029) allocation failure; GC in old space requested",
        "",
        "",
        "<--- JS stacktrace --->",
        "",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        "----- Native stack trace -----",
        "",
        " 1: 0xb8d0a3 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]",
        " 2: 0xf06250 v8::Utils::ReportOOMFailure(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]",
        " 3: 0xf06537 v8::internal::V8::FatalProcessOutOfMemory(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]",
        " 4: 0x1117e85  [node]",
        " 5: 0x112f708 v8::internal::Heap::CollectGarbage(v8::internal::AllocationSpace, v8::internal::GarbageCollectionReason, v8::GCCallbackFlags) [node]",
    ]
    cluster_logs = []
    for i, p in enumerate(pods):
        st = p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
        cur = timed(ctx, st, 0.5, ['{"level":"info","msg":"ws-gateway 1.14.0 listening","port":8080}',
                                   '{"level":"info","msg":"redis adapter connected","url":"redis://chat-pubsub.realtime.svc.cluster.local:6379"}'],
                    lambda ts, ln: ln[:-1] + f',"time":"{ts}"}}')
        cur.append(warn)
        up_min = (ctx.now - ctx.dt(st)).total_seconds() / 60
        cur += timed(ctx, ctx.dt("-20m"), 240, [f'{{"level":"info","msg":"stats","connections":{ctx.rng.randint(5200, 6900)},"rooms":{ctx.rng.randint(900, 1400)},"heap_used_mb":{int(190 + 1.6 * max(0, up_min - 20 + 4 * q))}}}'
                                                for q in range(5)], lambda ts, ln: ln[:-1] + f',"time":"{ts}"}}')
        prev = timed(ctx, ctx.dt(st) - timedelta(minutes=20), 300, [
            f'{{"level":"info","msg":"stats","connections":{ctx.rng.randint(5200, 6900)},"rooms":1288,"heap_used_mb":{741 + 6 * k}}}' for k in range(4)],
            lambda ts, ln: ln[:-1] + f',"time":"{ts}"}}')
        prev += ['{"level":"warn","msg":"event loop lag high","lag_ms":1840}'] + fatal_log
        cluster_logs += [logs(ns, p, cur), logs(ns, p, prev, previous=True)]
    cluster_logs.append(logs(ns, h_pods[0], timed(ctx, "-15m", 180, ["level=info msg=\"GET /v1/rooms/history\" status=200 dur=14ms"] * 5,
                                                  lambda ts, ln: f"ts={ts} {ln}")))
    # metrics: 6 days at 30 min; revision 27 pods start at index 191 (4d2h ago)
    n, cut = 289, 288 - 196
    mets = []
    old_names = [f"{dep.rs(26)['metadata']['name']}-{s}" for s in ("9kqzt", "vd2mx", "l4wrs", "5tnbh")]
    for i, p in enumerate(pods):
        heap_old = [ctx.rng.uniform(170, 210) * MI if k < cut else None for k in range(n)]
        heap_new: list = [None] * cut
        period = 12  # ~6 h at 30 min steps
        phase = ctx.rng.randint(0, period - 1)
        for k in range(cut, n):
            pos = (k - cut + phase) % period
            heap_new.append((190 + 48 * pos + ctx.rng.uniform(-8, 8)) * MI)
        mets.append(series({"__name__": "nodejs_heap_size_used_bytes", "job": "ws-gateway", "namespace": ns, "pod": old_names[i]},
                           [round(v) if v else None for v in heap_old], start="-144h", step="30m"))
        mets.append(series({"__name__": "nodejs_heap_size_used_bytes", "job": "ws-gateway", "namespace": ns, "pod": p["metadata"]["name"]},
                           [round(v) if v else None for v in heap_new], start="-144h", step="30m"))
        rc = p["status"]["containerStatuses"][0]["restartCount"]
        mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=p["metadata"]["name"], container="ws-gateway"),
                           [None] * cut + [min(rc, (k - cut) // 12) for k in range(cut, n)], start="-144h", step="30m"))
        mets.append(series({"__name__": "nodejs_eventemitter_listeners", "job": "ws-gateway", "namespace": ns, "pod": p["metadata"]["name"],
                            "emitter": "RedisAdapter", "event": "message"},
                           [None] * cut + [int(((k - cut + phase) % period) * 1900 + 11) for k in range(cut, n)], start="-144h", step="30m"))
    mets.append(series({"__name__": "ws_gateway_disconnects_total", "job": "ws-gateway", "namespace": ns, "reason": "server_restart"},
                       cum(ctx, [0.0] * cut + [1.1] * (n - cut), start=2211, step_s=1800, frac=0.5), start="-144h", step="30m"))
    rec = rollback_item(ctx, dep, good=26, bad=27, new_n=28, nodes=nodes, bad_pods=pods, ep=ep,
                        when=[{"kind": "Deployment", "namespace": ns, "name": "ws-gateway", "path": "spec.template.spec.containers[0].image",
                               "equals": f"{reg}/ws-gateway:1.13.2"}],
                        log=lambda p: [f'{{"level":"info","msg":"ws-gateway 1.13.2 listening","port":8080,"time":"{ctx.t("+40s")}"}}'])
    return {
        "format": 1, "id": "ws-gateway-disconnects-every-few-hours",
        "title": "ws-gateway 1.14.0 registers a RedisAdapter message listener per connection and never removes it; the V8 heap grows ~48 MB per 30 min and every pod dies with 'JavaScript heap out of memory' (exit 134) about every 6 hours, dropping all its websockets",
        "tags": ["memory-leak", "nodejs", "v8-heap", "gke", "rollback"],
        "now": ctx.now_s,
        "trigger": {"command": "chat users get disconnected every few hours", "channel": "#chat-oncall", "user": "U09CHATSRE"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "memory_leak", "also_accept": ["bad_rollout"],
            "resource": {"kind": "Deployment", "namespace": ns, "name": "ws-gateway"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs27['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs27['metadata']['name']}-"}],
            "evidence": ["heap out of memory|heap limit", "maxlistenersexceeded|listener|eventemitter", "1.14.0",
                         "1.13.2|revision 26", "134|exit code 134|restart"],
            "remediation": {
                "accepted": [act("rollback_deployment", ns, "ws-gateway")],
                "checks": [{"kind": "Deployment", "namespace": ns, "name": "ws-gateway", "path": "spec.template.spec.containers[0].image",
                            "equals": f"{reg}/ws-gateway:1.13.2"}],
                "forbidden": [act("set_resources", ns, "ws-gateway"), act("scale_workload", ns, "ws-gateway"),
                              act("restart_workload", ns, "chat-pubsub")]},
            "notes": Folded(
                "Since ws-gateway 1.14.0 (revision 27, four days ago) every pod's V8 heap climbs linearly from ~190 MB to the "
                "768 MB --max-old-space-size in about six hours, then Node aborts with 'FATAL ERROR: Reached heap limit Allocation "
                "failed - JavaScript heap out of memory' (exit 134, reason Error, not OOMKilled: the container limit is 1Gi and the "
                "V8 limit hits first). restartCount is 15-16 per pod, each restart disconnecting ~6k websocket clients. Right after "
                "each start the log shows MaxListenersExceededWarning on RedisAdapter 'message', and the listener count metric grows "
                "with the heap: the typing-indicator feature subscribes per connection and never unsubscribes. Revision 26 "
                "(1.13.2) held a flat ~190 MB for eight days.\n\n"
                "Roll back to revision 26; the leak needs a code fix before 1.14 returns. Raising the limit only stretches the "
                "cycle, scaling adds more leaking pods, and restarting the pods is what already happens every six hours. The "
                "readiness timeouts right before each crash are the event loop stalling in full GCs.")},
    }


SCENARIOS.append(ws_gateway)


def report_api() -> dict:
    """report-api's KPI lru_cache is unbounded (KPI_CACHE_MAXSIZE=0); a live dashboard polls unique time windows, workers grow until the kernel kills them."""
    ctx = Ctx("report-api-unbounded-kpi-cache", "2026-11-25T08:02:00Z")
    ns = "analytics"
    nodes = pool(ctx, "aks", 3, region="germanywestcentral", itype="Standard_E8s_v5", pool_name="apps", cpu=8, mem_gi=64, cluster="bi-prod",
                 subnet="10.12", cidr_base=12, created="-70d")
    acr = "acrbiprod.azurecr.io/analytics"
    env = [{"name": "GUNICORN_CMD_ARGS", "value": "--workers 4 --threads 1 --timeout 60 --bind 0.0.0.0:8000"},
           {"name": "WAREHOUSE_DSN", "valueFrom": {"secretKeyRef": {"name": "report-api-warehouse", "key": "dsn"}}},
           {"name": "KPI_CACHE_MAXSIZE", "value": "0"},
           {"name": "PROMETHEUS_MULTIPROC_DIR", "value": "/tmp/prom"}]
    spec = podspec([container("report-api", f"{acr}/report-api:3.3.1", command=["gunicorn", "report_api.wsgi:application"],
                              ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}], env=env,
                              resources={"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "2Gi"}},
                              readiness={"httpGet": {"path": "/healthz", "port": 8000}, "periodSeconds": 10, "timeoutSeconds": 2},
                              mounts=[{"name": "prom", "mountPath": "/tmp/prom"}])],
                   sa="report-api", volumes=[{"name": "prom", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}])
    dep = Deploy(ctx, ns, "report-api", match={"app.kubernetes.io/name": "report-api"}, created="-500d", replicas=3,
                 labels={"app.kubernetes.io/name": "report-api", "team": "bi-platform"})
    old_spec = copy.deepcopy(spec)
    old_spec["containers"][0]["image"] = f"{acr}/report-api:3.2.7"
    dep.rev(7, old_spec, created="-41d", cause="report-api 3.2.7")
    rs = dep.rev(8, spec, created="-20d", cause="report-api 3.3.1 (KPI endpoint, cache size from KPI_CACHE_MAXSIZE)", replicas=3)
    pods = [dep.pod(rs, nodes[i], created=ctx.dt("-20d") + timedelta(seconds=40 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    objs: list = [Comment("nodes: AKS bi-prod, user pool 'apps'")] + nodes
    objs.append(Comment("report-api: revision 8 for 20 days; containers never restarted (the kernel kills gunicorn workers, not PID 1)"))
    objs += dep.done(available_since="-500d", updated_at="-20d")
    ep = endpoints(ctx, ns, "report-api", ready=pods, created="-500d", labels={"app.kubernetes.io/name": "report-api"},
                   ports=[{"name": "http", "port": 8000, "protocol": "TCP"}])
    objs += [service(ctx, ns, "report-api", selector={"app.kubernetes.io/name": "report-api"}, ip="10.0.51.208", created="-500d",
                     labels={"app.kubernetes.io/name": "report-api"}, ports=[{"name": "http", "port": 80, "targetPort": 8000, "protocol": "TCP"}]),
             ep, secret(ctx, ns, "report-api-warehouse", {"dsn": "cG9zdGdyZXNxbDovL3JlcG9ydGluZzpPcDJ4LVQ5dnFAc3luYXBzZS1iaS1wcm9kLnNxbC5henVyZXN5bmFwc2UubmV0OjU0MzIvYmk="})]
    objs.append(Comment("neighbour: dashboard-web, whose 'live KPIs' page (four days ago) polls report-api every 10 s"))
    d_spec = podspec([container("dashboard-web", f"{acr}/dashboard-web:2026.11.21", ports=[{"name": "http", "containerPort": 3000, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                readiness={"httpGet": {"path": "/api/health", "port": 3000}})], sa="dashboard-web")
    d_old = copy.deepcopy(d_spec)
    d_old["containers"][0]["image"] = f"{acr}/dashboard-web:2026.11.07"
    d_objs, d_pods, d_dep = simple_app(ctx, ns, "dashboard-web", d_spec, nodes, replicas=2, created="-500d", rs_created="-4d1h", rev=44,
                                       cause="dashboard-web 2026.11.21 (live KPI page)", svc_ip="10.0.88.13",
                                       old=[(43, d_old, "-18d", "dashboard-web 2026.11.07")],
                                       port={"name": "http", "port": 80, "targetPort": 3000, "protocol": "TCP"})
    objs += d_objs
    objs.append(Comment("events"))
    for i, p in enumerate(pods):
        nd = next(n for n in nodes if n["metadata"]["name"] == p["spec"]["nodeName"])
        objs.append(event(ctx, nd, "OOMKilling", f"Memory cgroup out of memory: Killed process {ctx.rng.randint(300, 9000)} (gunicorn) total-vm:812344kB, "
                          f"anon-rss:{ctx.rng.randint(560000, 640000)}kB, file-rss:21380kB, shmem-rss:1024kB, UID:1000 pgtables:1412kB oom_score_adj:938",
                          type_="Warning", count=12 + 3 * i, first="-3d22h", last=f"-{[12, 71, 38][i]}m", component="kernel-monitor"))
    objs.append(event(ctx, pods[1], "Unhealthy", f'Readiness probe failed: Get "http://{pods[1]["status"]["podIP"]}:8000/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
                      type_="Warning", count=3, first="-73m", last="-71m", field_path="spec.containers{report-api}"))
    cluster_logs = []
    for i, p in enumerate(pods):
        lines = []
        kill_at = ctx.dt(f"-{[12, 71, 38][i]}m")
        for j in range(6):
            t = kill_at - timedelta(minutes=50) + timedelta(minutes=9 * j)
            lines.append(f'10.12.{8 * (j % 3 + 1)}.{ctx.rng.randint(10, 90)} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /v1/kpi?tenant=t-{ctx.rng.randint(100, 999)}&from={int(t.timestamp()) - 900}&to={int(t.timestamp())} HTTP/1.1" 200 {ctx.rng.randint(900, 3000)} "-" "dashboard-web/2026.11.21"')
            lines.append(f'10.12.{8 * (j % 3 + 1)}.{ctx.rng.randint(10, 90)} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /v1/reports/monthly?tenant=t-{ctx.rng.randint(100, 999)} HTTP/1.1" 200 {ctx.rng.randint(20000, 90000)} "-" "python-requests/2.32.3"')
        pid = ctx.rng.randint(300, 9000)
        lines += [f"[{kill_at:%Y-%m-%d %H:%M:%S} +0000] [1] [ERROR] Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?",
                  f"[{kill_at:%Y-%m-%d %H:%M:%S} +0000] [{pid + 97}] [INFO] Booting worker with pid: {pid + 97}"]
        for j in range(3):
            t = kill_at + timedelta(minutes=3 + 4 * j)
            if t < ctx.now:
                lines.append(f'10.12.8.{ctx.rng.randint(10, 90)} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /v1/kpi?tenant=t-{ctx.rng.randint(100, 999)}&from={int(t.timestamp()) - 900}&to={int(t.timestamp())} HTTP/1.1" 200 1877 "-" "dashboard-web/2026.11.21"')
        cluster_logs.append(logs(ns, p, lines))
    cluster_logs.append(logs(ns, d_pods[0], timed(ctx, "-10m", 60, ["GET /live/kpis 200 41ms", "GET /api/kpi-proxy 200 212ms", "GET /api/kpi-proxy 502 30012ms",
                                                                   "GET /api/kpi-proxy 200 198ms", "GET /api/health 200 1ms"], lambda ts, ln: f"{ts} {ln}")))
    # metrics: 48 h at 15 min
    n = 193
    mets = []
    for i, p in enumerate(pods):
        ws, cache = [], []
        level, entries = 0.62e9, 1200
        for k in range(n):
            level += ctx.rng.uniform(0.018e9, 0.026e9)
            entries += ctx.rng.randint(1300, 1800)
            if level > 2.1e9:
                level = 1.62e9 + ctx.rng.uniform(-0.05e9, 0.05e9)
                entries = int(entries * 0.74)
            ws.append(int(level))
            cache.append(entries)
        mets.append(series(cadv("container_memory_working_set_bytes", ns, p), ws, start="-48h", step="15m"))
        mets.append(series({"__name__": "report_api_kpi_cache_currsize", "job": "report-api", "namespace": ns, "pod": p["metadata"]["name"]},
                           cache, start="-48h", step="15m"))
        mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=p["metadata"]["name"], container="report-api"), [0] * n,
                           start="-48h", step="15m"))
    mets.append(series({"__name__": "nginx_ingress_controller_requests", "job": "ingress-nginx", "namespace": ns, "ingress": "report-api",
                        "service": "report-api", "status": "502", "method": "GET", "controller_class": "k8s.io/ingress-nginx"},
                       cum(ctx, [0.004] * n, start=310, step_s=900, frac=0.9), start="-48h", step="15m"))
    mets.append(series({"__name__": "nginx_ingress_controller_requests", "job": "ingress-nginx", "namespace": ns, "ingress": "report-api",
                        "service": "report-api", "status": "200", "method": "GET", "controller_class": "k8s.io/ingress-nginx"},
                       cum(ctx, [19.0] * n, start=91_004_812, step_s=900), start="-48h", step="15m"))
    restarted = [{"kind": "Deployment", "namespace": ns, "name": "report-api",
                  "path": 'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]', "exists": True}]
    bounded = [{"kind": "Deployment", "namespace": ns, "name": "report-api", "path": "spec.template.spec.containers[0].env[2].value",
                "not_equals": "0"}]
    fresh_logs = lambda p: [f"[{ctx.dt('+30s'):%Y-%m-%d %H:%M:%S} +0000] [1] [INFO] Starting gunicorn 23.0.0",
                            f"[{ctx.dt('+30s'):%Y-%m-%d %H:%M:%S} +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
                            f"[{ctx.dt('+31s'):%Y-%m-%d %H:%M:%S} +0000] [8] [INFO] Booting worker with pid: 8"]
    b_spec = copy.deepcopy(spec)
    b_spec["containers"][0]["env"][2]["value"] = "4096"
    r_spec = copy.deepcopy(spec)
    rec_bounded = fresh_pods_item(ctx, dep, n_rev=9, spec=b_spec, nodes=nodes, when=bounded, old_pods=pods, ep=ep, log=fresh_logs)
    rec_restart = fresh_pods_item(ctx, dep, n_rev=9, spec=r_spec, nodes=nodes, when=restarted, old_pods=pods, ep=ep, log=fresh_logs)
    return {
        "format": 1, "id": "report-api-errors-every-few-hours",
        "title": "report-api 3.3.1 memoises KPI results in an unbounded lru_cache (KPI_CACHE_MAXSIZE=0); since dashboard-web's live KPI page polls unique 15-minute windows, every gunicorn worker grows until the kernel OOM-kills it (no container restart, just SIGKILLed workers and 502s)",
        "tags": ["memory-leak", "python", "gunicorn", "aks", "cache", "no-restart", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"command": "report-api throws 502s every couple of hours, pods show 0 restarts", "channel": "#bi-platform", "user": "U0BIPLAT1"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec_bounded, rec_restart],
        "truth": {
            "category": "memory_leak",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "report-api"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs['metadata']['name']}-"}],
            "evidence": ["sigkill|perhaps out of memory|oomkilling|oom", "kpi_cache|cache", "kpi_cache_maxsize|unbounded|maxsize",
                         "2gi|2147483648|limit", "grow|climb|increas|leak"],
            "remediation": {
                "accepted": [act("patch_resource", ns, "report-api", params={"patch": {"spec": {"template": {"spec": {"containers": [
                                 {"name": "report-api", "env": [{"name": "KPI_CACHE_MAXSIZE", "value": "4096"}]}]}}}}}),
                             act("restart_workload", ns, "report-api")],
                "checks": [{"any_of": restarted + bounded}],
                "forbidden": [act("set_resources", ns, "report-api"), act("scale_workload", ns, "report-api"),
                              act("rollback_deployment", ns, "report-api"), act("rollback_deployment", ns, "dashboard-web")]},
            "notes": Folded(
                "report-api 3.3.1 (revision 8, 20 days old) caches compute_kpis() results in an lru_cache sized by "
                "KPI_CACHE_MAXSIZE, which the Deployment sets to 0, i.e. unbounded. Four days ago dashboard-web shipped a live KPI "
                "page that polls /v1/kpi every 10 s with from/to set to the last 15 minutes, so every call is a new cache key: "
                "report_api_kpi_cache_currsize climbs steadily and each pod's working set saws between ~1.6 and 2.1 GB. When the "
                "container reaches its 2Gi limit the kernel OOM-kills the largest gunicorn worker (kernel-monitor OOMKilling "
                "'gunicorn', gunicorn master: 'Worker ... was sent SIGKILL! Perhaps out of memory?'), in-flight requests fail "
                "with 502 at the ingress, and the master boots a new worker. PID 1 survives, so restartCount is 0 and there is no "
                "OOMKilled lastState.\n\n"
                "Right fixes: bound the cache (patch KPI_CACHE_MAXSIZE to a positive size, which rolls the pods with an empty "
                "cache) or, as a stopgap, restart the Deployment; the report must say the cache needs a bound either way. Traps: "
                "raising the limit only stretches the cycle; rolling back report-api to 3.2.7 removes the KPI endpoint the "
                "dashboard needs; rolling back dashboard-web (the trigger) removes a feature instead of fixing the cache; scaling "
                "out adds more caches.")},
    }


SCENARIOS.append(report_api)
