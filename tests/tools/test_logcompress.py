"""Log compression: templates with counts and times, errors kept under tight budgets, 20x on a noisy log."""
from __future__ import annotations

import time
from datetime import UTC, datetime

from tests.tools.corpus.loggen import noisy_app_log
from tools.budget import count_tokens
from tools.logcompress import compress_logs
from tools.logparse import Severity


def _at(minute: int, second: int = 0) -> str:
    return f"2026-11-24T14:{minute:02d}:{second:02d}Z"


def test_repeated_lines_become_one_template_with_count_and_first_and_last_time() -> None:
    lines = [f"{_at(m, s)} INFO  GET /v1/charges/ch_{m}{s} 200 in {m + s}ms" for m in range(10) for s in (5, 35)]
    lines.insert(7, f"{_at(3, 10)} ERROR db pool: timeout acquiring connection after 200ms (waiting=29)")
    out = compress_logs(lines, max_tokens=500, year=2026)
    info = next(t for t in out.templates if t.severity is Severity.INFO)
    assert info.count == 20
    assert info.first_ts == datetime(2026, 11, 24, 14, 0, 5, tzinfo=UTC)
    assert info.last_ts == datetime(2026, 11, 24, 14, 9, 35, tzinfo=UTC)
    assert out.raw_lines == 21 and len(out.templates) == 2
    assert "INFO x20 2026-11-24T14:00:05Z..2026-11-24T14:09:35Z" in out.text
    assert out.text.index("ERROR x1") < out.text.index("INFO x20")  # severity first


