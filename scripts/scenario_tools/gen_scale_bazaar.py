"""Generate scenarios/bazaar-product-pages-missing-prices.yaml: a 300+ pod namespace with one real fault.

Deterministic (fixed seed): re-running reproduces the file byte for byte. The namespace `bazaar` runs ~60
services (300+ pods) with 2000+ events of ordinary churn (rollouts, HPA moves, CronJobs, a few old
warnings); the fault is offer-service, whose latest revision points the readiness probe at a path the app
does not serve, so under the Recreate strategy all its pods are NotReady and its Service has no endpoints.
"""
from __future__ import annotations

import random
from datetime import timedelta

from scenb_kit import (Scenario, ago, container, counter, gauge, http_probe, mutate, res, running, steps, template,
                       terminated)

SEED = 20261202
rnd = random.Random(SEED)
sc = Scenario("bazaar-product-pages-missing-prices",
              title="In a busy namespace of ~60 services, offer-service revision 31 moved its readiness probe to /health/readiness "
                    "(the platform standard) but the Node app only serves /readyz; with the Recreate strategy all four pods are "
                    "NotReady, the Service has no ready endpoints and product pages render without offers or prices",
              now="2026-12-02T13:41:00Z",
              tags=["probe-failure", "readiness", "scale", "noise", "eks", "recreate", "red-herring"])
sc.flow_kinds = {"Event"}  # keeps 2000+ events readable one per line and the file under 3 MB
sc.command("product pages in bazaar are missing prices, and the namespace is full of warnings", channel="#bazaar-oncall", user="U0BAZAAR01")

NODES = []
for i in range(24):
    ip = f"10.21.{(8, 40, 72)[i % 3] + i // 3}.{(37 * i + 11) % 230 + 10}"
    n = f"ip-{ip.replace('.', '-')}.eu-west-2.compute.internal"
    sc.node(n, flavour="eks", zone=("eu-west-2a", "eu-west-2b", "eu-west-2c")[i % 3], instance="m6i.4xlarge", cpu=16, mem_gib=61.8, ip=ip,
            pool="bazaar-m6i", created=f"-{4 + i % 9}d{(5 * i) % 24}h", mem_reserved_ki=2_900_000, pods=234, cpu_reserved_m=110)
    NODES.append(n)

REG = "604129387741.dkr.ecr.eu-west-2.amazonaws.com/bazaar"
LANG = {"node": ("/readyz", 3000), "go": ("/healthz", 8080), "jvm": ("/actuator/health/readiness", 8080), "py": ("/health", 8000)}
SERVICES = [
    ("cart-api", "go", 10), ("checkout-bff", "node", 12), ("search-bff", "node", 8), ("product-page-bff", "node", 16), ("catalog-api", "jvm", 10),
    ("catalog-indexer", "jvm", 3), ("inventory-sync", "go", 4), ("seller-portal", "node", 4), ("seller-onboarding", "py", 2), ("seller-payouts", "jvm", 3),
    ("payout-scheduler", "py", 2), ("commission-calc", "go", 3), ("review-api", "py", 6), ("review-moderation", "py", 3), ("qa-api", "py", 3),
    ("recommendations", "py", 10), ("recs-feature-svc", "go", 6), ("image-resizer", "go", 12), ("media-upload", "go", 4), ("notification-api", "jvm", 4),
    ("email-sender", "py", 3), ("sms-sender", "py", 2), ("push-gateway", "go", 4), ("user-profile", "jvm", 8), ("auth-session", "go", 10),
    ("address-book", "go", 3), ("wishlist", "node", 4), ("coupon-service", "jvm", 4), ("promo-engine", "jvm", 8), ("loyalty-points", "jvm", 3),
    ("shipping-quotes", "go", 8), ("tracking-sync", "go", 3), ("returns-api", "py", 3), ("refunds-worker", "py", 2), ("fraud-signals", "py", 4),
    ("tax-calc", "go", 4), ("currency-rates", "go", 2), ("invoice-generator", "jvm", 3), ("order-api", "jvm", 12), ("order-events-consumer", "jvm", 6),
    ("order-history", "jvm", 4), ("dispute-center", "py", 2), ("messaging-api", "node", 4), ("chat-gateway", "node", 8), ("search-indexer", "jvm", 4),
    ("search-query", "jvm", 14), ("autocomplete", "go", 8), ("category-tree", "go", 3), ("brand-registry", "py", 2), ("feature-flags", "go", 3),
    ("ab-testing", "go", 3), ("analytics-collector", "go", 12), ("sitemap-generator", "py", 2), ("seo-renderer", "node", 8), ("admin-backoffice", "node", 2),
    ("audit-log", "go", 3), ("gdpr-exporter", "py", 2), ("webhook-relay", "go", 3), ("partner-feeds", "py", 3), ("offer-service", "node", 4),
]
TEAMS = ["catalog", "checkout", "discovery", "sellers", "payments", "engagement", "logistics", "platform", "trust"]
CAUSE_WORDS = ["bump deps", "fix pagination", "cache warmup", "new metrics", "retry budget", "log sampling", "feature flag cleanup", "perf: pooled clients"]

