"""Scenario subscriptions-renewals-500-tuesday-morning: the Postgres volume is full (WAL kept by an idle slot)."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, gauge, histogram, http_probe, mutate, piecewise, res, running,
                       steps, template)

sc = Scenario("subscriptions-renewals-500-tuesday-morning",
              title="subs-pg ran out of disk at 08:41: the 50Gi volume filled with WAL kept for the logical replication slot "
                    "analytics_cdc, inactive since the analytics team stopped their CDC connector five days ago; inserts fail "
                    "with \"No space left on device\" and renewals return 500",
              now="2026-11-24T09:17:00Z",
              tags=["storage", "disk-full", "postgres", "pvc", "wal", "gke", "volume-expansion", "red-herring"])
sc.command("subscription renewals failing with 500s since ~8:40", channel="#subs-oncall", user="U06SUBSOPS")

NODES = []
for i, zone in enumerate(["us-central1-a", "us-central1-b", "us-central1-f", "us-central1-a"]):
    n = f"gke-subs-prod-pool-2-{('71c4d0e2', '3a9b5f18', 'e6d21c47', '71c4d0e2')[i]}-{('9gkd', 'm2xq', 'r8tn', 'c4pw')[i]}"
    sc.node(n, flavour="gke", zone=zone, instance="n2-standard-4", cpu=4, mem_gib=15.6, ip=f"10.128.0.{40 + i * 7}", pod_cidr=f"10.64.{2 + i}.0/24",
            created=f"-{23 - i}d{4 + i}h", pool="pool-2", mem_reserved_ki=2_700_000, cpu_reserved_m=60)
    NODES.append(n)

sc.obj("storage.k8s.io/v1", "StorageClass", "premium-rwo", None, created="-400d",
       labels={"addonmanager.kubernetes.io/mode": "EnsureExists", "k8s-app": "gcp-compute-persistent-disk-csi-driver"},
       provisioner="pd.csi.storage.gke.io", parameters={"type": "pd-ssd"}, reclaimPolicy="Delete",
       volumeBindingMode="WaitForFirstConsumer", allowVolumeExpansion=True)

PG = {"app.kubernetes.io/name": "subs-pg", "app.kubernetes.io/component": "primary"}
pg_t = template(dict(PG), [container(
    "postgres", "postgres:16.4-bookworm",
    args=["-c", "config_file=/etc/postgresql/postgresql.conf"],
    ports=[{"name": "postgres", "containerPort": 5432, "protocol": "TCP"}],
    env=[{"name": "POSTGRES_DB", "value": "subscriptions"}, {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
         {"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "subs-pg", "key": "postgres-password"}}}],
    resources=res("1", "4Gi", None, "4Gi"),
    readinessProbe={"exec": {"command": ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"]}, "periodSeconds": 10, "timeoutSeconds": 5},
    volumeMounts=[{"name": "data", "mountPath": "/var/lib/postgresql/data"}, {"name": "config", "mountPath": "/etc/postgresql"}]),
    container("exporter", "quay.io/prometheuscommunity/postgres-exporter:v0.15.0", ports=[{"name": "metrics", "containerPort": 9187, "protocol": "TCP"}],
              env=[{"name": "DATA_SOURCE_NAME", "valueFrom": {"secretKeyRef": {"name": "subs-pg", "key": "exporter-dsn"}}}],
              args=["--collector.stat_statements"], resources=res("20m", "32Mi", None, "64Mi"))],
    volumes=[{"name": "config", "configMap": {"name": "subs-pg-config"}}], terminationGracePeriodSeconds=60)
claims = [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
           "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "premium-rwo", "resources": {"requests": {"storage": "50Gi"}}}}]
pg = sc.statefulset("subscriptions", "subs-pg", labels=dict(PG), selector=dict(PG), template=pg_t, replicas=1, created="-398d", service="subs-pg",
                    claims=claims)
pgp = sc.pod(pg, node=NODES[1], name="subs-pg-0", created="-19d6h11m", states={"postgres": running("-19d6h10m55s"), "exporter": running("-19d6h10m54s")})
pgp["spec"]["volumes"].insert(0, {"name": "data", "persistentVolumeClaim": {"claimName": "data-subs-pg-0"}})
pgp["spec"]["hostname"] = "subs-pg-0"
pgp["spec"]["subdomain"] = "subs-pg"
PVNAME = f"pvc-{sc.ids.uid('pv')}"
pvc = sc.obj("v1", "PersistentVolumeClaim", "data-subs-pg-0", "subscriptions", created="-398d", labels=dict(PG),
             annotations={"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                          "volume.beta.kubernetes.io/storage-provisioner": "pd.csi.storage.gke.io", "volume.kubernetes.io/storage-provisioner": "pd.csi.storage.gke.io",
                          "volume.kubernetes.io/selected-node": "gke-subs-prod-pool-1-0d2e3f4a-zz1k"},
             meta_extra={"finalizers": ["kubernetes.io/pvc-protection"]},
             spec={"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}}, "storageClassName": "premium-rwo",
                   "volumeMode": "Filesystem", "volumeName": PVNAME},
             status={"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "50Gi"}})
sc.obj("v1", "PersistentVolume", PVNAME, None, created="-398d", annotations={"pv.kubernetes.io/provisioned-by": "pd.csi.storage.gke.io"},
       meta_extra={"finalizers": ["kubernetes.io/pv-protection", "external-attacher/pd-csi-storage-gke-io"]},
       spec={"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "50Gi"},
             "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": "data-subs-pg-0", "namespace": "subscriptions", "uid": pvc["metadata"]["uid"]},
             "csi": {"driver": "pd.csi.storage.gke.io", "fsType": "ext4", "volumeHandle": f"projects/subs-prod-7731/zones/us-central1-b/disks/{PVNAME}",
                     "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": "1712345678901-2231-pd.csi.storage.gke.io"}},
             "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.gke.io/zone", "operator": "In", "values": ["us-central1-b"]}]}]}},
             "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "premium-rwo", "volumeMode": "Filesystem"},
       status={"phase": "Bound"})
sc.obj("v1", "ConfigMap", "subs-pg-config", "subscriptions", created="-398d", labels=dict(PG),
       data={"postgresql.conf": "listen_addresses = '*'\nmax_connections = 300\nshared_buffers = 1GB\nwal_level = logical\nmax_wal_size = 4GB\n"
                                "max_replication_slots = 10\nmax_slot_wal_keep_size = -1\nlog_min_duration_statement = 500\n"})
pgsvc, _ = sc.service("subscriptions", "subs-pg", selector=dict(PG), ports=[{"name": "postgres", "port": 5432, "targetPort": "postgres", "protocol": "TCP"},
                                                                           {"name": "metrics", "port": 9187, "targetPort": "metrics", "protocol": "TCP"}],
                      created="-398d", cluster_ip="34.118.227.41", labels=dict(PG), pods=[pgp])

REG = "us-docker.pkg.dev/subs-prod-7731/apps"
API = {"app.kubernetes.io/name": "subscriptions-api"}


def api_t(tag: str) -> dict:
    return template(dict(API), [container(
        "web", f"{REG}/subscriptions-api:{tag}", command=["bundle", "exec", "puma", "-C", "config/puma.rb"],
        ports=[{"name": "http", "containerPort": 3000, "protocol": "TCP"}],
        env=[{"name": "RAILS_ENV", "value": "production"}, {"name": "RAILS_MAX_THREADS", "value": "5"}, {"name": "WEB_CONCURRENCY", "value": "2"},
             {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "subscriptions-api", "key": "database-url"}}},
             {"name": "REDIS_URL", "value": "redis://subs-redis.subscriptions.svc.cluster.local:6379/0"}],
        resources=res("500m", "768Mi", None, "1Gi"),
        readinessProbe=http_probe("/up", "http", period=10, timeout=2), livenessProbe=http_probe("/up", "http", period=20, timeout=3, initial=30))],
        serviceAccountName="subscriptions-api")


revs = [{"rev": 88, "created": "-7d3h4m", "template": api_t("2026.11.17-1"), "cause": "deploy 2026.11.17-1"},
        {"rev": 89, "created": "-17h22m", "template": api_t("2026.11.23-2"), "cause": "deploy 2026.11.23-2 (plans page copy, stripe-ruby 13.2)"}]
api = sc.deployment("subscriptions", "subscriptions-api", labels={**API, "team": "subscriptions"}, selector=API, revisions=revs, replicas=3,
                    created="-398d", generation=131)
apods = [sc.pod(api["_rs"][1], node=NODES[(i + 1) % 4], created=ago(h=17, m=21, s=40 - 17 * i), states={"web": running(ago(h=17, m=21, s=31 - 17 * i))}) for i in range(3)]
sc.service("subscriptions", "subscriptions-api", selector=API, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
           created="-398d", cluster_ip="34.118.230.9", labels=API, pods=apods)
wk = sc.app("subscriptions", "renewal-worker", f"{REG}/subscriptions-api:2026.11.23-2", nodes=[NODES[0], NODES[3]], created="-398d", rev=71,
            rev_created="-17h22m", cause="deploy 2026.11.23-2", probe=None, service=False, cluster_ip="", team="subscriptions",
            labels={"app.kubernetes.io/name": "renewal-worker"}, resources=res("500m", "1Gi", None, "1536Mi"),
            container_extra={"command": ["bundle", "exec", "sidekiq", "-q", "renewals", "-q", "mailers", "-c", "10"]})
wk["spec"]["template"]["spec"]["containers"][0].pop("ports", None)
redis = sc.app("subscriptions", "subs-redis", "redis:7.2.5-alpine", nodes=[NODES[2]], created="-398d", rev=4, rev_created="-90d", cause=None, port=6379,
               probe=None, cluster_ip="34.118.233.70", resources=res("100m", "256Mi", None, "512Mi"), labels={"app.kubernetes.io/name": "subs-redis"})

# logs: postgres (previous-less: postmaster recovered in place), api, worker
pg_lines = [
    "2026-11-24 08:15:02.118 UTC [88] LOG:  checkpoint starting: time",
    "2026-11-24 08:19:31.702 UTC [88] LOG:  checkpoint complete: wrote 20881 buffers (15.9%); 0 WAL file(s) added, 0 removed, 12 recycled; write=269.301 s, sync=0.118 s, total=269.584 s; sync files=412, longest=0.031 s, average=0.001 s; distance=183554 kB, estimate=201732 kB; lsn=1F3/8A0C2E10, redo lsn=1F3/7E2B1D88",
    "2026-11-24 08:41:07.331 UTC [301177] subs_app@subscriptions ERROR:  could not extend file \"base/16384/24591\": No space left on device",
    "2026-11-24 08:41:07.331 UTC [301177] subs_app@subscriptions HINT:  Check free disk space.",
    "2026-11-24 08:41:07.331 UTC [301177] subs_app@subscriptions STATEMENT:  INSERT INTO \"renewal_attempts\" (\"subscription_id\", \"status\", \"amount_cents\", \"created_at\", \"updated_at\") VALUES ($1, $2, $3, $4, $5) RETURNING \"id\"",
    "2026-11-24 08:44:58.020 UTC [88] LOG:  checkpoint starting: wal",
    "2026-11-24 08:44:58.907 UTC [88] ERROR:  could not write to file \"pg_wal/xlogtemp.88\": No space left on device",
    "2026-11-24 08:52:13.540 UTC [301902] subs_app@subscriptions PANIC:  could not write to file \"pg_wal/xlogtemp.301902\": No space left on device",
    "2026-11-24 08:52:13.611 UTC [1] LOG:  server process (PID 301902) was terminated by signal 6: Aborted",
    "2026-11-24 08:52:13.611 UTC [1] LOG:  terminating any other active server processes",
    "2026-11-24 08:52:13.804 UTC [1] LOG:  all server processes terminated; reinitializing",
    "2026-11-24 08:52:14.002 UTC [302011] LOG:  database system was interrupted; last known up at 2026-11-24 08:19:31 UTC",
    "2026-11-24 08:52:14.310 UTC [302011] LOG:  database system was not properly shut down; automatic recovery in progress",
    "2026-11-24 08:52:15.876 UTC [302011] LOG:  redo done at 1F5/FFFFE0D8 system usage: CPU: user: 0.61 s, system: 0.38 s, elapsed: 1.52 s",
    "2026-11-24 08:52:16.004 UTC [302011] LOG:  checkpoint starting: end-of-recovery immediate wait",
    "2026-11-24 08:52:16.940 UTC [302011] LOG:  checkpoint complete: wrote 4410 buffers (3.4%); 0 WAL file(s) added, 0 removed, 0 recycled",
    "2026-11-24 08:52:17.002 UTC [1] LOG:  database system is ready to accept connections",
    "2026-11-24 08:52:44.119 UTC [302140] LOG:  checkpoint starting: wal",
    "2026-11-24 08:52:44.220 UTC [302140] WARNING:  could not remove old WAL segment: segment is still needed by replication slot \"analytics_cdc\"",
]
for k, t in enumerate(sc.ticks("-22m", "-40s", 53, jitter=0.5)):
    if k % 4 == 3:
        pg_lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S.%f UTC [" + str(302300 + k * 13) + "] subs_app@subscriptions ERROR:  could not extend file \"base/16384/24591\": No space left on device"))
        pg_lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S.%f UTC [" + str(302300 + k * 13) + "] subs_app@subscriptions HINT:  Check free disk space."))
    elif k % 7 == 1:
        pg_lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S.%f UTC [" + str(302300 + k * 13) + "] subs_app@subscriptions LOG:  duration: 612.881 ms  statement: SELECT \"subscriptions\".* FROM \"subscriptions\" WHERE \"subscriptions\".\"renews_on\" = $1 AND \"subscriptions\".\"state\" = $2 LIMIT $3"))
    elif k % 9 == 5:
        pg_lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S.%f UTC [88] ERROR:  could not write to file \"pg_wal/xlogtemp.88\": No space left on device"))
sc.log(pgp, pg_lines, container="postgres")
sc.log(pgp, [], container="exporter")
for i, p in enumerate(apods):
    lines = []
    for k, t in enumerate(sc.ticks("-7m", "-15s", 6, jitter=0.7)):
        rid = sc.ids.uid("req", i, k)
        if k % 3 == 0:
            lines += [sc.fmt(t, "I, [%Y-%m-%dT%H:%M:%S.%f000 #1]  INFO -- : [" + rid + "] Started POST \"/api/v2/renewals\" for 10.64.3.1 at %Y-%m-%d %H:%M:%S +0000"),
                      sc.fmt(t, "E, [%Y-%m-%dT%H:%M:%S.%f000 #1] ERROR -- : [" + rid + "] ActiveRecord::StatementInvalid (PG::DiskFull: ERROR:  could not extend file \"base/16384/24591\": No space left on device"),
                      "HINT:  Check free disk space.",
                      "):",
                      sc.fmt(t, "E, [%Y-%m-%dT%H:%M:%S.%f000 #1] ERROR -- : [" + rid + "] app/models/renewal_attempt.rb:41:in `record!'"),
                      sc.fmt(t, "I, [%Y-%m-%dT%H:%M:%S.%f000 #1]  INFO -- : [" + rid + "] Completed 500 Internal Server Error in " + str(18 + k % 20) + "ms (ActiveRecord: " + str(9 + k % 7) + ".1ms | Allocations: 4411)")]
        elif k % 5 == 2:
            lines.append(sc.fmt(t, "I, [%Y-%m-%dT%H:%M:%S.%f000 #1]  INFO -- : [" + rid + "] Completed 200 OK in 3ms (Views: 0.2ms | ActiveRecord: 0.0ms | Allocations: 212)  GET /up"))
        else:
            lines.append(sc.fmt(t, "I, [%Y-%m-%dT%H:%M:%S.%f000 #1]  INFO -- : [" + rid + "] Completed 200 OK in " + str(24 + k % 30) + "ms (Views: 4.1ms | ActiveRecord: 11.8ms | Allocations: 9012)  GET /api/v2/subscriptions/" + str(771000 + k)))
    sc.log(p, lines)
sc.log(wk["_pods"][0], [sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ pid=1 tid=" + sc.ids.alnum(4, "tid", k) + " class=RenewalJob jid=" + sc.ids.hexs(24, "jid", k) +
                               (" elapsed=0.041 INFO: fail" if k % 2 else " INFO: start")) for k, t in enumerate(sc.ticks("-5m", "-20s", 11))] +
        ["2026-11-24T09:16:31.118Z pid=1 tid=2kq1 WARN: ActiveRecord::StatementInvalid: PG::DiskFull: ERROR:  could not extend file \"base/16384/24591\": No space left on device",
         "2026-11-24T09:16:31.119Z pid=1 tid=2kq1 WARN: /app/app/models/renewal_attempt.rb:41:in `record!'",
         "2026-11-24T09:16:31.120Z pid=1 tid=2kq1 INFO: Adding dead RenewalJob job " + sc.ids.hexs(24, "dead")])

# red herring: yesterday's deploy; an old Unhealthy from its rollout
sc.event(api, "ScalingReplicaSet", f"Scaled up replica set {api['_rs'][1]['metadata']['name']} from 0 to 1", first="-17h22m", component="deployment-controller")
sc.event(apods[0], "Unhealthy", f"Readiness probe failed: Get \"http://{apods[0]['status']['podIP']}:3000/up\": dial tcp {apods[0]['status']['podIP']}:3000: connect: connection refused",
         type="Warning", first="-17h21m20s", last="-17h21m10s", count=2, field_path="spec.containers{web}")

# metrics: 6 days at 1h for the volume; 2h at 1m for requests
GI = 1073741824
CAP = 52_576_092_160
n6 = 145
used6 = piecewise(n6, [(0, 19.2 * GI), (24, 19.9 * GI), (26, 20.3 * GI), (143, CAP - 50_000_000), (144, CAP - 40_000_000)])
sc.series({"__name__": "kubelet_volume_stats_used_bytes", "namespace": "subscriptions", "persistentvolumeclaim": "data-subs-pg-0", "node": NODES[1], "job": "kubelet"},
          gauge(sc, "used6", used6, noise=0.002), start="-144h", step="1h")
avail6 = [max(0, CAP - u) for u in gauge(sc, "used6", used6, noise=0.002)]
sc.series({"__name__": "kubelet_volume_stats_available_bytes", "namespace": "subscriptions", "persistentvolumeclaim": "data-subs-pg-0", "node": NODES[1], "job": "kubelet"},
          [min(a, CAP) if i < 143 else 0 for i, a in enumerate(avail6)], start="-144h", step="1h")
sc.series({"__name__": "kubelet_volume_stats_capacity_bytes", "namespace": "subscriptions", "persistentvolumeclaim": "data-subs-pg-0", "node": NODES[1], "job": "kubelet"},
          [CAP] * n6, start="-144h", step="1h")
lag = piecewise(n6, [(0, 2.1e7), (24, 2.4e7), (25, 3.9e8), (144, 3.38e10)])
sc.series({"__name__": "pg_replication_slots_pg_wal_lsn_diff", "namespace": "subscriptions", "pod": "subs-pg-0", "slot_name": "analytics_cdc", "slot_type": "logical",
           "active": "false", "job": "postgres-exporter"}, [round(v) for v in lag], start="-144h", step="1h")
sc.series({"__name__": "pg_replication_slots_active", "namespace": "subscriptions", "pod": "subs-pg-0", "slot_name": "analytics_cdc", "job": "postgres-exporter"},
          steps(n6, [(0, 1), (25, 0)]), start="-144h", step="1h")
N, S = 120, "-119m"
cut = 119 - 36
sc.series({"__name__": "rails_requests_total", "namespace": "subscriptions", "service": "subscriptions-api", "controller": "api/v2/renewals", "action": "create", "status": "201"},
          counter(sc, "r201", [0 if i >= cut else 95.0 for i in range(N)], start_value=18_228_411), start=S, step="1m")
sc.series({"__name__": "rails_requests_total", "namespace": "subscriptions", "service": "subscriptions-api", "controller": "api/v2/renewals", "action": "create", "status": "500"},
          counter(sc, "r500", [0.02 if i < cut else 97.0 for i in range(N)], start_value=1_207, noise=0.1), start=S, step="1m")
sc.series({"__name__": "rails_requests_total", "namespace": "subscriptions", "service": "subscriptions-api", "controller": "api/v2/subscriptions", "action": "show", "status": "200"},
          counter(sc, "s200", [410.0] * N, start_value=141_920_004), start=S, step="1m")

# recovery: expanded volume, inserts succeed again
rpvc = mutate(pvc, lambda o: (o["spec"]["resources"]["requests"].update(storage="100Gi"), o["status"].update(capacity={"storage": "100Gi"})))
sc.recovery.append({
    "when": [{"kind": "PersistentVolumeClaim", "namespace": "subscriptions", "name": "data-subs-pg-0", "path": "spec.resources.requests.storage", "at_least": "60Gi"}],
    "apply": {
        "upsert": [rpvc,
                   sc.event(pvc, "ExternalExpanding", "waiting for an external controller to expand this PVC", first="+2s", component="volume_expand", add=False),
                   sc.event(pvc, "Resizing", f"External resizer is resizing volume {PVNAME}", first="+2s", component="external-resizer pd.csi.storage.gke.io", add=False),
                   sc.event(pvc, "FileSystemResizeSuccessful", f"MountVolume.NodeExpandVolume succeeded for volume \"{PVNAME}\" {NODES[1]}", first="+31s", host=NODES[1], add=False)],
        "logs": [{"namespace": "subscriptions", "pod": "subs-pg-0", "container": "postgres", "lines": pg_lines + [
            sc.fmt("+40s", "%Y-%m-%d %H:%M:%S.%f UTC [88] LOG:  checkpoint complete: wrote 31877 buffers (24.3%); 0 WAL file(s) added, 0 removed, 0 recycled")]}],
        "metrics": [
            sc.series({"__name__": "rails_requests_total", "namespace": "subscriptions", "service": "subscriptions-api", "controller": "api/v2/renewals", "action": "create", "status": "500"},
                      counter(sc, "r500", [0.02 if i < cut else (97.0 if i < N - 1 else 0.0) for i in range(N)], start_value=1_207, noise=0.1), start=S, step="1m", add=False),
            sc.series({"__name__": "kubelet_volume_stats_available_bytes", "namespace": "subscriptions", "persistentvolumeclaim": "data-subs-pg-0", "node": NODES[1], "job": "kubelet"},
                      [min(a, CAP) if i < 143 else 0 for i, a in enumerate(avail6)][:-1] + [53_620_000_000], start="-144h", step="1h", add=False)]}})

sc.truth = {
    "category": "storage",
    "also_accept": ["dependency_failure"],
    "resource": {"kind": "PersistentVolumeClaim", "namespace": "subscriptions", "name": "data-subs-pg-0"},
    "aliases": [{"kind": "StatefulSet", "namespace": "subscriptions", "name_regex": "^subs-pg$"},
                {"kind": "Pod", "namespace": "subscriptions", "name_regex": "^subs-pg-0$"},
                {"kind": "PersistentVolume", "name_regex": "^pvc-"}],
    "evidence": ["no space left on device|diskfull|disk full|disk is full",
                 "data-subs-pg-0|subs-pg",
                 "50gi|52576092160|100%",
                 "analytics_cdc|replication slot|pg_wal|wal",
                 "500"],
    "remediation": {
        "accepted": [{"action": "patch_resource", "target": {"kind": "PersistentVolumeClaim", "namespace": "subscriptions", "name": "data-subs-pg-0"},
                      "params": {"patch": {"spec": {"resources": {"requests": {"storage": "100Gi"}}}}}}],
        "checks": [{"kind": "PersistentVolumeClaim", "namespace": "subscriptions", "name": "data-subs-pg-0", "path": "spec.resources.requests.storage", "at_least": "60Gi"}],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "subscriptions", "name": "subs-pg"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "subscriptions", "name": "subs-pg-0"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "subscriptions", "name": "subscriptions-api"}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "subscriptions", "name": "subscriptions-api"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "subscriptions", "name": "subscriptions-api"}},
        ],
    },
    "notes": (
        "subs-pg (one Postgres 16 primary with wal_level=logical) stores data and WAL on the 50Gi premium-rwo PVC data-subs-pg-0. "
        "The logical replication slot analytics_cdc has been inactive since the analytics team stopped their CDC connector five "
        "days ago (pg_replication_slots_active 0, lsn diff growing to ~34 GB) and max_slot_wal_keep_size is -1, so Postgres keeps "
        "every WAL segment; the volume grew from ~20 GiB to full and hit 100% at 08:41. Since then INSERTs fail with \"could not "
        "extend file ... No space left on device\" (PG::DiskFull in Rails: POST /api/v2/renewals -> 500, Sidekiq RenewalJob "
        "dead jobs), checkpoints cannot write WAL, and at 08:52 one backend PANICked and the postmaster went through crash "
        "recovery in place (no container restart, restartCount 0). Reads still work, so GET endpoints are fine.\n"
        "Immediate fix: expand the PVC (the StorageClass allows expansion; the PD CSI driver grows the disk and the ext4 "
        "filesystem online): patch_resource spec.resources.requests.storage to 100Gi (the check accepts >= 60Gi). Then a human "
        "must drop or re-activate the analytics_cdc slot (and set max_slot_wal_keep_size) or the disk fills again. Traps: the "
        "subscriptions-api deploy yesterday at 16:00 (2026.11.23-2) is a tempting rollback but errors start 16 hours later and "
        "the old pods would hit the same disk; restarting Postgres with a full disk can leave it unable to finish recovery; the "
        "old readiness 'connection refused' was during yesterday's rollout."),
}

if __name__ == "__main__":
    print(sc.write())
