"""slack-app-manifest.yml: the /debug command, the scopes and events the bot uses, one URL for everything."""
from __future__ import annotations

import io
import time
from typing import Any

import yaml

from tests.conftest import ROOT

URL = "https://YOUR-HOST/slack/events"
SCOPES = {"commands", "chat:write", "chat:write.public", "app_mentions:read", "channels:history",
          "groups:history", "files:write", "reactions:write", "usergroups:read", "users:read"}


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "slack-app-manifest.yml").read_text())
    return data


def test_app_is_named_debugbot_with_a_bot_user() -> None:
    m = manifest()
    assert m["display_information"]["name"] == "debugbot"
    assert m["features"]["bot_user"]["display_name"] == "debugbot"


def test_debug_slash_command_posts_to_the_bolt_endpoint() -> None:
    (command,) = manifest()["features"]["slash_commands"]
    assert command["command"] == "/debug" and command["url"] == URL
    assert command["description"]


def test_bot_scopes_are_exactly_the_ones_debugbot_uses() -> None:
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == SCOPES


def test_events_and_interactivity_go_to_the_same_url_over_http() -> None:
    settings = manifest()["settings"]
    assert settings["event_subscriptions"]["request_url"] == URL
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.channels", "message.groups"}
    assert settings["interactivity"] == {"is_enabled": True, "request_url": URL}
    assert settings["socket_mode_enabled"] is False


def test_url_path_is_the_one_the_http_entry_point_hands_to_bolt() -> None:
    """The manifest's path is BotWSGI's Slack route, and Bolt there checks the signature (401 when bad)."""
    from urllib.parse import urlsplit

    from slack_bolt import App

    from bot.app import BotApp
    from bot.http import BotWSGI

    bolt = App(token="xoxb-test", signing_secret="test-secret", token_verification_enabled=False)
    wsgi = BotWSGI(BotApp(app=bolt, services=None))  # type: ignore[arg-type]
    path = urlsplit(URL).path
    assert wsgi.routes[("POST", path)] == wsgi.slack_events
    body = b"command=%2Fdebug&text=hi"
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
               "wsgi.input": io.BytesIO(body),
               "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "HTTP_X_SLACK_REQUEST_TIMESTAMP": str(int(time.time())), "HTTP_X_SLACK_SIGNATURE": "v0=bad"}
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Any:
        statuses.append(status)
        return lambda data: None

    list(wsgi.slack(environ, start_response))
    assert statuses[0].startswith("401")


def test_socket_mode_switch_is_explained() -> None:
    text = (ROOT / "slack-app-manifest.yml").read_text()
    assert "socket_mode_enabled to true" in text and "connections:write" in text and "DEBUGBOT_SLACK_APP_TOKEN" in text