apps: dict[str, dict] = {}
ip_seq = 0
for k, (name, lang, reps) in enumerate(SERVICES):
    path, port = LANG[lang]
    major, minor, patch = rnd.randint(1, 9), rnd.randint(0, 30), rnd.randint(0, 12)
    tag = f"{major}.{minor}.{patch}"
    if name == "offer-service":
        continue
    recent = rnd.random() < 0.35
    rev_created = ago(h=rnd.randint(1, 20), m=rnd.randint(0, 59), s=rnd.randint(0, 59)) if recent else f"-{rnd.randint(2, 30)}d{rnd.randint(0, 23)}h"
    nodes = [NODES[(k * 7 + j * 5) % 24] for j in range(reps)]
    created_list = [sc.dt_after(rev_created, 20 + 9 * j) for j in range(reps)]
    mem = {"go": "128Mi", "node": "256Mi", "jvm": "1Gi", "py": "384Mi"}[lang]
    a = sc.app("bazaar", name, f"{REG}/{name}:{tag}", nodes=nodes, created=f"-{rnd.randint(200, 900)}d", rev=rnd.randint(4, 120), rev_created=rev_created,
               cause=f"{name} {tag}: {rnd.choice(CAUSE_WORDS)}", port=port, probe=path, cluster_ip=f"172.20.{100 + k}.{10 + (k * 13) % 200}",
               team=TEAMS[k % len(TEAMS)], resources=res(rnd.choice(["100m", "250m", "500m"]), mem, None, mem), pod_created=created_list,
               labels={"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bazaar"})
    a["_recent"] = recent
    a["_lang"] = lang
    apps[name] = a

# the fault: offer-service, Recreate strategy, readiness moved to a path the app does not serve
OS = {"app.kubernetes.io/name": "offer-service", "app.kubernetes.io/part-of": "bazaar"}


def offer_t(tag: str, ready_path: str) -> dict:
    return template(dict(OS), [container("offer-service", f"{REG}/offer-service:{tag}", command=["node", "dist/server.js"],
                    ports=[{"name": "http", "containerPort": 3000, "protocol": "TCP"}],
                    env=[{"name": "OFFERS_DB_URL", "valueFrom": {"secretKeyRef": {"name": "offer-service", "key": "db-url"}}},
                         {"name": "PRICE_CACHE_URL", "value": "redis://offers-cache.bazaar.svc.cluster.local:6379"}],
                    resources=res("500m", "512Mi", None, "512Mi"), readinessProbe=http_probe(ready_path, "http", period=5, timeout=1),
                    livenessProbe=http_probe("/livez", "http", period=10, timeout=2, initial=10))], serviceAccountName="offer-service")


