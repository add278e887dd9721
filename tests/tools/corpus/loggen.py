"""Deterministic log generators for the redaction and compression tests and the benchmark.

`benign_lines` is a mixed cluster's worth of ordinary log lines (nginx,
envoy, Spring Boot, Go zap JSON, Python logging, pino, klog from kubelet and
the control plane, containerd, Postgres, Redis) full of uuids, hashes, digests,
IPs, durations, trace ids, and the secret-sounding words ordinary logs use
(token buckets, max_tokens, secretName, auth=ok). None of it is a secret, so
any line that redaction changes is a false positive.

`misc` lines were added after the rules were written, unseen by them.

`noisy_app_log` is one service's chatty log with a handful of rare error and
warning templates (and a Java stack trace) buried in it.
"""
from __future__ import annotations

import random
import string
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

HEX = "0123456789abcdef"
BASE = datetime(2026, 11, 24, 14, 0, 0, tzinfo=UTC)
SERVICES = ["payment", "checkout", "orders", "inventory", "cart", "search-api", "recommendations", "ledger"]
NAMESPACES = ["prod", "shop", "payments", "orders", "retail", "kube-system", "monitoring"]
NODES = ["ip-10-30-1-45.eu-west-1.compute.internal", "ip-10-30-2-112.eu-west-1.compute.internal", "worker-a",
         "pool-b-7x2kq", "gke-prod-default-pool-3f9a2b1c-k2x8"]
PATHS = ["/v1/charges", "/v1/authorize", "/api/v1/orders/{id}", "/api/products?category=shoes&page={n}",
         "/carts/c_{s}", "/healthz", "/readyz", "/metrics", "/static/js/app.{h}.js", "/v1/stock?skus={n}",
         "/v1/recs/home", "/oauth/callback?code={s}&state={s}", "/api/v1/search?q=red+shoes&limit=20",
         "/login", "/v1/tokens/refresh", "/api/v1/auth/session"]
AGENTS = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15", "okhttp/4.12.0",
          "python-requests/2.32.3", "Go-http-client/1.1", "kube-probe/1.31", "Prometheus/2.42.0", "curl/8.5.0"]


