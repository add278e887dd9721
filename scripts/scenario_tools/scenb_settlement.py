"""Scenario settlement-engine-3-4-deploy-hangs: the surge pod exceeds the namespace's limits.memory quota."""
from __future__ import annotations

from scenb_kit import Scenario, container, counter, gauge, http_probe, res, running, steps, template

sc = Scenario("settlement-engine-3-4-deploy-hangs",
              title="The settlement-engine 3.4.0 rollout (maxSurge 1, maxUnavailable 0) cannot create its surge pod: the "
                    "namespace quota limits.memory=16Gi is fully used since recon-worker was scaled from 1 to 2 for month-end "
                    "two days ago",
              now="2026-11-30T15:26:00Z",
              tags=["quota-exceeded", "resourcequota", "rollout-stuck", "gke", "recommend-only", "red-herring"])
sc.command("settlement 3.4.0 deploy has been hanging for 40 minutes, argo still says progressing", channel="#payments-release",
           user="U04PAYREL2")

NODES = []
for i, (zone, age) in enumerate([("europe-west3-a", "-17d2h"), ("europe-west3-b", "-17d2h"), ("europe-west3-c", "-17d1h"), ("europe-west3-a", "-6d9h")]):
    n = f"gke-payments-prod-default-pool-{('5c1e9b2a', '8d4f0a61', 'b2e7c9d3', '5c1e9b2a')[i]}-{('h2kq', 'x9vm', 'q4lz', 'w7rt')[i]}"
    sc.node(n, flavour="gke", zone=zone, instance="e2-standard-8", cpu=8, mem_gib=31.4, ip=f"10.156.0.{12 + i * 3}",
            pod_cidr=f"10.32.{i}.0/24", created=age, pool="default-pool", mem_reserved_ki=3_550_000, cpu_reserved_m=70)
    NODES.append(n)
for n in NODES:
    sc.nodes[n]["metadata"]["labels"]["topology.kubernetes.io/region"] = "europe-west3"

REG = "europe-west3-docker.pkg.dev/payments-prod/apps"
LAB = {"app.kubernetes.io/name": "settlement-engine"}


