"""service_routing: the perks-api Service's http port was re-applied with targetPort 8081; nothing listens there, ingress returns 502."""
import copy
import json
from lib import Scn, container, http_probe, template, dep_status, rollout_events, simple_workload

SID = "member-perks-page-502-sunday"
S = Scn(SID, "2026-11-22T13:36:00Z", 707)
NS = "rewards"
REG = "quay.io/cobaltair"
IMG = f"{REG}/perks-api:2.6.2"
nodes = [S.node(f"ip-172-31-{a}-{b}.eu-west-1.compute.internal", zone=z, ip=f"172.31.{a}.{b}", cpu="4", mem_ki=16082588, itype="m7i.xlarge", kubelet="v1.31.4-eks-aeac579")
         for a, b, z in [(10, 23, "eu-west-1a"), (26, 140, "eu-west-1b"), (40, 7, "eu-west-1c")]]
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
LBL = {"app": "perks-api", "app.kubernetes.io/part-of": "cobalt-rewards"}


def tpl(image: str) -> dict:
    return template(dict(LBL), [container("perks-api", image, env=[
        {"name": "SERVER_PORT", "value": "8080"}, {"name": "GRPC_PORT", "value": "9090"}, {"name": "MANAGEMENT_PORT", "value": "9102"},
        {"name": "MILES_LEDGER_URL", "value": "http://miles-ledger.rewards.svc"}],
        req={"cpu": "300m", "memory": "768Mi"}, lim={"memory": "1Gi"}, readiness=http_probe("/actuator/health/readiness", port="management", period=10, timeout=2),
        liveness=http_probe("/actuator/health/liveness", port="management", delay=40, period=20, timeout=2),
        extra_ports=[{"name": "grpc", "containerPort": 9090, "protocol": "TCP"}, {"name": "management", "containerPort": 9102, "protocol": "TCP"}])],
        serviceAccountName="perks-api")


t15, t14 = tpl(IMG), tpl(f"{REG}/perks-api:2.6.1")
C15 = "ci: perks-api 2.6.2 (pipeline 20731)"
dep = S.deployment(NS, "perks-api", labels=dict(LBL), template=t15, revision=15, replicas=3, created="-450d", generation=27, change_cause=C15,
                   status=dep_status(S, replicas=3, ready=3, updated=3, rs="perks-api-79c8d5f6b4", since="-20h", created="-450d", available_since="-90d"))
rs15 = S.replicaset(dep, phash="79c8d5f6b4", revision=15, template=t15, replicas=3, created="-20h", change_cause=C15)
S.replicaset(dep, phash="5f6b9d7c8", revision=14, template=t14, replicas=0, created="-13d", change_cause="ci: perks-api 2.6.1 (pipeline 20388)")
pods = [S.pod(rs15, suffix=s, node=N[i][0], host_ip=N[i][1], ip=f"172.31.{[11, 27, 41][i]}.{S.rng.randint(10, 250)}", created=f"-{1200 - i}m",
              statuses=[S.cstatus("perks-api", IMG, digest="41fa" * 16, state={"running": {"startedAt": S.t(f"-{1199 - i}m")}})]) for i, s in enumerate(["d5rkw", "n7xqm", "t6bzp"])]
bad_ports = [{"name": "http", "port": 80, "targetPort": 8081, "protocol": "TCP"}, {"name": "grpc", "port": 9090, "targetPort": 9090, "protocol": "TCP"}]
last_applied = {"apiVersion": "v1", "kind": "Service", "metadata": {"annotations": {}, "labels": LBL, "name": "perks-api", "namespace": NS},
                "spec": {"ports": bad_ports, "selector": LBL, "type": "ClusterIP"}}
svc = S.service(NS, "perks-api", selector=dict(LBL), ports=copy.deepcopy(bad_ports), cluster_ip="10.100.73.18", labels=dict(LBL), created="-450d",
                annotations={"kubectl.kubernetes.io/last-applied-configuration": json.dumps(last_applied, separators=(",", ":")) + "\n"})
S.endpoints(NS, "perks-api", ready=pods, ports=[{"name": "http", "port": 8081, "protocol": "TCP"}, {"name": "grpc", "port": 9090, "protocol": "TCP"}], labels=dict(LBL))

