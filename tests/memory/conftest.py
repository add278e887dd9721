"""The bot fixtures (fake Slack, the real Bolt app over HTTP) for the /debug history and forget tests."""
from tests.bot.conftest import bot, fake_slack, server, settings, slack  # noqa: F401