def engine(version: str, batch: str) -> dict:
    return template({**LAB, "app.kubernetes.io/version": version}, [container(
        "engine", f"{REG}/settlement-engine:{version}",
        args=["--config=/etc/settlement/config.yaml"],
        ports=[{"name": "grpc", "containerPort": 9090, "protocol": "TCP"}, {"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        env=[{"name": "GOMEMLIMIT", "value": "900MiB"}, {"name": "SETTLEMENT_BATCH_SIZE", "value": batch},
             {"name": "PG_DSN", "valueFrom": {"secretKeyRef": {"name": "settlement-db", "key": "dsn"}}}],
        resources=res("250m", "512Mi", "1", "1Gi"),
        readinessProbe=http_probe("/readyz", "http", period=5, timeout=1),
        livenessProbe=http_probe("/livez", "http", period=10, timeout=2, initial=10),
        volumeMounts=[{"name": "config", "mountPath": "/etc/settlement", "readOnly": True}])],
        serviceAccountName="settlement-engine", volumes=[{"name": "config", "configMap": {"name": "settlement-engine"}}],
        topologySpreadConstraints=[{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
                                    "labelSelector": {"matchLabels": LAB}}])


revs = [{"rev": 21, "created": "-13d4h11m", "template": engine("3.3.1", "500"), "cause": "argocd: settlement-engine 3.3.1 (sync 7f3c2e1)"},
        {"rev": 22, "created": "-6d2h47m", "template": engine("3.3.2", "500"), "cause": "argocd: settlement-engine 3.3.2 (sync a91d004)"},
        {"rev": 23, "created": "-41m18s", "template": engine("3.4.0", "750"), "cause": "argocd: settlement-engine 3.4.0 (sync 0c5be82)", "replicas": 1}]
revs[1]["replicas"] = 8
dep = sc.deployment("settlement", "settlement-engine", labels={**LAB, "team": "payments-core", "argocd.argoproj.io/instance": "settlement-prod"},
                    selector=LAB, revisions=revs, replicas=8, created="-380d", generation=57,
                    strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
rs21, rs22, rs23 = dep["_rs"]
epods = [sc.pod(rs22, node=NODES[i % 4], created=f"-6d2h{46 - i}m{11 * i % 60}s", states={"engine": running(f"-6d2h{45 - i}m{(11 * i + 7) % 60}s")})
         for i in range(8)]
dep["status"] = {"observedGeneration": 57, "replicas": 8, "updatedReplicas": 0, "readyReplicas": 8, "availableReplicas": 8,
                 "conditions": [
                     {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
                      "lastUpdateTime": sc.ts("-6d2h40m"), "lastTransitionTime": sc.ts("-6d2h40m")},
                     {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
                      "message": f"pods \"{rs23['metadata']['name']}-\" is forbidden: exceeded quota: compute-resources, requested: limits.memory=1Gi, used: limits.memory=16Gi, limited: limits.memory=16Gi",
                      "lastUpdateTime": sc.ts("-41m17s"), "lastTransitionTime": sc.ts("-41m17s")},
                     {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                      "message": f"ReplicaSet \"{rs23['metadata']['name']}\" has timed out progressing.",
                      "lastUpdateTime": sc.ts("-31m18s"), "lastTransitionTime": sc.ts("-31m18s")}]}
rs23["status"] = {"replicas": 0, "observedGeneration": 1,
                  "conditions": [{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "lastTransitionTime": sc.ts("-41m17s"),
                                  "message": f"pods \"{rs23['metadata']['name']}-\" is forbidden: exceeded quota: compute-resources, requested: limits.memory=1Gi, used: limits.memory=16Gi, limited: limits.memory=16Gi"}]}
sc.service("settlement", "settlement-engine", selector=LAB, ports=[{"name": "grpc", "port": 9090, "targetPort": "grpc", "protocol": "TCP"}],
           created="-380d", cluster_ip="10.36.8.114", labels=LAB, pods=epods)
sc.obj("v1", "ConfigMap", "settlement-engine", "settlement", created="-380d", labels=LAB,
       data={"config.yaml": "cutoff: \"16:00 Europe/Berlin\"\nschemes: [sepa, sepa_instant, cards_eu]\nledger:\n  grpc: ledger.ledger.svc.cluster.local:9090\n  timeout: 5s\n"})

# neighbours
api = sc.app("settlement", "settlement-api", f"{REG}/settlement-api:2.9.4", nodes=NODES[:3], created="-380d", rev=30, rev_created="-9d3h12m",
             cause="argocd: settlement-api 2.9.4", probe="/readyz", cluster_ip="10.36.1.90", team="payments-core",
             resources=res("200m", "512Mi", "1", "1Gi"))
recon_t = template({"app.kubernetes.io/name": "recon-worker"}, [container(
    "recon", f"{REG}/recon-worker:1.12.0", args=["--queue=recon-month-end", "--parallel=16"],
    env=[{"name": "PG_DSN", "valueFrom": {"secretKeyRef": {"name": "settlement-db", "key": "dsn"}}}],
    resources=res("500m", "1Gi", "2", "2Gi"))], serviceAccountName="recon-worker")
recon = sc.deployment("settlement", "recon-worker", labels={"app.kubernetes.io/name": "recon-worker", "team": "payments-core"},
                      selector={"app.kubernetes.io/name": "recon-worker"},
                      revisions=[{"rev": 9, "created": "-24d5h", "template": recon_t, "cause": "argocd: recon-worker 1.12.0"}],
                      replicas=2, created="-300d")
rpods = [sc.pod(recon["_rs"][0], node=NODES[3], created="-24d4h58m", states={"recon": running("-24d4h57m50s")}),
         sc.pod(recon["_rs"][0], node=NODES[1], created="-2d3h14m09s", states={"recon": running("-2d3h13m58s")})]
sc.event(recon, "ScalingReplicaSet", f"Scaled up replica set {recon['_rs'][0]['metadata']['name']} from 1 to 2", first="-2d3h14m09s",
         component="deployment-controller")
pgb = sc.app("settlement", "pgbouncer", "europe-west3-docker.pkg.dev/payments-prod/infra/pgbouncer:1.23.1", nodes=[NODES[0], NODES[2]],
             created="-380d", rev=6, rev_created="-52d", cause=None, port=6432, probe=None, cluster_ip="10.36.4.4", team="payments-core",
             resources=res("100m", "256Mi", "500m", "512Mi"))
sc.obj("v1", "ResourceQuota", "compute-resources", "settlement", created="-380d",
       labels={"app.kubernetes.io/managed-by": "platform-tenancy", "tenancy.example.com/tier": "gold"},
       annotations={"tenancy.example.com/owner": "platform-team", "tenancy.example.com/ticket": "PLAT-1044"},
       spec={"hard": {"limits.cpu": "24", "limits.memory": "16Gi", "pods": "40", "requests.cpu": "12", "requests.memory": "12Gi"}},
       status={"hard": {"limits.cpu": "24", "limits.memory": "16Gi", "pods": "40", "requests.cpu": "12", "requests.memory": "12Gi"},
               "used": {"limits.cpu": "16", "limits.memory": "16Gi", "pods": "15", "requests.cpu": "3800m", "requests.memory": "8Gi"}})
sc.obj("v1", "LimitRange", "defaults", "settlement", created="-380d", labels={"app.kubernetes.io/managed-by": "platform-tenancy"},
       spec={"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "512Mi"}, "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                         "max": {"memory": "4Gi"}}]})