# ingress + controller
ing = S.add({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "rewards-web", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-450d"), "generation": 9,
                                                                                    "annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "30"}},
             "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["rewards.cobaltair.example"], "secretName": "rewards-tls"}],
                      "rules": [{"host": "rewards.cobaltair.example", "http": {"paths": [
                          {"path": "/api/perks", "pathType": "Prefix", "backend": {"service": {"name": "perks-api", "port": {"name": "http"}}}},
                          {"path": "/api/miles", "pathType": "Prefix", "backend": {"service": {"name": "miles-ledger", "port": {"number": 80}}}},
                          {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "rewards-web", "port": {"number": 80}}}}]}}]},
             "status": {"loadBalancer": {"ingress": [{"hostname": "k8s-ingressn-ingressn-5c1e0a7b2f-8e4d1c2b9a7f6e35.elb.eu-west-1.amazonaws.com"}]}}})
ml, _, mlp = simple_workload(S, NS, "miles-ledger", image=f"{REG}/miles-ledger:4.0.3", nodes=N, replicas=2, revision=48, age="-6d", svc_ip="10.100.73.40", labels={"app": "miles-ledger"}, vpc=True)
rw, _, rwp = simple_workload(S, NS, "rewards-web", image=f"{REG}/rewards-web:2026.11.21", nodes=N, replicas=2, revision=212, age="-1d", svc_ip="10.100.73.9", probe="/", labels={"app": "rewards-web"}, vpc=True)
IL = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"}
ic, _, icp = simple_workload(S, "ingress-nginx", "ingress-nginx-controller", image="registry.k8s.io/ingress-nginx/controller:v1.11.3", nodes=N, replicas=2, revision=6,
                             age="-34d", labels=IL, port=80, probe="/healthz", req={"cpu": "100m", "memory": "90Mi"}, lim={"memory": "512Mi"}, vpc=True)

# events: nothing about the Service (Services emit none for this); a red-herring HPA event and the yesterday rollout
rollout_events(S, dep, [("-20h", "Scaled up replica set perks-api-79c8d5f6b4 to 1"), ("-20h", "Scaled down replica set perks-api-5f6b9d7c8 to 2 from 3"),
                        ("-1199m", "Scaled up replica set perks-api-79c8d5f6b4 to 2 from 1"), ("-1199m", "Scaled down replica set perks-api-5f6b9d7c8 to 1 from 2"),
                        ("-1198m", "Scaled up replica set perks-api-79c8d5f6b4 to 3 from 2"), ("-1198m", "Scaled down replica set perks-api-5f6b9d7c8 to 0 from 1")])
S.event(ing, reason="Sync", message="Scheduled for sync", first="-450d", last="-34m", count=11, component="nginx-ingress-controller", host=icp[0]["metadata"]["name"])

