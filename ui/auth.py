"""Logins for `assistant serve --auth-file FILE`: one `user:pbkdf2_sha256$iterations$salt$hash` line per user.

Add or replace a user with `assistant user add FILE NAME` (prompts for the password; see cli/users.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path
from typing import Callable

from assistant import ConfigError

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP 2023 recommendation for PBKDF2-HMAC-SHA256
_DUMMY = f"{ALGORITHM}$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """An encoded PBKDF2-SHA256 hash: algorithm$iterations$salt$hash (salt and hash in base64)."""
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """Constant-time check of a password against an encoded hash; a malformed hash never matches."""
    try:
        algorithm, iterations, salt, expected = encoded.split("$")
        if algorithm != ALGORITHM:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), _unb64(salt), int(iterations))
        return hmac.compare_digest(digest, _unb64(expected))
    except ValueError:
        return False


ADMIN = "admin"


def parse_auth_file(path: Path) -> dict[str, str]:
    """user → encoded hash; blank lines and # comments are skipped, anything else malformed is an error."""
    return {user: encoded for user, (encoded, _) in parse_logins(path).items()}


def load_roles(path: Path) -> dict[str, frozenset[str]]:
    """user → roles, from the optional third field of each line (`user:hash:admin`; none: no roles)."""
    return {user: roles for user, (_, roles) in parse_logins(path).items()}


def is_admin(username: str | None, roles: dict[str, frozenset[str]] | None) -> bool:
    """Whether the user may use the evaluators' tools (hit test, eval, gold cases from feedback).

    roles None means the app runs without logins (loopback by default): whoever can open it is the admin.
    With logins, only users whose line carries the `admin` role. Issue 13 will extend roles.
    """
    if roles is None:
        return True
    return bool(username) and ADMIN in roles.get(username, frozenset())


def parse_logins(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """user → (encoded hash, roles); the role field is optional and comma-separated."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        why = "没有读取权限" if isinstance(exc, PermissionError) else "文件不存在或打不开"
        raise ConfigError(f"无法读取登录文件 {path}：{why}；请检查 --auth-file 给出的路径") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"登录文件 {path} 不是 UTF-8 文本；请用 `assistant user add` 重新生成") from exc
    users: dict[str, tuple[str, frozenset[str]]] = {}
    for no, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, _, rest = line.partition(":")
        encoded, _, role_field = rest.partition(":")  # the hash holds no ":", so a third field is the roles
        if not user or encoded.count("$") != 3 or not encoded.startswith(ALGORITHM + "$"):
            raise ConfigError(f"{path} 第 {no} 行格式不对：应为 'user:{ALGORITHM}$iterations$salt$hash'"
                              f"（可加 ':admin'）；请用 `assistant user add {path} NAME` 添加用户")
        users[user] = (encoded, frozenset(r.strip() for r in role_field.split(",") if r.strip()))
    if not users:
        raise ConfigError(f"登录文件 {path} 里没有用户；请用 `assistant user add {path} NAME` 添加一个")
    return users


def make_checker(users: dict[str, str]) -> Callable[[str, str], bool]:
    """The (user, password) → bool callback Gradio's login calls."""
    def check(user: str, password: str) -> bool:
        # Unknown users still pay for one hash, so timing does not reveal which names exist.
        return verify_password(password, users.get(user, _DUMMY)) and user in users
    return check


def load_checker(path: Path) -> Callable[[str, str], bool]:
    """The login check for an auth file (ConfigError when it is unreadable, malformed or empty)."""
    return make_checker(parse_auth_file(path))


def add_user(path: Path, user: str, password: str, iterations: int = ITERATIONS, admin: bool = False) -> None:
    """Add a user to the auth file, replacing an existing entry of the same name (admin: the `admin` role)."""
    if not user or ":" in user or user != user.strip():
        raise ConfigError("用户名不能为空，不能含有 ':'，首尾也不能有空格；请换一个用户名")
    if not password:
        raise ConfigError("密码不能为空；请输入一个密码")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [ln for ln in lines if ln.partition(":")[0].strip() != user]
    kept.append(f"{user}:{hash_password(password, iterations)}" + (f":{ADMIN}" if admin else ""))
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    path.chmod(0o600)



if __name__ == "__main__":  # the old entry point: say where the command went instead of doing nothing
    raise SystemExit("登录文件现在用 `assistant user add FILE NAME` 管理")