# events
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs23['metadata']['name']} from 0 to 1", first="-41m18s", component="deployment-controller")
sc.event(rs23, "FailedCreate",
         f"Error creating: pods \"{rs23['metadata']['name']}-{sc.ids.alnum(5, 'gen1')}\" is forbidden: exceeded quota: compute-resources, requested: limits.memory=1Gi, used: limits.memory=16Gi, limited: limits.memory=16Gi",
         type="Warning", first="-41m17s", count=1, component="replicaset-controller")
sc.event(rs23, "FailedCreate",
         f"Error creating: pods \"{rs23['metadata']['name']}-{sc.ids.alnum(5, 'gen2')}\" is forbidden: exceeded quota: compute-resources, requested: limits.memory=1Gi, used: limits.memory=16Gi, limited: limits.memory=16Gi",
         type="Warning", first="-41m16s", count=1, component="replicaset-controller")
sc.event(rs23, "FailedCreate",
         f"(combined from similar events): Error creating: pods \"{rs23['metadata']['name']}-{sc.ids.alnum(5, 'gen9')}\" is forbidden: exceeded quota: compute-resources, requested: limits.memory=1Gi, used: limits.memory=16Gi, limited: limits.memory=16Gi",
         type="Warning", first="-41m10s", last="-1m52s", count=23, component="replicaset-controller")
sc.event(api["_pods"][1], "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", type="Warning",
         first="-3d5h2m", last="-3d5h1m", count=4, field_path="spec.containers{settlement-api}")

# logs
for i, p in enumerate(epods[:3]):
    lines = [sc.fmt("-6d2h44m", "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"INFO\",\"msg\":\"settlement-engine 3.3.2 starting\",\"batch_size\":500,\"schemes\":[\"sepa\",\"sepa_instant\",\"cards_eu\"]}")]
    for k, t in enumerate(sc.ticks("-8m", "-15s", 20, jitter=0.6)):
        if k % 6 == 5:
            lines.append(sc.fmt(t, "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"WARN\",\"msg\":\"ledger ack slow\",\"batch\":\"b-" + str(88412 + k * 3 + i) + "\",\"dur_ms\":" + str(1200 + 37 * k) + "}"))
        else:
            lines.append(sc.fmt(t, "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"INFO\",\"msg\":\"batch settled\",\"batch\":\"b-" + str(88412 + k * 3 + i) + "\",\"items\":500,\"scheme\":\"" + ("sepa", "sepa_instant", "cards_eu")[k % 3] + "\",\"dur_ms\":" + str(310 + 13 * (k % 7)) + "}"))
    sc.log(p, lines)
for p in rpods:
    sc.log(p, [sc.fmt(t, "%Y-%m-%dT%H:%M:%SZ INFO recon month-end: matched " + str(4000 + 17 * k) + " of 512334 entries for 2026-11 (unmatched so far: 212)")
               for k, t in enumerate(sc.ticks("-10m", "-30s", 60))])
sc.log(pgb["_pods"][0], ["2026-11-30 15:25:01.014 UTC [1] LOG stats: 412 xacts/s, 1630 queries/s, 0 client parses/s, in 291403 B/s, out 1448850 B/s, xact 2410 us, query 603 us, wait 18 us"], repeat=5)

