"""Logins for the chat UI: PBKDF2 hashes in an auth file, managed with `assistant user add`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant import ConfigError
from ui.auth import add_user, hash_password, make_checker, parse_auth_file, verify_password

FAST = 1000  # iterations: the real default is slow on purpose


def test_a_password_verifies_against_its_hash_and_others_do_not():
    encoded = hash_password("工会-s3cret", iterations=FAST)
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert verify_password("工会-s3cret", encoded)
    assert not verify_password("工会-s3cre", encoded)


def test_the_same_password_gets_a_different_salt_each_time():
    assert hash_password("pw", iterations=FAST) != hash_password("pw", iterations=FAST)


def test_a_malformed_hash_never_matches():
    for bad in ("", "plain-text", "md5$1$x$y", "pbkdf2_sha256$many$x$y", "pbkdf2_sha256$1000$!!$??"):
        assert not verify_password("pw", bad)


def test_checker_accepts_only_known_users_with_their_password(tmp_path):
    path = tmp_path / "users.txt"
    add_user(path, "staff", "pw-1", iterations=FAST)
    add_user(path, "admin", "pw-2", iterations=FAST)
    check = make_checker(parse_auth_file(path))
    assert check("staff", "pw-1") and check("admin", "pw-2")
    assert not check("staff", "pw-2") and not check("nobody", "pw-1")


def test_adding_an_existing_user_replaces_the_password(tmp_path):
    path = tmp_path / "users.txt"
    add_user(path, "staff", "old", iterations=FAST)
    add_user(path, "staff", "new", iterations=FAST)
    users = parse_auth_file(path)
    assert list(users) == ["staff"] and verify_password("new", users["staff"])
    assert path.stat().st_mode & 0o077 == 0  # hashes are still secrets


def test_a_bad_line_is_reported_with_its_line_number(tmp_path):
    path = tmp_path / "users.txt"
    path.write_text("# staff of the union\n\nstaff:not-a-hash\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"users.txt 第 3 行格式不对：应为 'user:pbkdf2_sha256"):
        parse_auth_file(path)


def test_an_auth_file_that_is_not_utf8_is_one_message(tmp_path):
    path = tmp_path / "users.txt"
    path.write_bytes("张三:密码".encode("gbk"))
    with pytest.raises(ConfigError, match="不是 UTF-8 文本"):
        parse_auth_file(path)


def test_an_auth_file_without_users_is_refused(tmp_path):
    path = tmp_path / "users.txt"
    path.write_text("# nobody yet\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="里没有用户"):
        parse_auth_file(path)


def test_user_add_command_reads_the_password_from_stdin(tmp_path):
    path = tmp_path / "users.txt"
    done = subprocess.run([sys.executable, "-m", "assistant", "user", "add", str(path), "staff", "--password-stdin"],
                          input="pw-stdin\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "已把用户 staff 保存到" in done.stdout
    assert make_checker(parse_auth_file(path))("staff", "pw-stdin")


def test_user_add_command_refuses_a_bad_name_with_a_message_not_a_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "cli", "user", "add", str(tmp_path / "users.txt"), "a:b",
                           "--password-stdin"], input="pw\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "':'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "users.txt").exists()


def test_the_auth_file_messages_name_the_user_add_command(tmp_path):
    path = tmp_path / "users.txt"
    path.write_text("# nobody yet\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="assistant user add"):
        parse_auth_file(path)


def test_a_user_name_with_a_colon_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="':'"):
        add_user(tmp_path / "users.txt", "a:b", "pw", iterations=FAST)
