"""What the admin tabs (hit test, eval, gold cases from feedback) share: the evaluators' tools they are
given, and the check that the user may use them.

The UI imports only the public `assistant` API (tests/test_layout.py), so the eval code reaches it as a
`Workbench` handed in by `assistant serve` (evals/workbench.py's EvalWorkbench). Without one, the app has
the hit test but no eval tab and no gold editor.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import gradio as gr

from ui import notices as notice

from ui.auth import is_admin

NOT_ADMIN = "只有管理员可以使用这个功能；请用带 admin 角色的账号登录（assistant user add FILE NAME --admin）。"


class Workbench(Protocol):
    case_types: tuple[str, ...]
    default_gold_file: str

    def gold_sets(self, store: Path) -> list[tuple[str, str]]: ...

    def draft(self, record: dict) -> dict: ...

    def save(self, store: Path, file_name: str, case_id: str, kind: str, question: str, history: str, facts: str,
             sources: str, note: str) -> Path: ...

    def run(self, gold: str, target: str, assistant, step: Callable[[int, int], None] | None = None): ...


class AdminGate:
    """Who may use the admin tabs: everybody without logins, users with the admin role with them."""

    def __init__(self, roles: dict[str, frozenset[str]] | None = None) -> None:
        self.roles = roles

    @property
    def open(self) -> bool:
        return self.roles is None

    def allows(self, request: gr.Request | None) -> bool:
        return is_admin(getattr(request, "username", None) if request else None, self.roles)

    def check(self, request: gr.Request | None) -> None:
        """Refuse a handler call from a non-admin (hidden tabs still have reachable event handlers)."""
        if not self.allows(request):
            raise notice.error(NOT_ADMIN)

    def visibility(self, count: int) -> Callable[[gr.Request], list]:
        """A load handler showing `count` admin components to admins only."""
        def show(request: gr.Request) -> list:
            return [gr.update(visible=self.allows(request))] * count
        return show
