"""The admin role of the auth file, who may use the admin tabs, and the workbench's file-name guard."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assistant import ConfigError
from cli.main import main
from evals.workbench import EvalWorkbench
from ui.auth import add_user, is_admin, load_checker, load_roles, parse_auth_file


def test_the_role_field_is_optional_and_read_beside_the_hash(tmp_path):
    users = tmp_path / "users.txt"
    add_user(users, "staff", "工会-pw-1", iterations=1000)
    add_user(users, "boss", "工会-pw-2", iterations=1000, admin=True)
    assert users.read_text(encoding="utf-8").splitlines()[1].endswith(":admin")
    assert load_roles(users) == {"staff": frozenset(), "boss": frozenset({"admin"})}
    assert set(parse_auth_file(users)) == {"staff", "boss"}
    check = load_checker(users)
    assert check("boss", "工会-pw-2") and check("staff", "工会-pw-1") and not check("boss", "工会-pw-1")


def test_is_admin_without_logins_everyone_with_logins_only_the_admin_role():
    roles = {"staff": frozenset(), "boss": frozenset({"admin"})}
    assert is_admin(None, None) and is_admin("anyone", None)
    assert is_admin("boss", roles) and not is_admin("staff", roles)
    assert not is_admin(None, roles) and not is_admin("stranger", roles)


def test_a_bad_role_line_is_one_chinese_error(tmp_path):
    users = tmp_path / "users.txt"
    users.write_text("boss:admin\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="第 1 行格式不对"):
        load_roles(users)


def test_cli_user_add_admin(tmp_path):
    users = tmp_path / "users.txt"
    out = CliRunner().invoke(main, ["user", "add", str(users), "boss", "--admin", "--password-stdin"], input="pw-1\n")
    assert out.exit_code == 0 and "boss（管理员）" in out.output
    assert load_roles(users)["boss"] == frozenset({"admin"})


def test_gold_files_are_saved_only_under_the_stores_gold_folder(tmp_path):
    bench = EvalWorkbench()
    assert bench.gold_path(tmp_path, "") == tmp_path / "gold" / "feedback.jsonl"
    assert bench.gold_path(tmp_path, "培训问题") == tmp_path / "gold" / "培训问题.jsonl"
    for bad in ("../evil.jsonl", "/etc/x.jsonl", "a/b.jsonl", ".hidden.jsonl"):
        with pytest.raises(ConfigError, match="不能用"):
            bench.gold_path(tmp_path, bad)
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "mine.jsonl").write_text("", encoding="utf-8")
    labels = [label for label, _ in bench.gold_sets(tmp_path)]
    assert labels[:3] == ["内置：sample（gold.jsonl）", "内置：dev（gold_dev.jsonl）", "内置：test（gold_test.jsonl）"]
    assert labels[-1] == "资料库：mine.jsonl"
