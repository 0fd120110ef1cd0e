"""Login throttling: after repeated failed logins a user name, and separately a client address, is locked
out for a while, so passwords cannot be guessed at speed.

The user side lives in the login check (Gradio passes it the name); the address side is an ASGI
middleware on the login route (Gradio passes the check no request), which answers a locked address with
HTTP 429 and a Chinese message before any password is hashed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class LoginThrottle:
    """Failures per key ("user:NAME", "addr:1.2.3.4") within `window` seconds; `attempts` of them lock the
    key for `lockout` seconds."""

    attempts: int = 5
    window: float = 300.0
    lockout: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str) -> float:
        """Seconds until key may try again (0: it may now)."""
        with self._lock:
            return max(0.0, self._locked_until.get(key, 0.0) - self.clock())

    def failed(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            recent = self._failures[key]
            recent.append(now)
            while recent and recent[0] < now - self.window:
                recent.popleft()
            if len(recent) >= self.attempts:
                self._locked_until[key] = now + self.lockout
                recent.clear()
                log.warning("login locked for %.0f s after repeated failures: %s", self.lockout, key)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)


def throttled_check(check: Callable[[str, str], bool], throttle: LoginThrottle) -> Callable[[str, str], bool]:
    """The login check, refusing a locked user name without looking at the password."""
    def guarded(user: str, password: str) -> bool:
        key = f"user:{user}"
        if throttle.wait(key):
            return False
        ok = check(user, password)
        (throttle.succeeded if ok else throttle.failed)(key)
        return ok
    return guarded


class AddressThrottleMiddleware:
    """ASGI middleware: POST …/login from a locked address gets 429; each 400 (wrong credentials) counts."""

    def __init__(self, app, throttle: LoginThrottle) -> None:
        self.app, self.throttle = app, throttle

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        key = f"addr:{(scope.get('client') or ('?', 0))[0]}"
        wait = self.throttle.wait(key)
        if wait:
            minutes = max(1, round(wait / 60))
            body = json.dumps({"detail": f"登录失败次数过多，请约 {minutes} 分钟后再试"}, ensure_ascii=False).encode()
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                    (b"retry-after", str(int(wait) + 1).encode())]})
            return await send({"type": "http.response.body", "body": body})

        async def watch(message):
            if message["type"] == "http.response.start":
                status = message["status"]
                if status == 400:
                    self.throttle.failed(key)
                elif status < 300:
                    self.throttle.succeeded(key)
            await send(message)

        return await self.app(scope, receive, watch)
