"""A question in the thread that asks for something observable is answered from fresh tool results."""
from __future__ import annotations

import pytest

from tests.bot.conftest import CHANNEL, USER, wait_for
from tests.e2e.conftest import E2E

pytestmark = pytest.mark.slow  # starts real processes

REPORT_STATUSES = ("resolved", "no_fault", "inconclusive", "escalated", "aborted")


@pytest.mark.parametrize("scenario_name", ["checkout-recovered-no-fault"])
def test_asking_for_logs_in_the_thread_runs_pod_logs_and_answers_with_the_lines_and_the_invocation(e2e: E2E) -> None:
    e2e.slack.command("checkout slow", user=USER)
    e2e.start_worker()
    root = e2e.root()
    assert e2e.wait_status(root, *REPORT_STATUSES).status == "no_fault"
    before = e2e.thread(root).count("rerun with:")

    question = e2e.fake.user_post(CHANNEL, "show me the logs of checkout", user=USER, thread_ts=root.ts)
    reply = e2e.slack.event({"type": "message", "channel": CHANNEL, "user": USER, "text": question.text,
                             "ts": question.ts, "thread_ts": root.ts, "channel_type": "channel"})
    assert reply.status == 200

    wait_for(lambda: e2e.thread(root).count("rerun with:") > before, timeout=30, what="the answer in the thread")
    thread = e2e.thread(root)
    answer = thread[thread.rindex("Q: show me the logs of checkout"):]
    assert "pod_logs (ok), rerun with: GET /api/v1/namespaces/" in answer and "/log?" in answer
    assert "logs of pod" in answer


def test_a_worker_uploads_the_chart_of_the_metric_evidence_once_before_the_approval_card(e2e: E2E) -> None:
    e2e.slack.command("payment timeouts", user=USER)
    e2e.start_worker()
    root = e2e.root()
    card = e2e.card(root)

    shared = [(m, f) for m in e2e.fake.thread(root.channel, root.ts) for f in m.files if f["name"].endswith(".png")]
    assert [f["title"] for _, f in shared] == ["error_rate (ratio_5xx) of payment"]
    png = e2e.fake.uploads[shared[0][1]["id"]]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert float(shared[0][0].ts) < float(card.ts)
