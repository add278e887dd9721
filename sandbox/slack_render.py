"""Plain-text rendering of Slack messages (mrkdwn, Block Kit, attachments, files) for a terminal."""
from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def mrkdwn(text: str, names: Mapping[str, str]) -> str:
    """Slack's escaped markup as a person reads it: mentions by name, dates by their fallback."""

    def sub(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (label or names.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!subteam^"):
            gid = target.split("^", 1)[1]
            return "@" + (label or names.get(gid, gid)).lstrip("@")
        if target.startswith("!date^"):
            return label or target
        if target.startswith("!"):
            return "@" + target[1:]
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_LINK.sub(sub, text))


def _text(obj: Any, names: Mapping[str, str]) -> str:
    if isinstance(obj, dict):
        return mrkdwn(str(obj.get("text", "")), names)
    return mrkdwn(str(obj or ""), names)


def _block(block: dict[str, Any], names: Mapping[str, str]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [f"== {_text(block.get('text'), names)} =="]
    if kind == "divider":
        return ["----"]
    if kind == "section":
        lines = [_text(block.get("text"), names)] if block.get("text") else []
        lines += [_text(f, names) for f in block.get("fields") or []]
        if block.get("accessory", {}).get("type") == "button":
            lines.append(f"[{_text(block['accessory'].get('text'), names)}]")
        return lines
    if kind == "context":
        return [" · ".join(_text(e, names) if e.get("type") != "image" else f"[{e.get('alt_text', 'image')}]"
                           for e in block.get("elements") or [])]
    if kind == "actions":
        return ["  ".join(f"[{_text(e.get('text'), names)}]" for e in block.get("elements") or [])]
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    if kind == "rich_text":
        return [_rich_text(block)]
    return [f"[{kind} block]"]


def _rich_text(block: dict[str, Any]) -> str:
    parts: list[str] = []
    for section in block.get("elements") or []:
        for element in section.get("elements") or []:
            parts.append(str(element.get("text") or element.get("url") or ""))
    return "".join(parts)


def _attachment(att: dict[str, Any], names: Mapping[str, str]) -> list[str]:
    lines = [f"| {mrkdwn(str(att[k]), names)}" for k in ("pretext", "title", "text") if att.get(k)]
    lines += [f"| {f.get('title', '')}: {mrkdwn(str(f.get('value', '')), names)}" for f in att.get("fields") or []]
    for block in att.get("blocks") or []:
        lines += [f"| {line}" for line in _block(block, names)]
    return lines


def render_message(text: str, blocks: list[dict[str, Any]], attachments: list[dict[str, Any]],
                   files: list[dict[str, Any]], *, names: Mapping[str, str]) -> str:
    """Blocks win over text as in Slack's clients; attachments and files follow."""
    lines: list[str] = []
    if blocks:
        for block in blocks:
            lines += _block(block, names)
    elif text:
        lines.append(mrkdwn(text, names))
    for att in attachments:
        lines += _attachment(att, names)
    for f in files:
        lines.append(f"[file: {f.get('title') or f.get('name')} ({f.get('name')}, {f.get('size', 0)} bytes)]")
    return "\n".join(line for line in lines if line is not None)
