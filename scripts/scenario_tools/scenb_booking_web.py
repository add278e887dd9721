"""Scenario booking-web-restarts-during-evening-peak: the liveness probe was moved to a deep health check."""
from __future__ import annotations

from datetime import timedelta

from scenb_kit import (Scenario, ago, container, counter, gauge, histogram, http_probe, mutate, piecewise, res, running,
                       steps, template)

sc = Scenario("booking-web-restarts-during-evening-peak",
              title="Revision 41 of booking-web pointed the liveness probe (1s timeout) at /healthz, a deep check that also "
                    "pings OpenSearch; at the Sunday-evening peak the search cluster answers in 1-2.5s, the kubelet kills healthy "
                    "pods and customers get 502s",
              now="2026-11-29T19:34:00Z",
              tags=["probe-failure", "liveness", "deep-health-check", "django", "eks", "restarts", "red-herring"])
sc.command("booking-web pods keep restarting, customers getting 502s", channel="#travel-oncall", user="U09TRAVEL3")

NODES = []
for i, (ip, zone) in enumerate([("10.90.10.21", "eu-west-1a"), ("10.90.26.144", "eu-west-1b"), ("10.90.42.7", "eu-west-1c"),
                                ("10.90.12.199", "eu-west-1a"), ("10.90.29.62", "eu-west-1b"), ("10.90.45.230", "eu-west-1c")]):
    n = f"ip-{ip.replace('.', '-')}.eu-west-1.compute.internal"
    sc.node(n, flavour="eks", zone=zone, instance="m7i.2xlarge", cpu=8, mem_gib=30.9, ip=ip, pool="web-m7i", created=f"-{9 + i}d{i}h",
            mem_reserved_ki=1_750_000, pods=58, cpu_reserved_m=90)
    NODES.append(n)

REG = "981274406123.dkr.ecr.eu-west-1.amazonaws.com/travel"
BW = {"app": "booking-web", "tier": "frontend"}


def bw(tag: str, live: str, ready: str) -> dict:
    return template(dict(BW), [container(
        "web", f"{REG}/booking-web:{tag}",
        command=["gunicorn", "booking.wsgi:application", "--bind=0.0.0.0:8000", "--workers=4", "--threads=8", "--worker-class=gthread",
                 "--timeout=30", "--graceful-timeout=25", "--access-logfile=-"],
        ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
        env=[{"name": "DJANGO_SETTINGS_MODULE", "value": "booking.settings.production"},
             {"name": "SEARCH_URL", "value": "https://search-os.travel.svc.cluster.local:9200"},
             {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "booking-web", "key": "database-url"}}},
             {"name": "CACHE_URL", "value": "redis://booking-cache.travel.svc.cluster.local:6379/1"}],
        resources=res("1", "1536Mi", None, "2Gi"),
        readinessProbe=http_probe(ready, "http", period=5, timeout=1, failure=3),
        livenessProbe=http_probe(live, "http", period=10, timeout=1, failure=3, initial=15))],
        serviceAccountName="booking-web", terminationGracePeriodSeconds=30)


revs = [{"rev": 39, "created": "-16d3h12m", "template": bw("2026.11.13.2", "/livez", "/readyz"), "cause": "booking-web 2026.11.13.2"},
        {"rev": 40, "created": "-6d4h41m", "template": bw("2026.11.23.1", "/livez", "/readyz"), "cause": "booking-web 2026.11.23.1"},
        {"rev": 41, "created": "-2d8h14m", "template": bw("2026.11.23.1", "/healthz", "/healthz"), "cause": "PLAT-812 probe consolidation: liveness and readiness on /healthz"}]
