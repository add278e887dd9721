"""cpu saturation: the envoy sidecar of rate-card-api is pegged at its 250m limit after a partner tripled traffic."""
from lib import *

seed(303)
c = Clock("2026-12-08T14:25:00Z")
NS = "carrier-rates"
nodes = three_nodes(c, "10.56", "us-east-2", group="general-m6i", itype="m6i.4xlarge")
for n in nodes:
    n["status"]["capacity"]["cpu"] = "16"
    n["status"]["allocatable"]["cpu"] = "15890m"
APP_OLD = "ghcr.io/crateline/rate-card-api:5.12.0"
APP = "ghcr.io/crateline/rate-card-api:5.12.1"
ENVOY = "envoyproxy/envoy:v1.31.2"


def spec(img: str) -> dict:
    return {"serviceAccountName": "rate-card-api", "terminationGracePeriodSeconds": 30,
            "containers": [
                {"name": "app", "image": img, "command": ["gunicorn"], "args": ["rates.wsgi:app", "--bind=127.0.0.1:8000", "--workers=4", "--threads=4", "--timeout=30"],
                 "env": [{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "rate-card-db", "key": "url"}}}, {"name": "RATE_CACHE_TTL_S", "value": "300"}],
                 "ports": [{"name": "app", "containerPort": 8000, "protocol": "TCP"}],
                 "resources": {"requests": {"cpu": "1", "memory": "768Mi"}, "limits": {"cpu": "2", "memory": "1Gi"}},
                 "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8000, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 2, "successThreshold": 1, "failureThreshold": 3}},
                {"name": "envoy", "image": ENVOY, "args": ["-c", "/etc/envoy/envoy.yaml", "--concurrency", "2", "--log-level", "warn"],
                 "ports": [{"name": "https", "containerPort": 8443, "protocol": "TCP"}, {"name": "admin", "containerPort": 9901, "protocol": "TCP"}],
                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "250m", "memory": "256Mi"}},
                 "readinessProbe": {"httpGet": {"path": "/ready", "port": 9901, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                 "volumeMounts": [{"name": "envoy-config", "mountPath": "/etc/envoy", "readOnly": True}, {"name": "tls", "mountPath": "/etc/envoy/tls", "readOnly": True}]}],
            "volumes": [{"name": "envoy-config", "configMap": {"name": "rate-card-envoy"}}, {"name": "tls", "secret": {"secretName": "rate-card-api-tls"}}]}


w = Workload(NS, "rate-card-api", created="2024-09-17T13:00:00Z", labels={"app.kubernetes.io/name": "rate-card-api", "team": "pricing-platform"},
             selector={"app.kubernetes.io/name": "rate-card-api"}, replicas=3)
w.revision(18, spec(APP_OLD), created="2026-11-24T10:05:11Z", cause="rate-card-api 5.12.0", h="5b7d9c6f48")
w.revision(19, spec(APP), created="2026-12-02T16:31:40Z", cause="rate-card-api 5.12.1 (fix currency rounding for CAD lanes)", h="66f8c9d7b5")
pods = []
for i in range(3):
    nn, ip = nref(nodes[i])
    st = "2026-12-02T16:3%d:%02dZ" % (1 + i, 48 + i * 3)
    pods.append(w.pod(19, node=nn, host_ip=ip, pod_ip=pip(ip, i), created=st, statuses=[running("app", APP, st), running("envoy", ENVOY, st)]))
