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
            f"不能在 {host} 上不设登录就提供服务：能访问这个地址的任何人都能读到资料库里的文档。"
            "请加 --auth-file FILE（用 `assistant user add FILE NAME` 创建），"
            "或加 --insecure 明确表示不设登录"
        )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听的地址")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535), help="监听的端口")
@store_options
@click.option("--auth-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="要求登录；文件每行 'user:pbkdf2_sha256$…'（见 ui/README.md）")
@click.option("--insecure", is_flag=True, help="允许不带 --auth-file 使用非本机（非回环）的 --host")
@friendly_errors
def serve_command(host, port, store, chroma_url, embedder, auth_file, insecure):
    """打开聊天界面（Gradio）。

    界面的 API 端点 /ask 可供 gradio_client 提问。
    """
    check_exposure(host, auth_file, insecure)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from evals.workbench import EvalWorkbench  # the admin tabs' eval tools (the UI may not import evals)
    from ui.app import launch_app  # deferred: gradio is slow to import
    from ui.auth import load_checker, load_roles

    checker = load_checker(auth_file) if auth_file else None
    roles = load_roles(auth_file) if auth_file else None
    assistant = make_assistant(store, chroma_url, embedder)
    with assistant.store.serving():  # embedded: uploads go through this process, another writer is refused
        demo = launch_app(assistant, host, port, checker, EvalWorkbench(), roles)
        click.echo(f"聊天界面已启动：http://{host}:{port}（按 Ctrl+C 停止）", err=True)
        demo.block_thread()


if __name__ == "__main__":
    setup_logging()
    serve_command()