dep = sc.deployment("travel", "booking-web", labels={**BW, "team": "booking"}, selector=BW, revisions=revs, replicas=6, created="-610d", generation=88)
rs41 = dep["_rs"][2]
# restarts since the evening peak started at ~18:05; two containers are between kills right now
spec = [(7, ago(m=3, s=41), True), (5, ago(m=11, s=2), True), (9, ago(m=1, s=12), False), (6, ago(m=7, s=55), True), (4, ago(m=19, s=40), True), (8, ago(s=48), False)]
pods = []
for i, (restarts, started, ready) in enumerate(spec):
    created = ago(d=2, h=8, m=13, s=50 - 7 * i)
    st = sc.clock.dt(started)
    last_end = st - timedelta(seconds=2)
    last_start = st - timedelta(minutes=6 + i)
    pods.append(sc.pod(rs41, node=NODES[i], created=created, states={"web": running(started, ready=ready)}, restarts={"web": restarts},
                       last={"web": {"code": 137, "reason": "Error", "start": sc.clock.ts(last_start), "end": sc.clock.ts(last_end)}}))
dep["status"] = {"observedGeneration": 88, "replicas": 6, "updatedReplicas": 6, "readyReplicas": 4, "availableReplicas": 4, "unavailableReplicas": 2,
                 "conditions": [
                     {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": f"ReplicaSet \"{rs41['metadata']['name']}\" has successfully progressed.",
                      "lastUpdateTime": sc.ts("-2d8h10m"), "lastTransitionTime": sc.ts("-610d")},
                     {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
                      "lastUpdateTime": sc.ts(ago(m=1, s=12)), "lastTransitionTime": sc.ts(ago(m=22))}]}
svc, _ = sc.service("travel", "booking-web", selector=BW, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-610d",
                    cluster_ip="172.20.81.33", labels=BW, pods=pods)

# events
for i, p in enumerate(pods):
    ip = p["status"]["podIP"]
    fp = "spec.containers{web}"
    sc.event(p, "Unhealthy", f"Liveness probe failed: Get \"http://{ip}:8000/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
             type="Warning", first=ago(h=1, m=27, s=11 + i), last=ago(s=30 + 41 * i), count=3 * spec[i][0] + 4 + i, field_path=fp)
    sc.event(p, "Unhealthy", f"Readiness probe failed: Get \"http://{ip}:8000/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
             type="Warning", first=ago(h=1, m=28, s=3 + i), last=ago(s=12 + 37 * i), count=7 * spec[i][0] + 11, field_path=fp)
    sc.event(p, "Killing", "Container web failed liveness probe, will be restarted", first=ago(h=1, m=26, s=50 - i), last=sc.dt_after(spec[i][1], -3),
             count=spec[i][0], field_path=fp)
    sc.event(p, "Pulled", f"Container image \"{REG}/booking-web:2026.11.23.1\" already present on machine", first=ago(h=1, m=26, s=20 - i),
             last=sc.dt_after(spec[i][1], -1), count=spec[i][0], field_path=fp)
    sc.event(p, "Started", "Started container web", first=ago(h=1, m=26, s=19 - i), last=spec[i][1], count=spec[i][0] + 1, field_path=fp)
sc.event(dep, "ScalingReplicaSet", f"Scaled down replica set {dep['_rs'][1]['metadata']['name']} from 1 to 0", first="-2d8h10m", component="deployment-controller")

# neighbours: search (OpenSearch), cache, booking-api; ingress controller in its own namespace
os_t = template({"app": "search-os"}, [container("opensearch", "public.ecr.aws/opensearchproject/opensearch:2.15.0",
                ports=[{"name": "http", "containerPort": 9200, "protocol": "TCP"}], resources=res("2", "8Gi", None, "8Gi"),
                env=[{"name": "OPENSEARCH_JAVA_OPTS", "value": "-Xms4g -Xmx4g"}])])
osts = sc.statefulset("travel", "search-os", labels={"app": "search-os"}, selector={"app": "search-os"}, template=os_t, replicas=3, created="-610d", service="search-os")
ospods = [sc.pod(osts, node=NODES[i + 3], name=f"search-os-{i}", created=f"-44d{i}h", states={"opensearch": running(f"-44d{i}h")}) for i in range(3)]
sc.service("travel", "search-os", selector={"app": "search-os"}, ports=[{"name": "http", "port": 9200, "targetPort": "http", "protocol": "TCP"}],
           created="-610d", cluster_ip="172.20.4.120", pods=ospods)