por_w, por_p = simple(NS, "carrier-portal", "ghcr.io/crateline/carrier-portal:3.40.2", nodes=nodes, rev=31, rev_created="2026-12-06T09:12:00Z", created="2024-09-17T13:00:00Z", replicas=2, cpu="200m", mem="512Mi")
objs = nodes + [namespace(NS, "2024-09-17T12:50:00Z", {"team": "pricing-platform"})]
objs += w.objects(current=19, gen=24) + por_w.objects(current=31)
objs += [service(NS, "rate-card-api", created="2024-09-17T13:00:00Z", selector={"app.kubernetes.io/name": "rate-card-api"}, ports=[{"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}], cluster_ip="172.20.201.14"),
         endpoints(NS, "rate-card-api", created="2024-09-17T13:00:00Z", pods=pods, ports=[{"name": "https", "port": 8443, "protocol": "TCP"}]),
         {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "rate-card-envoy", "namespace": NS, "uid": uid(), "creationTimestamp": "2024-09-17T13:00:00Z"},
          "data": {"envoy.yaml": "static_resources:\n  listeners:\n  - name: ingress_https\n    address: {socket_address: {address: 0.0.0.0, port_value: 8443}}\n    filter_chains:\n    - transport_socket:\n        name: envoy.transport_sockets.tls\n        typed_config: {\"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext, common_tls_context: {tls_certificates: [{certificate_chain: {filename: /etc/envoy/tls/tls.crt}, private_key: {filename: /etc/envoy/tls/tls.key}}]}}\n      filters:\n      - name: envoy.filters.network.http_connection_manager\n        typed_config:\n          \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager\n          stat_prefix: ingress_https\n          http_filters:\n          - name: envoy.filters.http.jwt_authn   # partner JWTs (RS256), verified per request\n          - name: envoy.filters.http.local_ratelimit\n          - name: envoy.filters.http.router\n          route_config: {virtual_hosts: [{name: app, domains: ['*'], routes: [{match: {prefix: /}, route: {cluster: app, timeout: 30s}}]}]}\n  clusters:\n  - name: app\n    load_assignment: {cluster_name: app, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8000}}}}]}]}\n"}},
         {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "rate-card-db", "namespace": NS, "uid": uid(), "creationTimestamp": "2024-09-17T12:55:00Z"}, "type": "Opaque", "data": {"url": "cG9zdGdyZXNxbDovL3JhdGVzOkNyYXRlLVJhdGVzLTIwMjZAcmF0ZS1jYXJkLWRiLmNhcnJpZXItcmF0ZXM6NTQzMi9yYXRlcw=="}}]
objs.append(event(NS, "Pod", pods[2]["metadata"]["name"], reason="Unhealthy", message=f"Readiness probe failed: Get \"http://{pods[2]['status']['podIP']}:9901/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", type="Warning", first=c.t(-48), last=c.t(-7), count=4, host=pods[2]["spec"]["nodeName"], field="spec.containers{envoy}"))

logs = []
for i, p in enumerate(pods):
    el = []
    for k in range(14):
        t = c.ms(-14 + k, R.randint(0, 59))
        dur = R.randint(700, 2400)
        up = R.randint(14, 38)
        ua = R.choice(["northway-tms/3.2", "northway-tms/3.2", "northway-tms/3.2", "crateline-web/2026.12", "freightpath-client/1.9"])
        el.append(f'[{t}] "POST /v2/rates/quote HTTP/1.1" 200 - {R.randint(380, 900)} {R.randint(1500, 2400)} {dur} {up} "10.56.{R.randint(16, 60)}.{R.randint(2, 250)}" "{ua}" "{uid()}" "rates.crateline.io" "127.0.0.1:8000"')
    el.insert(6, f"[{c.ms(-8, 3)}][warning][main] [source/server/server.cc:1024] shutting down admin due to child startup failure" if False else f'[{c.ms(-8, 3)}] "POST /v2/rates/quote HTTP/1.1" 504 UT {R.randint(400, 800)} 24 30001 - "10.56.33.9" "northway-tms/3.2" "{uid()}" "rates.crateline.io" "127.0.0.1:8000"')
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "container": "envoy", "lines": el})
    al = []
    for k in range(10):
        t = c.t(-12 + k)
        al.append(f'{t.replace("T", " ").replace("Z", "")} +0000 [INFO] rates.api: quote lane={R.choice(["CHI-DAL", "ATL-MIA", "LAX-PHX", "NWK-BOS"])} mode={R.choice(["FTL", "LTL"])} carrier_count={R.randint(4, 19)} took_ms={R.randint(11, 36)}')
        if k == 4:
            al.append(f'{t.replace("T", " ").replace("Z", "")} +0000 [WARNING] rates.db: slow query 412ms: SELECT ... FROM lane_surcharges WHERE lane_id = %s AND valid_from <= %s')
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "container": "app", "lines": al})

metrics = []
n = 91  # 6h at 4m
step_s = 240
rps = []
for k in range(n):
    mins_ago = (n - 1 - k) * 4
    t = c.now.hour * 60 + c.now.minute - mins_ago
    base = 105 if t < 9 * 60 else 345
    rps.append(base * (1 + R.uniform(-0.06, 0.06)))