# logs
def nginx(i: int, t: str, path: str, code: int, up: str, ms: float) -> str:
    ua = S.rng.choice(["Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 CobaltAir/9.14.0",
                       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"])
    return (f'{S.rng.randint(80, 220)}.{S.rng.randint(0, 255)}.{S.rng.randint(0, 255)}.{S.rng.randint(1, 254)} - - [{t}] "GET {path} HTTP/2.0" {code} {S.rng.randint(150, 4000)} '
            f'"https://rewards.cobaltair.example/" "{ua}" {S.rng.randint(30, 90)} {ms:.3f} [{NS}-{"perks-api-http" if "perks" in path else "miles-ledger-80"}] [] {up} 0 {ms:.3f} {code} {S.hexid(32)}')


def ts_nginx(rel: str) -> str:
    from datetime import datetime
    d = datetime.fromisoformat(S.t(rel).replace("Z", "+00:00"))
    return d.strftime("%d/%b/%Y:%H:%M:%S +0000")


for i, p in enumerate(icp):
    lines = []
    for k in range(40):
        rel = f"-{240 - k * 5 - i * 2}s"
        if k % 3 == 0:
            lines.append(nginx(i, ts_nginx(rel), "/api/miles/balance", 200, f"{mlp[k % 2]['status']['podIP']}:8080", S.rng.uniform(0.01, 0.09)))
        else:
            pip = pods[k % 3]["status"]["podIP"]
            lines.append(f"{S.t(rel)[:10].replace('-', '/')} {S.t(rel)[11:19]} [error] {S.rng.randint(20, 40)}#{S.rng.randint(20, 40)}: *{S.rng.randint(100000, 999999)} connect() failed (111: Connection refused) while connecting to upstream, "
                         f"client: 10.0.{S.rng.randint(0, 255)}.{S.rng.randint(1, 254)}, server: rewards.cobaltair.example, request: \"GET /api/perks/v2/members/CA{S.rng.randint(1000000, 9999999)}/offers HTTP/2.0\", "
                         f"upstream: \"http://{pip}:8081/api/perks/v2/members/offers\", host: \"rewards.cobaltair.example\"")
            lines.append(nginx(i, ts_nginx(rel), "/api/perks/v2/members/offers", 502, f"{pip}:8081, {pods[(k + 1) % 3]['status']['podIP']}:8081, {pods[(k + 2) % 3]['status']['podIP']}:8081", 0.002))
    S.log("ingress-nginx", p, lines, at=f"-{240 - i * 2}s", every="3s")
for i, p in enumerate(pods):
    S.log(NS, p, [f"{S.t(f'-{1199 - i}m')} INFO  o.s.b.w.embedded.tomcat.TomcatWebServer : Tomcat started on port 8080 (http) with context path '/'",
                  f"{S.t(f'-{1199 - i}m')} INFO  n.d.b.g.s.s.GrpcServerLifecycle : gRPC Server started, listening on address: *, port: 9090",
                  f"{S.t(f'-{1199 - i}m')} INFO  o.s.b.a.e.web.EndpointLinksResolver : Exposing 3 endpoint(s) beneath base path '/actuator' on port 9102"]
          + [f"{S._plus(S.t('-75m'), k * 60 + i * 7)} INFO  c.c.perks.web.OffersController : GET /api/perks/v2/members/offers 200 {S.rng.randint(14, 90)}ms" for k in range(40)]
          + [f"{S._plus(S.t('-20m'), k * 120 + i * 11)} INFO  c.c.perks.grpc.PerksGrpcService : GetEligibility ok member=CA{S.rng.randint(1000000, 9999999)} {S.rng.randint(3, 20)}ms" for k in range(10)]
          + [f"{S._plus(S.t('-6m'), i)} WARN  c.c.perks.cache.OfferCache : offer cache refresh took 2841ms (partner feed slow)"])

n = 121
cut = n - 34
S.metric({"__name__": "nginx_ingress_controller_requests", "namespace": "ingress-nginx", "exported_namespace": NS, "exported_service": "perks-api", "ingress": "rewards-web", "host": "rewards.cobaltair.example", "status": "200"},
         S.counter([31.0 if k < cut else 0.0 for k in range(n)], start=88123004))
S.metric({"__name__": "nginx_ingress_controller_requests", "namespace": "ingress-nginx", "exported_namespace": NS, "exported_service": "perks-api", "ingress": "rewards-web", "host": "rewards.cobaltair.example", "status": "502"},
         S.counter([0.0 if k < cut else 30.5 for k in range(n)], start=417))
S.metric({"__name__": "nginx_ingress_controller_requests", "namespace": "ingress-nginx", "exported_namespace": NS, "exported_service": "miles-ledger", "ingress": "rewards-web", "host": "rewards.cobaltair.example", "status": "200"},
         S.counter([18.0] * n, start=50331776))
S.metric({"__name__": "http_server_requests_seconds_count", "namespace": NS, "service": "perks-api", "uri": "/api/perks/v2/members/offers", "status": "200"},
         S.counter([31.0 if k < cut else 0.0 for k in range(n)], start=87990012))
S.metric({"__name__": "grpc_server_handled_total", "namespace": NS, "service": "perks-api", "grpc_method": "GetEligibility", "grpc_code": "OK"}, S.counter([4.2] * n, start=3310994))
for p in pods:
    S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "perks-api", "job": "kube-state-metrics"}, [0] * n)
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "perks-api", "job": "kube-state-metrics"}, [3] * n)

