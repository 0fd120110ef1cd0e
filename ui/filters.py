"""The chat's filter widgets read as one `Filters`, and the 已筛选 badge that shows what is filtered."""

from __future__ import annotations

import gradio as gr

from assistant import ConfigError, Filters
from ui import render


def make_filters(sources: list[str] | None, date_from: str | None, date_to: str | None,
                 kbs: list[str] | None = None) -> Filters:
    """Filters from the filter widgets; a malformed or reversed range raises ConfigError (in Chinese)."""
    return Filters(tuple(sources or ()), (date_from or "").strip()[:10], (date_to or "").strip()[:10],
                   tuple(kbs or ()))


def badge_html(text: str, problem: bool = False) -> str:
    return f'<div class="filter-badge{" problem" if problem else ""}" role="status">{render.esc(text)}</div>'


def filter_badge(sources: list[str] | None, date_from: str | None, date_to: str | None,
                 kbs: list[str] | None = None) -> tuple:
    """The 已筛选 badge and whether its clear button shows; a bad range is said here, once, not on the chat."""
    try:
        f = make_filters(sources, date_from, date_to, kbs)
    except ConfigError as exc:
        return badge_html(str(exc), problem=True), gr.update(visible=True)
    if not f.active:
        return "", gr.update(visible=False)
    return badge_html(f"已筛选：{f.describe()}"), gr.update(visible=True)
