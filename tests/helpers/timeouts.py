"""pytest-timeout's thread method, with one line naming the test before the stacks.

pytest-timeout prints only the stacks of every thread, then ends the process with status 1;
in a quiet run (``-q``) nothing says which test it was.  This plugin's ``pytest_timeout_set_timer``
runs first and does the same, naming the test.  The root conftest imports it (so it is
registered for the suite); ``-p helpers.timeouts`` registers it for a pytest run of its own.
"""

from __future__ import annotations

import threading

import pytest

SLOW_TIMEOUT = 600  # seconds, for tests marked ``slow`` (the default limit is in pyproject)


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings) -> bool | None:
    import pytest_timeout

    expire = getattr(pytest_timeout, "timeout_timer", None)
    if settings.method != "thread" or expire is None:
        return None  # the signal method fails the test in place: pytest names it itself

    def expired() -> None:
        capture = item.config.pluginmanager.getplugin("capturemanager")
        if capture is not None:
            capture.suspend_global_capture(item)
        item.config.get_terminal_writer().line(
            f"\nTIMEOUT: {item.nodeid} still running after {settings.timeout:g} s; the stacks "
            "of every thread follow (the main thread's ends where the test waits), then the "
            "run stops with status 1.",
            red=True,
        )
        expire(item, settings)

    timer = threading.Timer(settings.timeout, expired)
    timer.name = f"timeout {item.nodeid}"
    timer.daemon = True

    def cancel() -> None:
        timer.cancel()
        timer.join()

    item.cancel_timeout = cancel  # type: ignore[attr-defined]  # read by pytest-timeout
    timer.start()
    return True
