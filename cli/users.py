"""`assistant user add FILE NAME`: manage the logins of `assistant serve --auth-file FILE` (see ui/auth.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assistant import ConfigError
from ui.auth import add_user


@click.group("user")
def user_group() -> None:
    """Manage the users of `assistant serve --auth-file FILE`."""


@user_group.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
def add_user_command(file: Path, name: str, password_stdin: bool) -> None:
    """Add NAME to FILE (created if missing), or change NAME's password."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        add_user(file, name, password)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"saved user '{name}' in {file}")
