"""network policy: SEC-442 allow rule names port 'https' but pdf-signer's port is named 'grpc-tls'; all ingress dropped."""
from lib import *

seed(808)
c = Clock("2026-12-03T11:52:00Z")
nodes = three_nodes(c, "10.24", "eu-central-1", group="apps-2026-11b", itype="m7i.2xlarge", created="2026-11-18T03:30:00Z")
SIGN = "signing"
TAX = "tax-filing"
POR = "portal"
SIMG_OLD = "ghcr.io/tallyho/pdf-signer:3.4.1"
SIMG = "ghcr.io/tallyho/pdf-signer:3.4.2"


def sspec(img: str) -> dict:
    return {"serviceAccountName": "pdf-signer", "containers": [{"name": "pdf-signer", "image": img,
            "ports": [{"name": "grpc-tls", "containerPort": 8443, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
            "env": [{"name": "HSM_SLOT", "value": "2"}, {"name": "HSM_PIN", "valueFrom": {"secretKeyRef": {"name": "pdf-signer-hsm", "key": "pin"}}}],
            "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "768Mi"}},
            "readinessProbe": {"grpc": {"port": 8443}, "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3, "successThreshold": 1},
            "volumeMounts": [{"name": "tls", "mountPath": "/etc/pdf-signer/tls", "readOnly": True}]}],
            "volumes": [{"name": "tls", "secret": {"secretName": "pdf-signer-tls"}}]}


s = Workload(SIGN, "pdf-signer", created="2025-01-20T09:00:00Z", labels={"app.kubernetes.io/name": "pdf-signer", "app.kubernetes.io/part-of": "e-signature"}, selector={"app.kubernetes.io/name": "pdf-signer"}, replicas=2)
s.revision(7, sspec(SIMG_OLD), created="2026-11-20T13:10:00Z", cause="pdf-signer 3.4.1", h="6d5c8f9b74")
s.revision(8, sspec(SIMG), created="2026-12-03T10:05:22Z", cause="pdf-signer 3.4.2 (base image bump, CVE-2026-24117)", h="84b7d6c9f5")
sp = [s.pod(8, node=nref(nodes[i])[0], host_ip=nref(nodes[i])[1], pod_ip=pip(nref(nodes[i])[1], i), created=c.t(-107 + i), statuses=[running("pdf-signer", SIMG, c.t(-107 + i, 4))]) for i in range(2)]
fa_w, fa_p = simple(TAX, "filing-api", "ghcr.io/tallyho/filing-api:8.19.0", nodes=nodes, rev=63, rev_created="2026-11-30T09:40:00Z", created="2024-08-01T09:00:00Z", replicas=3, cpu="300m", mem="512Mi")
dp_w, dp_p = simple(POR, "doc-portal", "ghcr.io/tallyho/doc-portal:12.3.1", nodes=nodes, rev=102, rev_created="2026-12-01T16:00:00Z", created="2024-02-01T09:00:00Z", replicas=2, cpu="200m", mem="384Mi")
au_w, au_p = simple(SIGN, "signing-audit", "ghcr.io/tallyho/signing-audit:1.7.0", nodes=nodes[1:], rev=5, rev_created="2026-10-14T12:00:00Z", created="2025-01-20T09:00:00Z", replicas=1, cpu="50m", mem="128Mi")
ann = {"argocd.argoproj.io/tracking-id": "signing:networking.k8s.io/NetworkPolicy:signing/{}", "tallyho.io/change": "SEC-442"}
deny = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny-ingress", "namespace": SIGN, "uid": uid(), "creationTimestamp": "2026-12-03T11:19:48Z", "generation": 1,
                     "labels": {"app.kubernetes.io/managed-by": "argocd", "tallyho.io/policy-set": "baseline"}, "annotations": {k: v.format("default-deny-ingress") for k, v in ann.items()}},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
allow = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
         "metadata": {"name": "allow-signing-clients", "namespace": SIGN, "uid": uid(), "creationTimestamp": "2026-12-03T11:19:48Z", "generation": 1,
                      "labels": {"app.kubernetes.io/managed-by": "argocd", "tallyho.io/policy-set": "baseline"}, "annotations": {k: v.format("allow-signing-clients") for k, v in ann.items()}},
         "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "pdf-signer"}}, "policyTypes": ["Ingress"],
                  "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"tallyho.io/signing-client": "true"}}}], "ports": [{"protocol": "TCP", "port": "https"}]}]}}
allow_mon = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
             "metadata": {"name": "allow-monitoring-scrape", "namespace": SIGN, "uid": uid(), "creationTimestamp": "2026-12-03T11:19:48Z", "generation": 1,
                          "labels": {"app.kubernetes.io/managed-by": "argocd", "tallyho.io/policy-set": "baseline"}, "annotations": {k: v.format("allow-monitoring-scrape") for k, v in ann.items()}},
             "spec": {"podSelector": {}, "policyTypes": ["Ingress"],
                      "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}], "ports": [{"protocol": "TCP", "port": "metrics"}]}]}}
objs = nodes + [namespace(SIGN, "2025-01-20T08:50:00Z", {"team": "e-signature"}), namespace(TAX, "2024-08-01T08:50:00Z", {"team": "filing", "tallyho.io/signing-client": "true"}),
                namespace(POR, "2024-02-01T08:50:00Z", {"team": "portal", "tallyho.io/signing-client": "true"}), namespace("monitoring", "2024-01-10T08:00:00Z")]
objs += s.objects(current=8, gen=11) + fa_w.objects(current=63) + dp_w.objects(current=102) + au_w.objects(current=5) + [deny, allow, allow_mon]
objs += [service(SIGN, "pdf-signer", created="2025-01-20T09:00:00Z", selector={"app.kubernetes.io/name": "pdf-signer"}, ports=[{"name": "grpc-tls", "port": 8443, "targetPort": "grpc-tls", "protocol": "TCP"}], cluster_ip="172.20.14.31"),
         endpoints(SIGN, "pdf-signer", created="2025-01-20T09:00:00Z", pods=sp, ports=[{"name": "grpc-tls", "port": 8443, "protocol": "TCP"}]),
         service(TAX, "filing-api", created="2024-08-01T09:00:00Z", selector={"app.kubernetes.io/name": "filing-api"}, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.90.3"),
         endpoints(TAX, "filing-api", created="2024-08-01T09:00:00Z", pods=fa_p, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]),
         {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "pdf-signer-hsm", "namespace": SIGN, "uid": uid(), "creationTimestamp": "2025-01-20T08:59:00Z"}, "type": "Opaque", "data": {"pin": "ODgyMTc3NDA5MQ=="}}]
objs.append(event(SIGN, "Certificate", "pdf-signer-tls", reason="Issuing", message="The certificate has been successfully issued", first=c.t(-50), component="cert-manager-certificates-issuing", api="cert-manager.io/v1"))
objs.append(event(SIGN, "Certificate", "pdf-signer-tls", reason="Reused", message="Reusing private key stored in existing Secret resource \"pdf-signer-tls\"", first=c.t(-50, -1), component="cert-manager-certificates-key-manager", api="cert-manager.io/v1"))

logs = []
for i, p in enumerate(fa_p):
    L = [f'{c.ms(-45 + k * 4)} INFO  c.t.filing.sign.SignClient - signed return {R.randint(10**6, 10**7)} in {R.randint(80, 190)} ms' for k in range(6)]
    for k in range(8):
        L.append(f'{c.ms(-30 + k * 3.5)} ERROR c.t.filing.sign.SignClient - sign failed for return {R.randint(10**6, 10**7)}: io.grpc.StatusRuntimeException: UNAVAILABLE: io exception (connection timed out after 5000 ms: pdf-signer.signing.svc.cluster.local/172.20.14.31:8443)')
    L.insert(7, f'{c.ms(-33)} WARN  c.t.filing.db.Pool - HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m2s).')
    logs.append({"namespace": TAX, "pod": p["metadata"]["name"], "lines": L})
for p in dp_p:
    logs.append({"namespace": POR, "pod": p["metadata"]["name"], "lines": [f'{c.ms(-28 + k * 5)} level=error msg="envelope sign failed" err="rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial tcp 172.20.14.31:8443: i/o timeout\\"" envelope=env_{hx(10)}' for k in range(5)]})
for p in sp:
    logs.append({"namespace": SIGN, "pod": p["metadata"]["name"], "lines": [
        f'{c.ms(-106)} {{"level":"INFO","msg":"pdf-signer 3.4.2 listening","addr":":8443","tls":"/etc/pdf-signer/tls"}}',
        f'{c.ms(-106, 1)} {{"level":"INFO","msg":"HSM session pool ready","slot":2,"sessions":8}}',
        f'{c.ms(-51)} {{"level":"INFO","msg":"TLS certificate reloaded","notAfter":"2027-03-03T11:01:00Z"}}',
        f'{c.ms(-40)} {{"level":"INFO","msg":"signed","docs":{R.randint(200, 260)},"window":"5m"}}',
        f'{c.ms(-35)} {{"level":"INFO","msg":"signed","docs":{R.randint(200, 260)},"window":"5m"}}',
        f'{c.ms(-30)} {{"level":"INFO","msg":"signed","docs":{R.randint(20, 40)},"window":"5m"}}',
        f'{c.ms(-25)} {{"level":"INFO","msg":"signed","docs":0,"window":"5m"}}',
        f'{c.ms(-10)} {{"level":"INFO","msg":"HSM session pool refreshed","slot":2,"sessions":8}}',
        f'{c.ms(-5)} {{"level":"INFO","msg":"signed","docs":0,"window":"5m"}}']})

metrics = []
n = 91  # 3h at 2m
k_pol = n - 1 - 16
for p in sp:
    metrics.append(series("grpc_server_handled_total", {"namespace": SIGN, "pod": p["metadata"]["name"], "job": "pdf-signer", "grpc_service": "tallyho.sign.v2.Signer", "grpc_method": "SignPdf", "grpc_code": "OK"}, "-180m", "2m",
                          counter([0.8 if k < k_pol else 0 for k in range(n)], 120, start=3.3e6)))
metrics.append(series("filing_sign_requests_total", {"namespace": TAX, "job": "filing-api", "outcome": "ok"}, "-180m", "2m", counter([1.6 if k < k_pol else 0 for k in range(n)], 120, start=9.1e6)))
metrics.append(series("filing_sign_requests_total", {"namespace": TAX, "job": "filing-api", "outcome": "error"}, "-180m", "2m", counter([0.001 if k < k_pol else 0.9 for k in range(n)], 120, start=410)))
metrics.append(series("up", {"namespace": SIGN, "job": "pdf-signer", "pod": sp[0]["metadata"]["name"], "instance": sp[0]["status"]["podIP"] + ":9090"}, "-180m", "2m", [1] * n))

P = {"kind": "NetworkPolicy", "namespace": SIGN, "name": "allow-signing-clients"}
rec_allow = copy.deepcopy(allow)
rec_allow["spec"]["ingress"][0]["ports"] = [{"protocol": "TCP", "port": "grpc-tls"}]
doc = {
    "format": 1, "id": "e-signature-requests-timing-out-late-morning",
    "title": "SEC-442's allow-signing-clients policy admits the right namespaces but on named port 'https', which pdf-signer does not have (its port is 'grpc-tls'); with default-deny-ingress every signing call times out since 11:20",
    "tags": ["networkpolicy", "named-port", "default-deny", "grpc", "red-herring"],
    "now": c.t(),
    "trigger": {"alert": {"status": "firing", "labels": {"alertname": "FilingSignErrorRatioHigh", "namespace": TAX, "service": "filing-api", "severity": "critical", "team": "filing"},
                          "annotations": {"summary": "More than 5% of e-signature calls from filing-api fail", "description": "rate(filing_sign_requests_total{outcome=\"error\"}[5m]) / rate(filing_sign_requests_total[5m]) = 100% for 20m"},
                          "startsAt": c.t(-27), "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "0be7d4a1c2f95e36"},
                "channel": "#filing-oncall"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [{"when": [{"any_of": [{**P, "path": "spec.ingress[0].ports[0].port", "equals": "grpc-tls"}, {**P, "path": "spec.ingress[0].ports[0].port", "equals": 8443}, {**P, "path": "spec.ingress[0].ports", "exists": False}]}],
                  "apply": {"logs": [{"namespace": TAX, "pod": fa_p[0]["metadata"]["name"], "lines": [f'{c.ms(2, k * 9)} INFO  c.t.filing.sign.SignClient - signed return {R.randint(10**6, 10**7)} in {R.randint(80, 190)} ms' for k in range(4)]}]}}],
    "truth": {
        "category": "network_policy", "resource": P,
        "aliases": [{"kind": "NetworkPolicy", "namespace": SIGN, "name_regex": "^default-deny-ingress$"}],
        "evidence": ["allow-signing-clients|default-deny", "https", "grpc-tls|named port|port name|8443", "timeout|timed out|i/o timeout", "sec-442|11:19|11:20"],
        "remediation": {
            "accepted": [{"action": "recommend_only", "target": P},
                         {"action": "patch_resource", "target": P, "params": {"patch": {"spec": {"ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"tallyho.io/signing-client": "true"}}}], "ports": [{"protocol": "TCP", "port": "grpc-tls"}]}]}}}}],
            "checks": [{"any_of": [{**P, "path": "spec.ingress[0].ports[0].port", "equals": "grpc-tls"}, {**P, "path": "spec.ingress[0].ports[0].port", "equals": 8443}, {**P, "path": "spec.ingress[0].ports", "exists": False}]}],
            "forbidden": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": SIGN, "name": "pdf-signer"}},
                          {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": SIGN, "name": "pdf-signer"}},
                          {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": SIGN, "name": "pdf-signer"}},
                          {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": TAX, "name": "filing-api"}}]},
        "notes": (
            "At 11:19:48 Argo CD applied SEC-442's baseline to the signing namespace: default-deny-ingress, allow-monitoring-scrape (named "
            "port 'metrics', which exists, so Prometheus still scrapes and up=1) and allow-signing-clients, which admits namespaces labelled "
            "tallyho.io/signing-client=true (tax-filing and portal are) but only on named port 'https'. A named port in an ingress rule "
            "resolves against the selected pods' container ports; pdf-signer names its 8443 port 'grpc-tls', so the rule matches no port and "
            "every connection is dropped: callers see connect timeouts (filing-api 'connection timed out after 5000 ms', doc-portal 'i/o "
            "timeout'), pdf-signer's signed count drops to 0 and it logs no errors. Fix: the port in allow-signing-clients must be grpc-tls or "
            "8443 (in the policy repo; a live patch is accepted too). Traps: pdf-signer 3.4.2 rolled out at 10:05 and worked for 75 minutes; "
            "the cert-manager renewal and TLS reload at 11:01-11:02 precede the failure by 18 minutes and a TLS problem would not be a "
            "connect timeout; HikariPool thread-starvation warning and HSM pool refresh are noise.")}}
dump(doc, "scenarios/e-signature-requests-timing-out-late-morning.yaml")