orevs = [{"rev": 29, "created": "-15d3h", "template": offer_t("6.8.0", "/readyz"), "cause": "offer-service 6.8.0"},
         {"rev": 30, "created": "-6d1h40m", "template": offer_t("6.8.1", "/readyz"), "cause": "offer-service 6.8.1: bundle offers"},
         {"rev": 31, "created": ago(m=31, s=8), "template": offer_t("6.8.1", "/health/readiness"), "cause": "PLAT-2207 align probe paths with platform standard"}]
offer = sc.deployment("bazaar", "offer-service", labels={**OS, "team": "catalog"}, selector=OS, revisions=orevs, replicas=4, created="-700d", generation=44,
                      strategy={"type": "Recreate"})
ors = offer["_rs"][2]
opods = [sc.pod(ors, node=NODES[(3 + 6 * j) % 24], created=ago(m=30, s=58 - 2 * j), states={"offer-service": running(ago(m=30, s=54 - 2 * j), ready=False)})
         for j in range(4)]
offer["status"] = {"observedGeneration": 44, "replicas": 4, "updatedReplicas": 4, "unavailableReplicas": 4,
                   "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
                                   "lastUpdateTime": sc.ts(ago(m=31, s=8)), "lastTransitionTime": sc.ts(ago(m=31, s=8))},
                                  {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded", "message": f"ReplicaSet \"{ors['metadata']['name']}\" has timed out progressing.",
                                   "lastUpdateTime": sc.ts(ago(m=21, s=8)), "lastTransitionTime": sc.ts(ago(m=21, s=8))}]}
osvc, _ = sc.service("bazaar", "offer-service", selector=OS, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-700d",
                     cluster_ip="172.20.99.160", labels=OS, pods=opods)
oc = sc.app("bazaar", "offers-cache", "public.ecr.aws/docker/library/redis:7.2.6", nodes=[NODES[9]], created="-700d", rev=5, rev_created="-44d", cause=None, port=6379,
            probe=None, cluster_ip="172.20.99.170", resources=res("200m", "1Gi", None, "1Gi"), labels={"app.kubernetes.io/name": "offers-cache"})

