"""The sandbox's Prometheus HTTP API: parameters, endpoints and errors as Prometheus answers them."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from sandbox import prom_api
from sandbox.server import SandboxServer
from sandbox.series import to_ms
from tests.conftest import SHARED_SCENARIOS
from tests.sandbox.promfixtures import make_world

NOW = "2026-11-24T12:00:00Z"
NOW_S = 1795521600  # NOW in unix seconds (date -u -d 2026-11-24T12:00:00Z +%s)
PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"


def counter(pod: str, per_minute: int, *, ns: str = "shop") -> dict[str, Any]:
    return {"labels": {"__name__": "reqs_total", "namespace": ns, "pod": pod}, "start": "-30m", "step": "1m",
            "values": [i * per_minute for i in range(31)]}


@pytest.fixture()
def world() -> Any:
    return make_world(now=NOW, metrics=[
        counter("api-1", 60), counter("api-2", 120), counter("web-1", 30, ns="pay"),
        {"labels": {"__name__": "up", "job": "api"}, "start": "-2h", "step": "1m", "values": [1] * 10},
    ])


def get(world: Any, path: str, **params: str | list[str]) -> tuple[int, dict[str, Any]]:
    wrapped = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    return prom_api.handle("GET", path, wrapped, world)


def test_query_without_time_answers_at_the_simulated_clock(world: Any) -> None:
    assert to_ms(world.now) // 1000 == NOW_S
    status, body = get(world, "/api/v1/query", query='sum by (namespace) (rate(reqs_total[5m]))')
    assert status == 200 and body["status"] == "success"
    result = {s["metric"]["namespace"]: s["value"] for s in body["data"]["result"]}
    assert result == {"shop": [NOW_S, "3"], "pay": [NOW_S, "0.5"]}


def test_query_time_accepts_rfc3339_and_unix_seconds(world: Any) -> None:
    query = 'reqs_total{pod="api-1"}'
    _, rfc = get(world, "/api/v1/query", query=query, time="2026-11-24T11:50:00Z")
    _, unix = get(world, "/api/v1/query", query=query, time=str(NOW_S - 600))
    _, frac = get(world, "/api/v1/query", query=query, time=f"{NOW_S - 600}.250")
    assert rfc == unix
    assert rfc["data"]["result"][0]["value"] == [NOW_S - 600, "1200"]
    assert frac["data"]["result"][0]["value"] == [NOW_S - 599.75, "1200"]


def test_query_range_steps_from_start_to_end(world: Any) -> None:
    _, body = get(world, "/api/v1/query_range", query='reqs_total{pod="api-1"}',
                  start="2026-11-24T11:58:00Z", end=str(NOW_S), step="1m")
    assert body["data"]["resultType"] == "matrix"
    assert body["data"]["result"][0]["values"] == [[NOW_S - 120, "1680"], [NOW_S - 60, "1740"], [NOW_S, "1800"]]
    _, same = get(world, "/api/v1/query_range", query='reqs_total{pod="api-1"}',
                  start=str(NOW_S - 120), end="2026-11-24T12:00:00Z", step="60")
    assert same == body


@pytest.mark.parametrize("params, message", [
    ({"step": "0"}, "zero or negative query resolution step widths are not accepted"),
    ({"end": str(NOW_S - 7200)}, "end timestamp must not be before start time"),
    ({"step": "0.1"}, "exceeded maximum resolution of 11,000 points"),
    ({"query": "reqs_total[5m]"}, 'invalid expression type "range vector" for range query'),
    ({"start": "yesterday"}, 'invalid parameter "start": cannot parse "yesterday" to a valid timestamp'),
    ({"step": "often"}, 'invalid parameter "step": cannot parse "often" to a valid duration'),
])
def test_query_range_refuses_bad_parameters_with_bad_data(world: Any, params: dict[str, str], message: str) -> None:
    full: dict[str, str] = {"query": "reqs_total", "start": str(NOW_S - 3600), "end": str(NOW_S), "step": "60", **params}
    status, body = get(world, "/api/v1/query_range", **full)
    assert status == 400 and body["status"] == "error" and body["errorType"] == "bad_data"
    assert message in body["error"]


def test_unsupported_promql_is_a_400_that_says_so(world: Any) -> None:
    status, body = get(world, "/api/v1/query", query='label_join(reqs_total, "x", ",", "pod")')
    assert status == 400
    assert body == {"status": "error", "errorType": "bad_data",
                    "error": "unsupported in the debugbot sandbox: function label_join()"}


def test_parse_errors_and_execution_errors_keep_prometheus_error_types(world: Any) -> None:
    status, body = get(world, "/api/v1/query", query="sum(reqs_total")
    assert (status, body["errorType"]) == (400, "bad_data") and "parse error" in body["error"]
    status, body = get(world, "/api/v1/query", query="reqs_total / on (namespace) reqs_total")
    assert (status, body["errorType"]) == (422, "execution") and "many-to-many" in body["error"]


def test_series_lists_label_sets_with_samples_in_the_window(world: Any) -> None:
    _, body = get(world, "/api/v1/series", **{"match[]": ['reqs_total{namespace="shop"}', "up"]})
    assert [s["pod"] if "pod" in s else s["job"] for s in body["data"]] == ["api-1", "api-2", "api"]
    window: dict[str, str | list[str]] = {"match[]": ["up"], "start": str(NOW_S - 3600)}
    _, recent = get(world, "/api/v1/series", **window)
    assert recent["data"] == []  # `up` stopped reporting 110 minutes ago
    status, missing = get(world, "/api/v1/series")
    assert status == 400 and missing["error"] == "no match[] parameter provided"


def test_labels_and_label_values_come_from_the_series(world: Any) -> None:
    assert get(world, "/api/v1/labels")[1]["data"] == ["__name__", "job", "namespace", "pod"]
    assert get(world, "/api/v1/label/__name__/values")[1]["data"] == ["reqs_total", "up"]
    assert get(world, "/api/v1/label/pod/values", **{"match[]": 'reqs_total{namespace="pay"}'})[1]["data"] == ["web-1"]


def test_buildinfo_unknown_paths_and_methods(world: Any) -> None:
    status, body = get(world, "/api/v1/status/buildinfo")
    assert status == 200 and body["data"]["version"].startswith("2.")
    assert get(world, "/api/v1/rules")[0] == 404
    assert prom_api.handle("DELETE", "/api/v1/query", {}, world)[0] == 405


def test_a_changed_world_is_seen_once_its_version_moves(world: Any) -> None:
    assert get(world, "/api/v1/query", query="up")[1]["data"]["result"] == []
    with world.lock:
        world.metrics[3] = {"labels": {"__name__": "up", "job": "api"}, "start": "-1m", "step": "1m", "values": [1, 1]}
        world.version += 1
    assert get(world, "/api/v1/query", query="up")[1]["data"]["result"][0]["value"] == [NOW_S, "1"]


def _http_json(url: str, data: bytes | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_sandbox_server_serves_this_api_over_real_http(serve: Callable[..., SandboxServer]) -> None:
    server = serve(PAYMENT)
    query = "sum by (status) (increase(http_server_requests_seconds_count[15m]))"
    status, body = _http_json(f"{server.prometheus_url}/api/v1/query?{urllib.parse.urlencode({'query': query})}")
    assert status == 200 and body["status"] == "success"
    direct = prom_api.handle("GET", "/api/v1/query", {"query": [query]}, server.world)[1]
    assert body == direct
    by_status = {s["metric"]["status"]: float(s["value"][1]) for s in body["data"]["result"]}
    assert by_status["504"] > by_status["200"] / 10  # the rollout's timeouts are visible
    posted = _http_json(f"{server.prometheus_url}/api/v1/query", urllib.parse.urlencode({"query": query}).encode())
    assert posted == (200, body)
    status, bad = _http_json(f"{server.prometheus_url}/api/v1/query?query=rate(")
    assert status == 400 and bad["errorType"] == "bad_data"
