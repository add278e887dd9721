"""Service-level Prometheus tools: error rate by status and latency quantiles, with metric-name discovery.

Applications name their request metrics differently (Micrometer, the Go and
Python clients, ingress-nginx, OpenTelemetry), so each tool first asks
/api/v1/series which of the common names exist in the namespace, and which
label carries the service (`service`, `app`, `job`, ... or the pod-name
prefix) and the status code (`status`, `code`, ...).
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from tools.context import ToolContext
from tools.models import ToolResult
from tools.prom_common import NAME_PATTERN, PromCall, WindowArgs, escape, selector

REQUEST_COUNTERS = ("http_server_requests_seconds_count", "http_requests_total", "http_server_requests_total",
                    "http_request_duration_seconds_count", "http_server_request_duration_seconds_count",
                    "http_server_duration_milliseconds_count", "nginx_ingress_controller_requests")
LATENCY_BUCKETS = ("http_server_requests_seconds_bucket", "http_request_duration_seconds_bucket",
                   "http_server_request_duration_seconds_bucket", "http_server_duration_milliseconds_bucket",
                   "nginx_ingress_controller_request_duration_seconds_bucket")
STATUS_LABELS = ("status", "code", "status_code", "http_status", "http_response_status_code")
SERVICE_LABELS = ("service", "app", "application", "app_kubernetes_io_name", "job", "container",
                  "service_name", "exported_service")


class ServiceArgs(WindowArgs):
    namespace: str = Field(pattern=NAME_PATTERN, description="Kubernetes namespace")
    service: str = Field(pattern=NAME_PATTERN, description="service (or app) name, e.g. payment")


class LatencyArgs(ServiceArgs):
    q: float = Field(0.99, gt=0, lt=1, description="quantile, e.g. 0.99 for p99")


@dataclass(frozen=True)
class Target:
    metric: str
    sel: str  # matchers without braces
    status_label: str | None


# When none of the common names exist: an application's own request metrics, by naming convention.
ANY_COUNTER = r".+_requests?_total|.+_requests?_count|.+_duration_(seconds|milliseconds)_count"
ANY_BUCKET = r".+_duration_(seconds|milliseconds)_bucket"
ANY_SUMMARY = r".+_duration_(seconds|milliseconds)"  # a summary: the quantiles ride on a `quantile` label


def discover(call: PromCall, names: tuple[str, ...], namespace: str, service: str, *,
             fallback: str | None = None, quantile: str | None = None) -> Target | None:
    """The first of `names` with series for `service` in `namespace`, and how to select them.

    With `fallback` (a metric-name regex), any other name it matches is tried after the common ones;
    with `quantile`, only series carrying that `quantile` label value count (a summary).
    """
    pattern = "|".join(names) + (f"|{fallback}" if fallback else "")
    extra = f',quantile="{escape(quantile)}"' if quantile else ""
    match = f'{{__name__=~"{pattern}",namespace="{escape(namespace)}"{extra}}}'
    call.queries.append(f"series {match}")
    found = call.prom.series(match, call.start, call.end)
    others = sorted({str(s.get("__name__")) for s in found} - set(names),
                    key=lambda n: (_status_label([s for s in found if s.get("__name__") == n]) is None, n))
    for name in (*names, *others):
        candidates = [s for s in found if s.get("__name__") == name]
        for label in SERVICE_LABELS:
            hits = [s for s in candidates if s.get(label) == service]
            if hits:
                return Target(name, selector(namespace=namespace, **{label: service}), _status_label(hits))
        hits = [s for s in candidates if s.get("pod", "").startswith(service + "-")]
        if hits:
            return Target(name, selector(f'pod=~"{escape(service)}-.*"', namespace=namespace), _status_label(hits))
    return None


def _status_label(series: list[dict[str, str]]) -> str | None:
    return next((lbl for lbl in STATUS_LABELS if any(lbl in s for s in series)), None)


def _not_found(call: PromCall, what: str, names: tuple[str, ...], args: ServiceArgs) -> ToolResult:
    return call.result([f"no {what} series for service {args.service!r} in namespace {args.namespace!r} "
                        f"(looked for {', '.join(names)} by {', '.join(SERVICE_LABELS)} or pod prefix)"],
                       None, found=False)


def error_rate(args: ServiceArgs, ctx: ToolContext) -> ToolResult:
    """Share of 5xx responses and request rate per status code for one service, over a window."""
    call = PromCall(ctx, args.minutes)
    target = discover(call, REQUEST_COUNTERS, args.namespace, args.service, fallback=ANY_COUNTER)
    if target is None or target.status_label is None:
        return _not_found(call, "request-counter (with a status label)", REQUEST_COUNTERS, args)
    m, sel, st = target.metric, target.sel, target.status_label
    w = call.rate_window(f"{m}{{{sel}}}")
    ratio = call.range(f'sum(rate({m}{{{sel},{st}=~"5.."}}[{w}])) / sum(rate({m}{{{sel}}}[{w}]))')
    by_status = call.range(f"sum by ({st}) (rate({m}{{{sel}}}[{w}]))")
    lines = [f"service {args.service} in {args.namespace}, metric {m}:"]
    ratio_lines, ratio_data = call.render(ratio, unit="ratio", keys=())
    fives = [s for s in by_status if s.labels.get(st, "").startswith("5")]
    if ratio_lines:
        lines += ["5xx share of requests:", *ratio_lines]
    else:
        lines.append("5xx share of requests: no 5xx responses in the window")
    status_lines, status_data = call.render(by_status, unit="per_s", keys=(st,))
    lines += [f"requests per second by {st}:", *status_lines]
    codes = sorted({s.labels.get(st, "?") for s in by_status})
    lines.append(f"status codes seen: {', '.join(codes) or 'none'}; 5xx codes: "
                 f"{', '.join(sorted({s.labels.get(st, '?') for s in fives})) or 'none'}")
    return call.result(lines, {"metric": m, "ratio_5xx": ratio_data, "by_status": status_data},
                       found=bool(by_status))


def latency_quantile(args: LatencyArgs, ctx: ToolContext) -> ToolResult:
    """A latency quantile (p99 by default) of one service from its request-duration histogram (or summary)."""
    call = PromCall(ctx, args.minutes)
    target = discover(call, LATENCY_BUCKETS, args.namespace, args.service, fallback=ANY_BUCKET)
    if target is not None:
        m, sel = target.metric, target.sel
        w = call.rate_window(f"{m}{{{sel}}}")
        series = call.range(f"histogram_quantile({args.q:g}, sum by (le) (rate({m}{{{sel}}}[{w}])))")
    else:
        target = discover(call, (), args.namespace, args.service, fallback=ANY_SUMMARY, quantile=f"{args.q:g}")
        if target is None:
            return _not_found(call, "latency-histogram or summary", LATENCY_BUCKETS, args)
        m, sel = target.metric, target.sel
        # A summary's quantiles are per instance and cannot be aggregated: the worst instance is the bound.
        series = call.range(f'max({m}{{{sel},quantile="{args.q:g}"}})')
    unit = "" if "milliseconds" in m else "seconds"
    lines, data = call.render(series, unit=unit, keys=())
    head = f"p{args.q * 100:g} latency of {args.service} in {args.namespace} ({m}" + (", ms)" if not unit else "):")
    return call.result([head, *lines] if lines else [head, "  no samples in the window"],
                       {"metric": m, "quantile": args.q, "series": data}, found=bool(lines))