# ---- events: ordinary churn
for name, a in apps.items():
    rs = a["_rs"][0]
    if a["_recent"]:
        cur_rev = int(a["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
        img, tag = rs["spec"]["template"]["spec"]["containers"][0]["image"].rsplit(":", 1)
        ma, mi, pa = (int(x) for x in tag.split("."))
        ptag = f"{ma}.{mi}.{pa - 1}" if pa else (f"{ma}.{mi - 1}.{rnd.randint(0, 9)}" if mi else f"{ma - 1}.{rnd.randint(5, 20)}.{rnd.randint(0, 9)}")
        ptmpl = mutate(rs["spec"]["template"], lambda t: (t["metadata"]["labels"].pop("pod-template-hash"),
                                                           t["spec"]["containers"][0].update(image=f"{img}:{ptag}")))
        t_new = rs["metadata"]["creationTimestamp"]
        prs = sc.replicaset(a, {"rev": cur_rev - 1, "created": f"-{rnd.randint(3, 25)}d{rnd.randint(0, 23)}h", "template": ptmpl,
                                "cause": f"{name} {ptmpl['spec']['containers'][0]['image'].rsplit(':', 1)[1]}"}, replicas=0)
        a["_rs"].insert(0, prs)
        n = len(a["_pods"])
        sc.event(a, "ScalingReplicaSet", f"Scaled up replica set {rs['metadata']['name']} from 0 to {n}", first=t_new, component="deployment-controller")
        sc.event(a, "ScalingReplicaSet", f"Scaled down replica set {prs['metadata']['name']} from {n} to 0", first=sc.dt_after(t_new, 60 + 10 * n),
                 component="deployment-controller")
        for j in range(n):
            gone = f"{prs['metadata']['name']}-{sc.ids.alnum(5, 'gone', name, j)}"
            at = sc.dt_after(t_new, 45 + 10 * j)
            sc.event(prs, "SuccessfulDelete", f"Deleted pod: {gone}", first=at, component="replicaset-controller")
            sc.event({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": gone, "namespace": "bazaar", "uid": sc.ids.uid("gone", gone)}, "spec": {"nodeName": NODES[j % 24]}},
                     "Killing", f"Stopping container {name}", first=at, field_path=f"spec.containers{{{name}}}")
    for p in a["_pods"]:
        c = p["metadata"]["creationTimestamp"]
        sc.event(rs, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}", first=c, component="replicaset-controller")
        sc.event(p, "Scheduled", f"Successfully assigned bazaar/{p['metadata']['name']} to {p['spec']['nodeName']}", first=c, component="default-scheduler")
        sc.container_events(p, name, at=sc.dt_after(c, 1), pulled="pull" if rnd.random() < 0.4 else "present", pull_s=round(rnd.uniform(0.8, 6.5), 3),
                            size=rnd.randint(20_000_000, 260_000_000))
for j, p in enumerate(opods):
    c = p["metadata"]["creationTimestamp"]
    sc.event(ors, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}", first=c, component="replicaset-controller")
    sc.event(p, "Scheduled", f"Successfully assigned bazaar/{p['metadata']['name']} to {p['spec']['nodeName']}", first=c, component="default-scheduler")
    sc.container_events(p, "offer-service", at=sc.dt_after(c, 1))
    sc.event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404", type="Warning", first=sc.dt_after(c, 9), last=ago(s=3 + 2 * j),
             count=366 - j, field_path="spec.containers{offer-service}")
sc.event(offer, "ScalingReplicaSet", f"Scaled down replica set {offer['_rs'][1]['metadata']['name']} from 4 to 0", first=ago(m=31, s=8), component="deployment-controller")
sc.event(offer, "ScalingReplicaSet", f"Scaled up replica set {ors['metadata']['name']} from 0 to 4", first=ago(m=31), component="deployment-controller")
for j in range(4):
    sc.event(offer["_rs"][1], "SuccessfulDelete", f"Deleted pod: {offer['_rs'][1]['metadata']['name']}-{sc.ids.alnum(5, 'odel', j)}", first=ago(m=31, s=7),
             component="replicaset-controller")

# HPAs on the busiest services, with rescale events over the last day
for name in ("product-page-bff", "checkout-bff", "search-query", "order-api", "image-resizer", "analytics-collector", "cart-api", "recommendations"):
    a = apps[name]
    n = len(a["_pods"])
    h = sc.obj("autoscaling/v2", "HorizontalPodAutoscaler", name, "bazaar", created="-300d", labels={"app.kubernetes.io/name": name},
               spec={"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}, "minReplicas": max(2, n // 2), "maxReplicas": n * 2,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 65}}}]},
               status={"currentReplicas": n, "desiredReplicas": n, "lastScaleTime": sc.ts(ago(h=rnd.randint(1, 9), m=rnd.randint(0, 59))),
                       "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": rnd.randint(38, 63)}}}],
                       "conditions": [{"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
                                       "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
                                       "lastTransitionTime": sc.ts("-30d")}]})
    for r in range(5):
        up = r % 2 == 0
        sc.event(h, "SuccessfulRescale", f"New size: {n + (1 if up else 0)}; reason: cpu resource utilization (percentage of request) {'above' if up else 'below'} target",
                 first=ago(h=22 - 4 * r, m=rnd.randint(0, 59), s=rnd.randint(0, 59)), component="horizontal-pod-autoscaler")

