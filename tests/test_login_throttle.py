"""Login throttling as pure objects: a fake clock, no server."""

from __future__ import annotations

from ui.login_throttle import LoginThrottle, throttled_check


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_repeated_failures_lock_a_user_out_and_the_lock_expires():
    clock = Clock()
    throttle = LoginThrottle(attempts=3, window=60, lockout=120, clock=clock)
    check = throttled_check(lambda user, password: password == "对的", throttle)
    assert [check("staff", "错") for _ in range(3)] == [False] * 3
    assert throttle.wait("user:staff") == 120
    assert check("staff", "对的") is False  # locked: even the right password is refused
    assert check("other", "对的") is True  # another user is not affected
    clock.now += 121
    assert check("staff", "对的") is True and throttle.wait("user:staff") == 0


def test_failures_outside_the_window_do_not_add_up_and_a_success_resets():
    clock = Clock()
    throttle = LoginThrottle(attempts=3, window=60, lockout=120, clock=clock)
    for _ in range(2):
        throttle.failed("addr:10.0.0.1")
    clock.now += 61
    throttle.failed("addr:10.0.0.1")
    assert throttle.wait("addr:10.0.0.1") == 0
    throttle.failed("addr:10.0.0.1")
    throttle.succeeded("addr:10.0.0.1")
    throttle.failed("addr:10.0.0.1")
    assert throttle.wait("addr:10.0.0.1") == 0
