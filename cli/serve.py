"""`assistant serve`: the chat UI over HTTP. Also runnable alone: `python -m cli.serve --store DIR --port P`."""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
from pathlib import Path

import click

from cli.main import friendly_errors, make_assistant, store_options
from core.errors import AssistantError, ConfigError

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, auth_file: Path | None, insecure: bool) -> None:
    """Anyone on the network could read the store: refuse a non-loopback host without a login."""
    if not is_loopback(host) and auth_file is None and not insecure:
        raise ConfigError(
            f"refusing to serve on {host} without a login: anyone who can reach it could read the documents. "
            "Pass --auth-file FILE (create it with `python -m ui.auth add-user FILE NAME`), "
            "or --insecure to serve without a login anyway"
        )


def warm_up(assistant) -> None:
    """Load the embedder and keyword index before serving: the first question is not slow, and
    concurrent first requests never race to initialise the store."""
    try:
        assistant.retrieve("工会", k=1)
    except AssistantError as exc:  # an empty store: nothing to warm
        log.info("warm-up skipped: %s", exc)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@store_options
@click.option("--auth-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="require a login; lines 'user:pbkdf2_sha256$…' (see ui/README.md)")
@click.option("--insecure", is_flag=True, help="allow a non-loopback --host without --auth-file")
@friendly_errors
def serve_command(host, port, store, chroma_url, embedder, auth_file, insecure):
    """Open the chat UI (Gradio); its API endpoint /ask answers questions for gradio_client."""
    check_exposure(host, auth_file, insecure)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ui.app import build_app, launch_options
    from ui.auth import make_checker, parse_auth_file

    checker = make_checker(parse_auth_file(auth_file)) if auth_file else None
    assistant = make_assistant(store, chroma_url, embedder)
    demo = build_app(assistant)
    warm_up(assistant)
    try:
        demo.queue().launch(server_name=host, server_port=port, auth=checker, show_error=False, quiet=True,
                            prevent_thread_lock=True, auth_message="请用工会问答助手的账号登录", **launch_options())
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port} ({exc}); choose another --port") from exc
    click.echo(f"serving the chat UI on http://{host}:{port} (Ctrl+C to stop)", err=True)
    demo.block_thread()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    serve_command()