class Gen:
    """One random source and the small value makers every format shares."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.t = BASE

    def tick(self) -> datetime:
        self.t += timedelta(milliseconds=self.r.randint(1, 900))
        return self.t

    def hex(self, n: int) -> str:
        return "".join(self.r.choice(HEX) for _ in range(n))

    def alnum(self, n: int) -> str:
        return "".join(self.r.choice(string.ascii_lowercase + string.digits) for _ in range(n))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def ip(self) -> str:
        return f"10.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"

    def pod(self) -> str:
        return f"{self.r.choice(SERVICES)}-{self.hex(9)}-{self.alnum(5)}"

    def ms(self) -> int:
        return int(self.r.lognormvariate(3, 1.1))

    def path(self) -> str:
        p = self.r.choice(PATHS)
        return p.format(id=self.r.randint(1000, 99999), n=self.r.randint(1, 40), s=self.alnum(6), h=self.hex(8))

    def iso(self, ms: bool = True) -> str:
        t = self.tick()
        return t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{t.microsecond // 1000:03d}Z" if ms else "Z")

    def pick(self, *items: str) -> str:
        return self.r.choice(items)


def nginx(g: Gen) -> str:
    t = g.tick().strftime("%d/%b/%Y:%H:%M:%S +0000")
    status = g.r.choice([200] * 12 + [201, 204, 301, 304, 400, 401, 404, 499, 502, 503])
    return (f'{g.ip()} - - [{t}] "{g.pick("GET", "GET", "POST", "PUT")} {g.path()} HTTP/1.1" {status} '
            f'{g.r.randint(0, 90000)} "-" "{g.r.choice(AGENTS)}" {g.ms() / 1000:.3f} '
            f'[{g.pick(*NAMESPACES)}-{g.pick(*SERVICES)}-8080] {g.ip()}:8080 req_id={g.hex(32)}')


def envoy(g: Gen) -> str:
    return (f'[{g.iso()}] "{g.pick("GET", "POST")} {g.path()} HTTP/2" {g.pick("200", "200", "503", "504")} '
            f'{g.pick("-", "UF", "URX", "UT")} 0 {g.r.randint(0, 9000)} {g.ms()} {g.ms()} "{g.ip()}" '
            f'"{g.r.choice(AGENTS)}" "{g.uuid()}" "{g.pick(*SERVICES)}.{g.pick(*NAMESPACES)}.svc.cluster.local" '
            f'"{g.ip()}:8080"')


def spring(g: Gen) -> str:
    thread = g.pick("http-nio-8080-exec-3", "main", "scheduling-1", "HikariPool-1 housekeeper",
                    "kafka-coordinator-heartbeat-thread | orders-worker")
    msg = g.pick(
        f"Completed {g.pick('200 OK', '201 CREATED', '404 NOT_FOUND')} in {g.ms()}ms",
        f"HikariPool-1 - Pool stats (total=10, active={g.r.randint(0, 10)}, idle={g.r.randint(0, 10)}, waiting=0)",
        f"Fetched access token from cache for client ledger-export (expires in {g.r.randint(60, 3599)}s)",
        f"Authentication succeeded for user u_{g.r.randint(1000, 99999)} via oidc",
        f"JWT validated for subject u_{g.r.randint(1000, 99999)} (kid={g.hex(4)}, alg=RS256)",
        f"committed offsets partition={g.r.randint(0, 11)} offset={g.r.randint(10**7, 10**8)} lag={g.r.randint(0, 40)}",
        f"ProductCache stats size={g.r.randint(1000, 900000)} hitRate=0.{g.r.randint(10, 99)} evictions=0",
        "Using generated security password: none (spring.security.user.password not set)",
        f"Refreshing keys from https://auth.example.com/.well-known/jwks.json ({g.r.randint(1, 4)} keys)",
        f"Request to {g.path()} failed: Read timed out after {g.r.randint(1000, 5000)} ms, retrying")
    level = g.r.choice(["INFO"] * 8 + ["WARN", "DEBUG"])
    return (f"{g.iso()}  {level} 1 --- [{g.pick(*SERVICES)}] [{thread:>15}] c.e.{g.pick('payments', 'orders')}."
            f"{g.pick('web.ApiController', 'client.LedgerClient', 'cache.ProductCache', 'security.JwtFilter')}"
            f" : [traceId={g.hex(32)} spanId={g.hex(16)}] {msg}")


def zap(g: Gen) -> str:
    msg = g.pick(
        f'"msg":"order placed","order":"ord_{g.alnum(6)}","items":{g.r.randint(1, 9)},"ms":{g.ms()}',
        f'"msg":"token refreshed","client":"inventory-sync","expires_in":{g.r.randint(300, 3600)}',
        f'"msg":"rate limiter","bucket":"erp","tokens":{g.r.randint(0, 100)},"capacity":100,"refill_per_s":10',
        f'"msg":"llm call finished","model":"gpt-4o-mini","max_tokens":900,"tokens_in":{g.r.randint(100, 4000)},'
        f'"tokens_out":{g.r.randint(10, 800)}',
        f'"msg":"reconciled ExternalSecret","secretName":"{g.pick("db-creds", "payments-tls", "erp-api")}",'
        f'"namespace":"{g.pick(*NAMESPACES)}","refreshInterval":"1h"',
        f'"msg":"cache miss","key":"product:{g.r.randint(1000, 99999)}:v3","ttl":"30s"',
        f'"msg":"session created","session_id":"{g.uuid()}","user":"u_{g.r.randint(1000, 99999)}"',
        f'"msg":"reservation retried after serialization failure","sku":"SKU-{g.r.randint(100000, 999999)}",'
        f'"attempt":{g.r.randint(1, 4)}',
        f'"msg":"auth check","auth":"ok","method":"mtls","peer":"spiffe://cluster.local/ns/shop/sa/checkout"')
    level = g.r.choice(["info"] * 8 + ["warn", "debug", "error"])
    return (f'{{"level":"{level}","ts":"{g.iso()}","caller":"{g.pick("orders/place.go:142", "stock/reserve.go:97")}",'
            f'{msg},"request_id":"{g.uuid()}","trace_id":"{g.hex(32)}"}}')


def python_log(g: Gen) -> str:
    msg = g.pick(
        f"recs.api: served /v1/recs/home in {g.ms()}ms (cache hit ratio 0.{g.r.randint(50, 99)})",
        "urllib3.connectionpool: Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) "
        f"after connection broken by 'ReadTimeoutError(\"HTTPConnectionPool(host='inventory.shop.svc.cluster.local',"
        f" port=8081): Read timed out. (read timeout=2.0)\")': /v1/stock?skus={g.r.randint(1, 40)}",
        f"recs.model: refreshed embeddings ({g.r.randint(400000, 420000):,} items) in {g.r.random() * 4:.1f}s",
        f"celery.worker.strategy: Task recs.tasks.rebuild[{g.uuid()}] received",
        f"recs.auth: token cache hit for service account recs@shop-prod-4411.iam.gserviceaccount.com",
        f"uvicorn.access: {g.ip()}:{g.r.randint(30000, 60000)} - \"GET {g.path()} HTTP/1.1\" 200")
    level = g.r.choice(["INFO"] * 7 + ["WARNING", "DEBUG"])
    return f"{g.iso()} {level} {msg}"


def pino(g: Gen) -> str:
    ms = int(g.tick().timestamp() * 1000)
    return (f'{{"level":{g.pick("30", "30", "30", "40")},"time":{ms},"pid":1,"hostname":"{g.pod()}",'
            f'"msg":"{g.pick("request completed", "circuit closed", "stats")}","reqId":"req-{g.r.randint(1, 99999)}",'
            f'"res":{{"statusCode":{g.pick("200", "200", "304", "500")}}},"responseTime":{g.ms()}}}')


def klog(g: Gen) -> str:
    t = g.tick()
    head = f"{g.pick('I', 'I', 'I', 'W', 'E')}{t:%m%d %H:%M:%S}.{t.microsecond:06d}    {g.r.randint(1, 9999)} "
    pod = f"{g.pick(*NAMESPACES)}/{g.pod()}"
    body = g.pick(
        f'kubelet.go:2451] "SyncLoop (PLEG): event for pod" pod="{pod}" '
        f'event={{"ID":"{g.uuid()}","Type":"ContainerStarted","Data":"{g.hex(64)}"}}',
        f'schedule_one.go:252] "Successfully bound pod to node" pod="{pod}" node="{g.pick(*NODES)}" '
        f'evaluatedNodes={g.r.randint(3, 40)} feasibleNodes={g.r.randint(1, 3)}',
        f'event.go:389] "Event occurred" object="{pod}" fieldPath="" kind="Pod" apiVersion="v1" type="Normal" '
        f'reason="Pulled" message="Successfully pulled image \\"registry.example.com/{g.pick(*SERVICES)}:2.4.'
        f'{g.r.randint(0, 9)}\\" in {g.ms()}ms. Image size: {g.r.randint(10**7, 10**9)} bytes."',
        f'kuberuntime_manager.go:1056] "Pulled image" image="registry.example.com/payment@sha256:{g.hex(64)}"',
        f'prober.go:107] "Probe failed" probeType="Readiness" pod="{pod}" podUID="{g.uuid()}" '
        f'containerName="app" probeResult="failure" output="Get \\"http://{g.ip()}:8080/healthz\\": '
        'context deadline exceeded"',
        f'authentication.go:73] "Unable to authenticate the request" err="[invalid bearer token, service account '
        'token has expired]"',
        f'secret.go:194] Couldn\'t get secret {pod.split("/")[0]}/db-creds: secret "db-creds" not found',
        f'reflector.go:547] k8s.io/client-go/informers/factory.go:160: watch of *v1.Secret ended with: '
        f'an error on the server ("unable to decode an event from the watch stream") has prevented the request',
        f'controller.go:114] "Observed a panic in reconciler: runtime error" controller="replicaset" '
        f'namespace="{pod.split("/")[0]}" reconcileID="{g.uuid()}"')
    return head + body


def containerd(g: Gen) -> str:
    img = f"registry.example.com/{g.pick(*SERVICES)}:2.4.{g.r.randint(0, 9)}"
    return (f'time="{g.iso()}" level=info msg="Pulled image \\"{img}\\" with image id '
            f'\\"sha256:{g.hex(64)}\\", repo tag \\"{img}\\", repo digest '
            f'\\"registry.example.com/app@sha256:{g.hex(64)}\\", size \\"{g.r.randint(10**7, 10**8)}\\" '
            f'in {g.r.random() * 9:.6f}s"')


def postgres(g: Gen) -> str:
    t = g.tick()
    msg = g.pick(
        f"LOG:  connection authorized: user=orders database=orders application_name=orders-api SSL enabled "
        "(protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)",
        f"LOG:  checkpoint complete: wrote {g.r.randint(100, 4000)} buffers ({g.r.random() * 9:.1f}%); "
        f"0 WAL file(s) added, 0 removed, 1 recycled; write={g.r.random() * 30:.3f} s",
        'FATAL:  password authentication failed for user "reporting"',
        f"LOG:  duration: {g.r.random() * 2000:.3f} ms  statement: SELECT id, sku FROM stock WHERE sku = $1",
        "DETAIL:  Connection matched pg_hba.conf line 99: \"host all all all scram-sha-256\"")
    return f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} UTC [{g.r.randint(1, 9999)}] {msg}"


def redis_log(g: Gen) -> str:
    t = g.tick()
    return g.pick(
        f"1:M {t:%d %b %Y %H:%M:%S}.{t.microsecond // 1000:03d} * Background saving started by pid {g.r.randint(1, 9999)}",
        f"1:M {t:%d %b %Y %H:%M:%S}.{t.microsecond // 1000:03d} * {g.r.randint(1, 100)} changes in 300 seconds. "
        "Saving...",
        f"1:S {t:%d %b %Y %H:%M:%S}.{t.microsecond // 1000:03d} * MASTER <-> REPLICA sync: Finished with success")


def logfmt(g: Gen) -> str:
    return g.pick(
        f'ts={g.iso()} level=info msg="fetching rates" source=https://fx.example-bank.com/v2/rates base=EUR',
        f'ts={g.iso()} level=info component=cert-manager msg="certificate issued" secret=prod/payments-tls '
        f'serial={g.hex(32)} not_after=2027-02-22T14:00:00Z',
        f'ts={g.iso()} level=debug msg="oidc discovery" issuer=https://auth.example.com token_endpoint='
        'https://auth.example.com/oauth/token jwks_uri=https://auth.example.com/.well-known/jwks.json',
        f'ts={g.iso()} level=info msg="signature verified" sig=valid alg=ed25519 key_id={g.hex(16)}',
        f'ts={g.iso()} level=warn msg="slow query" duration={g.r.randint(1, 9)}.{g.r.randint(0, 99)}s '
        f'rows={g.r.randint(1, 10**6)} auth_method=scram-sha-256')


def misc(g: Gen) -> str:
    """Lines from the rest of a cluster: operators, CI, proxies, with words that sound like secrets."""
    return g.pick(
        f'{g.iso()} [INFO]  core: successful mount: namespace="" path=secret/ type=kv version=""',
        f'{g.iso()} level=info msg="Refreshing app status (controller refresh requested)" '
        f'application=argocd/{g.pick(*SERVICES)} token_type=Bearer expires_in=3600',
        f'{g.iso()} Run actions/checkout@v4 with: repository: example/{g.pick(*SERVICES)} token: *** '
        'ssh-strict: true persist-credentials: true',
        f'{g.iso()} http: TLS handshake error from {g.ip()}:{g.r.randint(30000, 60000)}: remote error: tls: '
        'bad certificate',
        f'{g.iso()} {{"authenticated":true,"auth":{{"method":"oidc","subject":"u_{g.r.randint(1000, 9999)}"}},'
        f'"password_last_changed":"2026-11-01","session":"active"}}',
        f'{g.iso()} INFO redis: keyspace_hits:{g.r.randint(1, 10**7)} keyspace_misses:{g.r.randint(1, 10**5)} '
        'evicted_keys:0',
        f'{g.iso()} INFO tokenizer=cl100k_base prompt_tokens={g.r.randint(100, 9000)} completion_tokens='
        f'{g.r.randint(1, 900)} key_id={g.hex(8)}',
        f'{g.iso()} WARN auth: Authorization header missing for GET {g.path()} from {g.ip()}',
        f'{g.iso()} INFO kafka: SASL authentication succeeded for principal User:orders-worker '
        f'(mechanism=SCRAM-SHA-512)',
        f'{g.iso()} INFO apiserver flags: --authorization-mode=Node,RBAC --enable-bootstrap-token-auth=true '
        '--service-account-key-file=/etc/kubernetes/pki/sa.pub --anonymous-auth=false',
        f'{g.iso()} DEBUG s3: GET https://exports.s3.eu-west-1.amazonaws.com/ledger/{g.hex(12)}.csv.zst '
        f'x-amz-request-id={g.hex(16).upper()} x-amz-id-2={g.alnum(20)}',
        f'{g.iso()} INFO ingress: rate limit key=$binary_remote_addr zone=api:10m burst=20 nodelay')


FORMATS: list[tuple[Callable[[Gen], str], int]] = [
    (nginx, 18), (envoy, 8), (spring, 16), (zap, 14), (python_log, 10), (pino, 6), (klog, 14),
    (containerd, 4), (postgres, 4), (redis_log, 2), (logfmt, 4), (misc, 6)]


def benign_lines(n: int = 10_000, *, seed: int = 7) -> list[str]:
    """`n` ordinary log lines from a mixed cluster, the same for the same seed."""
    g = Gen(seed)
    makers = [fn for fn, weight in FORMATS for _ in range(weight)]
    return [g.r.choice(makers)(g) for _ in range(n)]


# --- one noisy service with rare errors buried in it ---

RARE_ERRORS = [
    "ERROR [ledger-writer] c.e.p.ledger.LedgerWriter : ledger write rejected: duplicate settlement id st_{s}",
    "ERROR [http-nio-8080-exec-{n}] c.e.p.web.ApiController : circuit open for upstream fx-rates after {n} failures",
    "ERROR [db-pool] c.e.p.db.Pool : timeout acquiring connection after 200ms (active=20 idle=0 waiting={n})",
    "FATAL [main] c.e.p.PaymentApplication : keystore /etc/tls/keystore.p12 unreadable: permission denied",
    "ERROR [kafka-producer-network-thread] o.a.k.c.p.i.Sender : NOT_ENOUGH_REPLICAS for topic settlements-{n}",
]
RARE_WARNINGS = [
    "WARN  [scheduling-1] c.e.p.fx.RateCache : fx rates are {n}s stale, serving cached table",
    "WARN  [http-nio-8080-exec-{n}] c.e.p.web.ApiController : client {s} exceeded 100 req/s, throttling",
]
STACK = ["java.lang.IllegalStateException: settlement batch {s} closed twice",
         "\tat com.example.payments.settlement.Batch.close(Batch.java:211)",
         "\tat com.example.payments.settlement.Spooler.flush(Spooler.java:88)",
         "\tat java.base/java.lang.Thread.run(Thread.java:1583)"]
NOISE = [
    "INFO  [http-nio-8080-exec-{n}] c.e.p.web.ApiController : POST /v1/charges 200 in {n}ms request_id={u}",
    "INFO  [http-nio-8080-exec-{n}] c.e.p.web.ApiController : GET /v1/charges/ch_{s} 200 in {n}ms request_id={u}",
    "INFO  [http-nio-8080-exec-{n}] c.e.p.web.ApiController : POST /v1/refunds 201 in {n}ms request_id={u}",
    "DEBUG [http-nio-8080-exec-{n}] c.e.p.db.Pool : acquired connection {n} in {n}ms (active={n} idle={n})",
    "DEBUG [http-nio-8080-exec-{n}] c.e.p.db.Pool : released connection {n} after {n}ms",
    "INFO  [scheduling-1] c.e.p.fx.RateCache : refreshed {n} fx rates from https://fx.example-bank.com in {n}ms",
    "INFO  [kafka-producer-network-thread] c.e.p.events.Publisher : published charge.succeeded to "
    "settlements-{n} offset {n} key ch_{s}",
    "INFO  [http-nio-8080-exec-{n}] c.e.p.security.JwtFilter : token validated for subject u_{n} "
    "(kid={h}, scope=payments.write)",
    "DEBUG [http-nio-8080-exec-{n}] c.e.p.psp.AdyenClient : authorise psp_ref={n} amount={n} EUR result=Authorised "
    "in {n}ms from {ip}:8443",
    "INFO  [HikariPool-1 housekeeper] com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Pool stats "
    "(total=20, active={n}, idle={n}, waiting=0)",
    "INFO  [http-nio-8080-exec-{n}] c.e.p.web.ApiController : GET /healthz 200 in {n}ms",
    "DEBUG [http-nio-8080-exec-{n}] c.e.p.cache.IdempotencyCache : hit key=idem:{u} age={n}ms",
]


def _fill(g: Gen, template: str) -> str:
    out = template
    while any(p in out for p in ("{n}", "{s}", "{u}", "{h}", "{ip}")):
        out = (out.replace("{n}", str(g.r.randint(0, 5000)), 1).replace("{s}", g.alnum(10), 1)
               .replace("{u}", g.uuid(), 1).replace("{h}", g.hex(8), 1).replace("{ip}", g.ip(), 1))
    return out


def noisy_app_log(n: int = 100_000, *, seed: int = 11) -> tuple[list[str], list[str]]:
    """A chatty service log of about `n` lines; also returns the rare error/warning phrases buried in it."""
    g = Gen(seed)
    buried = [t for t in RARE_ERRORS + RARE_WARNINGS for _ in range(g.r.randint(1, 4))]
    rare = dict(zip(g.r.sample(range(n), len(buried)), buried))
    stack_at = g.r.randrange(n)
    lines: list[str] = []
    for i in range(n):
        stamp = g.iso()
        template = rare.get(i) or g.r.choice(NOISE)
        lines.append(f"{stamp} {_fill(g, template)}")
        if i == stack_at:
            lines.append(f"{stamp} ERROR [settlement-1] c.e.p.settlement.Spooler : flush failed")
            lines.extend(_fill(g, s) for s in STACK)
    phrases = ["ledger write rejected", "circuit open for upstream", "timeout acquiring connection",
               "keystore /etc/tls/keystore.p12 unreadable", "NOT_ENOUGH_REPLICAS", "flush failed",
               "fx rates are", "exceeded 100 req/s"]
    return lines, phrases
