"""PDFs printed by Debian's chromium (installed by `make system-deps`), as browsers print union news."""

from __future__ import annotations

import subprocess
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def print_pdf(page_body: str, out: Path) -> Path:
    """An HTML body printed to PDF: Noto Sans CJK, 12 px; `<div style="break-before: page">` starts a page."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: make system-deps"
    source = out.with_suffix(".html")
    source.write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        'body{font-family:"Noto Sans CJK SC",sans-serif;font-size:12px} p{margin:0 0 8px;word-break:break-all}'
        f"</style></head><body>{page_body}</body></html>",
        encoding="utf-8",
    )
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
         f"--user-data-dir={out.parent}/profile", f"--print-to-pdf={out}", source.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return out