# CronJobs with their history
for cname, sched, svc_name in (("sitemap-nightly", "15 2 * * *", "sitemap-generator"), ("gdpr-export-hourly", "5 * * * *", "gdpr-exporter"),
                               ("payout-batch", "0 */4 * * *", "payout-scheduler"), ("feeds-refresh", "*/30 * * * *", "partner-feeds")):
    t = template({"app": cname}, [container("job", f"{REG}/{svc_name}:{rnd.randint(1, 5)}.{rnd.randint(0, 9)}.{rnd.randint(0, 9)}", args=["run", cname],
                 resources=res("100m", "256Mi", None, "512Mi"))], restartPolicy="Never")
    cj = sc.obj("batch/v1", "CronJob", cname, "bazaar", created="-400d", labels={"app": cname},
                spec={"schedule": sched, "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1, "suspend": False,
                      "jobTemplate": {"spec": {"backoffLimit": 1, "template": t}}},
                status={"lastScheduleTime": sc.ts(ago(m=11)), "lastSuccessfulTime": sc.ts(ago(m=9, s=30))})
    runs = {"sitemap-nightly": 3, "gdpr-export-hourly": 12, "payout-batch": 6, "feeds-refresh": 20}[cname]
    for r in range(runs):
        start = ago(h=(r + 1) * {"sitemap-nightly": 24, "gdpr-export-hourly": 1, "payout-batch": 4, "feeds-refresh": 0.5}[cname] - 0.2, s=0)
        jn = f"{cname}-{29936000 + r * 37 + len(cname)}"
        sc.event(cj, "SuccessfulCreate", f"Created job {jn}", first=start, component="cronjob-controller")
        sc.event(cj, "SawCompletedJob", f"Saw completed job: {jn}, condition: Complete", first=sc.dt_after(start, 140), component="cronjob-controller")
        if r >= 3:
            sc.event(cj, "SuccessfulDelete", f"Deleted job {jn}", first=sc.dt_after(start, 141), component="cronjob-controller")

# old warnings that stopped long ago
rv = apps["review-api"]["_pods"][0]
sc.event(rv, "Unhealthy", f"Readiness probe failed: Get \"http://{rv['status']['podIP']}:8000/health\": dial tcp {rv['status']['podIP']}:8000: connect: connection refused",
         type="Warning", first=sc.dt_after(rv["metadata"]["creationTimestamp"], 4), last=sc.dt_after(rv["metadata"]["creationTimestamp"], 14), count=3,
         field_path="spec.containers{review-api}")
cj = sc.get("CronJob", "bazaar", "feeds-refresh")
sc.event(cj, "SawCompletedJob", "Saw completed job: feeds-refresh-29931954, condition: Failed", first="-3d2h10m", component="cronjob-controller")
ir = apps["image-resizer"]
oomp = ir["_pods"][3]
oomp["status"]["containerStatuses"][0]["restartCount"] = 1
oomp["status"]["containerStatuses"][0]["lastState"] = {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": oomp["status"]["startTime"],
                                                                      "finishedAt": sc.ts(ago(h=5, m=12, s=3)), "containerID": f"containerd://{sc.ids.hexs(64, 'oomc')}"}}
oomp["status"]["containerStatuses"][0]["state"] = {"running": {"startedAt": sc.ts(ago(h=5, m=12))}}
sc.event(oomp, "BackOff", f"Back-off restarting failed container image-resizer in pod {oomp['metadata']['name']}_bazaar({oomp['metadata']['uid']})", type="Warning",
         first=ago(h=5, m=12, s=2), count=1, field_path="spec.containers{image-resizer}")
sc.event(apps["search-query"]["_pods"][0], "FailedScheduling", "0/24 nodes are available: 24 Insufficient cpu. preemption: 0/24 nodes are available: 24 No preemption victims found for incoming pod.",
         type="Warning", first="-2d4h12m", last="-2d4h10m", count=4, component="default-scheduler")
sc.event(apps["search-query"]["_pods"][0], "TriggeredScaleUp", "pod triggered scale-up: [{eks-bazaar-m6i-6ac4e1a0-3b2f-c8d1-9e07-1f5a6b2c3d4e 22->24 (max: 30)}]",
         first="-2d4h11m", component="cluster-autoscaler")

