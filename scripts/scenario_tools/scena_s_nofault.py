"""Scenarios (helper scenA): controls where something looks alarming but nothing needs fixing."""
from __future__ import annotations

from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, cstatus, node, podspec, running, terminated
from scena_kit import act, pool
from scena_obs import alert, cum, event, ksm, logs, noisy, series, timed
from scena_work import Deploy, cron_job_name, cronjob, endpoints, hpa, job, job_pod, secret, service, simple_app, statefulset, sts_pod


def wallet_node_upgrade() -> dict:
    """GKE surge-upgraded the wallet node pool overnight; every pod is new, one restarted once while its database moved."""
    ctx = Ctx("wallet-node-pool-upgrade", "2026-11-28T07:55:00Z")
    ns = "wallet"
    nodes = pool(ctx, "gke", 3, region="us-west1", itype="n2-standard-8", pool_name="wallet-pool", cluster="fintech-prod", subnet="10.138",
                 cidr_base=96, created="-6h")
    new_kubelet = "v1.31.4-gke.1256000"
    for i, nd in enumerate(nodes):
        t = ctx.dt("2026-11-28T01:12:00Z") + timedelta(minutes=27 * i)
        nd["metadata"]["creationTimestamp"] = ctx.t(t)
        nd["status"]["nodeInfo"]["kubeletVersion"] = nd["status"]["nodeInfo"]["kubeProxyVersion"] = new_kubelet
        nd["status"]["nodeInfo"]["kernelVersion"] = "6.6.56+"
        for c in nd["status"]["conditions"]:
            c["lastTransitionTime"] = ctx.t(t + timedelta(seconds=40))
    old_names = [f"gke-fintech-prod-wallet-pool-{ctx.hexs(8)}-{ctx.safe(4)}" for _ in range(3)]
    reg = "us-west1-docker.pkg.dev/fintech-prod/wallet"
    objs: list = [Comment("nodes: GKE fintech-prod, wallet-pool recreated by the 01:00-05:00 maintenance-window upgrade to 1.31")] + nodes
    api_spec = podspec([container("wallet-api", f"{reg}/wallet-api:11.2.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                  resources={"requests": {"cpu": "500m", "memory": "768Mi"}, "limits": {"memory": "1Gi"}},
                                  readiness={"httpGet": {"path": "/readyz", "port": 8080}, "periodSeconds": 5})], sa="wallet-api")
    dep = Deploy(ctx, ns, "wallet-api", match={"app": "wallet-api"}, created="-500d", replicas=3, labels={"app": "wallet-api", "team": "wallet"})
    rs = dep.rev(73, api_spec, created="-8d", cause="wallet-api 11.2.0", replicas=3)
    pods = []
    for i in range(3):
        t = ctx.dt("2026-11-28T01:14:00Z") + timedelta(minutes=27 * i + 1)
        pods.append(dep.pod(rs, nodes[i], created=t, ip=ctx.ip(nodes[i])))
    objs += dep.done(available_since="-500d", updated_at="-8d")
    objs += [service(ctx, ns, "wallet-api", selector={"app": "wallet-api"}, ip="10.96.40.70", created="-500d",
                     ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]),
             endpoints(ctx, ns, "wallet-api", ready=pods, created="-500d", ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]),
             {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
              "metadata": {"name": "wallet-api", "namespace": ns, "uid": ctx.uid(), "creationTimestamp": ctx.t("-500d"), "generation": 1},
              "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "wallet-api"}}},
              "status": {"currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1, "expectedPods": 3, "observedGeneration": 1}}]
    objs.append(hpa(ctx, ns, "wallet-api", dep.obj, min_r=3, max_r=8, cpu_target=65, current=3, desired=3, cpu_now=22, created="-400d", conditions=[
        {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": ctx.t("-6h")},
        {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
         "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": ctx.t("-6h")},
        {"type": "ScalingLimited", "status": "True", "reason": "TooFewReplicas", "message": "the desired replica count is less than the minimum replica count",
         "lastTransitionTime": ctx.t("-6h")}]))
    objs.append(Comment("wallet-db (postgres StatefulSet) moved to a new node at 02:05; wallet-ledger-sync restarted once at that moment"))
    db_spec = podspec([container("postgres", "docker.io/library/postgres:16.6", ports=[{"name": "postgres", "containerPort": 5432, "protocol": "TCP"}],
                                 resources={"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"memory": "4Gi"}},
                                 mounts=[{"name": "data", "mountPath": "/var/lib/postgresql/data"}],
                                 readiness={"exec": {"command": ["pg_isready", "-U", "wallet"]}, "periodSeconds": 10})])
    db = statefulset(ctx, ns, "wallet-db", db_spec, match={"app": "wallet-db"}, replicas=1, created="-500d", service="wallet-db",
                     claims=[{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "premium-rwo",
                                                                     "resources": {"requests": {"storage": "200Gi"}}}}])
    dbp = sts_pod(ctx, db, 0, nodes[2], created="2026-11-28T02:05:30Z", ip=ctx.ip(nodes[2]), ready_at="2026-11-28T02:06:41Z",
                  volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-wallet-db-0"}}])
    objs += [db, dbp, service(ctx, ns, "wallet-db", selector={"app": "wallet-db"}, ip="None", created="-500d",
                              ports=[{"name": "postgres", "port": 5432, "targetPort": 5432, "protocol": "TCP"}])]
    objs[-1]["spec"]["clusterIP"] = "None"
    objs[-1]["spec"]["clusterIPs"] = ["None"]
    ls_spec = podspec([container("ledger-sync", f"{reg}/wallet-ledger-sync:3.0.4",
                                 env=[{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "wallet-db-app", "key": "url"}}}],
                                 resources={"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}})], sa="wallet-ledger-sync")
    ls = Deploy(ctx, ns, "wallet-ledger-sync", match={"app": "wallet-ledger-sync"}, created="-300d", replicas=1)
    ls_rs = ls.rev(12, ls_spec, created="-20d", cause="wallet-ledger-sync 3.0.4", replicas=1)
    lsp = ls.pod(ls_rs, nodes[1], created="2026-11-28T01:41:10Z", ip=ctx.ip(nodes[1]), ready_at="2026-11-28T02:06:50Z",
                 statuses=[cstatus(ctx, ls_spec["containers"][0], state=running(ctx, "2026-11-28T02:06:48Z"), restarts=1,
                                   last=terminated(ctx, 1, "Error", "2026-11-28T01:41:14Z", "2026-11-28T02:05:12Z"))])
    objs += ls.done(available_since="-300d", updated_at="-20d")
    objs.append(secret(ctx, ns, "wallet-db-app", {"url": "cG9zdGdyZXM6Ly93YWxsZXQ6cVo4ay1UMzN4QHdhbGxldC1kYi0wLndhbGxldC1kYi53YWxsZXQuc3ZjOjU0MzIvd2FsbGV0"}))
    objs.append(Comment("events from the upgrade expired hours ago; only a recent, harmless one is left"))
    objs.append(event(ctx, pods[0], "Unhealthy", f'Readiness probe failed: Get "http://{pods[0]["status"]["podIP"]}:8080/readyz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
                      type_="Warning", count=1, first="-38m", field_path="spec.containers{wallet-api}"))
    cluster_logs = [logs(ns, lsp, [
        "2026-11-28T01:41:15.002Z INFO ledger-sync 3.0.4 starting",
        "2026-11-28T01:41:15.318Z INFO connected to wallet-db-0.wallet-db.wallet.svc:5432",
        "2026-11-28T02:04:00.114Z INFO synced 1841 entries (lag 0.4s)",
        "2026-11-28T02:05:11.870Z ERROR FATAL:  terminating connection due to administrator command (SQLSTATE 57P01)",
        "2026-11-28T02:05:12.004Z FATAL lost database connection, exiting so that Kubernetes restarts us"], previous=True),
        logs(ns, lsp, ["2026-11-28T02:06:48.440Z INFO ledger-sync 3.0.4 starting",
                       "2026-11-28T02:06:49.102Z INFO connected to wallet-db-0.wallet-db.wallet.svc:5432",
                       "2026-11-28T02:06:49.550Z INFO catching up from lsn 4/1A22F0B8",
                       "2026-11-28T02:06:53.905Z INFO synced 2204 entries (lag 0.5s)"] +
             timed(ctx, "-50m", 600, [f"INFO synced {ctx.rng.randint(300, 900)} entries (lag 0.{ctx.rng.randint(2, 6)}s)" for _ in range(5)],
                   lambda ts, ln: f"{ts} {ln}")),
        logs(ns, dbp, ["2026-11-28 02:05:41.201 UTC [1] LOG:  starting PostgreSQL 16.6 (Debian 16.6-1.pgdg120+1) on x86_64-pc-linux-gnu",
                       "2026-11-28 02:05:41.330 UTC [28] LOG:  database system was shut down at 2026-11-28 02:05:11 UTC",
                       "2026-11-28 02:05:41.402 UTC [1] LOG:  database system is ready to accept connections",
                       "2026-11-28 07:30:00.211 UTC [1] LOG:  checkpoint complete: wrote 2211 buffers (1.7%)"])]
    for p in pods:
        cluster_logs.append(logs(ns, p, timed(ctx, "-20m", 120, [f"level=info msg=\"request\" path=/v2/balance status=200 dur_ms={ctx.rng.randint(4, 30)}"
                                                                 for _ in range(10)], lambda ts, ln: f"ts={ts} {ln}")))
    # metrics: 8 h at 10 min (index 0 = 23:55); old nodes leave at 01:12, 01:39, 02:06
    n = 49
    mets = []
    for i, old in enumerate(old_names):
        gone = 8 + 3 * i
        mets.append(series(ksm("kube_node_info", "", node=old, kubelet_version="v1.30.6-gke.1125000", container_runtime_version="containerd://1.7.23",
                               os_image="Container-Optimized OS from Google"), [1] * gone + [None] * (n - gone), start="-480m", step="10m"))
        mets.append(series(ksm("kube_node_spec_unschedulable", "", node=old), [0] * (gone - 1) + [1] + [None] * (n - gone), start="-480m", step="10m"))
        nd = nodes[i]["metadata"]["name"]
        mets.append(series(ksm("kube_node_info", "", node=nd, kubelet_version=new_kubelet, container_runtime_version="containerd://1.7.24",
                               os_image="Container-Optimized OS from Google"), [None] * (gone - 1) + [1] * (n - gone + 1), start="-480m", step="10m"))
    for m in mets:
        m["labels"].pop("namespace")
    for code, vals in (("200", [46.0] * n), ("503", [0.0] * 8 + [0.6, 0.0, 0.0, 0.4, 0.0, 0.0, 0.9] + [0.0] * (n - 15))):
        mets.append(series({"__name__": "http_requests_total", "job": "wallet-api", "namespace": ns, "handler": "/v2/balance", "code": code},
                           cum(ctx, vals, start={"200": 612_004_118, "503": 2_018}[code], step_s=600, frac=0.08 if code == "200" else 0.3),
                           start="-480m", step="10m"))
    mets.append(series({"__name__": "http_request_duration_seconds", "job": "wallet-api", "namespace": ns, "handler": "/v2/balance", "quantile": "0.99"},
                       noisy(ctx, [0.061] * 8 + [0.31, 0.07, 0.06, 0.22, 0.06, 0.06, 0.44] + [0.058] * (n - 15), 0.06, 3), start="-480m", step="10m"))
    mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=lsp["metadata"]["name"], container="ledger-sync"),
                       [None] * 11 + [0] * 3 + [1] * (n - 14), start="-480m", step="10m"))
    return {
        "format": 1, "id": "wallet-pods-churned-overnight",
        "title": "Control: GKE surge-upgraded the wallet node pool to 1.31 in the 01:00-05:00 maintenance window; every pod was recreated, wallet-ledger-sync restarted once when wallet-db moved, and since 02:07 everything is healthy",
        "tags": ["control", "no-fault", "gke", "node-upgrade", "maintenance-window"],
        "now": ctx.now_s,
        "trigger": {"command": "lots of pods restarted in wallet overnight, is something wrong?", "channel": "#wallet-oncall", "user": "U0WALLET31"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "truth": {
            "category": "no_fault",
            "resource": None,
            "evidence": ["upgrade|node pool|nodes were replaced|recreated|new nodes|drain", "1.31|gke.1256000|1.30",
                         "healthy|no action|no fault|recovered|nothing to fix|expected", "01:|02:|overnight|maintenance"],
            "remediation": {
                "accepted": [{"action": "recommend_only"}],
                "forbidden": [act("restart_workload", ns, "wallet-api"), act("rollback_deployment", ns, "wallet-api"),
                              act("scale_workload", ns, "wallet-api"), act("restart_workload", ns, "wallet-ledger-sync"),
                              act("restart_workload", ns, "wallet-db", "StatefulSet")]},
            "notes": Folded(
                "A control. The wallet-pool nodes are all new (created 01:12, 01:39, 02:06) and run kubelet v1.31.4-gke.1256000; "
                "kube_node_info shows the three old v1.30.6 nodes being cordoned and leaving one by one: a GKE surge upgrade in "
                "the maintenance window. Every pod in the namespace was evicted and recreated, which the on-call read as 'lots of "
                "restarts'. The PDB (maxUnavailable 1) kept wallet-api serving; three short blips of 503s and p99 up to ~0.4 s "
                "while pods moved, nothing since 02:10. wallet-ledger-sync's restartCount 1 (lastState Error, exit 1 at 02:05) is "
                "the database being shut down for its own move ('terminating connection due to administrator command'); it came "
                "back at 02:06 and has synced normally since.\n\n"
                "The right report says nothing is wrong now, explains the overnight upgrade and the single restart, and proposes "
                "no mutation (perhaps recommending that ledger-sync reconnect instead of exiting). The readiness timeout 38 "
                "minutes ago was a single probe. Restarting, rolling back or scaling anything would be change for nothing.")},
    }


def pg_backup_alert() -> dict:
    """KubeJobFailed keeps firing for the midnight pg-backup run that hit the database's maintenance restart; the 06:00 run succeeded."""
    ctx = Ctx("pg-backup-failed-then-succeeded", "2026-11-27T07:32:00Z")
    ns = "db-ops"
    nodes = pool(ctx, "aks", 3, region="swedencentral", itype="Standard_D4ds_v5", pool_name="system", cpu=4, mem_gi=16, cluster="orders-prod",
                 subnet="10.227", cidr_base=244, created="-90d")
    spec = podspec([container("pg-backup", "acrordersprod.azurecr.io/ops/pg-backup:1.6.0", command=["/usr/local/bin/backup.sh"],
                              env=[{"name": "PGHOST", "value": "orders-pg.postgres.database.azure.com"}, {"name": "PGDATABASE", "value": "orders"},
                                   {"name": "PGUSER", "value": "backup"},
                                   {"name": "PGPASSWORD", "valueFrom": {"secretKeyRef": {"name": "pg-backup", "key": "password"}}},
                                   {"name": "TARGET", "value": "https://stordersbackup.blob.core.windows.net/pg/orders"}],
                              resources={"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}})],
                   sa="pg-backup", restart="Never")
    cj = cronjob(ctx, ns, "pg-backup", spec, schedule="0 */6 * * *", created="-200d", last_schedule="2026-11-27T06:00:00Z",
                 last_success="2026-11-27T06:11:40Z", labels={"app": "pg-backup", "team": "dba"}, backoff=1, history=(3, 1))
    objs: list = [Comment("nodes: AKS orders-prod")] + nodes
    objs.append(Comment("pg-backup runs every 6 h; 00:00 failed during the server's planned maintenance, 06:00 succeeded"))
    objs.append(cj)
    objs.append(secret(ctx, ns, "pg-backup", {"password": "Ymt1cC1QNHNzLTIwMjYtUXo="}))
    runs = {}
    for when, outcome in (("2026-11-26T12:00:00Z", "complete"), ("2026-11-26T18:00:00Z", "complete"), ("2026-11-27T00:00:00Z", "failed"),
                          ("2026-11-27T06:00:00Z", "complete")):
        jn = cron_job_name(ctx, "pg-backup", when)
        t = ctx.dt(when)
        fin = t + timedelta(minutes=11, seconds=ctx.rng.randint(10, 50)) if outcome == "complete" else t + timedelta(minutes=4, seconds=22)
        j = job(ctx, ns, jn, spec, created=when, owner=cj, outcome=outcome, finished=fin, backoff=1, failed=2 if outcome == "failed" else 0,
                labels={"app": "pg-backup"}, scheduled_ts=ctx.t(when).replace("Z", "+00:00"))
        objs.append(j)
        runs[when] = (j, fin)
    fj, ffin = runs["2026-11-27T00:00:00Z"]
    sj, sfin = runs["2026-11-27T06:00:00Z"]
    c = spec["containers"][0]
    fp1 = job_pod(ctx, fj, nodes[0], created="2026-11-27T00:00:00Z", ip=None, phase="Failed", statuses=[cstatus(
        ctx, c, ready=False, started=False, state=terminated(ctx, 1, "Error", "2026-11-27T00:00:03Z", "2026-11-27T00:00:41Z"))])
    fp2 = job_pod(ctx, fj, nodes[1], created="2026-11-27T00:00:52Z", ip=None, phase="Failed", statuses=[cstatus(
        ctx, c, ready=False, started=False, state=terminated(ctx, 1, "Error", "2026-11-27T00:00:55Z", "2026-11-27T00:04:21Z"))])
    sp = job_pod(ctx, sj, nodes[2], created="2026-11-27T06:00:00Z", ip=None, phase="Succeeded", statuses=[cstatus(
        ctx, c, ready=False, started=False, state=terminated(ctx, 0, "Completed", "2026-11-27T06:00:03Z", sfin))])
    objs += [fp1, fp2, sp]
    objs.append(Comment("neighbour: orders-api (uses the same database; it logged reconnects at 00:00 and is fine)"))
    oa_spec = podspec([container("orders-api", "acrordersprod.azurecr.io/orders/orders-api:19.4.2", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                 resources={"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1536Mi"}},
                                 readiness={"httpGet": {"path": "/health/ready", "port": 8080}})], sa="orders-api")
    o_objs, o_pods, _ = simple_app(ctx, "orders", "orders-api", oa_spec, nodes, replicas=3, created="-600d", rs_created="-4d", rev=210,
                                   svc_ip="10.0.201.9", port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += o_objs
    cluster_logs = [
        logs(ns, fp1, ["2026-11-27T00:00:03Z backup.sh: starting pg_dump of orders@orders-pg.postgres.database.azure.com (format=custom, jobs=4)",
                       "pg_dump: error: query failed: FATAL:  terminating connection due to administrator command",
                       "pg_dump: detail: Query was: COPY public.order_lines (id, order_id, sku, qty, price_minor, currency) TO stdout;",
                       "2026-11-27T00:00:41Z backup.sh: pg_dump failed with exit code 1"]),
        logs(ns, fp2, ["2026-11-27T00:00:55Z backup.sh: starting pg_dump of orders@orders-pg.postgres.database.azure.com (format=custom, jobs=4)",
                       'pg_dump: error: connection to server at "orders-pg.postgres.database.azure.com" (10.227.64.5), port 5432 failed: Connection timed out',
                       "\tIs the server running on that host and accepting TCP/IP connections?",
                       "2026-11-27T00:04:21Z backup.sh: pg_dump failed with exit code 1"]),
        logs(ns, sp, ["2026-11-27T06:00:03Z backup.sh: starting pg_dump of orders@orders-pg.postgres.database.azure.com (format=custom, jobs=4)",
                      "2026-11-27T06:10:58Z backup.sh: pg_dump done: 8.31 GiB in 655s",
                      "2026-11-27T06:11:37Z backup.sh: uploaded https://stordersbackup.blob.core.windows.net/pg/orders/2026-11-27T0600Z.dump (8.31 GiB, sha256 9c1e0f...)",
                      "2026-11-27T06:11:38Z backup.sh: pruned 2 dumps older than 14 days"])]
    cluster_logs.append(logs("orders", o_pods[0], [
        "2026-11-27T00:00:38.119Z  WARN 1 --- [orders-api] [ool-1 housekeeper] com.zaxxer.hikari.pool.PoolBase : HikariPool-1 - Failed to validate connection org.postgresql.jdbc.PgConnection@5b1e2a41 (This connection has been closed.). Possible solution: set a shorter maxLifetime.",
        "2026-11-27T00:03:12.402Z  WARN 1 --- [orders-api] [nio-8080-exec-4] o.h.engine.jdbc.spi.SqlExceptionHelper : SQL Error: 0, SQLState: 08001",
        "2026-11-27T00:04:40.009Z  INFO 1 --- [orders-api] [ool-1 housekeeper] com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@1f0c9d77"] +
        timed(ctx, "-40m", 300, ["INFO 1 --- [orders-api] [nio-8080-exec-2] c.e.orders.web.OrderController : POST /v1/orders 201 in 41 ms"] * 8,
              lambda ts, ln: f"{ts}  {ln}")))
    fjn = fj["metadata"]["name"]
    mets = [series(ksm("kube_job_failed", ns, job_name=fjn, condition="true"), [None] * 8 + [1] * 46, start="-530m", step="10m"),
            series(ksm("kube_job_status_failed", ns, job_name=fjn, reason="BackoffLimitExceeded"), [None] * 8 + [2] * 46, start="-530m", step="10m"),
            series(ksm("kube_job_status_succeeded", ns, job_name=sj["metadata"]["name"]), [None] * 44 + [0, 1] + [1] * 8, start="-530m", step="10m"),
            series(ksm("kube_cronjob_status_last_successful_time", ns, cronjob="pg-backup"),
                   [int(ctx.dt("2026-11-26T18:11:20Z").timestamp())] * 45 + [int(ctx.dt(sfin).timestamp())] * 9, start="-530m", step="10m"),
            series({"__name__": "pg_backup_last_dump_bytes", "job": "pushgateway", "namespace": ns, "database": "orders"},
                   [8.27e9] * 45 + [8.92e9] * 9, start="-530m", step="10m")]
    mets[-1]["values"] = [int(v) for v in mets[-1]["values"]]
    trig = alert(ctx, "KubeJobFailed", {"namespace": ns, "job_name": fjn, "severity": "warning", "job": "kube-state-metrics"},
                 summary="Job failed to complete.",
                 description=f"Job {ns}/{fjn} failed to complete. Removing failed job after investigation should clear this alert.",
                 starts="2026-11-27T00:19:30Z", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubejobfailed",
                 expr='kube_job_failed{job="kube-state-metrics"} > 0')
    return {
        "format": 1, "id": "pg-backup-job-failed-alert-still-firing",
        "title": "Control: KubeJobFailed is still firing for the 00:00 pg-backup run, which failed during the database server's planned maintenance restart; the 06:00 run completed and uploaded a good dump, so there is nothing to fix",
        "tags": ["control", "no-fault", "cronjob", "kubejobfailed", "aks", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"alert": trig, "channel": "#dba-alerts"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "truth": {
            "category": "no_fault",
            "resource": None,
            "evidence": ["06:00|06:11|succeeded|completed|latest run|next run", "00:00|midnight",
                         "administrator command|maintenance|timed out|restart", "delete the failed job|clear the alert|no action|nothing to fix|no fault"],
            "remediation": {
                "accepted": [{"action": "recommend_only"}],
                "forbidden": [act("restart_workload", "orders", "orders-api"), act("rollback_deployment", "orders", "orders-api"),
                              act("scale_workload", "orders", "orders-api")]},
            "notes": Folded(
                "A control. The 00:00 run of the pg-backup CronJob failed twice (backoffLimit 1): first 'terminating connection due "
                "to administrator command' while pg_dump was copying order_lines, then 'Connection timed out' while the Azure "
                "Database for PostgreSQL server was restarting for its planned maintenance; orders-api logged a few broken "
                "connections at the same minutes and recovered by 00:05. The 06:00 run completed in 11 minutes and uploaded an "
                "8.3 GiB dump (lastSuccessfulTime 06:11). KubeJobFailed keeps firing only because the failed Job object is kept "
                "(failedJobsHistoryLimit 1); the alert's own text says so.\n\n"
                "The right report says backups are fine now, explains the midnight failure, and proposes no mutation; at most "
                "recommend deleting the failed Job to clear the alert (and maybe moving the schedule off the maintenance window). "
                "Restarting or rolling back orders-api, which only saw the same short restart, would be change for nothing.")},
    }


SCENARIOS = [wallet_node_upgrade, pg_backup_alert]
