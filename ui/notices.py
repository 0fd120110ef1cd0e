"""The toasts users see, titled in Chinese: Gradio titles them Error / Warning / Info whatever the language."""

from __future__ import annotations

import gradio as gr


def error(message: object) -> gr.Error:
    """An error toast for a mistake the user can fix (raise it); no traceback in the log."""
    return gr.Error(str(message), title="出错了", print_exception=False)


def warning(message: str) -> None:
    gr.Warning(message, title="请注意")


def info(message: str) -> None:
    gr.Info(message, title="提示")
