"""`serve` refuses to expose the store to the network without a login, with a clear message."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant import ConfigError
from cli.serve import check_exposure, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_are_recognised(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org", "::"])
def test_other_hosts_are_not_loopback(host):
    assert not is_loopback(host)


def test_a_network_host_needs_an_auth_file_or_insecure(tmp_path):
    with pytest.raises(ConfigError, match="--auth-file.*--insecure"):
        check_exposure("0.0.0.0", None, insecure=False)
    check_exposure("0.0.0.0", tmp_path / "users.txt", insecure=False)
    check_exposure("0.0.0.0", None, insecure=True)
    check_exposure("127.0.0.1", None, insecure=False)


def test_serve_on_all_interfaces_without_auth_exits_with_a_message_not_a_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "cli.serve", "--host", "0.0.0.0", "--store", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--auth-file" in done.stderr and "--insecure" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_auth_file_is_a_usage_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "cli.serve", "--auth-file", str(tmp_path / "nope.txt")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "nope.txt" in done.stderr and "Traceback" not in done.stderr