for i, p in enumerate(pods):
    pn, node_ = p["metadata"]["name"], p["spec"]["nodeName"]
    lab = lambda ctr: {"namespace": NS, "pod": pn, "container": ctr, "node": node_, "job": "kubelet", "metrics_path": "/metrics/cadvisor"}  # noqa: E731
    env_use = [min(0.25, r * 0.00133) * (1 + R.uniform(-0.02, 0.01)) for r in rps]
    app_use = [r * 0.0019 for r in rps]
    metrics.append(series("container_cpu_usage_seconds_total", lab("envoy"), "-360m", "4m", counter(env_use, step_s, start=41000 + i * 900, integer=False, jitter=0.01)))
    metrics.append(series("container_cpu_usage_seconds_total", lab("app"), "-360m", "4m", counter(app_use, step_s, start=310000 + i * 5000, integer=False)))
    periods = [10.0] * n
    metrics.append(series("container_cpu_cfs_periods_total", lab("envoy"), "-360m", "4m", counter(periods, step_s, start=5.1e7, jitter=0.0)))
    metrics.append(series("container_cpu_cfs_throttled_periods_total", lab("envoy"), "-360m", "4m", counter([10 * (0.04 if r < 200 else 0.86) for r in rps], step_s, start=2.2e6)))
    metrics.append(series("container_cpu_cfs_periods_total", lab("app"), "-360m", "4m", counter(periods, step_s, start=5.1e7, jitter=0.0)))
    metrics.append(series("container_cpu_cfs_throttled_periods_total", lab("app"), "-360m", "4m", counter([10 * 0.002 for r in rps], step_s, start=9100)))
    for ctr, lim in (("envoy", 0.25), ("app", 2)):
        metrics.append(series("kube_pod_container_resource_limits", {"namespace": NS, "pod": pn, "container": ctr, "node": node_, "resource": "cpu", "unit": "core", "job": "kube-state-metrics"}, "-360m", "4m", [lim] * n))
    les = ["0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5"]
    fr_ok = [0.55, 0.9, 0.97, 0.99, 0.995, 0.998, 0.9995, 1.0]
    fr_bad = [0.02, 0.05, 0.09, 0.18, 0.31, 0.52, 0.93, 0.985]
    metrics += histogram("envoy_http_downstream_rq_time_seconds", {"namespace": NS, "pod": pn, "job": "rate-card-envoy", "envoy_http_conn_manager_prefix": "ingress_https"}, "-360m", "4m", step_s,
                         [r for r in rps], [fr_ok if r < 200 else fr_bad for r in rps], les)
    metrics += histogram("http_server_request_duration_seconds", {"namespace": NS, "pod": pn, "job": "rate-card-api", "service": "rate-card-api", "route": "/v2/rates/quote"}, "-360m", "4m", step_s,
                         [r for r in rps], [[0.62, 0.93, 0.985, 0.998, 0.9995, 1, 1, 1] for r in rps], les)

