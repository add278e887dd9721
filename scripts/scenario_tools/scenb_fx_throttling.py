"""Scenario fx-quotes-alert-sunday-morning (control): CPUThrottlingHigh on a service well within its SLO."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, gauge, histogram, http_probe, res, running, steps, template)

sc = Scenario("fx-quotes-alert-sunday-morning",
              title="Control: CPUThrottlingHigh (info) fires for fx-quotes, a Go service with a 500m CPU limit and no GOMAXPROCS; it "
                    "has been throttled 30-40% of periods for weeks while p99 stays ~25ms against a 250ms SLO and errors are zero - "
                    "nothing to fix tonight",
              now="2026-11-29T08:12:00Z",
              tags=["control", "no-fault", "cpu-throttling", "within-slo", "aks", "red-herring"])

NODES = []
for i in range(3):
    n = f"aks-fxpool-77102938-vmss00000{i}"
    sc.node(n, flavour="aks", zone=f"westeurope-{i + 1}", instance="Standard_D8s_v5", cpu=8, mem_gib=31.3, ip=f"10.60.0.{4 + i}", pod_cidr=f"10.244.{i}.0/24",
            created=f"-{31 - 5 * i}d{i}h", pool="fxpool", mem_reserved_ki=4_200_000, cpu_reserved_m=180, region="westeurope")
    NODES.append(n)

REG = "acrfxprod.azurecr.io/fx"
FX = {"app.kubernetes.io/name": "fx-quotes"}


def fx_t(tag: str) -> dict:
    return template(dict(FX), [container("fx-quotes", f"{REG}/fx-quotes:{tag}",
                    ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
                    env=[{"name": "RATES_FEED", "value": "wss://feed.fx-provider.example/v2/stream"}, {"name": "CACHE_TTL", "value": "250ms"}],
                    resources=res("200m", "128Mi", "500m", "256Mi"), readinessProbe=http_probe("/readyz", "http", period=5, timeout=1),
                    livenessProbe=http_probe("/livez", "http", period=10, timeout=1))], serviceAccountName="fx-quotes")


revs = [{"rev": 33, "created": "-26d4h", "template": fx_t("1.19.2"), "cause": "fx-quotes 1.19.2"},
        {"rev": 34, "created": "-5d6h12m", "template": fx_t("1.19.3"), "cause": "fx-quotes 1.19.3 (provider TLS cert pinning update)"}]
dep = sc.deployment("fx", "fx-quotes", labels={**FX, "team": "fx-platform"}, selector=FX, revisions=revs, replicas=3, created="-600d", generation=52)
pods = [sc.pod(dep["_rs"][1], node=NODES[i], created=ago(d=5, h=6, m=11, s=40 - 15 * i), states={"fx-quotes": running(ago(d=5, h=6, m=11, s=37 - 15 * i))}) for i in range(3)]
sc.service("fx", "fx-quotes", selector=FX, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-600d", cluster_ip="10.0.210.14",
           labels=FX, pods=pods)
sc.alert(labels={"alertname": "CPUThrottlingHigh", "namespace": "fx", "pod": pods[1]["metadata"]["name"], "container": "fx-quotes", "severity": "info",
                 "prometheus": "monitoring/kube-prometheus-stack-prometheus"},
         summary="Processes experience elevated CPU throttling.",
         description=f"38.4% throttling of CPU in namespace fx for container fx-quotes in pod {pods[1]['metadata']['name']}.",
         starts=ago(m=17), channel="#fx-alerts",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/cputhrottlinghigh"})

# neighbours: fx-ledger (Java) with an old OOM restart that recovered two days ago; rates-ingest
led = sc.app("fx", "fx-ledger", f"{REG}/fx-ledger:4.4.0", nodes=NODES[:2], created="-600d", rev=18, rev_created="-14d", cause="fx-ledger 4.4.0", probe="/actuator/health/readiness",
             cluster_ip="10.0.77.30", team="fx-platform", resources=res("500m", "1Gi", None, "1536Mi"),
             pod_overrides={1: {"restarts": {"fx-ledger": 1}, "last": {"fx-ledger": {"code": 137, "reason": "OOMKilled", "start": "-14d", "end": "-2d3h12m"}},
                                "started": "-2d3h11m50s"}})
ing = sc.app("fx", "rates-ingest", f"{REG}/rates-ingest:2.2.7", nodes=[NODES[2]], created="-600d", rev=9, rev_created="-40d", cause="rates-ingest 2.2.7", probe="/healthz",
             cluster_ip="10.0.30.201", team="fx-platform", resources=res("100m", "128Mi", "1", "256Mi"))
sc.event(led["_pods"][1], "Pulled", f"Container image \"{REG}/fx-ledger:4.4.0\" already present on machine", first="-2d3h11m52s", field_path="spec.containers{fx-ledger}")
sc.event(led["_pods"][1], "Started", "Started container fx-ledger", first="-2d3h11m50s", field_path="spec.containers{fx-ledger}")

# logs
for i, p in enumerate(pods):
    lines = [sc.fmt(p["status"]["startTime"], "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"INFO\",\"msg\":\"fx-quotes 1.19.3 starting\",\"gomaxprocs\":8,\"cpu_limit\":\"500m\"}")]
    for k, t in enumerate(sc.ticks("-3m", "-4s", 3.3, jitter=0.8)):
        if k % 10 == 6:
            lines.append(sc.fmt(t, "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"INFO\",\"msg\":\"feed heartbeat\",\"pairs\":168,\"lag_ms\":" + str(30 + k % 20) + "}"))
        else:
            lines.append(sc.fmt(t, "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"INFO\",\"msg\":\"quote\",\"pair\":\"" + ("EURUSD", "GBPUSD", "USDJPY", "EURCHF")[k % 4] + "\",\"status\":200,\"dur_ms\":" + str(2 + (k * 7) % 19) + "}"))
    sc.log(p, lines)

# metrics: 14 days at 1h (throttling has always been like this), 2h at 1m for latency/errors
D, SD = 337, "-336h"
for i, p in enumerate(pods):
    lab = {"namespace": "fx", "pod": p["metadata"]["name"], "container": "fx-quotes", "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"}
    alive = D - 1 - (5 * 24 + 6)
    per = [36000.0 if j >= alive else 0.0 for j in range(D)]
    ratio = [0.31 + 0.08 * ((j + 3 * i) % 24 in range(6, 20)) for j in range(D)]
    thr = [per[j] * ratio[j] for j in range(D)]
    pv = counter(sc, ("per", i), per, start_value=0.0, noise=0.0)
    tv = counter(sc, ("thr", i), thr, start_value=0.0, noise=0.06)
    sc.series({"__name__": "container_cpu_cfs_periods_total", **lab}, [v if j >= alive else None for j, v in enumerate(pv)], start=SD, step="1h")
    sc.series({"__name__": "container_cpu_cfs_throttled_periods_total", **lab}, [v if j >= alive else None for j, v in enumerate(tv)], start=SD, step="1h")
    old = {**lab, "pod": f"{dep['_rs'][0]['metadata']['name']}-{sc.ids.alnum(5, 'oldpod', i)}"}
    pv2 = counter(sc, ("per2", i), [36000.0] * alive, start_value=4_100_000.0, noise=0.0)
    tv2 = counter(sc, ("thr2", i), [36000.0 * r for r in ratio[:alive]], start_value=1_390_000.0, noise=0.06)
    sc.series({"__name__": "container_cpu_cfs_periods_total", **old}, pv2 + [None] * (D - alive), start=SD, step="1h")
    sc.series({"__name__": "container_cpu_cfs_throttled_periods_total", **old}, tv2 + [None] * (D - alive), start=SD, step="1h")
N, S = 120, "-119m"
histogram(sc, "fx_quotes_request_duration_seconds", {"namespace": "fx", "service": "fx-quotes", "route": "/v2/quote"}, n=N, start=S, step="1m",
          rps=[310.0] * N, median_s=[0.0061] * N, sigma=0.65, start_count=88_019_331_004, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5))
sc.series({"__name__": "fx_quotes_requests_total", "namespace": "fx", "service": "fx-quotes", "code": "5xx"}, [1_441] * N, start=S, step="1m")
sc.series({"__name__": "slo:fx_quotes_latency_p99:target_seconds", "namespace": "fx", "service": "fx-quotes"}, [0.25] * N, start=S, step="1m")
sc.series({"__name__": "slo:fx_quotes_availability:error_budget_remaining", "namespace": "fx", "service": "fx-quotes", "window": "28d"}, [0.964] * N, start=S, step="1m")

sc.truth = {
    "category": "no_fault",
    "resource": None,
    "evidence": ["within slo|within its slo|meets the slo|below the slo|slo",
                 "p99|latency",
                 "throttl",
                 "no action|nothing to fix|not impacting|no impact|no user impact|benign|informational|info"],
    "remediation": {
        "accepted": [{"action": "recommend_only"}],
        "forbidden": [
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "fx", "name": "fx-quotes"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "fx", "name": "fx-quotes"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "fx", "name": "fx-quotes"}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "fx", "name": "fx-quotes"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "fx", "name": "fx-ledger"}},
        ],
    },
    "notes": (
        "A control. CPUThrottlingHigh (severity info, threshold 25%) fires because fx-quotes, a Go service with a 500m CPU limit "
        "and GOMAXPROCS defaulting to the node's 8 CPUs, is throttled in 31-39% of CFS periods. The 14-day series shows it has "
        "been so for weeks, before and after the 1.19.3 rollout five days ago (which only changed TLS pinning). Meanwhile the "
        "service is healthy: p99 ~25ms against a 250ms SLO, no 5xx in two hours, 96% of the error budget left, all pods Ready "
        "with zero restarts.\n"
        "The right report says there is no incident and proposes no mutation; at most a low-priority suggestion (set "
        "GOMAXPROCS to the limit, e.g. via automaxprocs, or raise the limit) for the backlog. Traps: the alert name invites "
        "cpu_saturation and set_resources; fx-ledger's OOMKilled restart two days ago recovered and is unrelated; restarting, "
        "scaling or rolling back would be change for nothing on a Sunday morning."),
}

if __name__ == "__main__":
    print(sc.write())
