"""One writer at a time for an embedded store: Chroma's embedded client is single-process, so a second
process writing into the same folder (an `assistant ingest` while `assistant serve` runs) could corrupt
it. Writers take an advisory lock on `store.lock`; the chat server holds it while it runs; a second
process is refused at once with a message saying what to do, never left waiting.

Within one process the lock is re-entrant and shared by every Assistant on the store (flock locks belong
to an open file, so two opens in one process would exclude each other)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from core.errors import StoreBusyError

_held: dict[Path, tuple[int, int]] = {}  # lock file → (fd, holders in this process)
_guard = threading.Lock()


@contextlib.contextmanager
def writing(store_dir: Path) -> Iterator[None]:
    """Hold the store's write lock for the block (re-entrant within the process)."""
    path = (store_dir / "store.lock").resolve()
    _acquire(path)
    try:
        yield
    finally:
        _release(path)


def _acquire(path: Path) -> None:
    with _guard:
        if path in _held:
            fd, n = _held[path]
            _held[path] = (fd, n + 1)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "另一个进程"
            os.close(fd)
            raise StoreBusyError(
                f"资料库 {path.parent} 正由{holder}写入（内置的 Chroma 同一时间只能由一个进程写入）；聊天服务运行时请在"
                "网页的「文档」页上传文件，或等它结束后再运行；多个进程共用时请改用 Chroma 服务器（chroma run，再加 --chroma-url）"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"进程 {os.getpid()}（{' '.join(Path(a).name for a in sys.argv[:2])}）".encode(), 0)
        _held[path] = (fd, 1)


def _release(path: Path) -> None:
    with _guard:
        fd, n = _held[path]
        if n > 1:
            _held[path] = (fd, n - 1)
            return
        del _held[path]
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
