"""Gradio's own words (the upload area, errors, "Loading…") follow the browser's language, read once when its
script starts; the app is Chinese, so every HTML page is served with a first script that makes the browser
report Chinese. It has to be in the page itself: Gradio adds the `head` option's scripts only after it has
read the language."""

from __future__ import annotations

LOCALE_SCRIPT = (b'<script>for(const p of ["language","languages"])Object.defineProperty(navigator,p,'
                 b'{get:()=>p==="language"?"zh-CN":["zh-CN","zh"]});document.documentElement.lang="zh-CN";</script>')


def with_locale(html: bytes) -> bytes:
    """The page with the script first in its <head> (unchanged when it has none)."""
    at = html.find(b"<head>")
    return html if at < 0 else html[: at + 6] + LOCALE_SCRIPT + html[at + 6 :]


class ChineseLocaleMiddleware:
    """ASGI middleware: HTML responses to GET get LOCALE_SCRIPT; everything else passes through untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        start: dict | None = None
        body = bytearray()

        async def rewrite(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    return await send(message)
                start = message
                return None
            if start is None:
                return await send(message)
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return None
            page = with_locale(bytes(body))
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
            return await send({"type": "http.response.body", "body": page})

        return await self.app(scope, receive, rewrite)