def _crowded_log() -> tuple[list[str], list[str]]:
    """60 distinct INFO templates (5 lines each) and four rare distinct errors."""
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
    lines = [f"{_at(i // 60 % 60, i % 60)} INFO " + " ".join([words[i % 10]] * (2 + i // 10 % 6)) + f" n={i}"
             for i in range(300)]
    errors = ["ERROR ledger write rejected: duplicate settlement", "ERROR circuit open for upstream fx-rates",
              "FATAL keystore unreadable: permission denied", "ERROR NOT_ENOUGH_REPLICAS for topic settlements"]
    for n, err in enumerate(errors):
        lines.insert(50 + 60 * n, f"{_at(n, 30)} {err}")
    return lines, errors


def test_every_error_template_survives_a_tight_budget_and_info_goes_first() -> None:
    lines, errors = _crowded_log()
    out = compress_logs(lines, max_tokens=220, year=2026)
    assert out.tokens <= 220 and count_tokens(out.text) == out.tokens
    for err in errors:
        assert err.split(" ", 1)[1] in out.text
    assert len(out.templates) > 50
    assert out.truncated and out.cut_templates.get("info", 0) > 40
    assert "not shown" in out.text.splitlines()[-1]


def test_when_errors_alone_overflow_the_note_counts_the_cut_ones() -> None:
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
             "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"]
    lines = [f"{_at(0, i)} ERROR " + " ".join([w] * 6) for i, w in enumerate(words)]
    out = compress_logs(lines, max_tokens=150, year=2026)
    assert out.tokens <= 150
    assert out.cut_templates.get("error", 0) > 0
    assert f"{out.cut_templates['error']} error" in out.text
    assert "cannot hold every error/warning template" in out.text


def test_a_java_stack_trace_folds_into_its_log_line_with_the_root_cause() -> None:
    lines = [f"{_at(0)} INFO  started",
             f"{_at(1)} ERROR [settlement-1] Spooler : flush failed",
             "java.lang.IllegalStateException: batch closed twice",
             "\tat com.example.Batch.close(Batch.java:211)",
             "\tat com.example.Spooler.flush(Spooler.java:88)",
             "Caused by: java.io.IOException: No space left on device",
             "\t... 2 more",
             f"{_at(2)} INFO  still running"]
    out = compress_logs(lines, max_tokens=400, year=2026)
    error = next(t for t in out.templates if t.severity is Severity.ERROR)
    assert error.count == 1 and error.stack_lines == 5
    assert "No space left on device" in error.example
    assert sum(t.count for t in out.templates) == 3


def test_python_tracebacks_are_errors_and_distinct_exceptions_stay_distinct() -> None:
    tb = ["Traceback (most recent call last):", '  File "/app/main.py", line 3, in <module>', "    run()"]
    lines = [f"{_at(0)} INFO served /v1/recs in 12ms", *tb, "KeyError: 'sku'",
             f"{_at(1)} INFO served /v1/recs in 9ms", *tb, "ConnectionRefusedError: [Errno 111] refused"]
    out = compress_logs(lines, max_tokens=400, year=2026)
    errors = [t for t in out.templates if t.severity is Severity.ERROR]
    assert len(errors) == 2
    assert {"KeyError" in e.example for e in errors} == {True, False}


def test_json_klog_and_access_log_lines_yield_level_and_time() -> None:
    lines = ['{"level":"error","ts":"2026-11-25T10:20:00.330Z","msg":"reserve stock failed","order":"ord_1"}',
             '{"level":50,"time":1795536303871,"msg":"request failed","status":503}',
             '{"@timestamp":"2026-11-27T09:20:00.159Z","level":"WARN","message":"slow query"}',
             'E1124 14:00:09.123456    1234 kubelet.go:2451] "Probe failed" pod="prod/payment"',
             '10.0.0.1 - - [24/Nov/2026:14:02:11 +0100] "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"']
    out = compress_logs(lines, max_tokens=600, year=2026)
    by_text = {t.example.split()[0]: t for t in out.templates}
    assert by_text["reserve"].severity is Severity.ERROR
    assert by_text["reserve"].first_ts == datetime(2026, 11, 25, 10, 20, 0, 330000, tzinfo=UTC)
    assert by_text["request"].severity is Severity.ERROR
    assert by_text["request"].first_ts == datetime.fromtimestamp(1795536303.871, tz=UTC)
    assert by_text["slow"].severity is Severity.WARN
    assert by_text["kubelet.go:2451]"].severity is Severity.ERROR
    assert by_text["kubelet.go:2451]"].first_ts == datetime(2026, 11, 24, 14, 0, 9, 123456, tzinfo=UTC)
    assert by_text["10.0.0.1"].first_ts == datetime(2026, 11, 24, 13, 2, 11, tzinfo=UTC)


def test_secrets_are_redacted_before_mining() -> None:
    lines = [f"{_at(0, i)} WARN db login retry user=payments password=9Ob-5InSULVbGRK_IzV6 attempt={i}"
             for i in range(5)]
    lines += ["-----BEGIN RSA PRIVATE KEY-----", "IipvNO/LV6FOV82s+WzatpvwPus1LYDzAF4ehslmArgiPYZJAHNY15qJ7pUNMW36",
              "-----END RSA PRIVATE KEY-----"]
    out = compress_logs(lines, max_tokens=400, year=2026)
    everything = out.text + "".join(t.template + t.example + t.last_example for t in out.templates)
    assert "9Ob-5InSULVbGRK_IzV6" not in everything and "IipvNO/LV6FOV82s" not in everything
    assert "[REDACTED:password]" in everything


def test_a_short_log_is_returned_as_itself() -> None:
    lines = [f"{_at(0)} INFO  payment 2.4.1 starting, db pool size=20 acquire_timeout=200ms",
             f"{_at(1)} ERROR db pool: timeout acquiring connection after 200ms"]
    out = compress_logs(lines, max_tokens=400, year=2026)
    assert out.text == "\n".join(lines)
    assert not out.truncated


def test_a_noisy_100k_line_log_shrinks_twentyfold_and_keeps_every_rare_error() -> None:
    lines, phrases = noisy_app_log(100_000)
    started = time.perf_counter()
    out = compress_logs(lines, max_tokens=900)
    seconds = time.perf_counter() - started
    print(f"\n100k-line log: {out.raw_bytes:,} B -> {out.returned_bytes:,} B ({out.ratio:,.0f}x), "
          f"{out.tokens} tokens, {len(out.templates)} templates, {seconds:.1f} s")
    assert out.ratio >= 20
    assert out.tokens <= 900
    for phrase in phrases:
        assert phrase in out.text, phrase
        template = next(t for t in out.templates if phrase in t.example)
        assert template.severity.must_keep
    assert not any(t.severity.must_keep for t in out.templates[sum(1 for t in out.templates
                                                                    if t.severity.must_keep):])
