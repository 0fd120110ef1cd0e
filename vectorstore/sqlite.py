"""SQLite files of the store (catalog, embedding cache), opened with one clear error for a bad --store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.errors import StoreError


def open_sqlite(path: Path, schema: str) -> sqlite3.Connection:
    """Open (creating) a store file; a folder that is a file, unwritable or corrupt is a StoreError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        with db:
            db.executescript(schema)
        return db
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open the store file {path}: {exc}; check --store / ASSISTANT_STORE") from exc
