"""SQLite files of the store (catalog, embedding cache), opened with one clear error for a bad --store."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from core.errors import StoreError

log = logging.getLogger(__name__)


def _problem(exc: Exception) -> str:
    """Why a store file cannot be opened, in Chinese (the system's and SQLite's own text is English)."""
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return "路径中有一段是文件而不是文件夹"
    if isinstance(exc, PermissionError):
        return "没有读写权限"
    if isinstance(exc, OSError):
        return "无法创建所在的文件夹"
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "文件正被别的程序占用"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "文件已损坏，或不是资料库文件"
    if "readonly" in text or "read-only" in text:
        return "文件或文件夹是只读的"
    return "文件打不开"


def open_sqlite(path: Path, schema: str) -> sqlite3.Connection:
    """Open (creating) a store file; a folder that is a file, unwritable or corrupt is a StoreError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        with db:
            db.executescript(schema)
        return db
    except (OSError, sqlite3.Error) as exc:
        log.info("cannot open %s: %r", path, exc)
        raise StoreError(f"无法打开资料库文件 {path}：{_problem(exc)}；"
                         "请检查 --store / ASSISTANT_STORE 是否指向一个可以写入的文件夹") from exc
