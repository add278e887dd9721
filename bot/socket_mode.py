"""Socket Mode entry: the same Bolt app over Slack's WebSocket, for workspaces without a public URL."""
from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import BotApp
from tools.settings import Settings, SettingsError


def socket_mode_handler(bot: BotApp, settings: Settings, *, ping_interval: float = 10.0) -> SocketModeHandler:
    """Bolt's SocketModeHandler (slack_sdk's built-in client) around our app.

    apps.connections.open goes through the app's WebClient, so DEBUGBOT_SLACK_API_URL
    applies here too. Requests arrive unsigned over the socket; Bolt skips
    signature checks for them, and the handlers are the very ones HTTP uses.
    """
    if settings.slack_app_token is None or not settings.slack_app_token.get_secret_value():
        raise SettingsError("missing required setting(s): DEBUGBOT_SLACK_APP_TOKEN (xapp-..., for Socket Mode)")
    return SocketModeHandler(bot.app, app_token=settings.slack_app_token.get_secret_value(),
                             ping_interval=ping_interval)


def run_socket_mode(bot: BotApp, settings: Settings) -> None:
    """Block, serving Socket Mode until interrupted (what `debugbot serve --socket-mode` calls)."""
    socket_mode_handler(bot, settings).start()  # type: ignore[no-untyped-call]