api = sc.app("travel", "booking-api", f"{REG}/booking-api:5.8.2", nodes=NODES[:3], created="-610d", rev=63, rev_created="-4d2h", cause="booking-api 5.8.2",
             probe="/livez", cluster_ip="172.20.150.5", team="booking", resources=res("500m", "1Gi", None, "1Gi"))
ingp = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"}
ing = sc.app("ingress-nginx", "ingress-nginx-controller", "registry.k8s.io/ingress-nginx/controller:v1.11.3", nodes=NODES[3:5], created="-610d",
             rev=12, rev_created="-38d", cause=None, port=80, probe="/healthz", cluster_ip="172.20.0.180", labels=ingp,
             resources=res("200m", "256Mi", None, "512Mi"))
sc.obj("networking.k8s.io/v1", "Ingress", "booking-web", "travel", created="-610d", labels=dict(BW),
       annotations={"nginx.ingress.kubernetes.io/proxy-read-timeout": "30", "nginx.ingress.kubernetes.io/proxy-next-upstream": "error timeout"},
       spec={"ingressClassName": "nginx", "tls": [{"hosts": ["book.example-travel.com"], "secretName": "book-tls"}],
             "rules": [{"host": "book.example-travel.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                                                                                 "backend": {"service": {"name": "booking-web", "port": {"name": "http"}}}}]}}]},
       status={"loadBalancer": {"ingress": [{"hostname": "k8s-ingressn-ingressn-7f3a2c1d0e-41d9c8b2a7e5f6a1.elb.eu-west-1.amazonaws.com"}]}})

# logs: booking-web current container (health checks slow, healthy app), previous container (killed mid-flight)
for i, p in enumerate(pods[:3]):
    t0 = p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
    lines = [sc.fmt(t0, "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Starting gunicorn 23.0.0"),
             sc.fmt(t0, "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)"),
             sc.fmt(t0, "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Using worker: gthread")]
    for k, t in enumerate(sc.ticks(max(sc.dt_after(t0, 6), sc.ts("-150s")), "-5s", 3.1, jitter=0.8)):
        if k % 4 == 0:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S,%f WARNING booking.health healthz slow: db=3ms cache=1ms search=" + str(1100 + (k * 379) % 1500) + "ms total=" + str(1110 + (k * 379) % 1500) + "ms"))
            lines.append(sc.fmt(t + timedelta(milliseconds=1200), "10.90." + ("10", "26", "42")[i] + ".1 - - [%d/%b/%Y:%H:%M:%S +0000] \"GET /healthz HTTP/1.1\" 200 17 \"-\" \"kube-probe/1.31\""))
        elif k % 7 == 3:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S,%f WARNING booking.search slow search query hotels q='sydney' took 1.93s (opensearch)"))
        else:
            lines.append(sc.fmt(t, "10.90.12.40 - - [%d/%b/%Y:%H:%M:%S +0000] \"GET /hotels/" + str(40121 + k) + "/availability?from=2026-12-18&nights=3 HTTP/1.1\" 200 " + str(18000 + 77 * k) + " \"https://book.example-travel.com/\" \"Mozilla/5.0\""))
    sc.log(p, lines)
    sc.log(p, [sc.fmt(sc.dt_after(t0, -70), "%Y-%m-%d %H:%M:%S,%f WARNING booking.health healthz slow: db=4ms cache=1ms search=2217ms total=2226ms"),
               sc.fmt(sc.dt_after(t0, -41), "%Y-%m-%d %H:%M:%S,%f WARNING booking.health healthz slow: db=3ms cache=1ms search=1684ms total=1691ms"),
               sc.fmt(sc.dt_after(t0, -32), "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Handling signal: term"),
               sc.fmt(sc.dt_after(t0, -32), "[%Y-%m-%d %H:%M:%S +0000] [9] [INFO] Worker exiting (pid: 9)"),
               sc.fmt(sc.dt_after(t0, -31), "[%Y-%m-%d %H:%M:%S +0000] [11] [INFO] Worker exiting (pid: 11)"),
               sc.fmt(sc.dt_after(t0, -8), "[%Y-%m-%d %H:%M:%S +0000] [1] [WARNING] Worker graceful timeout (pid:14)")], previous=True)
ctl = ing["_pods"][0]
sc.log(ctl, [sc.fmt(t, "%Y/%m/%d %H:%M:%S [error] 31#31: *" + str(8812345 + k * 97) + " upstream prematurely closed connection while reading response header from upstream, client: 203.0.113." + str(k % 250) +
                    ", server: book.example-travel.com, request: \"GET /hotels/" + str(40100 + k) + "/availability HTTP/2.0\", upstream: \"http://" + pods[k % 6]["status"]["podIP"] + ":8000/hotels/" + str(40100 + k) + "/availability\", host: \"book.example-travel.com\"")
             if k % 3 == 0 else
             sc.fmt(t, "203.0.113." + str(k % 250) + " - - [%d/%b/%Y:%H:%M:%S +0000] \"GET /hotels/" + str(40100 + k) + "/availability HTTP/2.0\" " + ("502 150" if k % 3 == 1 else "200 18211") + " \"-\" \"Mozilla/5.0\" 61 " + ("0.874" if k % 3 == 1 else "0.212") + " [travel-booking-web-http] [] " + pods[(k + 1) % 6]["status"]["podIP"] + ":8000 " + ("0" if k % 3 == 1 else "18211") + " " + ("0.874" if k % 3 == 1 else "0.212") + " " + ("502" if k % 3 == 1 else "200") + " " + sc.ids.hexs(32, "reqid", k))
             for k, t in enumerate(sc.ticks("-4m", "-5s", 2.5, jitter=0.9))])
sc.log(ospods[0], ["[2026-11-29T19:33:12,880][WARN ][o.o.i.s.IndexSearcherWrapper] [search-os-0] search thread pool queue at 812/1000, rejected=0",
                   "[2026-11-29T19:33:41,101][INFO ][o.o.m.j.JvmGcMonitorService] [search-os-0] [gc][young][4411903][96002] duration [312ms], collections [1]/[1s], total [312ms]/[2.1h]"])

# metrics: 1 week at 1h for search latency (every evening is slow), 3h at 1m for the rest
W = 169
week = [0.18 + (1.35 if (19 + i) % 24 in (18, 19, 20, 21) else 0.0) for i in range(W)]
sc.series({"__name__": "booking_search_request_duration_seconds", "quantile": "0.99", "namespace": "travel", "service": "booking-web"},
          gauge(sc, "wk", week, noise=0.08, integer=False), start="-168h", step="1h")
N, S = 180, "-179m"
peak = 179 - 89
for i, p in enumerate(pods):
    rs = [0] * peak
    kills = spec[i][0]
    for j in range(peak, N):
        rs.append(min(kills, int((j - peak) * kills / (N - 1 - peak) + 0.0001)))
    rs[-1] = kills
    sc.series({"__name__": "kube_pod_container_status_restarts_total", "namespace": "travel", "pod": p["metadata"]["name"], "container": "web",
               "job": "kube-state-metrics"}, rs, start=S, step="1m")
sc.series({"__name__": "prober_probe_total", "namespace": "travel", "pod": pods[0]["metadata"]["name"], "container": "web", "probe_type": "Liveness",
           "result": "failed", "job": "kubelet", "node": NODES[0]}, counter(sc, "pf", [0.0] * peak + [0.9] * (N - peak), start_value=3), start=S, step="1m")
sc.series({"__name__": "nginx_ingress_controller_requests", "namespace": "travel", "ingress": "booking-web", "service": "booking-web", "status": "502",
           "exported_namespace": "travel"}, counter(sc, "n502", [0.3] * peak + [210.0] * (N - peak), start_value=11_094, noise=0.15), start=S, step="1m")
sc.series({"__name__": "nginx_ingress_controller_requests", "namespace": "travel", "ingress": "booking-web", "service": "booking-web", "status": "200",
           "exported_namespace": "travel"}, counter(sc, "n200", piecewise(N, [(0, 9000), (peak, 15500), (N - 1, 16800)]), start_value=2_931_440_118), start=S, step="1m")

# recovery: liveness back on /livez
fixed = mutate(revs[2]["template"], lambda t: t["spec"]["containers"][0]["livenessProbe"]["httpGet"].update(path="/livez"))
r = sc.recover_deployment(dep, template=fixed, nodes=NODES, cause="livenessProbe back to /livez", svc=svc, start="+12s", every_s=15)
CHECK = {"kind": "Deployment", "namespace": "travel", "name": "booking-web", "path": "spec.template.spec.containers[0].livenessProbe.httpGet.path", "equals": "/livez"}
sc.recovery.append({"when": [CHECK], "apply": {
    "upsert": r["upsert"], "delete": r["delete"],
    "logs": [{"namespace": "travel", "pod": p["metadata"]["name"], "lines": [
        sc.fmt(f"+{17 + 15 * i}s", "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Starting gunicorn 23.0.0"),
        sc.fmt(f"+{40 + 15 * i}s", "10.90.10.1 - - [%d/%b/%Y:%H:%M:%S +0000] \"GET /livez HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.31\"")]} for i, p in enumerate(r["pods"])],
    "metrics": [sc.series({"__name__": "nginx_ingress_controller_requests", "namespace": "travel", "ingress": "booking-web", "service": "booking-web", "status": "502",
                           "exported_namespace": "travel"}, counter(sc, "n502", [0.3] * peak + [210.0] * (N - peak - 1) + [0.0], start_value=11_094, noise=0.15),
                          start=S, step="1m", add=False)]}})

sc.truth = {
    "category": "probe_failure",
    "also_accept": ["bad_rollout"],
    "resource": {"kind": "Deployment", "namespace": "travel", "name": "booking-web"},
    "aliases": [{"kind": "ReplicaSet", "namespace": "travel", "name_regex": f"^{rs41['metadata']['name']}$"},
                {"kind": "Pod", "namespace": "travel", "name_regex": f"^{rs41['metadata']['name']}-"}],
    "evidence": ["liveness",
                 "/healthz",
                 "/livez|revision 40|plat-812|revision 41",
                 "timeout|deadline exceeded|1s|timeoutseconds",
                 "search|opensearch"],
    "remediation": {
        "accepted": [
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "travel", "name": "booking-web"},
             "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "web", "livenessProbe": {"httpGet": {"path": "/livez"}}}]}}}}}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "travel", "name": "booking-web"}},
        ],
        "checks": [CHECK],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "travel", "name": "booking-web"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "travel", "name": "booking-web"}},
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "travel", "name": "booking-web"}},
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "travel", "name": "search-os"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "travel", "name": pods[2]["metadata"]["name"]}},
        ],
    },
    "notes": (
        "Revision 41 (Friday, PLAT-812 \"probe consolidation\") changed no code: it moved both probes of booking-web from "
        "/livez and /readyz to /healthz, a deep check that queries Postgres, Redis and OpenSearch, and kept the liveness "
        "timeout at 1s. OpenSearch (search-os) gets slow every evening at the peak (p99 ~1.5s for weeks, see the weekly "
        "series), so from ~18:05 /healthz takes 1.1-2.6s, three liveness timeouts in a row make the kubelet kill perfectly "
        "healthy gunicorn processes (\"Container web failed liveness probe, will be restarted\", lastState exit 137 after the "
        "graceful timeout, 4-9 restarts per pod), in-flight requests die and ingress-nginx returns 502 (\"upstream prematurely "
        "closed connection\").\n"
        "Fix: point liveness back at the shallow /livez (patch_resource on the container's livenessProbe) or roll back to "
        "revision 40; either way the check is livenessProbe.httpGet.path == /livez. Traps: OpenSearch slowness is the trigger but "
        "normal for this time of day and not the fault (dependency_failure and restarting search-os are wrong); memory and "
        "CPU are fine, so set_resources is wrong; restarting or deleting pods only resets the restart counters."),
}

if __name__ == "__main__":
    print(sc.write())