CHECK = {"any_of": [{"kind": "Service", "namespace": NS, "name": "perks-api", "path": "spec.ports[0].targetPort", "equals": 8080},
                    {"kind": "Service", "namespace": NS, "name": "perks-api", "path": "spec.ports[0].targetPort", "equals": "http"}]}
ep_fixed = copy.deepcopy([o for o in S.objects if o["kind"] == "Endpoints" and o["metadata"]["name"] == "perks-api"][0])
ep_fixed["subsets"][0]["ports"][0]["port"] = 8080
S.dump(f"scenarios/{SID}.yaml",
       title="The perks-api Service was re-applied at 13:02 from a branch that added a gRPC port and changed the http port's targetPort to 8081; nothing listens on 8081, the ingress returns 502 for /api/perks",
       tags=["service-routing", "targetport", "ingress-502", "red-herring"],
       trigger={"alert": {"status": "firing",
                          "labels": {"alertname": "IngressHigh5xxRate", "namespace": NS, "ingress": "rewards-web", "exported_service": "perks-api", "severity": "critical", "team": "loyalty"},
                          "annotations": {"summary": "More than 20% 5xx on rewards-web for perks-api",
                                          "description": "99.8% of requests to service perks-api via ingress rewards-web returned 5xx in the last 5 minutes."},
                          "startsAt": S.t("-29m"), "endsAt": "0001-01-01T00:00:00Z",
                          "generatorURL": "http://prometheus.monitoring:9090/graph?g0.expr=sum+by%28exported_service%29%28rate%28nginx_ingress_controller_requests%7Bstatus%3D~%225..%22%7D%5B5m%5D%29%29",
                          "fingerprint": "70d3a9e1c5b24f86"},
                "channel": "#loyalty-oncall"},
       recovery=[{"when": [CHECK], "apply": {"upsert": [ep_fixed], "logs": [{"namespace": "ingress-nginx", "pod": p["metadata"]["name"],
                                                                               "lines": [nginx(0, ts_nginx("-5s"), "/api/perks/v2/members/offers", 200, f"{pods[0]['status']['podIP']}:8080", 0.041)], "at": "-5s", "every": "1s"} for p in icp],
                                              "metrics": [{"labels": {"__name__": "nginx_ingress_controller_requests", "namespace": "ingress-nginx", "exported_namespace": NS, "exported_service": "perks-api", "ingress": "rewards-web", "host": "rewards.cobaltair.example", "status": "502"},
                                                           "start": "-120m", "step": "1m", "values": S.counter([0.0 if k < cut else 30.5 for k in range(n - 3)] + [2.0, 0.0, 0.0], start=417)}]}}],
       truth={"category": "service_routing",
              "resource": {"kind": "Service", "namespace": NS, "name": "perks-api"},
              "aliases": [{"kind": "Endpoints", "namespace": NS, "name_regex": "^perks-api$"}, {"kind": "EndpointSlice", "namespace": NS, "name_regex": "^perks-api-"}],
              "evidence": ["8081", "targetport|target port", "connection refused|502", "8080"],
              "remediation": {"accepted": [{"action": "patch_resource", "target": {"kind": "Service", "namespace": NS, "name": "perks-api"},
                                            "params": {"patch": {"spec": {"ports": [{"port": 80, "targetPort": 8080}]}}}}],
                              "checks": [CHECK],
                              "forbidden": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "perks-api"}},
                                            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "perks-api"}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "perks-api"}},
                                            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "ingress-nginx", "name": "ingress-nginx-controller"}}]},
              "notes": ("perks-api pods are Ready and listening on 8080 (http), 9090 (grpc) and 9102 (management; the probes use it, so they pass). At 13:02 someone "
                        "kubectl-applied a Service manifest that added the grpc port and set the http port's targetPort to 8081 (see last-applied-configuration); "
                        "the Endpoints now carry port 8081 and nginx gets 'connect() failed (111: Connection refused)' for every /api/perks request -> 502. "
                        "gRPC traffic inside the cluster still works. Fix: patch the Service's port 80 back to targetPort 8080 (or the named port http). "
                        "Red herrings: yesterday's 2.6.2 rollout (pods have served fine for 20 hours since), the slow partner-feed warning in the app log.")})
