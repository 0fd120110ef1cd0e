"""The chat's conversation list: each user's conversations kept server-side (assistant.conversations),
so a reload or tomorrow's visit reopens them with their citations; new, rename, delete and export.

Without logins every visitor is the one local user (LOCAL_USER): the app then serves one person.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import gradio as gr

from ui import notices as notice

from assistant import CONVERSATION_FORMATS, Answer, ConversationNotFound, ConversationRepository, render_conversation
from ui.render import Turn

LOCAL_USER = "本机用户"
EXPORT_CHOICES = [("Markdown", "md"), ("Word（DOCX）", "docx")]


def user_of(request: gr.Request | None) -> str:
    return (getattr(request, "username", None) if request else None) or LOCAL_USER


def _label(title: str, updated: float) -> str:
    return f"{title}　{datetime.fromtimestamp(updated).strftime('%m-%d %H:%M')}"


class ConversationsPanel:
    """Handlers for the conversation list; every call is scoped to the logged-in user."""

    def __init__(self, repo: ConversationRepository) -> None:
        self.repo = repo

    def choices(self, user: str) -> list[tuple[str, str]]:
        return [(_label(c.title, c.updated), c.id) for c in self.repo.list(user)]

    def listing(self, user: str, selected: str | None) -> dict:
        return gr.update(choices=self.choices(user), value=selected)

    def turns(self, user: str, conversation: str | None) -> list[Turn]:
        if not conversation:
            return []
        try:
            return [Turn(a.question, a) for a in self.repo.turns(user, conversation)]
        except ConversationNotFound:
            return []

    def knowledge_bases(self, user: str, conversation: str | None) -> list[str]:
        """The knowledge bases a conversation was asking (none: all of them)."""
        try:
            return [k for k in self.repo.get(user, conversation).kb.split(",") if k] if conversation else []
        except ConversationNotFound:
            return []

    def remember(self, user: str, conversation: str | None, turns: list[Turn], replace: bool,
                 kbs: list[str] | None = None) -> str | None:
        """Store the turn just answered (replacing the last one after regenerate / edit) and the knowledge
        bases it was asked in; returns the conversation's id, creating it on its first answer. Failed
        turns are not stored."""
        answered: list[Answer] = [t.answer for t in turns if t.answer is not None]
        if not answered:
            return conversation
        kb = ",".join(kbs or ())
        if conversation is None:
            conversation = self.repo.create(user, kb).id
        try:
            stored = len(self.repo.turns(user, conversation))
            self.repo.set_kb(user, conversation, kb)
        except ConversationNotFound:  # deleted in another tab meanwhile: start it again
            conversation, stored = self.repo.create(user, kb).id, 0
        if replace and stored:
            self.repo.replace_last_turn(user, conversation, answered[-1])
        else:
            for a in answered[stored:]:
                self.repo.add_turn(user, conversation, a)
        return conversation

    def rename(self, user: str, conversation: str | None, title: str) -> None:
        if not conversation:
            raise notice.error("请先选择要改名的对话。")
        if not (title or "").strip():
            raise notice.error("请输入新的对话名称。")
        self.repo.rename(user, conversation, title)

    def delete(self, user: str, conversation: str | None) -> None:
        if conversation:
            try:
                self.repo.delete(user, conversation)
            except ConversationNotFound:
                pass  # already gone: the list is refreshed either way

    def export(self, user: str, conversation: str | None, fmt: str) -> str:
        if not conversation:
            raise notice.error("这个对话还没有内容，先提一个问题吧。")
        if fmt not in CONVERSATION_FORMATS:
            raise notice.error(f"未知格式：{fmt}")
        info = self.repo.get(user, conversation)
        data = render_conversation(info, self.repo.turns(user, conversation), fmt)
        safe = "".join(ch for ch in info.title if ch.isalnum()) or "对话"
        out = Path(tempfile.mkdtemp(prefix="conversation-")) / f"对话-{safe}{CONVERSATION_FORMATS[fmt]}"
        out.write_bytes(data)
        return str(out)
