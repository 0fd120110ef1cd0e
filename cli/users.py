"""`assistant user add FILE NAME`: manage the logins of `assistant serve --auth-file FILE` (see ui/auth.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assistant import ConfigError
from ui.auth import add_user


@click.group("user")
def user_group() -> None:
    """管理 `assistant serve --auth-file FILE` 的登录用户。"""


@user_group.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入的第一行读取密码")
@click.option("--admin", is_flag=True, help="管理员：可以使用命中测试、评测和把反馈存为标准答案")
def add_user_command(file: Path, name: str, password_stdin: bool, admin: bool) -> None:
    """把用户 NAME 加入 FILE，或修改 NAME 的密码。

    FILE 不存在时会新建。
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次密码")
    try:
        add_user(file, name, password, admin=admin)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已把用户 {name}{'（管理员）' if admin else ''} 保存到 {file}")
