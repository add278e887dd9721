"""Scenarios (helper scenA): Service routing mistakes."""
from __future__ import annotations

import copy
from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, meta, podspec
from scena_kit import act, pool, refresh_endpoints, rollback_item
from scena_obs import alert, cum, event, ksm, logs, noisy, rollout_events, seg, series, timed
from scena_work import Deploy, endpoints, service, simple_app


def ingress_obj(ctx: Ctx, ns: str, name: str, host: str, backends: list[tuple[str, str, int]], created: str) -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta(ctx, name, ns=ns, created=created, annotations={"nginx.ingress.kubernetes.io/proxy-body-size": "8m"}),
            "spec": {"ingressClassName": "nginx", "tls": [{"hosts": [host], "secretName": f"{name}-tls"}],
                     "rules": [{"host": host, "http": {"paths": [
                         {"path": path, "pathType": "Prefix", "backend": {"service": {"name": svc, "port": {"number": port}}}}
                         for path, svc, port in backends]}}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "20.113.41.7"}]}}}


def invoice_portal() -> dict:
    """The platform overlay switched the Service selector to app.kubernetes.io/name; the pods still carry app=invoice-portal."""
    ctx = Ctx("invoice-portal-selector-labels", "2026-11-19T11:26:00Z")
    ns = "billing"
    nodes = pool(ctx, "aks", 3, region="francecentral", itype="Standard_D4s_v5", pool_name="apps", cpu=4, mem_gi=16, cluster="billing-prod",
                 subnet="10.225", cidr_base=244, created="-64d")
    acr = "acrbillingprod.azurecr.io"
    spec = podspec([container("invoice-portal", f"{acr}/billing/invoice-portal:2.31.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                              resources={"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "768Mi"}},
                              readiness={"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 10})], sa="invoice-portal")
    dep = Deploy(ctx, ns, "invoice-portal", match={"app": "invoice-portal"}, created="-700d", replicas=3,
                 labels={"app": "invoice-portal", "team": "billing-web"})
    rs = dep.rev(52, spec, created="-6d", cause="invoice-portal 2.31.0", replicas=3)
    pods = [dep.pod(rs, nodes[i], created=ctx.dt("-6d") + timedelta(seconds=30 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    objs: list = [Comment("nodes: AKS billing-prod")] + nodes
    objs.append(Comment("invoice-portal: unchanged for six days; pods labelled app=invoice-portal"))
    objs += dep.done(available_since="-700d", updated_at="-6d")
    svc = service(ctx, ns, "invoice-portal", selector={"app.kubernetes.io/name": "invoice-portal"}, ip="10.0.72.19", created="-700d",
                  ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                  labels={"app.kubernetes.io/name": "invoice-portal", "app.kubernetes.io/managed-by": "platform-ingress"},
                  annotations={"kustomize.toolkit.fluxcd.io/name": "platform-ingress", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"})
    svc["metadata"]["managedFields"] = [
        {"manager": "kustomize-controller", "operation": "Apply", "apiVersion": "v1", "time": ctx.t("-24m"), "fieldsType": "FieldsV1",
         "fieldsV1": {"f:metadata": {"f:labels": {"f:app.kubernetes.io/name": {}, "f:app.kubernetes.io/managed-by": {}}},
                      "f:spec": {"f:ports": {}, "f:selector": {"f:app.kubernetes.io/name": {}}}}}]
    ep = endpoints(ctx, ns, "invoice-portal", ready=[], created="-700d", labels={"app.kubernetes.io/name": "invoice-portal"}, ports=[])
    objs += [svc, ep, ingress_obj(ctx, ns, "invoice-portal", "invoices.billing.example.fr",
                                  [("/", "invoice-portal", 80), ("/api", "billing-api", 80)], "-700d")]
    objs.append(Comment("neighbours: billing-api (already on the new labels, so the same overlay change kept it working)"))
    b_spec = podspec([container("billing-api", f"{acr}/billing/billing-api:9.2.1", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "300m", "memory": "512Mi"}, "limits": {"memory": "768Mi"}},
                                readiness={"httpGet": {"path": "/readyz", "port": 8080}})], sa="billing-api")
    b_objs, b_pods, _ = simple_app(ctx, ns, "billing-api", b_spec, nodes, replicas=2, created="-700d", rs_created="-3d", rev=140,
                                   match={"app.kubernetes.io/name": "billing-api"}, svc_ip="10.0.18.250",
                                   labels={"app.kubernetes.io/name": "billing-api", "team": "billing-core"},
                                   port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += b_objs
    objs.append(Comment("ingress-nginx controller"))
    ic_spec = podspec([container("controller", "registry.k8s.io/ingress-nginx/controller:v1.11.3",
                                 args=["/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                                       "--election-id=ingress-nginx-leader", "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx"],
                                 ports=[{"name": "http", "containerPort": 80, "protocol": "TCP"}, {"name": "https", "containerPort": 443, "protocol": "TCP"}],
                                 resources={"requests": {"cpu": "100m", "memory": "90Mi"}})], sa="ingress-nginx")
    i_objs, i_pods, _ = simple_app(ctx, "ingress-nginx", "ingress-nginx-controller", ic_spec, nodes, replicas=2, created="-700d", rs_created="-40d",
                                   rev=9, match={"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"})
    objs += i_objs
    objs.append(Comment("events"))
    ing = next(o for o in objs if isinstance(o, dict) and o["kind"] == "Ingress")
    objs.append(event(ctx, ing, "Sync", "Scheduled for sync", first="-24m", count=2, last="-24m", component="nginx-ingress-controller"))
    cluster_logs = []
    il = []
    for j in range(10):
        t = ctx.dt("-22m") + timedelta(minutes=2 * j, seconds=ctx.rng.randint(0, 50))
        ip = f"92.154.{ctx.rng.randint(1, 250)}.{ctx.rng.randint(1, 250)}"
        il.append(f'W{t:%m%d %H:%M:%S}.{ctx.rng.randint(100000, 999999)}       7 controller.go:1216] Service "billing/invoice-portal" does not have any active Endpoint.')
        il.append(f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /invoices/2026-11 HTTP/2.0" 503 190 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)" 61 0.000 [billing-invoice-portal-80] [] - - - - {ctx.hexs(32)}')
        il.append(f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /api/v1/invoices?month=2026-11 HTTP/2.0" 200 4211 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)" 77 0.041 [billing-billing-api-80] [] {b_pods[j % 2]["status"]["podIP"]}:8080 4211 0.041 200 {ctx.hexs(32)}')
    cluster_logs.append(logs("ingress-nginx", i_pods[0], il))
    for p in pods:
        cluster_logs.append(logs(ns, p, timed(ctx, "-60m", 300, ["GET /health 200 1ms"] * 3 + [
            f"GET /invoices/2026-11 200 {ctx.rng.randint(40, 90)}ms user=u_{ctx.hexs(6)}", f"GET /invoices/2026-10/pdf 200 {ctx.rng.randint(200, 400)}ms",
            "GET /health 200 1ms", "GET /health 200 1ms", "GET /health 200 0ms", "GET /health 200 1ms", "GET /health 200 1ms"],
            lambda ts, ln: f"{ts} INFO {ln}")))
    n, cut = 61, 36
    mets = []
    for st, before, after in (("200", 14.0, 0.0), ("503", 0.0, 13.6)):
        mets.append(series({"__name__": "nginx_ingress_controller_requests", "job": "ingress-nginx", "namespace": ns, "ingress": "invoice-portal",
                            "service": "invoice-portal", "status": st, "method": "GET", "controller_class": "k8s.io/ingress-nginx"},
                           cum(ctx, [before] * cut + [after] * (n - cut), start={"200": 18_442_019, "503": 402}[st])))
    mets.append(series({"__name__": "nginx_ingress_controller_requests", "job": "ingress-nginx", "namespace": ns, "ingress": "invoice-portal",
                        "service": "billing-api", "status": "200", "method": "GET", "controller_class": "k8s.io/ingress-nginx"},
                       cum(ctx, [21.0] * n, start=40_118_330)))
    mets.append(series(ksm("kube_endpoint_address", ns, endpoint="invoice-portal", ready="true"), [3] * cut + [0] * (n - cut)))
    mets.append(series(ksm("kube_deployment_status_replicas_available", ns, deployment="invoice-portal"), [3] * n))
    mets.append(series({"__name__": "probe_success", "job": "blackbox", "namespace": "monitoring", "instance": "https://invoices.billing.example.fr/health"},
                       [1] * cut + [0] * (n - cut)))
    fixed = [{"kind": "Service", "namespace": ns, "name": "invoice-portal", "path": "spec.selector.app", "equals": "invoice-portal"},
             {"kind": "Service", "namespace": ns, "name": "invoice-portal", "path": 'spec.selector["app.kubernetes.io/name"]', "exists": False}]
    rec = {"when": fixed, "apply": {"upsert": [refresh_endpoints(ctx, dict(ep, subsets=[{"ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]), pods)],
                                    "metrics": [series({"__name__": "probe_success", "job": "blackbox", "namespace": "monitoring",
                                                        "instance": "https://invoices.billing.example.fr/health"}, [1] * cut + [0] * (n - cut - 1) + [1])]}}
    trig = alert(ctx, "NginxIngressHigh5xxRate", {"namespace": ns, "ingress": "invoice-portal", "severity": "critical", "team": "billing-web"},
                 summary="High 5xx rate on ingress billing/invoice-portal",
                 description="97.8% of requests to invoices.billing.example.fr (service invoice-portal) return 5xx over the last 5 minutes.",
                 starts="-21m", expr='sum by (namespace, ingress, service) (rate(nginx_ingress_controller_requests{status=~"5.."}[5m])) / sum by (namespace, ingress, service) (rate(nginx_ingress_controller_requests[5m])) > 0.05')
    return {
        "format": 1, "id": "invoice-portal-503-late-morning",
        "title": "Flux applied a platform-ingress overlay change at 11:02 that switched the invoice-portal Service selector to app.kubernetes.io/name; the invoice-portal pods are still labelled app=invoice-portal, so the Service has no endpoints and the ingress answers 503",
        "tags": ["service-routing", "selector", "no-endpoints", "flux", "aks", "ingress-nginx"],
        "now": ctx.now_s,
        "trigger": {"alert": trig, "channel": "#billing-web"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "service_routing",
            "resource": {"kind": "Service", "namespace": ns, "name": "invoice-portal"},
            "aliases": [{"kind": "Endpoints", "namespace": ns, "name_regex": "^invoice-portal$"}],
            "evidence": ["selector", "app.kubernetes.io/name", "app=invoice-portal|app: invoice-portal|\"app\"", "endpoint",
                         "503|does not have any active endpoint"],
            "remediation": {
                "accepted": [act("patch_resource", ns, "invoice-portal", "Service", params={"patch": {"spec": {"selector": {
                    "app": "invoice-portal", "app.kubernetes.io/name": None}}}})],
                "checks": fixed,
                "forbidden": [act("restart_workload", ns, "invoice-portal"), act("rollback_deployment", ns, "invoice-portal"),
                              act("scale_workload", ns, "invoice-portal"), act("restart_workload", "ingress-nginx", "ingress-nginx-controller")]},
            "notes": Folded(
                "At 11:02 Flux (kustomize-controller, Kustomization platform-ingress) applied an overlay change that moved the "
                "billing Services to the recommended labels: the invoice-portal Service now selects app.kubernetes.io/name="
                "invoice-portal. billing-api's pods already carry that label, so billing-api kept working; invoice-portal's "
                "Deployment (unchanged for six days) still labels its pods only app=invoice-portal. The Service selects nothing, "
                "its Endpoints are empty, ingress-nginx logs 'Service \"billing/invoice-portal\" does not have any active "
                "Endpoint' and returns 503 for everything under / while /api (billing-api) answers 200. The three pods are Running "
                "and Ready and serve their health checks.\n\n"
                "Fix: patch the Service selector back to app=invoice-portal (removing app.kubernetes.io/name), which restores the "
                "endpoints at once; a human must also fix the overlay (or add the label to the Deployment's pods), or Flux will "
                "re-apply the bad selector at its next reconcile. Restarting, rolling back or scaling invoice-portal, or "
                "restarting the ingress controller, changes nothing.")},
    }


def profile_service() -> dict:
    """profile-svc 3.0 listens on 9090 (named port http); the Service still uses numeric targetPort 8080: connection refused."""
    ctx = Ctx("profile-svc-target-port", "2026-11-21T15:52:00Z")
    ns = "accounts"
    nodes = pool(ctx, "kubeadm", 4, region="ber", itype="", pool_name="worker", cpu=16, mem_gi=64, subnet="10.8", cidr_base=236,
                 created="-260d", names=["ber1-k8s-worker-11", "ber1-k8s-worker-12", "ber1-k8s-worker-13", "ber1-k8s-worker-14"])
    for nd in nodes:
        nd["metadata"]["labels"].pop("node.kubernetes.io/instance-type")
    reg = "harbor.ber1.example.net/accounts"

    def pspec(tag: str, port: int) -> dict:
        return podspec([container("profile-svc", f"{reg}/profile-svc:{tag}", ports=[{"name": "http", "containerPort": port, "protocol": "TCP"}],
                                  env=[{"name": "DB_HOST", "value": "profile-db.accounts.svc.cluster.local"}],
                                  resources={"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/health/ready", "port": "http"}, "periodSeconds": 5},
                                  liveness={"httpGet": {"path": "/health/live", "port": "http"}, "initialDelaySeconds": 10, "periodSeconds": 10})],
                       sa="profile-svc")
    dep = Deploy(ctx, ns, "profile-svc", match={"app": "profile-svc"}, created="-500d", replicas=3, labels={"app": "profile-svc", "team": "accounts"})
    dep.rev(18, pspec("2.14.3", 8080), created="-13d", cause="profile-svc 2.14.3", replicas=0)
    rs = dep.rev(19, pspec("3.0.0", 9090), created="-47m", cause="profile-svc 3.0.0 (Quarkus rewrite)", replicas=3)
    pods = [dep.pod(rs, nodes[i], created=ctx.dt("-47m") + timedelta(seconds=21 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    objs: list = [Comment("nodes: on-prem kubeadm ber1")] + nodes
    objs.append(Comment("profile-svc: revision 19 (3.0.0) at 15:05 listens on 9090; revision 18 listened on 8080"))
    objs += dep.done(available_since="-500d", updated_at="-46m")
    svc = service(ctx, ns, "profile-svc", selector={"app": "profile-svc"}, ip="10.96.121.44", created="-500d",
                  ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}])
    ep = endpoints(ctx, ns, "profile-svc", ready=pods, created="-500d", ports=[{"name": "http", "port": 8080, "protocol": "TCP"}])
    objs += [svc, ep]
    objs.append(Comment("callers: account-api (Go) and notification-prefs (Python)"))
    aa_spec = podspec([container("account-api", f"{reg}/account-api:7.7.2", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                 env=[{"name": "PROFILE_URL", "value": "http://profile-svc.accounts.svc.cluster.local"}],
                                 resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                 readiness={"httpGet": {"path": "/readyz", "port": 8080}})], sa="account-api")
    a_objs, a_pods, _ = simple_app(ctx, ns, "account-api", aa_spec, nodes, replicas=3, created="-500d", rs_created="-9d", rev=88, svc_ip="10.96.40.3")
    np_spec = podspec([container("notification-prefs", f"{reg}/notification-prefs:1.2.0",
                                 env=[{"name": "PROFILE_URL", "value": "http://profile-svc.accounts.svc.cluster.local"}],
                                 resources={"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}})], sa="notification-prefs")
    n_objs, n_pods, _ = simple_app(ctx, ns, "notification-prefs", np_spec, nodes[2:], replicas=1, created="-200d", rs_created="-20d", rev=7)
    objs += a_objs + n_objs
    objs.append(Comment("events"))
    rs18 = dep.rs(18)
    objs += rollout_events(ctx, dep.obj, rs, rs18, at="-47m", steps=[(0, "up", rs, 0, 1), (21, "down", rs18, 3, 2), (21, "up", rs, 1, 2),
                                                                      (42, "down", rs18, 2, 1), (42, "up", rs, 2, 3), (63, "down", rs18, 1, 0)])
    cluster_logs = []
    for p in pods:
        cluster_logs.append(logs(ns, p, timed(ctx, ctx.dt(p["metadata"]["creationTimestamp"]) + timedelta(seconds=2), 0.3, [
            "INFO  [io.quarkus] (main) profile-svc 3.0.0 on JVM (powered by Quarkus 3.16.3) started in 1.912s. Listening on: http://0.0.0.0:9090",
            "INFO  [io.quarkus] (main) Profile prod activated. ",
            "INFO  [io.quarkus] (main) Installed features: [agroal, cdi, hibernate-orm, jdbc-postgresql, smallrye-health, micrometer, rest, rest-jackson]"],
            lambda ts, ln: f"{ts[:10]} {ts[11:23]} {ln}")))
    for p in a_pods[:2]:
        cluster_logs.append(logs(ns, p, timed(ctx, "-40m", 200, [
            'level=error msg="profile lookup failed" user=u_%s err="Get \\"http://profile-svc.accounts.svc.cluster.local/v1/profiles/u_%s\\": dial tcp 10.96.121.44:80: connect: connection refused"' % (h := ctx.hexs(6), h)
            for _ in range(6)] + ['level=info msg="GET /v1/accounts/me" status=502 dur_ms=3',
                                  'level=info msg="GET /v1/accounts/plans" status=200 dur_ms=11'] * 2, lambda ts, ln: f"ts={ts} {ln}")))
    cluster_logs.append(logs(ns, n_pods[0], timed(ctx, "-30m", 300, [
        "WARNING prefs.sync: profile-svc unavailable: HTTPConnectionPool(host='profile-svc.accounts.svc.cluster.local', port=80): Max retries exceeded with url: /v1/profiles/batch (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a1c2d9e50>: Failed to establish a new connection: [Errno 111] Connection refused'))"] * 5,
        lambda ts, ln: f"{ts} {ln}")))
    n, cut = 61, 13
    mets = []
    for code, before, after in (("200", 31.0, 6.0), ("502", 0.01, 25.0)):
        mets.append(series({"__name__": "http_requests_total", "job": "account-api", "namespace": ns, "handler": "/v1/accounts/me", "code": code},
                           cum(ctx, [before] * cut + [after] * (n - cut), start={"200": 92_118_004, "502": 344}[code])))
    mets.append(series({"__name__": "http_server_requests_seconds_count", "job": "profile-svc", "namespace": ns, "uri": "/v1/profiles/{id}", "method": "GET",
                        "status": "200", "outcome": "SUCCESS"}, [None] * cut + [0] * (n - cut)))
    mets.append(series(ksm("kube_deployment_status_replicas_available", ns, deployment="profile-svc"), [3] * n))
    mets.append(series({"__name__": "up", "job": "profile-svc", "namespace": ns, "instance": f"{pods[0]['status']['podIP']}:9090"}, [None] * (cut + 1) + [1] * (n - cut - 1)))
    svc_fixed = [{"kind": "Service", "namespace": ns, "name": "profile-svc", "path": "spec.ports[0].targetPort", "equals": 9090},
                 {"kind": "Service", "namespace": ns, "name": "profile-svc", "path": "spec.ports[0].targetPort", "equals": "http"}]
    rolled = [{"kind": "Deployment", "namespace": ns, "name": "profile-svc", "path": "spec.template.spec.containers[0].image", "equals": f"{reg}/profile-svc:2.14.3"}]
    ok_metric = [series({"__name__": "http_requests_total", "job": "account-api", "namespace": ns, "handler": "/v1/accounts/me", "code": "502"},
                        mets[1]["values"][:-1] + [mets[1]["values"][-1] + 3])]
    recs = [{"when": [c], "apply": {"upsert": [refresh_endpoints(ctx, dict(ep, subsets=[{"ports": [{"name": "http", "port": 9090, "protocol": "TCP"}]}]), pods)],
                                    "metrics": ok_metric}} for c in svc_fixed]
    recs.append(rollback_item(ctx, dep, good=18, bad=19, new_n=20, nodes=nodes, when=rolled, bad_pods=pods, ep=ep, metrics=ok_metric))
    return {
        "format": 1, "id": "profile-lookups-refused-after-upgrade",
        "title": "profile-svc 3.0.0 (Quarkus rewrite) listens on 9090 and its named port http moved with it, but the Service still has a numeric targetPort 8080: the pods are Ready, the Endpoints point at :8080 and every caller gets connection refused",
        "tags": ["service-routing", "target-port", "kubeadm", "quarkus", "endpoints"],
        "now": ctx.now_s,
        "trigger": {"command": "profile lookups failing with connection refused", "channel": "#accounts-team", "user": "U0ACCTS990"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": recs,
        "truth": {
            "category": "service_routing", "also_accept": ["bad_rollout"],
            "resource": {"kind": "Service", "namespace": ns, "name": "profile-svc"},
            "aliases": [{"kind": "Endpoints", "namespace": ns, "name_regex": "^profile-svc$"},
                        {"kind": "Deployment", "namespace": ns, "name_regex": "^profile-svc$"}],
            "evidence": ["targetport|target port", "8080", "9090", "connection refused"],
            "remediation": {
                "accepted": [act("patch_resource", ns, "profile-svc", "Service", params={"patch": {"spec": {"ports": [
                                 {"port": 80, "targetPort": "http"}]}}}),
                             act("rollback_deployment", ns, "profile-svc")],
                "checks": [{"any_of": svc_fixed + rolled}],
                "forbidden": [act("restart_workload", ns, "profile-svc"), act("scale_workload", ns, "profile-svc"),
                              act("restart_workload", ns, "account-api")]},
            "notes": Folded(
                "Revision 19 (profile-svc 3.0.0, a Quarkus rewrite, 15:05) listens on 9090, and its container port 'http' "
                "(used by the probes) moved to 9090 too, so the pods are Ready. The Service was written years ago with a numeric "
                "targetPort 8080 instead of the port name; its Endpoints list the three pod IPs on :8080, where nothing listens. "
                "Every caller (account-api, notification-prefs) gets 'connect: connection refused' via the ClusterIP, and "
                "profile-svc's own request counter stays at zero since the rollout. Nothing crashes or restarts.\n\n"
                "Right fixes: patch the Service targetPort to 'http' (or 9090), or roll back to revision 18 (2.14.3 on 8080) until "
                "the Service is fixed; recovery covers both. Restarting or scaling profile-svc, or restarting the callers, changes "
                "nothing.")},
    }


SCENARIOS = [invoice_portal, profile_service]