rec_rs = {"rev": 20}
rec_spec = spec(APP)
rec_spec["containers"][1]["resources"] = {"requests": {"cpu": "500m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}}
w.revision(20, rec_spec, created=c.t(1), cause="rate-card-api 5.12.1", h="7c5bd8f946")
rec_pods = [w.pod(20, node=nref(nodes[i])[0], host_ip=nref(nodes[i])[1], pod_ip=pip(nref(nodes[i])[1], 9 + i), created=c.t(1 + i * 0.5), statuses=[running("app", APP, c.t(1 + i * 0.5, 4)), running("envoy", ENVOY, c.t(1 + i * 0.5, 4))]) for i in range(3)]
rec_logs = [{"namespace": NS, "pod": rec_pods[0]["metadata"]["name"], "container": "envoy", "lines": [
    f'[{c.ms(3, k * 7)}] "POST /v2/rates/quote HTTP/1.1" 200 - {R.randint(380, 900)} {R.randint(1500, 2400)} {R.randint(24, 61)} {R.randint(14, 38)} "10.56.35.{R.randint(2, 250)}" "northway-tms/3.2" "{uid()}" "rates.crateline.io" "127.0.0.1:8000"' for k in range(5)]}]
rec_rs_obj = [o for o in w.objects(current=20) if o["kind"] == "ReplicaSet" and o["metadata"]["name"].endswith("7c5bd8f946")]
rec_rs_obj[0]["status"] = {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 3, "availableReplicas": 3, "observedGeneration": 1}
rec_rs_obj[0]["spec"]["replicas"] = 3

# scale-out alternative
scale_pods = [w.pod(19, node=nref(nodes[i % 3])[0], host_ip=nref(nodes[i % 3])[1], pod_ip=pip(nref(nodes[i % 3])[1], 30 + i), created=c.t(1), statuses=[running("app", APP, c.t(1, 5)), running("envoy", ENVOY, c.t(1, 5))]) for i in range(6)]

D = {"kind": "Deployment", "namespace": NS, "name": "rate-card-api"}
doc = {
    "format": 1, "id": "rate-card-quotes-slow-tuesday-afternoon",
    "title": "rate-card-api's envoy sidecar (TLS + JWT, limit 250m) is CPU-throttled since partner Northway went live at 09:00 and tripled traffic; the app container is idle",
    "tags": ["cpu-throttling", "sidecar", "envoy", "traffic-growth", "red-herring"],
    "now": c.t(),
    "trigger": {"alert": {"status": "firing", "labels": {"alertname": "RateCardApiLatencyHigh", "namespace": NS, "service": "rate-card-api", "severity": "critical", "team": "pricing-platform"},
                          "annotations": {"summary": "rate-card-api p99 latency above 1s", "description": "p99 of envoy_http_downstream_rq_time_seconds for rate-card-api is 2.1s (threshold 1s for 15m).", "runbook_url": "https://wiki.crateline.io/runbooks/rate-card-api-latency"},
                          "startsAt": c.t(-302), "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "7e20c4b9a1f3d658"},
                "channel": "#pricing-platform-alerts"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [
        {"when": [{**D, "path": "spec.template.spec.containers[1].resources.limits.cpu", "at_least": "500m"}],
         "apply": {"upsert": rec_rs_obj + rec_pods, "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in pods], "logs": rec_logs}},
        {"when": [{**D, "path": "spec.replicas", "at_least": 8}], "apply": {"upsert": scale_pods}}],
    "truth": {
        "category": "cpu_saturation", "resource": D,
        "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^rate-card-api-66f8c9d7b5$"}, {"kind": "Pod", "namespace": NS, "name_regex": "^rate-card-api-66f8c9d7b5-"}],
        "evidence": ["envoy", "throttl", "250m|0.25", "northway|traffic|request rate|rps|req/s|tripl|3x"],
        "remediation": {
            "accepted": [{"action": "set_resources", "target": D, "params": {"container": "envoy", "requests": {"cpu": "500m"}, "limits": {"cpu": "1"}}},
                         {"action": "scale_workload", "target": D, "params": {"replicas": 9}}],
            "checks": [{"any_of": [{**D, "path": "spec.template.spec.containers[1].resources.limits.cpu", "at_least": "500m"}, {**D, "path": "spec.replicas", "at_least": 8}]}],
            "forbidden": [{"action": "rollback_deployment", "target": D}, {"action": "restart_workload", "target": D},
                          {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "carrier-portal"}}]},
        "notes": (
            "Since 09:00 partner Northway Freight's TMS calls /v2/rates/quote (user agent northway-tms/3.2): requests went from ~105 to ~345/s "
            "per pod. Every request passes the envoy sidecar (TLS termination and RS256 JWT verification per request, --concurrency 2) whose "
            "limit is 250m: envoy CPU sits flat at 0.25 cores and ~86% of its CFS periods are throttled, while the app container uses ~0.65 of "
            "its 2 cores with no throttling. Envoy's access log shows the split: total duration 0.7-2.4 s vs x-envoy-upstream-service-time "
            "14-38 ms, and the app logs took_ms 11-36; the app-level histogram is unchanged, the envoy downstream histogram degrades from 09:00. "
            "Fix: give the envoy container more CPU (limit >= 500m; ~460m needed now) or scale out to >= 8 replicas so each envoy gets "
            "<~150 req/s. Traps: 'slow query 412ms' warnings (rare, unchanged), revision 19 (6 days old, app-only image bump; latency was fine "
            "until this morning), the carrier-portal rollout on Sunday, one envoy readiness timeout (a symptom). Raising the app container's "
            "limit does nothing (the check is on containers[1], envoy).")}}
dump(doc, "scenarios/rate-card-quotes-slow-tuesday-afternoon.yaml")