# metrics: 3 days at 30m for the quota, 90m at 1m for the rollout
N3, S3 = 145, "-4320m"
cut = 145 - 1 - int((2 * 24 + 3.24) * 2)
GI = 1073741824
sc.series({"__name__": "kube_resourcequota", "namespace": "settlement", "resourcequota": "compute-resources", "resource": "limits.memory",
           "type": "hard", "job": "kube-state-metrics"}, [16 * GI] * N3, start=S3, step="30m")
sc.series({"__name__": "kube_resourcequota", "namespace": "settlement", "resourcequota": "compute-resources", "resource": "limits.memory",
           "type": "used", "job": "kube-state-metrics"}, steps(N3, [(0, 14 * GI), (cut, 16 * GI)]), start=S3, step="30m")
sc.series({"__name__": "kube_deployment_spec_replicas", "namespace": "settlement", "deployment": "recon-worker", "job": "kube-state-metrics"},
          steps(N3, [(0, 1), (cut, 2)]), start=S3, step="30m")
N, S = 90, "-89m"
sc.series({"__name__": "kube_deployment_status_replicas_updated", "namespace": "settlement", "deployment": "settlement-engine", "job": "kube-state-metrics"},
          steps(N, [(0, 8), (48, 0)]), start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "settlement", "deployment": "settlement-engine", "job": "kube-state-metrics"},
          [8] * N, start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_condition", "namespace": "settlement", "deployment": "settlement-engine", "condition": "Progressing",
           "status": "false", "job": "kube-state-metrics"}, steps(N, [(0, 0), (58, 1)]), start=S, step="1m")
sc.series({"__name__": "grpc_server_handled_total", "namespace": "settlement", "service": "settlement-engine", "grpc_service": "settlement.v1.Settlement",
           "grpc_method": "SettleBatch", "grpc_code": "OK"}, counter(sc, "ok", [24.0] * N, start_value=3_118_044), start=S, step="1m")

sc.truth = {
    "category": "quota_exceeded",
    "resource": {"kind": "ResourceQuota", "namespace": "settlement", "name": "compute-resources"},
    "aliases": [{"kind": "Deployment", "namespace": "settlement", "name_regex": "^settlement-engine$"},
                {"kind": "ReplicaSet", "namespace": "settlement", "name_regex": f"^{rs23['metadata']['name']}$"}],
    "evidence": ["exceeded quota|compute-resources",
                 "limits.memory",
                 "16gi|17179869184",
                 "recon-worker|month-end|1 to 2",
                 "maxsurge|surge|maxunavailable"],
    "remediation": {
        "accepted": [{"action": "recommend_only", "target": {"kind": "ResourceQuota", "namespace": "settlement", "name": "compute-resources"}}],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "settlement", "name": "settlement-engine"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "settlement", "name": "settlement-engine"}},
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "settlement", "name": "settlement-engine"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "settlement", "name": "recon-worker"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "settlement", "name": epods[0]["metadata"]["name"]}},
        ],
    },
    "notes": (
        "settlement-engine runs 8 replicas with limits.memory 1Gi and strategy maxSurge 1 / maxUnavailable 0, so a rollout must "
        "first create a 9th pod. The namespace ResourceQuota compute-resources (owned by the platform team, PLAT-1044) caps "
        "limits.memory at 16Gi; usage was 14Gi until two days ago, when recon-worker (2Gi limit) was scaled from 1 to 2 for the "
        "month-end reconciliation, which brought it to exactly 16Gi. The 3.4.0 ReplicaSet therefore cannot create any pod: "
        "FailedCreate \"exceeded quota: compute-resources, requested: limits.memory=1Gi, used: limits.memory=16Gi, limited: "
        "limits.memory=16Gi\" (x25), ReplicaFailure on the Deployment, Progressing=False after 10 minutes. The eight 3.3.2 pods "
        "keep serving, so there is no customer impact; the release is simply stuck.\n"
        "The fix is a human decision: ask the platform team to raise limits.memory (17Gi is the minimum for one surge pod), or "
        "let this rollout use maxUnavailable 1, or scale recon-worker back to 1 after month-end. None of these is a safe "
        "automatic mutation (recommend_only). Traps: Argo CD shows \"Progressing\", which invites a restart or a re-sync; an old "
        "readiness 503 on settlement-api three days ago is unrelated; lowering the engine's memory limit to squeeze under the "
        "quota (set_resources) would change a production memory budget to get a deploy through, and scaling settlement-engine "
        "down removes capacity on the settlement cut-off day."),
}

if __name__ == "__main__":
    print(sc.write())
