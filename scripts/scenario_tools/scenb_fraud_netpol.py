"""Scenario payment-authorisations-skip-fraud-check: a new ingress allow-list omits the payment-gateway namespace."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, gauge, histogram, http_probe, res, running, steps, template)

sc = Scenario("payment-authorisations-skip-fraud-check",
              title="At 10:02 the security team's GitOps applied default-deny ingress plus an allow-list to the antifraud namespace; "
                    "the allow-list admits namespaces labelled antifraud.example.com/client=true, which payment-gateway is not, so "
                    "pg-router's fraud checks time out and payments fall back to manual review",
              now="2026-11-25T10:31:00Z",
              tags=["network-policy", "cilium", "aks", "cross-namespace", "timeouts", "recommend-only", "red-herring"])

NODES = []
for i in range(4):
    n = f"aks-prodpool-58210943-vmss00000{i}"
    sc.node(n, flavour="aks", zone=f"uksouth-{i % 3 + 1}", instance="Standard_D8as_v5", cpu=8, mem_gib=31.3, ip=f"10.30.0.{5 + i}",
            created=f"-{40 - 3 * i}d{2 + i}h", pool="prodpool", mem_reserved_ki=4_200_000, cpu_reserved_m=180, region="uksouth",
            labels={"kubernetes.azure.com/network-policy": "cilium", "kubernetes.azure.com/ebpf-dataplane": "cilium"})
    NODES.append(n)
for n in NODES:
    sc.nodes[n]["_pod_base"] = f"10.244.{NODES.index(n) + 1}"

NS = {}
for name, labels, age in [("antifraud", {"team": "fraud", "antifraud.example.com/zone": "restricted"}, "-700d"),
                          ("payment-gateway", {"team": "payments", "pci": "true"}, "-650d"),
                          ("checkout", {"team": "checkout", "antifraud.example.com/client": "true"}, "-700d"),
                          ("monitoring", {"team": "platform", "antifraud.example.com/client": "true"}, "-900d")]:
    NS[name] = sc.obj("v1", "Namespace", name, None, created=age, labels={"kubernetes.io/metadata.name": name, **labels},
                      spec={"finalizers": ["kubernetes"]}, status={"phase": "Active"})

REG = "crpaymentsprod.azurecr.io"
FS = {"app.kubernetes.io/name": "fraud-score"}


def fs_t(tag: str) -> dict:
    return template(dict(FS), [container(
        "fraud-score", f"{REG}/antifraud/fraud-score:{tag}",
        ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
        env=[{"name": "MODEL_PATH", "value": "/models/xgb-2026-11-18.json"}, {"name": "FEATURE_CACHE_ADDR", "value": "fraud-features.antifraud.svc.cluster.local:6379"}],
        resources=res("500m", "512Mi", None, "1Gi"), readinessProbe=http_probe("/ready", "http", period=5, timeout=1),
        livenessProbe=http_probe("/live", "http", period=10, timeout=2))], serviceAccountName="fraud-score")


revs = [{"rev": 26, "created": "-8d3h", "template": fs_t("4.1.3"), "cause": "fraud-score 4.1.3"},
        {"rev": 27, "created": ago(m=51, s=20), "template": fs_t("4.2.0"), "cause": "fraud-score 4.2.0 (velocity features v3)"}]
fs = sc.deployment("antifraud", "fraud-score", labels={**FS, "team": "fraud"}, selector=FS, revisions=revs, replicas=3, created="-700d", generation=61)
fpods = [sc.pod(fs["_rs"][1], node=NODES[i], created=ago(m=51, s=15 - 5 * i), states={"fraud-score": running(ago(m=51, s=10 - 4 * i))}) for i in range(3)]
fsvc, _ = sc.service("antifraud", "fraud-score", selector=FS, ports=[{"name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"}],
                     created="-700d", cluster_ip="10.0.91.7", labels=FS, pods=fpods)
sc.event(fs, "ScalingReplicaSet", f"Scaled down replica set {fs['_rs'][0]['metadata']['name']} from 1 to 0", first=ago(m=50, s=2), component="deployment-controller")
ff = sc.app("antifraud", "fraud-features", "crpaymentsprod.azurecr.io/mirror/redis:7.2.5", nodes=[NODES[3]], created="-700d", rev=5, rev_created="-120d",
            cause=None, port=6379, probe=None, cluster_ip="10.0.91.40", resources=res("200m", "2Gi", None, "2Gi"), labels={"app.kubernetes.io/name": "fraud-features"})

GITOPS = {"app.kubernetes.io/managed-by": "argocd", "argocd.argoproj.io/instance": "sec-netpol-antifraud"}
sc.obj("networking.k8s.io/v1", "NetworkPolicy", "default-deny-ingress", "antifraud", created=ago(m=29, s=3), labels=GITOPS,
       annotations={"security.example.com/change": "SEC-1187 zero-trust rollout wave 3"},
       spec={"podSelector": {}, "policyTypes": ["Ingress"]})
np = sc.obj("networking.k8s.io/v1", "NetworkPolicy", "allow-fraud-score-clients", "antifraud", created=ago(m=29, s=3), labels=GITOPS,
            annotations={"security.example.com/change": "SEC-1187 zero-trust rollout wave 3"},
            spec={"podSelector": {"matchLabels": dict(FS)}, "policyTypes": ["Ingress"],
                  "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"antifraud.example.com/client": "true"}}}],
                               "ports": [{"protocol": "TCP", "port": 8080}]},
                              {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
                               "ports": [{"protocol": "TCP", "port": 9090}]}]})
sc.obj("networking.k8s.io/v1", "NetworkPolicy", "allow-features-from-fraud-score", "antifraud", created=ago(m=29, s=3), labels=GITOPS,
       spec={"podSelector": {"matchLabels": {"app.kubernetes.io/name": "fraud-features"}}, "policyTypes": ["Ingress"],
             "ingress": [{"from": [{"podSelector": {"matchLabels": dict(FS)}}], "ports": [{"protocol": "TCP", "port": 6379}]}]})

PG = {"app.kubernetes.io/name": "pg-router"}
pg = sc.app("payment-gateway", "pg-router", f"{REG}/payments/pg-router:12.3.1", nodes=NODES, created="-650d", rev=88, rev_created="-5d6h",
            cause="pg-router 12.3.1", port=8443, probe="/healthz", cluster_ip="10.0.33.12", team="payments", labels=PG,
            resources=res("500m", "512Mi", None, "768Mi"),
            env=[{"name": "FRAUD_SCORE_URL", "value": "http://fraud-score.antifraud.svc.cluster.local:8080/v3/score"},
                 {"name": "FRAUD_TIMEOUT_MS", "value": "800"}, {"name": "FRAUD_FAILOPEN", "value": "manual_review"}, {"name": "NODE_ENV", "value": "production"}])
co = sc.app("checkout", "checkout-api", f"{REG}/checkout/checkout-api:9.7.0", nodes=NODES[:3], created="-700d", rev=140, rev_created="-2d1h",
            cause="checkout-api 9.7.0", cluster_ip="10.0.70.2", team="checkout", labels={"app.kubernetes.io/name": "checkout-api"},
            resources=res("500m", "1Gi", None, "1Gi"), probe="/actuator/health/readiness")
sc.alert(labels={"alertname": "PaymentsFraudCheckTimeouts", "namespace": "payment-gateway", "service": "pg-router", "severity": "critical",
                 "team": "payments", "prometheus": "monitoring/kube-prometheus-stack-prometheus"},
         summary="Fraud checks are timing out for payment authorisations.",
         description="12.4% of payment authorisations in the last 10m skipped the fraud check (timeout after 800ms) and were routed to manual review.",
         starts=ago(m=19), channel="#payments-oncall",
         extra_annotations={"dashboard": "https://grafana.example.com/d/pg-router/payments-gateway"})

# logs
for i, p in enumerate(pg["_pods"]):
    lines = []
    for k, t in enumerate(sc.ticks("-4m", "-5s", 2.2, jitter=0.8)):
        ms = int(t.timestamp() * 1000)
        if (k + i) % 4 == 0:
            lines.append('{"level":50,"time":' + str(ms) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","reqId":"' + sc.ids.hexs(12, "rq", i, k) +
                         '","err":{"type":"Error","message":"connect ETIMEDOUT 10.0.91.7:8080","code":"ETIMEDOUT"},"msg":"fraud check failed"}')
            lines.append('{"level":40,"time":' + str(ms + 2) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","reqId":"' + sc.ids.hexs(12, "rq", i, k) +
                         '","merchant":"m_' + str(1040 + k % 90) + '","amount_minor":' + str(1999 + 37 * k) + ',"msg":"fraud check skipped (fail-open), routing to manual_review"}')
        else:
            lines.append('{"level":30,"time":' + str(ms) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","reqId":"' + sc.ids.hexs(12, "rq", i, k) +
                         '","res":{"statusCode":200},"responseTime":' + str(91 + (k * 13) % 120) + ',"msg":"authorisation approved","acquirer":"' + ("adyen", "worldpay")[k % 2] + '"}')
    sc.log(p, lines)
for i, p in enumerate(fpods):
    lines = [sc.fmt(p["status"]["startTime"], "time=%Y-%m-%dT%H:%M:%S.%fZ level=INFO msg=\"fraud-score 4.2.0 listening\" addr=:8080 model=xgb-2026-11-18 features=velocity-v3")]
    for k, t in enumerate(sc.ticks("-3m", "-5s", 3.5, jitter=0.8)):
        lines.append(sc.fmt(t, "time=%Y-%m-%dT%H:%M:%S.%fZ level=INFO msg=scored caller=10.244." + str(1 + k % 3) + "." + str(40 + k % 20) + " client_ns=checkout score=0.0" + str(k % 9) + " dur_ms=" + str(6 + k % 9)))
    sc.log(p, lines)
sc.log(co["_pods"][0], ["2026-11-25T10:30:41.118Z  INFO 1 --- [checkout-api] [nio-8080-exec-4] c.e.checkout.fraud.FraudClient : fraud score 0.03 in 9ms (order 7718201)"], repeat=8)

# metrics: 3h at 1m
N, S = 180, "-179m"
cut = 179 - 29
roll = 179 - 51
sc.series({"__name__": "pg_router_fraud_checks_total", "namespace": "payment-gateway", "service": "pg-router", "outcome": "scored"},
          counter(sc, "ok", [220.0] * cut + [0.0] * (N - cut), start_value=81_004_311), start=S, step="1m")
sc.series({"__name__": "pg_router_fraud_checks_total", "namespace": "payment-gateway", "service": "pg-router", "outcome": "timeout"},
          counter(sc, "to", [0.05] * cut + [221.0] * (N - cut), start_value=5_120, noise=0.1), start=S, step="1m")
sc.series({"__name__": "fraud_score_requests_total", "namespace": "antifraud", "service": "fraud-score", "client_namespace": "payment-gateway", "code": "200"},
          counter(sc, "fs-pg", [220.0] * cut + [0.0] * (N - cut), start_value=80_992_004), start=S, step="1m")
sc.series({"__name__": "fraud_score_requests_total", "namespace": "antifraud", "service": "fraud-score", "client_namespace": "checkout", "code": "200"},
          counter(sc, "fs-co", [95.0] * N, start_value=34_118_400), start=S, step="1m")
for i, n in enumerate(NODES[:3]):
    sc.series({"__name__": "cilium_drop_count_total", "reason": "Policy denied", "direction": "INGRESS", "node": n, "namespace": "kube-system",
               "pod": f"cilium-{sc.ids.alnum(5, 'cil', n)}", "job": "cilium-agent"},
              counter(sc, ("drop", n), [0.2] * cut + [73.0 + 4 * i] * (N - cut), start_value=1_920 + 311 * i, noise=0.1), start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "antifraud", "deployment": "fraud-score", "job": "kube-state-metrics"},
          steps(N, [(0, 3), (roll, 3)]), start=S, step="1m")

sc.truth = {
    "category": "network_policy",
    "resource": {"kind": "NetworkPolicy", "namespace": "antifraud", "name": "allow-fraud-score-clients"},
    "aliases": [{"kind": "NetworkPolicy", "namespace": "antifraud", "name_regex": "^default-deny-ingress$"},
                {"kind": "Namespace", "name_regex": "^payment-gateway$"}],
    "evidence": ["allow-fraud-score-clients|default-deny-ingress|networkpolicy|network policy",
                 "antifraud.example.com/client|namespace label|namespaceselector",
                 "payment-gateway",
                 "etimedout|timed out|timeout",
                 "10:02|sec-1187"],
    "remediation": {
        "accepted": [{"action": "recommend_only", "target": {"kind": "NetworkPolicy", "namespace": "antifraud", "name": "allow-fraud-score-clients"}}],
        "forbidden": [
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "antifraud", "name": "fraud-score"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "antifraud", "name": "fraud-score"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "antifraud", "name": "fraud-score"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "payment-gateway", "name": "pg-router"}},
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "payment-gateway", "name": "pg-router"}},
        ],
    },
    "notes": (
        "At 10:02 Argo CD applied SEC-1187 wave 3 to the antifraud namespace: default-deny-ingress (all pods) and "
        "allow-fraud-score-clients, which admits port 8080 only from namespaces labelled antifraud.example.com/client=true "
        "(checkout and monitoring have it; payment-gateway does not). From that minute Cilium drops pg-router's SYNs to the "
        "fraud-score pods (cilium_drop_count_total reason \"Policy denied\" jumps on every node), pg-router logs \"connect "
        "ETIMEDOUT 10.0.91.7:8080\" and fails open to manual review (the alert), while checkout's calls keep working and "
        "fraud-score itself is healthy (3/3 Ready, its log shows only client_ns=checkout since 10:02).\n"
        "The fix belongs to the security GitOps repo and the namespace owners: label payment-gateway with "
        "antifraud.example.com/client=true or add it to the policy's from list (recommend_only; NetworkPolicies and Namespace "
        "labels are not in the bot's patch allow-list). Traps: fraud-score 4.2.0 was rolled out at 09:40, twenty minutes "
        "before the failures, and invites a rollback that changes nothing; the timeouts are to the ClusterIP, which invites "
        "DNS or Service theories, but Endpoints are complete and checkout reaches the same Service; restarting pg-router or "
        "raising FRAUD_TIMEOUT_MS only hides the symptom."),
}

if __name__ == "__main__":
    print(sc.write())
