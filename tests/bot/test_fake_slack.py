"""The loopback fake Slack Web API, driven by the real slack_sdk clients."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from sandbox.slack_api import FakeSlack


@pytest.fixture()
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.url)


def test_threads_render_like_slack_shows_them_with_edits_in_their_latest_form(
        fake_slack: FakeSlack, client: WebClient) -> None:
    changes: list[tuple[str, str]] = []
    fake_slack.on_change = lambda channel, root: changes.append((channel, root))
    root = client.chat_postMessage(channel="C1", text="fallback", blocks=[
        {"type": "header", "text": {"type": "plain_text", "text": "Investigating"}},
        {"type": "section", "text": {"type": "mrkdwn",
                                     "text": "asked by <@UONCALL> at <!date^1700000000^{time}|22:13 UTC>"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "step 1"}]}])["ts"]
    client.chat_postMessage(channel="C1", thread_ts=root, text="first reply &lt;ok&gt;")
    client.chat_postMessage(channel="C1", thread_ts=root, text="second", attachments=[
        {"title": "[FIRING:1] X", "fields": [{"title": "namespace", "value": "prod"}]}])
    client.chat_update(channel="C1", ts=root, text="fallback", blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": "done: <https://x.example/a|the runbook>"}},
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Approve"},
                                          "action_id": "a"}]}])
    client.chat_postMessage(channel="C1", text="elsewhere")

    assert fake_slack.render_thread("C1", root) == (
        "@debugbot (edited):\n  done: the runbook (https://x.example/a)\n  [Approve]\n"
        "    @debugbot:\n      first reply <ok>\n"
        "    @debugbot:\n      second\n      | [FIRING:1] X\n      | namespace: prod")
    assert changes[-1] == ("C1", fake_slack.messages("C1")[-1].ts) and ("C1", root) in changes
    assert len(fake_slack.thread("C1", root)) == 3


def test_unknown_targets_answer_errors_as_slack_does(fake_slack: FakeSlack, client: WebClient) -> None:
    calls: list[Callable[[], object]] = [
        lambda: client.chat_update(channel="C1", ts="1.2", text="x"),
        lambda: client.chat_postMessage(channel="C1", thread_ts="9.9", text="x"),
        lambda: client.usergroups_users_list(usergroup="SNOPE"),
        lambda: client.users_info(user="UNOPE"),
        lambda: client.api_call("made.up")]
    for call in calls:
        with pytest.raises(SlackApiError):
            call()
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=fake_slack.url).chat_postMessage(channel="C1", text="x")


def test_directory_calls_answer_from_what_the_test_scripted(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.add_user("U9", "nina")
    fake_slack.add_usergroup("S9", ["U9", "U8"], handle="sre")

    assert client.auth_test()["team_id"] == "T0DEBUG"
    assert client.users_info(user="U9")["user"]["name"] == "nina"
    assert client.usergroups_users_list(usergroup="S9")["users"] == ["U9", "U8"]
    assert client.conversations_info(channel="C1")["channel"]["id"] == "C1"
    ts = client.chat_postMessage(channel="C1", text="x")["ts"]
    assert client.chat_getPermalink(channel="C1", message_ts=ts)["permalink"].endswith(ts.replace(".", ""))
    client.reactions_add(channel="C1", timestamp=ts, name="eyes")
    client.chat_postEphemeral(channel="C1", user="U9", text="only you")
    assert fake_slack.ephemerals(user="U9")[0]["text"] == "only you"
    assert [c["name"] for c in fake_slack.calls("reactions.add")] == ["eyes"]


def test_response_urls_take_ephemeral_in_channel_and_replace_original(fake_slack: FakeSlack,
                                                                       client: WebClient) -> None:
    card = client.chat_postMessage(channel="C1", text="card")["ts"]
    WebhookClient(fake_slack.response_url("C1", user="U1")).send(text="just you")
    WebhookClient(fake_slack.response_url("C1")).send(text="everyone", response_type="in_channel")
    WebhookClient(fake_slack.response_url("C1", message_ts=card)).send(text="decided", replace_original=True)

    assert fake_slack.ephemerals(user="U1")[0]["text"] == "just you"
    assert [m.text for m in fake_slack.messages("C1")] == ["decided", "everyone"]
    assert fake_slack.message("C1", card).edits == 1  # type: ignore[union-attr]


def test_scripted_429s_carry_retry_after_and_then_calls_succeed(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.rate_limit("chat.postMessage", times=1, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429 and err.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_files_upload_v2_goes_through_the_three_steps_into_the_thread(fake_slack: FakeSlack,
                                                                      client: WebClient) -> None:
    root = client.chat_postMessage(channel="C1", text="root")["ts"]
    client.files_upload_v2(channel="C1", thread_ts=root, content=b"a,b\n1,2\n", filename="data.csv",
                           title="Data", initial_comment="here")

    assert fake_slack.calls("files.getUploadURLExternal")[0]["filename"] == "data.csv"
    assert list(fake_slack.uploads.values()) == [b"a,b\n1,2\n"]
    assert fake_slack.render_thread("C1", root).endswith("here\n      [file: Data (data.csv, 8 bytes)]")
