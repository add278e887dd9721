"""Every payload checked with slack_sdk's own Block Kit models, plus Slack's message-level limits."""
from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.blocks import MAX_BLOCKS, Message


def assert_valid_blocks(blocks: list[dict[str, Any]]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS, f"{len(blocks)} blocks"
    for raw in blocks:
        parsed = Block.parse(raw)
        assert parsed is not None, raw
        # to_dict() runs validate_json() on the block and every element, text object and confirm inside;
        # equality proves nothing was unknown to the models (they drop what they don't know)
        assert parsed.to_dict() == raw, raw


def assert_valid(message: Message) -> None:
    assert message.text.strip() and len(message.text) <= 3000
    assert_valid_blocks(message.blocks)