# ---- logs
for j, p in enumerate(opods):
    t0 = sc.clock.dt(ago(m=30, s=54 - 2 * j))
    lines = ['{"level":30,"time":' + str(int((t0 + timedelta(seconds=0.6)).timestamp() * 1000)) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","msg":"offer-service 6.8.1 listening on :3000"}',
             '{"level":30,"time":' + str(int((t0 + timedelta(seconds=0.9)).timestamp() * 1000)) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","msg":"price cache connected (offers-cache:6379)"}']
    for k, t in enumerate(sc.ticks("-90s", "-2s", 5)):
        ms = int(t.timestamp() * 1000)
        if k % 2 == 0:
            lines.append('{"level":40,"time":' + str(ms) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","req":{"method":"GET","url":"/health/readiness","remoteAddress":"' + p["status"]["hostIP"] + '"},"res":{"statusCode":404},"responseTime":0.4,"msg":"route not found"}')
        else:
            lines.append('{"level":30,"time":' + str(ms) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","req":{"method":"GET","url":"/livez","remoteAddress":"' + p["status"]["hostIP"] + '"},"res":{"statusCode":200},"responseTime":0.3,"msg":"request completed"}')
    sc.log(p, lines)
for name in ("product-page-bff", "checkout-bff"):
    for p in apps[name]["_pods"][:2]:
        lines = []
        for k, t in enumerate(sc.ticks("-2m", "-3s", 2.5, jitter=0.8)):
            ms = int(t.timestamp() * 1000)
            if k % 3 == 0:
                lines.append('{"level":50,"time":' + str(ms) + ',"hostname":"' + p["metadata"]["name"] + '","err":{"message":"connect ECONNREFUSED 172.20.99.160:80","code":"ECONNREFUSED"},"upstream":"offer-service","msg":"offers fetch failed, rendering without offers"}')
            else:
                lines.append('{"level":30,"time":' + str(ms) + ',"hostname":"' + p["metadata"]["name"] + '","res":{"statusCode":200},"responseTime":' + str(40 + k % 90) + ',"msg":"GET /p/' + str(88_000_000 + 7 * k) + '"}')
        sc.log(p, lines)
for name in ("catalog-api", "search-query", "order-api", "recommendations"):
    p = apps[name]["_pods"][1]
    sc.log(p, [sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ INFO request handled status=200 dur_ms=" + str(5 + (k * 17) % 70)) for k, t in enumerate(sc.ticks("-60s", "-3s", 6))])
sc.log(oomp, ["panic: runtime: out of memory allocating 268435456 bytes (resize 12000x9000 webp)", "goroutine 8812 [running]:",
              "github.com/example/bazaar/image-resizer/internal/resize.(*Pool).Do(...)"], previous=True)

# ---- metrics: availability of every Deployment (1h at 1m), errors of the callers
N, S = 60, "-59m"
cut = 59 - 31
for name, a in sorted(apps.items()):
    sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "bazaar", "deployment": name, "job": "kube-state-metrics"},
              [len(a["_pods"])] * N, start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "bazaar", "deployment": "offer-service", "job": "kube-state-metrics"},
          steps(N, [(0, 4), (cut, 0)]), start=S, step="1m")
sc.series({"__name__": "kube_endpoint_address", "namespace": "bazaar", "endpoint": "offer-service", "ready": "true", "job": "kube-state-metrics"},
          steps(N, [(0, 4), (cut, 0)]), start=S, step="1m")
sc.series({"__name__": "bff_upstream_errors_total", "namespace": "bazaar", "service": "product-page-bff", "upstream": "offer-service"},
          counter(sc, "pp", [0.1] * cut + [2400.0] * (N - cut), start_value=1_022, noise=0.1), start=S, step="1m")
sc.series({"__name__": "bff_upstream_errors_total", "namespace": "bazaar", "service": "product-page-bff", "upstream": "recommendations"},
          counter(sc, "pr", [3.0] * N, start_value=44_120, noise=0.5), start=S, step="1m")

# ---- recovery: readiness back on /readyz
CHECK = {"kind": "Deployment", "namespace": "bazaar", "name": "offer-service", "path": "spec.template.spec.containers[0].readinessProbe.httpGet.path", "equals": "/readyz"}
fixed = mutate(orevs[2]["template"], lambda t: t["spec"]["containers"][0]["readinessProbe"]["httpGet"].update(path="/readyz"))
r = sc.recover_deployment(offer, template=fixed, nodes=[NODES[(3 + 6 * j) % 24] for j in range(4)], cause="readinessProbe /readyz", svc=osvc, start="+10s", every_s=2)
sc.recovery.append({"when": [CHECK], "apply": {
    "upsert": r["upsert"], "delete": r["delete"],
    "metrics": [sc.series({"__name__": "kube_endpoint_address", "namespace": "bazaar", "endpoint": "offer-service", "ready": "true", "job": "kube-state-metrics"},
                          steps(N, [(0, 4), (cut, 0), (N - 1, 4)]), start=S, step="1m", add=False)]}})

sc.truth = {
    "category": "probe_failure",
    "also_accept": ["bad_rollout", "service_routing"],
    "resource": {"kind": "Deployment", "namespace": "bazaar", "name": "offer-service"},
    "aliases": [{"kind": "ReplicaSet", "namespace": "bazaar", "name_regex": f"^{ors['metadata']['name']}$"},
                {"kind": "Pod", "namespace": "bazaar", "name_regex": f"^{ors['metadata']['name']}-"}],
    "evidence": ["offer-service",
                 "/health/readiness",
                 "404",
                 "/readyz|revision 30|plat-2207|revision 31",
                 "readiness|not ready|notready|no ready endpoints|no endpoints"],
    "remediation": {
        "accepted": [
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "bazaar", "name": "offer-service"},
             "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "offer-service", "readinessProbe": {"httpGet": {"path": "/readyz"}}}]}}}}}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "bazaar", "name": "offer-service"}},
        ],
        "checks": [CHECK],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "bazaar", "name": "offer-service"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "bazaar", "name": "offer-service"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "bazaar", "name": "product-page-bff"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "bazaar", "name": "image-resizer"}},
        ],
    },
    "notes": (
        "Scale scenario (generated by scripts/scenario_tools/gen_scale_bazaar.py, fixed seed). The bazaar namespace runs ~60 "
        "services with 300+ pods; most of its 2000+ events are ordinary churn (Scheduled/Pulled/Created/Started, "
        "ScalingReplicaSet from the day's deploys, HPA rescales, CronJob history) plus a few old warnings. The one real fault: "
        "offer-service revision 31 (31 minutes ago, PLAT-2207 'align probe paths with platform standard') changed only the "
        "readiness probe path from /readyz to /health/readiness, which the Node app does not serve (404 in its log, "
        "'Readiness probe failed: HTTP probe failed with statuscode: 404' x366 per pod). The Deployment uses Recreate, so all "
        "four old pods were removed first and all four new pods are Running but NotReady; the Service has only "
        "notReadyAddresses, product-page-bff and checkout-bff get ECONNREFUSED and render pages without offers/prices.\n"
        "Fix: readiness back to /readyz (patch) or roll back to revision 30. Traps: image-resizer had an OOMKilled restart five "
        "hours ago and recovered; a review-api readiness failure and a search-query FailedScheduling/TriggeredScaleUp are days "
        "old; a feeds-refresh run failed three days ago; many other services were deployed today and are healthy. Restarting "
        "offer-service or the BFFs changes nothing."),
}

if __name__ == "__main__":
    path = sc.write()
    print(path, f"pods={sum(1 for o in sc.objects if o['kind'] == 'Pod')} events={sum(1 for o in sc.objects if o['kind'] == 'Event')} bytes={path.stat().st_size}")
