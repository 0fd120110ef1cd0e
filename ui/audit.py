"""An append-only audit log of who changed the store or logged in: one JSON line per event, under the
store (`audit.jsonl`), for administrators to answer "who uploaded / deleted this, and when".

>>> log = AuditLog(Path("STORE/audit.jsonl"))
>>> log.record("upload", user="alice", files=["a.docx"])
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

FILE_NAME = "audit.jsonl"
ACTIONS = {"login": "登录", "login_failed": "登录失败", "upload": "上传", "delete": "删除"}


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, action: str, user: str | None = None, **details) -> dict:
        """Append one event; a log that cannot be written is logged, never an error for the user."""
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {sorted(ACTIONS)}, not {action!r}")
        event = {"timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"), "action": action,
                 "user": user or "", **details}
        line = json.dumps(event, ensure_ascii=False) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(line)
        except OSError as exc:
            log.warning("audit log %s not written: %s", self.path, exc)
        return event

    def read(self) -> list[dict]:
        """Every event, oldest first; a torn last line (a crash mid-write) is skipped."""
        if not self.path.exists():
            return []
        events = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("audit log %s: skipped an unreadable line", self.path)
        return events


def audited_check(check: Callable[[str, str], bool], audit: AuditLog) -> Callable[[str, str], bool]:
    """The login check, with each attempt (never its password) written to the audit log."""
    def logged(user: str, password: str) -> bool:
        ok = check(user, password)
        audit.record("login" if ok else "login_failed", user)
        return ok
    return logged
