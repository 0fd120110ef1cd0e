"""`assistant serve`: the chat UI over HTTP. Also runnable alone: `python -m cli.serve --store DIR --port P`."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click

from assistant import ConfigError
from cli.options import friendly_errors, make_assistant, setup_logging, store_options


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
            "Pass --auth-file FILE (create it with `assistant user add FILE NAME`), "
            "or --insecure to serve without a login anyway"
        )


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
    from ui.app import launch_app  # deferred: gradio is slow to import
    from ui.auth import load_checker

    checker = load_checker(auth_file) if auth_file else None
    demo = launch_app(make_assistant(store, chroma_url, embedder), host, port, checker)
    click.echo(f"serving the chat UI on http://{host}:{port} (Ctrl+C to stop)", err=True)
    demo.block_thread()


if __name__ == "__main__":
    setup_logging()
    serve_command()
