"""Scenarios (helper scenA): bad rollouts."""
from __future__ import annotations

from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, cstatus, node, podspec, running, terminated, waiting
from scena_obs import alert, cadv, cum, event, ksm, logs, noisy, pod_start_events, rollout_events, seg, series, timed
from scena_work import Deploy, configmap, endpoints, hpa, secret, service, simple_app


def ledger_writer() -> dict:
    """Java/Spring ledger-writer 5.2.0 rejects zero-decimal currencies with ArithmeticException after the rollout."""
    ctx = Ctx("ledger-writer-zero-decimal-currencies", "2026-11-24T10:12:00Z")
    ns = "fin-prod"
    nodes = [node(ctx, f"ip-10-42-{a}.eu-central-1.compute.internal", "eks", ip="10.42." + a.replace("-", "."), zone=z,
                  itype="m6i.2xlarge", pool="fin-general-2024", created="-61d", pod_cidr=f"10.42.{c}.0/24")
             for a, z, c in (("11-23", "eu-central-1a", 128), ("12-87", "eu-central-1b", 144), ("13-140", "eu-central-1c", 160))]
    img = "318462094551.dkr.ecr.eu-central-1.amazonaws.com/fin/ledger-writer"

    def lw_spec(tag: str, jvm: str) -> dict:
        return podspec([container(
            "ledger-writer", f"{img}:{tag}", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"},
                                                    {"name": "management", "containerPort": 8081, "protocol": "TCP"}],
            env=[{"name": "SPRING_PROFILES_ACTIVE", "value": "prod"},
                 {"name": "JAVA_TOOL_OPTIONS", "value": jvm},
                 {"name": "LEDGER_DB_URL", "value": "jdbc:postgresql://ledger-db.fin-prod.svc.cluster.local:5432/ledger"},
                 {"name": "LEDGER_DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "ledger-db-credentials", "key": "password"}}},
                 {"name": "OTEL_SERVICE_NAME", "value": "ledger-writer"}],
            resources={"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1536Mi"}},
            readiness={"httpGet": {"path": "/actuator/health/readiness", "port": "management", "scheme": "HTTP"},
                       "initialDelaySeconds": 20, "periodSeconds": 10, "timeoutSeconds": 2, "successThreshold": 1, "failureThreshold": 3},
            liveness={"httpGet": {"path": "/actuator/health/liveness", "port": "management", "scheme": "HTTP"},
                      "initialDelaySeconds": 60, "periodSeconds": 20, "timeoutSeconds": 3, "successThreshold": 1, "failureThreshold": 3},
            mounts=[{"name": "config", "mountPath": "/config", "readOnly": True}])],
            sa="ledger-writer", volumes=[{"name": "config", "configMap": {"name": "ledger-writer-config", "defaultMode": 420}}],
            security={"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001}, grace=45)

    jvm = "-XX:MaxRAMPercentage=70 -XX:+UseG1GC"
    dep = Deploy(ctx, ns, "ledger-writer", match={"app.kubernetes.io/name": "ledger-writer"}, created="-410d", replicas=3,
                 labels={"app.kubernetes.io/name": "ledger-writer", "app.kubernetes.io/part-of": "ledger", "team": "ledger-core"},
                 annotations={"argocd.argoproj.io/tracking-id": "fin-prod-ledger:apps/Deployment:fin-prod/ledger-writer"},
                 strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
    dep.rev(15, lw_spec("5.1.2", jvm), created="-19d", cause="argocd sync ledger-writer 5.1.2 (PR #1841)")
    dep.rev(16, lw_spec("5.1.3", jvm), created="-12d", cause="argocd sync ledger-writer 5.1.3 (PR #1862)")
    rs17 = dep.rev(17, lw_spec("5.2.0", jvm), created="-30m40s", cause="argocd sync ledger-writer 5.2.0 (PR #1907)", replicas=3)
    t0 = ctx.dt("-30m40s")
    new_pods = []
    for i, nd in enumerate([nodes[0], nodes[1], nodes[2]]):
        created = t0 + timedelta(seconds=1 + 38 * i)
        new_pods.append(dep.pod(rs17, nd, created=created, ip=ctx.ip(nd), ready_at=created + timedelta(seconds=27),
                                statuses=[cstatus(ctx, rs17["spec"]["template"]["spec"]["containers"][0],
                                                  state=running(ctx, created + timedelta(seconds=4)))]))
    objs = [Comment("nodes: EKS managed node group fin-general-2024, three zones")] + nodes
    objs += [Comment("ledger-writer: revision 17 (5.2.0) rolled out by Argo CD at 09:41; 15 and 16 scaled to 0")]
    dep_objs = dep.done(updated_at=t0 + timedelta(seconds=150), available_since="-410d")
    objs += dep_objs
    svc_ip = "172.20.91.14"
    objs.append(service(ctx, ns, "ledger-writer", selector={"app.kubernetes.io/name": "ledger-writer"}, ip=svc_ip,
                        ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                        labels={"app.kubernetes.io/name": "ledger-writer"}, created="-410d"))
    objs.append(endpoints(ctx, ns, "ledger-writer", ready=new_pods, created="-410d",
                          labels={"app.kubernetes.io/name": "ledger-writer"},
                          ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]))
    objs.append(hpa(ctx, ns, "ledger-writer", dep.obj, min_r=3, max_r=10, cpu_target=70, current=3, desired=3, cpu_now=31,
                    created="-300d", conditions=[
                        {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
                         "message": "recommended size matches current size", "lastTransitionTime": ctx.t("-9d")},
                        {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
                         "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
                         "lastTransitionTime": ctx.t("-9d")},
                        {"type": "ScalingLimited", "status": "True", "reason": "TooFewReplicas",
                         "message": "the desired replica count is less than the minimum replica count", "lastTransitionTime": ctx.t("-28m")}]))
    objs.append(configmap(ctx, ns, "ledger-writer-config", {"application-prod.yaml": (
        "ledger:\n  posting:\n    max-batch: 200\n    idempotency-window: 24h\n  money:\n    default-scale: 2\n"
        "    zero-decimal-currencies: [JPY, KRW, CLP, VND, ISK]\nmanagement:\n  server:\n    port: 8081\n"
        "  endpoints:\n    web:\n      exposure:\n        include: health,prometheus\n")}, created="-200d",
        labels={"app.kubernetes.io/name": "ledger-writer"}))
    objs.append(secret(ctx, ns, "ledger-db-credentials", {"username": "bGVkZ2VyX3dyaXRlcg==",
                                                          "password": "Y0hSZW4tN3FMeFpyLTIwMjY="}, created="-410d"))
    objs.append(service(ctx, ns, "ledger-db", selector=None, ports=[{"name": "postgres", "port": 5432, "protocol": "TCP"}],
                        ip="", type_="ExternalName", external_name="ledger-prod.cluster-c8v2xk1qzq5e.eu-central-1.rds.amazonaws.com",
                        labels={"app.kubernetes.io/name": "ledger-db"}, created="-410d"))
    # neighbours
    objs.append(Comment("neighbours: ledger-api (Go, calls ledger-writer) and fx-rates (Python; one restart two days ago)"))
    api_spec = podspec([container("ledger-api", "318462094551.dkr.ecr.eu-central-1.amazonaws.com/fin/ledger-api:3.9.4",
                                  ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                                  env=[{"name": "LEDGER_WRITER_URL", "value": "http://ledger-writer.fin-prod.svc.cluster.local"},
                                       {"name": "GOMEMLIMIT", "value": "400MiB"}],
                                  resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/readyz", "port": 8000}, "periodSeconds": 5})], sa="ledger-api")
    api_objs, api_pods, _ = simple_app(ctx, ns, "ledger-api", api_spec, nodes, replicas=2, created="-520d", rs_created="-6d",
                                       rev=42, cause="argocd sync ledger-api 3.9.4", svc_ip="172.20.40.201",
                                       port={"name": "http", "port": 80, "targetPort": 8000, "protocol": "TCP"},
                                       match={"app.kubernetes.io/name": "ledger-api"})
    objs += api_objs
    fx_spec = podspec([container("fx-rates", "318462094551.dkr.ecr.eu-central-1.amazonaws.com/fin/fx-rates:1.7.0",
                                 command=["gunicorn", "fx_rates.wsgi:app", "-b", "0.0.0.0:8000", "-w", "2"],
                                 ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                                 resources={"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"memory": "256Mi"}},
                                 readiness={"httpGet": {"path": "/health", "port": 8000}, "periodSeconds": 10})], sa="fx-rates")
    fx = Deploy(ctx, ns, "fx-rates", match={"app.kubernetes.io/name": "fx-rates"}, created="-300d", replicas=2)
    fx_rs = fx.rev(9, fx_spec, created="-23d", cause="argocd sync fx-rates 1.7.0", replicas=2)
    fx_c = fx_spec["containers"][0]
    fx_p1 = fx.pod(fx_rs, nodes[1], created="-23d", ip=ctx.ip(nodes[1]), ready_at="-2d8h", statuses=[cstatus(
        ctx, fx_c, state=running(ctx, "-2d8h1m"), restarts=1,
        last=terminated(ctx, 137, "OOMKilled", "-23d", "-2d8h1m"))])
    fx_p2 = fx.pod(fx_rs, nodes[2], created="-23d", ip=ctx.ip(nodes[2]))
    objs += fx.done(available_since="-300d")
    objs += [service(ctx, ns, "fx-rates", selector={"app.kubernetes.io/name": "fx-rates"}, ip="172.20.17.88",
                     ports=[{"name": "http", "port": 80, "targetPort": 8000, "protocol": "TCP"}],
                     labels={"app.kubernetes.io/name": "fx-rates"}),
             endpoints(ctx, ns, "fx-rates", ready=[fx_p1, fx_p2], labels={"app.kubernetes.io/name": "fx-rates"},
                       ports=[{"name": "http", "port": 8000, "protocol": "TCP"}])]
    # events
    objs.append(Comment("events"))
    rs16 = dep.rs(16)
    steps = [(0, "up", rs17, 0, 1), (39, "down", rs16, 3, 2), (39, "up", rs17, 1, 2), (77, "down", rs16, 2, 1),
             (77, "up", rs17, 2, 3), (115, "down", rs16, 1, 0)]
    objs += rollout_events(ctx, dep.obj, rs17, rs16, at=t0, steps=steps)
    for i, p in enumerate(new_pods):
        objs.append(event(ctx, rs17, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}",
                          first=t0 + timedelta(seconds=1 + 38 * i), component="replicaset-controller"))
        if i in (0, 2):
            objs += pod_start_events(ctx, p, at=t0 + timedelta(seconds=1 + 38 * i), pull_s=4.81 if i < 2 else None,
                                     size=214_733_902)
        objs.append(event(ctx, p, "Unhealthy", f'Readiness probe failed: Get "http://{p["status"]["podIP"]}:8081/actuator/health/readiness": '
                          f'dial tcp {p["status"]["podIP"]}:8081: connect: connection refused', type_="Warning", count=2,
                          first=t0 + timedelta(seconds=22 + 38 * i), last=t0 + timedelta(seconds=32 + 38 * i),
                          field_path="spec.containers{ledger-writer}"))
    old_names = ["ledger-writer-" + rs16["metadata"]["name"].split("-")[-1] + "-" + s for s in ("q7w2n", "h5kxd", "v9czt")]
    for i, nm in enumerate(old_names):
        objs.append(event(ctx, rs16, "SuccessfulDelete", f"Deleted pod: {nm}", first=t0 + timedelta(seconds=39 + 38 * i),
                          component="replicaset-controller"))
    objs.append(event(ctx, fx_p1, "Unhealthy", f'Readiness probe failed: Get "http://{fx_p1["status"]["podIP"]}:8000/health": '
                      "context deadline exceeded (Client.Timeout exceeded while awaiting headers)", type_="Warning", count=3,
                      first="-2d8h2m", last="-2d8h1m", field_path="spec.containers{fx-rates}"))
    # logs
    def spring(ts: str, ln: str) -> str:
        return f"{ts}  {ln}"
    lw_logs = []
    for i, p in enumerate(new_pods):
        st = t0 + timedelta(seconds=5 + 38 * i)
        start = timed(ctx, st, 1.1, [
            "INFO 1 --- [ledger-writer] [           main] c.e.ledger.LedgerWriterApplication       : Starting LedgerWriterApplication v5.2.0 using Java 21.0.5 with PID 1",
            "INFO 1 --- [ledger-writer] [           main] c.e.ledger.LedgerWriterApplication       : The following 1 profile is active: \"prod\"",
            "INFO 1 --- [ledger-writer] [           main] com.zaxxer.hikari.HikariDataSource       : ledger-pool - Start completed.",
            "INFO 1 --- [ledger-writer] [           main] o.f.core.internal.command.DbMigrate      : Current version of schema \"public\": 58",
            "INFO 1 --- [ledger-writer] [           main] o.f.core.internal.command.DbMigrate      : Schema \"public\" is up to date. No migration necessary.",
            "INFO 1 --- [ledger-writer] [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port 8080 (http) with context path '/'",
            "INFO 1 --- [ledger-writer] [           main] c.e.ledger.LedgerWriterApplication       : Started LedgerWriterApplication in 21.874 seconds (process running for 23.102)",
        ], spring)
        traffic = []
        base = ctx.dt("-14m") + timedelta(seconds=7 * i)
        for k in range(3):
            traffic += timed(ctx, base + timedelta(seconds=260 * k), 9, [
                f"INFO 1 --- [ledger-writer] [nio-8080-exec-{3 + k}] c.e.ledger.entry.EntryController         : posted entry batch=41{i}{k}7 lines=12 currency=EUR took=31ms",
                f"INFO 1 --- [ledger-writer] [nio-8080-exec-{5 + k}] c.e.ledger.entry.EntryController         : posted entry batch=41{i}{k}8 lines=3 currency=USD took=19ms",
                f"ERROR 1 --- [ledger-writer] [nio-8080-exec-{2 + k}] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: java.lang.ArithmeticException: Rounding necessary] with root cause",
                "java.lang.ArithmeticException: Rounding necessary",
                "\tat java.base/java.math.BigDecimal.commonNeedIncrement(BigDecimal.java:5405)",
                "\tat java.base/java.math.BigDecimal.needIncrement(BigDecimal.java:5461)",
                "\tat java.base/java.math.BigDecimal.divideAndRound(BigDecimal.java:5369)",
                "\tat java.base/java.math.BigDecimal.setScale(BigDecimal.java:3031)",
                "\tat com.example.ledger.money.MinorUnits.toMinor(MinorUnits.java:48)",
                "\tat com.example.ledger.entry.EntryService.post(EntryService.java:112)",
                "\tat com.example.ledger.entry.EntryController.post(EntryController.java:64)",
                f"WARN 1 --- [ledger-writer] [nio-8080-exec-{2 + k}] c.e.ledger.web.ProblemHandler            : 500 POST /api/v1/entries currency=JPY tenant=jp-retail-0{k + 1} trace=4f{ctx.hexs(14)}",
                f"INFO 1 --- [ledger-writer] [nio-8080-exec-{7 + k}] c.e.ledger.entry.EntryController         : posted entry batch=41{i}{k}9 lines=7 currency=GBP took=27ms",
            ], lambda ts, ln: ln if ln.startswith(("java.", "\t")) else f"{ts}  {ln}")
        lw_logs.append(logs(ns, p, start + traffic))
    api_lines = []
    for k in range(6):
        api_lines += timed(ctx, ctx.dt("-13m") + timedelta(seconds=120 * k), 11, [
            '{"level":"info","ts":"%s","msg":"request","method":"POST","path":"/v1/entries","status":201,"dur_ms":44}',
            '{"level":"error","ts":"%s","msg":"upstream error","upstream":"ledger-writer","status":500,"path":"/api/v1/entries","tenant":"jp-retail-02","currency":"JPY"}',
            '{"level":"info","ts":"%s","msg":"request","method":"POST","path":"/v1/entries","status":502,"dur_ms":61}',
            '{"level":"info","ts":"%s","msg":"request","method":"GET","path":"/v1/accounts/balance","status":200,"dur_ms":12}',
        ], lambda ts, ln: ln % ts)
    fx_lines = timed(ctx, "-50m", 600, ['{"lvl":"INFO","msg":"refreshed rates","provider":"ecb","pairs":162}'] * 5,
                     lambda ts, ln: ln[:-1] + f',"ts":"{ts}"}}')
    fx_prev = timed(ctx, "-2d8h20m", 240, [
        "[INFO] fx_rates.refresh: refreshed rates provider=ecb pairs=162",
        "[INFO] fx_rates.refresh: building cross-rate matrix (162x162) for backfill 2026-01-01..2026-11-21",
        "[INFO] fx_rates.refresh: backfill chunk 1/9 done",
        "[INFO] fx_rates.refresh: backfill chunk 2/9 done",
    ])
    cluster_logs = lw_logs + [
        logs(ns, api_pods[0], api_lines),
        logs(ns, fx_p1, fx_lines), logs(ns, fx_p1, fx_prev, previous=True), logs(ns, fx_p2, fx_lines)]
    # metrics: 60 min, 1 min steps; the rollout starts at minute 29
    n = 61
    roll_idx = [30, 31, 31]
    mets = []
    base_rate = [14.8, 15.1, 14.6]
    for i in range(3):
        old_name = old_names[i]
        lbl = {"__name__": "http_server_requests_seconds_count", "job": "ledger-writer", "namespace": ns, "service": "ledger-writer",
               "application": "ledger-writer", "method": "POST", "uri": "/api/v1/entries"}
        r_ok = [base_rate[i] * (1 + 0.25 * k / n) for k in range(n)]
        old_ok = cum(ctx, [r if k < roll_idx[i] else None for k, r in enumerate(r_ok)], start=4_118_220 + 9111 * i)
        old_err = cum(ctx, [0.0008 if k < roll_idx[i] else None for k in range(n)], start=31 + i, frac=0.9)
        new_ok = cum(ctx, [None if k < roll_idx[i] else r * 0.905 for k, r in enumerate(r_ok)])
        new_err = cum(ctx, [None if k < roll_idx[i] else r * 0.095 for k, r in enumerate(r_ok)], frac=0.25)
        for pod_name, ok, err in ((old_name, old_ok, old_err), (new_pods[i]["metadata"]["name"], new_ok, new_err)):
            mets.append(series(dict(lbl, pod=pod_name, status="201", outcome="SUCCESS", exception="none"), ok))
            mets.append(series(dict(lbl, pod=pod_name, status="500", outcome="SERVER_ERROR", exception="ArithmeticException"), err))
    for p in new_pods:
        mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=p["metadata"]["name"], container="ledger-writer"),
                           [None] * 30 + [0] * 31))
    mets.append(series(ksm("kube_deployment_status_replicas_available", ns, deployment="ledger-writer"), [3] * 61))
    mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=fx_p1["metadata"]["name"], container="fx-rates"), [1] * 61))
    for p in new_pods:
        mets.append(series(cadv("container_memory_working_set_bytes", ns, p), [None] * 30 + noisy(ctx, seg((3, 4.1e8, 7.6e8), (28, 7.9e8)), 0.02)))
    api_ok = cum(ctx, [33.0 * (1 + 0.25 * k / n) for k in range(n)], start=88_120_404)
    api_502 = cum(ctx, [0.002] * 30 + [0.9 + 0.15 * min(k, 3) for k in range(31)], start=118, frac=0.2)
    mets.append(series({"__name__": "http_requests_total", "job": "ledger-api", "namespace": ns, "service": "ledger-api",
                        "handler": "/v1/entries", "method": "POST", "code": "201"}, api_ok))
    mets.append(series({"__name__": "http_requests_total", "job": "ledger-api", "namespace": ns, "service": "ledger-api",
                        "handler": "/v1/entries", "method": "POST", "code": "502"}, api_502))
    trig = alert(ctx, "HighErrorRate", {"namespace": ns, "service": "ledger-writer", "severity": "critical", "team": "ledger-core"},
                 summary="ledger-writer 5xx ratio above 2%",
                 description="9.4% of POST /api/v1/entries requests on ledger-writer failed with 5xx over the last 5 minutes (threshold 2%).",
                 starts="-24m", runbook="https://runbooks.internal.example.com/ledger/HighErrorRate",
                 expr='sum(rate(http_server_requests_seconds_count{namespace="fin-prod",service="ledger-writer",status=~"5.."}[5m])) / sum(rate(http_server_requests_seconds_count{namespace="fin-prod",service="ledger-writer"}[5m])) > 0.02')
    # recovery: rollback to revision 16 (5.1.3)
    rec = dep.fork()
    rec.set_rs(16, replicas=3, new_n=18)
    rec.set_rs(17, replicas=0)
    rs16r = rec.rs(18)
    fixed_pods = [rec.pod(rs16r, nd, created=ctx.dt("+40s") + timedelta(seconds=35 * i), ip=ctx.ip(nd))
                  for i, nd in enumerate([nodes[1], nodes[2], nodes[0]])]
    rec_objs = rec.done(updated_at="+3m", available_since="-410d")
    rec_objs.append(endpoints(ctx, ns, "ledger-writer", ready=fixed_pods, created="-410d",
                              labels={"app.kubernetes.io/name": "ledger-writer"}, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]))
    rec_objs[-1]["metadata"]["uid"] = next(o for o in objs if isinstance(o, dict) and o["kind"] == "Endpoints"
                                           and o["metadata"]["name"] == "ledger-writer")["metadata"]["uid"]
    rec_metrics = []
    for i in range(3):
        lbl = {"__name__": "http_server_requests_seconds_count", "job": "ledger-writer", "namespace": ns, "service": "ledger-writer",
               "application": "ledger-writer", "method": "POST", "uri": "/api/v1/entries"}
        nm = new_pods[i]["metadata"]["name"]
        old = next(m for m in mets if m["labels"].get("pod") == nm and m["labels"].get("status") == "500")
        rec_metrics.append(series(dict(old["labels"]), old["values"][:-1] + [None]))
        rec_metrics.append(series(dict(lbl, pod=fixed_pods[i]["metadata"]["name"], status="201", outcome="SUCCESS", exception="none"),
                                  [None] * 60 + [0]))
    return {
        "format": 1, "id": "ledger-writer-after-release-5-2",
        "title": "ledger-writer 5.2.0 (revision 17) fails every posting in a zero-decimal currency (JPY, KRW) with ArithmeticException: Rounding necessary; 5.1.3 was fine",
        "tags": ["bad-rollout", "java", "spring", "partial-errors", "eks", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"alert": trig, "channel": "#ledger-oncall"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [{"when": [{"kind": "Deployment", "namespace": ns, "name": "ledger-writer",
                                "path": "spec.template.spec.containers[0].image", "equals": f"{img}:5.1.3"}],
                      "apply": {"upsert": rec_objs, "delete": [{"kind": "Pod", "namespace": ns, "name": p["metadata"]["name"]} for p in new_pods],
                                "logs": [logs(ns, p, timed(ctx, "+80s", 2, [
                                    "INFO 1 --- [ledger-writer] [           main] c.e.ledger.LedgerWriterApplication       : Started LedgerWriterApplication in 20.512 seconds (process running for 21.740)",
                                    "INFO 1 --- [ledger-writer] [nio-8080-exec-1] c.e.ledger.entry.EntryController         : posted entry batch=420117 lines=4 currency=JPY took=22ms"],
                                    spring)) for p in fixed_pods],
                                "metrics": rec_metrics}}],
        "truth": {
            "category": "bad_rollout",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "ledger-writer"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs17['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs17['metadata']['name']}-"}],
            "evidence": ["5.2.0", "arithmeticexception|rounding necessary", "jpy|zero-decimal|zero decimal",
                         "5.1.3|revision 16", "500|5xx"],
            "remediation": {
                "accepted": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": ns, "name": "ledger-writer"}}],
                "checks": [{"kind": "Deployment", "namespace": ns, "name": "ledger-writer",
                            "path": "spec.template.spec.containers[0].image", "equals": f"{img}:5.1.3"}],
                "forbidden": [
                    {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": ns, "name": "ledger-writer"}},
                    {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": ns, "name": "ledger-writer"}},
                    {"action": "set_resources", "target": {"kind": "Deployment", "namespace": ns, "name": "ledger-writer"}},
                    {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": ns, "name": "fx-rates"}},
                    {"action": "set_resources", "target": {"kind": "Deployment", "namespace": ns, "name": "fx-rates"}},
                    {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": ns, "name": "ledger-api"}}]},
            "notes": Folded(
                "Argo CD synced ledger-writer 5.2.0 (revision 17, PR #1907) at 09:41; the rolling update finished at 09:44. Pods are Ready, "
                "never restarted, and most requests succeed, so pod health looks fine. But every posting in a zero-decimal currency "
                "(JPY, KRW...) now fails: MinorUnits.toMinor calls BigDecimal.setScale with RoundingMode.UNNECESSARY and throws "
                "ArithmeticException: Rounding necessary, answered as 500. Per-pod http_server_requests_seconds_count shows status 500 "
                "only on the revision-17 pods, starting pod by pod as each one came up (about 9.5% of postings); the revision-16 pods "
                "(5.1.3) had a handful of 500s in days. ledger-api's 502s are the same failures seen from upstream. Rolling back to "
                "revision 16 (5.1.3) is the fix; the code needs a fix for zero-decimal currencies before 5.2.x goes out again.\n\n"
                "Traps: fx-rates (same namespace) shows restartCount 1 with lastState OOMKilled, but that was a backfill two days ago "
                "and it has been fine since; the readiness-probe 'connection refused' warnings on the new pods are normal Spring Boot "
                "start-up (they stop once the app listens); the HPA ScalingLimited condition is normal at minReplicas. Restarting, "
                "scaling or resizing ledger-writer does not change the code path and is forbidden.")},
    }


SCENARIOS = [ledger_writer]


def quote_engine() -> dict:
    """Node.js quote-engine 3.8.0 moved its entry point; the chart still runs node dist/server.js."""
    from scena_kit import act, backoff_events, pool, rollback_item, set_crashloop
    ctx = Ctx("quote-engine-entrypoint-moved", "2026-11-19T16:05:00Z")
    ns = "pricing"
    nodes = pool(ctx, "gke", 3, region="europe-west4", itype="n2-standard-4", pool_name="general-v3", cpu=4, mem_gi=16,
                 cluster="shop-prod", subnet="10.164", cidr_base=52, created="-33d")
    reg = "europe-west4-docker.pkg.dev/shop-prod/pricing"

    def qspec(tag: str) -> dict:
        return podspec([container(
            "quote-engine", f"{reg}/quote-engine:{tag}", command=["node", "dist/server.js"],
            ports=[{"name": "http", "containerPort": 3000, "protocol": "TCP"}],
            env=[{"name": "NODE_ENV", "value": "production"}, {"name": "PORT", "value": "3000"},
                 {"name": "RULES_URL", "value": "http://price-rules.pricing.svc.cluster.local"},
                 {"name": "NODE_OPTIONS", "value": "--max-old-space-size=384"}],
            resources={"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
            readiness={"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5, "failureThreshold": 3},
            liveness={"httpGet": {"path": "/live", "port": "http"}, "initialDelaySeconds": 15, "periodSeconds": 10})],
            sa="quote-engine", security={"runAsNonRoot": True, "runAsUser": 1000})
    dep = Deploy(ctx, ns, "quote-engine", match={"app": "quote-engine"}, created="-240d", replicas=3,
                 labels={"app": "quote-engine", "team": "pricing", "app.kubernetes.io/managed-by": "Helm"},
                 annotations={"meta.helm.sh/release-name": "quote-engine", "meta.helm.sh/release-namespace": ns})
    dep.rev(6, qspec("3.6.4"), created="-27d", cause="helm upgrade quote-engine pricing-node-1.9.0 (3.6.4)")
    rs7 = dep.rev(7, qspec("3.7.2"), created="-8d", cause="helm upgrade quote-engine pricing-node-1.9.0 (3.7.2)", replicas=3)
    rs8 = dep.rev(8, qspec("3.8.0"), created="-27m", cause="helm upgrade quote-engine pricing-node-1.9.0 (3.8.0)", replicas=1, ready=0)
    old = [dep.pod(rs7, nodes[i], created=ctx.dt("-8d") + timedelta(seconds=30 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    bad = dep.pod(rs8, nodes[1], created="-27m", ip=ctx.ip(nodes[1]))
    set_crashloop(ctx, bad, restarts=9, code=1, reason="Error", started="-1m52s", finished="-1m51s")
    objs: list = [Comment("nodes: GKE shop-prod, pool general-v3")] + nodes
    objs.append(Comment("quote-engine: revision 8 (3.8.0) created at 15:38, one surge pod crash-looping; revision 7 still serves"))
    objs += dep.done(progressing="deadline", updated_at="-17m", available_since="-240d")
    svc = service(ctx, ns, "quote-engine", selector={"app": "quote-engine"}, ip="10.52.112.40", created="-240d",
                  ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}])
    ep = endpoints(ctx, ns, "quote-engine", ready=old, not_ready=[bad], created="-240d",
                   ports=[{"name": "http", "port": 3000, "protocol": "TCP"}])
    objs += [svc, ep]
    objs.append(Comment("neighbours"))
    rules_spec = podspec([container("price-rules", f"{reg}/price-rules:2.2.1",
                                    command=["uvicorn", "price_rules.app:app", "--host", "0.0.0.0", "--port", "8080"],
                                    ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                    resources={"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"memory": "384Mi"}},
                                    readiness={"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10})], sa="price-rules")
    r_objs, r_pods, _ = simple_app(ctx, ns, "price-rules", rules_spec, nodes, replicas=2, created="-300d", rs_created="-15d",
                                   rev=14, cause="helm upgrade price-rules pricing-py-0.7.3 (2.2.1)", svc_ip="10.52.98.7")
    objs += r_objs
    web_spec = podspec([container("quote-web", f"{reg}/quote-web:1.31.0",
                                  ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                  resources={"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                                  readiness={"httpGet": {"path": "/", "port": 8080}})])
    w_objs, w_pods, _ = simple_app(ctx, ns, "quote-web", web_spec, nodes[1:], replicas=2, created="-300d", rs_created="-41d",
                                   rev=22, cause="helm upgrade quote-web static-site-0.4.0 (1.31.0)", svc_ip="10.52.71.210")
    objs += w_objs
    objs.append(Comment("events"))
    objs += rollout_events(ctx, dep.obj, rs8, rs7, at="-27m", steps=[(0, "up", rs8, 0, 1)])
    objs.append(event(ctx, rs8, "SuccessfulCreate", f"Created pod: {bad['metadata']['name']}", first="-27m",
                      component="replicaset-controller"))
    objs += pod_start_events(ctx, bad, at="-27m", pull_s=6.212, size=61_406_117)[:3]
    objs += backoff_events(ctx, bad, first="-26m50s", last="-1m40s", count=112, restarts=9, pulled_first="-26m52s")
    objs.append(event(ctx, w_pods[0], "Unhealthy", 'Readiness probe failed: Get "http://%s:8080/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
                      % w_pods[0]["status"]["podIP"], type_="Warning", count=1, first="-52m",
                      field_path="spec.containers{quote-web}"))
    crash = [
        "node:internal/modules/cjs/loader:1228",
        "  throw err;",
        "  ^",
        "",
        "Error: Cannot find module '/app/dist/server.js'",
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
        "    at Module._load (node:internal/modules/cjs/loader:1051:27)",
        "    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:174:12)",
        "    at node:internal/main/run_main_module:28:49 {",
        "  code: 'MODULE_NOT_FOUND',",
        "  requireStack: []",
        "}",
        "",
        "Node.js v22.11.0",
    ]
    def pino(ts: str, msg: str) -> str:
        return msg.replace("TS", str(int(ctx.dt(ts).timestamp() * 1000)))
    old_lines = []
    for k in range(8):
        old_lines += timed(ctx, ctx.dt("-40m") + timedelta(minutes=5 * k), 17, [
            '{"level":30,"time":TS,"pid":1,"hostname":"%s","req":{"method":"POST","url":"/v2/quotes"},"res":{"statusCode":200},"responseTime":38,"msg":"request completed"}',
            '{"level":30,"time":TS,"pid":1,"hostname":"%s","req":{"method":"GET","url":"/v2/quotes/q_8Jd2"},"res":{"statusCode":200},"responseTime":6,"msg":"request completed"}',
            '{"level":40,"time":TS,"pid":1,"hostname":"%s","sku":"SKU-55120","msg":"no rule matched, falling back to list price"}',
        ], lambda ts, ln: pino(ts, ln))
    cluster_logs = [logs(ns, bad, crash, previous=True)]
    for p in old:
        cluster_logs.append(logs(ns, p, [ln.replace("%s", p["metadata"]["name"]) for ln in old_lines]))
    cluster_logs.append(logs(ns, r_pods[0], [
        'INFO:     10.52.8.14:51022 - "POST /v1/evaluate HTTP/1.1" 200 OK',
        'INFO:     10.52.16.9:40312 - "POST /v1/evaluate HTTP/1.1" 200 OK',
        'INFO:     10.52.8.1:36200 - "GET /healthz HTTP/1.1" 200 OK',
        'INFO:     10.52.24.22:58870 - "POST /v1/evaluate HTTP/1.1" 200 OK',
        'INFO:     10.52.8.1:36224 - "GET /healthz HTTP/1.1" 200 OK'], at="-20m", every="4m"))
    cluster_logs.append(logs(ns, w_pods[0], ['10.52.8.1 - - [19/Nov/2026:15:12:40 +0000] "GET / HTTP/1.1" 200 612 "-" "kube-probe/1.30"'] * 2 +
                             ['10.164.0.8 - - [19/Nov/2026:16:01:12 +0000] "GET /quote/new HTTP/1.1" 200 4211 "-" "Mozilla/5.0"']))
    # metrics
    restarts = [None] * 33 + [0, 1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 9]
    mets = [series(ksm("kube_pod_container_status_restarts_total", ns, pod=bad["metadata"]["name"], container="quote-engine"), restarts),
            series(ksm("kube_pod_container_status_waiting_reason", ns, pod=bad["metadata"]["name"], container="quote-engine",
                       reason="CrashLoopBackOff"), [None] * 34 + [1] * 27),
            series(ksm("kube_deployment_status_replicas_unavailable", ns, deployment="quote-engine"), [0] * 33 + [1] * 28),
            series(ksm("kube_deployment_status_replicas_available", ns, deployment="quote-engine"), [3] * 61),
            series(ksm("kube_deployment_status_observed_generation", ns, deployment="quote-engine"), [10] * 33 + [11] * 28)]
    for p in old:
        mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=p["metadata"]["name"], container="quote-engine"), [0] * 61))
        mets.append(series({"__name__": "http_request_duration_seconds_count", "job": "quote-engine", "namespace": ns,
                            "pod": p["metadata"]["name"], "method": "POST", "route": "/v2/quotes", "status_code": "200"},
                           cum(ctx, [4.2] * 61, start=1_802_331 + ctx.rng.randint(0, 40_000))))
    # recovery: rollback to revision 7
    rec = rollback_item(ctx, dep, good=7, bad=8, new_n=9, nodes=nodes, reuse=old, bad_pods=[bad],
                        ep=ep, when=[{"kind": "Deployment", "namespace": ns, "name": "quote-engine",
                                      "path": "spec.template.spec.containers[0].image", "equals": f"{reg}/quote-engine:3.7.2"}],
                        metrics=[series(ksm("kube_deployment_status_replicas_unavailable", ns, deployment="quote-engine"), [0] * 33 + [1] * 27 + [0])])
    return {
        "format": 1, "id": "quote-engine-stuck-rollout-3-8",
        "title": "quote-engine 3.8.0 moved its entry point to build/server.mjs but the chart still runs `node dist/server.js`: the surge pod crash-loops with MODULE_NOT_FOUND and the rollout is stuck",
        "tags": ["bad-rollout", "crashloopbackoff", "nodejs", "gke", "helm", "stuck-rollout"],
        "now": ctx.now_s,
        "trigger": {"command": "quote-engine pods keep restarting in pricing", "channel": "#pricing-eng", "user": "U03PRC7QZ"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "bad_rollout", "also_accept": ["config_error"],
            "resource": {"kind": "Deployment", "namespace": ns, "name": "quote-engine"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs8['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs8['metadata']['name']}-"}],
            "evidence": ["cannot find module|module_not_found", "dist/server.js", "3.8.0",
                         "3.7.2|revision 7", "crashloopbackoff|crash loop|crash-loop|exit code 1|back-off"],
            "remediation": {
                "accepted": [act("rollback_deployment", ns, "quote-engine")],
                "checks": [{"kind": "Deployment", "namespace": ns, "name": "quote-engine",
                            "path": "spec.template.spec.containers[0].image", "equals": f"{reg}/quote-engine:3.7.2"}],
                "forbidden": [act("restart_workload", ns, "quote-engine"), act("scale_workload", ns, "quote-engine"),
                              act("set_resources", ns, "quote-engine"),
                              act("delete_pod", ns, bad["metadata"]["name"], "Pod")]},
            "notes": Folded(
                "Helm upgraded quote-engine to 3.8.0 at 15:38 (revision 8). With 3 replicas, maxSurge 25% and maxUnavailable 25% "
                "the controller adds one new pod and waits for it; that pod exits 1 within a second on every start: "
                "'Error: Cannot find module /app/dist/server.js' (MODULE_NOT_FOUND). The 3.8.0 image builds to build/server.mjs, but "
                "the pod template still overrides the command with `node dist/server.js`, which only matched the 3.7.x image. "
                "restartCount 9, CrashLoopBackOff, BackOff x112, and the Deployment's Progressing condition is "
                "ProgressDeadlineExceeded. Users are not affected yet: the three revision-7 pods still serve (Endpoints lists the new "
                "pod as not ready), which is why nothing but the restarts alerts.\n\n"
                "Rolling back to revision 7 (3.7.2) ends the crash loop and unblocks the pipeline; the durable fix is to drop the "
                "command override from the chart (or set it to the new entry point) before 3.8.0 ships again. Restarting, deleting "
                "the pod or resizing only repeats the crash. The old quote-web readiness timeout 52 minutes ago is unrelated noise.")},
    }


SCENARIOS.append(quote_engine)


def storefront() -> dict:
    """Rails storefront release renders category pages with an N+1 query: p99 from ~150 ms to ~2 s."""
    from scena_kit import act, pool, rollback_item
    ctx = Ctx("storefront-category-n-plus-one", "2026-11-18T13:40:00Z")
    ns = "web-prod"
    nodes = pool(ctx, "aks", 3, region="westeurope", itype="Standard_D8s_v5", pool_name="web", cluster="web-prod",
                 subnet="10.224", cidr_base=244, created="-52d")
    acr = "acrwebprod.azurecr.io/web"

    def sspec(tag: str) -> dict:
        return podspec([container(
            "storefront", f"{acr}/storefront:{tag}", command=["bundle", "exec", "puma", "-C", "config/puma.rb"],
            ports=[{"name": "http", "containerPort": 3000, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9394, "protocol": "TCP"}],
            env=[{"name": "RAILS_ENV", "value": "production"}, {"name": "RAILS_MAX_THREADS", "value": "5"},
                 {"name": "WEB_CONCURRENCY", "value": "3"}, {"name": "RAILS_LOG_TO_STDOUT", "value": "1"},
                 {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "storefront-db", "key": "url"}}},
                 {"name": "REDIS_URL", "value": "redis://storefront-redis.web-prod.svc.cluster.local:6379/1"}],
            resources={"requests": {"cpu": "1", "memory": "1536Mi"}, "limits": {"cpu": "2", "memory": "2Gi"}},
            readiness={"httpGet": {"path": "/up", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 3},
            liveness={"httpGet": {"path": "/up", "port": "http"}, "initialDelaySeconds": 30, "periodSeconds": 20, "timeoutSeconds": 5})],
            sa="storefront")
    dep = Deploy(ctx, ns, "storefront", match={"app": "storefront", "component": "web"}, created="-700d", replicas=3,
                 labels={"app": "storefront", "component": "web", "team": "storefront"},
                 strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
    dep.rev(29, sspec("2026.11.11-2"), created="-7d", cause="release 2026.11.11-2 (pipeline 88214)")
    dep.rev(30, sspec("2026.11.14-3"), created="-4d", cause="release 2026.11.14-3 (pipeline 88391)")
    rs31 = dep.rev(31, sspec("2026.11.18-1"), created="-42m", cause="release 2026.11.18-1: category page redesign (pipeline 88530)",
                   replicas=3)
    new = [dep.pod(rs31, nodes[i], created=ctx.dt("-42m") + timedelta(seconds=50 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    objs: list = [Comment("nodes: AKS web-prod, user pool 'web'")] + nodes
    objs.append(Comment("storefront: release 2026.11.18-1 (revision 31) rolled out 12:58-13:00"))
    objs += dep.done(updated_at="-39m", available_since="-700d")
    ep = endpoints(ctx, ns, "storefront", ready=new, created="-700d", labels={"app": "storefront"},
                   ports=[{"name": "http", "port": 3000, "protocol": "TCP"}])
    objs += [service(ctx, ns, "storefront", selector={"app": "storefront", "component": "web"}, ip="10.0.118.23", created="-700d",
                     ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]), ep]
    objs.append(secret(ctx, ns, "storefront-db", {"url": "cG9zdGdyZXM6Ly9zdG9yZWZyb250OkhrOXFyVzJ2TEB3ZWJwcm9kLXBnLnBvc3RncmVzLmRhdGFiYXNlLmF6dXJlLmNvbTo2NDMyL3N0b3JlZnJvbnQ="},
                       created="-700d"))
    objs.append(Comment("neighbours: sidekiq worker, pgbouncer, redis"))
    wspec = podspec([container("worker", f"{acr}/storefront:2026.11.14-3", command=["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"],
                               env=[{"name": "RAILS_ENV", "value": "production"},
                                    {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "storefront-db", "key": "url"}}}],
                               resources={"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1536Mi"}})], sa="storefront")
    w_objs, w_pods, _ = simple_app(ctx, ns, "storefront-worker", wspec, nodes, replicas=2, created="-700d", rs_created="-4d",
                                   rev=30, cause="release 2026.11.14-3 (pipeline 88391)",
                                   match={"app": "storefront", "component": "worker"}, labels={"app": "storefront", "component": "worker"})
    objs += w_objs
    pgb_spec = podspec([container("pgbouncer", "docker.io/bitnami/pgbouncer:1.23.1",
                                  ports=[{"name": "pgbouncer", "containerPort": 6432, "protocol": "TCP"}],
                                  resources={"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}),
                        container("exporter", "quay.io/prometheuscommunity/pgbouncer-exporter:v0.9.0",
                                  ports=[{"name": "metrics", "containerPort": 9127, "protocol": "TCP"}])])
    p_objs, p_pods, _ = simple_app(ctx, ns, "pgbouncer", pgb_spec, nodes, replicas=2, created="-400d", rs_created="-60d", rev=5,
                                   svc_ip="10.0.77.140", port={"name": "pgbouncer", "port": 6432, "targetPort": 6432, "protocol": "TCP"})
    objs += p_objs
    objs.append(Comment("events"))
    rs30 = dep.rs(30)
    objs += rollout_events(ctx, dep.obj, rs31, rs30, at="-42m", steps=[
        (0, "up", rs31, 0, 1), (48, "down", rs30, 3, 2), (48, "up", rs31, 1, 2), (99, "down", rs30, 2, 1),
        (99, "up", rs31, 2, 3), (151, "down", rs30, 1, 0)])
    objs += pod_start_events(ctx, new[0], at="-42m", pull_s=11.482, size=412_551_220)
    objs.append(event(ctx, new[2], "Unhealthy", f'Readiness probe failed: Get "http://{new[2]["status"]["podIP"]}:3000/up": '
                      "context deadline exceeded (Client.Timeout exceeded while awaiting headers)", type_="Warning", count=4,
                      first="-21m", last="-3m", field_path="spec.containers{storefront}"))
    # logs
    def rails(pod: dict, k: int) -> list[str]:
        out = []
        for j in range(4):
            rid = ctx.uid()
            t = ctx.dt("-18m") + timedelta(seconds=260 * j + 17 * k, microseconds=ctx.rng.randint(0, 999999))
            ts = t.strftime("%Y-%m-%dT%H:%M:%S.%f")
            slug = ["outdoor-jackets", "running-shoes", "kids-rainwear", "backpacks"][(j + k) % 4]
            q = ctx.rng.randint(380, 520)
            ar = q * ctx.rng.uniform(3.6, 4.3)
            t2 = (t + timedelta(milliseconds=ar * 1.12)).strftime("%Y-%m-%dT%H:%M:%S.%f")
            t1 = (t + timedelta(milliseconds=ar * 1.02)).strftime("%Y-%m-%dT%H:%M:%S.%f")
            t0 = (t + timedelta(microseconds=412)).strftime("%Y-%m-%dT%H:%M:%S.%f")
            out += [f"I, [{ts} #{1 + k}]  INFO -- : [{rid}] Started GET \"/c/{slug}\" for 10.224.0.{40 + j} at {t:%Y-%m-%d %H:%M:%S} +0000",
                    f"I, [{t0} #{1 + k}]  INFO -- : [{rid}] Processing by CategoriesController#show as HTML",
                    f"I, [{t0} #{1 + k}]  INFO -- : [{rid}]   Parameters: {{\"slug\"=>\"{slug}\"}}",
                    f"I, [{t1} #{1 + k}]  INFO -- : [{rid}]   Rendered categories/show.html.erb within layouts/application (Duration: {ar * 1.05:.1f}ms | GC: {ar / 60:.1f}ms)",
                    f"I, [{t2} #{1 + k}]  INFO -- : [{rid}] Completed 200 OK in {ar * 1.12:.0f}ms (Views: {ar * 0.09:.1f}ms | ActiveRecord: {ar:.1f}ms ({q} queries, {ctx.rng.randint(2, 9)} cached) | GC: {ar / 55:.1f}ms)"]
            rid2 = ctx.uid()
            out += [f"I, [{ts} #{1 + k}]  INFO -- : [{rid2}] Started GET \"/p/{ctx.rng.randint(100000, 999999)}\" for 10.224.0.{60 + j} at {t:%Y-%m-%d %H:%M:%S} +0000",
                    f"I, [{ts} #{1 + k}]  INFO -- : [{rid2}] Processing by ProductsController#show as HTML",
                    f"I, [{ts} #{1 + k}]  INFO -- : [{rid2}] Completed 200 OK in {ctx.rng.randint(60, 110)}ms (Views: 31.8ms | ActiveRecord: 22.4ms (11 queries, 3 cached) | GC: 2.9ms)"]
        return out
    cluster_logs = []
    for k, p in enumerate(new):
        boot = timed(ctx, p["metadata"]["creationTimestamp"], 1.5, [
            "=> Booting Puma", "=> Rails 7.2.2 application starting in production ",
            "[1] Puma starting in cluster mode...", "[1] * Puma version: 6.4.3 (ruby 3.3.6-p108) (\"The Eagle of Durango\")",
            "[1] *  Min threads: 5", "[1] *  Max threads: 5", "[1] *  Environment: production", "[1] *   Master PID: 1",
            "[1] *      Workers: 3", "[1] *     Restarts: (✔) hot (✖) phased", "[1] * Listening on http://0.0.0.0:3000",
            "[1] Use Ctrl-C to stop"], lambda ts, ln: ln)
        cluster_logs.append(logs(ns, p, boot + rails(p, k)))
    cluster_logs.append(logs(ns, p_pods[0], timed(ctx, "-50m", 60 * 6, [
        "LOG stats: 214 xacts/s, 226 queries/s, in 59318 B/s, out 1121740 B/s, xact 4120 us, query 3904 us, wait 18 us",
        "LOG stats: 221 xacts/s, 233 queries/s, in 61002 B/s, out 1158210 B/s, xact 4011 us, query 3812 us, wait 21 us",
        "LOG stats: 1380 xacts/s, 6412 queries/s, in 1388102 B/s, out 9912043 B/s, xact 1466 us, query 1271 us, wait 912 us",
        "LOG stats: 1422 xacts/s, 6820 queries/s, in 1451220 B/s, out 10214450 B/s, xact 1502 us, query 1308 us, wait 1187 us",
        "LOG stats: 1407 xacts/s, 6698 queries/s, in 1420870 B/s, out 10022113 B/s, xact 1489 us, query 1296 us, wait 1044 us",
        "WARNING C-0x55d3c1e2a0f0: storefront/storefront@10.224.0.77:51812 pooler error: query_wait_timeout",
        "LOG stats: 1431 xacts/s, 6874 queries/s, in 1460115 B/s, out 10301984 B/s, xact 1511 us, query 1320 us, wait 1230 us",
        "LOG stats: 1398 xacts/s, 6701 queries/s, in 1412330 B/s, out 9987400 B/s, xact 1480 us, query 1290 us, wait 1102 us",
        "LOG stats: 1440 xacts/s, 6903 queries/s, in 1467011 B/s, out 10350212 B/s, xact 1520 us, query 1327 us, wait 1250 us"],
        lambda ts, ln: f"{ts[:10]} {ts[11:23]} UTC [1] {ln}"), container="pgbouncer"))
    cluster_logs.append(logs(ns, w_pods[0], timed(ctx, "-30m", 300, [
        "pid=1 tid=2k8 class=OrderConfirmationJob jid=9c1f8e2a elapsed=0.412 INFO: done",
        "pid=1 tid=2kc class=SitemapRefreshJob jid=0b77ad31 elapsed=3.104 INFO: done",
        "pid=1 tid=2k8 class=OrderConfirmationJob jid=7d0c4e11 elapsed=0.398 INFO: done",
        "pid=1 tid=2lg class=AbandonedCartJob jid=e2a9c410 elapsed=1.022 INFO: done",
        "pid=1 tid=2k8 class=OrderConfirmationJob jid=5e81aa02 elapsed=0.431 INFO: done",
        "pid=1 tid=2kc class=StockSyncJob jid=38bd9f76 elapsed=2.870 INFO: done"], lambda ts, ln: f"{ts} {ln}")))
    # metrics: 90 min at 1 min; the rollout is at index 48
    n, cut = 91, 48
    mets = []
    for p_old, p_new, base in zip([f"{dep.rs(30)['metadata']['name']}-{s}" for s in ("x2f9k", "7tq4n", "m8wzs")], new, (9.1, 8.7, 9.4)):
        rate = [base * (1 + 0.3 * k / n) for k in range(n)]
        for pod_name, live in ((p_old, lambda k: k < cut + (1 if base > 9 else 0)), (p_new["metadata"]["name"], lambda k: k >= cut)):
            lbl = {"__name__": "ruby_http_requests_total", "job": "storefront", "namespace": ns, "pod": pod_name,
                   "controller": "categories", "action": "show", "status": "200"}
            mets.append(series(lbl, cum(ctx, [r * 0.35 if live(k) else None for k, r in enumerate(rate)],
                                        start=ctx.rng.randint(900_000, 990_000) if pod_name == p_old else 0), start="-90m"))
            for q, old_v, new_v in (("0.5", 0.071, 0.88), ("0.99", 0.162, 2.14)):
                vals = [(old_v if k < cut else new_v) if live(k) else None for k in range(n)]
                mets.append(series({"__name__": "ruby_http_request_duration_seconds", "job": "storefront", "namespace": ns,
                                    "pod": pod_name, "controller": "categories", "action": "show", "quantile": q},
                                   noisy(ctx, vals, 0.08, 3), start="-90m"))
            vals = [(0.031 if k < cut else 0.79) if live(k) else None for k in range(n)]
            mets.append(series({"__name__": "ruby_http_request_sql_duration_seconds", "job": "storefront", "namespace": ns,
                                "pod": pod_name, "controller": "categories", "action": "show", "quantile": "0.5"},
                               noisy(ctx, vals, 0.08, 3), start="-90m"))
    mets.append(series({"__name__": "pgbouncer_stats_queries_pooled_total", "job": "pgbouncer", "namespace": ns, "database": "storefront"},
                       cum(ctx, [230] * cut + [6700] * (n - cut), start=4_402_118_233), start="-90m"))
    for p in new:
        mets.append(series(cadv("container_cpu_usage_seconds_total", ns, p), [None] * cut + cum(ctx, [1.21] * (n - cut), nd=2, frac=0.1), start="-90m"))
    rec = rollback_item(ctx, dep, good=30, bad=31, new_n=32, nodes=nodes, bad_pods=new, ep=ep,
                        when=[{"kind": "Deployment", "namespace": ns, "name": "storefront",
                               "path": "spec.template.spec.containers[0].image", "equals": f"{acr}/storefront:2026.11.14-3"}],
                        log=lambda p: ["=> Booting Puma", "[1] * Listening on http://0.0.0.0:3000",
                                       "I, [2026-11-18T13:44:02.118211 #2]  INFO -- : [c1d2] Completed 200 OK in 92ms (Views: 38.1ms | ActiveRecord: 31.7ms (14 queries, 3 cached) | GC: 3.8ms)"])
    return {
        "format": 1, "id": "storefront-category-latency-after-release",
        "title": "storefront release 2026.11.18-1 (category page redesign) loads each product's variants one query at a time: ~450 queries per category page, p99 from 0.16 s to 2.1 s",
        "tags": ["bad-rollout", "latency", "rails", "n-plus-one", "aks", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"command": "storefront is really slow since lunch", "channel": "#storefront-oncall", "user": "U01SFRONT9"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "bad_rollout",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "storefront"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs31['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs31['metadata']['name']}-"}],
            "evidence": ["2026.11.18-1", "categoriescontroller|/c/|category", "queries", "activerecord|sql|database time",
                         "2026.11.14-3|revision 30", "12:58|12:59|13:00|42 min"],
            "remediation": {
                "accepted": [act("rollback_deployment", ns, "storefront")],
                "checks": [{"kind": "Deployment", "namespace": ns, "name": "storefront",
                            "path": "spec.template.spec.containers[0].image", "equals": f"{acr}/storefront:2026.11.14-3"}],
                "forbidden": [act("restart_workload", ns, "storefront"), act("scale_workload", ns, "storefront"),
                              act("set_resources", ns, "storefront"), act("restart_workload", ns, "pgbouncer"),
                              act("scale_workload", ns, "pgbouncer"), act("rollback_deployment", ns, "storefront-worker")]},
            "notes": Folded(
                "Release 2026.11.18-1 (revision 31, 12:58-13:00) redesigned the category page; CategoriesController#show now issues "
                "~400-520 queries per request (Rails 7.2 prints the count in every Completed line) against ~14 before, so ActiveRecord "
                "time dominates and p99 for categories#show went from ~0.16 s to ~2.1 s at the exact minute each new pod took "
                "traffic. Product pages on the same pods are unchanged (11 queries, ~90 ms), which rules out the node, the pods or "
                "the database as a whole. pgbouncer's query rate jumped from ~230/s to ~6,700/s at the rollout and now shows "
                "query_wait_timeout warnings and longer waits: a consequence, not the cause.\n\n"
                "Traps: the database looks overloaded (pgbouncer waits, warnings), which invites scaling or restarting pgbouncer; "
                "the readiness timeouts on one pod come from slow requests starving puma threads; more replicas or CPU would only "
                "spread the extra queries. Rolling back to revision 30 (2026.11.14-3) restores ~14 queries per page; the category "
                "query needs an includes/preload before the redesign ships again.")},
    }


SCENARIOS.append(storefront)
