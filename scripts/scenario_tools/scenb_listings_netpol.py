"""Scenario listings-504s-from-the-website: a chart upgrade dropped the pod label the ingress NetworkPolicy selects."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, histogram, http_probe, mutate, piecewise, res, running, steps,
                       template, terminated)

sc = Scenario("listings-504s-from-the-website",
              title="listings-api moved to the service-template 4.0.0 chart at 15:49, which no longer sets the legacy app=listings-api "
                    "pod label; the namespace's allow-ingress-nginx NetworkPolicy selects pods by that label, so under default-deny "
                    "the ingress controller can no longer reach any listings-api pod and the website gets 504s",
              now="2026-11-28T16:12:00Z",
              tags=["network-policy", "labels", "chart-upgrade", "gke", "dataplane-v2", "ingress", "red-herring"])
sc.command("listings page 504 from the website, started ~20 min ago", channel="#marketplace-oncall", user="U0MKTPLC9")

NODES = []
for i, zone in enumerate(["europe-west1-b", "europe-west1-c", "europe-west1-d", "europe-west1-b", "europe-west1-c"]):
    n = f"gke-mkt-prod-apps-{('4f1e2d3c', 'a07b9c11', 'c3d4e5f6', '4f1e2d3c', 'a07b9c11')[i]}-{('k2lm', 'p9qz', 'v4tx', 'd8ws', 'h1nb')[i]}"
    sc.node(n, flavour="gke", zone=zone, instance="n2d-standard-8", cpu=8, mem_gib=31.4, ip=f"10.132.0.{20 + i}", pod_cidr=f"10.48.{i * 2}.0/23",
            created=f"-{12 + i}d{3 * i}h", pool="apps", mem_reserved_ki=3_600_000, cpu_reserved_m=70)
    NODES.append(n)

sc.obj("v1", "Namespace", "listings", None, created="-500d", labels={"kubernetes.io/metadata.name": "listings", "team": "marketplace"},
       spec={"finalizers": ["kubernetes"]}, status={"phase": "Active"})
sc.obj("v1", "Namespace", "ingress-nginx", None, created="-700d", labels={"kubernetes.io/metadata.name": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx"},
       spec={"finalizers": ["kubernetes"]}, status={"phase": "Active"})

REG = "europe-docker.pkg.dev/mkt-prod/services"
SEL = {"app.kubernetes.io/name": "listings-api", "app.kubernetes.io/instance": "listings-api"}


def api_t(version: str, legacy: bool, chart: str) -> dict:
    labels = dict(SEL)
    if legacy:
        labels = {"app": "listings-api", **labels, "version": version}
    else:
        labels = {**labels, "app.kubernetes.io/version": version, "helm.sh/chart": f"service-template-{chart}"}
    return template(labels, [container(
        "listings-api", f"{REG}/listings-api:{version}",
        ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9100, "protocol": "TCP"}],
        env=[{"name": "DB_DSN", "valueFrom": {"secretKeyRef": {"name": "listings-db", "key": "dsn"}}},
             {"name": "SEARCH_ADDR", "value": "http://listings-search.listings.svc.cluster.local:7700"}, {"name": "GOMAXPROCS", "value": "2"}],
        resources=res("500m", "384Mi", None, "512Mi"),
        readinessProbe=http_probe("/readyz", "http", period=5, timeout=1), livenessProbe=http_probe("/livez", "http", period=10, timeout=2))],
        serviceAccountName="listings-api")


revs = [{"rev": 21, "created": "-12d4h", "template": api_t("3.18.0", True, "3.9.2"), "cause": "helm upgrade listings-api service-template-3.9.2"},
        {"rev": 22, "created": "-4d6h31m", "template": api_t("3.18.2", True, "3.9.2"), "cause": "helm upgrade listings-api service-template-3.9.2"},
        {"rev": 23, "created": ago(m=23, s=14), "template": api_t("3.18.2", False, "4.0.0"), "cause": "helm upgrade listings-api service-template-4.0.0 (MKT-2210 chart migration)"}]
dep = sc.deployment("listings", "listings-api", labels={**SEL, "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "service-template-4.0.0"},
                    selector=SEL, revisions=revs, replicas=4, created="-500d", generation=37,
                    extra_annotations={"meta.helm.sh/release-name": "listings-api", "meta.helm.sh/release-namespace": "listings"})
rs23 = dep["_rs"][2]
pods = [sc.pod(rs23, node=NODES[i], created=ago(m=23, s=12 - 3 * i) if i < 2 else ago(m=22, s=40 - 9 * i),
               states={"listings-api": running(ago(m=23, s=9 - 3 * i) if i < 2 else ago(m=22, s=37 - 9 * i))}) for i in range(4)]
svc, _ = sc.service("listings", "listings-api", selector=SEL, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                    created="-500d", cluster_ip="34.118.226.90", labels=SEL, pods=pods)
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs23['metadata']['name']} from 0 to 1", first=ago(m=23, s=14), component="deployment-controller")
sc.event(dep, "ScalingReplicaSet", f"Scaled down replica set {dep['_rs'][1]['metadata']['name']} from 1 to 0", first=ago(m=22, s=2), component="deployment-controller")

np_labels = {"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/part-of": "listings-baseline"}
sc.obj("networking.k8s.io/v1", "NetworkPolicy", "default-deny", "listings", created="-300d", labels=np_labels,
       annotations={"meta.helm.sh/release-name": "listings-baseline", "meta.helm.sh/release-namespace": "listings"},
       spec={"podSelector": {}, "policyTypes": ["Ingress"]})
np = sc.obj("networking.k8s.io/v1", "NetworkPolicy", "allow-ingress-nginx", "listings", created="-300d", labels=np_labels,
            annotations={"meta.helm.sh/release-name": "listings-baseline", "meta.helm.sh/release-namespace": "listings"},
            spec={"podSelector": {"matchLabels": {"app": "listings-api"}}, "policyTypes": ["Ingress"],
                  "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
                                         "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}}}],
                               "ports": [{"protocol": "TCP", "port": 8080}]}]})
sc.obj("networking.k8s.io/v1", "NetworkPolicy", "allow-same-namespace", "listings", created="-300d", labels=np_labels,
       spec={"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"podSelector": {}}]}]})
sc.obj("networking.k8s.io/v1", "NetworkPolicy", "allow-prometheus", "listings", created="-300d", labels=np_labels,
       spec={"podSelector": {}, "policyTypes": ["Ingress"],
             "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}], "ports": [{"protocol": "TCP", "port": 9100}]}]})

# neighbours in listings: search (meilisearch), a worker, a cronjob that fails (red herring)
srch = sc.app("listings", "listings-search", "getmeili/meilisearch:v1.11.1", nodes=[NODES[4]], created="-500d", rev=9, rev_created="-40d", cause=None,
              port=7700, probe="/health", cluster_ip="34.118.231.5", resources=res("1", "4Gi", None, "4Gi"),
              labels={"app": "listings-search", "app.kubernetes.io/name": "listings-search"})
idx = sc.app("listings", "listings-indexer", f"{REG}/listings-indexer:3.18.2", nodes=[NODES[2]], created="-500d", rev=30, rev_created="-4d6h",
             cause=None, probe=None, service=False, cluster_ip="", resources=res("200m", "256Mi", None, "512Mi"),
             labels={"app": "listings-indexer", "app.kubernetes.io/name": "listings-indexer"})
cj_t = template({"app": "listings-thumbs"}, [container("thumbs", f"{REG}/listings-thumbs:1.2.0", args=["--since=24h"], resources=res("200m", "256Mi", None, "512Mi"))],
                restartPolicy="Never", serviceAccountName="listings-thumbs")
cj = sc.obj("batch/v1", "CronJob", "listings-thumbs", "listings", created="-200d", labels={"app": "listings-thumbs"},
            spec={"schedule": "30 * * * *", "concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1, "successfulJobsHistoryLimit": 1, "suspend": False,
                  "jobTemplate": {"spec": {"backoffLimit": 1, "template": cj_t}}},
            status={"lastScheduleTime": sc.ts(ago(m=42)), "lastSuccessfulTime": sc.ts("-1d2h29m")})
job = sc.obj("batch/v1", "Job", "listings-thumbs-29931330", "listings", created=ago(m=42), labels={"app": "listings-thumbs"}, owner=cj,
             spec={"parallelism": 1, "completions": 1, "backoffLimit": 1, "completionMode": "NonIndexed", "suspend": False, "template": cj_t},
             status={"startTime": sc.ts(ago(m=42)), "failed": 2, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
                     "conditions": [{"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit",
                                     "lastProbeTime": sc.ts(ago(m=40, s=21)), "lastTransitionTime": sc.ts(ago(m=40, s=21))},
                                    {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit",
                                     "lastProbeTime": sc.ts(ago(m=40, s=21)), "lastTransitionTime": sc.ts(ago(m=40, s=21))}]})
jp = sc.pod(job, node=NODES[3], created=ago(m=41, s=10), phase="Failed", states={"thumbs": {"_state": "terminated", "start": ago(m=41, s=8), "end": ago(m=40, s=24), "code": 1, "reason": "Error"}})
sc.event(job, "BackoffLimitExceeded", "Job has reached the specified backoff limit", type="Warning", first=ago(m=40, s=21), component="job-controller")
sc.log(jp, ["2026-11-28T15:31:54Z INFO listings-thumbs 1.2.0 scanning listings updated since 2026-11-27T15:31:52Z",
            "2026-11-28T15:32:36Z ERROR upload thumbs/7781203/640.webp: googleapi: Error 403: listings-thumbs@mkt-prod.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist)., forbidden",
            "2026-11-28T15:32:36Z FATAL 1 upload(s) failed, exiting"])

ingl = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx"}
ing = sc.app("ingress-nginx", "ingress-nginx-controller", "registry.k8s.io/ingress-nginx/controller:v1.12.0", nodes=NODES[:3], created="-700d", rev=19,
             rev_created="-33d", cause=None, port=80, probe="/healthz", cluster_ip="34.118.224.10", labels=ingl, resources=res("300m", "384Mi", None, "512Mi"))
sc.obj("networking.k8s.io/v1", "Ingress", "listings-api", "listings", created="-500d", labels=dict(SEL),
       annotations={"nginx.ingress.kubernetes.io/proxy-connect-timeout": "5", "nginx.ingress.kubernetes.io/proxy-read-timeout": "15"},
       spec={"ingressClassName": "nginx", "rules": [{"host": "www.example-market.eu", "http": {"paths": [
           {"path": "/api/listings", "pathType": "Prefix", "backend": {"service": {"name": "listings-api", "port": {"name": "http"}}}}]}}]},
       status={"loadBalancer": {"ingress": [{"ip": "34.76.201.18"}]}})

# logs
for j, p in enumerate(ing["_pods"]):
    lines = []
    for k, t in enumerate(sc.ticks("-3m", "-4s", 2.8, jitter=0.8)):
        up = pods[(k + j) % 4]["status"]["podIP"]
        if k % 3 == 0:
            lines.append(sc.fmt(t, "%Y/%m/%d %H:%M:%S [error] 28#28: *" + str(44120077 + k * 131 + j) + " upstream timed out (110: Operation timed out) while connecting to upstream, client: 10.132.0.2, server: www.example-market.eu, request: \"GET /api/listings/search?q=bike&page=1 HTTP/1.1\", upstream: \"http://" + up + ":8080/api/listings/search?q=bike&page=1\", host: \"www.example-market.eu\""))
        elif k % 3 == 1:
            lines.append(sc.fmt(t, "10.132.0.2 - - [%d/%b/%Y:%H:%M:%S +0000] \"GET /api/listings/" + str(7700120 + k) + " HTTP/1.1\" 504 160 \"https://www.example-market.eu/\" \"Mozilla/5.0\" 512 15.002 [listings-listings-api-http] [] " + up + ":8080, " + pods[(k + j + 1) % 4]["status"]["podIP"] + ":8080, " + pods[(k + j + 2) % 4]["status"]["podIP"] + ":8080 0, 0, 0 5.000, 5.001, 5.001 504, 504, 504 " + sc.ids.hexs(32, "r", j, k)))
        else:
            lines.append(sc.fmt(t, "10.132.0.2 - - [%d/%b/%Y:%H:%M:%S +0000] \"GET /api/cart HTTP/1.1\" 200 812 \"https://www.example-market.eu/\" \"Mozilla/5.0\" 402 0.031 [cart-cart-api-http] [] 10.48.4.17:8080 812 0.031 200 " + sc.ids.hexs(32, "c", j, k)))
    sc.log(p, lines)
for i, p in enumerate(pods):
    lines = [sc.fmt(p["status"]["startTime"], "{\"level\":\"info\",\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"listings-api 3.18.2 listening\",\"addr\":\":8080\"}")]
    for k, t in enumerate(sc.ticks("-3m", "-6s", 9, jitter=0.6)):
        if k % 2:
            lines.append(sc.fmt(t, "{\"level\":\"info\",\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"request\",\"method\":\"GET\",\"path\":\"/api/listings/by-seller/" + str(3300 + k) + "\",\"status\":200,\"dur_ms\":" + str(8 + k % 11) + ",\"remote\":\"10.48.8.33\"}"))
        else:
            lines.append(sc.fmt(t, "{\"level\":\"debug\",\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"probe\",\"path\":\"/readyz\",\"status\":200}"))
    sc.log(p, lines)
sc.log(idx["_pods"][0], ["{\"level\":\"info\",\"msg\":\"indexed batch\",\"docs\":500,\"api\":\"http://listings-api.listings.svc.cluster.local/internal/changes\"}"], repeat=10)

# metrics
N, S = 120, "-119m"
cut = 119 - 22
sc.series({"__name__": "nginx_ingress_controller_requests", "namespace": "ingress-nginx", "exported_namespace": "listings", "ingress": "listings-api",
           "service": "listings-api", "status": "200", "controller_class": "k8s.io/ingress-nginx"},
          counter(sc, "200", [3100.0] * cut + [40.0] * (N - cut), start_value=981_220_114), start=S, step="1m")
sc.series({"__name__": "nginx_ingress_controller_requests", "namespace": "ingress-nginx", "exported_namespace": "listings", "ingress": "listings-api",
           "service": "listings-api", "status": "504", "controller_class": "k8s.io/ingress-nginx"},
          counter(sc, "504", [0.1] * (cut - 1) + [900.0] + [3050.0] * (N - cut), start_value=20_411, noise=0.08), start=S, step="1m")
histogram(sc, "listings_http_request_duration_seconds", {"namespace": "listings", "service": "listings-api", "route": "/api/listings/{id}"}, n=N, start=S, step="1m",
          rps=[52.0] * cut + [3.0] * (N - cut), median_s=[0.011] * N, sigma=0.5, start_count=611_040_332)

# recovery: the label is back on the pods (rollback or patch)
fixed = revs[1]["template"]
r = sc.recover_deployment(dep, template=fixed, nodes=NODES[:4], cause="helm upgrade listings-api service-template-3.9.2", reuse_rs=dep["_rs"][1], svc=svc,
                          start="+10s", every_s=6)
CHECK = {"kind": "Deployment", "namespace": "listings", "name": "listings-api", "path": "spec.template.metadata.labels.app", "equals": "listings-api"}
sc.recovery.append({"when": [CHECK], "apply": {
    "upsert": r["upsert"], "delete": r["delete"],
    "metrics": [sc.series({"__name__": "nginx_ingress_controller_requests", "namespace": "ingress-nginx", "exported_namespace": "listings", "ingress": "listings-api",
                           "service": "listings-api", "status": "504", "controller_class": "k8s.io/ingress-nginx"},
                          counter(sc, "504", [0.1] * (cut - 1) + [900.0] + [3050.0] * (N - cut - 1) + [0.0], start_value=20_411, noise=0.08), start=S, step="1m", add=False)],
    "logs": [{"namespace": "listings", "pod": p["metadata"]["name"], "lines": [
        sc.fmt(f"+{14 + 6 * i}s", "{\"level\":\"info\",\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"listings-api 3.18.2 listening\",\"addr\":\":8080\"}"),
        sc.fmt(f"+{30 + 6 * i}s", "{\"level\":\"info\",\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"request\",\"method\":\"GET\",\"path\":\"/api/listings/search\",\"status\":200,\"dur_ms\":14,\"remote\":\"10.48.0.9\"}")]}
             for i, p in enumerate(r["pods"])]}})

sc.truth = {
    "category": "network_policy",
    "also_accept": ["bad_rollout"],
    "resource": {"kind": "NetworkPolicy", "namespace": "listings", "name": "allow-ingress-nginx"},
    "aliases": [{"kind": "Deployment", "namespace": "listings", "name_regex": "^listings-api$"},
                {"kind": "ReplicaSet", "namespace": "listings", "name_regex": f"^{rs23['metadata']['name']}$"},
                {"kind": "NetworkPolicy", "namespace": "listings", "name_regex": "^default-deny$"}],
    "evidence": ["allow-ingress-nginx|networkpolicy|network policy",
                 "app=listings-api|app: listings-api|label",
                 "4.0.0|revision 23|chart",
                 "504|upstream timed out"],
    "remediation": {
        "accepted": [
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "listings", "name": "listings-api"}},
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "listings", "name": "listings-api"},
             "params": {"patch": {"spec": {"template": {"metadata": {"labels": {"app": "listings-api"}}}}}}},
            {"action": "recommend_only", "target": {"kind": "NetworkPolicy", "namespace": "listings", "name": "allow-ingress-nginx"}},
        ],
        "checks": [CHECK],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "listings", "name": "listings-api"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "listings", "name": "listings-api"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "ingress-nginx", "name": "ingress-nginx-controller"}},
            {"action": "patch_resource", "target": {"kind": "Service", "namespace": "listings", "name": "listings-api"}},
        ],
    },
    "notes": (
        "Revision 23 of listings-api (15:49, MKT-2210, chart service-template 3.9.2 -> 4.0.0) changed no code and no selector: "
        "the new chart sets only the app.kubernetes.io/* labels and no longer the legacy app=listings-api label. The "
        "listings-baseline NetworkPolicies are default-deny for ingress plus allow-ingress-nginx, whose podSelector is "
        "app=listings-api. Since the new pods lack that label, GKE Dataplane V2 drops the ingress controller's connections: "
        "pods are Ready (kubelet probes are not subject to the policy), Endpoints list all four, and in-namespace callers "
        "(listings-indexer) still work (allow-same-namespace), but every request from ingress-nginx times out connecting "
        "(\"upstream timed out (110: Operation timed out) while connecting to upstream\", 504 after three 5s tries).\n"
        "Fix: put the label back on the pod template (rollback to revision 22, or patch spec.template.metadata.labels.app) "
        "or change the NetworkPolicy to select app.kubernetes.io/name (a human change in listings-baseline; recommend_only "
        "also counts). Traps: the failing listings-thumbs CronJob (GCS 403 for its service account) is unrelated and older; the "
        "Service and Endpoints look perfect, so a selector/port patch of the Service is wrong; restarting pods or the "
        "ingress controller changes nothing."),
}

if __name__ == "__main__":
    print(sc.write())
